-- One row that `/healthz` and the sign-in page rewrite to prove the database takes writes.
CREATE TABLE store_health (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at INTEGER NOT NULL
);
INSERT INTO store_health (id, checked_at) VALUES (1, 0);
