-- A tunnel is watched from its own record: checks may belong to a tunnel (the broker's IPv4
-- endpoint, the far IPv6 tunnel address, the path MTU through it), and a path MTU probe is a
-- check kind. SQLite cannot change a CHECK constraint, so `checks` is rebuilt the way its
-- documentation says. Migrations run with foreign keys off (`store::open`), so dropping the
-- old table deletes nothing that refers to it; ids are kept, so results, rollups and alert
-- state stay attached to their checks.
CREATE TABLE checks_rebuilt (
    id            INTEGER PRIMARY KEY,
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('host', 'container', 'service', 'tunnel')),
    subject_id    INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('icmp', 'dns', 'tcp', 'http', 'pmtu')),
    spec          TEXT NOT NULL,
    interval_secs INTEGER NOT NULL DEFAULT 60 CHECK (interval_secs BETWEEN 5 AND 86400),
    enabled       INTEGER NOT NULL DEFAULT 1,
    -- Set by "Run now", cleared by the scheduler when it takes the request.
    run_requested INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (subject_kind, subject_id, spec)
);
INSERT INTO checks_rebuilt
    (id, subject_kind, subject_id, kind, spec, interval_secs, enabled, run_requested,
     created_at, updated_at)
SELECT id, subject_kind, subject_id, kind, spec, interval_secs, enabled, run_requested,
       created_at, updated_at
  FROM checks;
DROP TABLE checks;
ALTER TABLE checks_rebuilt RENAME TO checks;
CREATE INDEX checks_subject ON checks(subject_kind, subject_id);
-- The length of the tunnel's on-link prefix, as brokers show the inner addresses
-- (2001:db8:1f0a::2/64 gives 64).
ALTER TABLE tunnels ADD COLUMN onlink_len INTEGER CHECK (onlink_len BETWEEN 0 AND 128);
