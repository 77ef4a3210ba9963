//! Prefixes of the address plan (CIDR, IPv6 or IPv4).

use ipnet::IpNet;

/// Parses `2001:db8:1::/48` or `192.0.2.0/24`; a length is required and host bits must be
/// zero, since a prefix with host bits set is almost always a typo.
pub fn parse_prefix(input: &str) -> Result<IpNet, String> {
    let text = input.trim();
    if text.is_empty() {
        return Err("enter a prefix such as 2001:db8:1::/48".into());
    }
    if !text.contains('/') {
        return Err(format!(
            "'{text}' has no length; write it as address/length, e.g. {text}/64"
        ));
    }
    let net: IpNet = text
        .parse()
        .map_err(|_| format!("'{text}' is not a prefix (address/length)"))?;
    if net.trunc() != net {
        return Err(format!(
            "'{text}' has host bits set; did you mean {}?",
            net.trunc()
        ));
    }
    Ok(net)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_good_and_rejects_bad_prefixes() {
        for (input, want) in [
            ("2001:db8:1::/48", "2001:db8:1::/48"),
            (" fd00:1:2::/56 ", "fd00:1:2::/56"),
            ("2001:db8:1:2::/64", "2001:db8:1:2::/64"),
            ("192.0.2.0/24", "192.0.2.0/24"),
            ("2001:db8::/128", "2001:db8::/128"),
        ] {
            assert_eq!(parse_prefix(input).unwrap().to_string(), want, "{input}");
        }
        for (input, message) in [
            ("", "enter a prefix"),
            ("2001:db8::", "has no length"),
            ("2001:db8::/129", "not a prefix"),
            ("2001:db8::1/64", "did you mean 2001:db8::/64"),
            ("192.0.2.1/24", "did you mean 192.0.2.0/24"),
            ("2001:db8::g/64", "not a prefix"),
        ] {
            let err = parse_prefix(input).unwrap_err();
            assert!(err.contains(message), "{input}: {err}");
        }
    }
}
