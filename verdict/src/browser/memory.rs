//! The memory a browser uses: the resident set of its process and all its children (the
//! renderers, the GPU and network services), read from /proc.

use std::collections::{HashMap, HashSet};

/// Resident bytes of `pid` and its descendants; None where /proc cannot be read.
pub fn of_tree(pid: u32) -> Option<u64> {
    let mut parents: HashMap<u32, u32> = HashMap::new();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some(parent) = parent_of(child) {
            parents.insert(child, parent);
        }
    }
    let in_tree = |mut p: u32| {
        // Bounded walk: a pid table cannot hold a cycle, but a racing reuse could.
        for _ in 0..64 {
            if p == pid {
                return true;
            }
            match parents.get(&p) {
                Some(&up) if up != p => p = up,
                _ => return false,
            }
        }
        false
    };
    let mut everyone: HashSet<u32> = parents.keys().copied().collect();
    everyone.insert(pid);
    let total = everyone
        .into_iter()
        .filter(|&p| in_tree(p))
        .filter_map(resident_bytes)
        .sum();
    Some(total)
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    let rest = stat.rsplit_once(')')?.1;
    rest.split_whitespace().nth(1)?.parse().ok()
}

fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_process_uses_some_memory() {
        let bytes = super::of_tree(std::process::id()).unwrap();
        assert!(bytes > 1024 * 1024, "{bytes}");
    }
}
