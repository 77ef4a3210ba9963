//! A database that takes no writes (read-only, full, broken) is not healthy: `/healthz`
//! answers 503 with the reason, and the sign-in page says so.

use reqwest::StatusCode;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use v6watch::web::Wiring;

use crate::support::{self, TestApp};

/// The same database, through connections that refuse every write (as root, a read-only
/// file would still be written).
async fn read_only(app: &TestApp) -> TestApp {
    let options = SqliteConnectOptions::new()
        .filename(app.database())
        .pragma("query_only", "ON");
    let pool = SqlitePoolOptions::new()
        .connect_with(options)
        .await
        .unwrap();
    support::serve_pool(pool, tempfile::tempdir().unwrap(), Wiring::default()).await
}

#[tokio::test]
async fn healthz_answers_503_with_the_reason_when_the_database_takes_no_writes() {
    let app = support::serve(Wiring::default()).await;
    app.set_up().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status(), StatusCode::OK);

    let stuck = read_only(&app).await;
    let r = stuck.get("/healthz").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let reason = r.text().await.unwrap();
    assert!(reason.contains("cannot be written"), "{reason}");
    assert!(reason.contains("readonly"), "{reason}");
}

#[tokio::test]
async fn the_sign_in_page_says_when_the_database_takes_no_writes() {
    let app = support::serve(Wiring::default()).await;
    app.set_up().await;
    let stuck = read_only(&app).await;
    let page = stuck.page("/login").await;
    assert!(page.contains(r#"id="database-problem""#), "{page}");
    assert!(page.contains("signing in will not work"), "{page}");

    // The right password cannot start a session there, and the page says why.
    let r = stuck.sign_in(crate::sign_in::PASSWORD).await;
    let back = support::location(&r);
    assert!(back.starts_with("/login?error=session"), "{back}");
    let page = stuck.page(&back).await;
    assert!(page.contains("the session could not be stored"), "{page}");
}
