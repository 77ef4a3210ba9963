//! The Import page over HTTP: upload a file, see its preview, apply the ticked rows in one
//! transaction; the same file again is all unchanged; a bad file and a cross-site post
//! change nothing.

use crate::support::{TestApp, location, spawn};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../model/tests/fixtures/import")
            .join(name),
    )
    .unwrap()
}

fn upload(kind: &str, host: &str, name: &str) -> Form {
    Form::new()
        .text("kind", kind.to_string())
        .text("host", host.to_string())
        .text("origin", "lab.example")
        .part(
            "file",
            Part::bytes(fixture(name)).file_name(name.to_string()),
        )
        .text("text", "")
}

async fn preview(app: &TestApp, form: Form, origin: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}/actions/import/preview", app.base))
        .multipart(form);
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    request.send().await.unwrap()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn upload_preview_untick_and_apply() {
    let app = spawn().await;
    let base = app.base.clone();
    let r = preview(&app, upload("lxd", "pi", "lxc-list.json"), Some(&base)).await;
    assert_eq!(
        (r.status(), location(&r).as_str()),
        (StatusCode::SEE_OTHER, "/import")
    );
    let html = app.page("/import").await;
    assert!(
        html.contains("id=\"import-preview\"") && html.contains("lxc-list.json"),
        "{html}"
    );
    assert!(html.contains(r#"value="container pi/web""#), "{html}");
    assert_eq!(count(&app, "hosts").await, 0, "a preview changes nothing");

    // Apply everything but the VM.
    let rows = [
        ("row", "host pi"),
        ("row", "container pi/web"),
        ("row", "container pi/db"),
    ];
    let r = app.post("/actions/import/apply", &rows).await;
    assert_eq!(location(&r), "/import");
    let html = app.page("/import").await;
    assert!(html.contains("3 created"), "{html}");
    assert_eq!(
        (count(&app, "hosts").await, count(&app, "containers").await),
        (1, 2)
    );
    let hosts = app.page("/hosts").await;
    assert!(hosts.contains(">pi<"), "{hosts}");

    // The same file again: only the unticked VM is new.
    preview(&app, upload("lxd", "pi", "lxc-list.json"), Some(&base)).await;
    let html = app.page("/import").await;
    assert_eq!(html.matches("type=\"checkbox\"").count(), 1, "{html}");
    assert!(html.contains("unchanged"));
}

#[tokio::test]
async fn a_bad_file_is_explained_and_changes_nothing() {
    let app = spawn().await;
    let base = app.base.clone();
    preview(
        &app,
        upload("lxd", "pi", "bad/lxc-bad-address.json"),
        Some(&base),
    )
    .await;
    let html = app.page("/import").await;
    assert!(
        html.contains(
            "[2].state.network.eth0.addresses[1].address: &quot;zz&quot; is not an IP address"
        ) || html
            .contains("[2].state.network.eth0.addresses[1].address: \"zz\" is not an IP address"),
        "{html}"
    );
    // Nothing to apply: the refused file was not kept.
    app.post("/actions/import/apply", &[("row", "host pi")])
        .await;
    assert!(app.page("/import").await.contains("upload the file again"));
    assert_eq!(count(&app, "hosts").await, 0);

    let big = Form::new()
        .text("kind", "zone")
        .text("origin", "lab.example")
        .part(
            "file",
            Part::bytes(vec![b';'; 10 * 1024 * 1024]).file_name("huge.zone"),
        );
    let r = preview(&app, big, Some(&base)).await;
    assert_eq!(location(&r), "/import");
    assert!(app.page("/import").await.contains("4 MiB"));
    assert_eq!(count(&app, "hosts").await, 0);
}

#[tokio::test]
async fn cross_site_import_posts_are_refused() {
    let app = spawn().await;
    for origin in [Some("http://evil.example.test"), None] {
        let r = preview(&app, upload("lxd", "pi", "lxc-list.json"), origin).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "origin {origin:?}");
        let r = app
            .client
            .post(format!("{}/actions/import/apply", app.base))
            .header("origin", origin.unwrap_or("null"))
            .form(&[("row", "host pi")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(count(&app, "hosts").await, 0);
}
