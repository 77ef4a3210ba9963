//! Builds the site into the binary when `V6WATCH_EMBED_SITE` names a built site directory
//! (`scripts/build.sh` sets it for the release build): every file with its hashed name and
//! its brotli and gzip variants, made here once, included by `web::assets`. Without it the
//! bundle is empty and `serve` wants `--site-root`.

#[path = "src/web/assets/bundle.rs"]
#[allow(dead_code)]
mod bundle;

use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=V6WATCH_EMBED_SITE");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut code = String::from("&[\n");
    if let Some(site) = std::env::var_os("V6WATCH_EMBED_SITE").filter(|s| !s.is_empty()) {
        // A relative path is read from the workspace root, where scripts/build.sh runs.
        let manifest =
            PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
        let root = manifest.join("..").join(site);
        println!("cargo:rerun-if-changed={}", root.display());
        let files = bundle::read_site(&root).unwrap_or_else(|err| {
            panic!("reading the site to build in ({}): {err}", root.display())
        });
        for needed in ["pkg/v6watch.js", "pkg/v6watch.wasm", "pkg/v6watch.css"] {
            if !files.iter().any(|f| f.source == needed) {
                panic!(
                    "{} has no {needed}: build the site first (scripts/build.sh)",
                    root.display()
                );
            }
        }
        for (i, file) in files.iter().enumerate() {
            println!(
                "cargo:rerun-if-changed={}",
                root.join(&*file.source).display()
            );
            let write = |suffix: &str, bytes: &[u8]| {
                let path = out.join(format!("site-{i}{suffix}"));
                std::fs::write(&path, bytes).expect("writing to OUT_DIR");
                format!(
                    "std::borrow::Cow::Borrowed(include_bytes!({:?}))",
                    path.display().to_string()
                )
            };
            let body = write("", &file.body);
            let variant = |suffix: &str, bytes: Option<&[u8]>| {
                bytes.map_or("None".to_string(), |b| {
                    format!("Some({})", write(suffix, b))
                })
            };
            let brotli = variant(".br", file.brotli.as_deref());
            let gzip = variant(".gz", file.gzip.as_deref());
            writeln!(
                code,
                "    SiteFile {{ path: std::borrow::Cow::Borrowed({:?}), source: std::borrow::Cow::Borrowed({:?}), \
                 content_type: {:?}, body: {body}, brotli: {brotli}, gzip: {gzip} }},",
                file.path, file.source, file.content_type
            )
            .expect("writing to a String");
        }
    }
    code.push(']');
    std::fs::write(out.join("site.rs"), code).expect("writing to OUT_DIR");
}
