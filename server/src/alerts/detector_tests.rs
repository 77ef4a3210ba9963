//! Table-driven tests of the detector over result sequences: fail, recover, flap, fold,
//! mute, verdict changes, latency, and restarts (the state goes through JSON between every
//! step, as it does through the database).

use super::detector::{Input, Output, detect};
use super::incident::{IncidentChange, NoticeKind};
use super::observation::{Mute, Run, Sample, VerdictObservation};
use super::rules::{Rules, Thresholds};
use super::state::State;
use super::subject::{InventoryRows, LinkRows, Subject, SubjectKind, Topology, TunnelLink};
use std::collections::HashSet;
use verdict::{DepVerdict, Verdict, VerdictChange as VChange};

const MINUTE: i64 = 60_000;

/// Host 1 (web1, 2001:db8:10::1, behind tunnel 5) with container 2 and services 3 (in the
/// container) and 4 (on the host); the tunnel's far end 2001:db8:ff::1 is pinged by check 5;
/// host 6 stands alone; check 8 is the tunnel's own path MTU probe. Check n probes subject n.
fn topology() -> Topology {
    let echo = |a: &str| Some(a.parse().unwrap());
    Topology::build(&InventoryRows {
        checks: vec![
            (
                1,
                "host".into(),
                1,
                "2001:db8:10::1".into(),
                echo("2001:db8:10::1"),
            ),
            (
                2,
                "container".into(),
                2,
                "2001:db8:10::2".into(),
                echo("2001:db8:10::2"),
            ),
            (3, "service".into(), 3, "http://blog.lab.test/".into(), None),
            (4, "service".into(), 4, "http://wiki.lab.test/".into(), None),
            (
                5,
                "host".into(),
                9,
                "2001:db8:ff::1".into(),
                echo("2001:db8:ff::1"),
            ),
            (
                6,
                "host".into(),
                6,
                "2001:db8:99::1".into(),
                echo("2001:db8:99::1"),
            ),
            (
                7,
                "host".into(),
                6,
                "2001:db8:99::7".into(),
                echo("2001:db8:99::7"),
            ),
            // The tunnel's own path MTU check.
            (
                8,
                "tunnel".into(),
                5,
                "2001:db8:ff::1 path MTU".into(),
                None,
            ),
        ],
        thresholds: vec![(
            7,
            Thresholds {
                fail_after: 3,
                recover_after: 1,
            },
        )],
        links: LinkRows {
            hosts: vec![(1, "web1".into()), (6, "lone".into()), (9, "router".into())],
            containers: vec![(2, "app".into(), 1)],
            services: vec![
                (3, "blog".into(), None, Some(2)),
                (4, "wiki".into(), Some(1), None),
            ],
            host_addresses: vec![
                (1, "2001:db8:10::1".into()),
                (6, "2001:db8:99::1".into()),
                (9, "2001:db8:ff::1".into()),
            ],
            container_addresses: vec![],
            tunnels: vec![TunnelLink {
                id: 5,
                name: "he".into(),
                remote_v6: Some("2001:db8:ff::1".into()),
                routed_prefixes: "2001:db8:10::/48\n".into(),
                host_id: None,
            }],
        },
        path_mtu_checks: [8].into(),
    })
}

fn rules() -> Rules {
    Rules {
        fold_grace_ms: 0,
        ..Rules::default()
    }
}

fn sample(ok: bool, latency: f64) -> Sample {
    Sample {
        ok,
        reason: if ok { "ok".into() } else { "timeout".into() },
        address: Some("2001:db8::1".into()),
        latency_ms: ok.then_some(latency),
    }
}

/// `o` passes, `x` fails over both families, `d` fails over IPv6 while IPv4 works.
fn run(check: i64, outcome: char, at: i64) -> Run {
    let (v6, v4) = match outcome {
        'o' => (true, true),
        'd' => (false, true),
        _ => (false, false),
    };
    Run {
        check_id: check,
        at,
        v6: Some(sample(v6, 10.0)),
        v4: Some(sample(v4, 10.0)),
    }
}

