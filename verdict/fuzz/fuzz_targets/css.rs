//! Verdict stage fuzzing: the CSS dependency extractor on arbitrary stylesheets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use url::Url;
use verdict::extract::{Extracted, Limits, css, group_by_host};

fuzz_target!(|data: &[u8]| {
    let sheet = String::from_utf8_lossy(data);
    let Ok(base) = Url::parse("https://www.example.test/css/site.css") else {
        return;
    };
    let tight = Limits {
        max_dependencies: 8,
        max_stylesheets: 2,
        max_body_bytes: 512,
        max_redirects: 0,
    };
    for limits in [Limits::default(), tight] {
        let out = css::extract(&sheet, &base, &limits);
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
