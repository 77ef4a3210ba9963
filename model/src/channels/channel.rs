//! A stored channel as the pages see it: every setting except the secrets themselves.

use crate::domain::FormValues;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    pub id: i64,
    pub name: String,
    /// `webhook` or `email`.
    pub kind: String,
    pub enabled: bool,
    pub webhook_preset: String,
    /// Scheme, host and port of a webhook's URL: the rest (path, query) often is the
    /// secret itself (Discord, Slack, ntfy topics), so it never leaves the server.
    pub url_origin: Option<String>,
    pub secret_header: Option<String>,
    /// A webhook secret is stored (never its value).
    pub has_secret: bool,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<i64>,
    pub smtp_security: String,
    pub smtp_username: Option<String>,
    /// An SMTP password is stored (never its value).
    pub has_password: bool,
    pub mail_from: Option<String>,
    pub mail_to: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Status of the newest delivery to this channel, if any.
    pub last_status: Option<String>,
}

impl Channel {
    /// Where it sends, short enough for a list: the webhook's origin, or the recipients.
    pub fn target(&self) -> String {
        match self.kind.as_str() {
            "webhook" => self.url_origin.clone().unwrap_or_default(),
            _ => self.mail_to.join(", "),
        }
    }

    /// The form values that show this channel in its edit form: no secret among them, and
    /// no webhook URL (an empty URL field keeps the stored one).
    pub fn form_values(&self) -> FormValues {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        FormValues::from([
            ("name".into(), self.name.clone()),
            ("kind".into(), self.kind.clone()),
            (
                "enabled".into(),
                if self.enabled { "1" } else { "" }.to_string(),
            ),
            ("preset".into(), self.webhook_preset.clone()),
            ("secret_header".into(), text(&self.secret_header)),
            ("smtp_host".into(), text(&self.smtp_host)),
            (
                "smtp_port".into(),
                // A webhook switched to e-mail starts from the submission port.
                self.smtp_port
                    .map_or_else(|| "587".to_string(), |p| p.to_string()),
            ),
            ("smtp_security".into(), self.smtp_security.clone()),
            ("smtp_username".into(), text(&self.smtp_username)),
            ("mail_from".into(), text(&self.mail_from)),
            ("mail_to".into(), self.mail_to.join("\n")),
        ])
    }
}

/// `https://discord.com` of `https://discord.com/api/webhooks/1/token`.
pub fn url_origin(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .map(|u| u.origin().ascii_serialization())
}
