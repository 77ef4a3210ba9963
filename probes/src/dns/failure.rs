//! Probe stage, DNS: turning resolver errors into reason codes.

use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::{ProtoError, ProtoErrorKind};
use hickory_resolver::{ResolveError, ResolveErrorKind};

use super::Rtype;
use super::strict_udp::MALFORMED;
use crate::Reason;

/// Why a lookup gave no address.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DnsFailure {
    pub reason: Reason,
    pub detail: String,
    /// A nameserver sent a response (NXDOMAIN, NODATA, SERVFAIL... all count).
    pub answered: bool,
    /// The response code, when a response without records arrived.
    pub rcode: Option<ResponseCode>,
}

impl DnsFailure {
    pub(crate) fn new(reason: Reason, detail: impl Into<String>, answered: bool) -> DnsFailure {
        DnsFailure {
            reason,
            detail: detail.into(),
            answered,
            rcode: None,
        }
    }

    fn with_rcode(mut self, rcode: ResponseCode) -> DnsFailure {
        self.rcode = Some(rcode);
        self
    }
}

/// The conventional upper-case name of a response code.
pub(crate) fn rcode_name(code: ResponseCode) -> String {
    match code {
        ResponseCode::NoError => "NOERROR".into(),
        ResponseCode::FormErr => "FORMERR".into(),
        ResponseCode::ServFail => "SERVFAIL".into(),
        ResponseCode::NXDomain => "NXDOMAIN".into(),
        ResponseCode::NotImp => "NOTIMP".into(),
        ResponseCode::Refused => "REFUSED".into(),
        ResponseCode::NotAuth => "NOTAUTH".into(),
        other => format!("rcode {}", u16::from(other)),
    }
}

/// Classify what went wrong with a `name`/`rtype` lookup.
pub(crate) fn classify(error: &ResolveError, name: &str, rtype: Rtype) -> DnsFailure {
    match error.kind() {
        ResolveErrorKind::Proto(proto) => classify_proto(proto, name, rtype),
        other => DnsFailure::new(
            Reason::DnsError,
            format!("{} lookup of {name} failed: {other}", rtype.as_str()),
            false,
        ),
    }
}

fn classify_proto(error: &ProtoError, name: &str, rtype: Rtype) -> DnsFailure {
    let what = rtype.as_str();
    match error.kind() {
        ProtoErrorKind::NoRecordsFound { response_code, .. } => {
            no_records(*response_code, name, rtype)
        }
        ProtoErrorKind::Timeout => DnsFailure::new(
            Reason::DnsTimeout,
            format!("no nameserver answered the {what} query for {name} in time"),
            false,
        ),
        ProtoErrorKind::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => DnsFailure::new(
            Reason::DnsTimeout,
            format!("no nameserver answered the {what} query for {name} in time"),
            false,
        ),
        ProtoErrorKind::Io(io) if io.to_string().starts_with(MALFORMED) => DnsFailure::new(
            Reason::DnsError,
            format!("bad answer to the {what} query for {name}: {io}"),
            true,
        ),
        ProtoErrorKind::Io(io) => DnsFailure::new(
            Reason::DnsError,
            format!("cannot reach the nameserver for the {what} query of {name}: {io}"),
            false,
        ),
        ProtoErrorKind::NoConnections | ProtoErrorKind::Busy => DnsFailure::new(
            Reason::DnsError,
            format!("no nameserver could be used for the {what} query of {name}: {error}"),
            false,
        ),
        ProtoErrorKind::RequestRefused => DnsFailure::new(
            Reason::DnsError,
            format!("the nameserver refused the {what} query for {name}"),
            true,
        ),
        _ => DnsFailure::new(
            Reason::DnsError,
            format!("bad answer to the {what} query for {name}: {error}"),
            false,
        ),
    }
}

/// A response without records of the asked type: NXDOMAIN, NODATA or an error code.
pub(crate) fn no_records(code: ResponseCode, name: &str, rtype: Rtype) -> DnsFailure {
    let what = rtype.as_str();
    let failure = match code {
        ResponseCode::NXDomain => DnsFailure::new(
            Reason::Nxdomain,
            format!("{name} does not exist (NXDOMAIN)"),
            true,
        ),
        ResponseCode::NoError => {
            let reason = match rtype {
                Rtype::Aaaa => Reason::NoAaaa,
                Rtype::A => Reason::NoA,
                Rtype::Ns => Reason::DnsError,
            };
            DnsFailure::new(
                reason,
                format!("{name} exists but has no {what} record"),
                true,
            )
        }
        other => DnsFailure::new(
            Reason::DnsError,
            format!(
                "the nameserver answered {} to the {what} query for {name}",
                rcode_name(other)
            ),
            true,
        ),
    };
    failure.with_rcode(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_codes_map_to_reasons() {
        let cases: &[(ResponseCode, Rtype, Reason, &str)] = &[
            (
                ResponseCode::NXDomain,
                Rtype::Aaaa,
                Reason::Nxdomain,
                "NXDOMAIN",
            ),
            (
                ResponseCode::NXDomain,
                Rtype::A,
                Reason::Nxdomain,
                "NXDOMAIN",
            ),
            (
                ResponseCode::NoError,
                Rtype::Aaaa,
                Reason::NoAaaa,
                "no AAAA",
            ),
            (ResponseCode::NoError, Rtype::A, Reason::NoA, "no A"),
            (
                ResponseCode::ServFail,
                Rtype::Aaaa,
                Reason::DnsError,
                "SERVFAIL",
            ),
            (ResponseCode::Refused, Rtype::A, Reason::DnsError, "REFUSED"),
            (ResponseCode::FormErr, Rtype::A, Reason::DnsError, "FORMERR"),
        ];
        for (code, rtype, reason, text) in cases {
            let failure = no_records(*code, "x.lab.test.", *rtype);
            assert_eq!(failure.reason, *reason, "{code:?}");
            assert!(failure.detail.contains(text), "{}", failure.detail);
            assert!(failure.answered);
        }
    }

    #[test]
    fn proto_errors_map_to_reasons() {
        let timeout = ResolveError::from(ResolveErrorKind::Proto(ProtoErrorKind::Timeout.into()));
        assert_eq!(
            classify(&timeout, "n.", Rtype::Aaaa).reason,
            Reason::DnsTimeout
        );
        let io = ProtoErrorKind::Io(std::sync::Arc::new(std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused,
        )));
        let io = ResolveError::from(ResolveErrorKind::Proto(io.into()));
        assert_eq!(classify(&io, "n.", Rtype::Aaaa).reason, Reason::DnsError);
        let none = ResolveError::from(ResolveErrorKind::Proto(
            ProtoErrorKind::NoConnections.into(),
        ));
        let failure = classify(&none, "n.", Rtype::A);
        assert_eq!(failure.reason, Reason::DnsError);
        assert!(!failure.answered);
        let msg = ResolveError::from("odd");
        assert_eq!(classify(&msg, "n.", Rtype::A).reason, Reason::DnsError);
    }
}
