//! Request bodies: a JSON object turned into the same field → text map an inventory form
//! submits, so the forms' validation runs unchanged and names the same fields. A list becomes
//! one item per line (tags: comma-separated), a number its decimal text, null an empty field.

use super::reply::Refusal;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use model::domain::FieldErrors;
use model::domain::FormValues;
use serde_json::Value;

/// How a JSON field maps onto its form field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A string (or a number): the form's text field.
    Text,
    /// A list of strings: the form's one-per-line text area.
    Lines,
    /// A list of tags: the form's comma-separated field.
    Tags,
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

fn field_text(value: &Value, shape: Shape) -> Result<String, &'static str> {
    match (shape, value) {
        (Shape::Text, v) => scalar(v).ok_or("expected a string or a number"),
        (Shape::Lines | Shape::Tags, Value::Array(items)) => {
            let texts: Option<Vec<String>> = items.iter().map(scalar).collect();
            let texts = texts.ok_or("expected a list of strings")?;
            Ok(texts.join(if shape == Shape::Tags { ", " } else { "\n" }))
        }
        (_, Value::Null) => Ok(String::new()),
        _ => Err("expected a list of strings"),
    }
}

/// The form values a JSON request body stands for; a 400, 413, 415 or 422 answer otherwise.
pub fn form_values(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    fields: &[(&str, Shape)],
) -> Result<FormValues, Refusal> {
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Refusal::Message(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is larger than {} bytes", super::MAX_BODY_BYTES),
        ),
        status => Refusal::Message(status, "could not read the body".into()),
    })?;
    if !is_json(headers) {
        return Err(Refusal::Message(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send JSON with Content-Type: application/json".into(),
        ));
    }
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| Refusal::Message(StatusCode::BAD_REQUEST, format!("malformed JSON: {e}")))?;
    let Value::Object(object) = value else {
        return Err(Refusal::Message(
            StatusCode::BAD_REQUEST,
            "the body must be a JSON object".into(),
        ));
    };
    let mut values = FormValues::new();
    let mut errors = FieldErrors::new();
    for (name, value) in &object {
        match fields.iter().find(|(field, _)| field == name) {
            Some((_, shape)) => match field_text(value, *shape) {
                Ok(text) => {
                    values.insert(name.clone(), text);
                }
                Err(message) => errors.add(name, message),
            },
            None => errors.add(name, "unknown field"),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(Refusal::Invalid(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use axum::response::IntoResponse;

    const HOST: &[(&str, Shape)] = &[
        ("name", Shape::Text),
        ("addresses", Shape::Lines),
        ("tags", Shape::Tags),
    ];

    fn json_headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        h
    }

    fn parse(body: &str) -> Result<FormValues, StatusCode> {
        form_values(&json_headers(), Ok(Bytes::from(body.to_string())), HOST)
            .map_err(|r| r.into_response().status())
    }

    #[test]
    fn json_fields_become_the_forms_fields() {
        let values = parse(
            r#"{"name": "nas", "addresses": ["2001:db8::1", "192.0.2.1"], "tags": ["a", "b"]}"#,
        )
        .unwrap();
        assert_eq!(values["name"], "nas");
        assert_eq!(values["addresses"], "2001:db8::1\n192.0.2.1");
        assert_eq!(values["tags"], "a, b");
    }

    #[test]
    fn bad_bodies_are_refused_with_the_right_status() {
        assert_eq!(parse("{\"name\": "), Err(StatusCode::BAD_REQUEST));
        assert_eq!(parse("[1]"), Err(StatusCode::BAD_REQUEST));
        assert_eq!(
            parse(r#"{"nmae": "x"}"#),
            Err(StatusCode::UNPROCESSABLE_ENTITY)
        );
        assert_eq!(
            parse(r#"{"addresses": [{}]}"#),
            Err(StatusCode::UNPROCESSABLE_ENTITY)
        );
        let plain = form_values(&HeaderMap::new(), Ok(Bytes::from_static(b"{}")), HOST);
        assert_eq!(
            plain.map_err(|r| r.into_response().status()),
            Err(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        );
    }
}
