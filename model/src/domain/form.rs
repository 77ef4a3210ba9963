//! Raw form input as submitted, and the shared shape of choice fields.

use crate::domain::{FieldErrors, parse_address};
use percent_encoding::percent_decode;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Field name → submitted text, exactly as the browser sent it.
pub type FormValues = BTreeMap<String, String>;

/// Form values from literal pairs, for tests.
#[cfg(test)]
pub fn test_form(pairs: &[(&str, &str)]) -> FormValues {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn value<'a>(values: &'a FormValues, field: &str) -> &'a str {
    values.get(field).map(String::as_str).unwrap_or("")
}

/// An optional field: blank means None, otherwise the parser decides.
pub fn optional<T>(
    errors: &mut FieldErrors,
    values: &FormValues,
    field: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<T> {
    let text = value(values, field).trim();
    if text.is_empty() {
        None
    } else {
        errors.check(field, parse(text))
    }
}

/// Most non-blank lines one multi-line field takes (addresses of one host, a service's
/// declared dependencies...): each becomes a check or a lookup, so one form cannot fan out
/// into thousands of them.
pub const MAX_LINES: usize = 64;

/// Bad lines named in one message; the rest are counted.
const BAD_LINES_NAMED: usize = 5;

/// One item per non-blank line; errors name every bad line (the first few, then a count) so
/// long lists are fixed in one go. More than [`MAX_LINES`] lines is an error of its own.
pub fn lines<T>(
    errors: &mut FieldErrors,
    values: &FormValues,
    field: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Vec<T> {
    let given = value(values, field)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    if given > MAX_LINES {
        errors.add(
            field,
            format!("at most {MAX_LINES} lines, one item each ({given} given)"),
        );
        return Vec::new();
    }
    let mut items = Vec::new();
    let mut bad = Vec::new();
    for (index, line) in value(values, field).lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match parse(line) {
            Ok(item) => items.push(item),
            Err(message) => bad.push(format!("line {}: {message}", index + 1)),
        }
    }
    if !bad.is_empty() {
        let more = bad.len().saturating_sub(BAD_LINES_NAMED);
        bad.truncate(BAD_LINES_NAMED);
        let mut message = bad.join("; ");
        if more > 0 {
            message.push_str(&format!("; and {more} more bad lines"));
        }
        errors.add(field, message);
    }
    items
}

/// Free text (notes, a purpose): trimmed, at most `max_chars` characters, and no control
/// characters but line breaks and tabs (a NUL or an escape sequence is never meant).
pub fn free_text(
    errors: &mut FieldErrors,
    values: &FormValues,
    field: &str,
    max_chars: usize,
) -> String {
    let text = value(values, field).trim();
    let count = text.chars().count();
    if count > max_chars {
        errors.add(
            field,
            format!("at most {max_chars} characters ({count} given)"),
        );
    }
    if let Some(bad) = text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.add(
            field,
            format!(
                "control character U+{:04X} is not allowed (only line breaks and tabs)",
                u32::from(bad)
            ),
        );
    }
    text.to_string()
}

/// Addresses, one per line, without duplicates.
pub fn address_lines(errors: &mut FieldErrors, values: &FormValues, field: &str) -> Vec<IpAddr> {
    let mut addresses = lines(errors, values, field, parse_address);
    let mut seen = Vec::new();
    addresses.retain(|a| {
        let fresh = !seen.contains(a);
        seen.push(*a);
        fresh
    });
    addresses
}

/// A numeric id chosen from a select; blank means none.
pub fn optional_id(errors: &mut FieldErrors, values: &FormValues, field: &str) -> Option<i64> {
    optional(errors, values, field, |t| {
        t.parse::<i64>()
            .map_err(|_| "choose an entry from the list".to_string())
    })
}

/// A choice among the variants of an enum with stable codes.
pub trait Choice: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;

    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.code() == code)
    }

    fn parse(text: &str) -> Result<Self, String> {
        Self::from_code(text.trim()).ok_or_else(|| "choose one of the listed options".to_string())
    }
}

