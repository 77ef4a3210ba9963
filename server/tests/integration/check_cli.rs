//! `v6watch check` end to end, inside the network-namespace lab: the built binary runs under
//! `ip netns exec` in the lab clients, asks the lab nameserver, and its exit code and JSON
//! report are checked for ready and broken targets.
//!
//! Every test here needs the lab and is `#[ignore]`d: `scripts/test.sh` runs them as root with
//! the lab up (`--include-ignored`); asked to run without the lab, they fail.

use std::process::Command;

use serde_json::Value;

use crate::lab::Lab;

impl Lab {
    fn resolver(&self) -> String {
        format!("[{}]:53", self.var("LAB_DNS6"))
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Run `v6watch ARGS` inside namespace `ns`.
fn v6watch(ns: &str, args: &[&str]) -> Run {
    let output = Command::new("ip")
        .args(["netns", "exec", ns, env!("CARGO_BIN_EXE_v6watch")])
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run ip netns exec");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    println!("$ v6watch {}\n{}{}", args.join(" "), run.stdout, run.stderr);
    run
}

/// `v6watch check TARGET --resolver LAB --timeout 5 --json` from `ns`: exit code and report.
fn check_json(lab: &Lab, ns: &str, target: &str) -> (i32, Value) {
    let resolver = lab.resolver();
    let run = v6watch(
        ns,
        &[
            "check",
            target,
            "--resolver",
            &resolver,
            "--timeout",
            "5",
            "--json",
        ],
    );
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    (run.code, report)
}

fn has_address(report: &Value, address: &str) -> bool {
    report["addresses"]
        .as_array()
        .is_some_and(|list| list.iter().any(|a| a == address))
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn ready_targets_exit_zero() {
    let lab = Lab::get();
    let c6 = lab.var("LAB_NS_C6");
    let web6 = lab.var("LAB_WEB6");
    let web46 = lab.var("LAB_WEB46_6");
    let cases = [
        (format!("http://{}/", lab.name("v6only")), web6),
        (format!("http://{}/", lab.name("dual")), web46),
        (lab.name("v6only"), web6),
        (web46.to_string(), web46),
    ];
    for (target, address) in cases {
        let (code, report) = check_json(&lab, c6, &target);
        assert_eq!(code, 0, "{target}: {report}");
        assert_eq!(report["target"], target.as_str());
        assert_eq!(report["verdict"], "ready", "{target}");
        assert!(report["reason"].is_null(), "{target}");
        assert_eq!(report["degraded"], false, "{target}");
        assert_eq!(report["dependencies"], serde_json::json!([]));
        assert!(has_address(&report, address), "{target}: {report}");
        let results = report["results"].as_array().expect("results");
        assert!(
            results
                .iter()
                .any(|r| r["family"] == "v6" && r["reason"] == "ok" && r["address"] == address),
            "{target}: {report}"
        );
    }
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn broken_targets_exit_one_with_a_reason() {
    let lab = Lab::get();
    let c6 = lab.var("LAB_NS_C6");
    let c46 = lab.var("LAB_NS_C46");
    // namespace, target, reason, degraded
    let cases = [
        (c6, lab.name("v4only"), "no_aaaa", false),
        (c46, lab.name("v4only"), "no_aaaa", true),
        (c6, lab.name("missing"), "nxdomain", false),
        (
            c6,
            format!("http://{}/", lab.name("v4only")),
            "no_aaaa",
            false,
        ),
        (
            c46,
            format!("http://{}/cgi-bin/to-v4only", lab.name("dual")),
            "redirect_to_ipv4_only",
            true,
        ),
        (
            c46,
            format!(
                "http://{}:{}/",
                lab.name("v4port"),
                lab.var("LAB_V4ONLY_PORT")
            ),
            "refused",
            true,
        ),
        // An IPv4 literal asks no DNS: its own reason, not "no AAAA record".
        (c46, lab.var("LAB_WEB4").to_string(), "ipv4_literal", true),
    ];
    for (ns, target, reason, degraded) in cases {
        let (code, report) = check_json(&lab, ns, &target);
        assert_eq!(code, 1, "{target} from {ns}: {report}");
        assert_eq!(report["verdict"], "broken", "{target} from {ns}");
        assert_eq!(report["reason"], reason, "{target} from {ns}: {report}");
        assert_eq!(report["degraded"], degraded, "{target} from {ns}: {report}");
    }
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn text_report_has_family_markers() {
    let lab = Lab::get();
    let resolver = lab.resolver();
    let target = lab.name("dual");
    let run = v6watch(
        lab.var("LAB_NS_C46"),
        &["check", &target, "--resolver", &resolver, "--timeout", "5"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("6 ✓"), "{}", run.stdout);
    assert!(run.stdout.contains("4 ✓"), "{}", run.stdout);
    assert!(
        run.stdout.contains(lab.var("LAB_WEB46_6")),
        "{}",
        run.stdout
    );
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn bad_input_is_refused_clearly() {
    let lab = Lab::get();
    let c6 = lab.var("LAB_NS_C6");
    let resolver = lab.resolver();
    // Usage errors exit 2, apart from broken targets (1).
    let run = v6watch(
        c6,
        &["check", "ftp://files.lab.test/", "--resolver", &resolver],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("invalid target"), "{}", run.stderr);
    let run = v6watch(c6, &["check", "dual.lab.test", "--resolver", "ns.lab.test"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("invalid nameserver"), "{}", run.stderr);
}

/// The dependency entry for `host` in a JSON report.
fn dependency<'a>(report: &'a Value, host: &str) -> &'a Value {
    report["dependencies"]
        .as_array()
        .and_then(|deps| deps.iter().find(|d| d["host"] == host))
        .unwrap_or_else(|| panic!("{host} missing from {report}"))
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn page_with_ipv4_only_dependencies_is_partial_and_exits_one() {
    let lab = Lab::get();
    let target = format!("http://{}/pages/partial.html", lab.name("dual"));
    for ns in [lab.var("LAB_NS_C6"), lab.var("LAB_NS_C46")] {
        let (code, report) = check_json(&lab, ns, &target);
        assert_eq!(code, 1, "partial exits 1 from {ns}: {report}");
        assert_eq!(report["verdict"], "partial", "{ns}: {report}");
        assert!(report["reason"].is_null(), "{ns}: {report}");
        assert_eq!(report["degraded"], false);
        // host, verdict, reason
        let cases = [
            ("cdn6", "ready", Value::Null),
            ("dual", "ready", Value::Null),
            ("v6only", "ready", Value::Null),
            ("v4only", "broken", "no_aaaa".into()),
            ("font4", "broken", "no_aaaa".into()),
            ("missing", "broken", "nxdomain".into()),
            ("blackhole", "broken", "timeout".into()),
            ("v4port", "broken", "refused".into()),
        ];
        for (short, verdict, reason) in cases {
            let dep = dependency(&report, &lab.name(short));
            assert_eq!(dep["verdict"], verdict, "{short} from {ns}: {dep}");
            assert_eq!(dep["reason"], reason, "{short} from {ns}: {dep}");
            assert!(
                dep["addresses"].is_array() && dep["urls"].is_array(),
                "{dep}"
            );
        }
        let v4only = dependency(&report, &lab.name("v4only"));
        assert_eq!(
            v4only["addresses"],
            serde_json::json!([lab.var("LAB_WEB4")])
        );
        assert_eq!(
            v4only["urls"],
            serde_json::json!([format!("http://{}/pages/app.js", lab.name("v4only"))])
        );
        assert_eq!(
            dependency(&report, &lab.name("font4"))["kinds"],
            serde_json::json!(["font"])
        );
        assert!(report["results"].as_array().is_some_and(|r| !r.is_empty()));
    }
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn page_with_every_dependency_on_ipv6_is_ready_and_exits_zero() {
    let lab = Lab::get();
    let target = format!("http://{}/pages/ready.html", lab.name("dual"));
    let (code, report) = check_json(&lab, lab.var("LAB_NS_C46"), &target);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["verdict"], "ready");
    let deps = report["dependencies"].as_array().expect("dependencies");
    assert_eq!(deps.len(), 3, "{report}");
    assert!(
        deps.iter()
            .all(|d| d["verdict"] == "ready" && d["reason"].is_null())
    );
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn text_report_has_one_line_per_dependency_host() {
    let lab = Lab::get();
    let resolver = lab.resolver();
    let target = format!("http://{}/pages/partial.html", lab.name("dual"));
    let run = v6watch(
        lab.var("LAB_NS_C6"),
        &["check", &target, "--resolver", &resolver, "--timeout", "5"],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("partial: works over IPv6"),
        "{}",
        run.stdout
    );
    // Not a terminal: no colours.
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
    let line = |host: &str| {
        let name = lab.name(host);
        run.stdout
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(name.as_str()))
            .unwrap_or_else(|| panic!("no line for {name}:\n{}", run.stdout))
            .to_string()
    };
    // marker, reason
    let cases = [
        ("cdn6", "6", "ready"),
        ("v6only", "6", "ready"),
        ("v4only", "4", "no_aaaa"),
        ("missing", "4", "nxdomain"),
        ("blackhole", "4", "timeout"),
        ("v4port", "4", "refused"),
    ];
    for (host, mark, reason) in cases {
        let text = line(host);
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(words.first(), Some(&mark), "{text}");
        assert_eq!(words.get(2), Some(&reason), "{text}");
    }
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn a_configured_nat64_prefix_marks_the_answer_synthesized() {
    let lab = Lab::get();
    let c6 = lab.var("LAB_NS_C6");
    let target = format!("http://{}/", lab.name("nat64web"));
    let resolver = lab.resolver();
    let with_prefix = |extra: &[&str]| {
        let mut args = vec![
            "check",
            target.as_str(),
            "--resolver",
            resolver.as_str(),
            "--timeout",
            "5",
            "--json",
        ];
        args.extend_from_slice(extra);
        let run = v6watch(c6, &args);
        let report: Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
        (run.code, report)
    };

    // Through tayga's prefix: works over IPv6, but only by way of NAT64.
    let (code, report) = with_prefix(&["--nat64-prefix", "2001:db8:64::/96"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["verdict"], "ready", "{report}");
    assert_eq!(report["nat64"], true, "{report}");
    // Without the flag v6watch cannot know the AAAA is synthesized.
    let (code, report) = with_prefix(&[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["nat64"], false, "{report}");
}

/// Needs no lab: a CA file that cannot be used stops `check` and `serve` at once, naming it.
#[test]
fn an_unusable_ca_file_is_refused_at_start_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("home-ca.pem");
    std::fs::write(&bad, "not a certificate\n").unwrap();
    let missing = dir.path().join("missing-ca.pem");
    for file in [&bad, &missing] {
        let file = file.to_str().unwrap();
        let check = Command::new(env!("CARGO_BIN_EXE_v6watch"))
            .args(["check", "http://[::1]:9/", "--ca-file", file])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&check.stderr);
        assert_ne!(check.status.code(), Some(0));
        assert!(stderr.contains(file), "check: {stderr}");
        let serve = Command::new(env!("CARGO_BIN_EXE_v6watch"))
            .args(["serve", "--listen", "127.0.0.1:0", "--ca-file", file])
            .arg("--database")
            .arg(dir.path().join("v6watch.db"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&serve.stderr);
        assert_ne!(serve.status.code(), Some(0));
        assert!(
            stderr.contains("--ca-file") && stderr.contains(file),
            "serve: {stderr}"
        );
    }
}

/// Needs no lab: `--deny-target` keeps `check` off a range (the reason says so), and a range
/// that does not parse is bad input (exit 2).
#[test]
fn deny_target_ranges_are_honoured_and_checked() {
    let listener = std::net::TcpListener::bind("[::1]:0").unwrap();
    let url = format!("http://[::1]:{}/", listener.local_addr().unwrap().port());
    let check = Command::new(env!("CARGO_BIN_EXE_v6watch"))
        .args([
            "check",
            &url,
            "--json",
            "--timeout",
            "2",
            "--deny-target",
            "::1",
        ])
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(report["verdict"], "broken", "{report}");
    assert_eq!(report["reason"], "denied", "{report}");
    let bad = Command::new(env!("CARGO_BIN_EXE_v6watch"))
        .args(["check", &url, "--deny-target", "fd00::/200"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("--deny-target") && stderr.contains("fd00::/200"),
        "{stderr}"
    );
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn host_and_address_checks_report_the_path_mtu_and_black_holes() {
    let lab = Lab::get();
    let c6 = lab.var("LAB_NS_C6");
    // target, path_mtu, pmtu_blackhole
    let cases = [
        (lab.name("mtuptb"), 1480, false),
        (lab.var("LAB_MTU_PTB6").to_string(), 1480, false),
        (lab.name("mtuhole"), 1420, true),
        (lab.var("LAB_MTU_HOLE6").to_string(), 1420, true),
        (lab.name("v6only"), 1500, false),
    ];
    for (target, mtu, hole) in cases {
        let (code, report) = check_json(&lab, c6, &target);
        // Small packets pass: the host is ready; the black hole is reported beside it.
        assert_eq!(
            (code, &report["verdict"]),
            (0, &Value::from("ready")),
            "{target}: {report}"
        );
        assert_eq!(report["path_mtu"], mtu, "{target}: {report}");
        assert_eq!(report["pmtu_blackhole"], hole, "{target}: {report}");
        let pmtu = report["results"]
            .as_array()
            .and_then(|r| r.iter().find(|o| o["probe"] == "pmtu"))
            .unwrap_or_else(|| panic!("{target}: no pmtu outcome: {report}"));
        let reason = if hole { "pmtu_blackhole" } else { "ok" };
        assert_eq!(pmtu["reason"], reason, "{target}: {report}");
    }
    let unreachable = check_json(&lab, c6, lab.var("LAB_BLACKHOLE6")).1;
    assert!(unreachable["path_mtu"].is_null(), "{unreachable}");
    assert_eq!(unreachable["pmtu_blackhole"], false, "{unreachable}");
}

/// `v6watch check URL --json` behind the lab's TCP black hole: the small page is ready, the
/// large one broken with `pmtu_blackhole` (and the flag set), from both clients.
#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn a_url_whose_large_answer_stalls_is_broken_by_a_tcp_black_hole() {
    let lab = Lab::get();
    let web = lab.var("LAB_TCPH_WEB6");
    for ns in [lab.var("LAB_NS_C6"), lab.var("LAB_NS_C46")] {
        let (code, small) = check_json(&lab, ns, &format!("http://[{web}]/small.html"));
        assert_eq!(
            (code, &small["verdict"]),
            (0, &Value::from("ready")),
            "{ns}: {small}"
        );
        assert_eq!(small["pmtu_blackhole"], false, "{small}");
        let (code, large) = check_json(&lab, ns, &format!("http://[{web}]/large.html"));
        assert_eq!(code, 1, "{ns}: {large}");
        assert_eq!(large["verdict"], "broken", "{ns}: {large}");
        assert_eq!(large["reason"], "pmtu_blackhole", "{ns}: {large}");
        assert_eq!(large["pmtu_blackhole"], true, "{ns}: {large}");
    }
}

/// `v6watch check URL --browser --json`: pages whose IPv4-only dependency only a script, a
/// module, a WebSocket, a frame or a worker asks for are partial from both clients, with the
/// host, its reason and its kind; IPv6-only and NAT64 dependencies keep the page ready.
#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up) and Chromium; scripts/test.sh runs it"]
fn the_browser_judge_finds_what_scripts_load_from_both_clients() {
    let lab = Lab::get();
    let resolver = lab.resolver();
    let nat64 = lab.var("LAB_NAT64_LAB_NET6").to_string();
    // page, exit code, verdict, (dependency, verdict, reason, a kind it has)
    type Dependency<'a> = (&'a str, &'a str, &'a str, &'a str);
    let cases: [(&str, i32, &str, Dependency); 9] = [
        (
            "fetch",
            1,
            "partial",
            ("v4only", "broken", "no_aaaa", "fetch"),
        ),
        (
            "inserted",
            1,
            "partial",
            ("v4only", "broken", "no_aaaa", "script"),
        ),
        (
            "module",
            1,
            "partial",
            ("v4only", "broken", "no_aaaa", "module"),
        ),
        (
            "websocket",
            1,
            "partial",
            ("v4only", "broken", "no_aaaa", "websocket"),
        ),
        (
            "iframe",
            1,
            "partial",
            ("font4", "broken", "no_aaaa", "fetch"),
        ),
        (
            "worker",
            1,
            "partial",
            ("v4only", "broken", "no_aaaa", "worker"),
        ),
        (
            "v6dead",
            1,
            "partial",
            ("v6dead", "broken", "timeout", "fetch"),
        ),
        ("v6script", 0, "ready", ("cdn6", "ready", "", "script")),
        (
            "nat64script",
            0,
            "ready",
            ("nat64web", "nat64", "", "script"),
        ),
    ];
    for ns in [lab.var("LAB_NS_C6"), lab.var("LAB_NS_C46")] {
        for (page, want_code, verdict, (short, dep_verdict, reason, kind)) in &cases {
            let target = format!("http://{}/pages/js/{page}.html", lab.name("dual"));
            let run = v6watch(
                ns,
                &[
                    "check",
                    &target,
                    "--browser",
                    "--resolver",
                    &resolver,
                    "--timeout",
                    "5",
                    "--nat64-prefix",
                    &nat64,
                    "--json",
                ],
            );
            let report: Value = serde_json::from_str(&run.stdout)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
            assert_eq!(run.code, *want_code, "{page} from {ns}: {report}");
            assert_eq!(report["verdict"], *verdict, "{page} from {ns}: {report}");
            assert!(
                report["judged_by"]
                    .as_array()
                    .is_some_and(|j| j.iter().any(|x| x == "browser")),
                "{page} from {ns}: {report}"
            );
            let dep = dependency(&report, &lab.name(short));
            assert_eq!(
                dep["verdict"], *dep_verdict,
                "{page} {short} from {ns}: {dep}"
            );
            let want_reason = if reason.is_empty() {
                Value::Null
            } else {
                (*reason).into()
            };
            assert_eq!(
                dep["reason"], want_reason,
                "{page} {short} from {ns}: {dep}"
            );
            assert!(
                dep["kinds"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|x| x == kind)),
                "{page} {short} from {ns}: {dep}"
            );
            assert!(
                dep["found_by"]
                    .as_array()
                    .is_some_and(|f| f.iter().any(|x| x == "browser")),
                "{dep}"
            );
        }
    }
    // --no-browser: the same page is ready by its HTML alone, and the report says why.
    let target = format!("http://{}/pages/js/fetch.html", lab.name("dual"));
    let run = v6watch(
        lab.var("LAB_NS_C6"),
        &[
            "check",
            &target,
            "--no-browser",
            "--resolver",
            &resolver,
            "--timeout",
            "5",
            "--json",
        ],
    );
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        (run.code, &report["verdict"]),
        (0, &Value::from("ready")),
        "{report}"
    );
    assert!(
        report["browser_note"]
            .as_str()
            .is_some_and(|n| n.contains("--no-browser")),
        "{report}"
    );
}
