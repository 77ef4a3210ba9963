//! Verdict stage fuzzing: the HTML dependency extractor on arbitrary pages.
#![no_main]

use libfuzzer_sys::fuzz_target;
use url::Url;
use verdict::extract::{Extracted, Limits, group_by_host, html};

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data);
    let Ok(page) = Url::parse("https://www.example.test/dir/page.html") else {
        return;
    };
    let tight = Limits {
        max_dependencies: 8,
        max_stylesheets: 2,
        max_body_bytes: 512,
        max_redirects: 0,
    };
    for limits in [Limits::default(), tight] {
        let out = html::extract(&body, &page, &limits);
        check(&out, &limits);
    }
});

/// What every extraction must satisfy, whatever the input.
fn check(out: &Extracted, limits: &Limits) {
    assert!(out.dependencies.len() <= limits.max_dependencies);
    assert!(out.stylesheets().count() <= limits.max_stylesheets);
    let mut seen = std::collections::HashSet::new();
    for dep in &out.dependencies {
        assert!(matches!(dep.url.scheme(), "http" | "https"), "{}", dep.url);
        assert!(dep.url.fragment().is_none(), "{}", dep.url);
        assert!(seen.insert(dep.url.as_str()), "duplicate {}", dep.url);
    }
    let groups = group_by_host(&out.dependencies);
    let total: usize = groups.iter().map(|g| g.url_count).sum();
    assert_eq!(total, out.dependencies.len());
}
