//! Probe stage, HTTP: why one exchange failed, and at which step.

use std::error::Error as _;
use std::io;

use crate::Reason;

/// The step an exchange failed at. Connect failures on a redirect hop mean the hop's host
/// has no working IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Connect,
    Tls,
    Http,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub reason: Reason,
    pub detail: String,
    pub stage: Stage,
}

impl Failure {
    pub(crate) fn new(reason: Reason, detail: impl Into<String>, stage: Stage) -> Failure {
        Failure {
            reason,
            detail: detail.into(),
            stage,
        }
    }
}

/// Classify a hyper error by what lies under it.
pub(crate) fn from_hyper(error: &hyper::Error, doing: &str) -> Failure {
    let mut source = error.source();
    while let Some(cause) = source {
        if cause.downcast_ref::<rustls::Error>().is_some() {
            return Failure::new(
                Reason::TlsError,
                format!("{doing}: {error}: {cause}"),
                Stage::Tls,
            );
        }
        if let Some(io) = cause.downcast_ref::<io::Error>() {
            if let Some(tls) = io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
                return Failure::new(Reason::TlsError, format!("{doing}: {tls}"), Stage::Tls);
            }
            return Failure::new(Reason::from_io(io), format!("{doing}: {io}"), Stage::Http);
        }
        source = cause.source();
    }
    let reason = if error.is_incomplete_message() || error.is_canceled() || error.is_closed() {
        Reason::Reset
    } else if error.is_timeout() {
        Reason::Timeout
    } else {
        Reason::HttpError
    };
    Failure::new(reason, format!("{doing}: {error}"), Stage::Http)
}