/// Drives the detector step by step; the state is persisted (JSON) between steps.
struct Harness {
    topology: Topology,
    rules: Rules,
    mutes: Vec<Mute>,
    passed_before: HashSet<i64>,
    stored: String,
    now: i64,
    notices: Vec<String>,
    changes: Vec<IncidentChange>,
}

impl Harness {
    fn new(rules: Rules) -> Harness {
        Harness {
            topology: topology(),
            rules,
            mutes: Vec::new(),
            passed_before: HashSet::new(),
            stored: serde_json::to_string(&State::default()).unwrap(),
            now: 0,
            notices: Vec::new(),
            changes: Vec::new(),
        }
    }

    fn step(&mut self, runs: &[Run], verdicts: &[VerdictObservation]) -> Output {
        let state: State = serde_json::from_str(&self.stored).unwrap();
        let output = detect(
            &state,
            &Input {
                now: self.now,
                runs,
                verdicts,
                topology: &self.topology,
                rules: &self.rules,
                mutes: &self.mutes,
                passed_before: &self.passed_before,
            },
        );
        self.stored = serde_json::to_string(&output.state).unwrap();
        for n in &output.notices {
            self.notices.push(format!(
                "{} {} {} {}",
                n.kind.as_str(),
                n.subject.kind.as_str(),
                n.subject.id,
                n.details["rule"].as_str().unwrap()
            ));
        }
        self.changes.extend(output.changes.clone());
        output
    }

    /// One step per minute; each letter of each script is one run of that check.
    fn script(&mut self, scripts: &[(i64, &str)]) {
        let longest = scripts.iter().map(|(_, s)| s.len()).max().unwrap_or(0);
        for i in 0..longest {
            self.now += MINUTE;
            let runs: Vec<Run> = scripts
                .iter()
                .filter_map(|(check, s)| s.chars().nth(i).map(|c| run(*check, c, self.now)))
                .collect();
            self.step(&runs, &[]);
        }
    }

    fn idle(&mut self, ms: i64) {
        self.now += ms;
        self.step(&[], &[]);
    }
}

#[test]
fn check_sequences_open_and_resolve_at_their_thresholds() {
    // check scripts, expected notices
    type Case = (&'static str, Vec<(i64, &'static str)>, Vec<&'static str>);
    let cases: Vec<Case> = vec![
        (
            "fails twice: opens",
            vec![(6, "oxx")],
            vec!["opened host 6 down"],
        ),
        (
            "fails once at a time: nothing",
            vec![(6, "oxoxoxo")],
            vec![],
        ),
        (
            "recovers after two passes",
            vec![(6, "oxxoxoo")],
            vec!["opened host 6 down", "resolved host 6 down"],
        ),
        (
            "never passed: never worked, once",
            vec![(6, "xxxx")],
            vec!["opened host 6 never_worked"],
        ),
        (
            "never passed, then passes: resolved",
            vec![(6, "xxxo")],
            vec!["opened host 6 never_worked", "resolved host 6 never_worked"],
        ),
        (
            "fails once, then passes: nothing",
            vec![(6, "xooo")],
            vec![],
        ),
        (
            "IPv6 fails, IPv4 works: degraded",
            vec![(6, "oddoo")],
            vec!["opened host 6 degraded", "resolved host 6 degraded"],
        ),
        (
            "own thresholds: three to fail, one to recover",
            vec![(7, "oxxoxxxo")],
            vec!["opened host 6 down", "resolved host 6 down"],
        ),
        (
            "host down folds its container and services",
            vec![(1, "oxxxoo"), (2, "oxxxoo"), (3, "oxxxoo"), (4, "oxxxoo")],
            vec!["opened host 1 down", "resolved host 1 down"],
        ),
        (
            "services failing first still fold into the host",
            vec![(1, "ooxxxoo"), (3, "oxxxxoo"), (4, "oxxxxoo")],
            vec!["opened host 1 down", "resolved host 1 down"],
        ),
        (
            "tunnel far end down folds the hosts behind it",
            vec![(5, "oxxoo"), (1, "oxxoo"), (2, "oxxoo"), (4, "oxxoo")],
            vec!["opened tunnel 5 down", "resolved tunnel 5 down"],
        ),
        (
            "a service alone is its own incident",
            vec![(1, "oooooo"), (4, "oxxxoo")],
            vec!["opened service 4 down", "resolved service 4 down"],
        ),
    ];
    for (name, scripts, expected) in cases {
        let mut rules = rules();
        if name.contains("first") {
            rules.fold_grace_ms = 2 * MINUTE;
        }
        let mut h = Harness::new(rules);
        h.script(&scripts);
        h.idle(5 * MINUTE);
        assert_eq!(h.notices, expected, "{name}");
    }
}

