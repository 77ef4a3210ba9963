//! A running application on a temporary database, a signed-in browser, and API calls.

use reqwest::redirect::Policy;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::net::SocketAddr;

pub struct TestApp {
    pub base: String,
    /// A browser: keeps the session cookie.
    pub browser: reqwest::Client,
    /// A program: no cookies.
    pub program: reqwest::Client,
    pub pool: sqlx::SqlitePool,
    _dir: tempfile::TempDir,
}

/// An API answer: status and parsed JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub json: Value,
}

pub async fn spawn() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let pool = app::store::open(&dir.path().join("v6watch.db"))
        .await
        .unwrap();
    let router = v6watch::startup::router(pool.clone(), dir.path().to_str().unwrap(), false);
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
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let program = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let app = TestApp {
        base: format!("http://{addr}"),
        browser,
        program,
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

pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

impl TestApp {
    pub async fn page(&self, path: &str) -> String {
        let r = self
            .browser
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.text().await.unwrap()
    }

    /// A form post from the dashboard's own pages (same Origin, signed in).
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.browser
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Creates a token on the `/tokens` page and reads it from the one page that shows it.
    pub async fn make_token(&self, name: &str, scope: &str) -> String {
        let r = self
            .post("/actions/tokens", &[("name", name), ("scope", scope)])
            .await;
        assert_eq!(
            (r.status(), location(&r).as_str()),
            (StatusCode::SEE_OTHER, "/tokens")
        );
        let html = self.page("/tokens").await;
        shown_token(&html).expect("the new token is shown after creating it")
    }

    /// An API call with a bearer token and, when given, a JSON body.
    pub async fn call(
        &self,
        token: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self.program.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        answer(request.send().await.unwrap()).await
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}

pub async fn answer(r: reqwest::Response) -> Answer {
    let status = r.status();
    let text = r.text().await.unwrap();
    let json =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    Answer { status, json }
}

/// The token in the page's "created" notice, if it shows one.
pub fn shown_token(html: &str) -> Option<String> {
    let start = html.find("v6w_")?;
    let token: String = html[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    Some(token)
}
