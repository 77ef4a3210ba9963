//! Scheduler stage, exposure scans: every few minutes, scan the opted-in hosts and containers
//! that are due (never scanned, or not for `every`), one at a time, with the addresses and
//! ports their inventory rows name and nothing else; store the exposure diff and alert once
//! per port new to it (rule `ipv6_only_port`).

use std::time::Duration;

use ipnet::IpNet;
use model::SubjectKind;
use probes::portscan::{self, ScanLimits, ScanOutcome, ScanTarget};
use sqlx::SqlitePool;
use store::exposure::{self, ExposureAlert, ExposureSubject};
use tokio_util::sync::CancellationToken;

/// The alert rule code of a port new to the exposure diff.
pub const RULE: &str = "ipv6_only_port";

/// How exposure scans run. Defaults: every 6 hours per subject, the top-100 port list.
#[derive(Debug, Clone)]
pub struct ExposureSettings {
    pub limits: ScanLimits,
    pub every: Duration,
    /// How often to look for due subjects (so a fresh opt-in is scanned soon).
    pub poll: Duration,
    pub ports: Vec<u16>,
    pub deny: Vec<IpNet>,
}

impl Default for ExposureSettings {
    fn default() -> Self {
        ExposureSettings {
            limits: ScanLimits::default(),
            every: Duration::from_secs(6 * 3600),
            poll: Duration::from_secs(300),
            ports: portscan::TOP_PORTS.to_vec(),
            deny: Vec::new(),
        }
    }
}

/// What one [`step`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StepReport {
    pub scanned: usize,
    pub not_scanned: usize,
    pub alerts: usize,
}

fn kind_of(subject: &ExposureSubject) -> Option<SubjectKind> {
    match subject.subject_kind.as_str() {
        "host" => Some(SubjectKind::Host),
        "container" => Some(SubjectKind::Container),
        _ => None,
    }
}

/// Scan every due subject once, at `now` (Unix seconds).
pub async fn step(
    pool: &SqlitePool,
    settings: &ExposureSettings,
    now: i64,
) -> anyhow::Result<StepReport> {
    let every = i64::try_from(settings.every.as_secs()).unwrap_or(i64::MAX);
    let mut report = StepReport::default();
    for subject in exposure::due(pool, now, every).await? {
        let Some(kind) = kind_of(&subject) else {
            continue;
        };
        let id = subject.subject_id;
        let (addresses, named) = exposure::scan_inputs(pool, kind, id).await?;
        let target = ScanTarget {
            addresses,
            ports: portscan::port_list(&settings.ports, &named),
        };
        match portscan::scan(&target, settings.limits, &settings.deny).await {
            Ok(outcome) => {
                let before = exposure::diff(pool, kind, id).await?;
                let update = portscan::update_diff(&before, &outcome, now);
                let alerts = alerts(&subject, &outcome, &update.opened);
                report.alerts += alerts.len();
                report.scanned += 1;
                exposure::record_scan(
                    pool,
                    kind,
                    id,
                    now,
                    Ok((&update, outcome.complete)),
                    &alerts,
                )
                .await?;
            }
            Err(why) => {
                report.not_scanned += 1;
                let why = why.to_string();
                exposure::record_scan(pool, kind, id, now, Err(&why), &[]).await?;
            }
        }
    }
    Ok(report)
}

/// One message per port new to the diff, naming the subject, the address and the port.
pub fn alerts(
    subject: &ExposureSubject,
    outcome: &ScanOutcome,
    opened: &[u16],
) -> Vec<ExposureAlert> {
    opened
        .iter()
        .map(|&port| {
            let address = outcome
                .answered6
                .get(&port)
                .and_then(|a| a.first())
                .map(ToString::to_string)
                .unwrap_or_default();
            let title = format!(
                "Port {port} of {} {} answers over IPv6 ({address}) but not over IPv4",
                subject.subject_kind, subject.name
            );
            let body = format!(
                "{title}.\nAn IPv4-only firewall or Docker before 27 may have left it open to the \
                 internet over IPv6. Rule: {RULE}."
            );
            let details = serde_json::json!({
                "rule": RULE,
                "subject_kind": subject.subject_kind,
                "subject": subject.name,
                "address": address,
                "port": port,
            })
            .to_string();
            ExposureAlert {
                title,
                body,
                details,
            }
        })
        .collect()
}

/// Runs [`step`] every `poll` until `cancel`.
pub async fn run(pool: SqlitePool, settings: ExposureSettings, cancel: CancellationToken) {
    let mut tick = tokio::time::interval(settings.poll);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            _ = tick.tick() => {}
        }
        let now = super::unix_ms() / 1000;
        match step(&pool, &settings, now).await {
            Ok(done) if done.scanned + done.not_scanned > 0 => tracing::info!(
                scanned = done.scanned,
                not_scanned = done.not_scanned,
                alerts = done.alerts,
                "exposure scans done"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!("exposure scans failed: {e:#}"),
        }
    }
}
