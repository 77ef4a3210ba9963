-- A name is one name whatever its letters' case: "Web" and "web" read as the same service
-- on every page, so they may not both exist. Services gain the rule; hosts, tunnels and
-- containers (per host) have their case-sensitive rule widened. Rows that already clash
-- keep their data and get their id appended to the name, so no record is lost.
-- (SQLite's NOCASE folds ASCII letters only.)

UPDATE hosts SET name = name || ' (' || id || ')'
 WHERE EXISTS (SELECT 1 FROM hosts o WHERE o.name = hosts.name COLLATE NOCASE AND o.id < hosts.id);
CREATE UNIQUE INDEX hosts_name_any_case ON hosts(name COLLATE NOCASE);

UPDATE tunnels SET name = name || ' (' || id || ')'
 WHERE EXISTS (SELECT 1 FROM tunnels o WHERE o.name = tunnels.name COLLATE NOCASE AND o.id < tunnels.id);
CREATE UNIQUE INDEX tunnels_name_any_case ON tunnels(name COLLATE NOCASE);

UPDATE containers SET name = name || ' (' || id || ')'
 WHERE EXISTS (SELECT 1 FROM containers o
                WHERE o.host_id = containers.host_id AND o.name = containers.name COLLATE NOCASE
                  AND o.id < containers.id);
CREATE UNIQUE INDEX containers_name_any_case ON containers(host_id, name COLLATE NOCASE);

UPDATE services SET name = name || ' (' || id || ')'
 WHERE EXISTS (SELECT 1 FROM services o WHERE o.name = services.name COLLATE NOCASE AND o.id < services.id);
CREATE UNIQUE INDEX services_name_any_case ON services(name COLLATE NOCASE);
