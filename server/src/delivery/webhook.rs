//! Webhooks: one POST per alert, shaped by the channel's preset (v6watch's generic JSON,
//! ntfy, Discord, Slack-compatible or Gotify). Building the request is pure; sending it is
//! the courier's job.

use super::message::Alert;
use model::channels::WebhookPreset;
use serde_json::{Value, json};

/// A request ready to send.
#[derive(Debug, PartialEq)]
pub struct Request {
    pub url: String,
    /// Header name and value bytes (values may be UTF-8: ntfy reads them so).
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Body,
}

#[derive(Debug, PartialEq)]
pub enum Body {
    Json(Value),
    Text(String),
}

/// Discord refuses longer messages.
const DISCORD_LIMIT: usize = 2000;

pub fn build(
    preset: WebhookPreset,
    url: &str,
    secret: Option<&str>,
    secret_header: Option<&str>,
    alert: &Alert<'_>,
) -> Request {
    let n = alert.notification;
    let mut headers = Vec::new();
    let bearer = |headers: &mut Vec<(String, Vec<u8>)>| {
        if let Some(secret) = secret {
            headers.push((
                "Authorization".into(),
                format!("Bearer {secret}").into_bytes(),
            ));
        }
    };
    let body = match preset {
        WebhookPreset::Generic => {
            match (secret, secret_header) {
                (Some(secret), Some(header)) => {
                    headers.push((header.to_string(), secret.as_bytes().to_vec()));
                }
                _ => bearer(&mut headers),
            }
            Body::Json(alert.json())
        }
        WebhookPreset::Ntfy => {
            bearer(&mut headers);
            headers.push(("Title".into(), header_text(alert.title())));
            headers.push(("Priority".into(), ntfy_priority(n).as_bytes().to_vec()));
            headers.push(("Tags".into(), ntfy_tags(n).into_bytes()));
            if alert.has_absolute_link() {
                headers.push(("Click".into(), alert.link.clone().into_bytes()));
            }
            Body::Text(alert.text())
        }
        WebhookPreset::Discord => {
            let content = format!("**{}**\n{}", alert.title(), alert.text());
            Body::Json(json!({ "content": truncate(&content, DISCORD_LIMIT) }))
        }
        WebhookPreset::Slack => {
            let text = format!(
                "*{}*\n{}",
                slack_escape(alert.title()),
                slack_escape(&alert.text())
            );
            Body::Json(json!({ "text": text }))
        }
        WebhookPreset::Gotify => {
            if let Some(secret) = secret {
                headers.push(("X-Gotify-Key".into(), secret.as_bytes().to_vec()));
            }
            let mut body = json!({
                "title": alert.title(),
                "message": alert.text(),
                "priority": gotify_priority(n),
            });
            if alert.has_absolute_link() {
                body["extras"] =
                    json!({ "client::notification": { "click": { "url": alert.link } } });
            }
            Body::Json(body)
        }
    };
    let url = match preset {
        WebhookPreset::Gotify => gotify_message_url(url),
        _ => url.to_string(),
    };
    Request { url, headers, body }
}

/// Resolved and test messages are quiet; the rest as loud as their severity.
fn is_quiet(n: &store::deliveries::Notification) -> bool {
    matches!(n.kind.as_str(), "resolved" | "test")
}

fn ntfy_priority(n: &store::deliveries::Notification) -> &'static str {
    match (is_quiet(n), n.severity.as_str()) {
        (true, _) => "default",
        (false, "critical") => "urgent",
        (false, "warning") => "high",
        _ => "default",
    }
}

/// Emoji short codes ntfy shows in front of the title, then plain tags.
fn ntfy_tags(n: &store::deliveries::Notification) -> String {
    let icon = match (n.kind.as_str(), n.severity.as_str()) {
        ("resolved", _) => "white_check_mark",
        ("flapping", _) => "repeat",
        ("test", _) => "test_tube",
        (_, "critical") => "rotating_light",
        (_, "warning") => "warning",
        _ => "information_source",
    };
    format!("{icon},v6watch,{},{}", n.kind, n.severity)
}

fn gotify_priority(n: &store::deliveries::Notification) -> u8 {
    match (is_quiet(n), n.severity.as_str()) {
        (true, _) => 2,
        (false, "critical") => 8,
        (false, "warning") => 5,
        _ => 2,
    }
}

/// Gotify takes messages at `/message` under its base URL; a full URL is kept.
fn gotify_message_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if !parsed.path().trim_end_matches('/').ends_with("/message") => {
            let path = format!("{}/message", parsed.path().trim_end_matches('/'));
            parsed.set_path(&path);
            parsed.into()
        }
        _ => url.to_string(),
    }
}

/// A header value: one line, control characters dropped.
fn header_text(text: &str) -> Vec<u8> {
    text.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .into_bytes()
}

/// Slack reads `&`, `<` and `>` as markup.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn truncate(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(limit - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::message::sample;

    fn header<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
        r.headers
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| std::str::from_utf8(v).ok())
    }

    #[test]
    fn gotify_posts_to_its_message_endpoint() {
        for (given, want) in [
            ("https://gotify.test/", "https://gotify.test/message"),
            (
                "https://gotify.test/push",
                "https://gotify.test/push/message",
            ),
            ("https://gotify.test/message", "https://gotify.test/message"),
        ] {
            assert_eq!(gotify_message_url(given), want);
        }
    }

    #[test]
    fn presets_word_resolved_alerts_quietly_and_escape_markup() {
        let n = store::deliveries::Notification {
            kind: "resolved".into(),
            title: "a <b> & c\r\nInjected: x".into(),
            ..sample()
        };
        let alert = Alert::new(&n, None);
        let ntfy = build(
            WebhookPreset::Ntfy,
            "https://ntfy.test/t",
            None,
            None,
            &alert,
        );
        assert_eq!(header(&ntfy, "Priority"), Some("default"));
        assert_eq!(header(&ntfy, "Title"), Some("a <b> & cInjected: x"));
        assert!(
            header(&ntfy, "Tags")
                .unwrap()
                .starts_with("white_check_mark,")
        );
        assert_eq!(header(&ntfy, "Click"), None, "no absolute link");
        let slack = build(
            WebhookPreset::Slack,
            "https://chat.test/h",
            None,
            None,
            &alert,
        );
        let Body::Json(body) = slack.body else {
            panic!("json")
        };
        assert!(
            body["text"]
                .as_str()
                .unwrap()
                .starts_with("*a &lt;b&gt; &amp; c")
        );
        let long = store::deliveries::Notification {
            body: "x".repeat(5000),
            ..sample()
        };
        let discord = build(
            WebhookPreset::Discord,
            "https://d.test/h",
            None,
            None,
            &Alert::new(&long, None),
        );
        let Body::Json(body) = discord.body else {
            panic!("json")
        };
        assert_eq!(
            body["content"].as_str().unwrap().chars().count(),
            DISCORD_LIMIT
        );
    }
}