#[test]
fn a_service_still_failing_after_its_host_recovers_is_sent_after_the_grace() {
    let mut h = Harness::new(Rules {
        fold_grace_ms: 2 * MINUTE,
        ..Rules::default()
    });
    h.script(&[(1, "oxxxxxoo"), (4, "oxxxxxxx")]);
    // The host sits behind the tunnel: its own notice waited for the grace too.
    assert_eq!(h.notices, ["opened host 1 down", "resolved host 1 down"]);
    h.idle(3 * MINUTE);
    assert_eq!(h.notices[2..], ["opened service 4 down"]);
}

#[test]
fn an_incident_sent_before_its_host_went_down_is_also_closed() {
    let mut h = Harness::new(Rules {
        fold_grace_ms: 0,
        ..Rules::default()
    });
    // The service fails on its own first (sent), then the host goes down (folds it in).
    h.script(&[(4, "oxxxxxoo"), (1, "oooxxxoo")]);
    assert_eq!(
        h.notices,
        [
            "opened service 4 down",
            "opened host 1 down",
            "resolved service 4 down",
            "resolved host 1 down",
        ]
    );
}

#[test]
fn removed_checks_and_services_close_their_incidents() {
    let mut h = Harness::new(rules());
    h.script(&[(6, "oxx")]);
    h.step(
        &[],
        &[VerdictObservation {
            at: h.now,
            ..event(4, Some(Verdict::Ready), Verdict::Broken, vec![])
        }],
    );
    assert_eq!(
        h.notices,
        ["opened host 6 down", "opened service 4 verdict"]
    );
    h.topology.checks.remove(&6);
    h.topology
        .links
        .names
        .remove(&Subject::new(SubjectKind::Service, 4));
    h.idle(MINUTE);
    assert_eq!(
        h.notices[2..],
        ["resolved host 6 down", "resolved service 4 verdict"]
    );
    let state: State = serde_json::from_str(&h.stored).unwrap();
    assert!(state.open.is_empty() && !state.checks.contains_key(&6));
}

#[test]
fn flapping_folds_into_one_incident_and_ends_when_quiet() {
    let mut h = Harness::new(rules());
    h.script(&[(6, "oxxooxxooxxooxxooxxoo")]);
    assert_eq!(
        h.notices,
        [
            "opened host 6 down",
            "resolved host 6 down",
            "opened host 6 down",
            "flapping host 6 flapping",
        ]
    );
    h.idle(rules().flap_window_ms);
    assert_eq!(h.notices.len(), 5);
    assert_eq!(h.notices[4], "resolved host 6 flapping");
    // Quiet again: an ordinary failure is an ordinary incident.
    h.script(&[(6, "xx")]);
    assert_eq!(h.notices[5..], ["opened host 6 down"]);
}

#[test]
fn muted_subjects_record_incidents_but_send_nothing() {
    let mut h = Harness::new(rules());
    h.mutes.push(Mute {
        subject: Subject::new(SubjectKind::Host, 6),
        until: 100 * MINUTE,
    });
    h.mutes.push(Mute {
        subject: Subject::new(SubjectKind::Host, 1),
        until: 100 * MINUTE,
    });
    // Host 1's mute covers service 4 on it.
    h.script(&[(6, "oxxoo"), (4, "oxxoo")]);
    assert!(h.notices.is_empty(), "{:?}", h.notices);
    let muted: Vec<bool> = h
        .changes
        .iter()
        .filter_map(|c| match c {
            IncidentChange::Opened(i) => Some(i.muted),
            _ => None,
        })
        .collect();
    assert_eq!(muted, [true, true]);
    // After the window ends, incidents are sent again.
    h.now = 100 * MINUTE;
    h.script(&[(6, "xx")]);
    assert_eq!(h.notices, ["opened host 6 down"]);
}

