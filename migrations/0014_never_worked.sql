-- Incidents learn a sixth rule: 'never_worked', a check that failed over IPv6 from its first
-- result on (nothing to regress from, but the user should hear of it once). SQLite cannot
-- change a CHECK in place, so the table is rebuilt; nothing else refers to it but itself
-- (`folded_into`), and the rename carries that reference over.
CREATE TABLE incidents_next (
    id              INTEGER PRIMARY KEY,
    -- down: fails over IPv6 (and IPv4); degraded: IPv6 fails while IPv4 works; flapping;
    -- verdict: the IPv6-only verdict got worse or a dependency broke; latency: slower than
    -- usual; never_worked: failed over IPv6 since it was added, never once passing.
    rule            TEXT NOT NULL CHECK (rule IN ('down', 'degraded', 'flapping', 'verdict', 'latency', 'never_worked')),
    severity        TEXT NOT NULL DEFAULT 'warning' CHECK (severity IN ('info', 'warning', 'critical')),
    subject_kind    TEXT NOT NULL CHECK (subject_kind IN ('host', 'tunnel', 'container', 'service')),
    subject_id      INTEGER NOT NULL,
    subject_name    TEXT NOT NULL,
    -- The check whose results opened it, if any (no foreign key: history outlives checks).
    check_id        INTEGER,
    opened_at       INTEGER NOT NULL,
    resolved_at     INTEGER,
    title           TEXT NOT NULL,
    before          TEXT NOT NULL DEFAULT '',
    after           TEXT NOT NULL DEFAULT '',
    -- JSON array of readable evidence lines (reason codes, addresses, verdict changes).
    evidence        TEXT NOT NULL DEFAULT '[]',
    folded_into     INTEGER REFERENCES incidents_next(id),
    -- Opened while its subject was muted: recorded, never sent.
    muted           INTEGER NOT NULL DEFAULT 0,
    acknowledged_at INTEGER,
    acknowledged_by TEXT
);
INSERT INTO incidents_next SELECT id, rule, severity, subject_kind, subject_id, subject_name,
    check_id, opened_at, resolved_at, title, before, after, evidence, folded_into, muted,
    acknowledged_at, acknowledged_by FROM incidents;
DROP TABLE incidents;
ALTER TABLE incidents_next RENAME TO incidents;
CREATE INDEX incidents_open ON incidents(resolved_at, opened_at);
CREATE INDEX incidents_subject ON incidents(subject_kind, subject_id);
CREATE INDEX incidents_folded_into ON incidents(folded_into);
