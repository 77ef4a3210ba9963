//! Verdict stage, dependency extraction: deduplicates found URLs and enforces the caps.

use std::collections::HashMap;

use url::Url;

use super::{DepKind, Dependency, Extracted, Limits, Source};

/// Gathers dependencies for one [`Extracted`], in order of first appearance.
pub(crate) struct Collector<'l> {
    limits: &'l Limits,
    index: HashMap<Url, usize>,
    stylesheets: usize,
    out: Extracted,
}

impl<'l> Collector<'l> {
    pub(crate) fn new(limits: &'l Limits) -> Self {
        Collector::resume(limits, Extracted::default())
    }

    /// A collector that goes on from an earlier result.
    pub(crate) fn resume(limits: &'l Limits, out: Extracted) -> Self {
        let index = out
            .dependencies
            .iter()
            .enumerate()
            .map(|(i, d)| (d.url.clone(), i))
            .collect();
        let stylesheets = out.stylesheets().count();
        Collector {
            limits,
            index,
            stylesheets,
            out,
        }
    }

    /// Adds `url` unless already present or over a cap (which marks the result truncated).
    pub(crate) fn add(&mut self, url: Url, kind: DepKind, source: Source) {
        if let Some(&i) = self.index.get(&url) {
            self.upgrade(i, kind, source);
            return;
        }
        if self.out.dependencies.len() >= self.limits.max_dependencies {
            self.out.truncated = true;
            return;
        }
        if kind.is_stylesheet() {
            if self.stylesheets >= self.limits.max_stylesheets {
                self.out.truncated = true;
                return;
            }
            self.stylesheets += 1;
        }
        self.index.insert(url.clone(), self.out.dependencies.len());
        self.out.dependencies.push(Dependency { url, kind, source });
    }

    /// A URL seen again as a stylesheet becomes one, so the caller fetches it as CSS.
    fn upgrade(&mut self, i: usize, kind: DepKind, source: Source) {
        let Some(existing) = self.out.dependencies.get_mut(i) else {
            return;
        };
        if !kind.is_stylesheet() || existing.kind.is_stylesheet() {
            return;
        }
        if self.stylesheets >= self.limits.max_stylesheets {
            self.out.truncated = true;
            return;
        }
        self.stylesheets += 1;
        existing.kind = kind;
        existing.source = source;
    }

    pub(crate) fn mark_truncated(&mut self) {
        self.out.truncated = true;
    }

    /// True once nothing new can be added: extractors may stop scanning.
    pub(crate) fn is_full(&self) -> bool {
        self.out.truncated && self.out.dependencies.len() >= self.limits.max_dependencies
    }

    pub(crate) fn finish(self) -> Extracted {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::Collector;
    use crate::extract::{DepKind, Limits, Source};
    use url::Url;

    const SRC: Source = Source::Stylesheet;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test URL")
    }

    #[test]
    fn dedupes_caps_and_upgrades() {
        use DepKind::*;
        // (max deps, max sheets, adds, expected (url, kind) list, expected truncated)
        type Case = (
            usize,
            usize,
            &'static [(&'static str, DepKind)],
            &'static [(&'static str, DepKind)],
            bool,
        );
        let cases: &[Case] = &[
            (
                10,
                10,
                &[("http://a.test/1", Script), ("http://a.test/1", Image)],
                &[("http://a.test/1", Script)],
                false,
            ),
            (
                1,
                10,
                &[("http://a.test/1", Script), ("http://a.test/2", Image)],
                &[("http://a.test/1", Script)],
                true,
            ),
            (
                1,
                10,
                &[("http://a.test/1", Script), ("http://a.test/1", Script)],
                &[("http://a.test/1", Script)],
                false,
            ),
            (
                10,
                1,
                &[
                    ("http://a.test/1", Stylesheet),
                    ("http://a.test/2", CssImport),
                    ("http://a.test/3", Image),
                ],
                &[("http://a.test/1", Stylesheet), ("http://a.test/3", Image)],
                true,
            ),
            (
                10,
                5,
                &[
                    ("http://a.test/s", Preload),
                    ("http://a.test/s", Stylesheet),
                ],
                &[("http://a.test/s", Stylesheet)],
                false,
            ),
            (
                10,
                0,
                &[
                    ("http://a.test/s", Preload),
                    ("http://a.test/s", Stylesheet),
                ],
                &[("http://a.test/s", Preload)],
                true,
            ),
            (
                10,
                5,
                &[
                    ("http://a.test/s", Stylesheet),
                    ("http://a.test/s", Preload),
                ],
                &[("http://a.test/s", Stylesheet)],
                false,
            ),
            (0, 5, &[("http://a.test/s", Image)], &[], true),
        ];
        for (n, &(max_deps, max_sheets, adds, want, want_truncated)) in cases.iter().enumerate() {
            let limits = Limits {
                max_dependencies: max_deps,
                max_stylesheets: max_sheets,
                ..Limits::DEFAULT
            };
            let mut c = Collector::new(&limits);
            for &(u, k) in adds {
                c.add(url(u), k, SRC);
            }
            let out = c.finish();
            let got: Vec<(String, DepKind)> = out
                .dependencies
                .iter()
                .map(|d| (d.url.to_string(), d.kind))
                .collect();
            let want: Vec<(String, DepKind)> =
                want.iter().map(|&(u, k)| (u.to_string(), k)).collect();
            assert_eq!(got, want, "case {n}");
            assert_eq!(out.truncated, want_truncated, "case {n}");
        }
    }
}