#[test]
fn a_restart_from_the_persisted_state_sends_nothing_twice() {
    let mut h = Harness::new(rules());
    h.script(&[(6, "oxx")]);
    assert_eq!(h.notices, ["opened host 6 down"]);
    // The same state read back, no new results, several times: nothing is sent again.
    for _ in 0..3 {
        let out = h.step(&[], &[]);
        assert!(out.notices.is_empty() && out.changes.is_empty());
    }
    h.script(&[(6, "xxoo")]);
    assert_eq!(h.notices, ["opened host 6 down", "resolved host 6 down"]);
}

fn event(
    service: i64,
    before: Option<Verdict>,
    after: Verdict,
    changes: Vec<VChange>,
) -> VerdictObservation {
    VerdictObservation {
        service_id: service,
        at: 0,
        before,
        after,
        changes,
        addresses: vec!["2001:db8:10::80".into()],
    }
}

fn verdict_change(before: Verdict, after: Verdict) -> VChange {
    VChange::Verdict {
        before,
        after,
        reason: None,
    }
}

#[test]
fn verdict_events_open_one_incident_per_worsening_and_resolve_once() {
    use Verdict::{Broken, Partial, Ready};
    let broke = |h: &str| VChange::DependencyBroken {
        host: h.into(),
        reason: None,
    };
    let back = |h: &str| VChange::DependencyRecovered {
        host: h.into(),
        verdict: DepVerdict::Ready,
    };
    // events, expected notices
    let cases: Vec<(&str, Vec<VerdictObservation>, Vec<&str>)> = vec![
        (
            "a first verdict is no change",
            vec![event(4, None, Partial, vec![])],
            vec![],
        ),
        (
            "broken from the first verdict: never worked, once, until it is not broken",
            vec![
                event(4, None, Broken, vec![]),
                event(4, Some(Broken), Broken, vec![]),
                event(
                    4,
                    Some(Broken),
                    Partial,
                    vec![verdict_change(Broken, Partial)],
                ),
                event(
                    4,
                    Some(Partial),
                    Broken,
                    vec![verdict_change(Partial, Broken)],
                ),
            ],
            vec![
                "opened service 4 never_worked",
                "resolved service 4 never_worked",
                "opened service 4 verdict",
            ],
        ),
        (
            "worse, then back",
            vec![
                event(
                    4,
                    Some(Ready),
                    Partial,
                    vec![verdict_change(Ready, Partial), broke("cdn.example")],
                ),
                event(
                    4,
                    Some(Partial),
                    Ready,
                    vec![verdict_change(Partial, Ready), back("cdn.example")],
                ),
            ],
            vec!["opened service 4 verdict", "resolved service 4 verdict"],
        ),
        (
            "worse twice: two alerts, one recovery",
            vec![
                event(
                    4,
                    Some(Ready),
                    Partial,
                    vec![verdict_change(Ready, Partial), broke("cdn.example")],
                ),
                event(
                    4,
                    Some(Partial),
                    Broken,
                    vec![verdict_change(Partial, Broken)],
                ),
                event(
                    4,
                    Some(Broken),
                    Partial,
                    vec![verdict_change(Broken, Partial)],
                ),
                event(
                    4,
                    Some(Partial),
                    Ready,
                    vec![verdict_change(Partial, Ready), back("cdn.example")],
                ),
            ],
            vec![
                "opened service 4 verdict",
                "opened service 4 verdict",
                "resolved service 4 verdict",
            ],
        ),
        (
            "a new broken dependency on a partial service",
            vec![
                event(4, Some(Partial), Partial, vec![broke("ads.example")]),
                event(4, Some(Partial), Partial, vec![back("ads.example")]),
            ],
            vec!["opened service 4 verdict", "resolved service 4 verdict"],
        ),
        (
            "better without an incident: nothing",
            vec![event(
                4,
                Some(Broken),
                Ready,
                vec![verdict_change(Broken, Ready)],
            )],
            vec![],
        ),
    ];
    for (name, events, expected) in cases {
        let mut h = Harness::new(rules());
        for e in &events {
            h.now += MINUTE;
            let e = VerdictObservation {
                at: h.now,
                ..e.clone()
            };
            h.step(&[], &[e]);
        }
        assert_eq!(h.notices, expected, "{name}");
    }
}

