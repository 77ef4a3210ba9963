//! Imports and the inventory file against a real SQLite file: a plan applied in one
//! transaction, refusals that change nothing, imports that are idempotent, and
//! export → apply → export round trips of generated inventories.

use model::import::file::{ContainerEntry, HostEntry, InventoryFile, PrefixEntry, ServiceEntry};
use model::import::plan::{Action, Mode, plan};
use model::import::{ImportKind, ImportOptions, parse};
use proptest::prelude::*;
use sqlx::SqlitePool;
use std::path::Path;
use store::import::{apply, snapshot};

async fn fresh() -> (SqlitePool, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let pool = store::open(&dir.path().join("v6watch.db")).await.unwrap();
    (pool, dir)
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../model/tests/fixtures/import")
        .join(name);
    std::fs::read(path).unwrap()
}

async fn import(
    pool: &SqlitePool,
    kind: ImportKind,
    name: &str,
    options: &ImportOptions,
) -> model::import::plan::Plan {
    let desired = parse(kind, name, &fixture(name), options).unwrap();
    let current = snapshot(pool).await.unwrap();
    let plan = plan(&current, &desired, Mode::Merge).unwrap();
    apply(pool, &plan).await.unwrap();
    plan
}

fn on_host(host: &str) -> ImportOptions {
    ImportOptions {
        host: Some(host.into()),
        origin: None,
    }
}

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing_the_second_time() {
    let (pool, _dir) = fresh().await;
    let first = import(&pool, ImportKind::Lxd, "lxc-list.json", &on_host("pi")).await;
    assert_eq!(first.count(Action::Create), 4, "{}", first.render());
    let stored = snapshot(&pool).await.unwrap();
    assert_eq!(stored.containers.len(), 3);
    assert_eq!(stored.hosts[0].name, "pi");
    let second = import(&pool, ImportKind::Lxd, "lxc-list.json", &on_host("pi")).await;
    assert!(second.is_noop(), "{}", second.render());
    assert_eq!(snapshot(&pool).await.unwrap(), stored);

    for (kind, name, options) in [
        (ImportKind::Docker, "docker-inspect.json", on_host("dock")),
        (
            ImportKind::Docker,
            "docker-network-inspect.json",
            ImportOptions::default(),
        ),
        (
            ImportKind::Zone,
            "lab.zone",
            ImportOptions {
                host: None,
                origin: Some("lab.example".into()),
            },
        ),
    ] {
        import(&pool, kind, name, &options).await;
        let again = import(&pool, kind, name, &options).await;
        assert!(again.is_noop(), "{name}: {}", again.render());
    }
}

#[tokio::test]
async fn a_refused_apply_changes_nothing() {
    let (pool, _dir) = fresh().await;
    import(&pool, ImportKind::Lxd, "incus-list.json", &on_host("rock")).await;
    let before = snapshot(&pool).await.unwrap();
    let changes_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM changes")
        .fetch_one(&pool)
        .await
        .unwrap();

    // A plan whose last row cannot be applied: the rows before it are rolled back too.
    let mut desired = InventoryFile::default();
    desired.hosts.push(HostEntry {
        name: "new-host".into(),
        ..Default::default()
    });
    desired.prefixes.push(PrefixEntry {
        cidr: "2001:db8:9::/48".into(),
        purpose: "lab".into(),
    });
    let mut bad = plan(&before, &desired, Mode::Merge).unwrap();
    let mut ghost = bad
        .rows
        .iter()
        .find(|r| r.entity() == "host")
        .unwrap()
        .clone();
    ghost.action = Action::Update;
    ghost.before = Some(model::import::plan::Entry::Host(HostEntry {
        name: "ghost".into(),
        ..Default::default()
    }));
    bad.rows.push(ghost);
    let err = apply(&pool, &bad).await.unwrap_err();
    assert!(err.to_string().contains("is not stored"), "{err}");
    assert_eq!(snapshot(&pool).await.unwrap(), before);
    let changes_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM changes")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(changes_after, changes_before);

    // Malformed files never get as far as a plan.
    for (kind, name) in [
        (ImportKind::Lxd, "bad/lxc-bad-address.json"),
        (ImportKind::Lxd, "bad/lxc-truncated.json"),
        (ImportKind::Lxd, "bad/lxc-wrong-type.json"),
        (ImportKind::Docker, "bad/docker-bad-subnet.json"),
    ] {
        assert!(
            parse(kind, name, &fixture(name), &on_host("rock")).is_err(),
            "{name}"
        );
    }
    assert_eq!(snapshot(&pool).await.unwrap(), before);
}

