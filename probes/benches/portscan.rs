//! The exposure scan of 50 hosts × the 100 top ports, each over IPv6 and over IPv4, inside a
//! network namespace of its own: wall time, connection attempts (SYNs) per second, TCP
//! segments per second as the kernel counts them, the most connections in flight, and whether
//! the scan found exactly the ports that answer over IPv6 only.
//!
//! Nothing leaves the machine: the benchmark creates namespace `v6w-bench-scan` (no link to
//! the host's network) with 50 IPv6 addresses (2001:db8:5c::1 .. ::32) and 50 IPv4 addresses
//! (198.51.100.101 .. .150) on `lo`, one pair per host, and listeners on some of them:
//! hosts 1–10 answer on 22, 5432 and 8080 over IPv6 only (their exposure diff), hosts 11–15
//! on 443 over both families, hosts 16–20 on 3306 over IPv4 only (neither is in a diff). Each
//! run asserts exactly that, so a wrong scan fails the benchmark. The namespace's ephemeral
//! ports are moved to 60000–65535: with source and target address the same, a connect to a
//! top port inside the default range (32768, 49152–49157) now and then picks that very port
//! as its source and connects to itself, which reads as open.
//!
//! For the case where nothing answers, a second namespace, `v6w-bench-sink`, joined to the
//! first by a veth pair, routes 2001:db8:5d::/64 and 203.0.113.0/24 into a blackhole: SYNs
//! to those addresses are dropped silently, so every attempt waits out the connect timeout.
//! (A blackhole route in the scanning namespace itself would not do: there connect() fails at
//! once with EINVAL.) Both namespaces are removed at the end, also after a failed assertion.
//!
//! Runs, all with `ScanLimits::default()` unless said otherwise:
//! - one subject at a time, as the scheduler scans: `portscan::scan`, exactly its call;
//! - the same through `scan_with` with `connect_tcp` wrapped to count connections in flight;
//! - all 50 subjects at once (50 scans spawned together; the scheduler never does this);
//! - blackholed subjects one at a time (`V6WATCH_BENCH_SILENT_SUBJECTS`, default 2: each
//!   takes about 5.6 s, 200 attempts 32 at a time, 0.8 s each), and 50 of them at once;
//! - one blackholed subject with the deadline shortened to 2 s, to show it cuts the scan.
//!
//! The three runs against answering hosts take well under a second each and are repeated
//! (`V6WATCH_BENCH_RUNS`, default 5): the table shows the median run and the range.
//!
//! SYNs and segments come from the namespace's own TCP counters (`ActiveOpens`, `OutSegs`,
//! `RetransSegs` in /proc/net/snmp), so they count exactly this benchmark's traffic; on `lo`
//! both ends are in the namespace, so segments out include the listeners' answers.
//!
//! As root: `cargo bench -p v6watch-probes --bench portscan`. Without root it says why and
//! exits 0.

use std::collections::BTreeSet;
use std::future::Future;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use probes::portscan::{
    ScanLimits, ScanOutcome, ScanTarget, TOP_PORTS, connect_tcp, port_list, scan, scan_with,
};

const NAMESPACE: &str = "v6w-bench-scan";
const SINK: &str = "v6w-bench-sink";
const SUBJECTS: usize = 50;
/// Hosts 1..=10 answer on these ports over IPv6 only.
const V6_ONLY_HOSTS: usize = 10;
const V6_ONLY_PORTS: [u16; 3] = [22, 5432, 8080];
/// Hosts 11..=15 answer on this port over both families.
const BOTH_HOSTS: std::ops::RangeInclusive<usize> = 11..=15;
const BOTH_PORT: u16 = 443;
/// Hosts 16..=20 answer on this port over IPv4 only.
const V4_ONLY_HOSTS: std::ops::RangeInclusive<usize> = 16..=20;
const V4_ONLY_PORT: u16 = 3306;
/// The shortened deadline of the last run.
const SHORT_DEADLINE: Duration = Duration::from_secs(2);

fn skip(why: &str) -> ! {
    println!("portscan benchmark skipped: {why}");
    std::process::exit(0);
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|v| v.split_whitespace().nth(1).map(|e| e == "0"))
        .unwrap_or(false)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// User plus system CPU seconds of this process.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (field(11) + field(12)) / 100.0
}

