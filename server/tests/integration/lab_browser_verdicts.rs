//! Scheduled verdicts with the browser judge, in the network-namespace lab, as the service
//! page shows them: the verdict job drives the real Chromium through the IPv6-only proxy
//! from each client namespace, the real store keeps the verdicts, and the page lists the
//! IPv4-only host that only a script, a worker or a black-holed AAAA reveals, with its
//! reason and the requests that pulled it in.
//!
//! `#[ignore]`d like every lab test; `scripts/test.sh` runs it as root with the lab up and
//! Chromium installed.

use crate::lab::{Client, Lab, run_in};
use crate::support::serve_pool;

use probes::ProbeConfig;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use v6watch::scheduler::live_prober::LiveProber;
use v6watch::verdicts::{self, BrowserSetup, ProberJudge, sqlite::SqliteVerdicts};
use v6watch::web::Wiring;
use verdict::browser::{Chromium, find_chromium};

fn config(lab: &Lab) -> ProbeConfig {
    ProbeConfig {
        nat64_prefixes: vec![lab.var("LAB_NAT64_LAB_NET6").parse().expect("prefix")],
        ..lab.config()
    }
}

/// A lab page, the verdict its service must get, and what its page must say.
struct Case {
    page: &'static str,
    verdict: &'static str,
    shows: Vec<String>,
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up) and Chromium"]
fn scheduled_browser_verdicts_show_on_the_service_page_from_both_clients() {
    let lab = Lab::get();
    let chromium = find_chromium().expect("Chromium (scripts/install-deps.sh installs it)");
    let v4only = lab.name("v4only");
    let cases = [
        Case {
            page: "fetch",
            verdict: "partial",
            shows: vec![
                v4only.clone(),
                "no_aaaa".into(),
                format!("http://{v4only}/pages/app.js"),
                "fetch, asked for by a script".into(),
                "found by the browser only".into(),
            ],
        },
        Case {
            page: "worker",
            verdict: "partial",
            shows: vec![
                v4only.clone(),
                "no_aaaa".into(),
                "asked for by a worker (seen by the proxy)".into(),
            ],
        },
        Case {
            page: "v6dead",
            verdict: "partial",
            shows: vec![lab.name("v6dead"), "timeout".into()],
        },
        Case {
            page: "v6script",
            verdict: "ready",
            shows: vec![lab.name("cdn6"), "script, asked for by a script".into()],
        },
    ];
    for client in Client::BOTH {
        let dir = tempfile::tempdir().unwrap();
        let (config, chromium) = (config(&lab), chromium.clone());
        let urls: Vec<(String, &Case)> = cases
            .iter()
            .map(|c| {
                let url = format!("http://{}/pages/js/{}.html", lab.name("dual"), c.page);
                (url, c)
            })
            .collect();
        let urls: Vec<(String, String, Vec<String>)> = urls
            .into_iter()
            .map(|(url, c)| (url, c.verdict.to_string(), c.shows.clone()))
            .collect();
        run_in(&client.namespace(&lab), move || async move {
            let pool = store::open(&dir.path().join("v6watch.db")).await.unwrap();
            let host: i64 =
                sqlx::query_scalar("INSERT INTO hosts (name) VALUES ('web46') RETURNING id")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            let mut ids = Vec::new();
            for (url, _, _) in &urls {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO services (name, kind, target, host_id) VALUES (?, 'http', ?, ?) RETURNING id",
                )
                .bind(url)
                .bind(url)
                .bind(host)
                .fetch_one(&pool)
                .await
                .unwrap();
                ids.push(id);
            }
            let prober = Arc::new(LiveProber::start(config, &Default::default()).unwrap());
            let browser = BrowserSetup {
                chromium: Some(Arc::new(Chromium::new(chromium, 2))),
                off_by_flag: false,
            };
            let settings = verdicts::VerdictJobSettings {
                interval: Duration::from_secs(3600),
                judge_timeout: Duration::from_secs(90),
                concurrency: 2,
                resync: Duration::from_millis(200),
            };
            let cancel = CancellationToken::new();
            let job = tokio::spawn(verdicts::run(
                Arc::new(ProberJudge::new(prober, browser)),
                Arc::new(SqliteVerdicts::new(pool.clone())),
                settings,
                cancel.clone(),
            ));
            let end = tokio::time::Instant::now() + Duration::from_secs(240);
            loop {
                let judged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM service_verdicts")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                if judged == i64::try_from(ids.len()).unwrap() {
                    break;
                }
                assert!(
                    tokio::time::Instant::now() < end,
                    "{client:?}: {judged} of {} judged in 240 s",
                    ids.len()
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            cancel.cancel();
            job.await.unwrap();

            let app = serve_pool(pool, tempfile::tempdir().unwrap(), Wiring::default()).await;
            app.set_up().await;
            for (id, (url, verdict, shows)) in ids.iter().zip(&urls) {
                let page = app.page(&format!("/services/{id}")).await;
                let panel = &page[page.find("verdict-panel").expect("the verdict panel")..];
                let head = &panel[..panel.find("Hosts it loads from").expect("the hosts")];
                assert!(
                    head.contains(&format!("<strong>{verdict}</strong>")),
                    "{client:?} {url}: want {verdict}: {head}"
                );
                assert!(
                    head.contains("a real browser (Chromium) through an IPv6-only proxy"),
                    "{client:?} {url}: {head}"
                );
                for text in shows {
                    assert!(
                        panel.contains(text.as_str()),
                        "{client:?} {url}: no {text:?} on the page: {panel}"
                    );
                }
            }
        });
    }
}
