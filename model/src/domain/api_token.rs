//! The API token form: a name and a scope (read, or read and write the inventory).

use super::{FieldErrors, parse_name};
use crate::domain::FormValues;
use crate::domain::form::{Choice, value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenScope {
    Read,
    Write,
}

impl Choice for TokenScope {
    const ALL: &'static [Self] = &[Self::Read, Self::Write];
    fn code(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Read => "Read everything",
            Self::Write => "Read everything, write the inventory",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInput {
    pub name: String,
    pub scope: TokenScope,
}

impl TokenInput {
    pub fn validate(values: &FormValues) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", parse_name(value(values, "name")));
        let scope = errors.check("scope", TokenScope::parse(value(values, "scope")));
        match (name, scope) {
            (Some(name), Some(scope)) => Ok(Self { name, scope }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_needs_a_name_and_a_known_scope() {
        let form = |name: &str, scope: &str| {
            FormValues::from([("name".into(), name.into()), ("scope".into(), scope.into())])
        };
        let ok = TokenInput::validate(&form(" ci ", "write")).unwrap();
        assert_eq!((ok.name.as_str(), ok.scope), ("ci", TokenScope::Write));
        let errors = TokenInput::validate(&form("", "admin")).unwrap_err();
        assert_eq!(errors.get("name"), Some("enter a name"));
        assert_eq!(
            errors.get("scope"),
            Some("choose one of the listed options")
        );
    }
}