/// 50 subjects at once hold up to 1,600 sockets: raise the soft open-file limit to the hard one.
fn raise_open_files() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct they are given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

// ---- addresses ----

fn host_v6(i: usize) -> IpAddr {
    IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0x5c, 0, 0, 0, 0, i as u16))
}

fn host_v4(i: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(198, 51, 100, 100 + i as u8))
}

fn silent_v6(i: usize) -> IpAddr {
    IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0x5d, 0, 0, 0, 0, i as u16))
}

fn silent_v4(i: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(203, 0, 113, i as u8))
}

/// Ports host `i` (1-based) answers on over IPv6 and over IPv4.
fn listening(i: usize) -> (BTreeSet<u16>, BTreeSet<u16>) {
    let (mut v6, mut v4) = (BTreeSet::new(), BTreeSet::new());
    if i <= V6_ONLY_HOSTS {
        v6.extend(V6_ONLY_PORTS);
    }
    if BOTH_HOSTS.contains(&i) {
        v6.insert(BOTH_PORT);
        v4.insert(BOTH_PORT);
    }
    if V4_ONLY_HOSTS.contains(&i) {
        v4.insert(V4_ONLY_PORT);
    }
    (v6, v4)
}

/// One subject as the scheduler builds it: its two addresses, the top-100 list (no named ports).
fn target(v6: IpAddr, v4: IpAddr) -> ScanTarget {
    ScanTarget {
        addresses: vec![v6, v4],
        ports: port_list(&TOP_PORTS, &[]),
    }
}

// ---- the namespaces ----

fn ip(args: &[&str], stdin: Option<&str>) -> Result<(), String> {
    let mut child = Command::new("ip")
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `ip` ({e}): is iproute2 installed?"))?;
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes())
            .map_err(|e| format!("ip {}: {e}", args.join(" ")))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("ip {}: {e}", args.join(" ")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn sysctl(namespace: &str, setting: &str) -> Result<(), String> {
    ip(
        &["netns", "exec", namespace, "sysctl", "-qw", setting],
        None,
    )
}

/// The two namespaces; dropping it removes them (also while a failed assertion unwinds).
struct Namespaces;

impl Namespaces {
    fn create() -> Result<Namespaces, String> {
        remove_namespaces();
        ip(&["netns", "add", NAMESPACE], None)?;
        let guard = Namespaces;
        ip(&["netns", "add", SINK], None)?;
        let (n, s) = (NAMESPACE, SINK);
        // Links up first, then addresses (nodad: usable at once).
        ip(&["-n", n, "link", "set", "lo", "up"], None)?;
        ip(&["-n", s, "link", "set", "lo", "up"], None)?;
        ip(
            &[
                "link", "add", "sink0", "netns", n, "type", "veth", "peer", "name", "scan0",
                "netns", s,
            ],
            None,
        )?;
        ip(&["-n", n, "link", "set", "sink0", "up"], None)?;
        ip(&["-n", s, "link", "set", "scan0", "up"], None)?;
        let mut batch = String::new();
        for i in 1..=SUBJECTS {
            batch.push_str(&format!("addr add {}/128 dev lo nodad\n", host_v6(i)));
            batch.push_str(&format!("addr add {}/32 dev lo\n", host_v4(i)));
        }
        batch.push_str("addr add 2001:db8:5e::1/64 dev sink0 nodad\n");
        batch.push_str("addr add 192.0.2.1/30 dev sink0\n");
        batch.push_str("route add 2001:db8:5d::/64 via 2001:db8:5e::2\n");
        batch.push_str("route add 203.0.113.0/24 via 192.0.2.2\n");
        ip(&["-n", n, "-batch", "-"], Some(&batch))?;
        let sink = "addr add 2001:db8:5e::2/64 dev scan0 nodad\n\
                    addr add 192.0.2.2/30 dev scan0\n\
                    route add blackhole 2001:db8:5d::/64\n\
                    route add blackhole 203.0.113.0/24\n";
        ip(&["-n", s, "-batch", "-"], Some(sink))?;
        // Source ports above every top port: a connect from a local address to itself on a
        // port of the ephemeral range (32768, 49152–49157) can pick that same port as its
        // source and connect to itself (TCP simultaneous open), which would read as open.
        sysctl(n, "net.ipv4.ip_local_port_range=60000 65535")?;
        sysctl(s, "net.ipv6.conf.all.forwarding=1")?;
        sysctl(s, "net.ipv4.ip_forward=1")?;
        Ok(guard)
    }
}

fn remove_namespaces() {
    for namespace in [NAMESPACE, SINK] {
        if std::path::Path::new("/run/netns").join(namespace).exists() {
            let _ = ip(&["netns", "del", namespace], None);
        }
    }
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        remove_namespaces();
    }
}

