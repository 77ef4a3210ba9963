//! The inventory as a file over the API: export with a read token, apply (and its dry run)
//! with a write token; a bad or oversized file is refused and changes nothing.

use super::support::{TestApp, answer, spawn};
use reqwest::StatusCode;

async fn post_file(
    app: &TestApp,
    token: &str,
    query: &str,
    body: Vec<u8>,
) -> super::support::Answer {
    let r = app
        .program
        .post(format!("{}/api/v1/apply{query}", app.base))
        .bearer_auth(token)
        .header("content-type", "application/yaml")
        .body(body)
        .send()
        .await
        .unwrap();
    answer(r).await
}

const FILE: &str = "v6watch: 1
prefixes:
- cidr: 2001:db8:1::/48
  purpose: lab
hosts:
- name: pi
  dns_name: pi.lab.test
  addresses: [2001:db8:1::10, 192.0.2.10]
  tags: [lab]
containers:
- host: pi
  name: web
  runtime: lxc
  network_mode: bridged
  addresses: [2001:db8:1::80]
";

#[tokio::test]
async fn export_and_apply_over_the_api_with_their_scopes() {
    let app = spawn().await;
    let reader = app.make_token("reader", "read").await;
    let writer = app.make_token("writer", "write").await;

    let r = post_file(&app, &reader, "", FILE.into()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.json);

    let r = post_file(&app, &writer, "?dry_run=1", FILE.into()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(
        (r.json["create"].as_i64(), r.json["applied"].as_bool()),
        (Some(3), Some(false))
    );
    assert_eq!(app.count("hosts").await, 0, "a dry run changes nothing");

    let r = post_file(&app, &writer, "", FILE.into()).await;
    assert_eq!(
        (r.status, r.json["applied"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{}",
        r.json
    );
    assert_eq!(
        (app.count("hosts").await, app.count("containers").await),
        (1, 1)
    );

    let exported = app
        .program
        .get(format!("{}/api/v1/export?format=yaml", app.base))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap();
    assert_eq!(exported.status(), StatusCode::OK);
    let yaml = exported.text().await.unwrap();
    assert!(yaml.contains("name: pi"), "{yaml}");
    let r = post_file(&app, &writer, "?prune=1", yaml.into()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(
        (
            r.json["create"].as_i64(),
            r.json["update"].as_i64(),
            r.json["delete"].as_i64()
        ),
        (Some(0), Some(0), Some(0)),
        "export then apply is a no-op: {}",
        r.json
    );

    let json = app
        .program
        .get(format!("{}/api/v1/export", app.base))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(json["hosts"][0]["addresses"][0], "2001:db8:1::10");

    let unauthenticated = app
        .program
        .get(format!("{}/api/v1/export", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_bad_or_oversized_file_is_refused_and_changes_nothing() {
    let app = spawn().await;
    let writer = app.make_token("writer", "write").await;
    let bad = FILE.replace("2001:db8:1::80", "2001:db8::zz");
    let r = post_file(&app, &writer, "", bad.into()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    let message = r.json["error"].as_str().unwrap();
    assert!(
        message.starts_with("body: containers[0] (pi/web): addresses: line 1: '2001:db8::zz'"),
        "{message}"
    );
    assert_eq!(
        (app.count("hosts").await, app.count("prefixes").await),
        (0, 0)
    );

    let r = post_file(&app, &writer, "", vec![b' '; 10 * 1024 * 1024]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.json);
    assert!(r.json["error"].as_str().unwrap().contains("4 MiB"));
    assert_eq!(app.count("hosts").await, 0);
}

#[tokio::test]
async fn an_api_token_cannot_change_channels_nor_make_the_server_read_its_environment() {
    let app = spawn().await;
    let writer = app.make_token("writer", "write").await;
    // PATH is set in every server's environment: a request must not reach it.
    let by_env =
        "v6watch: 1\nchannels:\n  - {name: ops, kind: webhook, enabled: true, url_env: PATH}\n";
    let r = post_file(&app, &writer, "", by_env.into()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    let message = r.json["error"].as_str().unwrap();
    assert!(message.contains("command line only"), "{message}");

    // A channel makes the server post anywhere: it is the admin's, not a token's.
    let inline = "v6watch: 1\nchannels:\n  - {name: ops, kind: webhook, enabled: true, \
                  url: 'https://hooks.home.example/t/0ps-token'}\n";
    let r = post_file(&app, &writer, "?dry_run=1", inline.into()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    let message = r.json["error"].as_str().unwrap();
    assert!(
        message.contains("channels (ops): would create a channel")
            && !message.contains("0ps-token"),
        "{message}"
    );
    assert_eq!(app.count("channels").await, 0);
}