#[tokio::test]
async fn an_inventory_file_applies_with_prune_and_check_settings() {
    let (pool, _dir) = fresh().await;
    import(&pool, ImportKind::Lxd, "lxc-list.json", &on_host("pi")).await;
    let mut file = snapshot(&pool).await.unwrap();
    file.containers.retain(|c| c.name == "web");
    file.services.push(ServiceEntry {
        name: "site".into(),
        host: "pi".into(),
        container: Some("web".into()),
        kind: "tcp".into(),
        target: "2001:db8:1::10".into(),
        port: Some(443),
        ..Default::default()
    });
    file.checks.push(model::import::file::CheckEntry {
        host: "pi".into(),
        container: Some("web".into()),
        service: Some("site".into()),
        target: "2001:db8:1::10 port 443".into(),
        interval_secs: 300,
        enabled: false,
        fail_after: 3,
        recover_after: 1,
    });
    let current = snapshot(&pool).await.unwrap();
    let p = plan(&current, &file, Mode::Replace { prune: true }).unwrap();
    assert_eq!(p.count(Action::Delete), 2, "{}", p.render());
    apply(&pool, &p).await.unwrap();
    let after = snapshot(&pool).await.unwrap();
    assert_eq!(after.containers.len(), 1);
    let check = after
        .checks
        .iter()
        .find(|c| c.service.as_deref() == Some("site"))
        .unwrap();
    assert_eq!(
        (
            check.interval_secs,
            check.enabled,
            check.fail_after,
            check.recover_after
        ),
        (300, false, 3, 1)
    );
    let again = plan(&after, &after, Mode::Replace { prune: true }).unwrap();
    assert!(again.is_noop(), "{}", again.render());
}

fn host_entry() -> impl Strategy<Value = HostEntry> {
    (
        "[a-z][a-z0-9-]{0,8}",
        proptest::option::of("[a-z]{1,6}\\.lab\\.test"),
        proptest::collection::btree_set(1u16..500, 0..3),
        proptest::collection::btree_set("[a-z]{1,5}", 0..3),
        "[a-zA-Z ]{0,12}",
    )
        .prop_map(|(name, dns_name, hosts, tags, notes)| HostEntry {
            name,
            dns_name,
            addresses: hosts.iter().map(|n| format!("2001:db8:7::{n:x}")).collect(),
            tags: tags.into_iter().collect(),
            notes: notes.trim().to_string(),
        })
}

