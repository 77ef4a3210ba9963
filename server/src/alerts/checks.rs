//! Failing and recovering checks: N failed IPv6 runs in a row open an incident (down, or
//! degraded when IPv4 still works), M passed runs resolve it, and too many of these
//! transitions within the window fold into one "flapping" incident. A check that has never
//! passed over IPv6 has nothing to regress from: past the same failure threshold it opens one
//! "never worked" incident for its subject (the subject's other checks that never worked join
//! it, and so does a service's first verdict when it is broken), resolved by its first IPv6
//! success.

use super::describe;
use super::detector::Detector;
use super::incident::Rule;
use super::observation::Run;
use super::subject::CheckInfo;

impl Detector<'_> {
    pub(super) fn observe_run(&mut self, run: &Run) {
        let Some(info) = self.topology().checks.get(&run.check_id).cloned() else {
            return;
        };
        let Some(v6) = &run.v6 else {
            return;
        };
        if info.path_mtu && v6.reason == "socket_error" {
            return;
        }
        // A path MTU probe speaks only of black holes: a far end that answers nothing is the
        // tunnel's echo check's incident, not a second one.
        let ok = if info.path_mtu {
            v6.reason != "pmtu_blackhole"
        } else {
            v6.ok
        };
        let thresholds = info.thresholds.unwrap_or(self.rules().thresholds);
        let passed_before = self.input.passed_before.contains(&run.check_id);
        let check = self.state.checks.entry(run.check_id).or_default();
        if !check.history_read {
            check.history_read = true;
            check.seen_ok |= passed_before;
        }
        if let Some(v4) = &run.v4 {
            check.v4_ok = Some(v4.ok);
        }
        let mut transition = None;
        let mut never_worked = false;
        if ok {
            check.passes = check.passes.saturating_add(1);
            check.fails = 0;
            check.seen_ok = true;
            if check.failing && check.passes >= thresholds.recover_after {
                check.failing = false;
                transition = Some(false);
            }
            if let Some(id) = check.never_worked.take() {
                self.worked_at_last(id, run.at);
            }
        } else {
            check.fails = check.fails.saturating_add(1);
            check.passes = 0;
            if !check.failing && check.seen_ok && check.fails >= thresholds.fail_after {
                check.failing = true;
                transition = Some(true);
            }
            never_worked = !check.seen_ok
                && check.never_worked.is_none()
                && check.fails >= thresholds.fail_after;
        }
        if let Some(opening) = transition {
            self.transition(run, &info, opening);
        }
        if never_worked {
            self.never_worked(run, &info);
        }
    }

    /// A check that has not passed once crossed its failure threshold: it joins the open
    /// "never worked" incident of its subject, or opens it (one per subject, so a host
    /// whose addresses all fail is one message).
    fn never_worked(&mut self, run: &Run, info: &CheckInfo) {
        let joined = self
            .state
            .open
            .iter()
            .find(|(_, o)| o.rule == Rule::NeverWorked && o.subject == info.subject)
            .map(|(id, _)| *id);
        let id = match joined {
            Some(id) => id,
            None => {
                let label = self.topology().label(info.subject);
                let fails = self.state.checks.get(&run.check_id).map_or(0, |c| c.fails);
                let about = describe::About {
                    label: &label,
                    subject: info.subject,
                    check_id: run.check_id,
                    target: &info.target,
                };
                self.open(describe::never_worked(about, run, fails))
            }
        };
        if let Some(check) = self.state.checks.get_mut(&run.check_id) {
            check.never_worked = Some(id);
        }
    }

    /// One of the checks of a "never worked" incident passed: the incident resolves once
    /// none of its checks is still without a pass.
    pub(super) fn worked_at_last(&mut self, id: i64, at: i64) {
        let others = self
            .state
            .checks
            .values()
            .any(|c| c.never_worked == Some(id))
            || self
                .state
                .services
                .values()
                .any(|s| s.never_worked == Some(id));
        if !others {
            self.resolve(id, at);
        }
    }

    fn transition(&mut self, run: &Run, info: &super::subject::CheckInfo, opening: bool) {
        let (window, most) = (self.rules().flap_window_ms, self.rules().flap_transitions);
        let label = self.topology().label(info.subject);
        let Some(check) = self.state.checks.get_mut(&run.check_id) else {
            return;
        };
        check.transitions.push(run.at);
        check.transitions.retain(|t| *t > run.at - window);
        if check.flapping.is_some() {
            return;
        }
        let fails = check.fails;
        if check.transitions.len() >= most {
            let count = check.transitions.len();
            let earlier = check.incident.take();
            let about = describe::About {
                label: &label,
                subject: info.subject,
                check_id: run.check_id,
                target: &info.target,
            };
            let draft = describe::flapping(about, run.at, count, window);
            let flap = self.open(draft);
            // The flapping message takes over from the earlier incident: no "resolved" for it.
            if let Some(earlier) = earlier {
                self.fold(earlier, flap);
                if let Some(open) = self.state.open.get_mut(&earlier) {
                    open.notified = false;
                }
                self.resolve(earlier, run.at);
            }
            if let Some(check) = self.state.checks.get_mut(&run.check_id) {
                check.flapping = Some(flap);
            }
            return;
        }
        if opening {
            let draft = describe::check_failing(
                &label,
                info.subject,
                run.check_id,
                &info.target,
                run,
                fails,
            );
            let id = self.open(draft);
            if let Some(check) = self.state.checks.get_mut(&run.check_id) {
                check.incident = Some(id);
            }
        } else if let Some(id) = check.incident.take() {
            self.resolve(id, run.at);
        }
    }

    /// Ends the flapping incidents quiet for a whole window; a check still failing then gets
    /// an ordinary incident.
    pub(super) fn end_quiet_flapping(&mut self, now: i64) {
        let window = self.rules().flap_window_ms;
        let quiet: Vec<(i64, i64)> = self
            .state
            .checks
            .iter()
            .filter_map(|(id, c)| {
                let last = c.transitions.last().copied().unwrap_or(i64::MIN);
                c.flapping
                    .filter(|_| now.saturating_sub(last) >= window)
                    .map(|f| (*id, f))
            })
            .collect();
        for (check_id, flap) in quiet {
            self.resolve(flap, now);
            let Some(check) = self.state.checks.get_mut(&check_id) else {
                continue;
            };
            check.flapping = None;
            check.transitions.clear();
            if !check.failing {
                continue;
            }
            let (fails, v4_ok) = (check.fails, check.v4_ok);
            let Some(info) = self.topology().checks.get(&check_id).cloned() else {
                continue;
            };
            let label = self.topology().label(info.subject);
            let run = Run {
                check_id,
                at: now,
                v6: None,
                v4: v4_ok.map(|ok| super::observation::Sample {
                    ok,
                    reason: if ok { "ok".into() } else { "failed".into() },
                    address: None,
                    latency_ms: None,
                }),
            };
            let draft =
                describe::check_failing(&label, info.subject, check_id, &info.target, &run, fails);
            let id = self.open(draft);
            if let Some(check) = self.state.checks.get_mut(&check_id) {
                check.incident = Some(id);
            }
        }
    }
}
