//! The delivery stage end to end on loopback: real HTTP receivers and a small SMTP server
//! started here receive what the channels send; the dispatcher retries, keeps channels
//! apart and survives a restart; the channel pages validate, hide secrets and send tests.

mod dispatcher;
mod email;
pub mod helpers;
mod pages;
mod webhook;
