//! Latency regressions on echo checks (hosts, containers, tunnels): the median of the last few
//! successful runs well above the median of the runs before them. The baseline stands still
//! while an incident is open, so a lasting slowdown does not become the new normal unnoticed.

use super::describe;
use super::detector::Detector;
use super::observation::Run;

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.is_empty() {
        0.0
    } else if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

impl Detector<'_> {
    pub(super) fn observe_latency(&mut self, run: &Run) {
        let Some(info) = self.topology().checks.get(&run.check_id).cloned() else {
            return;
        };
        let Some(latency) = run
            .v6
            .as_ref()
            .filter(|s| s.ok)
            .and_then(|s| s.latency_ms)
            .filter(|l| l.is_finite() && info.latency)
        else {
            return;
        };
        let rules = self.rules().latency;
        let check = self.state.checks.entry(run.check_id).or_default();
        let state = &mut check.latency;
        state.recent.push(latency);
        if state.recent.len() > rules.recent {
            let older = state.recent.remove(0);
            if state.incident.is_none() {
                state.baseline.push(older);
                if state.baseline.len() > rules.baseline {
                    state.baseline.remove(0);
                }
            }
        }
        if state.recent.len() < rules.recent || state.baseline.len() < rules.min_baseline {
            return;
        }
        let (recent, baseline) = (median(&state.recent), median(&state.baseline));
        let regressed =
            recent > baseline * rules.factor && recent - baseline >= rules.min_increase_ms;
        match (regressed, state.incident) {
            (true, None) => {
                let label = self.topology().label(info.subject);
                let about = describe::About {
                    label: &label,
                    subject: info.subject,
                    check_id: run.check_id,
                    target: &info.target,
                };
                let draft = describe::latency(about, run.at, recent, baseline, rules.recent);
                let id = self.open(draft);
                if let Some(check) = self.state.checks.get_mut(&run.check_id) {
                    check.latency.incident = Some(id);
                }
            }
            (false, Some(id)) => {
                state.incident = None;
                self.resolve(id, run.at);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(super::median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(super::median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(super::median(&[]), 0.0);
    }
}
