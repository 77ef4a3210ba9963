//! A service's page says only what applies to it: the port of a TCP service, the expected
//! status of an HTTP one, no empty dependency list, no IPv4 row for an IPv6 address; while
//! its checks are being derived it says so; a service added today opens on the last hour.

use crate::support::{TestApp, location, spawn};
use reqwest::StatusCode;

async fn create(app: &TestApp, path: &str, form: &[(&str, &str)]) -> i64 {
    let r = app.post(path, form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
    let to = location(&r);
    to.rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{path} went back to {to}"))
}

#[tokio::test]
async fn a_service_page_shows_what_its_kind_uses_and_that_its_checks_are_coming() {
    let app = spawn().await;
    let host = create(
        &app,
        "/actions/hosts",
        &[("name", "web"), ("addresses", "2001:db8::80")],
    )
    .await;
    let owner = format!("host:{host}");
    let literal = create(
        &app,
        "/actions/services",
        &[
            ("name", "shop"),
            ("owner", &owner),
            ("kind", "http"),
            ("target", "http://[2001:db8::80]:8080/"),
            // Left in the port field before the kind was chosen: not an HTTP service's.
            ("port", "22"),
            ("expected_status", "204"),
        ],
    )
    .await;
    let tcp = create(
        &app,
        "/actions/services",
        &[
            ("name", "ssh"),
            ("owner", &owner),
            ("kind", "tcp"),
            ("target", "2001:db8::80"),
            ("port", "22"),
            ("expected_status", "200"),
            ("dependencies", "mirror.lab.test:443"),
        ],
    )
    .await;

    let page = app.page(&format!("/services/{literal}")).await;
    assert!(
        page.contains("<dt>Expected status</dt><dd>204</dd>"),
        "{page}"
    );
    assert!(
        !page.contains("<dt>Port</dt>"),
        "an HTTP service has no port field: {page}"
    );
    assert!(
        !page.contains("Declared dependencies"),
        "none declared, no heading"
    );
    assert!(
        page.contains(r#"id="checks-pending""#),
        "checks not derived yet: {page}"
    );
    assert!(page.contains("Checks being set up"), "{page}");
    assert!(!page.contains("No checks"), "{page}");
    // Added today: the charts open on the last hour.
    assert!(
        page.contains(r#"href="/services/"#) && page.contains(r#"aria-current="page">1 h</a>"#),
        "{page}"
    );

    let page = app.page(&format!("/services/{tcp}")).await;
    assert!(page.contains("<dt>Port</dt><dd>22</dd>"), "{page}");
    assert!(
        !page.contains("Expected status"),
        "a TCP service has no status: {page}"
    );
    assert!(page.contains("Declared dependencies"), "{page}");

    store::checks::sync_from_inventory(&app.pool).await.unwrap();
    let page = app.page(&format!("/services/{literal}")).await;
    assert!(page.contains("HTTP http://[2001:db8::80]:8080/"), "{page}");
    assert!(page.contains(r#"<th scope="row">IPv6</th>"#), "{page}");
    assert!(
        !page.contains(r#"<th scope="row">IPv4</th>"#),
        "an IPv6 address is never probed over IPv4: {page}"
    );
    assert!(!page.contains("checks-pending"), "{page}");

    // A host with nothing to check says what would give it checks.
    let bare = create(
        &app,
        "/actions/hosts",
        &[("name", "bare"), ("addresses", "192.0.2.9")],
    )
    .await;
    let page = app.page(&format!("/hosts/{bare}")).await;
    assert!(
        page.contains("No checks: add an IPv6 address or a service."),
        "{page}"
    );
}
