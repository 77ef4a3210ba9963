//! Verdict stage, one-shot check: what `v6watch check TARGET` runs, from target to report.
//! A URL gets the full IPv6-only verdict (service and dependencies); a host name or address
//! gets DNS and ICMP echo over both families (ready or broken, no dependencies).

mod probe;
mod target;
mod text;

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use probes::{Family, Outcome, ProbeConfig, ProbeKind, Prober, Reason, SetupError};
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use target::{Target, TargetError};

use crate::extract::Limits;
use std::sync::Arc;

use crate::browser::{
    BrowserJudge, Chromium, NOT_INSTALLED, VisitLimits, find_chromium, judge_with_browser,
};
use crate::{DependencyVerdict, ServiceVerdict, Verdict};

/// Why a check could not even start. A target that is down is a report, not an error.
#[derive(Debug, Error)]
pub enum CheckError {
    #[error("invalid target {target:?}: {why}")]
    InvalidTarget { target: String, why: String },
    #[error("cannot set up the probes: {0}")]
    Setup(#[from] SetupError),
    #[error(
        "--browser was given, but Chromium is not installed (install Debian's chromium, or set V6WATCH_CHROMIUM)"
    )]
    NoBrowser,
}

/// The result of one check; its JSON form is the contract documented in `verdict/README.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// The target as given (trimmed).
    pub target: String,
    pub verdict: Verdict,
    /// Why the target itself is broken over IPv6; `null` when ready or partial.
    pub reason: Option<Reason>,
    /// The target's addresses, IPv6 first.
    pub addresses: Vec<String>,
    /// One entry per dependency host (URL targets only).
    pub dependencies: Vec<DependencyVerdict>,
    /// A cap left part of the page or its dependencies unchecked.
    pub truncated: bool,
    /// URL targets: the URL of the last response, after redirects.
    pub final_url: Option<String>,
    /// URL targets: the service answered only through a NAT64-synthesized address.
    pub nat64: bool,
    pub checked_at: DateTime<Utc>,
    /// The probe stage's outcomes, both families.
    pub results: Vec<Outcome>,
    /// Works over IPv4 but not over IPv6.
    pub degraded: bool,
    /// URL targets: the judges behind the verdict, `static` and (when a real browser loaded
    /// the page) `browser`.
    #[serde(default)]
    pub judged_by: Vec<String>,
    /// URL targets: why the browser judge was not used, when it was not.
    #[serde(default)]
    pub browser_note: Option<String>,
    /// Host and address targets: the path MTU to the first IPv6 address that answered echo
    /// (bytes), `null` when not measured.
    #[serde(default)]
    pub path_mtu: Option<u16>,
    /// Large packets to that address vanish without a Packet Too Big while small ones pass.
    #[serde(default)]
    pub pmtu_blackhole: bool,
}

impl CheckReport {
    /// Ready: the service and all its dependencies work over IPv6 only. `v6watch check` exits
    /// 0 exactly then (partial and broken exit 1).
    pub fn is_ready(&self) -> bool {
        self.verdict == Verdict::Ready
    }

    /// The service verdict inside this report (URL targets).
    pub fn service_verdict(&self) -> ServiceVerdict {
        ServiceVerdict {
            target: self.target.clone(),
            verdict: self.verdict,
            reason: self.reason,
            addresses: self.addresses.clone(),
            final_url: self.final_url.clone(),
            nat64: self.nat64,
            dependencies: self.dependencies.clone(),
            truncated: self.truncated,
            checked_at: Some(self.checked_at),
            detail: String::new(),
            judged_by: self.judged_by.clone(),
            browser_note: self.browser_note.clone(),
        }
    }
}

/// Whether a URL check loads the page in a real browser too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BrowserChoice {
    /// When Chromium is installed.
    #[default]
    Auto,
    /// Always; a missing Chromium is an error (`--browser`).
    Required,
    /// Never (`--no-browser`).
    Off,
}

/// Check one target with a fresh prober and default limits.
pub async fn run_check(
    target: &str,
    config: ProbeConfig,
    browser: BrowserChoice,
) -> Result<CheckReport, CheckError> {
    let parsed = Target::parse(target).map_err(|e| CheckError::InvalidTarget {
        target: target.to_string(),
        why: e.0,
    })?;
    let prober = Arc::new(Prober::new(config)?);
    let found = find_chromium();
    let chromium = match (browser, found) {
        (BrowserChoice::Off, _) => None,
        (BrowserChoice::Required, None) => return Err(CheckError::NoBrowser),
        (_, found) => found.map(|path| Chromium::new(path, 1)),
    };
    let judge = match (&chromium, browser) {
        (Some(chromium), _) => BrowserJudge::On(chromium, VisitLimits::default()),
        (None, BrowserChoice::Off) => BrowserJudge::Off(crate::browser::turned_off("--no-browser")),
        (None, _) => BrowserJudge::Off(NOT_INSTALLED.into()),
    };
    Ok(check_with(&prober, judge, target, &parsed, &[], &Limits::default()).await)
}

/// Check a parsed target with an existing prober; `declared` dependencies apply to URLs.
pub async fn check_with(
    prober: &Arc<Prober>,
    browser: BrowserJudge<'_>,
    given: &str,
    target: &Target,
    declared: &[String],
    limits: &Limits,
) -> CheckReport {
    let Target::Url(url) = target else {
        let results = probe::probe(prober, target).await;
        return CheckReport::from_probes(given, ProbeKind::Icmp, results);
    };
    let (results, service) = tokio::join!(
        probe::probe(prober, target),
        judge_with_browser(prober.clone(), browser, url, declared, limits)
    );
    let mut addresses = service.addresses.clone();
    for address in probe::addresses(&results).iter().map(IpAddr::to_string) {
        if !addresses.contains(&address) {
            addresses.push(address);
        }
    }
    addresses.sort_by_key(|a| a.parse::<IpAddr>().map(|ip| ip.is_ipv4()).unwrap_or(true));
    let v4_ok = results
        .iter()
        .any(|o| o.family == Family::V4 && o.probe == ProbeKind::Http && o.is_ok());
    CheckReport {
        target: given.trim().to_string(),
        verdict: service.verdict,
        reason: service.reason,
        addresses,
        dependencies: service.dependencies,
        truncated: service.truncated,
        final_url: service.final_url,
        nat64: service.nat64,
        checked_at: service.checked_at.unwrap_or_else(Utc::now),
        degraded: v4_ok && service.verdict == Verdict::Broken,
        results,
        judged_by: service.judged_by,
        browser_note: service.browser_note,
        path_mtu: None,
        // The TCP variant: the page stalled with full-size segments and came with small ones.
        pmtu_blackhole: service.reason == Some(Reason::PmtuBlackhole),
    }
}
