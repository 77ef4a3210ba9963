//! Verdict stage, dependency extraction: finds the resources an HTML page pulls in.
//!
//! Parses with `scraper` (html5ever, the same tree construction as browsers),
//! so unquoted or uppercase markup and entities such as `&amp;` in URLs come
//! out as a browser sees them. URLs resolve against the first `<base href>`
//! when there is one, else against the page URL. Pages nested deeper than
//! browsers render are cut short (see `parse`), as are pages with a tag
//! crowded with attributes (see `crowded`); both are reported truncated.
//!
//! The page is read as a browser with scripting on reads it: `<noscript>`
//! content is text, and `<template>` content counts (scripts usually stamp
//! it into the page).

use scraper::{ElementRef, Html};
use url::Url;

mod crowded;
mod parse;

use super::collect::Collector;
use super::resolve::resolve;
use super::{DepKind, Extracted, Limits, Source, css, refresh, srcset};

/// How an attribute holds its URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    /// One URL.
    Url,
    /// A `srcset` candidate list.
    Srcset,
}

/// An attribute that names a dependency.
struct Rule {
    element: &'static str,
    attribute: &'static str,
    /// The parent element required, if any (`picture > source[srcset]`).
    parent: Option<&'static str>,
    syntax: Syntax,
    kind: DepKind,
}

const fn rule(
    element: &'static str,
    attribute: &'static str,
    syntax: Syntax,
    kind: DepKind,
) -> Rule {
    Rule {
        element,
        attribute,
        parent: None,
        syntax,
        kind,
    }
}

/// Every plain URL-bearing attribute; `<link>`, `<meta>`, `<style>` and
/// `style` attributes need more than a lookup and are handled apart.
const RULES: &[Rule] = &[
    rule("script", "src", Syntax::Url, DepKind::Script),
    rule("img", "src", Syntax::Url, DepKind::Image),
    rule("img", "srcset", Syntax::Srcset, DepKind::Image),
    Rule {
        parent: Some("picture"),
        ..rule("source", "srcset", Syntax::Srcset, DepKind::Image)
    },
    rule("source", "src", Syntax::Url, DepKind::Media),
    rule("video", "src", Syntax::Url, DepKind::Media),
    rule("video", "poster", Syntax::Url, DepKind::Image),
    rule("audio", "src", Syntax::Url, DepKind::Media),
    rule("track", "src", Syntax::Url, DepKind::Media),
    rule("iframe", "src", Syntax::Url, DepKind::Frame),
    rule("frame", "src", Syntax::Url, DepKind::Frame),
    rule("object", "data", Syntax::Url, DepKind::Object),
    rule("embed", "src", Syntax::Url, DepKind::Object),
    rule("body", "background", Syntax::Url, DepKind::Image),
    rule("table", "background", Syntax::Url, DepKind::Image),
    rule("td", "background", Syntax::Url, DepKind::Image),
    rule("th", "background", Syntax::Url, DepKind::Image),
];

const LINK_HREF: Source = Source::Attribute {
    element: "link",
    attribute: "href",
};
const LINK_IMAGESRCSET: Source = Source::Attribute {
    element: "link",
    attribute: "imagesrcset",
};

/// The dependencies of the page `body` fetched from `page_url`.
pub fn extract(body: &str, page_url: &Url, limits: &Limits) -> Extracted {
    let (body, cut) = limits.cap_body(body);
    let crowded_at = crowded::first_crowded_tag(body, crowded::MAX_ATTRIBUTES);
    let body = crowded_at.and_then(|at| body.get(..at)).unwrap_or(body);
    let mut collector = Collector::new(limits);
    if cut || crowded_at.is_some() {
        collector.mark_truncated();
    }
    let (document, stopped) = parse::parse_bounded(body);
    if stopped {
        collector.mark_truncated();
    }
    let base = document_base(&document, page_url);
    for element in document
        .tree
        .root()
        .descendants()
        .filter_map(ElementRef::wrap)
    {
        if collector.is_full() {
            break;
        }
        visit(element, &base, &mut collector);
    }
    collector.finish()
}

