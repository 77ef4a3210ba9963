//! The pure detector: prior state plus new observations in, new state plus incident changes
//! and outbox notices out. No I/O, no clock: the caller passes `now`.
//!
//! Root cause first: an incident on something behind a host or tunnel that is down is folded
//! into that incident and sends nothing; it also waits `fold_grace_ms` before it is sent, so
//! the order in which checks happen to run does not matter. Likewise a subject's own "down"
//! (or degraded, flapping) incident takes in its verdict and latency incidents: a service
//! that stopped answering is one message, not also "verdict ready → broken". Muted subjects
//! record incidents but send nothing.

use super::describe::{self, Draft};
use super::incident::{Incident, IncidentChange, Notice, NoticeKind, Rule};
use super::observation::{Mute, Run, VerdictObservation};
use super::rules::Rules;
use super::state::{OpenIncident, State};
use super::subject::{Subject, Topology};
use std::collections::HashSet;

pub struct Input<'a> {
    /// Unix ms.
    pub now: i64,
    pub runs: &'a [Run],
    pub verdicts: &'a [VerdictObservation],
    pub topology: &'a Topology,
    pub rules: &'a Rules,
    pub mutes: &'a [Mute],
    /// Checks of `runs` that passed over IPv6 before these runs, as far as the store knows
    /// (asked once per check, for those whose streak has not read its history yet).
    pub passed_before: &'a HashSet<i64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Output {
    pub state: State,
    pub changes: Vec<IncidentChange>,
    pub notices: Vec<Notice>,
}

pub fn detect(prior: &State, input: &Input) -> Output {
    let mut detector = Detector {
        state: prior.clone(),
        input,
        changes: Vec::new(),
        notices: Vec::new(),
    };
    detector.state.next_incident = detector.state.next_incident.max(1);
    for run in input.runs {
        detector.observe_run(run);
        detector.observe_latency(run);
    }
    for event in input.verdicts {
        detector.observe_verdict(event);
    }
    detector.forget_removed(input.now);
    detector.end_quiet_flapping(input.now);
    detector.send_due(input.now);
    Output {
        state: detector.state,
        changes: detector.changes,
        notices: detector.notices,
    }
}

pub(super) struct Detector<'a> {
    pub state: State,
    pub input: &'a Input<'a>,
    changes: Vec<IncidentChange>,
    notices: Vec<Notice>,
}

