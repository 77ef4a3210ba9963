//! Probe stage: the errors of building a prober. Probing itself never fails: a target being
//! down is an `Outcome`.

use std::path::PathBuf;

use thiserror::Error;

/// Why a [`crate::Prober`] could not be built.
#[derive(Debug, Error)]
pub enum SetupError {
    #[error("the prober must be built inside a tokio runtime")]
    NoRuntime,
    #[error("invalid probe setting: {0}")]
    InvalidConfig(&'static str),
    #[error("cannot read the extra CA file {path}: {source}")]
    CaFileUnreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the extra CA file {path} holds no usable PEM certificate{}", detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    CaFileInvalid {
        path: PathBuf,
        detail: Option<String>,
    },
    #[error("cannot set up TLS: {0}")]
    Tls(String),
}
