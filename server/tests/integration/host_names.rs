//! The dashboard answers only to its own names: a page or form asked for under another
//! `Host` (a DNS rebinding page's, say) is refused before anything runs, even setup; and a
//! form post must come from the very origin, scheme included.

use reqwest::StatusCode;
use v6watch::web::Wiring;
use v6watch::web::host::{Site, parse_allowed_host};

use crate::support::{self, TestApp, location};

impl TestApp {
    async fn get_as(&self, host: &str, path: &str) -> reqwest::Response {
        self.program
            .get(format!("{}{path}", self.base))
            .header("host", host)
            .send()
            .await
            .unwrap()
    }

    async fn set_up_as(&self, host: &str) -> reqwest::Response {
        self.program
            .post(format!("{}/actions/setup", self.base))
            .header("host", host)
            .header("origin", format!("http://{host}"))
            .form(&[
                ("username", "admin"),
                ("password", "correct horse battery"),
                ("confirm", "correct horse battery"),
            ])
            .send()
            .await
            .unwrap()
    }

    async fn users(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn other_host_names_are_refused_before_any_page_or_form_and_the_own_ones_are_served() {
    let site = Site::new(
        Some("192.0.2.10:3000".parse().unwrap()),
        None,
        &[parse_allowed_host("dash.lab.test").unwrap()],
        false,
    );
    let app = support::serve(Wiring {
        site,
        ..Wiring::default()
    })
    .await;

    // No account yet: whoever reaches the setup form could take the dashboard.
    for path in ["/setup", "/login", "/", "/hosts", "/favicon.svg"] {
        let r = app.get_as("evil.example:3000", path).await;
        assert_eq!(r.status(), StatusCode::MISDIRECTED_REQUEST, "{path}");
        let text = r.text().await.unwrap();
        assert!(text.contains("--allowed-host"), "{text}");
    }
    let r = app.set_up_as("evil.example").await;
    assert_eq!(r.status(), StatusCode::MISDIRECTED_REQUEST);
    assert_eq!(app.users().await, 0);
    // Monitoring may use any name.
    assert_eq!(
        app.get_as("evil.example", "/healthz").await.status(),
        StatusCode::OK
    );

    // The listen address, loopback and the allowed name are served.
    let port = app.base.rsplit(':').next().unwrap().to_string();
    for host in [
        "192.0.2.10:3000".to_string(),
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "[::1]:3000".to_string(),
        "dash.lab.test".to_string(),
        "DASH.lab.test:8080".to_string(),
    ] {
        let r = app.get_as(&host, "/setup").await;
        assert_eq!(r.status(), StatusCode::OK, "{host}");
    }
    let r = app.set_up_as("dash.lab.test").await;
    assert_eq!(
        (r.status(), location(&r).as_str()),
        (StatusCode::SEE_OTHER, "/")
    );
    assert_eq!(app.users().await, 1);
}

#[tokio::test]
async fn a_form_post_from_the_same_host_over_another_scheme_is_refused() {
    let app = support::spawn().await;
    let https_origin = app.base.replacen("http://", "https://", 1);
    let r = app
        .client
        .post(format!("{}/actions/hosts", app.base))
        .header("origin", &https_origin)
        .form(&[("name", "pi"), ("addresses", "2001:db8::1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let referer = format!("{https_origin}/hosts/new");
    let r = app
        .client
        .post(format!("{}/actions/hosts", app.base))
        .header("referer", &referer)
        .form(&[("name", "pi"), ("addresses", "2001:db8::1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let hosts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM hosts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(hosts, 0);
    // The same post from the dashboard's own origin goes through.
    let r = app
        .post(
            "/actions/hosts",
            &[("name", "pi"), ("addresses", "2001:db8::1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}
