//! After a save: the address-plan findings that concern the saved object, shown as
//! warnings next to the field that caused them. Saving is never refused by a warning.

use super::{Kind, flash_back};
use axum::response::Response;
use model::domain::{FieldErrors, FormValues};
use model::plan_rules::warning_key;
use sqlx::SqlitePool;
use tower_sessions::Session;

/// The saved object's warnings by form field, empty when there are none (or the rules
/// could not be read: the save itself already succeeded).
pub async fn for_object(pool: &SqlitePool, kind: &str, id: i64) -> FieldErrors {
    let mut warnings = FieldErrors::new();
    let findings = match store::plan_findings::current(pool).await {
        Ok(findings) => findings,
        Err(err) => {
            tracing::warn!(error = %err, "could not check the address plan after a save");
            return warnings;
        }
    };
    // An address outside every prefix is normal before the plan is declared: the plan page
    // lists those; a save warns only about the other rules.
    let relevant = findings
        .iter()
        .filter(|f| f.concerns(kind, id) && f.code != "outside_prefixes");
    for f in relevant {
        let key = warning_key(&f.field);
        let text = format!(
            "{}. To fix: {}. ({}, {})",
            f.explanation,
            f.action,
            f.code,
            f.severity.code()
        );
        let joined = match warnings.get(&key) {
            Some(before) => format!("{before} · {text}"),
            None => text,
        };
        warnings.0.insert(key, joined);
    }
    warnings
}

/// Sends the browser to the saved object's edit form with its warnings, if the save brought
/// new ones (`before`: the warnings it had already; an object with a known warning saves
/// as usual, the plan page keeps listing it).
pub async fn show(
    session: &Session,
    pool: &SqlitePool,
    kind: &Kind,
    id: i64,
    values: FormValues,
    before: FieldErrors,
) -> Option<Response> {
    let warnings = for_object(pool, kind.singular, id).await;
    if warnings.is_empty() || warnings.0 == before.0 {
        return None;
    }
    let count = warnings.0.len();
    super::super::tell(
        session,
        format!(
            "{} saved, with address-plan warnings on {count} field(s): fix them and save again, or keep it as saved.",
            kind.title()
        ),
    )
    .await;
    let form = format!("{}-edit-{id}", kind.singular);
    let back = format!("/{}/{id}/edit", kind.plural);
    Some(flash_back(session, &form, &back, values, warnings).await)
}
