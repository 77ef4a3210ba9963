use super::extract;
use crate::extract::{DepKind, Limits};
use url::Url;

use DepKind::*;

const BASE: &str = "https://www.example.test/css/site.css";

fn run(css: &str, limits: &Limits) -> (Vec<(String, DepKind)>, bool) {
    let base = Url::parse(BASE).expect("base");
    let out = extract(css, &base, limits);
    let deps = out
        .dependencies
        .iter()
        .map(|d| (d.url.to_string(), d.kind))
        .collect();
    (deps, out.truncated)
}

/// (name, css, expected dependencies in order)
type Case = (
    &'static str,
    &'static str,
    &'static [(&'static str, DepKind)],
);

fn owned(want: &[(&str, DepKind)]) -> Vec<(String, DepKind)> {
    want.iter().map(|&(u, k)| (u.to_string(), k)).collect()
}

#[test]
fn finds_urls_in_real_world_stylesheets() {
    let cases: &[Case] = &[
        ("empty", "", &[]),
        (
            "import string",
            r#"@import "reset.css";"#,
            &[("https://www.example.test/css/reset.css", CssImport)],
        ),
        (
            "import single quotes",
            "@import 'a.css' screen;",
            &[("https://www.example.test/css/a.css", CssImport)],
        ),
        (
            "import url unquoted",
            "@import url(/b.css);",
            &[("https://www.example.test/b.css", CssImport)],
        ),
        (
            "import url quoted",
            "@import url( \"//cdn.example.test/c.css\" ) print;",
            &[("https://cdn.example.test/c.css", CssImport)],
        ),
        (
            "import uppercase",
            "@IMPORT URL(d.css);",
            &[("https://www.example.test/css/d.css", CssImport)],
        ),
        (
            "import with layer and supports",
            "@import url(e.css) layer(base) supports(display: grid);\n@import \"f.css\";",
            &[
                ("https://www.example.test/css/e.css", CssImport),
                ("https://www.example.test/css/f.css", CssImport),
            ],
        ),
        (
            "background unquoted, quoted, single",
            "a{background:url(a.png)}b{background-image:url(\"b.png\")}c{background:url('c.png') no-repeat}",
            &[
                ("https://www.example.test/css/a.png", CssUrl),
                ("https://www.example.test/css/b.png", CssUrl),
                ("https://www.example.test/css/c.png", CssUrl),
            ],
        ),
        (
            "font-face with several src and format()",
            "@font-face{font-family:X;src:url(/f/x.eot);src:url(/f/x.eot?#iefix) format(\"embedded-opentype\"),url(\"/f/x.woff2\") format(\"woff2\"),url(//fonts.example.test/x.woff) format('woff'),local(\"X Regular\")}",
            &[
                ("https://www.example.test/f/x.eot", Font),
                ("https://www.example.test/f/x.eot?", Font),
                ("https://www.example.test/f/x.woff2", Font),
                ("https://fonts.example.test/x.woff", Font),
            ],
        ),
        (
            "font-face then ordinary rule",
            "@font-face { src: url(a.woff2) } body { background: url(bg.png) }",
            &[
                ("https://www.example.test/css/a.woff2", Font),
                ("https://www.example.test/css/bg.png", CssUrl),
            ],
        ),
        (
            "font-face inside media",
            "@media screen{@font-face{src:url(m.woff)}.x{cursor:url(c.cur),auto}}",
            &[
                ("https://www.example.test/css/m.woff", Font),
                ("https://www.example.test/css/c.cur", CssUrl),
            ],
        ),
        (
            "data urls ignored",
            "a{background:url(data:image/png;base64,iVBORw0KGgo=)}b{background:url(\"data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'/>\")}",
            &[],
        ),
        (
            "fragment-only ignored",
            "a{filter:url(#blur);mask:url('#m')}",
            &[],
        ),
        (
            "empty url ignored",
            "a{background:url()}b{background:url('')}",
            &[],
        ),
        (
            "namespace ignored",
            "@namespace svg url(http://www.w3.org/2000/svg);@namespace \"http://www.w3.org/1999/xhtml\";a{background:url(n.png)}",
            &[("https://www.example.test/css/n.png", CssUrl)],
        ),
        (
            "escapes decoded by tokenizer",
            r"a{background:url(sp\ ace.png)}b{background:url('q\'uote.png')}c{background:url(\61 .png)}",
            &[
                ("https://www.example.test/css/sp%20ace.png", CssUrl),
                ("https://www.example.test/css/q'uote.png", CssUrl),
                ("https://www.example.test/css/a.png", CssUrl),
            ],
        ),
        (
            "comments skipped",
            "/* url(no.png) @import 'no.css'; */a{background:url(yes.png)}",
            &[("https://www.example.test/css/yes.png", CssUrl)],
        ),
        (
            "plain strings are not urls",
            "a:after{content:\"x.png\"}a{font-family:\"y.woff\"}",
            &[],
        ),
        (
            "image-set strings and urls",
            "a{background-image:image-set(\"s1.png\" 1x, url(s2.png) 2x);b:-webkit-image-set('w.png' 1x)}",
            &[
                ("https://www.example.test/css/s1.png", CssUrl),
                ("https://www.example.test/css/s2.png", CssUrl),
                ("https://www.example.test/css/w.png", CssUrl),
            ],
        ),
        (
            "nested functions",
            "a{background:linear-gradient(red,blue),url(g.png);mask:var(--m, url(v.svg))}",
            &[
                ("https://www.example.test/css/g.png", CssUrl),
                ("https://www.example.test/css/v.svg", CssUrl),
            ],
        ),
        (
            "duplicates kept once",
            "a{background:url(d.png)}b{background:url('d.png')}c{background:url(./d.png#frag)}",
            &[("https://www.example.test/css/d.png", CssUrl)],
        ),
        (
            "ipv6 literal",
            "a{background:url(http://[2001:db8::7]/i.png)}",
            &[("http://[2001:db8::7]/i.png", CssUrl)],
        ),
        (
            "unterminated",
            "a{background:url(\"broken.png",
            &[("https://www.example.test/css/broken.png", CssUrl)],
        ),
        (
            "bad url token ignored",
            "a{background:url(bad url.png)}b{background:url(ok.png)}",
            &[("https://www.example.test/css/ok.png", CssUrl)],
        ),
        (
            "import after a rule is ignored",
            "a{color:red}@import 'late.css';@import url(late2.css);b{background:url(b.png)}",
            &[("https://www.example.test/css/b.png", CssUrl)],
        ),
        (
            "import after charset and layer statement counts",
            "@charset \"utf-8\";@layer base;@import 'ok.css';",
            &[("https://www.example.test/css/ok.css", CssImport)],
        ),
        (
            "import after namespace or nested is ignored",
            "@media print{@import 'nested.css';}@namespace x url(http://ns.example.test/);@import 'after-ns.css';",
            &[],
        ),
        (
            "src() function",
            "a{background:src(\"s.png\")}",
            &[("https://www.example.test/css/s.png", CssUrl)],
        ),
        (
            "javascript and other schemes ignored",
            "a{background:url(javascript:alert(1))}b{background:url(blob:https://www.example.test/1)}c{behavior:url(mailto:x@example.test)}",
            &[],
        ),
    ];
    for &(name, css, want) in cases {
        let (got, truncated) = run(css, &Limits::DEFAULT);
        assert_eq!(got, owned(want), "{name}");
        assert!(!truncated, "{name}");
    }
}

