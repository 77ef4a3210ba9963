//! The same echo requests sent by `fping -6`, for comparison: spawned as a process (inside a
//! lab namespace through `ip netns exec`), its per-target summary lines summed.

use std::net::IpAddr;
use std::process::Command;
use std::time::{Duration, Instant};

pub struct FpingRun {
    pub command: String,
    pub sent: u64,
    pub received: u64,
    pub wall: Duration,
}

/// `fping -6 -q -c COUNT -p PERIOD -i 0` over `targets` (a target listed twice is pinged
/// twice). `Err` says why there is no figure (fping missing, or no summary printed).
pub fn run(
    namespace: Option<&str>,
    targets: &[IpAddr],
    count: u16,
    period_ms: u64,
) -> Result<FpingRun, String> {
    if Command::new("fping").arg("-v").output().is_err() {
        return Err("fping not found: comparison skipped (install fping to run it)".into());
    }
    let mut args: Vec<String> = Vec::new();
    if let Some(ns) = namespace {
        args.extend(["ip", "netns", "exec", ns].map(String::from));
    }
    args.extend(
        [
            "fping",
            "-6",
            "-q",
            "-c",
            &count.to_string(),
            "-p",
            &period_ms.to_string(),
            "-i",
            "0",
            "-t",
            "1000",
        ]
        .map(String::from),
    );
    let command = format!("{} <{} targets>", args.join(" "), targets.len());
    args.extend(targets.iter().map(ToString::to_string));
    let started = Instant::now();
    let output = Command::new(&args[0])
        .args(&args[1..])
        .output()
        .map_err(|e| format!("{command}: {e}"))?;
    let wall = started.elapsed();
    // Summary lines on stderr: "::1 : xmt/rcv/%loss = 3/3/0%, min/avg/max = ...".
    let stderr = String::from_utf8_lossy(&output.stderr);
    let (mut sent, mut received, mut lines) = (0, 0, 0);
    for line in stderr.lines() {
        let Some((_, counts)) = line.split_once("xmt/rcv/%loss = ") else {
            continue;
        };
        let mut parts = counts.split(['/', ',']);
        let xmt = parts.next().and_then(|p| p.trim().parse::<u64>().ok());
        let rcv = parts.next().and_then(|p| p.trim().parse::<u64>().ok());
        if let (Some(x), Some(r)) = (xmt, rcv) {
            sent += x;
            received += r;
            lines += 1;
        }
    }
    if lines == 0 {
        return Err(format!(
            "{command}: no summary ({}): {}",
            output.status,
            stderr.lines().next().unwrap_or_default()
        ));
    }
    Ok(FpingRun {
        command,
        sent,
        received,
        wall,
    })
}
