//! Verdict stage, dependency extraction: finds a tag with more attributes than parsing can afford.
//!
//! The HTML tokenizer checks each new attribute against all earlier ones of
//! the same tag, so one tag with a hundred thousand attributes costs minutes.
//! A linear pre-scan, following the tokenizer's tag, comment and raw-text
//! rules closely enough for counting, finds the first tag past
//! [`MAX_ATTRIBUTES`] so the page can be cut before it.

/// Most attributes one tag may carry; real pages stay far below.
pub(crate) const MAX_ATTRIBUTES: usize = 256;

/// Elements whose content is text up to their own end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Byte offset of the `<` opening the first tag with more than `max` attributes.
pub(crate) fn first_crowded_tag(html: &str, max: usize) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(offset) = find(bytes, i, b"<") {
        let start = offset;
        let after = bytes.get(start + 1..).unwrap_or_default();
        if after.starts_with(b"!--") {
            i = find(bytes, start + 4, b"-->").map_or(bytes.len(), |e| e + 3);
        } else if after.starts_with(b"!") || after.starts_with(b"?") {
            i = find(bytes, start + 1, b">").map_or(bytes.len(), |e| e + 1);
        } else if let Some(name_at) = tag_name_start(after) {
            let tag = scan_tag(bytes, start + 1 + name_at);
            if tag.attributes > max {
                return Some(start);
            }
            i = tag.end;
            if !tag.closing {
                if tag.name.eq_ignore_ascii_case(b"plaintext") {
                    return None;
                }
                if RAW_TEXT
                    .iter()
                    .any(|r| tag.name.eq_ignore_ascii_case(r.as_bytes()))
                {
                    i = end_of_raw_text(bytes, i, tag.name);
                }
            }
        } else {
            i = start + 1;
        }
    }
    None
}

/// Where a tag name starts after `<` (1 past `/` for end tags), if this is a tag.
fn tag_name_start(after: &[u8]) -> Option<usize> {
    match after {
        [c, ..] if c.is_ascii_alphabetic() => Some(0),
        [b'/', c, ..] if c.is_ascii_alphabetic() => Some(1),
        _ => None,
    }
}

struct Tag<'a> {
    name: &'a [u8],
    closing: bool,
    attributes: usize,
    /// Just past the closing `>` (or the end of input).
    end: usize,
}

/// Reads a tag whose name starts at `i`, counting its attributes.
fn scan_tag(bytes: &[u8], mut i: usize) -> Tag<'_> {
    let closing = i > 0 && bytes.get(i - 1) == Some(&b'/');
    let name_start = i;
    while bytes
        .get(i)
        .is_some_and(|&c| !is_space(c) && c != b'/' && c != b'>')
    {
        i += 1;
    }
    let name = bytes.get(name_start..i).unwrap_or_default();
    let mut attributes = 0;
    loop {
        while bytes.get(i).is_some_and(|&c| is_space(c) || c == b'/') {
            i += 1;
        }
        match bytes.get(i) {
            None => break,
            Some(b'>') => {
                i += 1;
                break;
            }
            Some(_) => {}
        }
        // Attribute name: its first character may be `=`.
        attributes += 1;
        i += 1;
        while bytes
            .get(i)
            .is_some_and(|&c| !is_space(c) && !matches!(c, b'/' | b'>' | b'='))
        {
            i += 1;
        }
        while bytes.get(i).is_some_and(|&c| is_space(c)) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while bytes.get(i).is_some_and(|&c| is_space(c)) {
            i += 1;
        }
        i = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => find(bytes, i + 1, &[q]).map_or(bytes.len(), |e| e + 1),
            _ => {
                while bytes.get(i).is_some_and(|&c| !is_space(c) && c != b'>') {
                    i += 1;
                }
                i
            }
        };
    }
    Tag {
        name,
        closing,
        attributes,
        end: i,
    }
}

/// Just past the raw text of element `name` starting at `i`: the `<` of its end tag.
fn end_of_raw_text(bytes: &[u8], mut i: usize, name: &[u8]) -> usize {
    while let Some(at) = find(bytes, i, b"</") {
        let candidate = bytes.get(at + 2..at + 2 + name.len()).unwrap_or_default();
        let next = bytes.get(at + 2 + name.len()).copied();
        if candidate.eq_ignore_ascii_case(name)
            && next.is_none_or(|c| is_space(c) || c == b'/' || c == b'>')
        {
            return at;
        }
        i = at + 2;
    }
    bytes.len()
}

/// Position of `needle` in `bytes` at or after `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let hay = bytes.get(from..)?;
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

#[cfg(test)]
mod tests {
    use super::first_crowded_tag;

    #[test]
    fn finds_the_first_tag_over_the_cap() {
        // (name, html, max attributes, expected offset)
        let cases: &[(&str, &str, usize, Option<usize>)] = &[
            ("empty", "", 2, None),
            ("under", "<img a b>", 2, None),
            ("over", "<p>x</p><img a b c>", 2, Some(8)),
            (
                "values count once",
                "<img a=1 b='2 3' c=\"4 5 6\">",
                3,
                None,
            ),
            (
                "values with spaces and gt",
                "<img a='x > y z w' b>",
                2,
                None,
            ),
            ("slashes are not attributes", "<img / / a/ b />", 2, None),
            ("end tags count too", "</p a b c>", 2, Some(0)),
            ("comment hides tags", "<!-- <img a b c> --><img a>", 2, None),
            (
                "bogus comment",
                "<!doctype html a b c><?xml a b c?><img a>",
                2,
                None,
            ),
            (
                "script is raw text",
                "<script>if(a<b c d e)x</script ><img a>",
                2,
                None,
            ),
            (
                "style end tag case-insensitive",
                "<STYLE>a<b c d e></StYlE><i a b c>",
                2,
                Some(25),
            ),
            (
                "raw text needs the full name",
                "<title><title a b c></titlex></title><b a b c>",
                2,
                Some(37),
            ),
            ("unclosed raw text", "<textarea><b a b c>", 2, None),
            ("plaintext ends the scan", "<plaintext><b a b c>", 2, None),
            ("not a tag", "a < b c d e > f <3 <>", 2, None),
            ("unterminated tag", "<img a b c", 2, Some(0)),
            ("unterminated quote", "<img a='b c d e f", 2, None),
            ("equals first in name", "<img =a =b =c =d>", 1, Some(0)),
            (
                "equals after a name is its value",
                "<img =a =b =c =d>",
                2,
                None,
            ),
            ("non-ascii", "<p é ü ö>", 2, Some(0)),
        ];
        for &(name, html, max, want) in cases {
            assert_eq!(first_crowded_tag(html, max), want, "{name}");
        }
    }
}
