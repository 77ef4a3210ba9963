//! Validated values at the edge: every form, import and API input goes through these
//! parsers, so the rest of v6watch never sees a malformed address, prefix or name.

pub mod account;
pub mod address;
pub mod alerts;
pub mod api_token;
pub mod field_errors;
pub mod form;
pub mod listing;
pub mod names;
pub mod nameserver;
pub mod prefix;
pub mod tags;
pub mod web;

pub use address::{AddressKind, parse_address};
pub use field_errors::FieldErrors;
pub use form::FormValues;
pub use names::{parse_dns_name, parse_name};
pub use nameserver::{NameserverError, parse_nameserver};
pub use prefix::parse_prefix;
pub use tags::parse_tags;
pub use web::{local_path, parse_endpoint, parse_http_url, parse_mtu, parse_port, parse_status};
