//! A DNS master file (RFC 1035 §5), read by hickory's zone parser: `$ORIGIN`, `$TTL`,
//! relative names, comments and records continued over lines in parentheses. Each owner
//! name with A or AAAA records becomes a host named by its name relative to the origin
//! (the apex: the origin itself), with that DNS name and those addresses. `$INCLUDE` is
//! refused: an uploaded zone must not read other files of this machine.

use super::file::{HostEntry, InventoryFile};
use super::{ImportError, ImportOptions};
use hickory_proto::rr::{Name, RData};
use hickory_proto::serialize::txt::Parser;
use std::str::FromStr;

fn origin(options: &ImportOptions) -> Result<Name, ImportError> {
    let text = options
        .origin
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .ok_or_else(|| {
            ImportError::new(
                "origin",
                "name the zone's origin (--origin lab.example, or the form's origin field)",
            )
        })?;
    let dotted = if text.ends_with('.') {
        text.to_string()
    } else {
        format!("{text}.")
    };
    crate::domain::parse_dns_name(text).map_err(|m| ImportError::new("origin", m))?;
    Name::from_str(&dotted).map_err(|e| ImportError::new("origin", e.to_string()))
}

/// Whether a line starts a `$INCLUDE` entry.
fn includes(line: &str) -> bool {
    line.trim_start()
        .get(..8)
        .is_some_and(|word| word.eq_ignore_ascii_case("$include"))
}

/// The lines after which no parenthesised record is open: the places a zone can be cut
/// into a shorter zone that still parses.
fn entry_ends(text: &str) -> Vec<usize> {
    let mut depth = 0i32;
    let mut ends = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut quoted = false;
        for c in line.chars() {
            match c {
                '"' => quoted = !quoted,
                ';' if !quoted => break,
                '(' if !quoted => depth += 1,
                ')' if !quoted => depth -= 1,
                _ => {}
            }
        }
        if depth <= 0 {
            depth = 0;
            ends.push(n + 1);
        }
    }
    ends
}

fn try_parse(
    text: &str,
    origin: &Name,
) -> Result<Vec<(Name, std::net::IpAddr)>, hickory_proto::serialize::txt::ParseError> {
    let (_, records) = Parser::new(text, None, Some(origin.clone())).parse()?;
    let mut out = Vec::new();
    for set in records.values() {
        for record in set.records_without_rrsigs() {
            let address = match record.data() {
                RData::A(a) => std::net::IpAddr::V4(a.0),
                RData::AAAA(a) => std::net::IpAddr::V6(a.0),
                _ => continue,
            };
            out.push((record.name().clone(), address));
        }
    }
    Ok(out)
}

/// The first line whose entry the parser refuses: the smallest prefix of whole entries
/// that no longer parses.
fn failing_line(text: &str, origin: &Name) -> Option<usize> {
    let ends = entry_ends(text);
    let lines: Vec<&str> = text.lines().collect();
    let prefix = |n: usize| lines.get(..n).map(|l| l.join("\n") + "\n");
    let (mut lo, mut hi) = (0usize, ends.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        let fails = ends
            .get(mid)
            .and_then(|&n| prefix(n))
            .is_some_and(|p| try_parse(&p, origin).is_err());
        if fails {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    ends.get(lo).copied()
}

pub fn parse(text: &str, options: &ImportOptions) -> Result<InventoryFile, ImportError> {
    let origin = origin(options)?;
    if let Some(n) = text.lines().position(includes) {
        return Err(ImportError::new(
            format!("line {}", n + 1),
            "$INCLUDE is not read: put the included records in the file itself",
        ));
    }
    let records = try_parse(text, &origin).map_err(|e| {
        let place = failing_line(text, &origin).map_or(String::new(), |n| format!("line {n}"));
        ImportError::new(place, format!("not a valid zone file: {e}"))
    })?;
    let apex = origin.to_ascii().trim_end_matches('.').to_ascii_lowercase();
    let mut file = InventoryFile::default();
    for (name, address) in records {
        let fqdn = name.to_ascii().trim_end_matches('.').to_ascii_lowercase();
        let host_name = if fqdn == apex {
            apex.clone()
        } else {
            fqdn.strip_suffix(&format!(".{apex}"))
                .map_or(fqdn.clone(), str::to_string)
        };
        let address = address.to_string();
        match file.hosts.iter_mut().find(|h| h.name == host_name) {
            Some(host) => {
                if !host.addresses.contains(&address) {
                    host.addresses.push(address);
                }
            }
            None => file.hosts.push(HostEntry {
                name: host_name,
                dns_name: Some(fqdn),
                addresses: vec![address],
                ..Default::default()
            }),
        }
    }
    for host in &file.hosts {
        host.input().map_err(|e| {
            ImportError::new(
                format!("name {}", host.dns_name.clone().unwrap_or_default()),
                super::lxd::describe(&e),
            )
        })?;
    }
    file.hosts.sort_by_key(HostEntry::key);
    Ok(file)
}