/// Runs `work` in `namespace`: a dedicated thread joins it (setns affects only the calling
/// thread and the threads it starts later), then builds a multi-threaded tokio runtime, as
/// `serve` has, whose workers it starts inside the namespace.
fn run_in<F, Fut, T>(namespace: &str, work: F) -> T
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T>,
    T: Send + 'static,
{
    let path = format!("/run/netns/{namespace}");
    let thread = std::thread::Builder::new()
        .name(format!("in-{namespace}"))
        .spawn(move || {
            let file =
                std::fs::File::open(&path).unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
            nix::sched::setns(&file, nix::sched::CloneFlags::CLONE_NEWNET)
                .unwrap_or_else(|e| panic!("setns {path}: {e}"));
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            runtime.block_on(work())
        })
        .expect("spawn the namespace's thread");
    match thread.join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

// ---- counting ----

/// The namespace's TCP counters (shared by IPv4 and IPv6), read by a thread inside it.
#[derive(Debug, Clone, Copy, Default)]
struct Tcp {
    active_opens: u64,
    out_segs: u64,
    retrans_segs: u64,
}

fn tcp_counters() -> Tcp {
    let text = std::fs::read_to_string("/proc/thread-self/net/snmp").unwrap_or_default();
    let mut rows = text.lines().filter(|l| l.starts_with("Tcp:"));
    let (Some(names), Some(values)) = (rows.next(), rows.next()) else {
        return Tcp::default();
    };
    let field = |name: &str| {
        names
            .split_whitespace()
            .zip(values.split_whitespace())
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0)
    };
    Tcp {
        active_opens: field("ActiveOpens"),
        out_segs: field("OutSegs"),
        retrans_segs: field("RetransSegs"),
    }
}

/// Connections in flight: now, and the most at once.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    peak: AtomicUsize,
}

