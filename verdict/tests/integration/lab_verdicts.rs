//! Verdict stage against the network-namespace lab: each lab page is judged from the
//! IPv6-only client and from the dual-stack client, and both must get the same IPv6-only
//! verdict, down to each dependency host's verdict and reason.
//!
//! Every test here is `#[ignore]`d, so a plain `cargo test` lists it as ignored: run them with
//! the lab up (`bash tests/lab/lab.sh up`, as root) and `V6WATCH_LAB=1 cargo test ... --
//! --include-ignored`. Asked to run without the lab, they fail (`Lab::get` panics).

use crate::lab::{Client, Lab, run_in};
use probes::{ProbeConfig, Prober, Reason};
use url::Url;
use verdict::extract::Limits;
use verdict::{DepVerdict, ServiceVerdict, Verdict, judge_url};

/// The lab settings plus the lab's NAT64 prefix (translated by tayga in the core).
fn config(lab: &Lab) -> ProbeConfig {
    ProbeConfig {
        nat64_prefixes: vec![lab.var("LAB_NAT64_LAB_NET6").parse().expect("prefix")],
        ..lab.config()
    }
}

fn judge(lab: &Lab, client: Client, url: &str, declared: &[&str]) -> ServiceVerdict {
    let config = config(lab);
    let url = Url::parse(url).expect("url");
    let declared: Vec<String> = declared.iter().map(|s| s.to_string()).collect();
    let verdict = run_in(&client.namespace(lab), move || async move {
        let prober = Prober::new(config).expect("prober");
        judge_url(&prober, &url, &declared, &Limits::default()).await
    });
    println!(
        "{client:?} {}",
        serde_json::to_string_pretty(&verdict).expect("json")
    );
    verdict
}

/// Expected dependency host: short name, verdict, reason, a kind it must have.
type Dep<'a> = (&'a str, DepVerdict, Option<Reason>, &'a str);

