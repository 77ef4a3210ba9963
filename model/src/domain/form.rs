//! Raw form input as submitted, and the shared shape of choice fields.

use crate::domain::{FieldErrors, parse_address};
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

/// One item per non-blank line; errors name the line so long lists stay fixable.
pub fn lines<T>(
    errors: &mut FieldErrors,
    values: &FormValues,
    field: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Vec<T> {
    let mut items = Vec::new();
    for (index, line) in value(values, field).lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match parse(line) {
            Ok(item) => items.push(item),
            Err(message) => {
                errors.add(field, format!("line {}: {message}", index + 1));
                break;
            }
        }
    }
    items
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
