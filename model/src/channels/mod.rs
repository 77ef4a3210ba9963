//! The delivery stage's settings: where alerts go (a webhook or an e-mail address list),
//! as records shown on pages (secrets reduced to "one is stored") and as forms validated
//! into typed inputs, plus the delivery log's rows.

pub mod channel;
pub mod delivery;
pub mod input;
pub mod kinds;

pub use channel::Channel;
pub use delivery::{DeliveryEntry, DeliveryStatus, TestOutcome};
pub use input::{ChannelInput, SecretChange, Target};
pub use kinds::{ChannelKind, SmtpSecurity, WebhookPreset};
