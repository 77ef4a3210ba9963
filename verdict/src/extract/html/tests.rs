use super::extract;
use crate::extract::{DepKind, Limits, Source};
use url::Url;

use DepKind::*;

const PAGE: &str = "https://www.example.test/dir/page.html";

fn run(html: &str, limits: &Limits) -> (Vec<(String, DepKind)>, bool) {
    let page = Url::parse(PAGE).expect("page URL");
    let out = extract(html, &page, limits);
    let deps = out
        .dependencies
        .iter()
        .map(|d| (d.url.to_string(), d.kind))
        .collect();
    (deps, out.truncated)
}

fn owned(want: &[(&str, DepKind)]) -> Vec<(String, DepKind)> {
    want.iter().map(|&(u, k)| (u.to_string(), k)).collect()
}

type Case = (
    &'static str,
    &'static str,
    &'static [(&'static str, DepKind)],
);

fn check(cases: &[Case]) {
    for &(name, html, want) in cases {
        let (got, truncated) = run(html, &Limits::DEFAULT);
        assert_eq!(got, owned(want), "{name}");
        assert!(!truncated, "{name}");
    }
}

#[test]
fn finds_each_element_kind() {
    check(&[
        ("empty", "", &[]),
        (
            "script",
            r#"<script src="/js/app.js"></script>"#,
            &[("https://www.example.test/js/app.js", Script)],
        ),
        (
            "inline script ignored",
            "<script>var u='/x.js'</script>",
            &[],
        ),
        (
            "img src",
            r#"<img src="a.png">"#,
            &[("https://www.example.test/dir/a.png", Image)],
        ),
        (
            "video src and poster",
            r#"<video src="v.mp4" poster="p.jpg"></video>"#,
            &[
                ("https://www.example.test/dir/v.mp4", Media),
                ("https://www.example.test/dir/p.jpg", Image),
            ],
        ),
        (
            "audio and sources",
            r#"<audio src="a.ogg"><source src="a.mp3" type="audio/mpeg"><track src="t.vtt"></audio>"#,
            &[
                ("https://www.example.test/dir/a.ogg", Media),
                ("https://www.example.test/dir/a.mp3", Media),
                ("https://www.example.test/dir/t.vtt", Media),
            ],
        ),
        (
            "iframe",
            r#"<iframe src="https://embed.example.test/w"></iframe>"#,
            &[("https://embed.example.test/w", Frame)],
        ),
        (
            "object and embed",
            r#"<object data="o.swf"></object><embed src="e.svg">"#,
            &[
                ("https://www.example.test/dir/o.swf", Object),
                ("https://www.example.test/dir/e.svg", Object),
            ],
        ),
        (
            "legacy background",
            r#"<body background="bg.gif"><table background="t.gif"><tr><td background="td.gif">x</td></tr></table>"#,
            &[
                ("https://www.example.test/dir/bg.gif", Image),
                ("https://www.example.test/dir/t.gif", Image),
                ("https://www.example.test/dir/td.gif", Image),
            ],
        ),
        (
            "anchors are not dependencies",
            r#"<a href="/other">x</a><form action="/post"></form>"#,
            &[],
        ),
    ]);
}

