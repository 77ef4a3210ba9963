//! Prefixes of the address plan.

use crate::domain::form::{FormValues, free_text, value};
use crate::domain::{FieldErrors, parse_prefix};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Prefix {
    pub id: i64,
    pub cidr: String,
    pub purpose: String,
    pub created_at: String,
    pub updated_at: String,
}

impl Prefix {
    pub fn net(&self) -> Option<IpNet> {
        self.cidr.parse().ok()
    }

    pub fn form_values(&self) -> FormValues {
        FormValues::from([
            ("cidr".into(), self.cidr.clone()),
            ("purpose".into(), self.purpose.clone()),
        ])
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PrefixInput {
    pub cidr: IpNet,
    pub purpose: String,
}

impl PrefixInput {
    pub fn validate(values: &FormValues) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let cidr = errors.check("cidr", parse_prefix(value(values, "cidr")));
        let purpose = free_text(&mut errors, values, "purpose", 200);
        match cidr {
            Some(cidr) if errors.is_empty() => Ok(Self { cidr, purpose }),
            _ => Err(errors),
        }
    }
}
