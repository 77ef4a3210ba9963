//! Tokens: made on the page, shown once, stored only as a hash; who may call the API.

use super::support::{location, shown_token, spawn};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_token_is_shown_once_after_creating_it_and_never_again() {
    let app = spawn().await;
    let token = app.make_token("backup script", "write").await;
    assert!(token.len() > 60, "a long random token: {token}");

    for path in ["/tokens", "/", "/hosts", "/tokens/1/revoke"] {
        let html = app.page(path).await;
        assert!(!html.contains(&token), "{path} shows the token again");
    }
    let listed = app.page("/tokens").await;
    assert!(listed.contains("backup script") && listed.contains("write"));
    assert!(listed.contains(">never</td>"), "not used yet");

    // Only a hash is stored.
    let stored: Vec<(String, String)> = sqlx::query_as("SELECT name, token_hash FROM api_tokens")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].1.contains(&token[4..]));

    let r = app
        .call(Some(&token), Method::GET, "/api/v1/hosts", None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json, json!({ "hosts": [] }));
    assert!(
        !app.page("/tokens").await.contains(">never</td>"),
        "last use is shown"
    );
}

#[tokio::test]
async fn the_token_form_needs_a_session_and_rejects_bad_input_keeping_it() {
    let app = spawn().await;
    let r = app
        .post("/actions/tokens", &[("name", ""), ("scope", "admin")])
        .await;
    assert_eq!(location(&r), "/tokens");
    let html = app.page("/tokens").await;
    assert!(html.contains("enter a name"));
    assert!(html.contains("choose one of the listed options"));
    assert!(shown_token(&html).is_none());
    assert_eq!(app.count("api_tokens").await, 0);

    // Another site cannot make a token for the signed-in user.
    let r = app
        .client
        .post(format!("{}/actions/tokens", app.base))
        .header("origin", "http://evil.example.test")
        .form(&[("name", "x"), ("scope", "write")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Nor can anyone without a session.
    let r = app
        .program
        .post(format!("{}/actions/tokens", app.base))
        .header("origin", &app.base)
        .form(&[("name", "x"), ("scope", "write")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("api_tokens").await, 0);
}

#[tokio::test]
async fn no_token_an_unknown_one_or_a_revoked_one_gets_401() {
    let app = spawn().await;
    let token = app.make_token("ci", "read").await;
    assert_eq!(
        app.call(Some(&token), Method::GET, "/api/v1/prefixes", None)
            .await
            .status,
        StatusCode::OK
    );
    for bad in [None, Some("v6w_0000"), Some("")] {
        let r = app.call(bad, Method::GET, "/api/v1/prefixes", None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{bad:?}");
        assert!(r.json["error"].is_string());
    }

    let id: i64 = sqlx::query_scalar("SELECT id FROM api_tokens")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let confirm = app.page(&format!("/tokens/{id}/revoke")).await;
    assert!(confirm.contains("token ci") && confirm.contains("Revoke"));
    assert!(!confirm.contains("Delete"));
    let r = app.post(&format!("/actions/tokens/{id}/revoke"), &[]).await;
    assert_eq!(location(&r), "/tokens");
    let r = app
        .call(Some(&token), Method::GET, "/api/v1/prefixes", None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json["error"], "unknown or revoked token");
    assert!(
        app.page("/tokens").await.contains("No tokens yet."),
        "revoked tokens leave the list"
    );
}

#[tokio::test]
async fn a_read_token_can_read_but_not_write() {
    let app = spawn().await;
    let writer = app.make_token("writer", "write").await;
    let reader = app.make_token("reader", "read").await;
    let host = json!({ "name": "nas", "addresses": ["2001:db8::10"] });
    let r = app
        .call(
            Some(&reader),
            Method::POST,
            "/api/v1/hosts",
            Some(host.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("hosts").await, 0);

    let made = app
        .call(Some(&writer), Method::POST, "/api/v1/hosts", Some(host))
        .await;
    assert_eq!(made.status, StatusCode::CREATED);
    let path = format!("/api/v1/hosts/{}", made.json["id"]);
    let r = app
        .call(
            Some(&reader),
            Method::PUT,
            &path,
            Some(json!({ "name": "renamed" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.call(Some(&reader), Method::DELETE, &path, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = app.call(Some(&reader), Method::GET, &path, None).await;
    assert_eq!(
        (r.status, r.json["name"].as_str()),
        (StatusCode::OK, Some("nas"))
    );
}

#[tokio::test]
async fn a_signed_in_browser_without_a_token_cannot_use_the_api() {
    let app = spawn().await;
    app.make_token("exists", "write").await;
    // The browser holds a valid session cookie and sends a same-origin request.
    let r = app
        .client
        .post(format!("{}/api/v1/hosts", app.base))
        .header("origin", &app.base)
        .json(&json!({ "name": "planted" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .client
        .get(format!("{}/api/v1/hosts", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("hosts").await, 0);
}
