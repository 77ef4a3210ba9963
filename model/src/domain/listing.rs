//! Filters and sort order of the inventory lists, read from the page's query string
//! (`?q=…&tag=…&kind=…&verdict=…&prefix=…&sort=…&dir=desc`). Bad input never fails a page: a
//! bad prefix is reported and that criterion left out.

use super::parse_prefix;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::net::IpAddr;

/// A sortable column: its key in the query string and how it orders two rows.
pub type SortKey<'a, T> = (&'a str, fn(&T, &T) -> Ordering);

/// What the user asked the list to show.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ListQuery {
    /// Free text, matched case-insensitively against names, DNS names, addresses, targets.
    pub q: String,
    pub tag: String,
    /// A kind, runtime or verdict code; empty: any.
    pub kind: String,
    pub verdict: String,
    /// The prefix as typed.
    pub prefix_text: String,
    pub prefix: Option<IpNet>,
    /// Why `prefix_text` is not a prefix.
    pub prefix_error: Option<String>,
    /// A column key; empty: the list's default order.
    pub sort: String,
    pub desc: bool,
}

impl ListQuery {
    /// Reads the query string's values through `get`.
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |key: &str| get(key).map(|v| v.trim().to_string()).unwrap_or_default();
        let prefix_text = text("prefix");
        let (prefix, prefix_error) = if prefix_text.is_empty() {
            (None, None)
        } else {
            match parse_prefix(&prefix_text) {
                Ok(net) => (Some(net), None),
                Err(message) => (None, Some(message)),
            }
        };
        ListQuery {
            q: text("q"),
            tag: text("tag"),
            kind: text("kind"),
            verdict: text("verdict"),
            prefix_text,
            prefix,
            prefix_error,
            sort: text("sort"),
            desc: text("dir") == "desc",
        }
    }

    /// Any criterion set (so "showing n of m" is worth saying).
    pub fn filters(&self) -> bool {
        !(self.q.is_empty()
            && self.tag.is_empty()
            && self.kind.is_empty()
            && self.verdict.is_empty()
            && self.prefix.is_none())
    }

    /// True when one of `texts` contains the search text (or there is none).
    pub fn text_matches<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> bool {
        if self.q.is_empty() {
            return true;
        }
        let needle = self.q.to_lowercase();
        texts
            .into_iter()
            .any(|t| t.to_lowercase().contains(&needle))
    }

    /// True when one of `tags` is the asked tag (case-insensitively), or none is asked.
    pub fn tag_matches(&self, tags: &[String]) -> bool {
        self.tag.is_empty() || tags.iter().any(|t| t.eq_ignore_ascii_case(&self.tag))
    }

    pub fn kind_matches(&self, kind: &str) -> bool {
        self.kind.is_empty() || self.kind == kind
    }

    pub fn verdict_matches(&self, verdict: Option<&str>) -> bool {
        match self.verdict.as_str() {
            "" => true,
            "unjudged" => verdict.is_none(),
            asked => verdict == Some(asked),
        }
    }

    /// True when one of `addresses` (addresses or prefixes as text) lies inside the asked
    /// prefix, or none is asked.
    pub fn prefix_matches<'a>(&self, addresses: impl IntoIterator<Item = &'a str>) -> bool {
        let Some(net) = self.prefix else {
            return true;
        };
        addresses.into_iter().any(|text| inside(&net, text))
    }

    /// Sorts `rows` by the column `key` names (one of `keys`, else the first), ascending or
    /// descending; ties keep their order.
    pub fn sort<T>(&self, rows: &mut [T], keys: &[SortKey<'_, T>]) {
        let Some((_, compare)) = keys
            .iter()
            .find(|(k, _)| *k == self.sort)
            .or_else(|| keys.first())
        else {
            return;
        };
        rows.sort_by(|a, b| {
            let order = compare(a, b);
            if self.desc { order.reverse() } else { order }
        });
    }

    /// The sort key in force among `keys` (the first when none or an unknown one is asked).
    pub fn active_sort<'a>(&self, keys: &[&'a str]) -> Option<&'a str> {
        keys.iter()
            .find(|k| **k == self.sort)
            .or_else(|| keys.first())
            .copied()
    }

    /// The query string for this query sorted by `key`: ascending, or descending when
    /// `key` is already sorted ascending.
    pub fn sort_link(&self, key: &str, active: bool) -> String {
        let dir = if active && !self.desc { "desc" } else { "asc" };
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("q", &self.q),
            ("tag", &self.tag),
            ("kind", &self.kind),
            ("verdict", &self.verdict),
            ("prefix", &self.prefix_text),
        ] {
            if !value.is_empty() {
                query.append_pair(name, value);
            }
        }
        query.append_pair("sort", key);
        query.append_pair("dir", dir);
        format!("?{}", query.finish())
    }
}

/// Case-insensitive text order, for names.
pub fn by_text(a: &str, b: &str) -> Ordering {
    a.to_lowercase().cmp(&b.to_lowercase())
}

