//! IPv6-only verdicts as the pages show them: a badge per service, the readiness figure, the
//! evidence per dependency host (the way IPvFoo's popup lists them) and the history.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A service with its latest verdict in brief; `verdict` is `None` until it is judged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceBadge {
    pub service_id: i64,
    pub name: String,
    pub kind: String,
    pub target: String,
    /// `ready`, `partial` or `broken`.
    pub verdict: Option<String>,
    /// Why the service itself is broken (a probes reason code).
    pub reason: Option<String>,
    /// Unix time in milliseconds.
    pub at: Option<i64>,
}

impl ServiceBadge {
    /// Broken first, then partial, then ready, then not judged.
    pub fn rank(&self) -> u8 {
        match self.verdict.as_deref() {
            Some("broken") => 0,
            Some("partial") => 1,
            Some("ready") => 2,
            _ => 3,
        }
    }
}

/// Orders badges for the overview: worst first, by name within a verdict.
pub fn worst_first(badges: &mut [ServiceBadge]) {
    badges.sort_by(|a, b| {
        (a.rank(), a.name.to_lowercase(), a.service_id).cmp(&(
            b.rank(),
            b.name.to_lowercase(),
            b.service_id,
        ))
    });
}

/// The share of judged services that are ready for IPv6-only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    pub ready: usize,
    pub judged: usize,
}

impl Readiness {
    pub fn of(badges: &[ServiceBadge]) -> Self {
        Readiness {
            ready: badges.iter().filter(|b| b.rank() == 2).count(),
            judged: badges.iter().filter(|b| b.rank() < 3).count(),
        }
    }

    /// "67 % ready (2 of 3)", or `None` before any service is judged.
    pub fn text(&self) -> Option<String> {
        if self.judged == 0 {
            return None;
        }
        let percent = (self.ready * 100 + self.judged / 2) / self.judged;
        Some(format!(
            "{percent} % ready ({} of {})",
            self.ready, self.judged
        ))
    }
}

/// One dependency host of the latest verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DependencyRow {
    pub host: String,
    /// `ready`, `nat64` or `broken`.
    pub verdict: String,
    pub reason: Option<String>,
    pub v6: Vec<String>,
    pub v4: Vec<String>,
    pub kinds: Vec<String>,
    /// The first URLs that pulled it in ([`URLS_SHOWN`] at most)...
    pub urls: Vec<String>,
    /// ...and how many more there are.
    pub more_urls: usize,
    pub detail: String,
    /// Which judges found the host: `static`, `browser` or both.
    pub found_by: Vec<String>,
    /// The browser's requests to the host, with what asked for each (empty when only the
    /// static judge found it).
    pub requests: Vec<RequestRow>,
}

/// One request the browser made to a dependency host.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestRow {
    pub url: String,
    /// The resource type (`script`, `fetch`, `websocket`, ...).
    pub kind: String,
    /// What asked for it (`parser`, `script`, `css`, ...).
    pub initiator: String,
    /// `ok`, `failed` or `pending`.
    pub outcome: String,
    pub error: Option<String>,
    pub status: Option<u16>,
}

impl RequestRow {
    /// "script, inserted by a script": the kind and, in words, what asked for it.
    pub fn how(&self) -> String {
        let by = match self.initiator.as_str() {
            "parser" => "in the page's HTML",
            "script" => "asked for by a script",
            "css" => "from a stylesheet",
            "preload" => "preloaded",
            "preflight" => "CORS preflight",
            "signedExchange" => "signed exchange",
            "worker" => "asked for by a worker (seen by the proxy)",
            _ => "requested by the browser",
        };
        format!("{}, {by}", self.kind)
    }

    /// "ok (200)", "failed: net::ERR_TUNNEL_CONNECTION_FAILED", "still loading".
    pub fn ended(&self) -> String {
        match (self.outcome.as_str(), &self.error, self.status) {
            ("ok", _, Some(status)) => format!("ok ({status})"),
            ("ok", _, None) => "ok".into(),
            ("failed", Some(error), _) => format!("failed: {error}"),
            ("failed", None, _) => "failed".into(),
            _ => "still loading when the visit ended".into(),
        }
    }
}

