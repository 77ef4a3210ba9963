//! Each webhook preset, sent by the courier to a real HTTP receiver: body shape and headers.

use super::helpers::Receiver;
use model::channels::WebhookPreset;
use serde_json::json;
use store::channels::{Destination, Route};
use store::deliveries::Notification;
use v6watch::delivery::{Courier, DispatchSettings};

fn alert() -> Notification {
    Notification {
        id: 41,
        incident_id: Some(12),
        at: 1_764_120_000_000,
        kind: "opened".into(),
        severity: "critical".into(),
        subject_kind: "service".into(),
        subject_id: 3,
        title: "cloud is unreachable over IPv6".into(),
        body: "Before: reachable\nNow: no route to 2001:db8::5".into(),
        path: "/alerts/12".into(),
        details: r#"{"reason":"no_route","address":"2001:db8::5"}"#.into(),
    }
}

fn courier() -> Courier {
    Courier::new(DispatchSettings {
        public_url: Some("https://v6watch.example.test/".parse().unwrap()),
        ..DispatchSettings::default()
    })
}

fn webhook(
    preset: WebhookPreset,
    url: &str,
    secret: Option<&str>,
    header: Option<&str>,
) -> Destination {
    Destination {
        id: 1,
        name: "hook".into(),
        route: Route::Webhook {
            preset,
            url: url.into(),
            secret: secret.map(str::to_string),
            secret_header: header.map(str::to_string),
        },
    }
}

#[tokio::test]
async fn the_generic_body_is_the_documented_json_with_a_bearer_secret() {
    let receiver = Receiver::start().await;
    let destination = webhook(
        WebhookPreset::Generic,
        &receiver.url,
        Some("tk_generic"),
        None,
    );
    let answer = courier().send(&destination, &alert()).await.unwrap();
    assert_eq!(answer.code, Some(200));
    let got = receiver.wait_for(1).await.remove(0);
    assert_eq!(got.path, "/hook");
    assert_eq!(got.header("content-type"), Some("application/json"));
    assert_eq!(got.header("authorization"), Some("Bearer tk_generic"));
    assert_eq!(
        got.json(),
        json!({
            "v6watch": 1,
            "id": 41,
            "incident_id": 12,
            "kind": "opened",
            "severity": "critical",
            "title": "cloud is unreachable over IPv6",
            "body": "Before: reachable\nNow: no route to 2001:db8::5",
            "subject": {"kind": "service", "id": 3},
            "url": "https://v6watch.example.test/alerts/12",
            "at": "2025-11-26T01:20:00.000Z",
            "at_ms": 1_764_120_000_000_i64,
            "details": {"reason": "no_route", "address": "2001:db8::5"},
        })
    );
}

#[tokio::test]
async fn a_named_secret_header_carries_the_secret_as_is() {
    let receiver = Receiver::start().await;
    let destination = webhook(
        WebhookPreset::Generic,
        &receiver.url,
        Some("k-123"),
        Some("X-Api-Key"),
    );
    courier().send(&destination, &alert()).await.unwrap();
    let got = receiver.wait_for(1).await.remove(0);
    assert_eq!(got.header("x-api-key"), Some("k-123"));
    assert_eq!(got.header("authorization"), None);
}

#[tokio::test]
async fn ntfy_gets_plain_text_with_title_priority_tags_and_token() {
    let receiver = Receiver::start().await;
    let destination = webhook(WebhookPreset::Ntfy, &receiver.url, Some("tk_ntfy"), None);
    courier().send(&destination, &alert()).await.unwrap();
    let got = receiver.wait_for(1).await.remove(0);
    assert_eq!(got.header("title"), Some("cloud is unreachable over IPv6"));
    assert_eq!(got.header("priority"), Some("urgent"));
    assert_eq!(
        got.header("tags"),
        Some("rotating_light,v6watch,opened,critical")
    );
    assert_eq!(got.header("authorization"), Some("Bearer tk_ntfy"));
    assert_eq!(
        got.header("click"),
        Some("https://v6watch.example.test/alerts/12")
    );
    assert!(
        got.header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(
        got.body,
        "Before: reachable\nNow: no route to 2001:db8::5\n\nOpen in v6watch: https://v6watch.example.test/alerts/12"
    );
}

#[tokio::test]
async fn discord_and_slack_get_their_one_text_field() {
    let receiver = Receiver::start().await;
    let discord = webhook(WebhookPreset::Discord, &receiver.url, None, None);
    courier().send(&discord, &alert()).await.unwrap();
    let slack = webhook(WebhookPreset::Slack, &receiver.url, None, None);
    courier().send(&slack, &alert()).await.unwrap();
    let got = receiver.wait_for(2).await;
    let content = got[0].json();
    assert_eq!(content.as_object().unwrap().len(), 1, "{content}");
    let content = content["content"].as_str().unwrap();
    assert!(
        content.starts_with("**cloud is unreachable over IPv6**\nBefore: reachable"),
        "{content}"
    );
    assert!(
        content.ends_with("https://v6watch.example.test/alerts/12"),
        "{content}"
    );
    let text = got[1].json();
    assert_eq!(text.as_object().unwrap().len(), 1, "{text}");
    assert!(
        text["text"]
            .as_str()
            .unwrap()
            .starts_with("*cloud is unreachable over IPv6*\n")
    );
}

#[tokio::test]
async fn gotify_gets_title_message_priority_and_its_app_token() {
    let receiver = Receiver::start().await;
    let base = receiver.url.trim_end_matches("/hook").to_string();
    let destination = webhook(WebhookPreset::Gotify, &base, Some("A1b2C3"), None);
    courier().send(&destination, &alert()).await.unwrap();
    let got = receiver.wait_for(1).await.remove(0);
    assert_eq!(got.path, "/message");
    assert_eq!(got.header("x-gotify-key"), Some("A1b2C3"));
    let body = got.json();
    assert_eq!(body["title"], "cloud is unreachable over IPv6");
    assert_eq!(body["priority"], 8);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("no route to 2001:db8::5")
    );
    assert_eq!(
        body["extras"]["client::notification"]["click"]["url"],
        "https://v6watch.example.test/alerts/12"
    );
}

#[tokio::test]
async fn an_error_status_is_a_failure_with_its_code() {
    let receiver = Receiver::answering(&[503]).await;
    let destination = webhook(WebhookPreset::Generic, &receiver.url, None, None);
    let failure = courier().send(&destination, &alert()).await.unwrap_err();
    assert_eq!(failure.code, Some(503));
    assert!(failure.message.contains("503"), "{}", failure.message);
}

#[tokio::test]
async fn a_webhook_inside_a_deny_target_range_is_never_posted_to() {
    let receiver = Receiver::start().await;
    let port = url::Url::parse(&receiver.url).unwrap().port().unwrap();
    let denying = Courier::new(DispatchSettings {
        deny: vec!["127.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()],
        ..DispatchSettings::default()
    });
    // By address literal, and by a name that resolves into the range.
    for url in [
        receiver.url.clone(),
        format!("http://localhost:{port}/hook"),
    ] {
        let destination = webhook(WebhookPreset::Generic, &url, None, None);
        let failure = denying.send(&destination, &alert()).await.unwrap_err();
        assert!(
            failure.message.contains("deny-target"),
            "{url}: {failure:?}"
        );
    }
    assert!(
        receiver.received().is_empty(),
        "nothing reached the receiver"
    );
    // Without the range the same webhook is posted.
    let destination = webhook(WebhookPreset::Generic, &receiver.url, None, None);
    courier().send(&destination, &alert()).await.unwrap();
    assert_eq!(receiver.wait_for(1).await.len(), 1);
}
