//! The settings page over HTTP: resolvers and NAT64 prefixes are validated like the serve
//! flags, a bad value is explained next to its field with nothing stored, and saved ones
//! reach the running probes at once; emptied, the flags apply again. The browser-judge
//! switch reaches the verdict stage the same way.

use model::settings::{ProbeFlags, ProbeSettings};
use probes::ProbeConfig;
use reqwest::StatusCode;
use std::net::SocketAddr;
use std::sync::Arc;
use v6watch::scheduler::live_prober::LiveProber;
use v6watch::web::Wiring;

use crate::support;

use support::{TestApp, location, spawn, spawn_wired};

const FLAG: &str = "192.0.2.1:53";

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

async fn stored(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM settings")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn saved_resolvers_reach_the_running_probes_and_bad_ones_are_explained() {
    let base = ProbeConfig {
        nameservers: vec![addr(FLAG)],
        ..ProbeConfig::default()
    };
    let live = Arc::new(LiveProber::start(base, &ProbeSettings::default()).unwrap());
    let app = spawn_wired(Wiring {
        probes: Some(live.clone()),
        probe_flags: ProbeFlags {
            resolvers: vec![FLAG.into()],
            nat64_prefixes: Vec::new(),
            live: true,
            ..ProbeFlags::default()
        },
        ..Wiring::default()
    })
    .await;
    let page = app.page("/settings").await;
    assert!(page.contains("192.0.2.1:53 (from --resolver)"), "{page}");

    // A host name is not a resolver: explained next to the field, input kept, nothing stored.
    let r = app
        .post(
            "/actions/settings",
            &[("resolvers", "ns.home.example"), ("nat64_prefixes", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/settings");
    let page = app.page("/settings").await;
    assert!(page.contains("host names are not accepted"), "{page}");
    assert!(page.contains("ns.home.example"));
    assert_eq!(stored(&app).await, 0);
    assert_eq!(live.get().config().nameservers, [addr(FLAG)]);

    let r = app
        .post(
            "/actions/settings",
            &[
                ("resolvers", "[2001:db8::53]:5353\n192.0.2.53"),
                ("nat64_prefixes", "2001:db8:64::/96"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/settings?saved=1");
    let page = app.page("/settings?saved=1").await;
    assert!(page.contains("Saved."));
    assert!(
        page.contains("[2001:db8::53]:5353, 192.0.2.53:53 (set on this page)"),
        "{page}"
    );
    let config = live.get().config().clone();
    assert_eq!(
        config.nameservers,
        [addr("[2001:db8::53]:5353"), addr("192.0.2.53:53")]
    );
    assert!(
        config
            .nat64_prefixes
            .contains(&"2001:db8:64::/96".parse().unwrap())
    );

    // Emptied, the flag is back.
    app.post(
        "/actions/settings",
        &[("resolvers", ""), ("nat64_prefixes", "")],
    )
    .await;
    assert_eq!(live.get().config().nameservers, [addr(FLAG)]);
    assert_eq!(stored(&app).await, 0);
}

#[tokio::test]
async fn without_the_scheduler_the_page_says_settings_wait_for_it() {
    let app = spawn().await;
    let page = app.page("/settings").await;
    assert!(
        page.contains("the system&#x27;s resolvers") || page.contains("the system's resolvers")
    );
    assert!(page.contains("--no-scheduler"));
    let r = app
        .post("/actions/settings", &[("resolvers", "192.0.2.53")])
        .await;
    assert_eq!(location(&r), "/settings?saved=1");
    assert_eq!(stored(&app).await, 1, "kept for the next start");
}

#[tokio::test]
async fn the_settings_need_a_session() {
    let app = spawn().await;
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = anonymous
        .post(format!("{}/actions/settings", app.base))
        .header("origin", &app.base)
        .form(&[("resolvers", "192.0.2.53")])
        .send()
        .await
        .unwrap();
    let saved = r
        .headers()
        .get("location")
        .is_some_and(|l| l.to_str().unwrap_or_default().contains("saved"));
    assert!(!saved && !r.status().is_success(), "{}", r.status());
    assert_eq!(stored(&app).await, 0);
}

#[tokio::test]
async fn the_browser_judge_switch_is_saved_applied_and_shown_with_its_source() {
    let live =
        Arc::new(LiveProber::start(ProbeConfig::default(), &ProbeSettings::default()).unwrap());
    let app = spawn_wired(Wiring {
        probes: Some(live.clone()),
        probe_flags: ProbeFlags {
            live: true,
            browser_judge: "auto".into(),
            chromium: Some("/usr/bin/chromium".into()),
            ..ProbeFlags::default()
        },
        ..Wiring::default()
    })
    .await;
    let in_effect = |page: &str| {
        let at = page
            .find("id=\"browser-in-effect\"")
            .expect("the browser judge row");
        page[at..at + 160].to_string()
    };
    let page = app.page("/settings").await;
    assert!(
        in_effect(&page).contains(
            "on: Chromium at /usr/bin/chromium loads each page (from --browser-judge auto)"
        ),
        "{}",
        in_effect(&page)
    );
    assert_eq!(live.browser_judge(), None);

    let r = app
        .post(
            "/actions/settings",
            &[
                ("resolvers", ""),
                ("nat64_prefixes", ""),
                ("browser_judge", "off"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/settings?saved=1");
    assert_eq!(
        live.browser_judge(),
        Some(false),
        "the verdict stage sees it at once"
    );
    let page = app.page("/settings?saved=1").await;
    assert!(
        in_effect(&page).contains("off: pages"),
        "{}",
        in_effect(&page)
    );
    assert!(in_effect(&page).contains("(set on this page)"));
    assert!(
        page.contains("<option value=\"off\" selected"),
        "the form shows the choice"
    );

    // Not a choice: explained next to the field, the stored switch stays.
    let r = app
        .post(
            "/actions/settings",
            &[
                ("resolvers", ""),
                ("nat64_prefixes", ""),
                ("browser_judge", "sometimes"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/settings");
    let page = app.page("/settings").await;
    assert!(
        page.contains("&#x27;sometimes&#x27; is not a choice")
            || page.contains("'sometimes' is not a choice"),
        "{page}"
    );
    assert_eq!(live.browser_judge(), Some(false));
    assert_eq!(stored(&app).await, 1);

    // Back to "as started": the row goes, the flag decides again.
    app.post(
        "/actions/settings",
        &[
            ("resolvers", ""),
            ("nat64_prefixes", ""),
            ("browser_judge", ""),
        ],
    )
    .await;
    assert_eq!(live.browser_judge(), None);
    assert_eq!(stored(&app).await, 0);
}
