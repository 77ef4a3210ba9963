//! Markup typed into any form field comes back as text: on the edit pages (from the stored
//! record and from a rejected submission), in inputs and in textareas. And no inline script
//! runs unless it carries the nonce named in the page's Content-Security-Policy.

use reqwest::StatusCode;

use crate::support::{self, TestApp, location};

const PAYLOAD: &str = r#"</textarea><script>alert(1)</script>"'><b>"#;
/// The payload's markup as character references, as it must appear in the HTML.
const ESCAPED: &str = "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;";

/// The HTML of the form field `field`: an input's tag, or a textarea up to its end tag.
fn field_html<'a>(page: &'a str, field: &str) -> &'a str {
    let at = page
        .find(&format!("name=\"{field}\""))
        .unwrap_or_else(|| panic!("no field {field} in {page}"));
    let start = page[..at].rfind('<').unwrap();
    let element = &page[start..];
    let end = if element.starts_with("<textarea") {
        element.find("</textarea>").unwrap()
    } else {
        element.find('>').unwrap()
    };
    &element[..end]
}

/// The page carries no live markup from the payload, and each field shows it escaped.
fn assert_escaped(page: &str, fields: &[&str], what: &str) {
    assert!(!page.contains("<script>alert"), "{what}: {page}");
    assert!(!page.contains("<b>"), "{what}: {page}");
    for field in fields {
        let html = field_html(page, field);
        assert!(
            html.contains(ESCAPED),
            "{what}: field {field} does not show the payload escaped: {html}"
        );
    }
}

/// A form action, the fields that get the payload, and other fields it needs.
type RejectedForm = (
    String,
    &'static [&'static str],
    Vec<(&'static str, &'static str)>,
);

