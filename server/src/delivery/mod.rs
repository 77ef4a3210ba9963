//! The delivery stage: sends each alert from the outbox (`alert_notifications`) to every
//! enabled channel, a webhook or e-mail, with a timeout per attempt and retries with
//! backoff; each channel on its own, so a slow one delays nobody else.

pub mod backoff;
pub mod courier;
pub mod dispatcher;
pub mod email;
pub mod message;
pub mod roots;
pub mod test_alert;
pub mod webhook;

pub use courier::{Answer, Courier, Failure};
pub use dispatcher::DispatchSettings;
pub use roots::ExtraRoots;

/// Now, in Unix milliseconds (the outbox's time unit).
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
