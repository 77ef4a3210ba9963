//! The address plan's findings over HTTP: /plan lists each finding with its code and links
//! to the objects concerned, escaped.

use reqwest::StatusCode;

use crate::support::spawn;

/// The `<li>` of the finding with `code` on the plan page, or "" when absent.
fn finding<'a>(page: &'a str, code: &str) -> &'a str {
    let marker = format!("data-code=\"{code}\"");
    page.split_once(&marker)
        .map(|(_, rest)| rest.split("</li>").next().unwrap_or(""))
        .unwrap_or("")
}

#[tokio::test]
async fn the_plan_lists_findings_with_links_to_the_objects() {
    let app = spawn().await;
    for (name, addresses) in [
        ("alpha<b>", "2001:db8:1::5"),
        ("beta", "2001:db8:1::5"),
        ("gamma", "2002:c000:201::1"),
    ] {
        let r = app
            .post(
                "/actions/hosts",
                &[("name", name), ("addresses", addresses)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{name}");
    }
    let r = app
        .post("/actions/prefixes", &[("cidr", "2001:db8:1::/48")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let page = app.page("/plan").await;
    let dup = finding(&page, "duplicate_address");
    assert!(dup.contains("2001:db8:1::5"), "{page}");
    assert!(dup.contains("href=\"/hosts/"), "links the hosts: {dup}");
    assert!(dup.contains("host alpha&lt;b&gt;"), "escaped: {dup}");
    assert!(!page.contains("alpha<b>"), "never raw");
    assert!(
        finding(&page, "deprecated_range").contains("2002:c000:201::1"),
        "{page}"
    );
    assert!(
        page.contains("data-code=\"outside_prefixes\""),
        "the outside list has its code"
    );
    assert!(
        finding(&page, "overlapping_prefixes").is_empty(),
        "no false finding"
    );
}

#[tokio::test]
async fn a_save_with_a_warning_is_stored_and_shows_it_next_to_the_field() {
    let app = spawn().await;
    let r = app
        .post(
            "/actions/hosts",
            &[("name", "old-relay"), ("addresses", "2002:c000:201::1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to.starts_with("/hosts/") && to.ends_with("/edit"),
        "back to the form: {to}"
    );
    let id: i64 = to
        .trim_end_matches("/edit")
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let stored: (String,) = sqlx::query_as("SELECT address FROM addresses WHERE host_id = ?")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored.0, "2002:c000:201::1", "saved despite the warning");

    let form = app.page(&to).await;
    let warning = form
        .split_once("id=\"addresses-warning\"")
        .map(|(_, rest)| rest.split("</p>").next().unwrap_or(""))
        .unwrap_or("");
    assert!(warning.contains("deprecated_range"), "{form}");
    assert!(form.contains("saved, with address-plan warnings"), "{form}");
    assert!(
        !form.contains("aria-invalid=\"true\""),
        "a warning is no error"
    );

    let r = app
        .post("/actions/prefixes", &[("cidr", "2001:db8:5::/48")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post(
            "/actions/hosts",
            &[("name", "fine"), ("addresses", "2001:db8:5::1")],
        )
        .await;
    let to = r.headers()["location"].to_str().unwrap();
    assert!(
        !to.ends_with("/edit"),
        "no warning, the usual redirect: {to}"
    );
}

/// A problem that appears after the first watch is told once, to the channels and on
/// /alerts; the same problem on the next watch is not told again, and one the plan already
/// had when the watch began is never told.
#[tokio::test]
async fn a_new_address_plan_problem_is_told_once_and_listed_on_the_alerts_page() {
    use v6watch::scheduler::plan_watch;
    let app = spawn().await;
    let r = app
        .post(
            "/actions/hosts",
            &[("name", "old-lo"), ("addresses", "::1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        plan_watch::step(&app.pool, 1_000).await.unwrap().is_empty(),
        "the baseline"
    );

    for name in ["nas", "backup"] {
        let r = app
            .post(
                "/actions/hosts",
                &[("name", name), ("addresses", "2001:db8:7::7")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{name}");
    }
    let told = plan_watch::step(&app.pool, 2_000).await.unwrap();
    let codes: Vec<&str> = told.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        codes,
        ["duplicate_address"],
        "warnings (outside every prefix) are not told"
    );
    assert!(
        plan_watch::step(&app.pool, 3_000).await.unwrap().is_empty(),
        "told once"
    );
    let all = store::plan_findings::current(&app.pool).await.unwrap();
    assert!(
        all.iter().any(|f| f.code == "not_global"),
        "the old problem is still there"
    );

    let sent: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT title, body, details FROM alert_notifications WHERE path = '/prefixes'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (title, body, details) = &sent[0];
    assert!(
        title.starts_with("Address plan: ") && title.contains("2001:db8:7::7"),
        "{title}"
    );
    assert!(body.contains("(duplicate_address)"), "{body}");
    assert!(details.contains("\"rule\":\"plan_problem\""), "{details}");

    let alerts = app.page("/alerts").await;
    let notices = crate::support::section(&alerts, "id=\"notices\"", "</ul>");
    assert!(notices.contains("2001:db8:7::7"), "{notices}");
    assert!(notices.contains("href=\"/prefixes\""), "{notices}");
}
