//! Hosts and their addresses.

use crate::domain::form::{FormValues, address_lines, free_text, optional, value};

/// Most characters of a host's or container's notes.
pub const MAX_NOTES: usize = 4000;
use crate::domain::{AddressKind, FieldErrors, parse_dns_name, parse_name, parse_tags};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub id: i64,
    pub address: String,
    pub kind: AddressKind,
    /// The MAC an EUI-64 interface identifier encodes.
    pub mac: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Host {
    pub id: i64,
    pub name: String,
    pub dns_name: Option<String>,
    pub notes: String,
    pub tags: Vec<String>,
    pub addresses: Vec<Address>,
    pub created_at: String,
    pub updated_at: String,
}

impl Host {
    /// The form values that show this host in its edit form.
    pub fn form_values(&self) -> FormValues {
        FormValues::from([
            ("name".into(), self.name.clone()),
            ("dns_name".into(), self.dns_name.clone().unwrap_or_default()),
            (
                "addresses".into(),
                self.addresses
                    .iter()
                    .map(|a| a.address.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            ("notes".into(), self.notes.clone()),
            ("tags".into(), self.tags.join(", ")),
        ])
    }
}

/// What deleting a host takes with it (containers and services) or detaches (tunnels).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HostDependents {
    pub containers: Vec<String>,
    pub services: Vec<String>,
    pub tunnels: Vec<String>,
}

impl HostDependents {
    pub fn is_empty(&self) -> bool {
        self.containers.is_empty() && self.services.is_empty() && self.tunnels.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct HostInput {
    pub name: String,
    pub dns_name: Option<String>,
    pub addresses: Vec<IpAddr>,
    pub notes: String,
    pub tags: Vec<String>,
}

impl HostInput {
    pub fn validate(values: &FormValues) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", parse_name(value(values, "name")));
        let dns_name = optional(&mut errors, values, "dns_name", parse_dns_name);
        let addresses = address_lines(&mut errors, values, "addresses");
        let notes = free_text(&mut errors, values, "notes", MAX_NOTES);
        let tags = errors.check("tags", parse_tags(value(values, "tags")));
        match (name, tags) {
            (Some(name), Some(tags)) if errors.is_empty() => Ok(Self {
                name,
                dns_name,
                addresses,
                notes,
                tags,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::test_form as form;

    #[test]
    fn a_good_host_form_validates() {
        let input = HostInput::validate(&form(&[
            ("name", "router"),
            ("dns_name", "Router.Lab.Test"),
            ("addresses", "2001:db8::1\n\n192.0.2.1\n2001:db8::1"),
            ("tags", "edge, lab"),
        ]))
        .unwrap();
        assert_eq!(input.dns_name.as_deref(), Some("router.lab.test"));
        assert_eq!(input.addresses.len(), 2, "duplicates are dropped");
        assert_eq!(input.tags, ["edge", "lab"]);
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let errors = HostInput::validate(&form(&[
            ("name", ""),
            ("dns_name", "bad name"),
            ("addresses", "2001:db8::1\n2001:db8::zz"),
            ("tags", "a@b"),
        ]))
        .unwrap_err();
        assert_eq!(errors.get("name"), Some("enter a name"));
        assert!(errors.get("dns_name").unwrap().contains("not allowed"));
        assert_eq!(
            errors.get("addresses"),
            Some("line 2: '2001:db8::zz' is not an IPv6 or IPv4 address")
        );
        assert!(errors.get("tags").is_some());
    }
}
