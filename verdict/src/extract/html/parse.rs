//! Verdict stage, dependency extraction: parses a page with bounds on tree depth and size.
//!
//! HTML tree construction scans the stack of open elements for many tags, so
//! a page of deeply nested elements costs time quadratic in its depth, and
//! re-opened formatting elements can multiply nodes. Browsers cap the depth
//! (Blink at 512); here the page is fed to the parser in small chunks and
//! reading stops at the first chunk that goes past [`MAX_DEPTH`] or
//! [`MAX_NODES`], keeping what was parsed until then.

use html5ever::driver::{self, ParseOpts};
use html5ever::tendril::{StrTendril, TendrilSink};
use scraper::{Html, HtmlTreeSink};

/// Deepest nesting read; deeper pages are cut there.
pub(crate) const MAX_DEPTH: usize = 512;
/// Most parsed nodes kept for one page.
pub(crate) const MAX_NODES: usize = 400_000;
/// How much of the page is parsed between two checks of the bounds.
const CHUNK_BYTES: usize = 4096;

/// The parsed page, and whether reading stopped early at a bound.
pub(crate) fn parse_bounded(body: &str) -> (Html, bool) {
    let sink = HtmlTreeSink::new(Html::new_document());
    let mut parser = driver::parse_document(sink, ParseOpts::default());
    let mut checked = 0;
    let mut stopped = false;
    for chunk in chunks(body, CHUNK_BYTES) {
        parser.process(StrTendril::from_slice(chunk));
        let html = parser.tokenizer.sink.sink.0.borrow();
        let (over, total) = over_bounds(&html, checked);
        checked = total;
        if over {
            stopped = true;
            break;
        }
    }
    (parser.finish(), stopped)
}

/// Whether the tree is too big, or any node added since the first `checked`
/// ones is too deep; and how many nodes there are now.
fn over_bounds(html: &Html, checked: usize) -> (bool, usize) {
    let tree = &html.tree;
    let total = tree.nodes().len();
    if total > MAX_NODES {
        return (true, total);
    }
    let deep = tree
        .nodes()
        .rev()
        .take(total.saturating_sub(checked))
        .any(|node| node.ancestors().take(MAX_DEPTH + 1).count() > MAX_DEPTH);
    (deep, total)
}

/// `text` in pieces of about `size` bytes, each ending on a character boundary.
fn chunks(text: &str, size: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = size.clamp(1, rest.len());
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        let (chunk, after) = rest.split_at_checked(end)?;
        rest = after;
        Some(chunk)
    })
}

#[cfg(test)]
mod tests {
    use super::{MAX_DEPTH, chunks, parse_bounded};

    #[test]
    fn chunks_split_on_char_boundaries() {
        // (text, size, expected chunks)
        let cases: &[(&str, usize, &[&str])] = &[
            ("", 4, &[]),
            ("abcdef", 4, &["abcd", "ef"]),
            ("abcd", 4, &["abcd"]),
            ("ab€d", 3, &["ab€", "d"]),
            ("€€", 1, &["€", "€"]),
            ("abc", 0, &["a", "b", "c"]),
        ];
        for &(text, size, want) in cases {
            assert_eq!(
                chunks(text, size).collect::<Vec<_>>(),
                want,
                "{text:?} by {size}"
            );
        }
    }

    #[test]
    fn stops_only_past_the_bounds() {
        let img_count = |html: &scraper::Html| {
            html.tree
                .nodes()
                .filter_map(|n| n.value().as_element())
                .filter(|e| e.name() == "img")
                .count()
        };
        let nested = |depth: usize| format!("{}<img src=x.png>", "<div>".repeat(depth));
        let formatting: String = (0..2_000)
            .map(|i| format!("<div><b id={i}></div>x"))
            .collect();
        // (name, html, expected stopped, expected img elements)
        let cases: Vec<(&str, String, bool, usize)> = vec![
            ("shallow", "<p><img src=a.png>".into(), false, 1),
            ("deep but under the cap", nested(MAX_DEPTH - 10), false, 1),
            ("over the depth cap", nested(MAX_DEPTH * 20), true, 0),
            ("reopened formatting elements", formatting, true, 0),
            (
                "split across chunks",
                format!("{}<img src=late.png>", " ".repeat(4095)),
                false,
                1,
            ),
        ];
        for (name, html, want_stopped, want_imgs) in cases {
            let (doc, stopped) = parse_bounded(&html);
            assert_eq!(stopped, want_stopped, "{name}");
            assert_eq!(img_count(&doc), want_imgs, "{name}");
        }
    }
}