struct Slot(Arc<InFlight>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// `connect_tcp`, counted from its first poll (the socket is opened then) until it finishes
/// or is dropped (the deadline drops what is unfinished).
fn counted(
    flight: Arc<InFlight>,
) -> impl Fn(SocketAddr, Duration) -> BoxFuture<'static, bool> + Send + Sync + 'static {
    move |address, timeout| {
        let flight = flight.clone();
        Box::pin(async move {
            let now = flight.now.fetch_add(1, Ordering::SeqCst) + 1;
            flight.peak.fetch_max(now, Ordering::SeqCst);
            let _slot = Slot(flight);
            connect_tcp(address, timeout).await
        })
    }
}

// ---- runs ----

struct Run {
    label: String,
    subjects: usize,
    attempts: u64,
    wall: Duration,
    per_subject: Vec<Duration>,
    cpu: f64,
    tcp: Tcp,
    /// The most connections in flight, and the cap they were held to.
    peak: Option<(usize, usize)>,
    result: String,
    /// How many times it ran, and the range of wall times, when more than once (the other
    /// figures are the median run's; the peak is the largest of all).
    repeats: usize,
    range: Option<(Duration, Duration)>,
}

impl Run {
    fn per_subject(&self) -> String {
        let mut times = self.per_subject.clone();
        times.sort();
        let median = times.get(times.len() / 2).copied().unwrap_or_default();
        let max = times.last().copied().unwrap_or_default();
        format!("{} / {}", secs(median), secs(max))
    }

    fn wall(&self) -> String {
        match self.range {
            Some((low, high)) => format!(
                "{} ({} – {}, median of {})",
                secs(self.wall),
                secs(low),
                secs(high),
                self.repeats
            ),
            None => secs(self.wall),
        }
    }

    fn rate(&self, count: u64) -> String {
        thousands(count as f64 / self.wall.as_secs_f64().max(1e-9))
    }
}

fn secs(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

fn thousands(value: f64) -> String {
    let whole = value.round() as u64;
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How a set of scans is started.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// One after the other with `scan`, the scheduler's call.
    Plain,
    /// One after the other with the counted connect.
    Counted,
    /// All spawned at once, each with the counted connect.
    Together,
}

/// Scans `targets` and measures it. Returns the outcomes in `targets`' order.
async fn measure(
    label: &str,
    targets: &[ScanTarget],
    limits: ScanLimits,
    mode: Mode,
) -> (Run, Vec<ScanOutcome>) {
    let flight = Arc::new(InFlight::default());
    let (tcp_before, cpu_before) = (tcp_counters(), cpu_secs());
    let started = Instant::now();
    let mut results: Vec<(ScanOutcome, Duration)> = Vec::new();
    match mode {
        Mode::Plain | Mode::Counted => {
            for target in targets {
                let begun = Instant::now();
                let outcome = if mode == Mode::Plain {
                    scan(target, limits, &[]).await
                } else {
                    scan_with(target, limits, &[], counted(flight.clone())).await
                };
                let outcome = outcome.expect("every subject is dual stack");
                results.push((outcome, begun.elapsed()));
            }
        }
        Mode::Together => {
            let tasks: Vec<_> = targets
                .iter()
                .cloned()
                .map(|target| {
                    let connect = counted(flight.clone());
                    tokio::spawn(async move {
                        let begun = Instant::now();
                        let outcome = scan_with(&target, limits, &[], connect).await;
                        (
                            outcome.expect("every subject is dual stack"),
                            begun.elapsed(),
                        )
                    })
                })
                .collect();
            for task in tasks {
                results.push(task.await.expect("scan task"));
            }
        }
    }
    let wall = started.elapsed();
    let (tcp_after, cpu_after) = (tcp_counters(), cpu_secs());
    let cap = match mode {
        Mode::Together => limits.concurrency * targets.len(),
        _ => limits.concurrency,
    };
    let peak = flight.peak.load(Ordering::SeqCst);
    if mode != Mode::Plain {
        assert!(
            peak <= cap,
            "{label}: {peak} connections in flight, more than the cap of {cap}"
        );
        assert_eq!(flight.now.load(Ordering::SeqCst), 0, "{label}: all done");
    }
    let (outcomes, per_subject): (Vec<ScanOutcome>, Vec<Duration>) = results.into_iter().unzip();
    let run = Run {
        label: label.to_string(),
        subjects: targets.len(),
        attempts: outcomes.iter().map(|o| o.attempts).sum(),
        wall,
        per_subject,
        cpu: cpu_after - cpu_before,
        tcp: Tcp {
            active_opens: tcp_after.active_opens - tcp_before.active_opens,
            out_segs: tcp_after.out_segs - tcp_before.out_segs,
            retrans_segs: tcp_after.retrans_segs - tcp_before.retrans_segs,
        },
        peak: (mode != Mode::Plain).then_some((peak, cap)),
        result: String::new(),
        repeats: 1,
        range: None,
    };
    (run, outcomes)
}

/// Asserts the scans of the answering hosts found exactly the listeners: complete, every port
/// tested over both families, open where a listener is and only there, and the exposure diff
/// the IPv6-only ports of hosts 1–10 and nothing else.
fn check_answering(label: &str, outcomes: &[ScanOutcome]) -> String {
    let all: BTreeSet<u16> = TOP_PORTS.iter().copied().collect();
    let mut exposed = 0;
    for (index, outcome) in outcomes.iter().enumerate() {
        let host = index + 1;
        let (v6, v4) = listening(host);
        assert!(outcome.complete, "{label}: host {host} not complete");
        assert_eq!(outcome.attempts, 200, "{label}: host {host}");
        assert_eq!(
            outcome.tested6, all,
            "{label}: host {host} tested over IPv6"
        );
        assert_eq!(
            outcome.tested4, all,
            "{label}: host {host} tested over IPv4"
        );
        assert_eq!(outcome.open6, v6, "{label}: host {host} open over IPv6");
        assert_eq!(outcome.open4, v4, "{label}: host {host} open over IPv4");
        let want: Vec<u16> = v6.difference(&v4).copied().collect();
        assert_eq!(
            outcome.exposed(),
            want,
            "{label}: host {host} exposure diff"
        );
        if host <= V6_ONLY_HOSTS {
            assert_eq!(outcome.exposed(), V6_ONLY_PORTS.to_vec());
            assert_eq!(outcome.answered6[&22], vec![host_v6(host)]);
        }
        exposed += outcome.exposed().len();
    }
    format!(
        "correct: {exposed} ports exposed ({} on hosts 1–{V6_ONLY_HOSTS}), none elsewhere",
        V6_ONLY_PORTS
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Asserts the scans of blackholed subjects found nothing open, settled every port (a timeout
/// is a closed port) and took no longer than their bound: ceil(attempts / concurrency) rounds
/// of the connect timeout, or the deadline if that is shorter, plus `slack`.
fn check_silent(
    label: &str,
    run: &Run,
    outcomes: &[ScanOutcome],
    limits: ScanLimits,
    slack: Duration,
) -> String {
    let all: BTreeSet<u16> = TOP_PORTS.iter().copied().collect();
    let rounds = 200_u32.div_ceil(u32::try_from(limits.concurrency).unwrap_or(u32::MAX));
    let bound = (limits.connect_timeout * rounds).min(limits.deadline);
    let complete = limits.connect_timeout * rounds < limits.deadline;
    for (outcome, took) in outcomes.iter().zip(&run.per_subject) {
        assert!(
            outcome.open6.is_empty() && outcome.open4.is_empty(),
            "{label}: {outcome:?}"
        );
        assert_eq!(outcome.complete, complete, "{label}: complete?");
        if complete {
            assert_eq!(outcome.tested6, all, "{label}: tested over IPv6");
            assert_eq!(outcome.tested4, all, "{label}: tested over IPv4");
        } else {
            assert!(
                outcome.tested6.len() + outcome.tested4.len() < 200,
                "{label}"
            );
            assert!(outcome.exposed().is_empty(), "{label}");
        }
        assert!(
            *took <= bound + slack,
            "{label}: one subject took {took:?}, over its bound of {bound:?}"
        );
    }
    if complete {
        format!(
            "nothing open, all settled; bound {rounds} × {} = {}",
            secs(limits.connect_timeout),
            secs(bound)
        )
    } else {
        let settled: usize = outcomes
            .iter()
            .map(|o| o.tested6.len() + o.tested4.len())
            .sum();
        format!(
            "cut by the deadline ({}): incomplete, {settled} of {} port×family settled, rest unknown",
            secs(limits.deadline),
            200 * outcomes.len()
        )
    }
}

/// Scans the answering hosts `repeats` times, checking every run: the median run by wall
/// time, with the range and the largest peak in flight of all of them.
async fn answering_runs(
    label: &str,
    targets: &[ScanTarget],
    limits: ScanLimits,
    mode: Mode,
    repeats: usize,
) -> Run {
    let mut runs = Vec::new();
    for _ in 0..repeats.max(1) {
        let (mut run, outcomes) = measure(label, targets, limits, mode).await;
        run.result = check_answering(label, &outcomes);
        runs.push(run);
    }
    runs.sort_by_key(|r| r.wall);
    let range = (runs[0].wall, runs[runs.len() - 1].wall);
    let peak = runs.iter().filter_map(|r| r.peak).max();
    let count = runs.len();
    let mut median = runs.swap_remove(count / 2);
    median.peak = peak;
    median.repeats = count;
    median.range = (count > 1).then_some(range);
    median
}

async fn listen(address: IpAddr, port: u16) {
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(address, port))
        .await
        .unwrap_or_else(|e| panic!("listen on [{address}]:{port}: {e}"));
    tokio::spawn(async move {
        loop {
            if listener.accept().await.is_err() {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    });
}

async fn bench(silent_subjects: usize, repeats: usize) -> Vec<Run> {
    for host in 1..=SUBJECTS {
        let (v6, v4) = listening(host);
        for port in v6 {
            listen(host_v6(host), port).await;
        }
        for port in v4 {
            listen(host_v4(host), port).await;
        }
    }
    // Resolve the sink's link-layer addresses before timing (its own addresses refuse at once).
    for gateway in ["2001:db8:5e::2", "192.0.2.2"] {
        let address = SocketAddr::new(gateway.parse().unwrap(), 9);
        let _ = connect_tcp(address, Duration::from_secs(2)).await;
    }
    let limits = ScanLimits::default();
    let answering: Vec<ScanTarget> = (1..=SUBJECTS)
        .map(|i| target(host_v6(i), host_v4(i)))
        .collect();
    let silent: Vec<ScanTarget> = (1..=SUBJECTS)
        .map(|i| target(silent_v6(i), silent_v4(i)))
        .collect();
    let mut runs = Vec::new();

    // One warm-up scan, not measured.
    let _ = scan(&answering[0], limits, &[]).await;

    for (label, mode) in [
        (
            "answering, one subject at a time (`scan`, as the scheduler)",
            Mode::Plain,
        ),
        (
            "answering, one subject at a time, connects counted",
            Mode::Counted,
        ),
        (
            "answering, all 50 subjects at once (not what the scheduler does)",
            Mode::Together,
        ),
    ] {
        runs.push(answering_runs(label, &answering, limits, mode, repeats).await);
    }

    let slack = Duration::from_millis(500);
    let label = "blackholed, one subject at a time, connects counted";
    let some = &silent[..silent_subjects.clamp(1, SUBJECTS)];
    let (mut run, outcomes) = measure(label, some, limits, Mode::Counted).await;
    run.result = check_silent(label, &run, &outcomes, limits, slack);
    runs.push(run);

    let label = "blackholed, all 50 subjects at once (not what the scheduler does)";
    let (mut run, outcomes) = measure(label, &silent, limits, Mode::Together).await;
    run.result = check_silent(label, &run, &outcomes, limits, Duration::from_secs(2));
    runs.push(run);

    let short = ScanLimits {
        deadline: SHORT_DEADLINE,
        ..limits
    };
    let label = "blackholed, one subject, deadline shortened to 2 s";
    let (mut run, outcomes) = measure(label, &silent[..1], short, Mode::Counted).await;
    run.result = check_silent(label, &run, &outcomes, short, Duration::from_millis(300));
    runs.push(run);
    runs
}

fn print(runs: &[Run]) {
    let limits = ScanLimits::default();
    println!();
    println!(
        "Each subject: 1 IPv6 + 1 IPv4 address × the {} top ports = 200 connection attempts. \
         Default limits: {} in flight, connect timeout {}, deadline {}.",
        TOP_PORTS.len(),
        limits.concurrency,
        secs(limits.connect_timeout),
        secs(limits.deadline)
    );
    println!();
    println!(
        "| run | subjects | attempts | wall time | per subject (median / max) | attempts/s | SYNs (kernel: opens + retransmits) | TCP segments out/s | peak in flight (cap) | CPU | result |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for run in runs {
        let peak = run.peak.map_or("not counted".to_string(), |(peak, cap)| {
            format!("{} ({})", thousands(peak as f64), thousands(cap as f64))
        });
        println!(
            "| {} | {} | {} | {} | {} | {} | {} + {} | {} | {} | {:.2} s | {} |",
            run.label,
            run.subjects,
            thousands(run.attempts as f64),
            run.wall(),
            run.per_subject(),
            run.rate(run.attempts),
            thousands(run.tcp.active_opens as f64),
            thousands(run.tcp.retrans_segs as f64),
            run.rate(run.tcp.out_segs),
            peak,
            run.cpu,
            run.result
        );
    }
}

fn main() {
    // `cargo bench` passes --bench; any other run (`cargo test --all-targets`) is not one.
    if !std::env::args().any(|a| a == "--bench") {
        skip("run it with `cargo bench -p v6watch-probes --bench portscan`");
    }
    if !is_root() {
        skip("it creates network namespaces and addresses (`ip netns add`), which needs root");
    }
    raise_open_files();
    let silent = env_number("V6WATCH_BENCH_SILENT_SUBJECTS", 2).clamp(1, SUBJECTS);
    let repeats = env_number("V6WATCH_BENCH_RUNS", 5).max(1);
    let namespaces = match Namespaces::create() {
        Ok(namespaces) => namespaces,
        Err(why) => {
            remove_namespaces();
            skip(&format!("cannot build its namespaces: {why}"));
        }
    };
    println!(
        "exposure scan benchmark: {SUBJECTS} subjects × {} ports over IPv6 and IPv4, in namespace {NAMESPACE}",
        TOP_PORTS.len()
    );
    println!("load average before: {}", load_average());
    let runs = run_in(NAMESPACE, move || bench(silent, repeats));
    println!("load average after: {}", load_average());
    drop(namespaces);
    print(&runs);
}
