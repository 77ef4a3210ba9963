//! v6watch's server end to end, one test binary: the web application on a temporary
//! database (pages, forms, API, live events, metrics), the scheduled jobs, the alert and
//! delivery stages, the `serve` and `check` commands, and (ignored unless the lab is up)
//! the same against the network-namespace lab.

mod alert_lab;
mod alert_loop;
mod alerts_web;
mod api;
mod check_cli;
mod database_health;
mod delivery;
mod disk_faults;
mod escaping;
mod exposure_lab;
mod exposure_pages;
mod history_pages;
mod host_names;
mod import_cli;
mod import_page;
mod inventory_filters;
mod kill_during_writes;
#[path = "../../../probes/tests/integration/lab.rs"]
mod lab;
mod lab_browser_verdicts;
mod lab_jobs;
mod live_overview;
mod metrics;
mod notices;
mod plan_dns_lab;
mod plan_findings;
mod scheduler;
mod serve_process;
mod service_page;
mod settings_page;
mod sign_in;
mod site_files;
mod strict_forms;
mod support;
mod sync;
mod tunnel_lab;
mod tunnel_pages;
mod verdict_job;
mod verdict_pages;
mod web;
