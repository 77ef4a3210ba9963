//! Verdict stage, dependency extraction: reads the target URL of a `<meta http-equiv=refresh>`.

/// The URL in a refresh `content` value such as `5; url='/next'`, following
/// the HTML standard's "shared declarative refresh steps". `None` when the
/// value is malformed or names no URL (a plain reload).
pub(crate) fn target(content: &str) -> Option<&str> {
    let s = skip_whitespace(content);
    let after_digits = s.trim_start_matches(|c: char| c.is_ascii_digit());
    if after_digits.len() == s.len() && !after_digits.starts_with('.') {
        return None;
    }
    let s = after_digits.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    if !s.is_empty() && !s.starts_with(|c: char| c == ';' || c == ',' || c.is_ascii_whitespace()) {
        return None;
    }
    let s = skip_whitespace(s);
    let s = s.strip_prefix([';', ',']).unwrap_or(s);
    let url_string = skip_whitespace(s);
    if url_string.is_empty() {
        return None;
    }
    let unkeyed = match strip_letter(url_string, 'u') {
        None => url_string,
        Some(r) => match strip_url_key_rest(r) {
            Some(r) => r,
            None => return Some(url_string),
        },
    };
    Some(strip_quotes(unkeyed))
}

/// After a leading `u`: the rest of `rl = ` and the whitespace after it.
fn strip_url_key_rest(s: &str) -> Option<&str> {
    let s = strip_letter(s, 'r')?;
    let s = strip_letter(s, 'l')?;
    let s = skip_whitespace(s).strip_prefix('=')?;
    Some(skip_whitespace(s))
}

/// A value opening with `'` or `"` ends at the matching quote, if any.
fn strip_quotes(s: &str) -> &str {
    for quote in ['\'', '"'] {
        if let Some(inner) = s.strip_prefix(quote) {
            return inner
                .find(quote)
                .and_then(|end| inner.get(..end))
                .unwrap_or(inner);
        }
    }
    s
}

fn strip_letter(s: &str, lower: char) -> Option<&str> {
    s.strip_prefix(lower)
        .or_else(|| s.strip_prefix(lower.to_ascii_uppercase()))
}

fn skip_whitespace(s: &str) -> &str {
    s.trim_start_matches(|c: char| c.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::target;

    #[test]
    fn reads_refresh_targets() {
        let cases: &[(&str, Option<&str>)] = &[
            ("0; url=/next", Some("/next")),
            ("0;url=/next", Some("/next")),
            ("5 ; URL = '/quoted' ", Some("/quoted")),
            (
                "0; URL='https://www.example.test/a?b=c'",
                Some("https://www.example.test/a?b=c"),
            ),
            ("0; url=\"/dq\"trailing", Some("/dq")),
            ("0; url='/unclosed", Some("/unclosed")),
            ("0, url=/comma", Some("/comma")),
            ("0 url=/space", Some("/space")),
            ("0; /bare", Some("/bare")),
            ("0; 'quoted-bare'", Some("quoted-bare")),
            ("0; uRl=/mixed", Some("/mixed")),
            ("0; url /no-equals", Some("url /no-equals")),
            ("0; urn:x", Some("urn:x")),
            ("0; u", Some("u")),
            ("1.5; url=/fraction", Some("/fraction")),
            (".5; url=/leading-dot", Some("/leading-dot")),
            ("  3;url=/ws", Some("/ws")),
            ("0", None),
            ("0;", None),
            ("0;   ", None),
            ("", None),
            ("url=/no-time", None),
            ("abc; url=/x", None),
            ("0x; url=/x", None),
            ("-1; url=/x", None),
            ("0; url=", Some("")),
            ("0; url=é", Some("é")),
        ];
        for &(content, want) in cases {
            assert_eq!(target(content), want, "{content:?}");
        }
    }
}
