//! The HTTP application on a temporary database, with a browser (keeps the session cookie)
//! and a program (no cookies) to talk to it: shared by the page, form and API tests. Each
//! test binary uses a part of it.
#![allow(dead_code)]

pub mod process;

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use std::net::SocketAddr;
use v6watch::events::EventBus;
use v6watch::web::Wiring;

pub struct TestApp {
    pub base: String,
    /// A browser: keeps the session cookie.
    pub client: reqwest::Client,
    /// A program: no cookies.
    pub program: reqwest::Client,
    pub pool: sqlx::SqlitePool,
    /// What the application announces on `GET /events`.
    pub events: EventBus,
    _dir: tempfile::TempDir,
}

/// Signed in as the admin.
pub async fn spawn() -> TestApp {
    spawn_wired(Wiring::default()).await
}

/// Signed in as the admin, wired to background parts a test made (a prober, a bus, ...).
pub async fn spawn_wired(wiring: Wiring) -> TestApp {
    let app = serve(wiring).await;
    app.set_up().await;
    app
}

/// Serving, with no account yet (the first visit leads to setup).
pub async fn serve(wiring: Wiring) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let pool = store::open(&dir.path().join("v6watch.db")).await.unwrap();
    serve_pool(pool, dir, wiring).await
}

/// Serves `router` on a free loopback port, in the background, and gives its address.
pub async fn listen(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    addr
}

/// Serving on a pool the test opened (read-only, say); `dir` is the site root and is kept
/// as long as the app.
pub async fn serve_pool(pool: sqlx::SqlitePool, dir: tempfile::TempDir, wiring: Wiring) -> TestApp {
    let events = wiring.events.clone();
    let router =
        v6watch::web::router_with(pool.clone(), dir.path().to_str().unwrap(), false, wiring);
    let addr = listen(router).await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let program = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    TestApp {
        base: format!("http://{addr}"),
        client,
        program,
        pool,
        events,
        _dir: dir,
    }
}

/// Where a response redirects to ("" when it does not).
/// The part of `page` between `from` and the next `to`.
pub fn section<'a>(page: &'a str, from: &str, to: &str) -> &'a str {
    let start = page
        .find(from)
        .unwrap_or_else(|| panic!("{from} not in {page}"));
    let rest = &page[start..];
    &rest[..rest.find(to).unwrap_or(rest.len())]
}

pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

impl TestApp {
    /// The database file of an app started by [`serve`].
    pub fn database(&self) -> std::path::PathBuf {
        self._dir.path().join("v6watch.db")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// A page that must answer 200; its HTML.
    pub async fn page(&self, path: &str) -> String {
        let r = self.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.text().await.unwrap()
    }

    /// A form post as the dashboard's own pages make it (same Origin).
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Creates the admin account on the setup page, which signs the browser in.
    pub async fn set_up(&self) {
        let r = self
            .post(
                "/actions/setup",
                &[
                    ("username", "admin"),
                    ("password", "correct horse battery"),
                    ("confirm", "correct horse battery"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&r), "/");
    }
}