#[test]
fn reads_link_rels() {
    check(&[
        (
            "stylesheet",
            r#"<link rel="stylesheet" href="s.css">"#,
            &[("https://www.example.test/dir/s.css", Stylesheet)],
        ),
        (
            "rel case and spaces",
            r#"<link rel="  Alternate  STYLESHEET " href="alt.css">"#,
            &[("https://www.example.test/dir/alt.css", Stylesheet)],
        ),
        (
            "shortcut icon",
            r#"<link rel="shortcut icon" href="/favicon.ico">"#,
            &[("https://www.example.test/favicon.ico", Icon)],
        ),
        (
            "apple-touch-icon",
            r#"<link rel=apple-touch-icon sizes=180x180 href=/apple.png>"#,
            &[("https://www.example.test/apple.png", Icon)],
        ),
        (
            "mask-icon",
            r##"<link rel="mask-icon" href="/m.svg" color="#000">"##,
            &[("https://www.example.test/m.svg", Icon)],
        ),
        (
            "manifest",
            r#"<link rel="manifest" href="/site.webmanifest">"#,
            &[("https://www.example.test/site.webmanifest", Manifest)],
        ),
        (
            "preload and modulepreload",
            r#"<link rel="preload" href="/f.woff2" as="font" crossorigin><link rel="modulepreload" href="/m.js">"#,
            &[
                ("https://www.example.test/f.woff2", Preload),
                ("https://www.example.test/m.js", Preload),
            ],
        ),
        (
            "preload imagesrcset",
            r#"<link rel="preload" as="image" href="h.jpg" imagesrcset="h1.jpg 1x, h2.jpg 2x">"#,
            &[
                ("https://www.example.test/dir/h.jpg", Preload),
                ("https://www.example.test/dir/h1.jpg", Preload),
                ("https://www.example.test/dir/h2.jpg", Preload),
            ],
        ),
        (
            "preload then stylesheet becomes stylesheet",
            r#"<link rel="preload" href="/c.css" as="style"><link rel="stylesheet" href="/c.css">"#,
            &[("https://www.example.test/c.css", Stylesheet)],
        ),
        (
            "hints and navigation rels ignored",
            r#"<link rel="preconnect" href="https://cdn.example.test"><link rel="dns-prefetch" href="//dns.example.test"><link rel="canonical" href="/c"><link rel="alternate" hreflang="de" href="/de"><link href="/no-rel.css">"#,
            &[],
        ),
    ]);
}

#[test]
fn handles_real_world_markup_shapes() {
    check(&[
        (
            "minified, unquoted, uppercase",
            "<HTML><HEAD><LINK REL=STYLESHEET HREF=/s.css><SCRIPT SRC=//cdn.example.test/x.js></SCRIPT></HEAD><BODY><IMG SRC=i.png ALT=x></BODY></HTML>",
            &[
                ("https://www.example.test/s.css", Stylesheet),
                ("https://cdn.example.test/x.js", Script),
                ("https://www.example.test/dir/i.png", Image),
            ],
        ),
        (
            "attributes without spaces",
            r#"<img src="a.png"alt="x"class="c"><script src='b.js'defer></script>"#,
            &[
                ("https://www.example.test/dir/a.png", Image),
                ("https://www.example.test/dir/b.js", Script),
            ],
        ),
        (
            "odd quoting",
            r#"<img src='single.png'><img src = " spaced.png " ><img src=unq.png?a=1&b=2/><script src="q'uote.js"></script>"#,
            &[
                ("https://www.example.test/dir/single.png", Image),
                ("https://www.example.test/dir/spaced.png", Image),
                ("https://www.example.test/dir/unq.png?a=1&b=2/", Image),
                ("https://www.example.test/dir/q'uote.js", Script),
            ],
        ),
        (
            "entities decoded",
            r#"<script src="/api.js?a=1&amp;b=2&#38;c=3"></script><img src="/x.png?w=1&amp;h=2">"#,
            &[
                ("https://www.example.test/api.js?a=1&b=2&c=3", Script),
                ("https://www.example.test/x.png?w=1&h=2", Image),
            ],
        ),
        (
            "protocol-relative",
            r#"<script src="//cdn.example.test/x.js"></script><link rel=stylesheet href="//cdn.example.test:8443/s.css">"#,
            &[
                ("https://cdn.example.test/x.js", Script),
                ("https://cdn.example.test:8443/s.css", Stylesheet),
            ],
        ),
        (
            "ipv6 literal host",
            r#"<img src="http://[2001:db8::10]:8080/i.png">"#,
            &[("http://[2001:db8::10]:8080/i.png", Image)],
        ),
        (
            "duplicates listed once",
            r#"<img src="a.png"><img src="/dir/a.png"><img src="https://www.example.test/dir/a.png#x"><img srcset="a.png 2x">"#,
            &[("https://www.example.test/dir/a.png", Image)],
        ),
        (
            "ignored schemes",
            r##"<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><iframe src="about:blank"></iframe><script src="javascript:void(0)"></script><img src="blob:https://www.example.test/u"><iframe src="mailto:a@example.test"></iframe><img src="#frag"><img src=""><img src="   "><embed src="ftp://f.example.test/x">"##,
            &[],
        ),
        (
            "broken markup still parsed",
            r#"<div><img src="a.png"<p><script src=b.js></div></p><img src="c.png""#,
            &[
                ("https://www.example.test/dir/a.png", Image),
                ("https://www.example.test/dir/b.js", Script),
            ],
        ),
        (
            "unclosed comment hides the rest",
            r#"<img src="a.png"><!-- <img src="hidden.png">"#,
            &[("https://www.example.test/dir/a.png", Image)],
        ),
        (
            "template contents count",
            r#"<template><img src="t.png"></template><img src="after.png">"#,
            &[
                ("https://www.example.test/dir/t.png", Image),
                ("https://www.example.test/dir/after.png", Image),
            ],
        ),
        (
            "noscript is text when scripting is on",
            r#"<noscript><img src="pixel.gif"></noscript><body><noscript><iframe src="gtm.html"></iframe></noscript>"#,
            &[],
        ),
    ]);
}

