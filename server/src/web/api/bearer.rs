//! API tokens: long random values handed out once; only their SHA-256 is stored. Every API
//! request must carry one as `Authorization: Bearer <token>`; a read token may only read.

use super::reply::error;
use crate::scheduler::unix_ms;
use crate::web::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt::Write;
use store::api_tokens;

/// Every token starts with this, so it is recognisable in a leaked file or log.
const TOKEN_PREFIX: &str = "v6w_";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// A new token: 32 bytes from the operating system's generator, in hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex(&bytes))
}

/// What is stored and looked up: the token's SHA-256 in hex.
pub fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn presented(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn unauthorized(message: &str) -> Response {
    let mut response = error(StatusCode::UNAUTHORIZED, message);
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// Lets a request through only with a working token, and writes only with a write token.
pub async fn require_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(token) = presented(request.headers()) else {
        return unauthorized("send Authorization: Bearer <token>; tokens are made on /tokens");
    };
    let bearer = match api_tokens::authenticate(&state.pool, &hash(token), unix_ms()).await {
        Ok(Some(bearer)) => bearer,
        Ok(None) => return unauthorized("unknown or revoked token"),
        Err(err) => {
            tracing::error!(error = %err, "cannot check an API token");
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the database is not available",
            );
        }
    };
    let reads = matches!(*request.method(), Method::GET | Method::HEAD);
    if !reads && bearer.scope != "write" {
        return error(StatusCode::FORBIDDEN, "this token may only read");
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_only_their_hash_is_kept() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(!hash(&a).contains(&a[TOKEN_PREFIX.len()..]));
    }

    #[test]
    fn only_a_bearer_authorization_presents_a_token() {
        let with = |value: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
            presented(&h).map(str::to_string)
        };
        assert_eq!(with("Bearer v6w_x").as_deref(), Some("v6w_x"));
        assert_eq!(with("bearer  v6w_x ").as_deref(), Some("v6w_x"));
        assert_eq!(with("Basic dXNlcjpwYXNz"), None);
        assert_eq!(with("Bearer "), None);
        assert_eq!(presented(&HeaderMap::new()), None);
    }
}
