//! Scheduler stage, address-plan watch: after each DNS drift scan, the plan's problems that
//! were not found before (severity `problem`: the same address twice, loopback or link-local
//! where a global address is needed, a prefix longer than /64 on a SLAAC segment, DNS drift,
//! a name with A but no AAAA) go to the channels in one message, rule `plan_problem`.
//! Warnings stay on the address plan page; the first watch of a database tells nothing.

use model::plan_rules::Finding;
use serde_json::json;
use sqlx::SqlitePool;
use store::plan_findings::{self, PlanMessage};

/// The alert rule code of an address-plan problem new to the plan.
pub const RULE: &str = "plan_problem";

/// One watch at `now_ms` (Unix milliseconds): the problems it told.
pub async fn step(pool: &SqlitePool, now_ms: i64) -> anyhow::Result<Vec<Finding>> {
    let findings = plan_findings::current(pool).await?;
    Ok(plan_findings::watch(pool, &findings, now_ms, message).await?)
}

/// One message for all the problems a watch found new, each named with what to do.
pub fn message(new: &[Finding]) -> PlanMessage {
    let (subject_kind, subject_id) = new
        .iter()
        .find_map(|f| f.objects.first())
        .map_or(("plan".to_string(), 0), |o| (o.kind.clone(), o.id));
    let title = match new {
        [one] => format!("Address plan: {}", one.explanation),
        many => format!("Address plan: {} new problems", many.len()),
    };
    let body = new
        .iter()
        .map(|f| format!("- {} ({}): {}", f.explanation, f.code, f.action))
        .collect::<Vec<_>>()
        .join("\n");
    let findings: Vec<_> = new
        .iter()
        .map(|f| {
            json!({
                "code": f.code,
                "subject": f.subject,
                "explanation": f.explanation,
                "action": f.action,
                "objects": f.objects.iter().map(|o| json!({"kind": o.kind, "id": o.id, "label": o.label})).collect::<Vec<_>>(),
            })
        })
        .collect();
    PlanMessage {
        subject_kind,
        subject_id,
        title,
        body,
        details: json!({ "rule": RULE, "findings": findings }).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::plan_rules::{PlanObject, Severity};

    fn finding(code: &str, explanation: &str) -> Finding {
        Finding {
            code: code.into(),
            severity: Severity::Problem,
            subject: "2001:db8::1".into(),
            objects: vec![PlanObject {
                kind: "container".into(),
                id: 4,
                label: "web".into(),
                link: "/containers/4".into(),
            }],
            field: "addresses".into(),
            explanation: explanation.into(),
            action: "give each its own address".into(),
        }
    }

    #[test]
    fn one_problem_is_the_title_and_several_are_counted_and_listed() {
        let one = message(&[finding("duplicate_address", "2001:db8::1 is on web and db")]);
        assert_eq!(one.title, "Address plan: 2001:db8::1 is on web and db");
        assert_eq!(
            (one.subject_kind.as_str(), one.subject_id),
            ("container", 4)
        );
        assert_eq!(
            one.body,
            "- 2001:db8::1 is on web and db (duplicate_address): give each its own address"
        );
        let details: serde_json::Value = serde_json::from_str(&one.details).unwrap();
        assert_eq!(details["rule"], RULE);
        assert_eq!(details["findings"][0]["objects"][0]["label"], "web");

        let two = message(&[finding("a", "first"), finding("b", "second")]);
        assert_eq!(two.title, "Address plan: 2 new problems");
        assert_eq!(two.body.lines().count(), 2);
    }
}
