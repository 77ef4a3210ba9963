//! Verdict stage, dependency extraction: groups dependencies by the host an IPv6-only client must reach.

use std::collections::{HashMap, HashSet};

use url::{Host, Url};

use super::{DepKind, Dependency};

/// Most example URLs kept per host in [`HostGroup::urls`].
pub const MAX_URLS_PER_HOST: usize = 20;

/// The dependencies served from one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostGroup {
    /// The host, port left out: a lowercase domain name without a trailing
    /// dot (`cdn.example.test`), a dotted IPv4 address, or an IPv6 address in
    /// its canonical text form *without* brackets (`2001:db8::1`).
    pub host: String,
    /// The distinct dependency URLs on this host, first [`MAX_URLS_PER_HOST`] only.
    pub urls: Vec<Url>,
    /// How many distinct URLs the host serves, including those not kept in `urls`.
    pub url_count: usize,
    /// The distinct kinds of those dependencies, in order of first appearance.
    pub kinds: Vec<DepKind>,
}

/// `deps` grouped by host, hosts in order of first appearance.
pub fn group_by_host(deps: &[Dependency]) -> Vec<HostGroup> {
    let mut groups: Vec<HostGroup> = Vec::new();
    let mut by_host: HashMap<String, usize> = HashMap::new();
    let mut seen: HashSet<&Url> = HashSet::new();
    for dep in deps {
        let Some(host) = host_key(&dep.url) else {
            continue;
        };
        let index = *by_host.entry(host).or_insert_with_key(|host| {
            groups.push(HostGroup {
                host: host.clone(),
                urls: Vec::new(),
                url_count: 0,
                kinds: Vec::new(),
            });
            groups.len() - 1
        });
        let Some(group) = groups.get_mut(index) else {
            continue;
        };
        if !group.kinds.contains(&dep.kind) {
            group.kinds.push(dep.kind);
        }
        if seen.insert(&dep.url) {
            group.url_count += 1;
            if group.urls.len() < MAX_URLS_PER_HOST {
                group.urls.push(dep.url.clone());
            }
        }
    }
    groups
}

/// The grouping key of a URL's host; see [`HostGroup::host`].
fn host_key(url: &Url) -> Option<String> {
    match url.host()? {
        Host::Domain(name) => {
            let name = name.strip_suffix('.').unwrap_or(name);
            Some(name.to_ascii_lowercase())
        }
        Host::Ipv4(addr) => Some(addr.to_string()),
        Host::Ipv6(addr) => Some(addr.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_URLS_PER_HOST, group_by_host};
    use crate::extract::{DepKind, Dependency, Source};
    use url::Url;

    fn dep(url: &str, kind: DepKind) -> Dependency {
        Dependency {
            url: Url::parse(url).expect("test URL"),
            kind,
            source: Source::Stylesheet,
        }
    }

    #[test]
    fn groups_by_host_in_first_appearance_order() {
        use DepKind::*;
        // (deps, expected (host, url count, kinds))
        type Case = (
            &'static [(&'static str, DepKind)],
            &'static [(&'static str, usize, &'static [DepKind])],
        );
        let cases: &[Case] = &[
            (&[], &[]),
            (
                &[
                    ("https://b.example.test/1", Script),
                    ("https://a.example.test/1", Image),
                    ("https://b.example.test/2", Image),
                ],
                &[
                    ("b.example.test", 2, &[Script, Image]),
                    ("a.example.test", 1, &[Image]),
                ],
            ),
            (
                &[
                    ("https://cdn.example.test:8443/a", Script),
                    ("http://CDN.Example.Test/b", Script),
                    ("https://cdn.example.test./c", Font),
                ],
                &[("cdn.example.test", 3, &[Script, Font])],
            ),
            (
                &[
                    ("http://[2001:db8::1]/a", Image),
                    ("http://[2001:DB8:0::1]:81/b", Image),
                    ("http://192.0.2.1/c", Image),
                ],
                &[("2001:db8::1", 2, &[Image]), ("192.0.2.1", 1, &[Image])],
            ),
            (
                &[
                    ("https://a.example.test/x", Script),
                    ("https://a.example.test/x", Preload),
                ],
                &[("a.example.test", 1, &[Script, Preload])],
            ),
        ];
        for (n, &(deps, want)) in cases.iter().enumerate() {
            let deps: Vec<Dependency> = deps.iter().map(|&(u, k)| dep(u, k)).collect();
            let got: Vec<(String, usize, Vec<DepKind>)> = group_by_host(&deps)
                .into_iter()
                .map(|g| (g.host, g.url_count, g.kinds))
                .collect();
            let want: Vec<(String, usize, Vec<DepKind>)> = want
                .iter()
                .map(|&(h, c, k)| (h.to_string(), c, k.to_vec()))
                .collect();
            assert_eq!(got, want, "case {n}");
        }
    }

    #[test]
    fn caps_urls_per_host_but_counts_all() {
        let deps: Vec<Dependency> = (0..MAX_URLS_PER_HOST + 5)
            .map(|i| dep(&format!("https://img.example.test/{i}.png"), DepKind::Image))
            .collect();
        let groups = group_by_host(&deps);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].urls.len(), MAX_URLS_PER_HOST);
        assert_eq!(groups[0].url_count, MAX_URLS_PER_HOST + 5);
        assert_eq!(groups[0].urls[0].as_str(), "https://img.example.test/0.png");
    }
}
