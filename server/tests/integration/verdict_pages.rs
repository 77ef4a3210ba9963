//! IPv6-only verdicts on the dashboard, over HTTP: the service page's evidence (each
//! dependency host, its addresses, reason and URLs, escaped) and history, the overview's
//! badges (broken first) and readiness figure, the services list's badges, and "Run now"
//! asking for a new verdict.

use probes::Reason;
use reqwest::StatusCode;
use verdict::{DepVerdict, DependencyVerdict, ServiceVerdict, Verdict};

use crate::support;

use support::{TestApp, spawn};

impl TestApp {
    async fn service(&self, name: &str, kind: &str, target: &str) -> i64 {
        let host: i64 = sqlx::query_scalar(
            "INSERT INTO hosts (name) VALUES ('web') ON CONFLICT (name) DO UPDATE SET name = name RETURNING id",
        )
        .fetch_one(&self.pool)
        .await
        .unwrap();
        sqlx::query_scalar(
            "INSERT INTO services (name, kind, target, port, host_id) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(name)
        .bind(kind)
        .bind(target)
        .bind((kind == "tcp").then_some(22))
        .bind(host)
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }

    async fn save(&self, id: i64, at: i64, verdict: &ServiceVerdict) {
        store::verdicts::save(&self.pool, id, at, verdict)
            .await
            .unwrap();
    }
}

fn dep(host: &str, verdict: DepVerdict, addresses: &[&str], urls: &[&str]) -> DependencyVerdict {
    DependencyVerdict {
        host: host.into(),
        verdict,
        reason: (verdict == DepVerdict::Broken).then_some(Reason::NoAaaa),
        addresses: addresses.iter().map(|a| a.to_string()).collect(),
        urls: urls.iter().map(|u| u.to_string()).collect(),
        kinds: vec!["script".into(), "image".into()],
        checked: urls.first().map(|u| u.to_string()),
        detail: format!("{host} detail"),
        found_by: Vec::new(),
        requests: Vec::new(),
    }
}

fn report(verdict: Verdict, dependencies: Vec<DependencyVerdict>) -> ServiceVerdict {
    ServiceVerdict {
        target: "http://dual.lab.test/".into(),
        verdict,
        reason: (verdict == Verdict::Broken).then_some(Reason::Timeout),
        addresses: vec!["2001:db8:2::46".into(), "198.51.100.46".into()],
        final_url: Some("http://dual.lab.test/home".into()),
        nat64: false,
        dependencies,
        truncated: false,
        checked_at: None,
        detail: "answered 200 over IPv6".into(),
        judged_by: Vec::new(),
        browser_note: None,
    }
}

const HOSTILE: &str = "http://v4only.lab.test/app.js?x=<script>alert(1)</script>";

#[tokio::test]
async fn the_service_page_shows_each_dependency_host_with_its_evidence_and_the_history() {
    let app = spawn().await;
    let id = app.service("shop", "http", "http://dual.lab.test/").await;
    let cdn_urls: Vec<String> = (1..=7)
        .map(|n| format!("http://cdn6.lab.test/img{n}.png"))
        .collect();
    let cdn_urls: Vec<&str> = cdn_urls.iter().map(String::as_str).collect();
    let cdn = dep(
        "cdn6.lab.test",
        DepVerdict::Ready,
        &["2001:db8:2::6"],
        &cdn_urls,
    );
    let v4_ok = dep(
        "v4only.lab.test",
        DepVerdict::Ready,
        &["2001:db8:2::99"],
        &[HOSTILE],
    );
    app.save(id, 1_000, &report(Verdict::Ready, vec![cdn.clone(), v4_ok]))
        .await;
    let v4_broken = dep(
        "v4only.lab.test",
        DepVerdict::Broken,
        &["198.51.100.4"],
        &[HOSTILE],
    );
    app.save(id, 2_000, &report(Verdict::Partial, vec![cdn, v4_broken]))
        .await;

    let page = app.page(&format!("/services/{id}")).await;
    let deps_table = page
        .split("id=\"dependencies\"")
        .nth(1)
        .expect("a dependency table")
        .split("</table>")
        .next()
        .unwrap();
    // Each host with its addresses and verdict; the broken one with its reason in words.
    for text in [
        "cdn6.lab.test",
        "2001:db8:2::6",
        "v4only.lab.test",
        "198.51.100.4",
        "no_aaaa",
        "no IPv6 address (no AAAA record)",
        "v4only.lab.test detail",
        "script, image",
        "http://cdn6.lab.test/img1.png",
        "http://cdn6.lab.test/img5.png",
        "and 2 more",
    ] {
        assert!(deps_table.contains(text), "{text} missing: {deps_table}");
    }
    assert!(!deps_table.contains("img6.png"), "URLs are capped");
    // The hostile URL is shown as text, never as markup.
    assert!(!page.contains("<script>alert(1)"), "{page}");
    assert!(
        deps_table.contains("x=&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{deps_table}"
    );
    // The verdict itself, the final URL and the service's own addresses.
    for text in [
        "verdict partial",
        "but 1 of the 2 hosts it loads from do not",
        "http://dual.lab.test/home",
        "2001:db8:2::46",
        "198.51.100.46",
    ] {
        assert!(page.contains(text), "{text} missing");
    }
    // The history, newest first: the change, then the first verdict.
    let history = page
        .split("id=\"verdict-history\"")
        .nth(1)
        .expect("a history table")
        .split("</table>")
        .next()
        .unwrap();
    let change = history.find("ready → partial").expect("the change");
    let broke = history
        .find("v4only.lab.test broke: no_aaaa")
        .expect("what broke");
    let first = history
        .find("first verdict: ready")
        .expect("the first verdict");
    assert!(change < first && broke < first, "{history}");
}

#[tokio::test]
async fn the_overview_lists_badges_broken_first_and_the_readiness_figure() {
    let app = spawn().await;
    let ready = app
        .service("a-ready", "http", "http://v6only.lab.test/")
        .await;
    let waiting = app
        .service("b-waiting", "http", "http://new.lab.test/")
        .await;
    let partial = app
        .service("c-partial", "http", "http://dual.lab.test/")
        .await;
    let broken = app
        .service("d-broken", "http", "http://v4only.lab.test/")
        .await;
    let ready2 = app
        .service("e-ready", "http", "http://cdn6.lab.test/")
        .await;
    app.service("ssh", "tcp", "2001:db8::1").await;
    app.save(ready, 1, &report(Verdict::Ready, vec![])).await;
    app.save(ready2, 1, &report(Verdict::Ready, vec![])).await;
    app.save(
        partial,
        1,
        &report(
            Verdict::Partial,
            vec![dep("v4only.lab.test", DepVerdict::Broken, &[], &[HOSTILE])],
        ),
    )
    .await;
    app.save(broken, 1, &report(Verdict::Broken, vec![])).await;

    let page = app.page("/").await;
    assert!(page.contains("50 % ready (2 of 4)"), "{page}");
    let table = page
        .split("id=\"service-verdicts\"")
        .nth(1)
        .expect("a verdict table")
        .split("</table>")
        .next()
        .unwrap();
    let at = |id: i64| {
        table
            .find(&format!("href=\"/services/{id}\""))
            .unwrap_or_else(|| panic!("service {id} missing: {table}"))
    };
    assert!(at(broken) < at(partial), "{table}");
    assert!(at(partial) < at(ready), "{table}");
    assert!(at(ready) < at(ready2), "{table}");
    assert!(at(ready2) < at(waiting), "{table}");
    assert!(!table.contains(">ssh<"), "only HTTP(S) services: {table}");
    // Badges carry their word for screen readers; the broken one says why.
    for word in ["broken", "partial", "ready", "not judged yet", "timeout"] {
        assert!(table.contains(word), "{word} missing: {table}");
    }
    assert!(table.contains("class=\"verdict broken\""));

    let list = app.page("/services").await;
    assert!(list.contains("class=\"verdict partial\""), "{list}");
    assert!(list.contains("class=\"verdict unjudged\""), "{list}");
}

#[tokio::test]
async fn run_now_on_a_services_http_check_asks_for_a_new_verdict() {
    let app = spawn().await;
    let id = app.service("shop", "http", "http://dual.lab.test/").await;
    let ssh = app.service("ssh", "tcp", "2001:db8::1").await;
    store::checks::sync_from_inventory(&app.pool).await.unwrap();
    let check = |service| {
        let pool = app.pool.clone();
        async move {
            store::checks::of_subject(&pool, "service", service)
                .await
                .unwrap()
                .remove(0)
                .id
        }
    };
    let back = format!("/services/{id}");
    for service in [ssh, id] {
        let r = app
            .post(
                &format!("/actions/checks/{}/run", check(service).await),
                &[("back", &back)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(
        store::verdicts::take_requests(&app.pool).await.unwrap(),
        vec![id]
    );
}
