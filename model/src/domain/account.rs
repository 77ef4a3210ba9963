//! Account credentials as entered on the setup page.

use super::FieldErrors;
use crate::domain::FormValues;
use crate::domain::form::value;

/// The minimum password length: the dashboard has power over the network.
pub const MIN_PASSWORD: usize = 10;

#[derive(Debug)]
pub struct NewAccount {
    pub username: String,
    pub password: String,
}

impl NewAccount {
    pub fn validate(values: &FormValues) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let username = value(values, "username").trim().to_string();
        if username.is_empty()
            || username.len() > 64
            || username
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            errors.add(
                "username",
                "choose a user name of 1–64 characters without spaces",
            );
        }
        let password = value(values, "password").to_string();
        if password.chars().count() < MIN_PASSWORD {
            errors.add(
                "password",
                format!("use at least {MIN_PASSWORD} characters"),
            );
        } else if password.len() > 1024 {
            errors.add("password", "use at most 1024 characters");
        }
        if value(values, "confirm") != password {
            errors.add("confirm", "the two passwords differ");
        }
        if errors.is_empty() {
            Ok(Self { username, password })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_need_a_name_and_a_long_matching_password() {
        let form = |u: &str, p: &str, c: &str| -> FormValues {
            [("username", u), ("password", p), ("confirm", c)]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert!(NewAccount::validate(&form("admin", "correct horse", "correct horse")).is_ok());
        let cases = [
            (form("", "correct horse", "correct horse"), "username"),
            (form("ad min", "correct horse", "correct horse"), "username"),
            (form("admin", "short", "short"), "password"),
            (form("admin", "correct horse", "correct house"), "confirm"),
        ];
        for (values, field) in cases {
            let errors = NewAccount::validate(&values).unwrap_err();
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }
}
