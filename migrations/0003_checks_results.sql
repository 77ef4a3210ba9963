-- Checks derived from the inventory, their raw results, and hourly rollups.
-- A check probes one subject (a host's or container's IPv6 address, or a service) with one
-- probe spec (JSON, the probe stage's ProbeSpec). Raw results are kept 7 days, rollups 400 days.

CREATE TABLE checks (
    id            INTEGER PRIMARY KEY,
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('host', 'container', 'service')),
    subject_id    INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('icmp', 'dns', 'tcp', 'http')),
    spec          TEXT NOT NULL,
    interval_secs INTEGER NOT NULL DEFAULT 60 CHECK (interval_secs BETWEEN 5 AND 86400),
    enabled       INTEGER NOT NULL DEFAULT 1,
    -- Set by "Run now", cleared by the scheduler when it takes the request.
    run_requested INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (subject_kind, subject_id, spec)
);
CREATE INDEX checks_subject ON checks(subject_kind, subject_id);

-- One row per probe run and address family: the most telling outcome, with every outcome
-- of that family (addresses tried, reasons, details) in `detail` as JSON.
-- `at` is Unix time in milliseconds; `lateness_ms` is how late the run started.
CREATE TABLE results (
    id          INTEGER PRIMARY KEY,
    check_id    INTEGER NOT NULL REFERENCES checks(id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    family      TEXT NOT NULL CHECK (family IN ('v6', 'v4')),
    address     TEXT,
    reason      TEXT NOT NULL,
    ok          INTEGER NOT NULL,
    latency_ms  REAL,
    lateness_ms REAL,
    detail      TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX results_check_at ON results(check_id, at);
CREATE INDEX results_at ON results(at);

-- Hourly rollups; `hour` is the Unix time (seconds) the hour starts.
CREATE TABLE result_rollups (
    check_id       INTEGER NOT NULL REFERENCES checks(id) ON DELETE CASCADE,
    family         TEXT NOT NULL CHECK (family IN ('v6', 'v4')),
    hour           INTEGER NOT NULL,
    count          INTEGER NOT NULL,
    ok_count       INTEGER NOT NULL,
    min_latency_ms REAL,
    avg_latency_ms REAL,
    max_latency_ms REAL,
    PRIMARY KEY (check_id, family, hour)
);
CREATE INDEX result_rollups_hour ON result_rollups(hour);
