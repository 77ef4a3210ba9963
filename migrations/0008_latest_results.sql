-- The newest result of every check and family, kept by triggers on `results`, so pages that
-- show where each check stands (the overview) read one small row per check instead of
-- searching each check's history in the results index.
-- Newest means the greatest (at, id), as in `ORDER BY at DESC, id DESC LIMIT 1`.

CREATE TABLE latest_results (
    check_id  INTEGER NOT NULL,
    family    TEXT NOT NULL,
    result_id INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    ok        INTEGER NOT NULL,
    reason    TEXT NOT NULL,
    PRIMARY KEY (check_id, family)
) WITHOUT ROWID;

INSERT INTO latest_results (check_id, family, result_id, at, ok, reason)
SELECT r.check_id, r.family, r.id, r.at, r.ok, r.reason
  FROM checks c
  JOIN (SELECT 'v6' AS family UNION ALL SELECT 'v4') f
  JOIN results r ON r.id = (SELECT r2.id FROM results r2
                             WHERE r2.check_id = c.id AND r2.family = f.family
                             ORDER BY r2.at DESC, r2.id DESC LIMIT 1);

CREATE TRIGGER results_newest_insert AFTER INSERT ON results
BEGIN
    INSERT INTO latest_results (check_id, family, result_id, at, ok, reason)
    VALUES (NEW.check_id, NEW.family, NEW.id, NEW.at, NEW.ok, NEW.reason)
    ON CONFLICT (check_id, family) DO UPDATE
       SET result_id = excluded.result_id, at = excluded.at, ok = excluded.ok,
           reason = excluded.reason
     WHERE excluded.at > latest_results.at
        OR (excluded.at = latest_results.at AND excluded.result_id > latest_results.result_id);
END;

-- Removing the newest row (pruning, or its check deleted) makes the next newest the newest;
-- when none is left, the check has no newest result.
CREATE TRIGGER results_newest_delete AFTER DELETE ON results
WHEN EXISTS (SELECT 1 FROM latest_results l
              WHERE l.check_id = OLD.check_id AND l.family = OLD.family AND l.result_id = OLD.id)
BEGIN
    DELETE FROM latest_results WHERE check_id = OLD.check_id AND family = OLD.family;
    INSERT INTO latest_results (check_id, family, result_id, at, ok, reason)
    SELECT r.check_id, r.family, r.id, r.at, r.ok, r.reason
      FROM results r
     WHERE r.check_id = OLD.check_id AND r.family = OLD.family
     ORDER BY r.at DESC, r.id DESC LIMIT 1;
END;

-- Results are never edited in place; should one be, its check's newest is found again.
CREATE TRIGGER results_newest_update AFTER UPDATE ON results
BEGIN
    DELETE FROM latest_results
     WHERE (check_id = OLD.check_id AND family = OLD.family)
        OR (check_id = NEW.check_id AND family = NEW.family);
    INSERT INTO latest_results (check_id, family, result_id, at, ok, reason)
    SELECT r.check_id, r.family, r.id, r.at, r.ok, r.reason
      FROM results r
     WHERE r.id IN (SELECT r2.id FROM results r2
                     WHERE r2.check_id = OLD.check_id AND r2.family = OLD.family
                     ORDER BY r2.at DESC, r2.id DESC LIMIT 1)
        OR r.id IN (SELECT r2.id FROM results r2
                     WHERE r2.check_id = NEW.check_id AND r2.family = NEW.family
                     ORDER BY r2.at DESC, r2.id DESC LIMIT 1);
END;
