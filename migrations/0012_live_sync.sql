-- Live sync of containers from the Docker Engine and LXD/Incus APIs.

-- Who made a change: '' for an edit, an import or an apply; 'sync docker' or 'sync lxd'
-- for a live sync round, so the overview tells a runtime's change from a person's.
ALTER TABLE changes ADD COLUMN source TEXT NOT NULL DEFAULT '';

-- The last round of each runtime's sync, for the Import page: when (Unix ms), on which
-- socket and host, whether it worked, and what it did or why it failed.
CREATE TABLE sync_runs (
    runtime TEXT PRIMARY KEY CHECK (runtime IN ('docker', 'lxd')),
    socket  TEXT NOT NULL,
    host    TEXT NOT NULL,
    at      INTEGER NOT NULL,
    ok      INTEGER NOT NULL CHECK (ok IN (0, 1)),
    message TEXT NOT NULL
);

-- The outbox learns a fourth kind of message besides incidents and tests: 'inventory', a
-- sync round that found containers appearing or gaining an address. SQLite cannot change a
-- CHECK in place, so the table is rebuilt. Dropping it would cascade to the deliveries and
-- the fan-out markers (foreign keys are on inside this transaction), so those are kept
-- aside and put back.
CREATE TABLE alert_notifications_next (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER,
    at           INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('opened', 'resolved', 'flapping', 'test', 'inventory')),
    severity     TEXT NOT NULL DEFAULT 'warning' CHECK (severity IN ('info', 'warning', 'critical')),
    subject_kind TEXT NOT NULL,
    subject_id   INTEGER NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    path         TEXT NOT NULL,
    details      TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO alert_notifications_next SELECT id, incident_id, at, kind, severity, subject_kind,
    subject_id, title, body, path, details FROM alert_notifications;
CREATE TEMP TABLE kept_deliveries AS SELECT * FROM deliveries;
CREATE TEMP TABLE kept_fanned_out AS SELECT * FROM notifications_fanned_out;
DROP TABLE alert_notifications;
ALTER TABLE alert_notifications_next RENAME TO alert_notifications;
CREATE INDEX alert_notifications_at ON alert_notifications(at);
INSERT INTO notifications_fanned_out SELECT * FROM kept_fanned_out;
INSERT INTO deliveries SELECT * FROM kept_deliveries;
DROP TABLE kept_deliveries;
DROP TABLE kept_fanned_out;
