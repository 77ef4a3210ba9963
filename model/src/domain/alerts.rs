//! The alert forms' inputs: a maintenance window (mute a host or service until a time) and a
//! check's alert thresholds.

use super::FieldErrors;
use crate::domain::FormValues;
use crate::domain::form::{free_text, value};

/// A mute to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MuteInput {
    /// `host` or `service`.
    pub subject_kind: String,
    pub subject_id: i64,
    /// Unix ms.
    pub until: i64,
    pub note: String,
}

/// Parses the mute form: `subject` (`host:3` or `service:7`), `until` (`YYYY-MM-DDTHH:MM`,
/// UTC, after `now_ms`) and an optional `note`.
pub fn parse_mute(values: &FormValues, now_ms: i64) -> Result<MuteInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let subject = value(values, "subject")
        .split_once(':')
        .filter(|(kind, _)| matches!(*kind, "host" | "service"))
        .and_then(|(kind, id)| Some((kind.to_string(), id.parse::<i64>().ok()?)));
    if subject.is_none() {
        errors.add("subject", "choose a host or service");
    }
    let until_text = value(values, "until").trim();
    let until = chrono::NaiveDateTime::parse_from_str(until_text, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(until_text, "%Y-%m-%dT%H:%M:%S"))
        .map(|t| t.and_utc().timestamp_millis());
    let until = match until {
        Ok(ms) if ms > now_ms => Some(ms),
        Ok(_) => {
            errors.add("until", "must be in the future");
            None
        }
        Err(_) => {
            errors.add("until", "a date and time, like 2026-01-31T18:00 (UTC)");
            None
        }
    };
    let note = free_text(&mut errors, values, "note", 200);
    match (subject, until) {
        (Some((subject_kind, subject_id)), Some(until)) if errors.is_empty() => Ok(MuteInput {
            subject_kind,
            subject_id,
            until,
            note,
        }),
        _ => Err(errors),
    }
}

/// Parses a check's thresholds: `fail_after` and `recover_after`, each 1 to 100.
pub fn parse_thresholds(values: &FormValues) -> Result<(i64, i64), FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut count = |field: &str| match value(values, field).trim().parse::<i64>() {
        Ok(n) if (1..=100).contains(&n) => Some(n),
        _ => {
            errors.add(field, "a whole number from 1 to 100");
            None
        }
    };
    let fail = count("fail_after");
    let recover = count("recover_after");
    match (fail, recover) {
        (Some(f), Some(r)) => Ok((f, r)),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::test_form as form;

    #[test]
    fn mutes_need_a_subject_and_a_future_time() {
        let ok = parse_mute(
            &form(&[
                ("subject", "host:3"),
                ("until", "2030-01-31T18:00"),
                ("note", " disk swap "),
            ]),
            0,
        )
        .unwrap();
        assert_eq!((ok.subject_kind.as_str(), ok.subject_id), ("host", 3));
        assert_eq!(ok.until, 1_896_112_800_000);
        assert_eq!(ok.note, "disk swap");
        // field, form, when
        let cases = [
            (
                "subject",
                form(&[("subject", "tunnel:3"), ("until", "2030-01-31T18:00")]),
                0,
            ),
            (
                "subject",
                form(&[("subject", "host:x"), ("until", "2030-01-31T18:00")]),
                0,
            ),
            (
                "until",
                form(&[("subject", "service:1"), ("until", "tomorrow")]),
                0,
            ),
            (
                "until",
                form(&[("subject", "service:1"), ("until", "2030-01-31T18:00")]),
                1_896_112_800_000,
            ),
        ];
        for (field, values, now) in cases {
            let errors = parse_mute(&values, now).unwrap_err();
            assert!(errors.get(field).is_some(), "{values:?}");
        }
    }

    #[test]
    fn thresholds_are_small_whole_numbers() {
        let ok = form(&[("fail_after", "3"), ("recover_after", "1")]);
        assert_eq!(parse_thresholds(&ok), Ok((3, 1)));
        for bad in ["0", "101", "two", ""] {
            let values = form(&[("fail_after", bad), ("recover_after", "2")]);
            assert!(
                parse_thresholds(&values)
                    .unwrap_err()
                    .get("fail_after")
                    .is_some()
            );
        }
    }
}
