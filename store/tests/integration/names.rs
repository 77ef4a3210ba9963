//! A name is one name whatever its case: a second host, tunnel, container (on the same host)
//! or service whose name differs only in case is refused on its name field, and a database
//! that already holds such pairs keeps every row when it is upgraded.

use model::inventory::{
    ContainerInput, ContainerRuntime, HostInput, NetworkMode, ServiceInput, ServiceKind,
    ServiceOwner, TunnelInput, TunnelKind,
};
use sqlx::SqlitePool;
use store::StoreError;

fn host(name: &str) -> HostInput {
    HostInput {
        name: name.into(),
        dns_name: None,
        addresses: Vec::new(),
        notes: String::new(),
        tags: Vec::new(),
    }
}

fn service(name: &str, host_id: i64) -> ServiceInput {
    ServiceInput {
        name: name.into(),
        kind: ServiceKind::Http,
        target: "http://web.example/".into(),
        port: None,
        expected_status: None,
        dependencies: Vec::new(),
        owner: ServiceOwner::Host(host_id),
    }
}

fn tunnel(name: &str) -> TunnelInput {
    TunnelInput {
        name: name.into(),
        kind: TunnelKind::SixInFour,
        broker: String::new(),
        local_endpoint: None,
        remote_endpoint: None,
        local_v6: None,
        remote_v6: None,
        mtu: None,
        onlink_len: None,
        routed_prefixes: Vec::new(),
        host_id: None,
    }
}

fn container(name: &str, host_id: i64) -> ContainerInput {
    ContainerInput {
        name: name.into(),
        runtime: ContainerRuntime::Docker,
        host_id,
        network_mode: NetworkMode::Bridged,
        published_ports: Vec::new(),
        notes: String::new(),
        addresses: Vec::new(),
    }
}

fn assert_name_conflict(result: store::Result<i64>, what: &str) {
    match result {
        Err(StoreError::Conflict { field, message }) => {
            assert_eq!(field, "name", "{what}: {message}");
            assert!(message.contains("ignoring case"), "{what}: {message}");
        }
        other => panic!("{what}: {other:?}"),
    }
}

#[tokio::test]
async fn names_that_differ_only_in_case_are_refused_on_the_name_field() {
    let dir = tempfile::tempdir().unwrap();
    let pool = store::open(&dir.path().join("v6watch.db")).await.unwrap();
    let pi = store::hosts::create(&pool, &host("Pi")).await.unwrap();
    assert_name_conflict(store::hosts::create(&pool, &host("pi")).await, "host");
    let nas = store::hosts::create(&pool, &host("nas")).await.unwrap();
    let renamed = store::hosts::update(&pool, nas, &host("PI")).await;
    assert_name_conflict(renamed.map(|()| nas), "host renamed");

    store::services::create(&pool, &service("Nextcloud", pi))
        .await
        .unwrap();
    assert_name_conflict(
        store::services::create(&pool, &service("nextcloud", nas)).await,
        "service",
    );

    store::tunnels::create(&pool, &tunnel("HE")).await.unwrap();
    assert_name_conflict(store::tunnels::create(&pool, &tunnel("he")).await, "tunnel");

    store::containers::create(&pool, &container("Web", pi))
        .await
        .unwrap();
    assert_name_conflict(
        store::containers::create(&pool, &container("web", pi)).await,
        "container",
    );
    // Another host may run a container of that name.
    store::containers::create(&pool, &container("web", nas))
        .await
        .unwrap();
}

async fn names(pool: &SqlitePool, table: &str) -> Vec<String> {
    sqlx::query_scalar(&format!("SELECT name FROM {table} ORDER BY id"))
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_upgrade_keeps_rows_whose_names_clashed_and_tells_them_apart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6watch.db");
    // The schema as it was before the rule: every migration older than the one adding it.
    let mut older = sqlx::migrate!("../migrations");
    let rule = older
        .migrations
        .iter()
        .position(|m| m.description.contains("names any case"))
        .expect("the migration that makes names case-insensitive");
    older.migrations = older.migrations[..rule].to_vec().into();
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    older.run(&pool).await.unwrap();
    for name in ["pi", "Pi"] {
        sqlx::query("INSERT INTO hosts (name) VALUES (?)")
            .bind(name)
            .execute(&pool)
            .await
            .unwrap();
    }
    for name in ["web", "Web", "WEB", "other"] {
        sqlx::query(
            "INSERT INTO services (name, kind, target, host_id) VALUES (?, 'http', 'http://x/', 1)",
        )
        .bind(name)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let pool = store::open(&path).await.unwrap();
    assert_eq!(
        names(&pool, "services").await,
        ["web", "Web (2)", "WEB (3)", "other"]
    );
    assert_eq!(names(&pool, "hosts").await, ["pi", "Pi (2)"]);
}
