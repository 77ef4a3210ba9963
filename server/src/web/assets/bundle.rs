//! The site's files as a built-in bundle: each script, stylesheet and wasm file under a name
//! that carries a hash of its content (so a browser may keep it for a year), with brotli and
//! gzip variants made once. `build.rs` includes this file to make the bundle at build time;
//! it uses nothing of the crate around it.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

/// One file of the bundle.
#[derive(Debug, Clone)]
pub struct SiteFile {
    /// The path it is served at, without the leading slash (`pkg/v6watch.0123456789abcdef.js`).
    pub path: Cow<'static, str>,
    /// The path it has in the built site (`pkg/v6watch.js`), which pages are written with.
    pub source: Cow<'static, str>,
    pub content_type: &'static str,
    pub body: Cow<'static, [u8]>,
    pub brotli: Option<Cow<'static, [u8]>>,
    pub gzip: Option<Cow<'static, [u8]>>,
}

impl SiteFile {
    /// A file under a hashed name never changes: it may be cached for good.
    pub fn immutable(&self) -> bool {
        self.path != self.source
    }

    /// Makes the served file from one of the built site: hashed name, compressed variants.
    pub fn make(source: &str, body: Vec<u8>) -> std::io::Result<SiteFile> {
        let content_type = content_type(source);
        let (brotli, gzip) = if compressible(content_type) {
            let smaller = |packed: Vec<u8>| (packed.len() < body.len()).then(|| packed.into());
            (smaller(brotli(&body)?), smaller(gzip(&body)?))
        } else {
            (None, None)
        };
        Ok(SiteFile {
            path: served_path(source, &body).into(),
            source: source.to_string().into(),
            content_type,
            body: body.into(),
            brotli,
            gzip,
        })
    }
}

/// Every file under `root` (the built site), in a stable order.
pub fn read_site(root: &Path) -> std::io::Result<Vec<SiteFile>> {
    let mut sources = Vec::new();
    collect(root, root, &mut sources)?;
    sources.sort();
    sources
        .into_iter()
        .map(|source| {
            let body = std::fs::read(root.join(&source))?;
            SiteFile::make(&source, body)
        })
        .collect()
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(root, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            let relative = relative.to_string_lossy().replace('\\', "/");
            out.push(relative);
        }
    }
    Ok(())
}

/// Files under `pkg/` are named by the pages v6watch renders, so they can carry a hash;
/// the others (favicon, robots.txt) are asked for by their fixed names.
pub fn served_path(source: &str, body: &[u8]) -> String {
    if !source.starts_with("pkg/") {
        return source.to_string();
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(body);
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let file_start = source.rfind('/').map_or(0, |slash| slash + 1);
    match source[file_start..].find('.') {
        Some(dot) => {
            let (stem, extension) = source.split_at(file_start + dot);
            format!("{stem}.{hash}{extension}")
        }
        None => format!("{source}.{hash}"),
    }
}

pub fn content_type(source: &str) -> &'static str {
    match source.rsplit('.').next().unwrap_or_default() {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Images and fonts in formats that are already compressed gain nothing from brotli.
fn compressible(content_type: &str) -> bool {
    !matches!(content_type, "image/png" | "font/woff2")
}

fn brotli(body: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut packed = Vec::new();
    {
        // Quality 11 (the best) with a 4 MiB window: made once, served many times.
        let mut writer = brotli::CompressorWriter::new(&mut packed, 64 * 1024, 11, 22);
        writer.write_all(body)?;
        writer.flush()?;
    }
    Ok(packed)
}

fn gzip(body: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut writer = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    writer.write_all(body)?;
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_under_pkg_get_their_contents_hash_before_the_extension() {
        let js = served_path("pkg/v6watch.js", b"a");
        assert!(
            js.starts_with("pkg/v6watch.") && js.ends_with(".js"),
            "{js}"
        );
        assert_eq!(js.len(), "pkg/v6watch..js".len() + 16);
        assert_ne!(
            js,
            served_path("pkg/v6watch.js", b"b"),
            "other content, other name"
        );
        assert_eq!(served_path("favicon.svg", b"a"), "favicon.svg");
        let snippet = served_path("pkg/snippets/x-1.0/inline0.js", b"a");
        assert!(
            snippet.starts_with("pkg/snippets/x-1.0/inline0."),
            "{snippet}"
        );
    }

    #[test]
    fn variants_decompress_to_the_file_and_are_kept_only_when_smaller() {
        let text = "body { color: red }\n".repeat(200).into_bytes();
        let file = SiteFile::make("pkg/v6watch.css", text.clone()).unwrap();
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut &file.brotli.as_deref().unwrap()[..], &mut unpacked).unwrap();
        assert_eq!(unpacked, text);
        let mut unzipped = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(file.gzip.as_deref().unwrap()),
            &mut unzipped,
        )
        .unwrap();
        assert_eq!(unzipped, text);
        assert!(file.immutable());

        let tiny = SiteFile::make("robots.txt", b"x".to_vec()).unwrap();
        assert!(tiny.brotli.is_none() && tiny.gzip.is_none());
        assert!(!tiny.immutable());
    }
}
