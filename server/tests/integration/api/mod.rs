//! The JSON API end to end over HTTP: tokens made on the `/tokens` page (shown once), bearer
//! authentication and scopes, the inventory written with the forms' validation, and reads of
//! checks, results, verdicts and incidents.

mod inventory;
mod inventory_file;
mod plan_findings;
mod reads;
pub(crate) mod support;
mod tokens;
