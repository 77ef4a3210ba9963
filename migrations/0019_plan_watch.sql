-- Address-plan problems already told to the channels: one message when a problem first
-- appears; one that goes away and comes back is new again.
CREATE TABLE plan_problems_told (
    key        TEXT PRIMARY KEY,
    first_seen INTEGER NOT NULL
);

-- Set by the first watch, which takes the problems already there as known: upgrading, or
-- importing an inventory before the first scan, sends no message about old mistakes.
CREATE TABLE plan_watch (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    baseline_at INTEGER NOT NULL
);