/// How many URLs a dependency row lists before "and N more".
pub const URLS_SHOWN: usize = 5;

/// The latest verdict of a service, ready to show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerdictDetail {
    pub at: i64,
    pub verdict: String,
    pub reason: Option<String>,
    pub detail: String,
    pub final_url: Option<String>,
    pub v6: Vec<String>,
    pub v4: Vec<String>,
    pub nat64: bool,
    pub truncated: bool,
    pub dependencies: Vec<DependencyRow>,
    /// The judges that looked: `static`, and `browser` when a real browser loaded the page.
    pub judged_by: Vec<String>,
    /// Why the browser did not look, when it did not.
    pub browser_note: Option<String>,
}

impl VerdictDetail {
    /// Only the page's HTML and CSS were read (no Chromium, or it is turned off).
    pub fn static_only(&self) -> bool {
        !self.judged_by.iter().any(|j| j == "browser")
    }
}

/// One verdict event: a first verdict, or what changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub id: i64,
    pub at: i64,
    pub before: Option<String>,
    pub after: String,
    /// Each change in words ("v4only.lab.test broke: no_aaaa").
    pub changes: Vec<String>,
}

/// The verdict part of a service page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceVerdicts {
    pub latest: Option<VerdictDetail>,
    pub history: Vec<HistoryRow>,
}

/// How many events the service page lists.
pub const HISTORY_SHOWN: i64 = 50;

#[cfg(feature = "ssr")]
mod convert;

/// Every service with its latest verdict in brief, by name.
#[server]
pub async fn list_badges() -> Result<Vec<ServiceBadge>, ServerFnError> {
    use super::context::{pool, store_error};
    let badges = store::verdicts::badges(&pool()?)
        .await
        .map_err(store_error)?;
    Ok(badges.into_iter().map(ServiceBadge::from).collect())
}

/// A service's latest verdict and its verdict history.
#[server]
pub async fn load_service_verdicts(id: i64) -> Result<ServiceVerdicts, ServerFnError> {
    use super::context::{pool, store_error};
    use store::verdicts;
    let pool = pool()?;
    let latest = verdicts::latest(&pool, id).await.map_err(store_error)?;
    let history = verdicts::history(&pool, id, HISTORY_SHOWN)
        .await
        .map_err(store_error)?;
    Ok(ServiceVerdicts {
        latest: latest.map(VerdictDetail::from),
        history: history.into_iter().map(HistoryRow::from).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn badge(id: i64, name: &str, verdict: Option<&str>) -> ServiceBadge {
        ServiceBadge {
            service_id: id,
            name: name.into(),
            kind: "http".into(),
            target: String::new(),
            verdict: verdict.map(str::to_string),
            reason: None,
            at: None,
        }
    }

    #[test]
    fn badges_go_broken_first_then_partial_ready_and_unjudged() {
        let mut badges = vec![
            badge(1, "a-ready", Some("ready")),
            badge(2, "b-none", None),
            badge(3, "c-broken", Some("broken")),
            badge(4, "d-partial", Some("partial")),
            badge(5, "A-broken", Some("broken")),
        ];
        worst_first(&mut badges);
        let order: Vec<i64> = badges.iter().map(|b| b.service_id).collect();
        assert_eq!(order, vec![5, 3, 4, 1, 2]);
    }

    #[test]
    fn readiness_counts_ready_among_judged_services() {
        let cases: &[(&[Option<&str>], Option<&str>)] = &[
            (&[], None),
            (&[None, None], None),
            (
                &[Some("ready"), Some("ready"), Some("partial"), None],
                Some("67 % ready (2 of 3)"),
            ),
            (&[Some("broken")], Some("0 % ready (0 of 1)")),
            (&[Some("ready")], Some("100 % ready (1 of 1)")),
        ];
        for (verdicts, want) in cases {
            let badges: Vec<ServiceBadge> = verdicts
                .iter()
                .enumerate()
                .map(|(i, v)| badge(i as i64, "s", *v))
                .collect();
            assert_eq!(
                Readiness::of(&badges).text().as_deref(),
                *want,
                "{verdicts:?}"
            );
        }
    }
}
