//! The site's files as a release binary serves them (built in): pages link them by hashed
//! names, the browser may keep them for a year, and brotli or gzip comes made beforehand.

use crate::support;
use reqwest::StatusCode;
use std::io::Read;
use std::sync::Arc;
use v6watch::web::Wiring;
use v6watch::web::assets::{Bundle, read_site};

fn write(root: &std::path::Path, path: &str, body: &[u8]) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, body).unwrap();
}

/// The path a page links for a file of the built site (`/pkg/v6watch.<hash>.js`).
fn linked(page: &str, stem: &str, extension: &str) -> String {
    let prefix = format!("\"/pkg/{stem}.");
    let path = page
        .match_indices(&prefix)
        .map(|(at, _)| {
            let rest = &page[at + 1..];
            &rest[..rest.find('"').unwrap()]
        })
        .find(|path| path.ends_with(extension))
        .unwrap_or_else(|| panic!("no link to {stem}.*{extension} in the page"));
    assert_ne!(
        path,
        format!("/pkg/{stem}{extension}"),
        "the name carries a hash"
    );
    path.to_string()
}

#[tokio::test]
async fn built_in_files_are_linked_by_hashed_name_cached_for_good_and_sent_precompressed() {
    let site = tempfile::tempdir().unwrap();
    let script = "export function hydrate() {}\n".repeat(100).into_bytes();
    let stylesheet = "main { margin: 0 auto; }\n".repeat(100).into_bytes();
    let wasm = [b"\0asm\x01\0\0\0".as_slice(), &[7u8; 4000]].concat();
    write(site.path(), "pkg/v6watch.js", &script);
    write(site.path(), "pkg/v6watch.css", &stylesheet);
    write(site.path(), "pkg/v6watch.wasm", &wasm);
    write(
        site.path(),
        "favicon.svg",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let bundle = Bundle::new(read_site(site.path()).unwrap());
    let app = support::spawn_wired(Wiring {
        assets: Some(Arc::new(bundle)),
        ..Wiring::default()
    })
    .await;

    let page = app.page("/").await;
    let files = [
        (linked(&page, "v6watch", ".js"), script, "text/javascript"),
        (linked(&page, "v6watch", ".css"), stylesheet, "text/css"),
        (linked(&page, "v6watch", ".wasm"), wasm, "application/wasm"),
    ];
    assert!(
        page.contains(&format!("module_or_path: \"{}\"", files[2].0)),
        "the page loads the wasm by its hashed name"
    );

    for (path, original, content_type) in &files {
        let get = |encodings: &'static str| {
            app.program
                .get(format!("{}{path}", app.base))
                .header("accept-encoding", encodings)
                .send()
        };
        let br = get("gzip, deflate, br").await.unwrap();
        assert_eq!(br.status(), StatusCode::OK, "{path}");
        let header = |r: &reqwest::Response, name: &str| {
            r.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        assert_eq!(
            header(&br, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert!(header(&br, "content-type").starts_with(content_type));
        assert_eq!(header(&br, "content-encoding"), "br", "{path}");
        assert_eq!(header(&br, "vary"), "accept-encoding");
        let packed = br.bytes().await.unwrap();
        assert!(packed.len() < original.len());
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut &packed[..], &mut unpacked).unwrap();
        assert_eq!(&unpacked, original, "{path} decompresses to the file");

        let gz = get("gzip;q=1.0, br;q=0").await.unwrap();
        assert_eq!(header(&gz, "content-encoding"), "gzip", "br refused: gzip");
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&gz.bytes().await.unwrap()[..])
            .read_to_end(&mut unzipped)
            .unwrap();
        assert_eq!(&unzipped, original);

        let plain = get("identity").await.unwrap();
        assert_eq!(header(&plain, "content-encoding"), "");
        assert_eq!(&plain.bytes().await.unwrap()[..], &original[..]);
    }

    // The plain names are not served: the site directory is not read.
    let plain_name = app.get("/pkg/v6watch.js").await;
    assert_eq!(plain_name.status(), StatusCode::NOT_FOUND);

    // A file asked for by its fixed name is revalidated, by its entity tag.
    let icon = app
        .program
        .get(format!("{}/favicon.svg", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(icon.headers()["cache-control"], "public, max-age=3600");
    let etag = icon.headers()["etag"].clone();
    let again = app
        .program
        .get(format!("{}/favicon.svg", app.base))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(page.contains("href=\"/favicon.svg\""));
}
