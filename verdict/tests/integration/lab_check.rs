//! Verdict stage, one-shot check against the network-namespace lab: what `v6watch check`
//! reports for URLs, host names and addresses, from the client each case names.
//!
//! Every test here is `#[ignore]`d, so a plain `cargo test` lists it as ignored: run them with
//! the lab up (`bash tests/lab/lab.sh up`, as root) and `V6WATCH_LAB=1 cargo test ... --
//! --include-ignored`. Asked to run without the lab, they fail (`Lab::get` panics).

use probes::Reason;

use crate::lab::{Client, Lab, run_in};

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn check_reports_ready_and_broken() {
    let lab = Lab::get();
    // target, client, ready, reason, degraded
    let cases: Vec<(String, Client, bool, Option<Reason>, bool)> = vec![
        (
            format!("http://{}/", lab.name("dual")),
            Client::V6Only,
            true,
            None,
            false,
        ),
        (lab.name("v6only"), Client::V6Only, true, None, false),
        (
            lab.var("LAB_WEB6").to_string(),
            Client::V6Only,
            true,
            None,
            false,
        ),
        (
            lab.name("v4only"),
            Client::DualStack,
            false,
            Some(Reason::NoAaaa),
            true,
        ),
        (
            lab.name("v4only"),
            Client::V6Only,
            false,
            Some(Reason::NoAaaa),
            false,
        ),
        (
            lab.name("missing"),
            Client::V6Only,
            false,
            Some(Reason::Nxdomain),
            false,
        ),
        (
            lab.var("LAB_WEB4").to_string(),
            Client::DualStack,
            false,
            Some(Reason::Ipv4Literal),
            true,
        ),
        (
            format!("http://{}/cgi-bin/to-v4only", lab.name("dual")),
            Client::DualStack,
            false,
            Some(Reason::RedirectToIpv4Only),
            true,
        ),
    ];
    for (target, client, ready, reason, degraded) in cases {
        let config = lab.config();
        let given = target.clone();
        let report = run_in(&client.namespace(&lab), move || async move {
            verdict::check::run_check(&given, config, verdict::check::BrowserChoice::Off)
                .await
                .unwrap()
        });
        println!("{}", report.render_text(false));
        assert_eq!(report.is_ready(), ready, "{target} from {client:?}");
        assert_eq!(report.reason, reason, "{target} from {client:?}");
        assert_eq!(report.degraded, degraded, "{target} from {client:?}");
        assert!(
            report
                .render_text(false)
                .contains(if ready { "6 ✓" } else { "6 ✗" })
        );
    }
}
