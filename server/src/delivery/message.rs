//! An alert as the channels word it: the dashboard link, a one-line headline, a plain-text
//! body, and v6watch's own JSON (the generic webhook body, documented in README.md).

use serde_json::{Value, json};
use store::deliveries::Notification;
use url::Url;

/// The dashboard's address as users open it: http(s), ending in `/` so alert paths join
/// below it, without query or fragment.
pub fn public_base(text: &str) -> Result<Url, String> {
    let mut url = model::domain::parse_http_url(text)?;
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

pub struct Alert<'a> {
    pub notification: &'a Notification,
    /// Absolute when the dashboard's public URL is configured, else the path alone.
    pub link: String,
}

impl<'a> Alert<'a> {
    pub fn new(notification: &'a Notification, public_url: Option<&Url>) -> Self {
        let path = notification.path.trim_start_matches('/');
        let link = public_url
            .and_then(|base| base.join(path).ok())
            .map(String::from)
            .unwrap_or_else(|| format!("/{path}"));
        Self { notification, link }
    }

    /// Whether the link can be opened from outside the dashboard.
    pub fn has_absolute_link(&self) -> bool {
        self.link.starts_with("http://") || self.link.starts_with("https://")
    }

    pub fn title(&self) -> &str {
        &self.notification.title
    }

    /// An e-mail subject: what it is, then the title.
    pub fn subject(&self) -> String {
        let n = self.notification;
        let what = match n.kind.as_str() {
            "resolved" => "resolved".to_string(),
            "flapping" => "flapping".to_string(),
            "test" => "test".to_string(),
            _ => n.severity.clone(),
        };
        format!("[v6watch {what}] {}", n.title)
    }

    /// The body followed by the dashboard link.
    pub fn text(&self) -> String {
        let body = self.notification.body.trim_end();
        if body.is_empty() {
            format!("Open in v6watch: {}", self.link)
        } else {
            format!("{body}\n\nOpen in v6watch: {}", self.link)
        }
    }

    /// The generic webhook body.
    pub fn json(&self) -> Value {
        let n = self.notification;
        let details = serde_json::from_str::<Value>(&n.details)
            .ok()
            .filter(Value::is_object)
            .unwrap_or_else(|| json!({}));
        let at = chrono::DateTime::from_timestamp_millis(n.at)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
        json!({
            "v6watch": 1,
            "id": n.id,
            "incident_id": n.incident_id,
            "kind": n.kind,
            "severity": n.severity,
            "title": n.title,
            "body": n.body,
            "subject": { "kind": n.subject_kind, "id": n.subject_id },
            "url": self.link,
            "at": at,
            "at_ms": n.at,
            "details": details,
        })
    }
}

#[cfg(test)]
pub(crate) fn sample() -> Notification {
    Notification {
        id: 7,
        incident_id: Some(12),
        at: 1_764_120_000_000,
        kind: "opened".into(),
        severity: "critical".into(),
        subject_kind: "service".into(),
        subject_id: 3,
        title: "cloud is unreachable over IPv6".into(),
        body: "Before: reachable\nNow: no route (2001:db8::5)".into(),
        path: "/alerts/12".into(),
        details: r#"{"reason":"no_route"}"#.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_absolute_only_with_a_public_url() {
        let n = sample();
        assert_eq!(Alert::new(&n, None).link, "/alerts/12");
        let base = Url::parse("https://watch.example.test/v6/").unwrap();
        let alert = Alert::new(&n, Some(&base));
        assert_eq!(alert.link, "https://watch.example.test/v6/alerts/12");
        assert!(alert.has_absolute_link());
        assert!(
            alert
                .text()
                .ends_with("Open in v6watch: https://watch.example.test/v6/alerts/12")
        );
        assert_eq!(
            alert.subject(),
            "[v6watch critical] cloud is unreachable over IPv6"
        );
    }

    #[test]
    fn a_public_base_keeps_its_path_below_which_alerts_link() {
        let base = public_base("https://example.test/v6watch?x=1").unwrap();
        assert_eq!(base.as_str(), "https://example.test/v6watch/");
        assert_eq!(
            Alert::new(&sample(), Some(&base)).link,
            "https://example.test/v6watch/alerts/12"
        );
        assert!(public_base("ftp://example.test/").is_err());
        assert!(public_base("example.test").is_err());
    }

    #[test]
    fn the_generic_body_carries_every_field() {
        let n = Notification {
            details: "not json".into(),
            ..sample()
        };
        let body = Alert::new(&n, None).json();
        assert_eq!(body["v6watch"], 1);
        assert_eq!(body["subject"], json!({"kind": "service", "id": 3}));
        assert_eq!(body["at"], "2025-11-26T01:20:00.000Z");
        assert_eq!(
            body["details"],
            json!({}),
            "bad details become an empty object"
        );
        assert_eq!(
            Alert::new(&sample(), None).json()["details"]["reason"],
            "no_route"
        );
    }
}
