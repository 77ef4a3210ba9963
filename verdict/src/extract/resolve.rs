//! Verdict stage, dependency extraction: turns a raw attribute or CSS value into a fetchable URL.

use url::Url;

/// `raw` resolved against `base`, if it names something an IPv6-only client
/// would fetch over HTTP: empty values, fragment-only references and every
/// scheme but `http`/`https` (`data:`, `blob:`, `javascript:`, `about:`,
/// `mailto:`, ...) give `None`. The fragment is dropped, since it is never
/// sent to the server.
pub(crate) fn resolve(base: &Url, raw: &str) -> Option<Url> {
    let raw = raw.trim_matches(|c: char| c.is_ascii_whitespace() || c.is_ascii_control());
    if raw.is_empty() || raw.starts_with('#') {
        return None;
    }
    let mut url = base.join(raw).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.set_fragment(None);
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::resolve;
    use url::Url;

    #[test]
    fn resolves_and_filters() {
        let base = Url::parse("https://www.example.test/dir/page.html?q=1").expect("base");
        // (raw, expected)
        let cases: &[(&str, Option<&str>)] = &[
            ("a.js", Some("https://www.example.test/dir/a.js")),
            ("../a.js", Some("https://www.example.test/a.js")),
            ("/a.js", Some("https://www.example.test/a.js")),
            (
                "//cdn.example.test/x.js",
                Some("https://cdn.example.test/x.js"),
            ),
            (
                "http://other.example.test/y",
                Some("http://other.example.test/y"),
            ),
            (
                "HTTPS://UPPER.Example.TEST/Z",
                Some("https://upper.example.test/Z"),
            ),
            (
                "  spaced.png \n",
                Some("https://www.example.test/dir/spaced.png"),
            ),
            (
                "sprite.svg#icon",
                Some("https://www.example.test/dir/sprite.svg"),
            ),
            ("?v=2", Some("https://www.example.test/dir/page.html?v=2")),
            (
                "http://[2001:db8::1]:8080/x",
                Some("http://[2001:db8::1]:8080/x"),
            ),
            ("", None),
            ("   ", None),
            ("#top", None),
            ("data:image/png;base64,AAAA", None),
            ("DATA:text/css,a", None),
            ("blob:https://www.example.test/1234", None),
            ("javascript:void(0)", None),
            ("about:blank", None),
            ("mailto:ops@example.test", None),
            ("ftp://files.example.test/a", None),
            ("http://", None),
            ("http://[::1", None),
        ];
        for &(raw, want) in cases {
            let got = resolve(&base, raw).map(|u| u.to_string());
            assert_eq!(got.as_deref(), want, "{raw:?}");
        }
    }
}
