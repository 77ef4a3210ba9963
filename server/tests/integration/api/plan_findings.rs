//! `GET /api/v1/plan/findings`: the address-plan findings as JSON.

use super::support::spawn;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn findings_are_listed_with_code_severity_objects_and_advice() {
    let app = spawn().await;
    let token = app.make_token("reader", "read").await;
    let writer = app.make_token("writer", "write").await;
    for name in ["a", "b"] {
        let made = app
            .call(
                Some(&writer),
                Method::POST,
                "/api/v1/hosts",
                Some(json!({ "name": name, "addresses": ["2001:db8::10"] })),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED);
    }
    let r = app
        .call(Some(&token), Method::GET, "/api/v1/plan/findings", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let findings = r.json["findings"].as_array().unwrap();
    let dup = findings
        .iter()
        .find(|f| f["code"] == "duplicate_address")
        .unwrap_or_else(|| panic!("{}", r.json));
    assert_eq!(dup["severity"], "problem");
    assert_eq!(dup["subject"], "2001:db8::10");
    assert_eq!(dup["objects"].as_array().unwrap().len(), 2);
    assert_eq!(dup["objects"][0]["kind"], "host");
    assert!(
        dup["objects"][0]["link"]
            .as_str()
            .unwrap()
            .starts_with("/hosts/")
    );
    assert!(
        dup["key"]
            .as_str()
            .unwrap()
            .starts_with("duplicate_address|")
    );
    assert!(!dup["action"].as_str().unwrap().is_empty());
    let r = app
        .call(None, Method::GET, "/api/v1/plan/findings", None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "a token is needed");
}