#[test]
fn resolves_against_base_href() {
    check(&[
        (
            "absolute base",
            r#"<head><base href="https://static.example.test/v2/"><script src="app.js"></script></head>"#,
            &[("https://static.example.test/v2/app.js", Script)],
        ),
        (
            "relative base",
            r#"<base href="../assets/"><img src="i.png"><img src="/root.png">"#,
            &[
                ("https://www.example.test/assets/i.png", Image),
                ("https://www.example.test/root.png", Image),
            ],
        ),
        (
            "base applies to earlier elements too",
            r#"<img src="early.png"><base href="/b/">"#,
            &[("https://www.example.test/b/early.png", Image)],
        ),
        (
            "first base with href wins",
            r#"<base target="_blank"><base href="/first/"><base href="/second/"><img src="i.png">"#,
            &[("https://www.example.test/first/i.png", Image)],
        ),
        (
            "protocol-relative base",
            r#"<base href="//cdn.example.test/p/"><img src="i.png">"#,
            &[("https://cdn.example.test/p/i.png", Image)],
        ),
        (
            "non-http base ignored",
            r#"<base href="javascript:alert(1)"><img src="i.png">"#,
            &[("https://www.example.test/dir/i.png", Image)],
        ),
        (
            "base used for inline css",
            r#"<base href="/css-base/"><style>a{background:url(s.png)}</style><p style="background:url(p.png)">"#,
            &[
                ("https://www.example.test/css-base/s.png", CssUrl),
                ("https://www.example.test/css-base/p.png", CssUrl),
            ],
        ),
    ]);
}

#[test]
fn parses_srcset() {
    check(&[
        (
            "density descriptors",
            r#"<img srcset="s1.jpg 1x, s2.jpg 2x,s3.jpg 3x">"#,
            &[
                ("https://www.example.test/dir/s1.jpg", Image),
                ("https://www.example.test/dir/s2.jpg", Image),
                ("https://www.example.test/dir/s3.jpg", Image),
            ],
        ),
        (
            "width descriptors with sizes",
            r#"<img src="w.jpg" srcset="w-320.jpg 320w, //img.example.test/w-640.jpg?q=80&amp;f=webp 640w" sizes="(max-width: 600px) 100vw, 50vw">"#,
            &[
                ("https://www.example.test/dir/w.jpg", Image),
                ("https://www.example.test/dir/w-320.jpg", Image),
                ("https://img.example.test/w-640.jpg?q=80&f=webp", Image),
            ],
        ),
        (
            "commas inside urls",
            r#"<img srcset="/i/a,b.jpg 1x, /i/c.jpg 2x">"#,
            &[
                ("https://www.example.test/i/a,b.jpg", Image),
                ("https://www.example.test/i/c.jpg", Image),
            ],
        ),
        (
            "picture sources",
            r#"<picture><source type="image/avif" srcset="p.avif 1x, p2.avif 2x"><source media="(min-width: 800px)" srcset="p.webp"><img src="p.jpg"></picture>"#,
            &[
                ("https://www.example.test/dir/p.avif", Image),
                ("https://www.example.test/dir/p2.avif", Image),
                ("https://www.example.test/dir/p.webp", Image),
                ("https://www.example.test/dir/p.jpg", Image),
            ],
        ),
        (
            "source srcset outside picture ignored",
            r#"<video><source srcset="no.jpg"><source src="v.webm"></video>"#,
            &[("https://www.example.test/dir/v.webm", Media)],
        ),
        (
            "data candidates ignored",
            r#"<img srcset="data:image/png;base64,AAA= 1x, real.png 2x">"#,
            &[("https://www.example.test/dir/real.png", Image)],
        ),
    ]);
}

