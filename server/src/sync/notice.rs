//! The alert a sync round raises: one outbox message per round that found containers
//! appearing or gaining an address (other changes, such as a new published port, are only
//! logged). Pure: worked out from the round's plan.

use super::Target;
use model::import::file::ContainerEntry;
use model::import::plan::{Action, Entry, Plan};
use serde_json::json;
use store::sync::SyncNotice;

/// What happened to one container, as told in the message.
fn event(action: Action, before: Option<&Entry>, after: &ContainerEntry) -> Option<String> {
    let addresses = |list: &[String]| {
        if list.is_empty() {
            String::new()
        } else {
            format!(" ({})", list.join(", "))
        }
    };
    match (action, before) {
        (Action::Create, _) => Some(format!(
            "container {} appeared{}",
            after.name,
            addresses(&after.addresses)
        )),
        (Action::Update, Some(Entry::Container(b))) => {
            let new: Vec<String> = after
                .addresses
                .iter()
                .filter(|a| !b.addresses.contains(a))
                .cloned()
                .collect();
            (!new.is_empty()).then(|| {
                let word = if new.len() == 1 {
                    "address"
                } else {
                    "addresses"
                };
                format!(
                    "container {} has a new {word}: {}",
                    after.name,
                    new.join(", ")
                )
            })
        }
        _ => None,
    }
}

/// The round's message, or None when no container appeared or gained an address.
pub fn of(plan: &Plan, target: &Target, now: i64) -> Option<SyncNotice> {
    let mut lines = Vec::new();
    let mut host = None;
    for row in &plan.rows {
        if let Some(Entry::Container(after)) = &row.after
            && let Some(line) = event(row.action, row.before.as_ref(), after)
        {
            host.get_or_insert_with(|| after.host.clone());
            lines.push(line);
        }
    }
    let host = host?;
    let runtime = target.runtime.label();
    let title = match lines.as_slice() {
        [one] => format!("{one} on {runtime} host {host}"),
        more => format!("{} container changes on {runtime} host {host}", more.len()),
    };
    let body = format!(
        "Live sync of {runtime} on {host} (socket {}) found:\n{}\n\nThe inventory was updated; nothing was deleted.",
        target.socket.display(),
        lines
            .iter()
            .map(|l| format!("- {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let details = json!({
        "runtime": target.runtime.code(),
        "host": host,
        "socket": target.socket.display().to_string(),
        "changes": lines,
    });
    Some(SyncNotice {
        host,
        at: now,
        title,
        body,
        details: details.to_string(),
    })
}
