//! The inventory's field parsers on any text: no panic, and what one accepts it accepts
//! again unchanged when shown back (the edit forms prefill the stored, normalised value).
#![no_main]

use libfuzzer_sys::fuzz_target;
use model::domain::form::{FormValues, address_lines};
use model::domain::{
    FieldErrors, parse_address, parse_dns_name, parse_endpoint, parse_http_url, parse_name,
    parse_nameserver, parse_port, parse_prefix, parse_tags,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(address) = parse_address(text) {
        assert_eq!(parse_address(&address.to_string()), Ok(address));
    }
    if let Ok(prefix) = parse_prefix(text) {
        assert_eq!(parse_prefix(&prefix.to_string()), Ok(prefix));
    }
    if let Ok(name) = parse_name(text) {
        assert!(name.chars().count() <= 64);
        assert_eq!(parse_name(&name), Ok(name.clone()));
    }
    if let Ok(dns) = parse_dns_name(text) {
        assert!(dns.len() <= 253);
        assert_eq!(parse_dns_name(&dns), Ok(dns.clone()));
    }
    if let Ok(tags) = parse_tags(text) {
        assert!(tags.len() <= 20);
        assert_eq!(parse_tags(&tags.join(", ")), Ok(tags.clone()));
    }
    if let Ok(url) = parse_http_url(text) {
        assert_eq!(parse_http_url(url.as_str()), Ok(url.clone()));
    }
    let _ = parse_port(text);
    let _ = parse_endpoint(text);
    let _ = parse_nameserver(text);
    // The same text as a whole address list: lines in, each address once.
    let values = FormValues::from([("addresses".to_string(), text.to_string())]);
    let mut errors = FieldErrors::new();
    let addresses = address_lines(&mut errors, &values, "addresses");
    assert!(addresses.len() <= text.lines().count());
    if errors.is_empty() {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            assert!(parse_address(line).is_ok_and(|a| addresses.contains(&a)));
        }
    }
});