impl Detector<'_> {
    pub fn rules(&self) -> &Rules {
        self.input.rules
    }

    pub fn topology(&self) -> &Topology {
        self.input.topology
    }

    fn muted(&self, subject: Subject, at: i64) -> bool {
        let mut covered = self.topology().ancestors(subject);
        covered.push(subject);
        self.input
            .mutes
            .iter()
            .any(|m| m.until > at && covered.contains(&m.subject))
    }

    /// The open root-cause incident that an incident of `rule` on `subject` folds into: the
    /// one farthest up from it, else the subject's own when `rule` is a consequence.
    fn root_of(&self, subject: Subject, rule: Rule) -> Option<i64> {
        let root_on = |s: Subject| {
            self.state
                .open
                .iter()
                .find(|(_, o)| o.subject == s && o.folded_into.is_none() && o.rule.is_root_cause())
                .map(|(id, _)| *id)
        };
        let mut candidates = self.topology().ancestors(subject);
        candidates.reverse();
        if !rule.is_root_cause() {
            candidates.push(subject);
        }
        candidates.into_iter().find_map(root_on)
    }

    /// Opens an incident; returns its id.
    pub fn open(&mut self, draft: Draft) -> i64 {
        let id = self.state.next_incident;
        self.state.next_incident += 1;
        let subject = draft.subject;
        let muted = self.muted(subject, draft.at);
        let folded_into = self.root_of(subject, draft.rule);
        let behind_something = !self.topology().ancestors(subject).is_empty();
        let label = self.topology().label(subject);
        let incident = Incident {
            id,
            rule: draft.rule,
            severity: draft.severity,
            subject,
            subject_name: self.topology().name(subject),
            check_id: draft.check_id,
            opened_at: draft.at,
            title: draft.title.clone(),
            before: draft.before.clone(),
            after: draft.after.clone(),
            evidence: draft.evidence.clone(),
            folded_into,
            muted,
        };
        self.state.open.insert(
            id,
            OpenIncident {
                subject,
                rule: draft.rule,
                severity: draft.severity,
                check_id: draft.check_id,
                opened_at: draft.at,
                title: draft.title.clone(),
                folded_into,
                muted,
                notified: false,
                notify_after: if behind_something {
                    draft.at + self.rules().fold_grace_ms
                } else {
                    draft.at
                },
                body: describe::opened_body(&draft, &label),
                details: describe::details(id, &draft, &label),
            },
        );
        self.changes.push(IncidentChange::Opened(incident));
        if folded_into.is_none() && draft.rule.is_root_cause() {
            self.fold_behind(id, subject);
        }
        id
    }

    /// Folds every open, unfolded incident behind `subject`, and its own consequences
    /// (verdict, latency), into `root`.
    fn fold_behind(&mut self, root: i64, subject: Subject) {
        let behind: Vec<i64> = self
            .state
            .open
            .iter()
            .filter(|(id, o)| {
                **id != root
                    && o.folded_into.is_none()
                    && (self.topology().ancestors(o.subject).contains(&subject)
                        || (o.subject == subject && !o.rule.is_root_cause()))
            })
            .map(|(id, _)| *id)
            .collect();
        for id in behind {
            self.fold(id, root);
        }
    }

    pub fn fold(&mut self, id: i64, into: i64) {
        if let Some(open) = self.state.open.get_mut(&id) {
            open.folded_into = Some(into);
            self.changes.push(IncidentChange::Folded {
                id,
                into: Some(into),
            });
        }
    }

    /// Resolves an incident; sends "resolved" only if its opening was sent (also when it was
    /// folded into a root cause afterwards: what was announced is also closed).
    pub fn resolve(&mut self, id: i64, at: i64) {
        let Some(open) = self.state.open.remove(&id) else {
            return;
        };
        self.changes.push(IncidentChange::Resolved { id, at });
        if open.notified && !open.muted {
            self.notices.push(Notice {
                incident_id: id,
                at,
                kind: NoticeKind::Resolved,
                severity: open.severity,
                subject: open.subject,
                title: format!("Resolved: {}", open.title),
                body: describe::resolved_body(&open, at),
                details: open.details.clone(),
            });
        }
        // What was folded into it and still fails stands on its own again, after a grace.
        let grace = self.rules().fold_grace_ms;
        let orphans: Vec<i64> = self
            .state
            .open
            .iter()
            .filter(|(_, o)| o.folded_into == Some(id))
            .map(|(id, _)| *id)
            .collect();
        for orphan in orphans {
            let new_root = self
                .state
                .open
                .get(&orphan)
                .and_then(|o| self.root_of(o.subject, o.rule));
            if let Some(o) = self.state.open.get_mut(&orphan) {
                o.folded_into = new_root;
                o.notify_after = o.notify_after.max(at + grace);
            }
            self.changes.push(IncidentChange::Folded {
                id: orphan,
                into: new_root,
            });
        }
    }

    /// Resolves the incidents of checks and services no longer in the inventory, and forgets
    /// their streaks.
    fn forget_removed(&mut self, now: i64) {
        let topology = self.input.topology;
        let gone: Vec<i64> = self
            .state
            .open
            .iter()
            .filter(|(id, o)| match o.check_id {
                // Shared by the subject's checks that never worked: gone with the last.
                Some(_) if o.rule == Rule::NeverWorked => {
                    !self.state.checks.iter().any(|(check, c)| {
                        c.never_worked == Some(**id) && topology.checks.contains_key(check)
                    }) && !self.state.services.iter().any(|(service, s)| {
                        s.never_worked == Some(**id)
                            && topology.names.contains_key(&Subject::new(
                                super::subject::SubjectKind::Service,
                                *service,
                            ))
                    })
                }
                Some(check) => !topology.checks.contains_key(&check),
                None => !topology.names.contains_key(&o.subject),
            })
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            self.resolve(id, now);
        }
        // What pointed at a resolved "never worked" incident no longer does.
        let open = &self.state.open;
        for check in self.state.checks.values_mut() {
            if check.never_worked.is_some_and(|id| !open.contains_key(&id)) {
                check.never_worked = None;
            }
        }
        for service in self.state.services.values_mut() {
            if service
                .never_worked
                .is_some_and(|id| !open.contains_key(&id))
            {
                service.never_worked = None;
            }
        }
        self.state
            .checks
            .retain(|id, _| topology.checks.contains_key(id));
        self.state.services.retain(|id, _| {
            topology
                .names
                .contains_key(&Subject::new(super::subject::SubjectKind::Service, *id))
        });
    }

    /// Sends the "opened" notices whose grace has passed.
    fn send_due(&mut self, now: i64) {
        for (id, open) in self.state.open.iter_mut() {
            if open.notified || open.muted || open.folded_into.is_some() || open.notify_after > now
            {
                continue;
            }
            open.notified = true;
            let kind = if open.rule == Rule::Flapping {
                NoticeKind::Flapping
            } else {
                NoticeKind::Opened
            };
            self.notices.push(Notice {
                incident_id: *id,
                at: now.max(open.opened_at),
                kind,
                severity: open.severity,
                subject: open.subject,
                title: open.title.clone(),
                body: open.body.clone(),
                details: open.details.clone(),
            });
        }
    }
}
