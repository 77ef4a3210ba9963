//! The address family a probe, a result or a chart line belongs to.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// IPv6 or IPv4. Stored and serialized as `"v6"` / `"v4"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(rename_all = "lowercase"))]
pub enum Family {
    V6,
    V4,
}

impl Family {
    pub const ALL: [Family; 2] = [Family::V6, Family::V4];

    /// The family of an address. An IPv4-mapped IPv6 address is still reported as V6: the
    /// probes refuse to use it, so it cannot make the IPv6 side look good.
    pub fn of(address: IpAddr) -> Family {
        match address {
            IpAddr::V6(_) => Family::V6,
            IpAddr::V4(_) => Family::V4,
        }
    }

    /// `"v6"` or `"v4"`, as stored.
    pub fn parse(code: &str) -> Option<Family> {
        match code {
            "v6" => Some(Family::V6),
            "v4" => Some(Family::V4),
            _ => None,
        }
    }

    /// `"v6"` or `"v4"`: the stored code and the CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::V6 => "v6",
            Family::V4 => "v4",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Family::V6 => "IPv6",
            Family::V4 => "IPv4",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_codes_round_trip() {
        for family in Family::ALL {
            assert_eq!(Family::parse(family.as_str()), Some(family));
            let json = serde_json::to_string(&family).unwrap();
            assert_eq!(json, format!("\"{}\"", family.as_str()));
        }
        assert_eq!(Family::parse("v5"), None);
    }
}
