//! Verdicts from the store into what the pages show (server side).

use super::*;
use store::verdicts::{StoredVerdict, VerdictEventRow};
use verdict::VerdictChange;

/// Addresses split by family (v6, v4); a text that is no address goes with v6.
fn split(addresses: &[String]) -> (Vec<String>, Vec<String>) {
    addresses
        .iter()
        .cloned()
        .partition(|a| a.parse::<std::net::Ipv4Addr>().is_err())
}

impl From<StoredVerdict> for VerdictDetail {
    fn from(stored: StoredVerdict) -> Self {
        let r = stored.report;
        let (v6, v4) = split(&r.addresses);
        VerdictDetail {
            at: stored.at,
            verdict: r.verdict.as_str().to_string(),
            reason: r.reason.map(|x| x.as_str().to_string()),
            detail: r.detail,
            final_url: r.final_url,
            v6,
            v4,
            nat64: r.nat64,
            truncated: r.truncated,
            dependencies: r
                .dependencies
                .into_iter()
                .map(|d| {
                    let (v6, v4) = split(&d.addresses);
                    let more_urls = d.urls.len().saturating_sub(URLS_SHOWN);
                    DependencyRow {
                        host: d.host,
                        verdict: d.verdict.as_str().to_string(),
                        reason: d.reason.map(|x| x.as_str().to_string()),
                        v6,
                        v4,
                        kinds: d.kinds,
                        urls: d.urls.into_iter().take(URLS_SHOWN).collect(),
                        more_urls,
                        detail: d.detail,
                        found_by: d.found_by,
                        requests: d
                            .requests
                            .into_iter()
                            .map(|r| RequestRow {
                                url: r.url,
                                kind: r.kind,
                                initiator: r.initiator,
                                outcome: r.outcome,
                                error: r.error,
                                status: r.status,
                            })
                            .collect(),
                    }
                })
                .collect(),
            judged_by: r.judged_by,
            browser_note: r.browser_note,
        }
    }
}

/// One change in words.
pub fn describe(change: &VerdictChange) -> String {
    match change {
        VerdictChange::Verdict {
            before,
            after,
            reason,
        } => match reason {
            Some(reason) => format!(
                "verdict {} → {} ({})",
                before.as_str(),
                after.as_str(),
                reason.as_str()
            ),
            None => format!("verdict {} → {}", before.as_str(), after.as_str()),
        },
        VerdictChange::DependencyBroken { host, reason } => match reason {
            Some(reason) => format!("{host} broke: {}", reason.as_str()),
            None => format!("{host} broke"),
        },
        VerdictChange::DependencyRecovered { host, verdict } => {
            format!("{host} recovered ({})", verdict.as_str())
        }
    }
}

impl From<VerdictEventRow> for HistoryRow {
    fn from(e: VerdictEventRow) -> Self {
        let mut changes: Vec<String> = e.changes.iter().map(describe).collect();
        if e.verdict_before.is_none() {
            changes.push(format!(
                "first verdict: {}",
                e.report_after.verdict.as_str()
            ));
        }
        HistoryRow {
            id: e.id,
            at: e.at,
            before: e.verdict_before.map(|v| v.as_str().to_string()),
            after: e.verdict_after.as_str().to_string(),
            changes,
        }
    }
}

impl From<store::verdicts::Badge> for ServiceBadge {
    fn from(b: store::verdicts::Badge) -> Self {
        ServiceBadge {
            service_id: b.service_id,
            name: b.name,
            kind: b.kind,
            target: b.target,
            verdict: b.verdict,
            reason: b.reason,
            at: b.at,
        }
    }
}
