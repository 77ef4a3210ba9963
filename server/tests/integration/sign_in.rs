//! Password guessing meets a limit (per user name and per client network, with a lock-out
//! window), and failed sign-ins store no session.

use reqwest::StatusCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use v6watch::web::Wiring;
use v6watch::web::auth::throttle::{Clock, LoginLimits, LoginThrottle};

use crate::support::{self, TestApp, location};

pub const PASSWORD: &str = "correct horse battery";

/// A throttle on a clock the test moves (in seconds).
fn throttle(limits: LoginLimits) -> (Arc<LoginThrottle>, Arc<AtomicU64>) {
    let start = Instant::now();
    let offset = Arc::new(AtomicU64::new(0));
    let read = offset.clone();
    let clock: Clock = Arc::new(move || start + Duration::from_secs(read.load(Ordering::SeqCst)));
    (Arc::new(LoginThrottle::with_clock(limits, clock)), offset)
}

/// Set up, then signed out: the next sign-in is the test's.
async fn signed_out(throttle: Arc<LoginThrottle>) -> TestApp {
    let app = support::serve(Wiring {
        throttle,
        ..Wiring::default()
    })
    .await;
    app.set_up().await;
    app.post("/actions/logout", &[]).await;
    app
}

impl TestApp {
    /// A sign-in from a program without cookies.
    pub async fn sign_in(&self, password: &str) -> reqwest::Response {
        self.program
            .post(format!("{}/actions/login", self.base))
            .header("origin", &self.base)
            .form(&[("username", "admin"), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    async fn session_rows(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM tower_sessions")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn five_failures_lock_the_name_out_even_with_the_right_password_until_the_window_passes() {
    let (throttle, clock) = throttle(LoginLimits::default());
    let app = signed_out(throttle).await;

    for n in 0..5 {
        let r = app.sign_in("wrong password").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "attempt {n}");
        let back = location(&r);
        assert!(back.starts_with("/login?error=wrong"), "{back}");
        if n == 0 {
            let page = app.page(&back).await;
            assert!(page.contains("Wrong user name or password."), "{page}");
            assert!(
                page.contains(r#"value="admin""#),
                "the name is kept: {page}"
            );
        }
    }
    let started = Instant::now();
    let r = app.sign_in(PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "a locked-out attempt is answered at once"
    );
    assert_eq!(r.headers()["retry-after"], "900");
    let text = r.text().await.unwrap();
    assert!(text.contains("Try again in 15 minutes"), "{text}");

    clock.store(14 * 60, Ordering::SeqCst);
    assert_eq!(
        app.sign_in(PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    clock.store(15 * 60, Ordering::SeqCst);
    let r = app.sign_in(PASSWORD).await;
    assert_eq!(
        (r.status(), location(&r).as_str()),
        (StatusCode::SEE_OTHER, "/")
    );

    // This network signed in as admin: it is trusted for the name now, so its mistakes are
    // held by the network's limit (20), not the name's five, and the right password works.
    for n in 0..5 {
        let r = app.sign_in("wrong password").await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "after success, attempt {n}"
        );
    }
    let r = app.sign_in(PASSWORD).await;
    assert_eq!(
        (r.status(), location(&r).as_str()),
        (StatusCode::SEE_OTHER, "/")
    );
}

#[tokio::test]
async fn parallel_attempts_cannot_get_past_the_limit() {
    let (throttle, _clock) = throttle(LoginLimits::default());
    let app = signed_out(throttle).await;
    let attempts = (0..30).map(|_| app.sign_in("wrong password"));
    let statuses: Vec<StatusCode> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.status())
        .collect();
    let admitted = statuses
        .iter()
        .filter(|s| **s != StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(admitted, 5, "{statuses:?}");
}

#[tokio::test]
async fn failed_sign_ins_store_no_session() {
    let (throttle, _clock) = throttle(LoginLimits {
        per_name: 1_000,
        per_client: 1_000,
        ..LoginLimits::default()
    });
    let app = signed_out(throttle).await;
    assert_eq!(app.session_rows().await, 0);
    for _ in 0..25 {
        let r = app.sign_in("wrong password").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    // A browser that keeps its cookie neither.
    for _ in 0..25 {
        let r = app
            .post(
                "/actions/login",
                &[("username", "admin"), ("password", "wrong password")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        app.get(&location(&r)).await;
    }
    assert_eq!(app.session_rows().await, 0);
    let r = app.sign_in(PASSWORD).await;
    assert_eq!(location(&r), "/");
    assert_eq!(app.session_rows().await, 1);
}

/// A page asked for before signing in is where the sign-in leads, when it is a page of
/// this site; any other `next` leads to the overview.
#[tokio::test]
async fn signing_in_goes_back_to_the_page_that_asked_for_it_and_nowhere_else() {
    let (throttle, _clock) = throttle(LoginLimits::default());
    let app = signed_out(throttle).await;

    let asked = app.get("/hosts?sort=name&dir=desc").await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let to_login = location(&asked);
    assert_eq!(to_login, "/login?next=%2Fhosts%3Fsort%3Dname%26dir%3Ddesc");
    let page = app.page(&to_login).await;
    assert!(
        page.contains(r#"name="next" value="/hosts?sort=name&amp;dir=desc""#),
        "{page}"
    );
    // The overview itself needs no `next`.
    assert_eq!(location(&app.get("/").await), "/login");

    let sign_in = |next: &'static str, password: &'static str| {
        let app = &app;
        async move {
            app.post(
                "/actions/login",
                &[
                    ("username", "admin"),
                    ("password", password),
                    ("next", next),
                ],
            )
            .await
        }
    };
    // A wrong password keeps where to go next for the second try.
    let wrong = sign_in("/hosts?sort=name&dir=desc", "not it").await;
    assert!(
        location(&wrong).ends_with("&next=%2Fhosts%3Fsort%3Dname%26dir%3Ddesc"),
        "{}",
        location(&wrong)
    );
    let right = sign_in("/hosts?sort=name&dir=desc", PASSWORD).await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&right), "/hosts?sort=name&dir=desc");

    for elsewhere in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/login",
        "/actions/logout",
    ] {
        app.post("/actions/logout", &[]).await;
        let answer = sign_in(elsewhere, PASSWORD).await;
        assert_eq!(location(&answer), "/", "{elsewhere}");
    }
    // A sign-in page given a `next` of another site does not carry it in its form.
    app.post("/actions/logout", &[]).await;
    let page = app.page("/login?next=%2F%2Fevil.example%2F").await;
    assert!(!page.contains("evil.example"), "{page}");
}
