//! The HTML dependency extractor on any page (invalid UTF-8 decoded as a lossy fetch would).
#![no_main]

use libfuzzer_sys::fuzz_target;
use verdict::extract::html;

mod common;

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data);
    let Ok(page) = url::Url::parse("https://page.example.test/dir/index.html") else {
        return;
    };
    let out = html::extract(&body, &page, &common::LIMITS);
    common::check(&body, &out);
});
