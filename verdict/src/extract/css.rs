//! Verdict stage, dependency extraction: finds the URLs a stylesheet pulls in.
//!
//! Runs the `cssparser` tokenizer (escapes, comments and quoting handled the
//! way browsers do) and picks out `@import` targets (where browsers honour
//! them: top level, before other rules), every `url(...)`, quoted or not, and
//! the image strings of `image-set()`. URLs inside `@font-face`
//! are fonts. `@namespace` URLs name namespaces, not resources, and are
//! skipped.

use cssparser::{ParseError, Parser, Token};
use url::Url;

use super::collect::Collector;
use super::resolve::resolve;
use super::{DepKind, Extracted, Limits, Source};

/// The dependencies of the stylesheet `css`, resolved against `base` (the
/// sheet's own URL, or the page's base URL for CSS inside a page).
pub fn extract(css: &str, base: &Url, limits: &Limits) -> Extracted {
    let (css, cut) = limits.cap_body(css);
    let mut collector = Collector::new(limits);
    if cut {
        collector.mark_truncated();
    }
    collect(css, base, Source::Stylesheet, &mut collector);
    collector.finish()
}

/// Adds the dependencies of `css` to `collector`; used for external sheets
/// as well as `<style>` elements and `style` attributes.
pub(crate) fn collect(css: &str, base: &Url, source: Source, collector: &mut Collector<'_>) {
    let mut parser = Parser::new(css);
    let mut sink = Sink {
        base,
        source,
        collector,
    };
    // A `style` attribute is a declaration list: no `@import` there.
    let top = Context {
        top_level: source != Source::StyleAttribute,
        ..Context::default()
    };
    let _ = walk(&mut parser, top, &mut sink);
}

struct Sink<'a, 'l> {
    base: &'a Url,
    source: Source,
    collector: &'a mut Collector<'l>,
}

impl Sink<'_, '_> {
    fn add(&mut self, raw: &str, kind: DepKind) {
        if let Some(url) = resolve(self.base, raw) {
            self.collector.add(url, kind, self.source);
        }
    }
}

/// What the block being walked is.
#[derive(Debug, Clone, Copy, Default)]
struct Context {
    /// Inside `@font-face { ... }`: URLs are fonts.
    font_face: bool,
    /// Directly inside `image-set(...)`: bare strings are image URLs.
    image_set: bool,
    /// The top level of a stylesheet, the only place `@import` counts.
    top_level: bool,
}

/// The at-rule whose prelude is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prelude {
    None,
    Import,
    /// `@namespace`, or an `@import` where browsers ignore it: URLs not fetched.
    NotFetched,
    FontFace,
}

/// Walks the tokens of one block, descending into nested blocks. The parser
/// refuses to nest deeper than its own limit, which bounds the recursion.
///
/// As in browsers, `@import` counts only at the top level and before any
/// rule with a block or any `@namespace`.
fn walk<'i>(
    p: &mut Parser<'i>,
    ctx: Context,
    sink: &mut Sink<'_, '_>,
) -> Result<(), ParseError<()>> {
    let mut prelude = Prelude::None;
    let mut imports_allowed = ctx.top_level;
    while !sink.collector.is_full() {
        let Ok(token) = p.next() else {
            break;
        };
        let token = token.clone();
        let kind = match (prelude, ctx.font_face) {
            (Prelude::Import, _) => DepKind::CssImport,
            (_, true) => DepKind::Font,
            _ => DepKind::CssUrl,
        };
        let mut next_prelude = prelude;
        match token {
            Token::AtKeyword(name) => {
                next_prelude = at_rule(&name);
                if next_prelude == Prelude::NotFetched {
                    imports_allowed = false;
                } else if next_prelude == Prelude::Import && !imports_allowed {
                    next_prelude = Prelude::NotFetched;
                }
            }
            Token::Semicolon => next_prelude = Prelude::None,
            Token::UnquotedUrl(raw) if prelude != Prelude::NotFetched => {
                sink.add(&raw, kind);
                next_prelude = Prelude::None;
            }
            Token::QuotedString(raw) if prelude == Prelude::Import || ctx.image_set => {
                sink.add(&raw, kind);
                next_prelude = Prelude::None;
            }
            Token::Function(name) if is_url_function(&name) => {
                if prelude != Prelude::NotFetched {
                    let _ = p.parse_nested_block(|p| url_function(p, kind, sink));
                }
                next_prelude = Prelude::None;
            }
            Token::Function(name) => {
                let inner = Context {
                    image_set: is_image_set(&name),
                    top_level: false,
                    ..ctx
                };
                let _ = p.parse_nested_block(|p| walk(p, inner, sink));
            }
            Token::CurlyBracketBlock => {
                let inner = Context {
                    font_face: ctx.font_face || prelude == Prelude::FontFace,
                    image_set: false,
                    top_level: false,
                };
                let _ = p.parse_nested_block(|p| walk(p, inner, sink));
                next_prelude = Prelude::None;
                imports_allowed = false;
            }
            Token::ParenthesisBlock | Token::SquareBracketBlock => {
                let inner = Context {
                    image_set: false,
                    top_level: false,
                    ..ctx
                };
                let _ = p.parse_nested_block(|p| walk(p, inner, sink));
            }
            _ => {}
        }
        prelude = next_prelude;
    }
    Ok(())
}

/// The body of `url("...")` or `src("...")`: its first string is the URL.
fn url_function<'i>(
    p: &mut Parser<'i>,
    kind: DepKind,
    sink: &mut Sink<'_, '_>,
) -> Result<(), ParseError<()>> {
    if let Ok(raw) = p.expect_string_cloned() {
        sink.add(&raw, kind);
    }
    Ok(())
}

fn at_rule(name: &str) -> Prelude {
    if name.eq_ignore_ascii_case("import") {
        Prelude::Import
    } else if name.eq_ignore_ascii_case("namespace") {
        Prelude::NotFetched
    } else if name.eq_ignore_ascii_case("font-face") {
        Prelude::FontFace
    } else {
        Prelude::None
    }
}

fn is_url_function(name: &str) -> bool {
    name.eq_ignore_ascii_case("url") || name.eq_ignore_ascii_case("src")
}

fn is_image_set(name: &str) -> bool {
    name.eq_ignore_ascii_case("image-set") || name.eq_ignore_ascii_case("-webkit-image-set")
}

#[cfg(test)]
mod tests;
