//! The delivery log as the channel page shows it, and the outcome of a test alert.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryStatus {
    /// Queued, or waiting for its next attempt.
    Pending,
    Sent,
    /// Gave up after the last attempt.
    Failed,
}

impl DeliveryStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Pending, Self::Sent, Self::Failed]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// One message to one channel, with how its attempts went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct DeliveryEntry {
    pub id: i64,
    pub notification_id: i64,
    /// The alert's kind: opened, resolved, flapping or test.
    pub alert_kind: String,
    pub title: String,
    pub attempts: i64,
    pub status: String,
    pub last_error: Option<String>,
    /// HTTP status of the last webhook answer, or the SMTP reply code.
    pub response_code: Option<i64>,
    /// Unix time in milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
}

/// What the "Send a test alert" button reports back on the channel page (kept in the
/// session for one redirect).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestOutcome {
    pub channel_id: i64,
    pub sent: bool,
    pub message: String,
}

/// Session key under which the last test outcome is kept.
pub const TEST_OUTCOME_KEY: &str = "channel_test_outcome";

/// Unix milliseconds as a readable UTC time.
pub fn format_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}
