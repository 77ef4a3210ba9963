//! Verdict stage, dependency extraction: the fuzz seed corpus and deterministic
//! mutations of it, run through both extractors on stable Rust.
//!
//! `cargo fuzz` (the `fuzz/` crate at the top of the tree, run by `scripts/test.sh`) needs
//! nightly flags; this test keeps the same no-panic and invariant checks in the ordinary
//! test run, deterministically.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use url::Url;
use verdict::extract::{Extracted, Limits, css, group_by_host, html};

/// Mutations tried per corpus file.
const MUTATIONS_PER_FILE: usize = 300;

/// Fragments spliced in by mutations: the syntax the extractors care about.
const TOKENS: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "\"",
    "'",
    "=",
    "&amp;",
    "&#",
    "<!--",
    "-->",
    "<![CDATA[",
    "<base href=",
    "<img srcset=",
    " 1x,",
    "<link rel=stylesheet href=",
    "<style>",
    "</style>",
    "<template>",
    "<table>",
    "<svg>",
    "<math>",
    "<div>",
    "<b>",
    "url(",
    ")",
    "(",
    "{",
    "}",
    "@import ",
    "@font-face",
    "@namespace ",
    "image-set(",
    "\\",
    "\\0",
    "/*",
    "*/",
    ";",
    ",",
    "//",
    "data:",
    "#",
    "[2001:db8::",
    "]",
    "%",
    "\u{0}",
    "\u{feff}",
    "é",
    "\r\n",
];

/// A small xorshift generator: deterministic, no extra dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One to four random edits of `input`.
fn mutate(input: &[u8], rng: &mut XorShift) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(6) {
            0 => out.insert(at, rng.next() as u8),
            1 if at < out.len() => out[at] = rng.next() as u8,
            2 => {
                let end = (at + rng.below(16)).min(out.len());
                out.drain(at..end);
            }
            3 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                out.splice(at..at, token.iter().copied());
            }
            4 => {
                let end = (at + rng.below(64)).min(out.len());
                let piece = out[at..end].to_vec();
                out.splice(at..at, piece);
            }
            _ => out.truncate(at),
        }
    }
    out
}

fn corpus(kind: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(kind);
    let mut files: Vec<(PathBuf, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("corpus entry").path();
            let bytes = fs::read(&path).expect("corpus file");
            (path, bytes)
        })
        .collect();
    files.sort();
    files
}

/// What every extraction must satisfy, whatever the input.
fn check(out: &Extracted, limits: &Limits, what: &str) {
    assert!(out.dependencies.len() <= limits.max_dependencies, "{what}");
    assert!(
        out.stylesheets().count() <= limits.max_stylesheets,
        "{what}"
    );
    let mut seen = HashSet::new();
    for dep in &out.dependencies {
        assert!(
            matches!(dep.url.scheme(), "http" | "https"),
            "{what}: {}",
            dep.url
        );
        assert!(dep.url.fragment().is_none(), "{what}: {}", dep.url);
        assert!(
            seen.insert(dep.url.as_str()),
            "{what}: duplicate {}",
            dep.url
        );
    }
    let total: usize = group_by_host(&out.dependencies)
        .iter()
        .map(|g| g.url_count)
        .sum();
    assert_eq!(total, out.dependencies.len(), "{what}");
}

fn limits_to_try() -> [Limits; 2] {
    [
        Limits::default(),
        Limits {
            max_dependencies: 8,
            max_stylesheets: 2,
            max_body_bytes: 512,
            max_redirects: 0,
        },
    ]
}

fn run_corpus(kind: &str, seed: u64, extract: impl Fn(&str, &Limits) -> Extracted) {
    let files = corpus(kind);
    assert!(files.len() >= 12, "{kind} corpus has {} files", files.len());
    let mut rng = XorShift(seed);
    for (path, bytes) in &files {
        let name = path.display();
        let mut inputs = vec![bytes.clone()];
        inputs.extend((0..MUTATIONS_PER_FILE).map(|_| mutate(bytes, &mut rng)));
        for (n, input) in inputs.iter().enumerate() {
            let text = String::from_utf8_lossy(input);
            for limits in limits_to_try() {
                let out = extract(&text, &limits);
                check(&out, &limits, &format!("{name} mutation {n}"));
            }
        }
    }
}

#[test]
fn html_corpus_and_mutations_never_panic() {
    let page = Url::parse("https://www.example.test/dir/page.html").expect("page URL");
    run_corpus("html_extract", 0x5eed_0006_0000_0001, |text, limits| {
        html::extract(text, &page, limits)
    });
}

#[test]
fn css_corpus_and_mutations_never_panic() {
    let base = Url::parse("https://www.example.test/css/site.css").expect("sheet URL");
    run_corpus("css_extract", 0x5eed_0006_0000_0002, |text, limits| {
        css::extract(text, &base, limits)
    });
}

#[test]
fn seeds_yield_dependencies() {
    // Guards against a corpus that silently stops exercising the extractors.
    let page = Url::parse("https://www.example.test/dir/page.html").expect("page URL");
    let base = Url::parse("https://www.example.test/css/site.css").expect("sheet URL");
    // (corpus, file, expected minimum number of dependencies)
    let cases: &[(&str, &str, usize)] = &[
        ("html_extract", "minimal.html", 3),
        ("html_extract", "srcset.html", 8),
        ("html_extract", "icons.html", 9),
        ("html_extract", "data-urls.html", 1),
        ("css_extract", "font-face.css", 4),
        ("css_extract", "imports.css", 6),
        ("css_extract", "data-urls.css", 0),
    ];
    for &(kind, file, min) in cases {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fuzz/corpus")
            .join(kind)
            .join(file);
        let text = fs::read_to_string(&path).expect("seed file");
        let out = match kind {
            "html_extract" => html::extract(&text, &page, &Limits::default()),
            _ => css::extract(&text, &base, &Limits::default()),
        };
        assert!(
            out.dependencies.len() >= min,
            "{file}: {:?}",
            out.dependencies
        );
    }
}
