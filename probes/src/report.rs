//! Probe stage: all outcomes of one probe run, for both address families.

use serde::{Deserialize, Serialize};

use crate::{Family, Outcome};

/// What [`crate::Prober::run`] returns: the IPv6 outcome(s) and, where the target has IPv4,
/// the IPv4 outcome(s), so that "works over IPv4, fails over IPv6" is visible.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProbeReport {
    pub outcomes: Vec<Outcome>,
}

impl ProbeReport {
    pub fn new(outcomes: Vec<Outcome>) -> ProbeReport {
        ProbeReport { outcomes }
    }

    /// The outcomes of one family, in probe order.
    pub fn family(&self, family: Family) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(move |o| o.family == family)
    }

    /// At least one IPv6 outcome succeeded.
    pub fn v6_ok(&self) -> bool {
        self.family(Family::V6).any(Outcome::is_ok)
    }

    /// At least one IPv4 outcome succeeded.
    pub fn v4_ok(&self) -> bool {
        self.family(Family::V4).any(Outcome::is_ok)
    }

    /// Works over IPv4 but not over IPv6.
    pub fn degraded(&self) -> bool {
        self.v4_ok() && !self.v6_ok()
    }

    /// The most telling outcome of a family: the fastest success, else the first failure.
    pub fn best(&self, family: Family) -> Option<&Outcome> {
        let fastest_ok = self.family(family).filter(|o| o.is_ok()).min_by(|a, b| {
            let a = a.latency_ms.unwrap_or(f64::MAX);
            let b = b.latency_ms.unwrap_or(f64::MAX);
            a.total_cmp(&b)
        });
        fastest_ok.or_else(|| self.family(family).next())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ProbeKind, Reason};

    fn outcome(family: Family, reason: Reason, latency: Option<f64>) -> Outcome {
        let mut o = Outcome::new(ProbeKind::Tcp, family, None, reason, "");
        o.latency_ms = latency;
        o
    }

    /// Outcomes, then whether v6 works, v4 works, and the report is degraded.
    type Case<'a> = (&'a [(Family, Reason, Option<f64>)], bool, bool, bool);

    #[test]
    fn helpers_tell_degraded_and_best() {
        let cases: &[Case] = &[
            (&[], false, false, false),
            (&[(Family::V6, Reason::Ok, Some(1.0))], true, false, false),
            (
                &[
                    (Family::V6, Reason::Refused, None),
                    (Family::V4, Reason::Ok, Some(1.0)),
                ],
                false,
                true,
                true,
            ),
            (
                &[
                    (Family::V6, Reason::Timeout, None),
                    (Family::V6, Reason::Ok, Some(2.0)),
                    (Family::V4, Reason::Ok, Some(1.0)),
                ],
                true,
                true,
                false,
            ),
        ];
        for (outcomes, v6, v4, degraded) in cases {
            let report = ProbeReport::new(
                outcomes
                    .iter()
                    .map(|(f, r, l)| outcome(*f, *r, *l))
                    .collect(),
            );
            assert_eq!(report.v6_ok(), *v6, "{outcomes:?}");
            assert_eq!(report.v4_ok(), *v4, "{outcomes:?}");
            assert_eq!(report.degraded(), *degraded, "{outcomes:?}");
        }
    }

    #[test]
    fn best_prefers_fastest_success_then_first_failure() {
        let report = ProbeReport::new(vec![
            outcome(Family::V6, Reason::Timeout, None),
            outcome(Family::V6, Reason::Ok, Some(5.0)),
            outcome(Family::V6, Reason::Ok, Some(0.0)),
            outcome(Family::V4, Reason::Refused, None),
            outcome(Family::V4, Reason::Unreachable, None),
        ]);
        assert_eq!(report.best(Family::V6).unwrap().latency_ms, Some(0.0));
        assert_eq!(report.best(Family::V4).unwrap().reason, Reason::Refused);
        assert!(ProbeReport::default().best(Family::V6).is_none());
    }
}
