//! The choices a channel form offers: channel kind, webhook preset, SMTP security.

use crate::domain::form::Choice;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChannelKind {
    Webhook,
    Email,
}

impl Choice for ChannelKind {
    const ALL: &'static [Self] = &[Self::Webhook, Self::Email];
    fn code(self) -> &'static str {
        match self {
            Self::Webhook => "webhook",
            Self::Email => "email",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Webhook => "Webhook (HTTP POST)",
            Self::Email => "E-mail (SMTP)",
        }
    }
}

/// How a webhook's request is shaped: v6watch's own JSON, or what a known service expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WebhookPreset {
    Generic,
    Ntfy,
    Discord,
    Slack,
    Gotify,
}

impl Choice for WebhookPreset {
    const ALL: &'static [Self] = &[
        Self::Generic,
        Self::Ntfy,
        Self::Discord,
        Self::Slack,
        Self::Gotify,
    ];
    fn code(self) -> &'static str {
        match self {
            Self::Generic => "generic",
            Self::Ntfy => "ntfy",
            Self::Discord => "discord",
            Self::Slack => "slack",
            Self::Gotify => "gotify",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Generic => "Generic JSON (v6watch format)",
            Self::Ntfy => "ntfy (topic URL)",
            Self::Discord => "Discord webhook",
            Self::Slack => "Slack-compatible webhook (Slack, Mattermost, Rocket.Chat)",
            Self::Gotify => "Gotify (server URL, app token as secret)",
        }
    }
}

/// How the SMTP connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SmtpSecurity {
    /// Plain connect, then STARTTLS (required): usually port 587.
    StartTls,
    /// TLS from the first byte: usually port 465.
    Tls,
    /// No encryption: only for a relay on a trusted network.
    Plain,
}

impl Choice for SmtpSecurity {
    const ALL: &'static [Self] = &[Self::StartTls, Self::Tls, Self::Plain];
    fn code(self) -> &'static str {
        match self {
            Self::StartTls => "starttls",
            Self::Tls => "tls",
            Self::Plain => "plain",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::StartTls => "STARTTLS (usually port 587)",
            Self::Tls => "TLS (usually port 465)",
            Self::Plain => "Plain, unencrypted (trusted relay only)",
        }
    }
}