/// The URL relative references resolve against: the first `<base href>`
/// (itself resolved against the page URL) if it is `http`/`https`, else the page URL.
fn document_base(document: &Html, page_url: &Url) -> Url {
    document
        .tree
        .root()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "base")
        .find_map(|e| e.value().attr("href"))
        .and_then(|href| page_url.join(href.trim()).ok())
        .filter(|url| matches!(url.scheme(), "http" | "https"))
        .unwrap_or_else(|| page_url.clone())
}

fn visit(element: ElementRef<'_>, base: &Url, collector: &mut Collector<'_>) {
    let name = element.value().name();
    for rule in RULES.iter().filter(|r| r.element == name) {
        if rule.parent.is_some_and(|p| parent_name(element) != Some(p)) {
            continue;
        }
        if let Some(value) = element.value().attr(rule.attribute) {
            let source = Source::Attribute {
                element: rule.element,
                attribute: rule.attribute,
            };
            add_value(value, rule.syntax, rule.kind, source, base, collector);
        }
    }
    match name {
        "link" => visit_link(element, base, collector),
        "meta" => visit_meta(element, base, collector),
        "style" => {
            let text: String = element.text().collect();
            css::collect(&text, base, Source::StyleElement, collector);
        }
        _ => {}
    }
    if let Some(style) = element.value().attr("style") {
        css::collect(style, base, Source::StyleAttribute, collector);
    }
}

fn visit_link(element: ElementRef<'_>, base: &Url, collector: &mut Collector<'_>) {
    let Some(kind) = element.value().attr("rel").and_then(link_kind) else {
        return;
    };
    if let Some(href) = element.value().attr("href") {
        add_value(href, Syntax::Url, kind, LINK_HREF, base, collector);
    }
    if kind == DepKind::Preload
        && let Some(set) = element.value().attr("imagesrcset")
    {
        add_value(set, Syntax::Srcset, kind, LINK_IMAGESRCSET, base, collector);
    }
}

/// The kind of a `<link>` by its space-separated, case-insensitive `rel`.
fn link_kind(rel: &str) -> Option<DepKind> {
    let has = |wanted: &[&str]| {
        rel.split_ascii_whitespace()
            .any(|token| wanted.iter().any(|w| token.eq_ignore_ascii_case(w)))
    };
    if has(&["stylesheet"]) {
        Some(DepKind::Stylesheet)
    } else if has(&[
        "icon",
        "apple-touch-icon",
        "apple-touch-icon-precomposed",
        "mask-icon",
    ]) {
        Some(DepKind::Icon)
    } else if has(&["manifest"]) {
        Some(DepKind::Manifest)
    } else if has(&["preload", "modulepreload"]) {
        Some(DepKind::Preload)
    } else {
        None
    }
}

fn visit_meta(element: ElementRef<'_>, base: &Url, collector: &mut Collector<'_>) {
    let is_refresh = element
        .value()
        .attr("http-equiv")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("refresh"));
    if !is_refresh {
        return;
    }
    let target = element.value().attr("content").and_then(refresh::target);
    if let Some(url) = target.and_then(|t| resolve(base, t)) {
        collector.add(url, DepKind::Refresh, Source::MetaRefresh);
    }
}

fn add_value(
    value: &str,
    syntax: Syntax,
    kind: DepKind,
    source: Source,
    base: &Url,
    collector: &mut Collector<'_>,
) {
    let raws = match syntax {
        Syntax::Url => vec![value],
        Syntax::Srcset => srcset::candidates(value),
    };
    for url in raws.into_iter().filter_map(|raw| resolve(base, raw)) {
        collector.add(url, kind, source);
    }
}

fn parent_name<'a>(element: ElementRef<'a>) -> Option<&'a str> {
    element
        .parent()
        .and_then(ElementRef::wrap)
        .map(|p| p.value().name())
}

#[cfg(test)]
mod tests;
