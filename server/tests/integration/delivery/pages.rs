//! The channel pages over HTTP: they need a session, validate and keep input, never show a
//! stored secret, and the test button sends to that one channel.

use super::helpers::Receiver;
use crate::support::{TestApp, location, serve};
use reqwest::StatusCode;
use v6watch::web::Wiring;

impl TestApp {
    async fn channel_count(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM channels")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// Creates a webhook channel through the form; returns its id.
    async fn add_webhook(&self, name: &str, url: &str, secret: &str) -> i64 {
        let r = self
            .post(
                "/actions/channels",
                &[
                    ("name", name),
                    ("kind", "webhook"),
                    ("enabled", "1"),
                    ("preset", "generic"),
                    ("url", url),
                    ("secret", secret),
                    ("smtp_security", "starttls"),
                    ("smtp_port", "587"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = location(&r);
        to.strip_prefix("/channels/")
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("saved, redirected to {to}"))
    }
}

#[tokio::test]
async fn channel_pages_and_forms_need_a_session() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    app.post("/actions/logout", &[]).await;
    let r = app.get("/channels").await;
    assert_eq!(
        (r.status(), location(&r).as_str()),
        (StatusCode::SEE_OTHER, "/login?next=%2Fchannels")
    );
    for path in [
        "/actions/channels",
        "/actions/channels/1/test",
        "/actions/channels/1/delete",
    ] {
        let r = app
            .post(
                path,
                &[
                    ("name", "x"),
                    ("kind", "webhook"),
                    ("url", "http://a.test/"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(app.channel_count().await, 0);
}

#[tokio::test]
async fn a_rejected_channel_form_keeps_input_but_not_the_secret_and_stores_nothing() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let nav = app.page("/channels").await;
    assert!(nav.contains(r#"href="/channels""#) && nav.contains("No channels yet"));
    let r = app
        .post(
            "/actions/channels",
            &[
                ("name", "phone-alerts"),
                ("kind", "webhook"),
                ("preset", "ntfy"),
                ("url", "ftp://ntfy.example.test/lab"),
                ("secret", "tk_TYPED_SECRET_42"),
            ],
        )
        .await;
    assert_eq!(
        (r.status(), location(&r).as_str()),
        (StatusCode::SEE_OTHER, "/channels/new")
    );
    let form = app.page("/channels/new").await;
    assert!(form.contains("phone-alerts"), "input kept");
    assert!(form.contains("ftp://ntfy.example.test/lab"));
    assert!(
        form.contains("must start with http"),
        "error next to the URL"
    );
    assert!(
        !form.contains("tk_TYPED_SECRET_42"),
        "the typed secret is not sent back"
    );
    assert_eq!(app.channel_count().await, 0);

    let r = app
        .post(
            "/actions/channels",
            &[
                ("name", "mail"),
                ("kind", "email"),
                ("smtp_host", "smtp.example.test"),
                ("smtp_port", "99999"),
                ("smtp_security", "tls"),
                ("mail_from", "not an address"),
                ("mail_to", "me@example.test"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/channels/new");
    let form = app.page("/channels/new").await;
    assert!(form.contains("outside 1–65535"));
    assert!(form.contains("is not an e-mail address"));
    assert!(form.contains("smtp.example.test"));
    assert_eq!(app.channel_count().await, 0);
}

#[tokio::test]
async fn a_stored_secret_never_appears_in_any_page_and_an_empty_field_keeps_it() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let id = app
        .add_webhook(
            "phone",
            "https://ntfy.example.test/lab",
            "tk_STORED_SECRET_77",
        )
        .await;
    let r = app
        .post(
            "/actions/channels",
            &[
                ("name", "mail"),
                ("kind", "email"),
                ("smtp_host", "smtp.example.test"),
                ("smtp_port", "465"),
                ("smtp_security", "tls"),
                ("smtp_username", "alerts"),
                ("password", "pw_STORED_PASSWORD_88"),
                ("mail_from", "v6watch@example.test"),
                ("mail_to", "me@example.test"),
            ],
        )
        .await;
    let mail_id: i64 = location(&r)
        .trim_start_matches("/channels/")
        .parse()
        .unwrap();
    // A Discord webhook's token is its URL's path.
    let r = app
        .post(
            "/actions/channels",
            &[
                ("name", "discord"),
                ("kind", "webhook"),
                ("preset", "discord"),
                (
                    "url",
                    "https://discord.example.test/api/webhooks/1/tk_URL_TOKEN_99",
                ),
            ],
        )
        .await;
    let discord_id: i64 = location(&r)
        .trim_start_matches("/channels/")
        .parse()
        .unwrap();
    for path in [
        "/channels".to_string(),
        format!("/channels/{id}"),
        format!("/channels/{id}/edit"),
        format!("/channels/{id}/delete"),
        format!("/channels/{mail_id}"),
        format!("/channels/{mail_id}/edit"),
        format!("/channels/{discord_id}"),
        format!("/channels/{discord_id}/edit"),
    ] {
        let html = app.page(&path).await;
        assert!(
            !html.contains("tk_URL_TOKEN_99"),
            "{path} shows the URL's token"
        );
        assert!(
            !html.contains("tk_STORED_SECRET_77"),
            "{path} shows the secret"
        );
        assert!(
            !html.contains("pw_STORED_PASSWORD_88"),
            "{path} shows the password"
        );
    }
    assert!(
        app.page(&format!("/channels/{id}/edit"))
            .await
            .contains("A secret is stored")
    );
    let listing = app.page("/channels").await;
    assert!(listing.contains("https://ntfy.example.test") && listing.contains("me@example.test"));

    let stored = async || -> Option<String> {
        sqlx::query_scalar("SELECT secret FROM channels WHERE id = ?")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let edit = |extra: &'static [(&'static str, &'static str)]| {
        let mut form = vec![
            ("name", "phone"),
            ("kind", "webhook"),
            ("enabled", "1"),
            ("preset", "ntfy"),
            ("url", "https://ntfy.example.test/other"),
            ("secret", ""),
        ];
        form.extend_from_slice(extra);
        form
    };
    let r = app
        .post(&format!("/actions/channels/{id}"), &edit(&[]))
        .await;
    assert_eq!(location(&r), format!("/channels/{id}"));
    assert_eq!(
        stored().await.as_deref(),
        Some("tk_STORED_SECRET_77"),
        "kept"
    );
    app.post(
        &format!("/actions/channels/{id}"),
        &edit(&[("clear_secret", "1")]),
    )
    .await;
    assert_eq!(stored().await, None, "cleared");

    let r = app
        .post(&format!("/actions/channels/{id}/delete"), &[])
        .await;
    assert_eq!(location(&r), "/channels");
    assert_eq!(app.channel_count().await, 2);

    // Saving the Discord channel with the URL left empty keeps the stored one.
    let edit_page = app.page(&format!("/channels/{discord_id}/edit")).await;
    assert!(edit_page.contains("A URL on https://discord.example.test is stored"));
    let r = app
        .post(
            &format!("/actions/channels/{discord_id}"),
            &[
                ("name", "discord"),
                ("kind", "webhook"),
                ("preset", "discord"),
                ("url", ""),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("/channels/{discord_id}"));
    let url: String = sqlx::query_scalar("SELECT url FROM channels WHERE id = ?")
        .bind(discord_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(url.ends_with("/tk_URL_TOKEN_99"), "kept: {url}");
}

#[tokio::test]
async fn the_test_button_delivers_to_that_channel_only_and_reports_the_outcome() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let mine = Receiver::start().await;
    let other = Receiver::start().await;
    let id = app.add_webhook("mine", &mine.url, "tk_x").await;
    app.add_webhook("other", &other.url, "").await;

    let r = app.post(&format!("/actions/channels/{id}/test"), &[]).await;
    assert_eq!(location(&r), format!("/channels/{id}"));
    let got = mine.wait_for(1).await;
    assert_eq!(got[0].json()["kind"], "test");
    assert_eq!(got[0].json()["url"], format!("/channels/{id}"));
    let page = app.page(&format!("/channels/{id}")).await;
    assert!(
        page.contains("Test alert sent to mine (answer 200)."),
        "flash message"
    );
    assert!(page.contains("v6watch test alert"), "in the delivery log");
    assert!(
        !app.page(&format!("/channels/{id}"))
            .await
            .contains("Test alert sent"),
        "shown once"
    );

    // The dispatcher would not send it anywhere else either.
    let queued = store::deliveries::fan_out(&app.pool, 0).await.unwrap();
    assert_eq!(queued, 0);
    assert!(other.received().is_empty());

    let failing = Receiver::answering(&[502]).await;
    let bad = app.add_webhook("bad", &failing.url, "").await;
    app.post(&format!("/actions/channels/{bad}/test"), &[])
        .await;
    let page = app.page(&format!("/channels/{bad}")).await;
    assert!(
        page.contains("Test alert to bad failed: answered 502"),
        "{page}"
    );
    let status: String = sqlx::query_scalar("SELECT status FROM deliveries WHERE channel_id = ?")
        .bind(bad)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "failed");
}
