//! The HTTP application on a temporary database, signed in as the admin, for the page tests.

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use std::net::SocketAddr;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub pool: sqlx::SqlitePool,
    _dir: tempfile::TempDir,
}

pub async fn spawn() -> TestApp {
    spawn_wired(v6watch::startup::Wiring::default()).await
}

/// The application wired to background parts a test made (a prober, a courier, ...).
#[allow(dead_code)] // Not every test file wires anything.
pub async fn spawn_wired(wiring: v6watch::startup::Wiring) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let pool = app::store::open(&dir.path().join("v6watch.db"))
        .await
        .unwrap();
    let router =
        v6watch::startup::router_with(pool.clone(), dir.path().to_str().unwrap(), false, wiring);
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
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let app = TestApp {
        base: format!("http://{addr}"),
        client,
        pool,
        _dir: dir,
    };
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
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app
}

impl TestApp {
    pub async fn page(&self, path: &str) -> String {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.text().await.unwrap()
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .form(form)
            .send()
            .await
            .unwrap()
    }
}
