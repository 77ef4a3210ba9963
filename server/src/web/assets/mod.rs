//! The site's files (stylesheet, script, wasm, icons) served from the binary itself: a
//! release build made by `scripts/build.sh` carries them (see `build.rs`), under hashed
//! names, cached for a year, brotli or gzip as the browser accepts. `--site-root` serves a
//! directory instead, for development.

mod bundle;

pub use bundle::{SiteFile, read_site};

use app::assets::AssetPaths;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Arc;

/// What `build.rs` built in: empty unless the build was given a site (`V6WATCH_EMBED_SITE`).
static BUILT_IN: &[SiteFile] = include!(concat!(env!("OUT_DIR"), "/site.rs"));

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Files asked for by fixed names (favicon, robots.txt) may change with a new release.
const REVALIDATE: &str = "public, max-age=3600";

/// The files, by the path they are served at.
#[derive(Debug)]
pub struct Bundle {
    files: HashMap<String, Served>,
    paths: AssetPaths,
}

#[derive(Debug)]
struct Served {
    file: SiteFile,
    etag: HeaderValue,
}

impl Bundle {
    /// The files this binary was built with, if any.
    pub fn built_in() -> Option<Bundle> {
        (!BUILT_IN.is_empty()).then(|| Bundle::new(BUILT_IN.to_vec()))
    }

    pub fn new(files: Vec<SiteFile>) -> Bundle {
        let defaults = AssetPaths::default();
        let served_as = |source: &str, fallback: String| {
            files
                .iter()
                .find(|f| format!("/{}", f.source) == source)
                .map_or(fallback, |f| format!("/{}", f.path))
        };
        let paths = AssetPaths {
            stylesheet: served_as(&defaults.stylesheet, defaults.stylesheet.clone()),
            script: served_as(&defaults.script, defaults.script.clone()),
            wasm: served_as(&defaults.wasm, defaults.wasm.clone()),
            icon: served_as(&defaults.icon, defaults.icon.clone()),
        };
        let files = files
            .into_iter()
            .map(|file| {
                use sha2::Digest;
                let digest = sha2::Sha256::digest(&file.body);
                let tag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
                let etag = HeaderValue::from_str(&format!("\"{tag}\"")).expect("hex is a header");
                (format!("/{}", file.path), Served { file, etag })
            })
            .collect();
        Bundle { files, paths }
    }

    /// The names pages link to.
    pub fn paths(&self) -> &AssetPaths {
        &self.paths
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The answer for one request of a file, in the best encoding the client accepts.
    fn answer(&self, served: &Served, method: &Method, headers: &HeaderMap) -> Response {
        let file = &served.file;
        let cache = if file.immutable() {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        let mut response = Response::builder()
            .header(header::CONTENT_TYPE, file.content_type)
            .header(header::CACHE_CONTROL, cache)
            .header(header::ETAG, served.etag.clone());
        if file.brotli.is_some() || file.gzip.is_some() {
            response = response.header(header::VARY, "accept-encoding");
        }
        let not_modified = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| {
                tags.split(',')
                    .any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == served.etag)
            });
        if not_modified {
            return response
                .status(StatusCode::NOT_MODIFIED)
                .body(Body::empty())
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
        let accepted = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        let (encoding, body) = match (&file.brotli, &file.gzip) {
            (Some(br), _) if accepts(&accepted, "br") => (Some("br"), br),
            (_, Some(gz)) if accepts(&accepted, "gzip") => (Some("gzip"), gz),
            _ => (None, &file.body),
        };
        if let Some(encoding) = encoding {
            response = response.header(header::CONTENT_ENCODING, encoding);
        }
        let body = body.clone();
        let length = body.len();
        let body = if method == Method::HEAD {
            Body::empty()
        } else {
            Body::from(bytes_of(body))
        };
        response
            .header(header::CONTENT_LENGTH, length)
            .body(body)
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }
}

fn bytes_of(body: std::borrow::Cow<'static, [u8]>) -> axum::body::Bytes {
    match body {
        std::borrow::Cow::Borrowed(bytes) => axum::body::Bytes::from_static(bytes),
        std::borrow::Cow::Owned(bytes) => axum::body::Bytes::from(bytes),
    }
}

/// Whether an `Accept-Encoding` list admits `coding` (`br;q=0` refuses it).
fn accepts(list: &str, coding: &str) -> bool {
    list.split(',').any(|entry| {
        let mut parts = entry.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let refused = parts.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        name.eq_ignore_ascii_case(coding) && !refused
    })
}

/// Answers GET and HEAD requests for a file of the bundle; everything else goes on.
pub async fn serve_files(
    State(bundle): State<Arc<Bundle>>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    if (method == Method::GET || method == Method::HEAD)
        && let Some(served) = bundle.files.get(request.uri().path())
    {
        return bundle.answer(served, &method, request.headers());
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::accepts;

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip;q=1.0, br;q=0.5", "br"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(!accepts("gzip", "br"));
        assert!(!accepts("", "gzip"));
        assert!(accepts("BR", "br"));
    }
}
