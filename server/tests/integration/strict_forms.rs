//! Loose form input is refused, not repaired: invalid UTF-8, a field sent twice, a field the
//! form does not have, control characters in notes, thousands of address lines. Each post
//! gets a message that names the problem, and what is stored stays as it was.

use reqwest::StatusCode;

use crate::support::{self, TestApp, location};

impl TestApp {
    /// Posts a raw urlencoded body as the dashboard's pages would (same Origin); sign-in
    /// posts come from a browser that is not signed in yet.
    async fn post_raw(&self, path: &str, body: &'static [u8]) -> reqwest::Response {
        let client = if path == "/actions/login" {
            &self.program
        } else {
            &self.client
        };
        client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    async fn hosts(&self) -> Vec<(String, String)> {
        sqlx::query_as("SELECT name, notes FROM hosts ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn malformed_posts_are_refused_by_name_and_store_nothing() {
    let app = support::spawn().await;
    let r = app
        .post("/actions/hosts", &[("name", "nas"), ("notes", "kept")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let before = app.hosts().await;
    assert_eq!(before, [("nas".to_string(), "kept".to_string())]);
    let id: i64 = sqlx::query_scalar("SELECT id FROM hosts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let edit: &'static str = Box::leak(format!("/actions/hosts/{id}").into_boxed_str());
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "/actions/hosts",
            b"name=bad%FF%FEname",
            "field \"name\" is not valid UTF-8",
        ),
        (
            edit,
            b"name=nas&notes=caf\xe9",
            "field \"notes\" is not valid UTF-8",
        ),
        (
            "/actions/hosts",
            b"name=a&name=b",
            "field \"name\" is sent twice",
        ),
        (edit, b"name=nas&is_admin=1", "it has no field \"is_admin\""),
        (
            "/actions/settings",
            b"resolvers=&debug=1",
            "it has no field \"debug\"",
        ),
        (
            "/actions/tokens",
            b"name=t&scope=write&scope=read",
            "field \"scope\" is sent twice",
        ),
        (
            "/actions/login",
            b"username=admin&password=x&remember=1",
            "it has no field \"remember\"",
        ),
    ];
    for (path, body, want) in cases {
        let r = app.post_raw(path, body).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path} {body:?}");
        let text = r.text().await.unwrap();
        assert!(text.contains(want), "{path}: {text}");
    }
    assert_eq!(app.hosts().await, before, "nothing stored changed");
    let tokens: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(tokens, 0);
}

#[tokio::test]
async fn control_characters_and_long_lists_get_a_message_next_to_the_field() {
    let app = support::spawn().await;
    let r = app
        .post(
            "/actions/hosts",
            &[("name", "nas"), ("notes", "bell\u{7}\0")],
        )
        .await;
    assert_eq!(location(&r), "/hosts/new");
    let page = app.page("/hosts/new").await;
    assert!(
        page.contains("control character U+0007 is not allowed"),
        "{page}"
    );

    let many: String = (0..5000).map(|i| format!("2001:db8::{i:x}\n")).collect();
    let r = app
        .post("/actions/hosts", &[("name", "nas"), ("addresses", &many)])
        .await;
    assert_eq!(location(&r), "/hosts/new");
    let page = app.page("/hosts/new").await;
    assert!(
        page.contains("at most 64 lines, one item each (5000 given)"),
        "{page}"
    );
    assert!(app.hosts().await.is_empty());
    let checks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM addresses")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(checks, 0);
}

#[tokio::test]
async fn the_api_refuses_control_characters_too() {
    let app = support::spawn().await;
    let token = app.make_token("writer", "write").await;
    let r = app
        .program
        .post(format!("{}/api/v1/hosts", app.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "nas", "notes": "a\u{0}b"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("U+0000"), "{body}");
    assert!(app.hosts().await.is_empty());
}