#[test]
fn verdict_alerts_say_what_changed_with_evidence() {
    let mut h = Harness::new(rules());
    let e = event(
        4,
        Some(Verdict::Ready),
        Verdict::Partial,
        vec![
            verdict_change(Verdict::Ready, Verdict::Partial),
            VChange::DependencyBroken {
                host: "cdn.example".into(),
                reason: Some(probes::Reason::NoAaaa),
            },
        ],
    );
    let out = h.step(&[], &[e]);
    let Some(IncidentChange::Opened(incident)) = out.changes.first() else {
        panic!("no incident: {:?}", out.changes);
    };
    assert_eq!(
        (incident.before.as_str(), incident.after.as_str()),
        ("ready", "partial")
    );
    assert_eq!(
        incident.title,
        "Service wiki: IPv6-only verdict ready → partial"
    );
    assert!(
        incident
            .evidence
            .contains(&"dependency cdn.example broken over IPv6 (no_aaaa)".to_string())
    );
    assert!(
        out.notices[0]
            .body
            .contains("What changed: ready -> partial")
    );
}

#[test]
fn latency_well_above_its_baseline_opens_and_resolves() {
    let mut h = Harness::new(rules());
    let mut at = 0;
    let mut feed = |h: &mut Harness, latencies: &[f64]| {
        for l in latencies {
            at += MINUTE;
            h.now = at;
            let mut r = run(6, 'o', at);
            r.v6 = Some(sample(true, *l));
            h.step(&[r], &[]);
        }
    };
    feed(&mut h, &[10.0; 20]);
    feed(&mut h, &[12.0, 11.0, 40.0, 9.0, 10.0]);
    assert!(h.notices.is_empty(), "one slow run is no regression");
    feed(&mut h, &[80.0; 5]);
    assert_eq!(h.notices, ["opened host 6 latency"]);
    feed(&mut h, &[90.0; 10]);
    assert_eq!(
        h.notices.len(),
        1,
        "the baseline does not follow while it is open"
    );
    feed(&mut h, &[10.0; 5]);
    assert_eq!(
        h.notices,
        ["opened host 6 latency", "resolved host 6 latency"]
    );
    // A service (not an echo check) is not judged on latency.
    let mut h = Harness::new(rules());
    for i in 0..30 {
        h.now += MINUTE;
        let mut r = run(4, 'o', h.now);
        r.v6 = Some(sample(true, if i < 20 { 10.0 } else { 500.0 }));
        h.step(&[r], &[]);
    }
    assert!(h.notices.is_empty());
}

#[test]
fn degraded_and_down_messages_name_the_subject_and_evidence() {
    let mut h = Harness::new(rules());
    h.script(&[(6, "odd")]);
    let opened = h.changes.iter().find_map(|c| match c {
        IncidentChange::Opened(i) => Some(i.clone()),
        _ => None,
    });
    let incident = opened.unwrap();
    assert_eq!(
        incident.title,
        "Host lone: IPv6 fails while IPv4 works (2001:db8:99::1)"
    );
    assert_eq!(incident.after, "IPv6 timeout, IPv4 ok");
    assert!(
        incident
            .evidence
            .iter()
            .any(|e| e == "IPv6: timeout at 2001:db8::1")
    );
    assert_eq!(NoticeKind::Opened.as_str(), "opened");
}

