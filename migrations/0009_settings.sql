-- Settings changed on the settings page. A row overrides the matching serve flag until the
-- field is emptied (the row is then deleted). Values are one item per line.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