/// Address order (numeric), for the first address of a row; rows without one go last.
pub fn by_address(a: Option<&str>, b: Option<&str>) -> Ordering {
    let parse = |t: Option<&str>| t.and_then(|t| address_of(t).ok());
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// An address or prefix as stored or typed: `2001:db8::1`, `[2001:db8::1]`, a URL with an
/// address host, or a prefix (its network address).
fn address_of(text: &str) -> Result<IpAddr, ()> {
    let text = text.trim();
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(ip);
    }
    if let Ok(net) = text.parse::<IpNet>() {
        return Ok(net.network());
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.split(']').next())
        && let Ok(ip) = inner.parse::<IpAddr>()
    {
        return Ok(ip);
    }
    if let Ok(url) = url::Url::parse(text) {
        return match url.host() {
            Some(url::Host::Ipv6(ip)) => Ok(IpAddr::V6(ip)),
            Some(url::Host::Ipv4(ip)) => Ok(IpAddr::V4(ip)),
            _ => Err(()),
        };
    }
    Err(())
}

/// A prefix holds an address inside it, or a prefix equal to or inside it.
fn inside(net: &IpNet, text: &str) -> bool {
    if let Ok(other) = text.trim().parse::<IpNet>() {
        return net.contains(&other);
    }
    address_of(text).is_ok_and(|ip| net.contains(&ip))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn query(pairs: &[(&str, &str)]) -> ListQuery {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ListQuery::parse(|k| map.get(k).cloned())
    }

    #[test]
    fn a_bad_prefix_is_reported_and_filters_nothing() {
        let q = query(&[("prefix", "2001:db8::zz/64")]);
        assert!(q.prefix.is_none());
        assert!(q.prefix_error.as_deref().unwrap().contains("not a prefix"));
        assert!(q.prefix_matches(["192.0.2.1"]));
        assert!(!q.filters());
        let q = query(&[("prefix", "2001:db8::1/64")]);
        assert!(q.prefix_error.as_deref().unwrap().contains("host bits"));
    }

    #[test]
    fn prefixes_hold_addresses_urls_and_smaller_prefixes() {
        let q = query(&[("prefix", "2001:db8:1::/48")]);
        assert!(q.prefix_matches(["fd00::1", "2001:db8:1:2::5"]));
        assert!(q.prefix_matches(["https://[2001:db8:1::80]:8443/"]));
        assert!(q.prefix_matches(["[2001:db8:1::53]:53"]));
        assert!(q.prefix_matches(["2001:db8:1:ff00::/56"]));
        assert!(!q.prefix_matches(["2001:db8::/32", "2001:db8:2::1", "cloud.example.test"]));
    }

    #[test]
    fn text_tag_kind_and_verdict_match_as_a_user_expects() {
        let q = query(&[
            ("q", "NAS"),
            ("tag", "Lab"),
            ("kind", "lxc"),
            ("verdict", "unjudged"),
        ]);
        assert!(q.text_matches(["backup-nas", "x"]));
        assert!(!q.text_matches(["router"]));
        assert!(q.tag_matches(&["edge".into(), "lab".into()]));
        assert!(!q.tag_matches(&["laboratory".into()]));
        assert!(q.kind_matches("lxc") && !q.kind_matches("docker"));
        assert!(q.verdict_matches(None) && !q.verdict_matches(Some("ready")));
        assert!(query(&[("verdict", "broken")]).verdict_matches(Some("broken")));
    }

    #[test]
    fn sorting_follows_the_asked_column_and_direction_and_links_flip_it() {
        type Row = (&'static str, i32);
        let keys: [SortKey<'_, Row>; 2] = [
            ("name", |a, b| by_text(a.0, b.0)),
            ("n", |a, b| a.1.cmp(&b.1)),
        ];
        let mut rows: [Row; 3] = [("b", 1), ("A", 3), ("c", 2)];
        query(&[]).sort(&mut rows, &keys);
        assert_eq!(rows.map(|r| r.0), ["A", "b", "c"]);
        query(&[("sort", "n"), ("dir", "desc")]).sort(&mut rows, &keys);
        assert_eq!(rows.map(|r| r.0), ["A", "c", "b"]);
        let q = query(&[("q", "a b"), ("sort", "n")]);
        assert_eq!(q.sort_link("n", true), "?q=a+b&sort=n&dir=desc");
        assert_eq!(q.sort_link("name", false), "?q=a+b&sort=name&dir=asc");
        assert_eq!(q.active_sort(&["name", "n"]), Some("n"));
        assert_eq!(
            query(&[("sort", "bogus")]).active_sort(&["name"]),
            Some("name")
        );
    }

    #[test]
    fn addresses_sort_numerically_with_missing_ones_last() {
        assert_eq!(
            by_address(Some("2001:db8::9"), Some("2001:db8::10")),
            Ordering::Less
        );
        assert_eq!(by_address(None, Some("fd00::1")), Ordering::Greater);
    }
}
