//! Cross-site request forgery defence for every state-changing request: the browser must
//! say the request comes from this very origin (Origin, else Referer), and
//! `Sec-Fetch-Site: cross-site` is always refused. The session cookie is also SameSite=Strict.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The authority (host[:port]) of an Origin or Referer value.
fn authority(value: &str) -> Option<&str> {
    let rest = value.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

pub fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if text("sec-fetch-site") == Some("cross-site") {
        return false;
    }
    let Some(host) = text(header::HOST.as_str()) else {
        return false;
    };
    match text(header::ORIGIN.as_str()).or_else(|| text(header::REFERER.as_str())) {
        Some(source) => authority(source).is_some_and(|a| a.eq_ignore_ascii_case(host)),
        None => false,
    }
}

pub async fn reject_cross_site(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // The JSON API ignores cookies and takes only `Authorization: Bearer`, which another
    // site's page cannot send without a CORS preflight that v6watch never grants.
    if safe || crate::web::api::is_api(request.uri().path()) || same_origin(request.headers()) {
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
                    ("referer", "https://dash.lab.test/hosts/new"),
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
        ];
        for (pairs, want) in cases {
            assert_eq!(same_origin(&headers(&pairs)), want, "{pairs:?}");
        }
    }
}
