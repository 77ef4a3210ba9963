//! v6watch's vocabulary, shared by every stage and by the browser: the validated inventory
//! (hosts, prefixes, tunnels, containers, services) and the forms that produce it, alert
//! channels, probe settings, and the words results and incidents are told in (address
//! family, subject kind). Pure Rust with no I/O, so the browser validates exactly as the
//! server does.

pub mod channels;
pub mod domain;
mod family;
mod health;
pub mod import;
pub mod inventory;
pub mod plan_rules;
pub mod settings;
mod subject;
pub mod topology;

pub use family::Family;
pub use health::Health;
pub use subject::SubjectKind;
pub use topology::{Links, Subject};
