//! Verdict stage: what changed between two verdicts on the same service, for the alert stage.

use probes::Reason;
use serde::{Deserialize, Serialize};

use crate::{DepVerdict, ServiceVerdict, Verdict};

/// One difference between an earlier and a later verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum VerdictChange {
    /// The service verdict changed.
    Verdict {
        before: Verdict,
        after: Verdict,
        /// The service's reason after the change (`None` unless broken).
        reason: Option<Reason>,
    },
    /// A dependency host that worked (or was not there) is now broken.
    DependencyBroken {
        host: String,
        reason: Option<Reason>,
    },
    /// A dependency host that was broken now works.
    DependencyRecovered { host: String, verdict: DepVerdict },
}

impl ServiceVerdict {
    /// The changes from `before` to `self`: the service verdict first, then dependency hosts
    /// in `self`'s order. A host that disappeared is not reported; a new host is reported only
    /// when it is broken.
    pub fn diff(&self, before: &ServiceVerdict) -> Vec<VerdictChange> {
        let mut changes = Vec::new();
        if self.verdict != before.verdict {
            changes.push(VerdictChange::Verdict {
                before: before.verdict,
                after: self.verdict,
                reason: self.reason,
            });
        }
        for dep in &self.dependencies {
            let was = before
                .dependencies
                .iter()
                .find(|old| old.host == dep.host)
                .map(|old| old.verdict);
            let broken_now = dep.verdict == DepVerdict::Broken;
            let broken_before = was == Some(DepVerdict::Broken);
            if broken_now && !broken_before {
                changes.push(VerdictChange::DependencyBroken {
                    host: dep.host.clone(),
                    reason: dep.reason,
                });
            } else if !broken_now && broken_before {
                changes.push(VerdictChange::DependencyRecovered {
                    host: dep.host.clone(),
                    verdict: dep.verdict,
                });
            }
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DependencyVerdict;

    fn dep(host: &str, verdict: DepVerdict) -> DependencyVerdict {
        DependencyVerdict {
            host: host.to_string(),
            verdict,
            reason: (verdict == DepVerdict::Broken).then_some(Reason::NoAaaa),
            addresses: Vec::new(),
            urls: Vec::new(),
            kinds: Vec::new(),
            checked: None,
            detail: String::new(),
            found_by: Vec::new(),
            requests: Vec::new(),
        }
    }

    fn service(verdict: Verdict, deps: &[(&str, DepVerdict)]) -> ServiceVerdict {
        ServiceVerdict {
            target: "http://dual.lab.test/".into(),
            verdict,
            reason: (verdict == Verdict::Broken).then_some(Reason::Timeout),
            addresses: Vec::new(),
            final_url: None,
            nat64: false,
            dependencies: deps.iter().map(|(h, v)| dep(h, *v)).collect(),
            truncated: false,
            checked_at: None,
            detail: String::new(),
            judged_by: Vec::new(),
            browser_note: None,
        }
    }

    #[test]
    fn diffs_list_verdict_and_dependency_changes() {
        use DepVerdict::{Broken as B, Nat64 as N, Ready as R};
        type Side = (Verdict, &'static [(&'static str, DepVerdict)]);
        let broken = |host: &str| VerdictChange::DependencyBroken {
            host: host.into(),
            reason: Some(Reason::NoAaaa),
        };
        let recovered = |host: &str, verdict| VerdictChange::DependencyRecovered {
            host: host.into(),
            verdict,
        };
        // before, after, expected changes
        let cases: Vec<(Side, Side, Vec<VerdictChange>)> = vec![
            (
                (Verdict::Ready, &[("a", R)]),
                (Verdict::Ready, &[("a", R)]),
                vec![],
            ),
            (
                (Verdict::Ready, &[("a", R), ("b", N)]),
                (Verdict::Partial, &[("a", R), ("b", B)]),
                vec![
                    VerdictChange::Verdict {
                        before: Verdict::Ready,
                        after: Verdict::Partial,
                        reason: None,
                    },
                    broken("b"),
                ],
            ),
            (
                (Verdict::Partial, &[("a", B), ("b", B)]),
                (Verdict::Partial, &[("a", N), ("b", B)]),
                vec![recovered("a", N)],
            ),
            (
                (Verdict::Partial, &[("a", B)]),
                (Verdict::Ready, &[("a", R)]),
                vec![
                    VerdictChange::Verdict {
                        before: Verdict::Partial,
                        after: Verdict::Ready,
                        reason: None,
                    },
                    recovered("a", R),
                ],
            ),
            (
                (Verdict::Ready, &[("a", R)]),
                (Verdict::Broken, &[]),
                vec![VerdictChange::Verdict {
                    before: Verdict::Ready,
                    after: Verdict::Broken,
                    reason: Some(Reason::Timeout),
                }],
            ),
            // A new host shows only when it is broken; a vanished host is not reported.
            (
                (Verdict::Partial, &[("gone", B)]),
                (Verdict::Partial, &[("new", B), ("fine", R)]),
                vec![broken("new")],
            ),
        ];
        for (n, (before, after, want)) in cases.into_iter().enumerate() {
            let before = service(before.0, before.1);
            let after = service(after.0, after.1);
            assert_eq!(after.diff(&before), want, "case {n}");
        }
    }

    #[test]
    fn changes_serialize_with_a_tag() {
        let change = VerdictChange::DependencyBroken {
            host: "v4only.lab.test".into(),
            reason: Some(Reason::NoAaaa),
        };
        assert_eq!(
            serde_json::to_value(&change).unwrap(),
            serde_json::json!({"change": "dependency_broken", "host": "v4only.lab.test", "reason": "no_aaaa"})
        );
    }
}