impl TestApp {
    /// Posts a form that must be stored; the new row's id in `table`.
    async fn stored(&self, path: &str, form: &[(&str, &str)], table: &str) -> i64 {
        let r = self.post(path, form).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        let back = location(&r);
        assert!(
            !back.ends_with("/new"),
            "{path} was rejected, back to {back}"
        );
        sqlx::query_scalar(&format!("SELECT MAX(id) FROM {table}"))
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// Posts the payload in every field to `action`, which must reject it and send the
    /// browser back to a form; that form's HTML.
    async fn rejected(&self, action: &str, fields: &[&str], extra: &[(&str, &str)]) -> String {
        let mut form: Vec<(&str, &str)> = fields.iter().map(|f| (*f, PAYLOAD)).collect();
        form.extend_from_slice(extra);
        let r = self.post(action, &form).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{action}");
        let back = location(&r);
        let page = self.page(&back).await;
        assert!(
            page.contains("field-error"),
            "{action} was not rejected: {page}"
        );
        page
    }
}

#[tokio::test]
async fn markup_in_every_form_field_comes_back_escaped() {
    let app = support::spawn().await;

    // Stored values on the edit pages.
    let host = app
        .stored(
            "/actions/hosts",
            &[
                ("name", "pi"),
                ("addresses", "2001:db8::1"),
                ("notes", PAYLOAD),
            ],
            "hosts",
        )
        .await;
    let page = app.page(&format!("/hosts/{host}/edit")).await;
    assert_escaped(&page, &["notes"], "stored host notes");

    let host_id = host.to_string();
    let container = app
        .stored(
            "/actions/containers",
            &[
                ("name", "web"),
                ("host_id", &host_id),
                ("runtime", "lxc"),
                ("network_mode", "bridged"),
                ("notes", PAYLOAD),
            ],
            "containers",
        )
        .await;
    let page = app.page(&format!("/containers/{container}/edit")).await;
    assert_escaped(&page, &["notes"], "stored container notes");

    let prefix = app
        .stored(
            "/actions/prefixes",
            &[("cidr", "2001:db8:1::/48"), ("purpose", PAYLOAD)],
            "prefixes",
        )
        .await;
    let page = app.page(&format!("/prefixes/{prefix}/edit")).await;
    assert_escaped(&page, &["purpose"], "stored prefix purpose");

    let tunnel = app
        .stored(
            "/actions/tunnels",
            &[
                ("name", "he"),
                ("kind", "gre"),
                ("remote_endpoint", "192.0.2.1"),
                ("remote_v6", "2001:db8:ffff::1"),
            ],
            "tunnels",
        )
        .await;
    let service = app
        .stored(
            "/actions/services",
            &[
                ("name", "shop"),
                ("owner", &format!("host:{host}")),
                ("kind", "tcp"),
                ("target", "2001:db8::1"),
                ("port", "443"),
            ],
            "services",
        )
        .await;
    let channel = app
        .stored(
            "/actions/channels",
            &[
                ("name", "phone"),
                ("kind", "webhook"),
                ("enabled", "1"),
                ("preset", "generic"),
                ("url", "https://hooks.example/v6watch"),
            ],
            "channels",
        )
        .await;

    // Every text field of every form, as a rejected submission shows it again.
    let forms: Vec<RejectedForm> = vec![
        (
            format!("/actions/hosts/{host}"),
            &["name", "dns_name", "addresses", "tags", "notes"],
            vec![],
        ),
        (
            "/actions/hosts".into(),
            &["name", "dns_name", "addresses", "tags", "notes"],
            vec![],
        ),
        (
            format!("/actions/containers/{container}"),
            &["name", "addresses", "published_ports", "notes"],
            vec![],
        ),
        (
            format!("/actions/tunnels/{tunnel}"),
            &[
                "name",
                "broker",
                "local_endpoint",
                "remote_endpoint",
                "local_v6",
                "remote_v6",
                "mtu",
                "routed_prefixes",
            ],
            vec![],
        ),
        (
            format!("/actions/services/{service}"),
            &["name", "target", "port", "expected_status", "dependencies"],
            vec![],
        ),
        (
            format!("/actions/prefixes/{prefix}"),
            &["cidr", "purpose"],
            vec![],
        ),
        (
            format!("/actions/channels/{channel}"),
            &[
                "name",
                "url",
                "secret_header",
                "smtp_host",
                "smtp_port",
                "smtp_username",
                "mail_from",
                "mail_to",
            ],
            vec![("kind", "email")],
        ),
        (
            "/actions/settings".into(),
            &["resolvers", "nat64_prefixes"],
            vec![],
        ),
    ];
    for (action, fields, extra) in forms {
        let page = app.rejected(&action, fields, &extra).await;
        assert_escaped(&page, fields, &action);
    }

    // The tokens page: a token name is shown back as text, stored or not.
    let r = app
        .post("/actions/tokens", &[("name", PAYLOAD), ("scope", "read")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = app.page(&location(&r)).await;
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains(ESCAPED), "{page}");
}

/// The nonce named in a page's `script-src`, after checking it allows no inline script
/// otherwise.
fn script_nonce(policy: &str) -> String {
    let script_src = policy
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .unwrap_or_else(|| panic!("no script-src in {policy}"));
    assert!(!script_src.contains("'unsafe-inline'"), "{policy}");
    let nonce = script_src
        .split_whitespace()
        .find_map(|s| s.strip_prefix("'nonce-")?.strip_suffix('\''))
        .unwrap_or_else(|| panic!("no nonce in {policy}"));
    assert!(nonce.len() >= 16, "{nonce}");
    nonce.to_string()
}

/// Every `<script>` without a `src`, with its opening tag.
fn inline_scripts(page: &str) -> Vec<&str> {
    page.match_indices("<script")
        .map(|(at, _)| {
            let tag = &page[at..];
            &tag[..tag.find('>').unwrap() + 1]
        })
        .filter(|tag| !tag.contains(" src="))
        .collect()
}

async fn assert_nonced(app: &TestApp, path: &str) -> String {
    let r = app.get(path).await;
    let policy = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let nonce = script_nonce(&policy);
    let page = r.text().await.unwrap();
    let scripts = inline_scripts(&page);
    assert!(!scripts.is_empty(), "{path}: no inline script: {page}");
    for tag in scripts {
        assert!(
            tag.contains(&format!("nonce=\"{nonce}\"")),
            "{path}: {tag} lacks the nonce {nonce}"
        );
    }
    nonce
}

#[tokio::test]
async fn inline_scripts_run_only_with_the_nonce_of_their_response() {
    let app = support::serve(v6watch::web::Wiring::default()).await;
    let setup = assert_nonced(&app, "/setup").await;
    app.set_up().await;
    let overview = assert_nonced(&app, "/").await;
    let hosts = assert_nonced(&app, "/hosts").await;
    let missing = assert_nonced(&app, "/no-such-page").await;
    let mut nonces = vec![setup, overview, hosts, missing];
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 4, "a nonce was used twice");

    // Answers that are not pages allow no inline script at all.
    let r = app.get("/healthz").await;
    let policy = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("script-src 'self' 'wasm-unsafe-eval';"),
        "{policy}"
    );
}