#[test]
fn a_service_that_stops_answering_is_one_incident_not_also_a_verdict_one() {
    use Verdict::{Broken, Ready};
    let grace = Rules {
        fold_grace_ms: 2 * MINUTE,
        ..Rules::default()
    };
    let verdict = |h: &mut Harness, before, after| {
        let e = VerdictObservation {
            at: h.now,
            ..event(4, Some(before), after, vec![verdict_change(before, after)])
        };
        h.step(&[], &[e]);
    };

    // The check notices first, the verdict job a minute later; both come back.
    let mut h = Harness::new(grace);
    h.script(&[(4, "oxx")]);
    verdict(&mut h, Ready, Broken);
    h.script(&[(4, "xoo")]);
    verdict(&mut h, Broken, Ready);
    h.idle(5 * MINUTE);
    assert_eq!(
        h.notices,
        ["opened service 4 down", "resolved service 4 down"],
        "check first"
    );

    // The verdict job notices first; the check confirms within the grace.
    let mut h = Harness::new(grace);
    h.script(&[(4, "o")]);
    verdict(&mut h, Ready, Broken);
    h.script(&[(4, "xxxxoo")]);
    verdict(&mut h, Broken, Ready);
    h.idle(5 * MINUTE);
    assert_eq!(
        h.notices,
        ["opened service 4 down", "resolved service 4 down"],
        "verdict first"
    );

    // The service answers again but its verdict stays broken: that is news of its own.
    let mut h = Harness::new(grace);
    h.script(&[(4, "oxx")]);
    verdict(&mut h, Ready, Broken);
    h.script(&[(4, "xoo")]);
    assert_eq!(
        h.notices,
        ["opened service 4 down", "resolved service 4 down"]
    );
    h.idle(3 * MINUTE);
    assert_eq!(h.notices[2..], ["opened service 4 verdict"]);
}

