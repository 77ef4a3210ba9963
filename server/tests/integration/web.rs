//! The HTTP application end to end, without a browser: sign-in gates, CSRF refusal,
//! form posts that reject bad input without storing it, and escaping.

use reqwest::StatusCode;

use crate::support;

use support::{TestApp, location, serve};
use v6watch::web::Wiring;

impl TestApp {
    async fn host_count(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM hosts")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn health_is_public_and_everything_else_leads_to_setup_then_login() {
    let app = serve(Wiring::default()).await;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    let r = app.get("/hosts").await;
    assert_eq!(
        (r.status(), location(&r).as_str()),
        (StatusCode::SEE_OTHER, "/setup")
    );
    let setup = app.get("/setup").await;
    assert_eq!(setup.status(), StatusCode::OK);
    assert!(
        setup
            .text()
            .await
            .unwrap()
            .contains("Create the admin account")
    );

    app.set_up().await;
    assert_eq!(app.get("/hosts").await.status(), StatusCode::OK);
    // Setup cannot run twice, even by posting directly.
    let again = app
        .post(
            "/actions/setup",
            &[
                ("username", "eve"),
                ("password", "0123456789ab"),
                ("confirm", "0123456789ab"),
            ],
        )
        .await;
    assert_eq!(location(&again), "/");
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(users, 1);

    app.post("/actions/logout", &[]).await;
    let r = app.get("/hosts").await;
    assert_eq!(
        (r.status(), location(&r).as_str()),
        (StatusCode::SEE_OTHER, "/login?next=%2Fhosts")
    );
    let r = app.post("/actions/hosts", &[("name", "x")]).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_strict() {
    let app = serve(Wiring::default()).await;
    let r = app
        .post(
            "/actions/setup",
            &[
                ("username", "admin"),
                ("password", "correct horse battery"),
                ("confirm", "correct horse battery"),
            ],
        )
        .await;
    let cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("v6watch_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_change_nothing() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let form = [("name", "evil"), ("addresses", "2001:db8::66")];
    for origin in [Some("http://evil.example.test"), None] {
        let mut request = app
            .client
            .post(format!("{}/actions/hosts", app.base))
            .form(&form);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        let r = request.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "origin {origin:?}");
    }
    assert_eq!(app.host_count().await, 0);
}

#[tokio::test]
async fn a_bad_form_goes_back_with_its_input_and_stores_nothing() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let r = app
        .post(
            "/actions/hosts",
            &[
                ("name", "router"),
                ("addresses", "2001:db8::1\n2001:db8::zz"),
            ],
        )
        .await;
    assert_eq!(
        (r.status(), location(&r).as_str()),
        (StatusCode::SEE_OTHER, "/hosts/new")
    );
    assert_eq!(app.host_count().await, 0);

    let page = app.get("/hosts/new").await.text().await.unwrap();
    assert!(
        page.contains("line 2: &#x27;2001:db8::zz&#x27; is not an IPv6 or IPv4 address")
            || page.contains("line 2: '2001:db8::zz' is not an IPv6 or IPv4 address"),
        "{page}"
    );
    assert!(page.contains(r#"value="router""#), "the name is kept");
    // The message is shown once: reloading gives a clean form.
    let page = app.get("/hosts/new").await.text().await.unwrap();
    assert!(!page.contains("is not an IPv6 or IPv4 address"));

    let r = app
        .post(
            "/actions/hosts",
            &[("name", "router"), ("addresses", "2001:db8::1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/hosts/"), "{}", location(&r));
    assert_eq!(app.host_count().await, 1);

    // A duplicate name is reported on the name field, and the first host is untouched.
    let r = app
        .post(
            "/actions/hosts",
            &[("name", "router"), ("addresses", "2001:db8::2")],
        )
        .await;
    assert_eq!(location(&r), "/hosts/new");
    let page = app.get("/hosts/new").await.text().await.unwrap();
    assert!(page.contains("already exists"), "{page}");
    assert_eq!(app.host_count().await, 1);
}

#[tokio::test]
async fn what_users_typed_is_escaped_on_every_page() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let r = app
        .post(
            "/actions/hosts",
            &[
                ("name", "</title><script>alert(1)</script>"),
                ("notes", "<img src=x onerror=alert(2)>"),
            ],
        )
        .await;
    let host = location(&r);
    for path in ["/hosts", host.as_str(), "/"] {
        let page = app.get(path).await.text().await.unwrap();
        assert!(
            !page.contains("<script>alert(1)</script>"),
            "{path}: {page}"
        );
        assert!(!page.contains("<img src=x"), "{path}: {page}");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path}: {page}"
        );
    }
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let app = serve(Wiring::default()).await;
    let r = app.get("/setup").await;
    let header = |name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(header("x-frame-options").as_deref(), Some("DENY"));
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    assert!(
        header("content-security-policy")
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
}

#[tokio::test]
async fn deleting_a_host_removes_its_containers() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let r = app.post("/actions/hosts", &[("name", "pi")]).await;
    let host_id = location(&r).rsplit('/').next().unwrap().to_string();
    let r = app
        .post(
            "/actions/containers",
            &[
                ("name", "web"),
                ("host_id", &host_id),
                ("runtime", "lxc"),
                ("network_mode", "bridged"),
            ],
        )
        .await;
    assert!(location(&r).starts_with("/containers/"), "{}", location(&r));
    let confirm = app
        .get(&format!("/hosts/{host_id}/delete"))
        .await
        .text()
        .await
        .unwrap();
    assert!(confirm.contains("container web is deleted"));
    let r = app
        .post(&format!("/actions/hosts/{host_id}/delete"), &[])
        .await;
    assert_eq!(location(&r), "/hosts");
    let containers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM containers")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((app.host_count().await, containers), (0, 0));
}
