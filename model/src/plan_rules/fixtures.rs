//! Small inventories for the rule tests.

use crate::domain::AddressKind;
use crate::inventory::{Address, Container, Host, Prefix, Service};

fn address(a: &str) -> Address {
    let ip = a.parse().expect("test address");
    Address {
        id: 0,
        address: a.into(),
        kind: AddressKind::of(ip),
        mac: crate::domain::address::eui64_mac(ip),
    }
}

pub fn host(id: i64, dns: Option<&str>, addresses: &[&str]) -> Host {
    Host {
        id,
        name: format!("h{id}"),
        dns_name: dns.map(Into::into),
        notes: String::new(),
        tags: vec![],
        addresses: addresses.iter().map(|a| address(a)).collect(),
        created_at: String::new(),
        updated_at: String::new(),
    }
}

pub fn container(id: i64, host_id: i64, addresses: &[&str]) -> Container {
    Container {
        id,
        name: format!("c{id}"),
        runtime: "lxc".into(),
        host_id,
        host_name: format!("h{host_id}"),
        network_mode: "bridged".into(),
        published_ports: vec![],
        notes: String::new(),
        addresses: addresses.iter().map(|a| address(a)).collect(),
        created_at: String::new(),
        updated_at: String::new(),
    }
}

pub fn prefix(id: i64, cidr: &str) -> Prefix {
    Prefix {
        id,
        cidr: cidr.into(),
        purpose: String::new(),
        created_at: String::new(),
        updated_at: String::new(),
    }
}

pub fn service(id: i64, host_id: Option<i64>, target: &str) -> Service {
    Service {
        id,
        name: format!("s{id}"),
        kind: "tcp".into(),
        target: target.into(),
        port: Some(443),
        expected_status: None,
        dependencies: vec![],
        host_id,
        container_id: None,
        owner_name: String::new(),
        created_at: String::new(),
        updated_at: String::new(),
    }
}
