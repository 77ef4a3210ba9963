-- The alert stage's outbox: one row per message to send (an incident opened, resolved, or
-- folded into "flapping"). The detector writes rows; the delivery stage sends each to every
-- enabled channel and logs each attempt. `at` is Unix time in milliseconds.
CREATE TABLE alert_notifications (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER,
    at           INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('opened', 'resolved', 'flapping', 'test')),
    severity     TEXT NOT NULL DEFAULT 'warning' CHECK (severity IN ('info', 'warning', 'critical')),
    -- What it is about, for links: 'host', 'tunnel', 'container', 'service' or 'check'.
    subject_kind TEXT NOT NULL,
    subject_id   INTEGER NOT NULL,
    -- One line, and a readable multi-line body (what changed, before and after, evidence).
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    -- Dashboard path of the incident, e.g. /alerts/12.
    path         TEXT NOT NULL,
    -- Structured details (JSON object), passed through to webhook bodies.
    details      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX alert_notifications_at ON alert_notifications(at);

-- Incidents the detector opened. `id` is assigned by the detector (its persisted state holds
-- the next one), so state, incidents and outbox rows always agree. An incident folded into
-- another (a service under a host that is down) is kept but sends nothing. Times are Unix ms.
CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY,
    -- down: fails over IPv6 (and IPv4); degraded: IPv6 fails while IPv4 works; flapping;
    -- verdict: the IPv6-only verdict got worse or a dependency broke; latency: slower than usual.
    rule            TEXT NOT NULL CHECK (rule IN ('down', 'degraded', 'flapping', 'verdict', 'latency')),
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
    folded_into     INTEGER REFERENCES incidents(id),
    -- Opened while its subject was muted: recorded, never sent.
    muted           INTEGER NOT NULL DEFAULT 0,
    acknowledged_at INTEGER,
    acknowledged_by TEXT
);
CREATE INDEX incidents_open ON incidents(resolved_at, opened_at);
CREATE INDEX incidents_subject ON incidents(subject_kind, subject_id);

-- The detector's persisted state (one row): how far it has read, and its streaks and open
-- incidents as JSON. Written in the same transaction as the incidents and outbox rows.
CREATE TABLE alert_state (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    results_after  INTEGER NOT NULL DEFAULT 0,
    verdicts_after INTEGER NOT NULL DEFAULT 0,
    state          TEXT NOT NULL DEFAULT '{}',
    updated_at     INTEGER NOT NULL DEFAULT 0
);
INSERT INTO alert_state (id) VALUES (1);

-- Maintenance windows: a muted host mutes its containers and services too.
CREATE TABLE alert_mutes (
    id           INTEGER PRIMARY KEY,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('host', 'service')),
    subject_id   INTEGER NOT NULL,
    until        INTEGER NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE INDEX alert_mutes_until ON alert_mutes(until);

-- Per-check thresholds; a check without a row uses the defaults (2 and 2).
CREATE TABLE check_alert_thresholds (
    check_id      INTEGER PRIMARY KEY REFERENCES checks(id) ON DELETE CASCADE,
    fail_after    INTEGER NOT NULL CHECK (fail_after BETWEEN 1 AND 100),
    recover_after INTEGER NOT NULL CHECK (recover_after BETWEEN 1 AND 100)
);

-- The newest incident each user has seen on /alerts, for the header's unread count.
CREATE TABLE alert_reads (
    user_id          INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    seen_incident_id INTEGER NOT NULL DEFAULT 0
);
