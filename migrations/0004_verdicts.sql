-- IPv6-only verdicts of HTTP(S) services (the verdict stage), stored by the scheduler.
-- `at` columns are Unix time in milliseconds. Reports are `verdict::ServiceVerdict` as JSON,
-- the same shape `v6watch check --json` prints.

-- The latest verdict of each service, replaced on every run.
CREATE TABLE service_verdicts (
    service_id INTEGER PRIMARY KEY REFERENCES services(id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    verdict    TEXT NOT NULL CHECK (verdict IN ('ready', 'partial', 'broken')),
    reason     TEXT,
    report     TEXT NOT NULL
);

-- One row per change: the first verdict of a service, a change of verdict, or a dependency
-- host newly broken or recovered. The alert stage reads these in id order.
CREATE TABLE verdict_events (
    id             INTEGER PRIMARY KEY,
    service_id     INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    at             INTEGER NOT NULL,
    -- NULL for a service's first verdict.
    verdict_before TEXT CHECK (verdict_before IN ('ready', 'partial', 'broken')),
    verdict_after  TEXT NOT NULL CHECK (verdict_after IN ('ready', 'partial', 'broken')),
    -- JSON array of `verdict::Change` (empty for a first verdict).
    changes        TEXT NOT NULL DEFAULT '[]',
    report_before  TEXT,
    report_after   TEXT NOT NULL
);
CREATE INDEX verdict_events_service_at ON verdict_events(service_id, at);

-- "Run now" on a service's HTTP check also asks for a new verdict; the verdict job takes
-- (deletes) these rows when it next looks.
CREATE TABLE verdict_requests (
    service_id INTEGER PRIMARY KEY REFERENCES services(id) ON DELETE CASCADE,
    at         INTEGER NOT NULL
);
