//! Alert stage: turns check results and verdict changes into incidents and outbox messages.
//!
//! [`detector::detect`] is pure: the prior persisted [`state::State`] plus new observations
//! in, the new state plus incident changes and notices out. [`worker`] is the thin loop that
//! reads new rows by id cursor, runs the detector and stores state, incidents and outbox rows
//! in one transaction, so a restart neither forgets an open incident nor sends it again.
//! Delivery of the outbox (`alert_notifications`) is another stage's job.

mod checks;
pub mod describe;
pub mod detector;
pub mod incident;
mod latency;
pub mod observation;
pub mod persist;
pub mod rules;
pub mod state;
pub mod subject;
mod verdicts;
pub mod worker;

#[cfg(test)]
mod detector_tests;

pub use detector::{Input, Output, detect};
pub use rules::{LatencyRules, Rules, Thresholds};
