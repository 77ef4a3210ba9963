//! Form posts read strictly: a field that is not valid UTF-8, a field sent twice, or a field
//! the form does not have is refused with a 400 that names it, instead of being repaired
//! (U+FFFD), overwritten or ignored. Browsers never send such posts: a hand-made one learns
//! what is wrong, and nothing is stored. The JSON API refuses the same things.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use model::domain::FormValues;
use model::domain::form::parse_urlencoded;

/// Why a post was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormRefusal(pub String);

impl IntoResponse for FormRefusal {
    fn into_response(self) -> Response {
        (
            StatusCode::BAD_REQUEST,
            format!("This form post was refused: {}.", self.0),
        )
            .into_response()
    }
}

/// A form body, every field valid UTF-8 and sent once. Check its field names with [`only`].
pub struct StrictForm(pub FormValues);

impl<S: Send + Sync> FromRequest<S> for StrictForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase());
        if content_type.as_deref() != Some("application/x-www-form-urlencoded") {
            return Err((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the form as application/x-www-form-urlencoded",
            )
                .into_response());
        }
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        parse(&body)
            .map(StrictForm)
            .map_err(IntoResponse::into_response)
    }
}

impl StrictForm {
    /// The values, if every field is one of `fields`.
    pub fn only(self, fields: &[&str]) -> Result<FormValues, FormRefusal> {
        match self.0.keys().find(|name| !fields.contains(&name.as_str())) {
            Some(name) => Err(FormRefusal(format!(
                "it has no field {:?} (it has {})",
                name,
                fields.join(", ")
            ))),
            None => Ok(self.0),
        }
    }
}

/// Parse `application/x-www-form-urlencoded` without repairing anything (the one decoder,
/// shared with the fuzz target in `model`).
pub fn parse(body: &[u8]) -> Result<FormValues, FormRefusal> {
    parse_urlencoded(body).map_err(FormRefusal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_posts_decode_as_browsers_send_them() {
        let values = parse(b"name=nas+1&notes=caf%C3%A9%0D%0Aline+2&empty=&bare").unwrap();
        assert_eq!(values["name"], "nas 1");
        assert_eq!(values["notes"], "caf\u{e9}\r\nline 2");
        assert_eq!(values["empty"], "");
        assert_eq!(values["bare"], "");
        assert_eq!(parse(b"").unwrap().len(), 0);
        assert_eq!(parse(b"a=%2B").unwrap()["a"], "+");
    }

    #[test]
    fn broken_posts_are_refused_by_name() {
        let cases: &[(&[u8], &str)] = &[
            (b"name=%FF%FE", "field \"name\" is not valid UTF-8"),
            (
                b"notes=ok&name=\xc3\x28",
                "field \"name\" is not valid UTF-8",
            ),
            (b"%C0%AF=x", "a field name is not valid UTF-8"),
            (b"name=a&name=b", "field \"name\" is sent twice"),
        ];
        for (body, want) in cases {
            let refusal = parse(body).unwrap_err();
            assert_eq!(refusal.0, *want, "{body:?}");
        }
    }

    #[test]
    fn only_the_forms_fields_pass() {
        let form = StrictForm(parse(b"name=a&admin=1").unwrap());
        let refusal = form.only(&["name", "notes"]).unwrap_err();
        assert!(refusal.0.contains("no field \"admin\""), "{}", refusal.0);
        let form = StrictForm(parse(b"name=a").unwrap());
        assert_eq!(form.only(&["name", "notes"]).unwrap()["name"], "a");
    }
}
