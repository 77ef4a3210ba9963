//! Verdict stage, dependency extraction: the caps that bound the work done per page.

/// Caps on how much one page may make the verdict stage do.
///
/// The extractors stop adding dependencies once a cap is hit and set
/// [`Extracted::truncated`](super::Extracted::truncated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Most dependencies listed for one page (default 500).
    pub max_dependencies: usize,
    /// Most stylesheets (links and `@import`s) listed, and so fetched, per page (default 20).
    pub max_stylesheets: usize,
    /// Most bytes of a body (HTML or CSS) read; the rest is ignored (default 2 MiB).
    pub max_body_bytes: usize,
    /// Most redirects followed when fetching a page or a dependency (default 5).
    /// Not used by the extractors; kept here so one value bounds a whole check.
    pub max_redirects: usize,
}

impl Limits {
    /// The defaults, usable in `const` context.
    pub const DEFAULT: Limits = Limits {
        max_dependencies: 500,
        max_stylesheets: 20,
        max_body_bytes: 2 * 1024 * 1024,
        max_redirects: 5,
    };

    /// `text` cut to at most `max_body_bytes` (on a character boundary), and
    /// whether anything was cut.
    pub(crate) fn cap_body<'a>(&self, text: &'a str) -> (&'a str, bool) {
        if text.len() <= self.max_body_bytes {
            return (text, false);
        }
        let mut end = self.max_body_bytes;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        (text.get(..end).unwrap_or_default(), true)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::Limits;

    #[test]
    fn cap_body_cuts_on_char_boundaries() {
        // (text, max bytes, expected text, expected cut)
        let cases: &[(&str, usize, &str, bool)] = &[
            ("", 0, "", false),
            ("abc", 3, "abc", false),
            ("abc", 2, "ab", true),
            ("abc", 0, "", true),
            ("é", 1, "", true),
            ("aé", 2, "a", true),
            ("a€b", 3, "a", true),
            ("a€b", 4, "a€", true),
        ];
        for &(text, max, want, want_cut) in cases {
            let limits = Limits {
                max_body_bytes: max,
                ..Limits::DEFAULT
            };
            assert_eq!(limits.cap_body(text), (want, want_cut), "{text:?} at {max}");
        }
    }

    #[test]
    fn defaults_match_the_documented_values() {
        let l = Limits::default();
        assert_eq!(
            (
                l.max_dependencies,
                l.max_stylesheets,
                l.max_body_bytes,
                l.max_redirects
            ),
            (500, 20, 2 * 1024 * 1024, 5)
        );
    }
}
