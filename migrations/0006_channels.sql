-- The delivery stage: where alerts go (channels), and one row per message per channel
-- (deliveries) that doubles as the delivery log. Times named `*_at` in deliveries are Unix
-- time in milliseconds, like alert_notifications.at.
CREATE TABLE channels (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind           TEXT NOT NULL CHECK (kind IN ('webhook', 'email')),
    enabled        INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- Webhook: the body format, the URL, and an optional secret sent as a header
    -- (`secret_header: secret`, or `Authorization: Bearer secret` when no header is named;
    -- Gotify's app token goes in X-Gotify-Key).
    webhook_preset TEXT NOT NULL DEFAULT 'generic'
                   CHECK (webhook_preset IN ('generic', 'ntfy', 'discord', 'slack', 'gotify')),
    url            TEXT,
    secret         TEXT,
    secret_header  TEXT,
    -- E-mail over SMTP.
    smtp_host      TEXT,
    smtp_port      INTEGER CHECK (smtp_port IS NULL OR smtp_port BETWEEN 1 AND 65535),
    smtp_security  TEXT NOT NULL DEFAULT 'starttls' CHECK (smtp_security IN ('starttls', 'tls', 'plain')),
    smtp_username  TEXT,
    smtp_password  TEXT,
    mail_from      TEXT,
    -- Recipients, one address per line.
    mail_to        TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- One message to one channel: queued when the notification is fanned out, claimed before
-- each attempt (attempts + 1, next_attempt_at pushed past the backoff, so a crash mid-send
-- retries later instead of at once), then marked sent or, after the last attempt, failed.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES alert_notifications(id) ON DELETE CASCADE,
    channel_id      INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    attempts        INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    -- HTTP status of the last webhook answer, or the SMTP reply code.
    response_code   INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    UNIQUE (notification_id, channel_id)
);
CREATE INDEX deliveries_due ON deliveries(channel_id, status, next_attempt_at);
CREATE INDEX deliveries_channel ON deliveries(channel_id, id);

-- The fan-out cursor: a notification listed here has had its deliveries queued (in the same
-- transaction), so a restart neither queues it twice nor skips one. A marker per row rather
-- than a last-id number, because SQLite may reuse the id of a deleted newest row.
CREATE TABLE notifications_fanned_out (
    notification_id INTEGER PRIMARY KEY REFERENCES alert_notifications(id) ON DELETE CASCADE
);
-- Messages older than the channels are not sent to them.
INSERT INTO notifications_fanned_out (notification_id) SELECT id FROM alert_notifications;
