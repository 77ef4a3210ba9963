//! The CSS dependency extractor on any stylesheet, merged into a page's list as the verdict
//! stage does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verdict::extract::css;

mod common;

fuzz_target!(|data: &[u8]| {
    let sheet = String::from_utf8_lossy(data);
    let Ok(base) = url::Url::parse("https://cdn.example.test/css/site.css") else {
        return;
    };
    let out = css::extract(&sheet, &base, &common::LIMITS);
    common::check(&sheet, &out);
    // Folding it into itself adds nothing and keeps the caps.
    let mut merged = out.clone();
    merged.merge(out.clone(), &common::LIMITS);
    assert_eq!(merged.dependencies, out.dependencies);
    common::check("", &merged);
});
