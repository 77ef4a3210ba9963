-- Address-plan findings that need DNS (dns_drift, missing_aaaa, a_without_aaaa): the
-- scheduler's last scan, replaced whole each scan. The pure rules are computed on read.
CREATE TABLE plan_dns_findings (
    key        TEXT PRIMARY KEY,
    finding    TEXT NOT NULL,           -- model::plan_rules::Finding as JSON
    scanned_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
