//! The importers against fixtures shaped like the real tools' output, and their malformed
//! variants: each refusal names the file and the place in it.

use model::import::file::InventoryFile;
use model::import::plan::{Action, Mode, plan};
use model::import::{ImportKind, ImportOptions, MAX_IMPORT_BYTES, parse};
use std::path::Path;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn on_host(host: &str) -> ImportOptions {
    ImportOptions {
        host: Some(host.into()),
        origin: None,
    }
}

fn import(kind: ImportKind, name: &str, options: &ImportOptions) -> Result<InventoryFile, String> {
    parse(kind, name, &fixture(name), options).map_err(|e| e.to_string())
}

#[test]
fn lxd_instances_become_containers_with_global_addresses_and_macs() {
    let file = import(ImportKind::Lxd, "lxc-list.json", &on_host("pi")).unwrap();
    assert_eq!(file.hosts.len(), 1);
    assert_eq!(file.hosts[0].name, "pi");
    let names: Vec<_> = file.containers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["web", "db", "win-vm"]);
    let web = &file.containers[0];
    assert_eq!(web.host, "pi");
    assert_eq!(web.runtime, "lxc");
    assert_eq!(
        web.addresses,
        [
            "192.0.2.10",
            "2001:db8:1::10",
            "fd00:db8::216:3eff:fe12:3456"
        ],
        "link-local and loopback left out"
    );
    assert_eq!(web.notes, "MAC eth0 00:16:3e:12:34:56");
    assert!(file.containers[1].addresses.is_empty(), "stopped: no state");
    assert_eq!(file.containers[2].runtime, "vm");
}

#[test]
fn incus_lists_read_the_same() {
    let file = import(ImportKind::Lxd, "incus-list.json", &on_host("rock")).unwrap();
    assert_eq!(file.containers[0].name, "dns");
    assert_eq!(
        file.containers[0].addresses,
        ["2001:db8:2::53", "198.51.100.53"]
    );
}

#[test]
fn instances_of_other_projects_are_named_with_their_project() {
    let list = br#"[
        {"name": "web", "type": "container", "project": "default", "state": null},
        {"name": "web", "type": "container", "project": "lab", "state": {"network": {"eth0":
            {"hwaddr": "00:16:3e:00:00:01", "addresses": [
                {"family": "inet6", "address": "2001:db8:7::80", "netmask": "64", "scope": "global"}]}}}}
    ]"#;
    let file = parse(ImportKind::Lxd, "all.json", list, &on_host("pi")).unwrap();
    let names: Vec<_> = file.containers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["web", "web@lab"],
        "same name, two projects: two containers"
    );
    assert_eq!(file.containers[1].addresses, ["2001:db8:7::80"]);
}

#[test]
fn docker_containers_of_old_and_new_versions_and_their_networks() {
    let old = import(
        ImportKind::Docker,
        "docker-inspect-old.json",
        &on_host("dock"),
    )
    .unwrap();
    let legacy = &old.containers[0];
    assert_eq!(legacy.name, "legacy-web");
    assert_eq!(legacy.addresses, ["2001:db8:3::242:ac11:2", "172.17.0.2"]);
    assert_eq!(
        legacy.published_ports,
        ["8080:80/tcp"],
        "two wildcards, one mapping"
    );
    assert_eq!(legacy.network_mode, "bridged");

    let new = import(ImportKind::Docker, "docker-inspect.json", &on_host("dock")).unwrap();
    let cloud = &new.containers[0];
    assert_eq!(cloud.addresses, ["fd00:db8:4::20", "192.0.2.20"]);
    assert_eq!(cloud.network_mode, "nat66", "a ULA only: NAT66");
    assert_eq!(
        cloud.published_ports,
        ["[2001:db8:4::5]:8443:443/tcp", "5353:53/udp"]
    );

    let nets = import(
        ImportKind::Docker,
        "docker-network-inspect.json",
        &ImportOptions::default(),
    )
    .unwrap();
    let cidrs: Vec<_> = nets.prefixes.iter().map(|p| p.cidr.as_str()).collect();
    assert_eq!(
        cidrs,
        ["192.0.2.0/24", "fd00:db8:4::/64", "198.51.100.0/24"],
        "IPv6 subnets only where EnableIPv6"
    );
    assert_eq!(
        nets.prefixes[1].purpose,
        "docker network web (gateway fd00:db8:4::1)"
    );
    assert!(nets.hosts.is_empty(), "networks alone need no host");
}

