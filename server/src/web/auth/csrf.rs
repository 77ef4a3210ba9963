//! Cross-site request forgery defence for every state-changing request: the browser must
//! say the request comes from this very origin (Origin, else Referer), and
//! `Sec-Fetch-Site: cross-site` is always refused. The scheme counts too: an `https://` page
//! of the same name is another origin unless v6watch is served over TLS. The session cookie is also SameSite=Strict.

use crate::web::host::Site;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Whether the request says it comes from this dashboard's own origin: scheme, host and
/// port, as [`Site::same_origin`] compares them with the request's `Host`.
pub fn same_origin(headers: &HeaderMap, site: &Site) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if text("sec-fetch-site") == Some("cross-site") {
        return false;
    }
    let Some(host) = text(header::HOST.as_str()) else {
        return false;
    };
    match text(header::ORIGIN.as_str()).or_else(|| text(header::REFERER.as_str())) {
        Some(source) => site.same_origin(source, host),
        None => false,
    }
}

pub async fn reject_cross_site(
    State(site): State<Arc<Site>>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // The JSON API ignores cookies and takes only `Authorization: Bearer`, which another
    // site's page cannot send without a CORS preflight that v6watch never grants.
    if safe
        || crate::web::api::is_api(request.uri().path())
        || same_origin(request.headers(), &site)
    {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site or origin-less state-changing request");
        (
            StatusCode::FORBIDDEN,
            "Refused: this request did not come from the v6watch dashboard itself.",
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn only_same_origin_requests_pass() {
        let cases = [
            (
                vec![("host", "[::1]:3000"), ("origin", "http://[::1]:3000")],
                true,
            ),
            (
                vec![
                    ("host", "dash.lab.test"),
                    ("referer", "http://dash.lab.test/hosts/new"),
                ],
                true,
            ),
            (
                vec![
                    ("host", "dash.lab.test"),
                    ("origin", "https://evil.example.test"),
                ],
                false,
            ),
            (vec![("host", "dash.lab.test"), ("origin", "null")], false),
            (vec![("host", "dash.lab.test")], false),
            (
                vec![
                    ("host", "dash.lab.test"),
                    ("origin", "https://dash.lab.test"),
                    ("sec-fetch-site", "cross-site"),
                ],
                false,
            ),
            (
                vec![
                    ("host", "dash.lab.test:80"),
                    ("origin", "http://dash.lab.test"),
                ],
                false,
            ),
            (
                vec![
                    ("host", "dash.lab.test"),
                    ("origin", "https://dash.lab.test"),
                ],
                false,
            ),
        ];
        let site = Site::default();
        for (pairs, want) in cases {
            assert_eq!(same_origin(&headers(&pairs), &site), want, "{pairs:?}");
        }
    }
}