#[test]
fn reads_meta_refresh() {
    check(&[
        (
            "lowercase",
            r#"<meta http-equiv="refresh" content="0; url=/next">"#,
            &[("https://www.example.test/next", Refresh)],
        ),
        (
            "URL with quotes",
            r#"<meta http-equiv="Refresh" content="5;URL='https://www.example.test/moved?a=1&amp;b=2'">"#,
            &[("https://www.example.test/moved?a=1&b=2", Refresh)],
        ),
        (
            "double quotes inside single-quoted attribute",
            r#"<META HTTP-EQUIV=REFRESH CONTENT='3; url="other.html"'>"#,
            &[("https://www.example.test/dir/other.html", Refresh)],
        ),
        (
            "no url is a reload",
            r#"<meta http-equiv="refresh" content="30">"#,
            &[],
        ),
        (
            "malformed ignored",
            r#"<meta http-equiv="refresh" content="soon; url=/x">"#,
            &[],
        ),
        (
            "other http-equiv ignored",
            r#"<meta http-equiv="content-type" content="0; url=/x"><meta name="refresh" content="0; url=/y">"#,
            &[],
        ),
    ]);
}

#[test]
fn runs_inline_css() {
    check(&[
        (
            "style element",
            "<style>@import url(/i.css);@font-face{src:url(/f.woff2) format('woff2')}body{background:url(\"bg.png\")}</style>",
            &[
                ("https://www.example.test/i.css", CssImport),
                ("https://www.example.test/f.woff2", Font),
                ("https://www.example.test/dir/bg.png", CssUrl),
            ],
        ),
        (
            "style attribute",
            r#"<div style="background-image:url('hero.jpg')"></div><span STYLE=background:url(s.png)></span>"#,
            &[
                ("https://www.example.test/dir/hero.jpg", CssUrl),
                ("https://www.example.test/dir/s.png", CssUrl),
            ],
        ),
        (
            "entities in style attribute decoded",
            r#"<div style="background:url(&quot;q.png?a=1&amp;b=2&quot;)"></div>"#,
            &[("https://www.example.test/dir/q.png?a=1&b=2", CssUrl)],
        ),
        (
            "entities in style element are literal",
            "<style>a{background:url(x.png?a=1&amp;b=2)}</style>",
            &[("https://www.example.test/dir/x.png?a=1&amp;b=2", CssUrl)],
        ),
        (
            "no import from a style attribute",
            r#"<p style="@import 'x.css'; background:url(ok.png)">"#,
            &[("https://www.example.test/dir/ok.png", CssUrl)],
        ),
        (
            "data url in style",
            r#"<div style="background:url(data:image/svg+xml;base64,PHN2Zz4=)"></div>"#,
            &[],
        ),
    ]);
}

