-- Exposure scan: which hosts and containers the user opted in to a TCP connect scan over
-- IPv6 and IPv4 (off unless a row is here), when each was last scanned, and the exposure
-- diff (ports that answer over IPv6 but not over IPv4). Times are Unix seconds. Separate
-- tables, so the inventory tables stay as they were.
CREATE TABLE exposure_subjects (
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('host', 'container')),
    subject_id    INTEGER NOT NULL,
    opted_in_at   INTEGER NOT NULL,
    last_scan_at  INTEGER,
    -- 0 when the last scan hit its deadline (unsettled ports kept their previous state).
    last_complete INTEGER NOT NULL DEFAULT 0,
    -- Why the last scan did not run (for example: not both families), '' when it ran.
    last_error    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (subject_kind, subject_id)
);

CREATE TABLE exposed_ports (
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('host', 'container')),
    subject_id   INTEGER NOT NULL,
    port         INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    first_seen   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    PRIMARY KEY (subject_kind, subject_id, port)
);

-- A deleted host or container takes its opt-in and diff with it.
CREATE TRIGGER exposure_host_gone AFTER DELETE ON hosts BEGIN
    DELETE FROM exposure_subjects WHERE subject_kind = 'host' AND subject_id = OLD.id;
    DELETE FROM exposed_ports WHERE subject_kind = 'host' AND subject_id = OLD.id;
END;
CREATE TRIGGER exposure_container_gone AFTER DELETE ON containers BEGIN
    DELETE FROM exposure_subjects WHERE subject_kind = 'container' AND subject_id = OLD.id;
    DELETE FROM exposed_ports WHERE subject_kind = 'container' AND subject_id = OLD.id;
END;