#[test]
fn container_and_network_lists_in_one_file() {
    let mut both = fixture("docker-inspect.json");
    both.extend(fixture("docker-network-inspect.json"));
    let file = parse(ImportKind::Docker, "both.json", &both, &on_host("dock")).unwrap();
    assert_eq!((file.containers.len(), file.prefixes.len()), (1, 3));
}

#[test]
fn a_zone_file_with_origin_ttl_relative_names_and_multi_line_records() {
    let options = ImportOptions {
        host: None,
        origin: Some("lab.example".into()),
    };
    let file = import(ImportKind::Zone, "lab.zone", &options).unwrap();
    let hosts: Vec<_> = file
        .hosts
        .iter()
        .map(|h| {
            (
                h.name.as_str(),
                h.dns_name.as_deref().unwrap(),
                h.addresses.clone(),
            )
        })
        .collect();
    assert_eq!(
        hosts,
        [
            (
                "cam.iot",
                "cam.iot.lab.example",
                vec!["fd00:db8:5::c4".to_string()]
            ),
            (
                "nas",
                "nas.lab.example",
                vec!["198.51.100.20".into(), "2001:db8:5::20".into()]
            ),
            ("ns1", "ns1.lab.example", vec!["2001:db8:5::53".into()]),
            (
                "router",
                "router.lab.example",
                vec!["192.0.2.1".into(), "2001:db8:5::1".into()]
            ),
        ]
    );
}

#[test]
fn malformed_files_are_refused_naming_the_place() {
    let zone = ImportOptions {
        host: None,
        origin: Some("lab.example".into()),
    };
    let cases: &[(ImportKind, &str, &ImportOptions, &str)] = &[
        (
            ImportKind::Lxd,
            "bad/lxc-bad-address.json",
            &on_host("pi"),
            "bad/lxc-bad-address.json: [2].state.network.eth0.addresses[1].address: \"zz\" is not an IP address",
        ),
        (
            ImportKind::Lxd,
            "bad/lxc-truncated.json",
            &on_host("pi"),
            "bad/lxc-truncated.json: line 1 column ",
        ),
        (
            ImportKind::Lxd,
            "bad/lxc-wrong-type.json",
            &on_host("pi"),
            "[0].state.network.eth0.addresses: expected a list, found a string",
        ),
        (
            ImportKind::Lxd,
            "lxc-list.json",
            &ImportOptions::default(),
            "host: name the host",
        ),
        (
            ImportKind::Docker,
            "bad/docker-bad-subnet.json",
            &on_host("dock"),
            "[0].IPAM.Config[0].Subnet: ",
        ),
        (
            ImportKind::Zone,
            "bad/bad-aaaa.zone",
            &zone,
            "bad/bad-aaaa.zone: line 5: ",
        ),
        (
            ImportKind::Zone,
            "bad/include.zone",
            &zone,
            "line 2: $INCLUDE is not read",
        ),
        (
            ImportKind::Zone,
            "lab.zone",
            &ImportOptions::default(),
            "origin: name the zone",
        ),
    ];
    for (kind, name, options, want) in cases {
        let got = import(*kind, name, options).unwrap_err();
        assert!(
            got.contains(want),
            "{name}: {got:?} should contain {want:?}"
        );
    }
}

#[test]
fn a_ten_megabyte_file_is_refused_before_it_is_read() {
    let big = vec![b' '; 10 * 1024 * 1024];
    for kind in [ImportKind::Lxd, ImportKind::Docker, ImportKind::Zone] {
        let err = parse(kind, "huge.json", &big, &on_host("pi")).unwrap_err();
        assert_eq!(err.place, "huge.json");
        assert!(err.message.contains("at most 4 MiB"), "{err}");
    }
    let just_under = vec![b' '; MAX_IMPORT_BYTES];
    let err = parse(ImportKind::Lxd, "blank.json", &just_under, &on_host("pi")).unwrap_err();
    assert!(err.message.contains("empty"), "{err}");
}

