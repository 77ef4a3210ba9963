//! Probe stage, HTTP(S): GET over IPv6 (and IPv4) to addresses the prober chose itself,
//! redirects followed by hand, body capped.

mod blackhole;
mod chain;
mod decode;
mod exchange;
mod failure;
mod tls;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::deadline::Deadline;
use crate::dns::{Host, addresses_for};
use crate::prober::{bounded, dns_outcome, report_failure};
use crate::{Family, Outcome, ProbeKind, Prober, Reason};

pub(crate) use tls::tls_config;

/// A page fetched over IPv6 only, for the verdict stage to read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FetchResult {
    pub outcome: Outcome,
    /// The URL of the last request (after redirects).
    pub final_url: Url,
    pub status: Option<u16>,
    pub content_type: Option<String>,
    /// The body, at most `body_cap` bytes (decoded when the server compressed it).
    pub body: Vec<u8>,
    /// The body went on past `body_cap`: `body` is its beginning.
    #[serde(default)]
    pub truncated: bool,
}

fn bad_url(family: Family, why: String) -> Outcome {
    Outcome::new(ProbeKind::Http, family, None, Reason::HttpError, why)
}

async fn probe_family(
    prober: &Prober,
    url: &Url,
    expected: Option<u16>,
    family: Family,
) -> Vec<Outcome> {
    if let Err(why) = chain::check_scheme(url) {
        return if family == Family::V6 {
            vec![bad_url(family, why)]
        } else {
            Vec::new()
        };
    }
    let deadline = Deadline::after(prober.config.timeout);
    let host = Host::parse(url.host_str().unwrap_or_default());
    let addresses = match addresses_for(prober, &host, family, deadline).await {
        Ok(addresses) => addresses,
        Err(failure) if report_failure(family, &failure) => {
            let mut outcome = dns_outcome(ProbeKind::Http, family, failure);
            outcome.port = url.port_or_known_default();
            return vec![outcome];
        }
        Err(_) => return Vec::new(),
    };
    let chains = addresses
        .into_iter()
        .map(|address| chain::follow(prober, url, address, family, expected, deadline));
    futures::future::join_all(chains)
        .await
        .into_iter()
        .map(|chain| chain.outcome)
        .collect()
}

/// The HTTP probe: both families at once, every address of the URL's host.
pub(crate) async fn probe(prober: &Prober, url: &Url, expected: Option<u16>) -> Vec<Outcome> {
    let (v6, v4) = tokio::join!(
        bounded(
            prober,
            ProbeKind::Http,
            Family::V6,
            probe_family(prober, url, expected, Family::V6)
        ),
        bounded(
            prober,
            ProbeKind::Http,
            Family::V4,
            probe_family(prober, url, expected, Family::V4)
        ),
    );
    v6.into_iter().chain(v4).collect()
}

/// Rank of a fetch: a success, then any HTTP answer, then the rest.
fn rank(result: &FetchResult) -> u8 {
    match (result.outcome.reason, result.status) {
        (Reason::Ok, _) => 0,
        (_, Some(_)) => 1,
        _ => 2,
    }
}

impl Prober {
    /// GET `url` over IPv6 only, following redirects (each hop over IPv6 only), and keep the
    /// final body (capped) and content type. The host's AAAA addresses are tried in order
    /// until one works; the best result is returned.
    pub async fn fetch_v6(&self, url: &Url) -> FetchResult {
        let limit = self.config.timeout + std::time::Duration::from_millis(250);
        match tokio::time::timeout(limit, self.fetch_v6_inner(url)).await {
            Ok(result) => result,
            Err(_) => FetchResult {
                outcome: Outcome::new(
                    ProbeKind::Http,
                    Family::V6,
                    None,
                    Reason::Timeout,
                    format!(
                        "the fetch did not finish within {}",
                        crate::deadline::secs(self.config.timeout)
                    ),
                ),
                final_url: url.clone(),
                status: None,
                content_type: None,
                body: Vec::new(),
                truncated: false,
            },
        }
    }

    async fn fetch_v6_inner(&self, url: &Url) -> FetchResult {
        let failed = |outcome: Outcome| FetchResult {
            outcome,
            final_url: url.clone(),
            status: None,
            content_type: None,
            body: Vec::new(),
            truncated: false,
        };
        if let Err(why) = chain::check_scheme(url) {
            return failed(bad_url(Family::V6, why));
        }
        let deadline = Deadline::after(self.config.timeout);
        let host = Host::parse(url.host_str().unwrap_or_default());
        let addresses = match addresses_for(self, &host, Family::V6, deadline).await {
            Ok(addresses) => addresses,
            Err(failure) => return failed(dns_outcome(ProbeKind::Http, Family::V6, failure)),
        };
        let mut best: Option<FetchResult> = None;
        for address in addresses {
            let chain = chain::follow(self, url, address, Family::V6, None, deadline).await;
            let result = FetchResult {
                outcome: chain.outcome,
                final_url: chain.final_url,
                status: chain.status,
                content_type: chain.content_type,
                body: chain.body,
                truncated: chain.truncated,
            };
            if result.outcome.is_ok() {
                return result;
            }
            if best.as_ref().is_none_or(|b| rank(&result) < rank(b)) {
                best = Some(result);
            }
        }
        best.unwrap_or_else(|| {
            failed(Outcome::new(
                ProbeKind::Http,
                Family::V6,
                None,
                Reason::NoAaaa,
                format!("{url} has no IPv6 address"),
            ))
        })
    }
}