#[test]
fn caps_and_truncation() {
    let many: String = (0..30)
        .map(|i| format!(".c{i}{{background:url(i{i}.png)}}"))
        .collect();
    let imports: String = (0..5).map(|i| format!("@import 's{i}.css';")).collect();
    // (name, css, limits, expected count, expected truncated)
    let cases: &[(&str, &str, Limits, usize, bool)] = &[
        ("under the cap", &many, Limits::DEFAULT, 30, false),
        (
            "dependency cap",
            &many,
            Limits {
                max_dependencies: 10,
                ..Limits::DEFAULT
            },
            10,
            true,
        ),
        (
            "exactly at the cap",
            &many,
            Limits {
                max_dependencies: 30,
                ..Limits::DEFAULT
            },
            30,
            false,
        ),
        (
            "stylesheet cap",
            &imports,
            Limits {
                max_stylesheets: 2,
                ..Limits::DEFAULT
            },
            2,
            true,
        ),
        (
            "body cap",
            &many,
            Limits {
                max_body_bytes: 60,
                ..Limits::DEFAULT
            },
            2,
            true,
        ),
    ];
    for (name, css, limits, want_len, want_truncated) in cases {
        let (got, truncated) = run(css, limits);
        assert_eq!(got.len(), *want_len, "{name}: {got:?}");
        assert_eq!(truncated, *want_truncated, "{name}");
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = format!(
        "{}url(deep.png){}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let braces = format!("{}a{{background:url(x.png)}}", "{".repeat(100_000));
    let funcs = "f(".repeat(50_000);
    for css in [deep.as_str(), braces.as_str(), funcs.as_str()] {
        let _ = run(css, &Limits::DEFAULT);
    }
}
