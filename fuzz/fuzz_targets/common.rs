//! What both extractor targets check of an extraction: the caps of `limits` hold, every
//! dependency is an absolute http(s) URL without a fragment, listed once, and grouping by
//! host keeps every dependency and bounds the URLs kept per host.

use verdict::extract::{Extracted, Limits, MAX_URLS_PER_HOST, group_by_host};

/// Caps small enough for short inputs to reach them.
pub const LIMITS: Limits = Limits {
    max_dependencies: 40,
    max_stylesheets: 5,
    max_body_bytes: 16 * 1024,
    max_redirects: 5,
};

pub fn check(text: &str, out: &Extracted) {
    assert!(out.dependencies.len() <= LIMITS.max_dependencies);
    assert!(out.stylesheets().count() <= LIMITS.max_stylesheets);
    if text.len() > LIMITS.max_body_bytes {
        assert!(out.truncated, "a body over the cap is marked truncated");
    }
    let mut urls: Vec<&str> = Vec::new();
    for dep in &out.dependencies {
        assert!(matches!(dep.url.scheme(), "http" | "https"), "{}", dep.url);
        assert!(dep.url.fragment().is_none(), "{}", dep.url);
        assert!(dep.url.host_str().is_some(), "{}", dep.url);
        urls.push(dep.url.as_str());
    }
    urls.sort_unstable();
    let listed = urls.len();
    urls.dedup();
    assert_eq!(listed, urls.len(), "a URL listed twice");
    let groups = group_by_host(&out.dependencies);
    assert_eq!(
        groups.iter().map(|g| g.url_count).sum::<usize>(),
        out.dependencies.len()
    );
    for group in &groups {
        assert!(group.urls.len() <= MAX_URLS_PER_HOST);
        assert!(group.urls.len() <= group.url_count);
    }
}