fn decode(raw: &[u8], what: &str) -> Result<String, String> {
    let spaced: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let bytes: Vec<u8> = percent_decode(&spaced).collect();
    String::from_utf8(bytes).map_err(|_| format!("{what} is not valid UTF-8"))
}

/// Parse an `application/x-www-form-urlencoded` body without repairing anything: a field
/// that is not valid UTF-8 or is sent twice is an error naming it (never U+FFFD, never the
/// last one winning).
pub fn parse_urlencoded(body: &[u8]) -> Result<FormValues, String> {
    let mut values = FormValues::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (raw_name, raw_value) = match pair.iter().position(|b| *b == b'=') {
            Some(at) => (
                pair.get(..at).unwrap_or_default(),
                pair.get(at + 1..).unwrap_or_default(),
            ),
            None => (pair, &[][..]),
        };
        let name = decode(raw_name, "a field name")?;
        let value = decode(raw_value, &format!("field {name:?}"))?;
        if values.insert(name.clone(), value).is_some() {
            return Err(format!("field {name:?} is sent twice"));
        }
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_line_is_named_up_to_a_few() {
        let mut errors = FieldErrors::new();
        let values = test_form(&[("a", "1\nx\n2\ny")]);
        let items = lines(&mut errors, &values, "a", |t| {
            t.parse::<u8>().map_err(|_| format!("{t:?} is no number"))
        });
        assert_eq!(items, [1, 2]);
        assert_eq!(
            errors.get("a"),
            Some("line 2: \"x\" is no number; line 4: \"y\" is no number")
        );
        let mut errors = FieldErrors::new();
        let values = test_form(&[("a", &"z\n".repeat(8))]);
        lines(&mut errors, &values, "a", |t| {
            t.parse::<u8>().map_err(|_| "bad".to_string())
        });
        let message = errors.get("a").unwrap();
        assert!(message.starts_with("line 1: bad; line 2: bad"), "{message}");
        assert!(message.ends_with("; and 3 more bad lines"), "{message}");
    }

    #[test]
    fn long_lists_are_refused_whole() {
        let mut errors = FieldErrors::new();
        let text: String = (0..5000).map(|i| format!("2001:db8::{i:x}\n")).collect();
        let values = test_form(&[("addresses", &text)]);
        assert!(address_lines(&mut errors, &values, "addresses").is_empty());
        assert_eq!(
            errors.get("addresses"),
            Some("at most 64 lines, one item each (5000 given)")
        );
        let mut errors = FieldErrors::new();
        let text: String = (0..64).map(|i| format!("2001:db8::{i:x}\n\n")).collect();
        let values = test_form(&[("addresses", &text)]);
        assert_eq!(address_lines(&mut errors, &values, "addresses").len(), 64);
        assert!(errors.is_empty());
    }

    #[test]
    fn free_text_refuses_control_characters_and_length() {
        let cases: &[(&str, Option<&str>)] = &[
            ("a note\r\nwith\ttabs", None),
            (
                "nul\0here",
                Some("control character U+0000 is not allowed (only line breaks and tabs)"),
            ),
            (
                "esc\u{1b}[31m",
                Some("control character U+001B is not allowed (only line breaks and tabs)"),
            ),
            (
                "del\u{7f}",
                Some("control character U+007F is not allowed (only line breaks and tabs)"),
            ),
            (
                "c1\u{85}x",
                Some("control character U+0085 is not allowed (only line breaks and tabs)"),
            ),
            ("caf\u{e9} \u{1F600}", None),
            (&"x".repeat(21), Some("at most 20 characters (21 given)")),
        ];
        for (text, want) in cases {
            let mut errors = FieldErrors::new();
            let got = free_text(&mut errors, &test_form(&[("notes", text)]), "notes", 20);
            assert_eq!(errors.get("notes"), *want, "{text:?}");
            assert_eq!(got, text.trim());
        }
    }
}
