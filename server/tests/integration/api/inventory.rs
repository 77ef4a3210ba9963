//! Writing the inventory through the API: every kind created, read, replaced and deleted with
//! the forms' validation; bad input is refused with the forms' messages and stores nothing.

use super::support::{TestApp, answer, location, spawn};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn writer(app: &TestApp) -> String {
    app.make_token("writer", "write").await
}

async fn create(app: &TestApp, token: &str, plural: &str, body: Value) -> i64 {
    let r = app
        .call(
            Some(token),
            Method::POST,
            &format!("/api/v1/{plural}"),
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{plural}: {}", r.json);
    r.json["id"].as_i64().unwrap()
}

#[tokio::test]
async fn each_kind_is_created_read_replaced_and_deleted() {
    let app = spawn().await;
    let token = writer(&app).await;
    let t = Some(token.as_str());

    // A host with addresses; the answer is the stored record, and its Location reads it back.
    let r = app
        .program
        .post(format!("{}/api/v1/hosts", app.base))
        .bearer_auth(&token)
        .json(&json!({
            "name": "pi", "dns_name": "Pi.Lab.Test", "tags": ["lab", "arm"],
            "addresses": ["2001:db8:1::10", "192.0.2.10"], "notes": "rack 2"
        }))
        .send()
        .await
        .unwrap();
    let at = location(&r);
    let host = answer(r).await;
    assert_eq!(host.status, StatusCode::CREATED);
    let host_id = host.json["id"].as_i64().unwrap();
    assert_eq!(at, format!("/api/v1/hosts/{host_id}"));
    assert_eq!(
        host.json["dns_name"], "pi.lab.test",
        "normalised like the form"
    );
    assert_eq!(host.json["tags"], json!(["lab", "arm"]));
    let read = app.call(t, Method::GET, &at, None).await;
    let addresses: Vec<&str> = read.json["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["address"].as_str().unwrap())
        .collect();
    assert_eq!(addresses, ["2001:db8:1::10", "192.0.2.10"]);

    let prefix = create(
        &app,
        &token,
        "prefixes",
        json!({ "cidr": "2001:db8:1::/48", "purpose": "home" }),
    )
    .await;
    let tunnel = create(
        &app,
        &token,
        "tunnels",
        json!({ "name": "he", "kind": "6in4", "remote_endpoint": "198.51.100.1",
                "routed_prefixes": ["2001:db8:1::/48"], "host_id": host_id, "mtu": 1480 }),
    )
    .await;
    let container = create(
        &app,
        &token,
        "containers",
        json!({ "name": "web", "runtime": "lxc", "host_id": host_id, "network_mode": "bridged",
                "addresses": ["2001:db8:1::20"], "published_ports": ["8080:80"] }),
    )
    .await;
    let service = create(
        &app,
        &token,
        "services",
        json!({ "name": "site", "kind": "http", "target": "https://web.lab.test/",
                "owner": format!("container:{container}"), "dependencies": ["https://cdn.lab.test/"] }),
    )
    .await;

    for (plural, count) in [
        ("hosts", 1),
        ("prefixes", 1),
        ("tunnels", 1),
        ("containers", 1),
        ("services", 1),
    ] {
        let r = app
            .call(t, Method::GET, &format!("/api/v1/{plural}"), None)
            .await;
        assert_eq!(
            r.json[plural].as_array().map(Vec::len),
            Some(count),
            "{plural}"
        );
    }
    assert_eq!(
        app.call(t, Method::GET, &format!("/api/v1/tunnels/{tunnel}"), None)
            .await
            .json["mtu"],
        1480
    );
    assert_eq!(
        app.call(t, Method::GET, &format!("/api/v1/services/{service}"), None)
            .await
            .json["container_id"],
        container
    );

    // PUT replaces: what is left out is cleared, like an emptied form field.
    let r = app
        .call(
            t,
            Method::PUT,
            &at,
            Some(json!({ "name": "pi4", "addresses": ["2001:db8:1::11"] })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        (r.json["name"].as_str(), r.json["notes"].as_str()),
        (Some("pi4"), Some(""))
    );
    assert_eq!(r.json["addresses"][0]["address"], "2001:db8:1::11");
    let r = app
        .call(
            t,
            Method::PUT,
            &format!("/api/v1/prefixes/{prefix}"),
            Some(json!({ "cidr": "2001:db8:2::/48" })),
        )
        .await;
    assert_eq!(r.json["cidr"], "2001:db8:2::/48");
    let r = app
        .call(
            t,
            Method::PUT,
            "/api/v1/prefixes/999",
            Some(json!({ "cidr": "2001:db8:3::/48" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Deleting the host deletes what its confirmation page says: its container and services,
    // and detaches its tunnel.
    let r = app.call(t, Method::DELETE, &at, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["also"]["deleted_containers"], json!(["web"]));
    assert_eq!(r.json["also"]["deleted_services"], json!(["site"]));
    assert_eq!(r.json["also"]["detached_tunnels"], json!(["he"]));
    for gone in [
        format!("/api/v1/containers/{container}"),
        format!("/api/v1/services/{service}"),
        at.clone(),
    ] {
        assert_eq!(
            app.call(t, Method::GET, &gone, None).await.status,
            StatusCode::NOT_FOUND,
            "{gone}"
        );
    }
    let kept = app
        .call(t, Method::GET, &format!("/api/v1/tunnels/{tunnel}"), None)
        .await;
    assert_eq!(kept.json["host_id"], Value::Null);
    for path in [
        format!("/api/v1/tunnels/{tunnel}"),
        format!("/api/v1/prefixes/{prefix}"),
    ] {
        assert_eq!(
            app.call(t, Method::DELETE, &path, None).await.status,
            StatusCode::OK
        );
    }
    assert_eq!(
        app.call(t, Method::DELETE, &at, None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_bad_address_gets_the_forms_message_and_stores_nothing() {
    let app = spawn().await;
    let token = writer(&app).await;
    let t = Some(token.as_str());
    let r = app
        .call(
            t,
            Method::POST,
            "/api/v1/hosts",
            Some(json!({ "name": "", "addresses": ["2001:db8::1", "2001:db8::zz"] })),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["errors"]["name"], "enter a name");
    let message = r.json["errors"]["addresses"].as_str().unwrap().to_string();
    assert_eq!(
        message,
        "line 2: '2001:db8::zz' is not an IPv6 or IPv4 address"
    );
    assert_eq!(app.count("hosts").await, 0);

    // The form says the same, next to the same field.
    app.post(
        "/actions/hosts",
        &[("name", ""), ("addresses", "2001:db8::1\n2001:db8::zz")],
    )
    .await;
    let html = app.page("/hosts/new").await;
    assert!(
        html.contains(&message) || html.contains(&message.replace('\'', "&#39;")),
        "the form shows: {message}"
    );

    // A rejected replacement leaves the stored host as it was.
    let id = create(
        &app,
        &token,
        "hosts",
        json!({ "name": "nas", "addresses": ["2001:db8::5"] }),
    )
    .await;
    let path = format!("/api/v1/hosts/{id}");
    let r = app
        .call(
            t,
            Method::PUT,
            &path,
            Some(json!({ "name": "nas2", "addresses": ["not-an-ip"] })),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let kept = app.call(t, Method::GET, &path, None).await.json;
    assert_eq!(
        (
            kept["name"].as_str(),
            kept["addresses"][0]["address"].as_str()
        ),
        (Some("nas"), Some("2001:db8::5"))
    );

    // A duplicate name is the form's conflict message on the same field.
    let r = app
        .call(
            t,
            Method::POST,
            "/api/v1/hosts",
            Some(json!({ "name": "nas" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["errors"]["name"].is_string(), "{}", r.json);
    // Unknown fields and wrong types are named rather than ignored.
    let r = app
        .call(
            t,
            Method::POST,
            "/api/v1/hosts",
            Some(json!({ "name": "x", "adresses": [], "tags": true })),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["errors"]["adresses"], "unknown field");
    assert!(r.json["errors"]["tags"].is_string());
    assert_eq!(app.count("hosts").await, 1);
}

#[tokio::test]
async fn malformed_json_is_400_a_huge_body_413_and_other_media_415() {
    let app = spawn().await;
    let token = writer(&app).await;
    let send = |body: Vec<u8>, content_type: &'static str| {
        app.program
            .post(format!("{}/api/v1/hosts", app.base))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let r = answer(
        send(b"{\"name\": \"x\",".to_vec(), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json["error"]
            .as_str()
            .unwrap()
            .starts_with("malformed JSON")
    );

    let huge = format!(
        "{{\"name\": \"x\", \"notes\": \"{}\"}}",
        "a".repeat(1 << 20)
    );
    let r = answer(send(huge.into_bytes(), "application/json").await.unwrap()).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);

    let r = answer(
        send(b"name=x".to_vec(), "application/x-www-form-urlencoded")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(app.count("hosts").await, 0);
}

#[tokio::test]
async fn hostile_strings_round_trip_as_data() {
    let app = spawn().await;
    let token = writer(&app).await;
    let name = "<script>alert(\"x\")</script>";
    let notes = "'); DROP TABLE hosts; -- \u{202e} \\ \"quoted\" & <b>";
    let id = create(
        &app,
        &token,
        "hosts",
        json!({ "name": name, "notes": notes }),
    )
    .await;
    let r = app
        .program
        .get(format!("{}/api/v1/hosts/{id}", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let header = |n: &str| {
        r.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert!(header("content-type").starts_with("application/json"));
    assert_eq!(header("x-content-type-options"), "nosniff");
    let text = r.text().await.unwrap();
    assert!(text.contains(r#"\"x\""#), "quotes are JSON-escaped: {text}");
    let host: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (host["name"].as_str(), host["notes"].as_str()),
        (Some(name), Some(notes))
    );
    assert_eq!(app.count("hosts").await, 1);
    // The hosts page shows it as text.
    let html = app.page("/hosts").await;
    assert!(!html.contains(name) && html.contains("&lt;script&gt;"));
}
