//! Inventory names and DNS host names.

/// A name for an inventory object: 1–64 characters, no control characters.
pub fn parse_name(input: &str) -> Result<String, String> {
    let text = input.trim();
    if text.is_empty() {
        return Err("enter a name".into());
    }
    if text.chars().count() > 64 {
        return Err("a name is at most 64 characters".into());
    }
    if text.chars().any(char::is_control) {
        return Err("a name cannot contain control characters".into());
    }
    Ok(text.to_string())
}

/// A DNS host name (RFC 1123 labels), lowercased, without a trailing dot.
pub fn parse_dns_name(input: &str) -> Result<String, String> {
    let text = input.trim().trim_end_matches('.').to_ascii_lowercase();
    if text.is_empty() {
        return Err("enter a host name such as nas.home.example".into());
    }
    if text.len() > 253 {
        return Err("a host name is at most 253 characters".into());
    }
    for label in text.split('.') {
        if label.is_empty() {
            return Err(format!("'{text}' has an empty label (two dots in a row?)"));
        }
        if label.len() > 63 {
            return Err(format!("the label '{label}' is longer than 63 characters"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("the label '{label}' cannot start or end with '-'"));
        }
        if let Some(bad) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(format!("'{bad}' is not allowed in a host name"));
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_name("  router ").unwrap(), "router");
        assert!(parse_name("").unwrap_err().contains("enter a name"));
        assert!(
            parse_name(&"x".repeat(65))
                .unwrap_err()
                .contains("at most 64")
        );
        assert!(parse_name("a\u{7}b").unwrap_err().contains("control"));
    }

    #[test]
    fn dns_names_follow_rfc1123() {
        for (input, want) in [
            ("NAS.Home.Example.", "nas.home.example"),
            ("v6only.lab.test", "v6only.lab.test"),
            ("_dmarc.example.test", "_dmarc.example.test"),
            ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ] {
            assert_eq!(parse_dns_name(input).unwrap(), want, "{input}");
        }
        for (input, message) in [
            ("", "enter a host name"),
            ("a..b", "empty label"),
            ("-a.test", "cannot start or end"),
            ("a b.test", "' ' is not allowed"),
            ("http://x.test", "':' is not allowed"),
            (&format!("{}.test", "a".repeat(64)), "longer than 63"),
        ] {
            let err = parse_dns_name(input).unwrap_err();
            assert!(err.contains(message), "{input}: {err}");
        }
    }
}
