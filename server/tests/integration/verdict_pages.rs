//! IPv6-only verdicts on the dashboard, over HTTP: the service page's evidence (each
//! dependency host, its addresses, reason and URLs, escaped) and history, the overview's
//! badges (broken first) and readiness figure, the services list's badges, and "Run now"
//! asking for a new verdict. A browser-judged verdict lists each host's requests with what
//! asked for them; a static-only one says so.

use probes::Reason;
use reqwest::StatusCode;
use verdict::browser::SeenRequest;
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

fn seen(url: &str, kind: &str, initiator: &str, error: Option<&str>) -> SeenRequest {
    SeenRequest {
        url: url.into(),
        host: url::Url::parse(url).unwrap().host_str().unwrap().into(),
        kind: kind.into(),
        initiator: initiator.into(),
        outcome: if error.is_some() { "failed" } else { "ok" }.into(),
        error: error.map(str::to_string),
        status: error.is_none().then_some(200),
    }
}

#[tokio::test]
async fn a_browser_verdict_lists_each_hosts_requests_and_a_static_one_says_static_only() {
    let app = spawn().await;
    let id = app
        .service("grafana", "http", "http://dual.lab.test/")
        .await;
    let mut api = dep("api4.lab.test", DepVerdict::Broken, &["198.51.100.4"], &[]);
    api.kinds = vec!["fetch".into()];
    api.found_by = vec!["browser".into()];
    api.requests = (1..=5)
        .map(|n| {
            seen(
                &format!("http://api4.lab.test/api/{n}"),
                "fetch",
                "script",
                Some("net::ERR_TUNNEL_CONNECTION_FAILED"),
            )
        })
        .collect();
    let mut cdn = dep(
        "cdn6.lab.test",
        DepVerdict::Ready,
        &["2001:db8:6::1"],
        &["http://cdn6.lab.test/app.js"],
    );
    cdn.found_by = vec!["static".into(), "browser".into()];
    cdn.requests = vec![seen(
        "http://cdn6.lab.test/app.js",
        "script",
        "parser",
        None,
    )];
    let mut judged = report(Verdict::Partial, vec![api, cdn]);
    judged.judged_by = vec!["static".into(), "browser".into()];
    app.save(id, 1_000, &judged).await;

    let page = app.page(&format!("/services/{id}")).await;
    assert!(
        page.contains("a real browser (Chromium) through an IPv6-only proxy"),
        "{page}"
    );
    assert!(!page.contains("id=\"static-only\""));
    assert!(page.contains("found by the browser only"));
    assert!(page.contains("found in the HTML and by the browser"));
    assert!(page.contains("http://api4.lab.test/api/1"));
    assert!(page.contains("fetch, asked for by a script"));
    assert!(page.contains("failed: net::ERR_TUNNEL_CONNECTION_FAILED"));
    assert!(
        page.contains("script, in the page&#x27;s HTML")
            || page.contains("script, in the page's HTML")
    );
    assert!(page.contains("ok (200)"));
    // Three requests shown, the other two folded away but on the page.
    assert!(page.contains("2 more request(s)"), "{page}");
    assert!(page.contains("http://api4.lab.test/api/5"));

    // Without Chromium: the verdict says it read the HTML only, and why.
    let mut alone = report(Verdict::Ready, vec![]);
    alone.judged_by = vec!["static".into()];
    alone.browser_note = Some(verdict::browser::NOT_INSTALLED.into());
    app.save(id, 2_000, &alone).await;
    let page = app.page(&format!("/services/{id}")).await;
    let at = page
        .find("id=\"static-only\"")
        .expect("the static-only notice");
    let notice = &page[at..at + 200];
    assert!(notice.contains("Static only: "), "{notice}");
    assert!(notice.contains("Chromium is not installed"), "{notice}");
    assert!(
        page.contains("the page&#x27;s HTML and CSS only (static)")
            || page.contains("the page's HTML and CSS only (static)")
    );
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
