//! Verdict stage, dependency extraction: splits a `srcset` attribute into its candidate URLs.

/// The URLs of the image candidates in `srcset`, following the HTML
/// standard's "parse a srcset attribute": candidates are separated by commas
/// (a comma inside a URL is part of it unless it ends the URL), each URL may
/// be followed by descriptors (`1.5x`, `100w`), and a comma inside
/// parentheses in a descriptor does not end the candidate.
pub(crate) fn candidates(srcset: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = srcset;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            return out;
        }
        let end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let (url, after) = rest.split_at(end);
        if url.ends_with(',') {
            out.push(url.trim_end_matches(','));
            rest = after;
        } else {
            out.push(url);
            rest = skip_descriptors(after);
        }
    }
}

/// What follows the descriptors of one candidate (after its closing comma).
fn skip_descriptors(s: &str) -> &str {
    let mut in_parens = false;
    for (i, c) in s.char_indices() {
        match c {
            '(' => in_parens = true,
            ')' => in_parens = false,
            ',' if !in_parens => return s.get(i + 1..).unwrap_or_default(),
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::candidates;

    #[test]
    fn splits_candidates() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("  , ,", &[]),
            ("a.png", &["a.png"]),
            ("a.png 1x", &["a.png"]),
            ("a.png 1x, b.png 2x", &["a.png", "b.png"]),
            ("a.png 100w,b.png 200w", &["a.png", "b.png"]),
            ("a.png,b.png", &["a.png,b.png"]),
            ("a.png, b.png", &["a.png", "b.png"]),
            ("a.png,, b.png 2x", &["a.png", "b.png"]),
            ("img/a,b.png 1x, c.png 1.5x", &["img/a,b.png", "c.png"]),
            ("\ta.png\n1x,\r\nb.png\t2x", &["a.png", "b.png"]),
            ("a.png 1x (x, y), b.png", &["a.png", "b.png"]),
            ("a.png (unclosed, b.png", &["a.png"]),
            (
                "https://cdn.example.test/i.jpg?w=100&h=50 100w, //cdn.example.test/i.jpg?w=200 200w",
                &[
                    "https://cdn.example.test/i.jpg?w=100&h=50",
                    "//cdn.example.test/i.jpg?w=200",
                ],
            ),
            (
                "data:image/png;base64,AAA= 1x, b.png 2x",
                &["data:image/png;base64,AAA=", "b.png"],
            ),
            ("é.png 1x,ü.png", &["é.png", "ü.png"]),
        ];
        for &(srcset, want) in cases {
            assert_eq!(candidates(srcset), want, "{srcset:?}");
        }
    }
}
