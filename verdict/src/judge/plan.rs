//! Verdict stage, judging: which hosts to check, and what to check on each.

use url::Url;

use super::declared::Declared;
use crate::extract::{Dependency, MAX_URLS_PER_HOST, group_by_host};

/// One dependency host and what pulled it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostPlan {
    pub host: String,
    /// URLs on this host (the first is the one checked), capped.
    pub urls: Vec<Url>,
    /// Declared `host:port`s (each checked with a TCP connect when there is no URL).
    pub ports: Vec<u16>,
    pub kinds: Vec<String>,
}

/// The kind shown for declared dependencies.
pub(crate) const DECLARED: &str = "declared";

/// Hosts in order of first appearance: the page's, then declared ones.
pub(crate) fn plan_hosts(deps: &[Dependency], declared: &[Declared]) -> Vec<HostPlan> {
    let mut plans: Vec<HostPlan> = group_by_host(deps)
        .into_iter()
        .map(|group| HostPlan {
            host: group.host,
            urls: group.urls,
            ports: Vec::new(),
            kinds: group.kinds.iter().map(|k| k.as_str().to_string()).collect(),
        })
        .collect();
    for item in declared {
        let Some(host) = item.host() else { continue };
        let index = match plans.iter().position(|p| p.host == host) {
            Some(index) => index,
            None => {
                plans.push(HostPlan {
                    host,
                    urls: Vec::new(),
                    ports: Vec::new(),
                    kinds: Vec::new(),
                });
                plans.len() - 1
            }
        };
        let Some(plan) = plans.get_mut(index) else {
            continue;
        };
        if !plan.kinds.iter().any(|k| k == DECLARED) {
            plan.kinds.push(DECLARED.to_string());
        }
        match item {
            Declared::Url(url) => {
                if !plan.urls.contains(url) && plan.urls.len() < MAX_URLS_PER_HOST {
                    plan.urls.push(url.clone());
                }
            }
            Declared::HostPort { port, .. } => {
                if !plan.ports.contains(port) {
                    plan.ports.push(*port);
                }
            }
        }
    }
    plans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{DepKind, Source};
    use crate::judge::declared::parse_declared;

    #[test]
    fn declared_dependencies_join_page_hosts_or_add_their_own() {
        let deps = vec![Dependency {
            url: Url::parse("http://cdn.lab.test/app.js").unwrap(),
            kind: DepKind::Script,
            source: Source::Stylesheet,
        }];
        let declared: Vec<Declared> = ["cdn.lab.test:443", "db.lab.test:5432", "db.lab.test:5432"]
            .iter()
            .map(|t| parse_declared(t).unwrap())
            .chain([parse_declared("http://api.lab.test/health").unwrap()])
            .collect();
        let plans = plan_hosts(&deps, &declared);
        let summary: Vec<(&str, usize, Vec<u16>, Vec<&str>)> = plans
            .iter()
            .map(|p| {
                (
                    p.host.as_str(),
                    p.urls.len(),
                    p.ports.clone(),
                    p.kinds.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("cdn.lab.test", 1, vec![443], vec!["script", "declared"]),
                ("db.lab.test", 0, vec![5432], vec!["declared"]),
                ("api.lab.test", 1, vec![], vec!["declared"]),
            ]
        );
    }
}