fn assert_verdict(
    lab: &Lab,
    url: &str,
    declared: &[&str],
    want: (Verdict, Option<Reason>),
    deps: &[Dep<'_>],
) {
    for client in Client::BOTH {
        let got = judge(lab, client, url, declared);
        assert_eq!((got.verdict, got.reason), want, "{url} from {client:?}");
        let hosts: Vec<String> = got.dependencies.iter().map(|d| d.host.clone()).collect();
        let expected: Vec<String> = deps.iter().map(|d| host(lab, d.0)).collect();
        let mut sorted_hosts = hosts.clone();
        sorted_hosts.sort();
        let mut sorted_expected = expected.clone();
        sorted_expected.sort();
        assert_eq!(sorted_hosts, sorted_expected, "{url} from {client:?}");
        for (short, verdict, reason, kind) in deps {
            let name = host(lab, short);
            let dep = got
                .dependencies
                .iter()
                .find(|d| d.host == name)
                .unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(
                (dep.verdict, dep.reason),
                (*verdict, *reason),
                "{name} on {url} from {client:?}: {}",
                dep.detail
            );
            assert!(
                dep.kinds.iter().any(|k| k == kind),
                "{name}: kinds {:?} lack {kind}",
                dep.kinds
            );
            assert!(!dep.urls.is_empty(), "{name}: no urls");
        }
        assert!(got.checked_at.is_some());
        let back: ServiceVerdict =
            serde_json::from_value(serde_json::to_value(&got).expect("json")).expect("back");
        assert_eq!(back, got);
    }
}

/// A lab host key: short names get the lab domain, addresses stay as they are.
fn host(lab: &Lab, short: &str) -> String {
    if short.contains([':', '.', ' ']) {
        short.to_string()
    } else {
        lab.name(short)
    }
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn page_with_every_dependency_on_ipv6_is_ready() {
    let lab = Lab::get();
    let url = format!("http://{}/pages/ready.html", lab.name("dual"));
    assert_verdict(
        &lab,
        &url,
        &[],
        (Verdict::Ready, None),
        &[
            ("cdn6", DepVerdict::Ready, None, "stylesheet"),
            ("v6only", DepVerdict::Ready, None, "script"),
            ("dual", DepVerdict::Ready, None, "image"),
        ],
    );
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn page_with_ipv4_only_dependencies_is_partial() {
    let lab = Lab::get();
    let url = format!("http://{}/pages/partial.html", lab.name("dual"));
    let deps: Vec<Dep<'_>> = vec![
        ("cdn6", DepVerdict::Ready, None, "stylesheet"),
        ("v4only", DepVerdict::Broken, Some(Reason::NoAaaa), "script"),
        (
            "missing",
            DepVerdict::Broken,
            Some(Reason::Nxdomain),
            "script",
        ),
        ("dual", DepVerdict::Ready, None, "image"),
        ("v6only", DepVerdict::Ready, None, "image"),
        ("nat64web", DepVerdict::Nat64, None, "image"),
        (
            "blackhole",
            DepVerdict::Broken,
            Some(Reason::Timeout),
            "frame",
        ),
        ("v4port", DepVerdict::Broken, Some(Reason::Refused), "image"),
        // Only the stylesheet on cdn6 names it, in @font-face.
        ("font4", DepVerdict::Broken, Some(Reason::NoAaaa), "font"),
    ];
    assert_verdict(&lab, &url, &[], (Verdict::Partial, None), &deps);
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn nat64_only_dependency_counts_as_working_but_shows() {
    let lab = Lab::get();
    let url = format!("http://{}/pages/nat64.html", lab.name("v6only"));
    assert_verdict(
        &lab,
        &url,
        &[],
        (Verdict::Ready, None),
        &[("nat64web", DepVerdict::Nat64, None, "image")],
    );
    let got = judge(&lab, Client::V6Only, &url, &[]);
    let dep = &got.dependencies[0];
    assert!(
        dep.addresses
            .iter()
            .any(|a| a == lab.var("LAB_NAT64_LAB_V4ONLY")),
        "{dep:?}"
    );
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn broken_services_have_their_reason() {
    let lab = Lab::get();
    let cases = [
        (
            format!("http://{}/cgi-bin/to-v4only", lab.name("dual")),
            Reason::RedirectToIpv4Only,
        ),
        (format!("http://{}/", lab.name("v4only")), Reason::NoAaaa),
        (format!("http://{}/", lab.name("missing")), Reason::Nxdomain),
        (
            format!(
                "http://{}:{}/",
                lab.name("v4port"),
                lab.var("LAB_V4ONLY_PORT")
            ),
            Reason::Refused,
        ),
        (
            format!("http://{}/", lab.name("blackhole")),
            Reason::Timeout,
        ),
    ];
    for (url, reason) in cases {
        assert_verdict(&lab, &url, &[], (Verdict::Broken, Some(reason)), &[]);
    }
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn declared_dependencies_are_checked_too() {
    let lab = Lab::get();
    let url = format!("http://{}/pages/ready.html", lab.name("dual"));
    let v4port = format!("{}:{}", lab.name("v4port"), lab.var("LAB_V4ONLY_PORT"));
    let web6 = format!("[{}]:80", lab.var("LAB_WEB6"));
    let v4only = format!("http://{}/", lab.name("v4only"));
    let declared = [v4port.as_str(), web6.as_str(), v4only.as_str(), "no port"];
    let web6_host = lab.var("LAB_WEB6");
    assert_verdict(
        &lab,
        &url,
        &declared,
        (Verdict::Partial, None),
        &[
            ("cdn6", DepVerdict::Ready, None, "stylesheet"),
            ("v6only", DepVerdict::Ready, None, "script"),
            ("dual", DepVerdict::Ready, None, "image"),
            (
                "v4port",
                DepVerdict::Broken,
                Some(Reason::Refused),
                "declared",
            ),
            (web6_host, DepVerdict::Ready, None, "declared"),
            (
                "v4only",
                DepVerdict::Broken,
                Some(Reason::NoAaaa),
                "declared",
            ),
            (
                "no port",
                DepVerdict::Broken,
                Some(Reason::DnsError),
                "declared",
            ),
        ],
    );
}
