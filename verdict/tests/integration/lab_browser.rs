//! The browser judge in the network-namespace lab: pages whose IPv4-only dependency only a
//! script or a frame asks for, judged by a real Chromium whose only way out is the IPv6-only
//! proxy, from the IPv6-only and the dual-stack client. The static judge calls the same pages
//! ready; the browser judge must not.
//!
//! `#[ignore]`d like every lab test: run with the lab up and `V6WATCH_LAB=1 ... --
//! --include-ignored` (as root, with Chromium installed: scripts/install-deps.sh).

use std::sync::Arc;

use probes::{ProbeConfig, Prober, Reason};
use url::Url;
use verdict::browser::{BrowserJudge, Chromium, VisitLimits, find_chromium, judge_with_browser};
use verdict::extract::Limits;
use verdict::{DepVerdict, ServiceVerdict, Verdict, judge_url};

use crate::lab::{Client, Lab, run_in};

fn config(lab: &Lab) -> ProbeConfig {
    ProbeConfig {
        nat64_prefixes: vec![lab.var("LAB_NAT64_LAB_NET6").parse().expect("prefix")],
        ..lab.config()
    }
}

/// Every page judged by the browser from `client`, in one browser (as the scheduler does).
fn judge_all(lab: &Lab, client: Client, urls: Vec<Url>) -> Vec<ServiceVerdict> {
    let config = config(lab);
    let chromium = find_chromium().expect("Chromium (scripts/install-deps.sh installs it)");
    run_in(&client.namespace(lab), move || async move {
        let prober = Arc::new(Prober::new(config).expect("prober"));
        let chromium = Chromium::new(chromium, 2);
        let mut verdicts = Vec::new();
        for url in urls {
            let judge = BrowserJudge::On(&chromium, VisitLimits::default());
            let verdict =
                judge_with_browser(prober.clone(), judge, &url, &[], &Limits::default()).await;
            verdicts.push(verdict);
        }
        verdicts
    })
}

/// A dependency expected: short host name, verdict, reason, a kind it must have.
type Dep = (&'static str, DepVerdict, Option<Reason>, &'static str);

#[test]
#[ignore = "needs the network-namespace lab (V6WATCH_LAB=1, root) and Chromium"]
fn dependencies_only_scripts_and_frames_ask_for_are_judged() {
    let lab = Lab::get();
    let page = |name: &str| {
        Url::parse(&format!("http://{}/pages/js/{name}.html", lab.name("dual"))).unwrap()
    };
    let cases: Vec<(&str, Verdict, Vec<Dep>, Vec<&str>)> = vec![
        // (page, verdict, dependencies that must be there, hosts that must not)
        (
            "fetch",
            Verdict::Partial,
            vec![("v4only", DepVerdict::Broken, Some(Reason::NoAaaa), "fetch")],
            vec![],
        ),
        (
            "inserted",
            Verdict::Partial,
            vec![("v4only", DepVerdict::Broken, Some(Reason::NoAaaa), "script")],
            // loader.js never loads over IPv6, so what it would fetch is never asked for.
            vec!["cdn6"],
        ),
        (
            "module",
            Verdict::Partial,
            vec![("v4only", DepVerdict::Broken, Some(Reason::NoAaaa), "module")],
            vec![],
        ),
        (
            "websocket",
            Verdict::Partial,
            vec![(
                "v4only",
                DepVerdict::Broken,
                Some(Reason::NoAaaa),
                "websocket",
            )],
            vec![],
        ),
        (
            "iframe",
            Verdict::Partial,
            vec![
                ("v6only", DepVerdict::Ready, None, "frame"),
                ("font4", DepVerdict::Broken, Some(Reason::NoAaaa), "fetch"),
            ],
            vec![],
        ),
        (
            "worker",
            Verdict::Partial,
            vec![("v4only", DepVerdict::Broken, Some(Reason::NoAaaa), "worker")],
            vec![],
        ),
        (
            "v6dead",
            Verdict::Partial,
            vec![("v6dead", DepVerdict::Broken, Some(Reason::Timeout), "fetch")],
            vec![],
        ),
        (
            "v6script",
            Verdict::Ready,
            vec![("cdn6", DepVerdict::Ready, None, "script")],
            vec![],
        ),
        (
            "nat64script",
            Verdict::Ready,
            vec![("nat64web", DepVerdict::Nat64, None, "script")],
            vec![],
        ),
    ];
    let urls: Vec<Url> = cases.iter().map(|c| page(c.0)).collect();
    for client in Client::BOTH {
        let verdicts = judge_all(&lab, client, urls.clone());
        for ((name, want, deps, absent), got) in cases.iter().zip(&verdicts) {
            let shown = serde_json::to_string_pretty(got).unwrap();
            assert_eq!(got.verdict, *want, "{name} from {client:?}: {shown}");
            assert!(
                got.judged_by.iter().any(|j| j == "browser"),
                "{name}: {shown}"
            );
            for (short, verdict, reason, kind) in deps {
                let host = lab.name(short);
                let dep = got
                    .dependencies
                    .iter()
                    .find(|d| d.host == host)
                    .unwrap_or_else(|| panic!("{name} from {client:?}: no {host}: {shown}"));
                assert_eq!(
                    (dep.verdict, dep.reason),
                    (*verdict, *reason),
                    "{name} {host} from {client:?}: {shown}"
                );
                assert!(
                    dep.kinds.iter().any(|k| k == kind),
                    "{name} {host}: {shown}"
                );
                assert!(
                    dep.found_by.iter().any(|j| j == "browser"),
                    "{name} {host}: {shown}"
                );
                assert!(!dep.requests.is_empty(), "{name} {host}: {shown}");
            }
            for short in absent {
                let host = lab.name(short);
                assert!(
                    got.dependencies.iter().all(|d| d.host != host),
                    "{name} from {client:?}: {host} should never be asked for: {shown}"
                );
            }
        }
    }
}

#[test]
#[ignore = "needs the network-namespace lab (V6WATCH_LAB=1, root)"]
fn the_static_judge_alone_misses_what_scripts_load() {
    let lab = Lab::get();
    let config = config(&lab);
    let url = Url::parse(&format!("http://{}/pages/js/fetch.html", lab.name("dual"))).unwrap();
    let verdict = run_in(&Client::V6Only.namespace(&lab), move || async move {
        let prober = Prober::new(config).expect("prober");
        judge_url(&prober, &url, &[], &Limits::default()).await
    });
    // Why the browser judge exists: read as HTML, the page looks ready.
    assert_eq!(verdict.verdict, Verdict::Ready, "{verdict:?}");
}
