//! Verdict stage, dependency extraction: what a found dependency looks like.

use std::fmt;

use url::Url;

/// What a page uses a dependency for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DepKind {
    /// `<script src>`.
    Script,
    /// `<link rel=stylesheet>`: fetch it and extract again.
    Stylesheet,
    /// A `url()` inside `@font-face`.
    Font,
    /// `<img>`, `<picture>` sources, video posters, legacy `background` attributes.
    Image,
    /// `<video>`, `<audio>`, `<source src>`, `<track>`.
    Media,
    /// `<iframe>`, `<frame>`.
    Frame,
    /// `<object data>`, `<embed src>`.
    Object,
    /// `<link rel=icon>`, `shortcut icon`, `apple-touch-icon`, `mask-icon`.
    Icon,
    /// `<link rel=manifest>`.
    Manifest,
    /// `<link rel=preload>` or `modulepreload`.
    Preload,
    /// The target of `<meta http-equiv=refresh>`.
    Refresh,
    /// `@import` in CSS: fetch it and extract again.
    CssImport,
    /// Any other `url()` in CSS (backgrounds, cursors, masks, ...).
    CssUrl,
}

impl DepKind {
    /// A short lowercase name, e.g. for display or storage.
    pub fn as_str(self) -> &'static str {
        match self {
            DepKind::Script => "script",
            DepKind::Stylesheet => "stylesheet",
            DepKind::Font => "font",
            DepKind::Image => "image",
            DepKind::Media => "media",
            DepKind::Frame => "frame",
            DepKind::Object => "object",
            DepKind::Icon => "icon",
            DepKind::Manifest => "manifest",
            DepKind::Preload => "preload",
            DepKind::Refresh => "refresh",
            DepKind::CssImport => "css-import",
            DepKind::CssUrl => "css-url",
        }
    }

    /// Whether the dependency is CSS the caller should fetch and extract from.
    pub fn is_stylesheet(self) -> bool {
        matches!(self, DepKind::Stylesheet | DepKind::CssImport)
    }
}

impl fmt::Display for DepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in the page or stylesheet a dependency was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// An HTML attribute, e.g. `img` / `srcset` or `link` / `href`.
    Attribute {
        element: &'static str,
        attribute: &'static str,
    },
    /// The `content` of `<meta http-equiv=refresh>`.
    MetaRefresh,
    /// A `style="..."` attribute, on any element.
    StyleAttribute,
    /// A `<style>` element.
    StyleElement,
    /// A stylesheet given to [`css::extract`](super::css::extract).
    Stylesheet,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Attribute { element, attribute } => write!(f, "{element}[{attribute}]"),
            Source::MetaRefresh => f.write_str("meta[http-equiv=refresh]"),
            Source::StyleAttribute => f.write_str("style attribute"),
            Source::StyleElement => f.write_str("style element"),
            Source::Stylesheet => f.write_str("stylesheet"),
        }
    }
}

/// One resource a page pulls in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dependency {
    /// Absolute `http` or `https` URL, without its fragment.
    pub url: Url,
    pub kind: DepKind,
    pub source: Source,
}

/// The dependencies found in one body, in order of first appearance.
///
/// Each URL is listed once, under the kind it was first found as, except
/// that a stylesheet kind replaces an earlier other kind (a sheet preloaded
/// before it is linked is still fetched as a sheet).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    pub dependencies: Vec<Dependency>,
    /// True when a [`Limits`](super::Limits) cap dropped something: the body
    /// was cut, or a dependency or stylesheet was left out.
    pub truncated: bool,
}

impl Extracted {
    /// The stylesheets (links and `@import`s) to fetch and extract from.
    pub fn stylesheets(&self) -> impl Iterator<Item = &Dependency> {
        self.dependencies.iter().filter(|d| d.kind.is_stylesheet())
    }

    /// Folds `other` (e.g. what a fetched stylesheet holds) into `self`,
    /// keeping the deduplication and caps of `limits` across both.
    pub fn merge(&mut self, other: Extracted, limits: &super::Limits) {
        let mut collector = super::collect::Collector::resume(limits, std::mem::take(self));
        for dep in other.dependencies {
            collector.add(dep.url, dep.kind, dep.source);
        }
        if other.truncated {
            collector.mark_truncated();
        }
        *self = collector.finish();
    }
}
