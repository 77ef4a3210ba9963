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
