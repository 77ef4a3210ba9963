//! The words of incidents and notices: titles, before and after, evidence, message bodies.

use super::incident::{Rule, Severity};
use super::observation::{Run, Sample};
use super::state::OpenIncident;
use super::subject::Subject;
use serde_json::json;

/// An incident about to be opened.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub rule: Rule,
    pub severity: Severity,
    pub subject: Subject,
    pub check_id: Option<i64>,
    pub at: i64,
    pub title: String,
    pub before: String,
    pub after: String,
    pub evidence: Vec<String>,
}

fn sample_line(family: &str, sample: &Sample) -> String {
    let mut line = format!(
        "{family}: {}",
        if sample.ok {
            "ok"
        } else {
            sample.reason.as_str()
        }
    );
    if let Some(address) = &sample.address {
        line.push_str(&format!(" at {address}"));
    }
    if let Some(latency) = sample.latency_ms.filter(|_| sample.ok) {
        line.push_str(&format!(" ({latency:.1} ms)"));
    }
    line
}

/// A check crossed its failure threshold: down, or degraded when IPv4 still works.
pub fn check_failing(
    label: &str,
    subject: Subject,
    check_id: i64,
    target: &str,
    run: &Run,
    fails: u32,
) -> Draft {
    let v4_works = run.v4.as_ref().is_some_and(|s| s.ok);
    let reason = run.v6.as_ref().map_or("failed", |s| s.reason.as_str());
    let (rule, severity, title, after) = if reason == "pmtu_blackhole" {
        // Echoes pass, large packets vanish: pages hang while ping works.
        (
            Rule::Degraded,
            Severity::Warning,
            format!("{label}: large IPv6 packets vanish without a Packet Too Big ({target})"),
            "IPv6 pmtu_blackhole".to_string(),
        )
    } else if v4_works {
        (
            Rule::Degraded,
            Severity::Warning,
            format!("{label}: IPv6 fails while IPv4 works ({target})"),
            format!("IPv6 {reason}, IPv4 ok"),
        )
    } else {
        let far_end = matches!(subject.kind, super::subject::SubjectKind::Tunnel);
        (
            Rule::Down,
            Severity::Critical,
            if far_end {
                format!("{label}: far end {target} does not answer")
            } else {
                format!("{label}: down over IPv6 ({target})")
            },
            format!("IPv6 {reason}"),
        )
    };
    let mut evidence = vec![format!("{fails} failed runs in a row over IPv6")];
    evidence.extend(run.v6.as_ref().map(|s| sample_line("IPv6", s)));
    evidence.extend(run.v4.as_ref().map(|s| sample_line("IPv4", s)));
    Draft {
        rule,
        severity,
        subject,
        check_id: Some(check_id),
        at: run.at,
        title,
        before: "IPv6 ok".into(),
        after,
        evidence,
    }
}

/// A check that has failed over IPv6 since it was added (`fails` runs so far), never once
/// passing: not a regression, but the user should hear of it once.
pub fn never_worked(about: About, run: &Run, fails: u32) -> Draft {
    let About {
        label,
        subject,
        check_id,
        target,
    } = about;
    let reason = run.v6.as_ref().map_or("failed", |s| s.reason.as_str());
    let mut evidence = vec![format!(
        "{fails} failed runs over IPv6 and not one passed since the check was added"
    )];
    evidence.extend(run.v6.as_ref().map(|s| sample_line("IPv6", s)));
    evidence.extend(run.v4.as_ref().map(|s| sample_line("IPv4", s)));
    Draft {
        rule: Rule::NeverWorked,
        severity: Severity::Warning,
        subject,
        check_id: Some(check_id),
        at: run.at,
        title: format!("{label}: never worked over IPv6 ({target})"),
        before: "no IPv6 success yet".into(),
        after: format!("IPv6 {reason}"),
        evidence,
    }
}

/// The check an incident is about.
#[derive(Clone, Copy, Debug)]
pub struct About<'a> {
    pub label: &'a str,
    pub subject: Subject,
    pub check_id: i64,
    pub target: &'a str,
}

pub fn flapping(about: About, at: i64, transitions: usize, window_ms: i64) -> Draft {
    let About {
        label,
        subject,
        check_id,
        target,
    } = about;
    Draft {
        rule: Rule::Flapping,
        severity: Severity::Warning,
        subject,
        check_id: Some(check_id),
        at,
        title: format!("{label}: flapping ({target})"),
        before: "stable".into(),
        after: format!("{transitions} changes within {} min", window_ms / 60_000),
        evidence: vec![format!(
            "further failures and recoveries of this check are folded into this incident until it is quiet for {} min",
            window_ms / 60_000
        )],
    }
}

/// Medians in milliseconds over the last `runs` runs and the baseline.
pub fn latency(about: About, at: i64, recent: f64, baseline: f64, runs: usize) -> Draft {
    let About {
        label,
        subject,
        check_id,
        target,
    } = about;
    Draft {
        rule: Rule::Latency,
        severity: Severity::Warning,
        subject,
        check_id: Some(check_id),
        at,
        title: format!("{label}: latency {recent:.1} ms, usually {baseline:.1} ms ({target})"),
        before: format!("median {baseline:.1} ms"),
        after: format!("median {recent:.1} ms"),
        evidence: vec![format!(
            "median of the last {runs} runs {recent:.1} ms against a baseline median of {baseline:.1} ms"
        )],
    }
}

/// Readable lines for verdict changes.
pub fn verdict_change(change: &verdict::VerdictChange) -> String {
    match change {
        verdict::VerdictChange::Verdict {
            before,
            after,
            reason,
        } => {
            let mut line = format!("verdict {} → {}", before.as_str(), after.as_str());
            if let Some(reason) = reason {
                line.push_str(&format!(" (reason: {})", reason.as_str()));
            }
            line
        }
        verdict::VerdictChange::DependencyBroken { host, reason } => match reason {
            Some(reason) => format!("dependency {host} broken over IPv6 ({})", reason.as_str()),
            None => format!("dependency {host} broken over IPv6"),
        },
        verdict::VerdictChange::DependencyRecovered { host, verdict } => {
            format!("dependency {host} works again ({})", verdict.as_str())
        }
    }
}

pub fn opened_body(draft: &Draft, label: &str) -> String {
    let mut body = format!(
        "{}\nWhat changed: {} -> {}\nSubject: {label}\nEvidence:\n",
        draft.title, draft.before, draft.after
    );
    for line in &draft.evidence {
        body.push_str(&format!("- {line}\n"));
    }
    body
}

pub fn resolved_body(open: &OpenIncident, at: i64) -> String {
    let minutes = (at - open.opened_at).max(0) / 60_000;
    format!("Resolved after {minutes} min: {}\n", open.title)
}

pub fn details(id: i64, draft: &Draft, label: &str) -> serde_json::Value {
    json!({
        "incident_id": id,
        "rule": draft.rule.as_str(),
        "subject_kind": draft.subject.kind.as_str(),
        "subject_id": draft.subject.id,
        "subject": label,
        "subject_path": draft.subject.path(),
        "check_id": draft.check_id,
        "before": draft.before,
        "after": draft.after,
        "evidence": draft.evidence,
    })
}