fn opened_rules(changes: &[IncidentChange]) -> Vec<&'static str> {
    changes
        .iter()
        .filter_map(|c| match c {
            IncidentChange::Opened(i) => Some(i.rule.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_check_that_never_passed_opens_one_never_worked_incident() {
    let mut h = Harness::new(rules());
    // One failed run is inside the confirmation window (two in a row, as for a regression).
    h.script(&[(6, "x")]);
    assert!(h.notices.is_empty() && h.changes.is_empty());
    h.script(&[(6, "x")]);
    assert_eq!(h.notices, ["opened host 6 never_worked"]);
    let opened = h.changes.iter().find_map(|c| match c {
        IncidentChange::Opened(i) => Some(i.clone()),
        _ => None,
    });
    let opened = opened.unwrap();
    assert_eq!(
        opened.title,
        "Host lone: never worked over IPv6 (2001:db8:99::1)"
    );
    assert_eq!(opened.before, "no IPv6 success yet");
    assert_eq!(opened.after, "IPv6 timeout");
    // Further failed rounds, and restarts from the persisted state: nothing more.
    h.script(&[(6, "xxxxx")]);
    for _ in 0..3 {
        let out = h.step(&[], &[]);
        assert!(out.notices.is_empty() && out.changes.is_empty());
    }
    // The host's second address never worked either (its own threshold: three runs): it
    // joins the host's incident instead of sending another message.
    h.script(&[(6, "xxx"), (7, "xxx")]);
    assert_eq!(h.notices.len(), 1, "{:?}", h.notices);
    assert_eq!(opened_rules(&h.changes), ["never_worked"]);
    // One address works now; the other still never has: the incident stays open.
    h.script(&[(6, "o"), (7, "x")]);
    assert_eq!(h.notices.len(), 1, "{:?}", h.notices);
    h.script(&[(7, "o")]);
    assert_eq!(
        h.notices,
        ["opened host 6 never_worked", "resolved host 6 never_worked"]
    );
    // From then on the ordinary regression rules apply.
    h.script(&[(6, "oxx")]);
    assert_eq!(h.notices[2..], ["opened host 6 down"]);
    assert_eq!(opened_rules(&h.changes), ["never_worked", "down"]);
}

#[test]
fn never_worked_folds_behind_a_host_that_never_worked() {
    for scripts in [[(1, "xxx"), (4, "xxx")], [(4, "xxx"), (1, "xxx")]] {
        let mut h = Harness::new(rules());
        h.script(&scripts);
        assert_eq!(h.notices, ["opened host 1 never_worked"], "{scripts:?}");
        assert_eq!(opened_rules(&h.changes), ["never_worked", "never_worked"]);
    }
}

#[test]
fn a_check_that_passed_before_the_detector_read_it_regresses_instead() {
    let mut h = Harness::new(rules());
    // The store holds an IPv6 success from before the detector's first read.
    h.passed_before.insert(6);
    h.script(&[(6, "xx")]);
    assert_eq!(h.notices, ["opened host 6 down"]);
}

#[test]
fn checks_that_never_worked_before_an_upgrade_get_one_incident_per_subject() {
    let mut h = Harness::new(rules());
    // State as stored before "never worked" existed: long failing streaks, never a pass.
    h.stored = r#"{"next_incident":4,"checks":{
        "6":{"fails":500,"passes":0,"seen_ok":false,"failing":false},
        "7":{"fails":500,"passes":0,"seen_ok":false,"failing":false},
        "1":{"fails":9,"passes":0,"seen_ok":true,"failing":true,"incident":3}},
        "open":{}}"#
        .into();
    h.script(&[(6, "xxx"), (7, "xxx")]);
    assert_eq!(h.notices, ["opened host 6 never_worked"]);
    assert_eq!(opened_rules(&h.changes), ["never_worked"]);
}

#[test]
fn a_service_whose_check_and_first_verdict_never_worked_is_one_incident() {
    let mut h = Harness::new(rules());
    h.script(&[(1, "oooo"), (4, "xx")]);
    assert_eq!(h.notices, ["opened service 4 never_worked"]);
    h.step(
        &[],
        &[VerdictObservation {
            at: h.now,
            ..event(4, None, Verdict::Broken, vec![])
        }],
    );
    assert_eq!(h.notices.len(), 1, "{:?}", h.notices);
    // The check passes, but the verdict is still broken: open until that changes too.
    h.script(&[(4, "o")]);
    assert_eq!(h.notices.len(), 1, "{:?}", h.notices);
    h.step(
        &[],
        &[VerdictObservation {
            at: h.now,
            ..event(
                4,
                Some(Verdict::Broken),
                Verdict::Ready,
                vec![verdict_change(Verdict::Broken, Verdict::Ready)],
            )
        }],
    );
    assert_eq!(
        h.notices,
        [
            "opened service 4 never_worked",
            "resolved service 4 never_worked"
        ]
    );
    assert_eq!(opened_rules(&h.changes), ["never_worked"]);
}

/// A path MTU run: IPv6 only, with this reason.
fn pmtu_run(reason: &str, at: i64) -> Run {
    Run {
        check_id: 8,
        at,
        v6: Some(Sample {
            ok: reason == "ok",
            reason: reason.into(),
            address: Some("2001:db8:ff::1".into()),
            latency_ms: None,
        }),
        v4: None,
    }
}

#[test]
fn a_pmtu_black_hole_is_a_degraded_tunnel_and_no_raw_socket_is_no_alert() {
    let mut h = Harness::new(rules());
    for reason in ["ok", "pmtu_blackhole", "pmtu_blackhole"] {
        h.now += MINUTE;
        let run = pmtu_run(reason, h.now);
        h.step(&[run], &[]);
    }
    assert_eq!(h.notices, ["opened tunnel 5 degraded"]);
    let opened = h.changes.iter().find_map(|c| match c {
        IncidentChange::Opened(i) => Some(i.clone()),
        _ => None,
    });
    let opened = opened.unwrap();
    assert_eq!(
        opened.title,
        "Tunnel he: large IPv6 packets vanish without a Packet Too Big (2001:db8:ff::1 path MTU)"
    );
    assert_eq!(opened.after, "IPv6 pmtu_blackhole");

    // A far end that answers nothing is the echo check's incident: the probe's timeout
    // resolves the black hole and opens nothing of its own.
    for _ in 0..3 {
        h.now += MINUTE;
        let run = pmtu_run("timeout", h.now);
        h.step(&[run], &[]);
    }
    assert_eq!(
        h.notices,
        ["opened tunnel 5 degraded", "resolved tunnel 5 degraded"]
    );

    // Without a raw ICMPv6 socket nothing is measured: never an incident, not "never worked".
    let mut h = Harness::new(rules());
    for _ in 0..5 {
        h.now += MINUTE;
        let run = pmtu_run("socket_error", h.now);
        h.step(&[run], &[]);
    }
    assert!(
        h.notices.is_empty() && h.changes.is_empty(),
        "{:?}",
        h.notices
    );
}