#[test]
fn records_sources() {
    let page = Url::parse(PAGE).expect("page URL");
    let html = r#"<img srcset="a.png 1x"><link rel=icon href=i.ico><meta http-equiv=refresh content="0;url=r"><style>a{background:url(s.png)}</style><p style="background:url(p.png)">"#;
    let got: Vec<Source> = extract(html, &page, &Limits::DEFAULT)
        .dependencies
        .into_iter()
        .map(|d| d.source)
        .collect();
    let want = [
        Source::Attribute {
            element: "img",
            attribute: "srcset",
        },
        Source::Attribute {
            element: "link",
            attribute: "href",
        },
        Source::MetaRefresh,
        Source::StyleElement,
        Source::StyleAttribute,
    ];
    assert_eq!(got, want);
}

#[test]
fn caps_and_truncation() {
    let many: String = (0..50).map(|i| format!("<img src=i{i}.png>")).collect();
    let sheets: String = (0..30)
        .map(|i| format!("<link rel=stylesheet href=s{i}.css>"))
        .collect();
    let mixed = format!("{sheets}{many}");
    let attributes: String = (0..300).map(|i| format!(" data-a{i}=1")).collect();
    let crowded = format!("<img src=before.png><p{attributes}><img src=after.png>");
    // (name, html, limits, expected count, expected stylesheets, expected truncated)
    let cases: &[(&str, &str, Limits, usize, usize, bool)] = &[
        ("under the caps", &many, Limits::DEFAULT, 50, 0, false),
        (
            "tag crowded with attributes",
            &crowded,
            Limits::DEFAULT,
            1,
            0,
            true,
        ),
        (
            "dependency cap",
            &many,
            Limits {
                max_dependencies: 7,
                ..Limits::DEFAULT
            },
            7,
            0,
            true,
        ),
        ("stylesheet cap", &sheets, Limits::DEFAULT, 20, 20, true),
        (
            "stylesheet cap leaves room for others",
            &mixed,
            Limits {
                max_stylesheets: 3,
                ..Limits::DEFAULT
            },
            53,
            3,
            true,
        ),
        (
            "body cap",
            &many,
            Limits {
                max_body_bytes: 40,
                ..Limits::DEFAULT
            },
            2,
            0,
            true,
        ),
        (
            "zero caps",
            &many,
            Limits {
                max_dependencies: 0,
                ..Limits::DEFAULT
            },
            0,
            0,
            true,
        ),
    ];
    let page = Url::parse(PAGE).expect("page URL");
    for (name, html, limits, want_len, want_sheets, want_truncated) in cases {
        let out = extract(html, &page, limits);
        assert_eq!(out.dependencies.len(), *want_len, "{name}");
        assert_eq!(out.stylesheets().count(), *want_sheets, "{name}");
        assert_eq!(out.truncated, *want_truncated, "{name}");
    }
}

#[test]
fn merge_keeps_dedupe_and_caps_across_sheets() {
    let page = Url::parse(PAGE).expect("page URL");
    let limits = Limits {
        max_dependencies: 4,
        ..Limits::DEFAULT
    };
    let mut page_deps = extract(
        r#"<link rel=stylesheet href=/s.css><img src=/a.png>"#,
        &page,
        &limits,
    );
    let sheet_url = Url::parse("https://www.example.test/s.css").expect("sheet URL");
    let sheet = crate::extract::css::extract(
        "a{background:url(a.png)}b{background:url(b.png)}c{background:url(c.png)}d{background:url(d.png)}",
        &sheet_url,
        &limits,
    );
    page_deps.merge(sheet, &limits);
    let got: Vec<&str> = page_deps
        .dependencies
        .iter()
        .map(|d| d.url.as_str())
        .collect();
    assert_eq!(
        got,
        [
            "https://www.example.test/s.css",
            "https://www.example.test/a.png",
            "https://www.example.test/b.png",
            "https://www.example.test/c.png",
        ]
    );
    assert!(page_deps.truncated);
}

#[test]
fn deep_nesting_does_not_overflow() {
    let divs = format!("{}<img src=deep.png>", "<div>".repeat(50_000));
    let tables = "<table><tr><td>".repeat(5_000);
    let formatting = "<b><i><a>".repeat(10_000);
    for html in [divs.as_str(), tables.as_str(), formatting.as_str()] {
        let _ = run(html, &Limits::DEFAULT);
    }
}
