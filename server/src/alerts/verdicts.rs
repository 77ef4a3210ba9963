//! Verdict regressions of services: the IPv6-only verdict got worse (ready -> partial ->
//! broken) or a dependency host broke (a new IPv4-only script on a page). Each worsening is
//! one incident; it resolves when the verdict is back to where it was and the hosts that
//! broke work again.

use super::describe::{self, Draft};
use super::detector::Detector;
use super::incident::{Rule, Severity};
use super::observation::{VerdictObservation, rank};
use super::subject::{Subject, SubjectKind};
use verdict::{Verdict, VerdictChange};

impl Detector<'_> {
    pub(super) fn observe_verdict(&mut self, event: &VerdictObservation) {
        let subject = Subject::new(SubjectKind::Service, event.service_id);
        let Some(before) = event.before else {
            // A first verdict is where the service starts, not a change; broken from the
            // start, the service never worked over IPv6.
            if event.after == Verdict::Broken {
                self.never_worked_verdict(subject, event);
            }
            return;
        };
        if rank(event.after) < rank(Verdict::Broken)
            && let Some(id) = self
                .state
                .services
                .get_mut(&event.service_id)
                .and_then(|s| s.never_worked.take())
        {
            self.worked_at_last(id, event.at);
        }
        let broke: Vec<&String> = event
            .changes
            .iter()
            .filter_map(|c| match c {
                VerdictChange::DependencyBroken { host, .. } => Some(host),
                _ => None,
            })
            .collect();
        let worse = rank(event.after) > rank(before);
        let service = self.state.services.entry(event.service_id).or_default();
        for change in &event.changes {
            if let VerdictChange::DependencyRecovered { host, .. } = change {
                service.broken_hosts.retain(|h| h != host);
            }
        }
        if worse || !broke.is_empty() {
            let baseline = match (service.incident, service.baseline) {
                (Some(_), Some(b)) => b,
                _ => before,
            };
            service.baseline = Some(baseline);
            for host in &broke {
                if !service.broken_hosts.contains(host) {
                    service.broken_hosts.push((*host).clone());
                }
            }
            let earlier = service.incident.take();
            let label = self.topology().label(subject);
            let draft = verdict_draft(&label, subject, before, event);
            // The earlier worsening is superseded by this one: one message per change.
            if let Some(earlier) = earlier {
                if let Some(open) = self.state.open.get_mut(&earlier) {
                    open.notified = false;
                }
                self.resolve(earlier, event.at);
            }
            let id = self.open(draft);
            if let Some(service) = self.state.services.get_mut(&event.service_id) {
                service.incident = Some(id);
            }
            return;
        }
        let Some(id) = service.incident else {
            return;
        };
        let baseline = service.baseline.unwrap_or(Verdict::Ready);
        if rank(event.after) <= rank(baseline) && service.broken_hosts.is_empty() {
            service.incident = None;
            service.baseline = None;
            self.resolve(id, event.at);
        }
    }
}

impl Detector<'_> {
    /// A service whose first verdict is broken joins its open "never worked" incident (from
    /// a check of it that never passed), or opens it.
    fn never_worked_verdict(&mut self, subject: Subject, event: &VerdictObservation) {
        let joined = self
            .state
            .open
            .iter()
            .find(|(_, o)| o.rule == Rule::NeverWorked && o.subject == subject)
            .map(|(id, _)| *id);
        let id = match joined {
            Some(id) => id,
            None => {
                let label = self.topology().label(subject);
                let mut evidence = vec!["the first IPv6-only verdict is broken".to_string()];
                evidence.extend(event.changes.iter().map(describe::verdict_change));
                if !event.addresses.is_empty() {
                    evidence.push(format!("addresses: {}", event.addresses.join(", ")));
                }
                self.open(Draft {
                    rule: Rule::NeverWorked,
                    severity: Severity::Warning,
                    subject,
                    check_id: None,
                    at: event.at,
                    title: format!("{label}: never worked over IPv6 (IPv6-only verdict broken)"),
                    before: "no IPv6-only verdict yet".into(),
                    after: event.after.as_str().into(),
                    evidence,
                })
            }
        };
        self.state
            .services
            .entry(event.service_id)
            .or_default()
            .never_worked = Some(id);
    }
}

fn verdict_draft(
    label: &str,
    subject: Subject,
    before: Verdict,
    event: &VerdictObservation,
) -> Draft {
    let broken_dep = event.changes.iter().find_map(|c| match c {
        VerdictChange::DependencyBroken { host, .. } => Some(host.clone()),
        _ => None,
    });
    let title = if event.after != before {
        format!(
            "{label}: IPv6-only verdict {} → {}",
            before.as_str(),
            event.after.as_str()
        )
    } else {
        format!(
            "{label}: dependency {} broken over IPv6",
            broken_dep.unwrap_or_default()
        )
    };
    let mut evidence: Vec<String> = event.changes.iter().map(describe::verdict_change).collect();
    if !event.addresses.is_empty() {
        evidence.push(format!("addresses: {}", event.addresses.join(", ")));
    }
    Draft {
        rule: Rule::Verdict,
        severity: if event.after == Verdict::Broken {
            Severity::Critical
        } else {
            Severity::Warning
        },
        subject,
        check_id: None,
        at: event.at,
        title,
        before: before.as_str().into(),
        after: event.after.as_str().into(),
        evidence,
    }
}