#[test]
fn importing_into_what_it_produced_is_all_unchanged() {
    let desired = import(ImportKind::Lxd, "lxc-list.json", &on_host("pi")).unwrap();
    let first = plan(&InventoryFile::default(), &desired, Mode::Merge).unwrap();
    assert_eq!(first.count(Action::Create), 4);
    // The stored state after applying is the desired one.
    let mut stored = InventoryFile::default();
    for row in &first.rows {
        match row.after.clone().unwrap() {
            model::import::plan::Entry::Host(h) => stored.hosts.push(h),
            model::import::plan::Entry::Container(c) => stored.containers.push(c),
            other => panic!("{other:?}"),
        }
    }
    let second = plan(&stored, &desired, Mode::Merge).unwrap();
    assert!(second.is_noop(), "{}", second.render());
}

#[test]
fn an_import_matches_by_name_then_by_address_and_only_adds() {
    let mut stored = InventoryFile::default();
    stored.hosts.push(model::import::file::HostEntry {
        name: "nas-box".into(),
        addresses: vec!["2001:db8:5::20".into()],
        tags: vec!["storage".into()],
        ..Default::default()
    });
    let zone = ImportOptions {
        host: None,
        origin: Some("lab.example".into()),
    };
    let desired = import(ImportKind::Zone, "lab.zone", &zone).unwrap();
    let plan = plan(&stored, &desired, Mode::Merge).unwrap();
    let nas = plan.rows.iter().find(|r| r.key() == "nas-box").unwrap();
    assert_eq!(nas.action, Action::Update);
    assert_eq!(nas.matched_by.as_deref(), Some("address 2001:db8:5::20"));
    let model::import::plan::Entry::Host(after) = nas.after.clone().unwrap() else {
        panic!()
    };
    assert_eq!(
        after.addresses,
        ["2001:db8:5::20", "198.51.100.20"],
        "added, none removed"
    );
    assert_eq!(after.tags, ["storage"], "kept");
    assert_eq!(plan.count(Action::Delete), 0);
    assert!(
        plan.render()
            .contains("~ host nas-box (matched by address 2001:db8:5::20)")
    );
}

#[test]
fn the_inventory_file_reads_back_what_it_writes_in_both_spellings() {
    use model::import::text::{FileFormat, read, write};
    let mut file = import(ImportKind::Lxd, "lxc-list.json", &on_host("pi")).unwrap();
    file.sort();
    for format in [FileFormat::Yaml, FileFormat::Json] {
        let text = write(&file, format);
        assert_eq!(read("inventory", text.as_bytes()).unwrap(), file, "{text}");
    }
    let err = read(
        "inv.yaml",
        b"v6watch: 1\nhosts:\n  - name: pi\n    colour: red\n",
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("inv.yaml: "), "{err}");
    assert!(err.to_string().contains("colour"), "{err}");
}

/// A container the runtime reports with addresses takes them (the one it gave up goes); one
/// it reports with none (stopped) keeps what is stored.
#[test]
fn a_running_container_takes_the_runtimes_addresses_and_a_stopped_one_keeps_its_own() {
    use model::import::file::ContainerEntry;
    let container = |addresses: &[&str], ports: &[&str]| ContainerEntry {
        name: "cloud".into(),
        host: "pi".into(),
        runtime: "docker".into(),
        network_mode: "bridged".into(),
        addresses: addresses.iter().map(|a| a.to_string()).collect(),
        published_ports: ports.iter().map(|p| p.to_string()).collect(),
        ..Default::default()
    };
    let mut stored = InventoryFile::default();
    stored.hosts.push(model::import::file::HostEntry {
        name: "pi".into(),
        ..Default::default()
    });
    stored
        .containers
        .push(container(&["fd00:db8:4::20"], &["8080:80"]));

    let mut moved = InventoryFile::default();
    moved
        .containers
        .push(container(&["fd00:db8:4::21"], &["8443:443"]));
    let moved_plan = plan(&stored, &moved, Mode::Merge).unwrap();
    let row = moved_plan
        .rows
        .iter()
        .find(|r| r.key() == "pi/cloud")
        .unwrap();
    assert_eq!(row.action, Action::Update);
    let model::import::plan::Entry::Container(after) = row.after.clone().unwrap() else {
        panic!()
    };
    assert_eq!(after.addresses, ["fd00:db8:4::21"]);
    assert_eq!(after.published_ports, ["8443:443/tcp"]);

    let mut stopped = InventoryFile::default();
    stopped.containers.push(container(&[], &[]));
    let stopped_plan = plan(&stored, &stopped, Mode::Merge).unwrap();
    assert!(stopped_plan.is_noop(), "{}", stopped_plan.render());
}
