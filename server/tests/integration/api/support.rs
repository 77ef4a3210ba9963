//! API calls and tokens on top of the shared test application (signed in as the admin).

pub use crate::support::{TestApp, location, spawn};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// An API answer: status and parsed JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub json: Value,
}

impl TestApp {
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
