//! What checks, incidents and mutes are about: the kinds of inventory record that have a
//! page of their own.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Ordered root cause first: a tunnel's incident absorbs a host's, a host's a service's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(rename_all = "lowercase"))]
pub enum SubjectKind {
    Tunnel,
    Host,
    Container,
    Service,
}

impl SubjectKind {
    pub const ALL: [SubjectKind; 4] = [
        SubjectKind::Tunnel,
        SubjectKind::Host,
        SubjectKind::Container,
        SubjectKind::Service,
    ];

    /// The stored code: `tunnel`, `host`, `container` or `service`.
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Tunnel => "tunnel",
            SubjectKind::Host => "host",
            SubjectKind::Container => "container",
            SubjectKind::Service => "service",
        }
    }

    pub fn parse(text: &str) -> Option<SubjectKind> {
        SubjectKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// "Host", "Tunnel", ...: the word before a subject's name.
    pub fn label(self) -> &'static str {
        match self {
            SubjectKind::Tunnel => "Tunnel",
            SubjectKind::Host => "Host",
            SubjectKind::Container => "Container",
            SubjectKind::Service => "Service",
        }
    }
}

impl fmt::Display for SubjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for kind in SubjectKind::ALL {
            assert_eq!(SubjectKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(SubjectKind::parse("router"), None);
    }
}