fn inventory() -> impl Strategy<Value = InventoryFile> {
    (
        proptest::collection::btree_map("[a-z][a-z0-9]{0,6}", host_entry(), 0..5),
        proptest::collection::btree_set(0u16..200, 0..4),
        proptest::collection::vec(("[a-z]{1,6}", 1u16..100), 0..4),
    )
        .prop_map(|(hosts, prefixes, containers)| {
            let mut file = InventoryFile::default();
            for (name, mut host) in hosts {
                host.name = name;
                file.hosts.push(host);
            }
            // Addresses are unique across hosts in this generator's world.
            let mut seen = std::collections::HashSet::new();
            for h in &mut file.hosts {
                h.addresses.retain(|a| seen.insert(a.clone()));
            }
            file.prefixes = prefixes
                .into_iter()
                .map(|n| PrefixEntry {
                    // Written the way the store writes it back (2001:db8::/48, not 2001:db8:0::/48).
                    cidr: format!(
                        "{}/48",
                        std::net::Ipv6Addr::new(0x2001, 0xdb8, n, 0, 0, 0, 0, 0)
                    ),
                    purpose: format!("p{n}"),
                })
                .collect();
            if let Some(host) = file.hosts.first().map(|h| h.name.clone()) {
                let mut names = std::collections::HashSet::new();
                for (name, n) in containers {
                    if names.insert(name.clone()) {
                        file.containers.push(ContainerEntry {
                            host: host.clone(),
                            name,
                            runtime: "docker".into(),
                            network_mode: "nat66".into(),
                            published_ports: vec![format!("{}:80/tcp", 8000 + n)],
                            addresses: vec![format!("fd00:db8:8::{n:x}")],
                            notes: String::new(),
                        });
                    }
                }
            }
            file.sort();
            file
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Export → apply → export gives the same file, and applying an export is a no-op.
    #[test]
    fn export_apply_export_round_trips(file in inventory()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let (pool, _dir) = fresh().await;
            let p = plan(&snapshot(&pool).await.unwrap(), &file, Mode::Replace { prune: true }).unwrap();
            apply(&pool, &p).await.unwrap();
            let exported = snapshot(&pool).await.unwrap();
            let text = model::import::text::write(&exported, model::import::text::FileFormat::Yaml);
            let read = model::import::text::read("export.yaml", text.as_bytes()).unwrap();
            prop_assert_eq!(&read, &exported);
            let again = plan(&exported, &read, Mode::Replace { prune: true }).unwrap();
            prop_assert!(again.is_noop(), "{}", again.render());
            apply(&pool, &again).await.unwrap();
            prop_assert_eq!(snapshot(&pool).await.unwrap(), exported.clone());
            // The generated inventory itself is what was stored (checks come on top).
            let mut stored = exported;
            stored.checks.clear();
            prop_assert_eq!(stored, file);
            Ok(())
        })?;
    }
}

/// A tunnel written the way brokers show its inner addresses keeps the on-link length through
/// apply and export, and applying the export changes nothing.
#[tokio::test]
async fn a_tunnels_on_link_length_survives_export_and_apply() {
    let (pool, _dir) = fresh().await;
    let mut file = InventoryFile::default();
    file.tunnels.push(model::import::file::TunnelEntry {
        name: "he".into(),
        kind: "6in4".into(),
        broker: String::new(),
        local_endpoint: None,
        remote_endpoint: Some("198.51.100.41".into()),
        local_v6: Some("2001:db8:1f0a::2/64".into()),
        remote_v6: Some("2001:db8:1f0a::1".into()),
        mtu: Some(1480),
        routed_prefixes: vec!["2001:db8:42::/64".into()],
        host: None,
    });
    let p = plan(
        &snapshot(&pool).await.unwrap(),
        &file,
        Mode::Replace { prune: true },
    )
    .unwrap();
    apply(&pool, &p).await.unwrap();
    let stored = store::tunnels::list(&pool).await.unwrap();
    assert_eq!(stored[0].local_v6.as_deref(), Some("2001:db8:1f0a::2"));
    assert_eq!(stored[0].onlink_len, Some(64));
    let exported = snapshot(&pool).await.unwrap();
    assert_eq!(
        exported.tunnels[0].remote_v6.as_deref(),
        Some("2001:db8:1f0a::1/64")
    );
    let again = plan(&exported, &exported, Mode::Replace { prune: true }).unwrap();
    assert!(again.is_noop(), "{}", again.render());
    let from_file = plan(&exported, &file, Mode::Replace { prune: true }).unwrap();
    assert!(from_file.is_noop(), "{}", from_file.render());
}
