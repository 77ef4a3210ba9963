//! The browser judge against the static judge, in the same run, from inside a lab client:
//!
//! - one service page with 50 dependencies (`/pages/bench/deps50.html` on dual.lab.test: one
//!   dependency on each of dep01..dep50.lab.test, scripts, stylesheets, images and fetch()
//!   calls, five of the hosts IPv4 only): the median wall time of a few judgements each;
//! - 100 small service pages (`/pages/bench/svc001.html` .. `svc100.html`, four dependencies
//!   each) judged back to back, one after the other: total time and mean per service.
//!
//! "static" is `judge_url`; "browser" is `judge_with_browser` with the browser on, which runs
//! the static judge and a Chromium visit through the IPv6-only proxy at once and merges them
//! (the verdict a service gets when Chromium is installed). Both share one long-lived
//! `Prober` (as the scheduler's), each phase after one warm-up judgement. Peak memory: this
//! process's VmHWM (reset at the start of each phase through /proc/self/clear_refs), and the
//! Chromium process tree's largest resident total (`memory_of_process_tree`, the sum of the
//! processes' VmRSS, sampled every 50 ms during the phase).
//!
//! As root with the lab up (`bash tests/lab/lab.sh up`):
//! `cargo bench -p v6watch-verdict --bench browser`. Without the lab, root or Chromium it
//! says why and exits 0. `V6WATCH_BENCH_RUNS` (default 5) sets the judgements of the
//! 50-dependency page per judge, `V6WATCH_BENCH_SERVICES` (default 100) how many service
//! pages, `V6WATCH_BENCH_CLIENT=c46` uses the dual-stack client instead of the IPv6-only one.

#[path = "../../probes/tests/integration/lab.rs"]
mod lab;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use probes::{ProbeConfig, Prober};
use url::Url;
use verdict::browser::{
    BrowserJudge, Chromium, VisitLimits, find_chromium, judge_with_browser, memory_of_process_tree,
};
use verdict::extract::Limits;
use verdict::{ServiceVerdict, judge_url};

const MIB: f64 = 1024.0 * 1024.0;

fn skip(why: &str) -> ! {
    println!("browser benchmark skipped: {why}");
    std::process::exit(0);
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// This process's peak resident set size (VmHWM) in bytes.
fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}

/// Starts the peak afresh from the current resident set.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `pid` and its descendants.
fn process_tree(pid: u32) -> Vec<u32> {
    let parent_of = |p: u32| -> Option<u32> {
        let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
        stat.rsplit_once(')')?
            .1
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|p| Some((p, parent_of(p)?)))
        .collect();
    let mut tree = vec![pid];
    let mut i = 0;
    while let Some(&p) = tree.get(i) {
        tree.extend(parents.iter().filter(|(_, up)| *up == p).map(|(c, _)| *c));
        i += 1;
    }
    tree
}

/// The proportional set size of `pid` (shared pages divided among their users), in bytes.
fn pss(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Pss:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}

/// Samples the browser's process tree every 100 ms, keeping the largest resident total
/// (`memory_of_process_tree`: VmRSS summed, so pages the processes share count once per
/// process), the largest PSS total (shared pages divided among them) and process count.
struct Sampler {
    pid: Arc<AtomicU32>,
    peak: Arc<AtomicU64>,
    peak_pss: Arc<AtomicU64>,
    peak_processes: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

/// A phase's Chromium peaks: RSS summed, PSS summed, processes.
#[derive(Clone, Copy)]
struct TreePeak {
    rss: u64,
    pss: u64,
    processes: u64,
}

impl Sampler {
    fn start() -> Sampler {
        let sampler = Sampler {
            pid: Arc::new(AtomicU32::new(0)),
            peak: Arc::new(AtomicU64::new(0)),
            peak_pss: Arc::new(AtomicU64::new(0)),
            peak_processes: Arc::new(AtomicU64::new(0)),
            stop: Arc::new(AtomicBool::new(false)),
        };
        let (pid, peak, peak_pss, peak_processes, stop) = (
            sampler.pid.clone(),
            sampler.peak.clone(),
            sampler.peak_pss.clone(),
            sampler.peak_processes.clone(),
            sampler.stop.clone(),
        );
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let current = pid.load(Ordering::Relaxed);
                if current != 0
                    && let Some(bytes) = memory_of_process_tree(current)
                {
                    peak.fetch_max(bytes, Ordering::Relaxed);
                    let tree = process_tree(current);
                    let total: u64 = tree.iter().map(|&p| pss(p)).sum();
                    peak_pss.fetch_max(total, Ordering::Relaxed);
                    peak_processes.fetch_max(tree.len() as u64, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        sampler
    }

    /// The peaks since the last call, and starts again.
    fn take_peak(&self) -> TreePeak {
        TreePeak {
            rss: self.peak.swap(0, Ordering::Relaxed),
            pss: self.peak_pss.swap(0, Ordering::Relaxed),
            processes: self.peak_processes.swap(0, Ordering::Relaxed),
        }
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// One phase's figures.
#[derive(Default)]
struct Phase {
    times: Vec<Duration>,
    rss: u64,
    chromium: Option<TreePeak>,
    /// Dependencies in the last verdict, and how many the browser found.
    dependencies: usize,
    by_browser: usize,
    verdicts: Vec<String>,
    notes: Vec<String>,
}

impl Phase {
    fn note(&mut self, verdict: &ServiceVerdict) {
        self.dependencies = verdict.dependencies.len();
        self.by_browser = verdict
            .dependencies
            .iter()
            .filter(|d| d.found_by.iter().any(|j| j == "browser"))
            .count();
        self.verdicts
            .push(format!("{:?}", verdict.verdict).to_lowercase());
        if let Some(note) = &verdict.browser_note {
            self.notes.push(note.clone());
        }
    }

    fn median(&self) -> Duration {
        let mut times = self.times.clone();
        times.sort();
        times.get(times.len() / 2).copied().unwrap_or_default()
    }

    fn total(&self) -> Duration {
        self.times.iter().sum()
    }

    fn range(&self) -> String {
        let min = self.times.iter().min().copied().unwrap_or_default();
        let max = self.times.iter().max().copied().unwrap_or_default();
        format!("{} – {}", ms(min), ms(max))
    }

    fn verdict_counts(&self) -> String {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for v in &self.verdicts {
            match counts.iter_mut().find(|(name, _)| name == v) {
                Some((_, n)) => *n += 1,
                None => counts.push((v.clone(), 1)),
            }
        }
        counts
            .iter()
            .map(|(v, n)| format!("{n} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / MIB)
}

struct Report {
    launch: Duration,
    deps_static: Phase,
    deps_browser: Phase,
    many_static: Phase,
    many_browser: Phase,
}

async fn judge(
    prober: &Arc<Prober>,
    chromium: Option<&Chromium>,
    url: &Url,
    limits: &Limits,
) -> (Duration, ServiceVerdict) {
    let started = Instant::now();
    let verdict = match chromium {
        None => judge_url(prober, url, &[], limits).await,
        Some(chromium) => {
            let on = BrowserJudge::On(chromium, VisitLimits::default());
            judge_with_browser(prober.clone(), on, url, &[], limits).await
        }
    };
    (started.elapsed(), verdict)
}

async fn phase(
    prober: &Arc<Prober>,
    chromium: Option<&Chromium>,
    sampler: &Sampler,
    urls: &[Url],
) -> Phase {
    let limits = Limits::default();
    // Warm-up: the first judgement of a phase fills the resolver's cache and, for the
    // browser, opens its first page.
    if let Some(first) = urls.first() {
        judge(prober, chromium, first, &limits).await;
    }
    let mut phase = Phase::default();
    reset_peak();
    sampler.take_peak();
    for url in urls {
        let (took, verdict) = judge(prober, chromium, url, &limits).await;
        phase.times.push(took);
        phase.note(&verdict);
    }
    phase.rss = peak_rss();
    let chromium_peak = sampler.take_peak();
    phase.chromium = chromium.map(|_| chromium_peak);
    phase
}

async fn run(
    config: ProbeConfig,
    executable: std::path::PathBuf,
    deps: Url,
    services: Vec<Url>,
    runs: usize,
) -> Report {
    let prober = Arc::new(Prober::new(config).expect("prober"));
    // Two pages at once, as the server's scheduler runs it.
    let chromium = Chromium::new(executable, 2);
    let sampler = Sampler::start();
    let limits = Limits::default();

    // The first browser judgement starts Chromium: timed on its own.
    let started = Instant::now();
    judge(&prober, Some(&chromium), &deps, &limits).await;
    let launch = started.elapsed();
    let pid = chromium.pid().await.unwrap_or(0);
    sampler.pid.store(pid, Ordering::Relaxed);

    let repeated = vec![deps; runs.max(1)];
    let deps_static = phase(&prober, None, &sampler, &repeated).await;
    let deps_browser = phase(&prober, Some(&chromium), &sampler, &repeated).await;
    let many_static = phase(&prober, None, &sampler, &services).await;
    let many_browser = phase(&prober, Some(&chromium), &sampler, &services).await;
    if chromium.pid().await != Some(pid) {
        println!(
            "note: Chromium was started again during the run (the tree peak follows the first one only)"
        );
    }
    Report {
        launch,
        deps_static,
        deps_browser,
        many_static,
        many_browser,
    }
}

fn chromium_version(executable: &std::path::Path) -> String {
    std::process::Command::new(executable)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| executable.display().to_string())
}

fn main() {
    // `cargo bench` passes --bench; any other run (`cargo test --all-targets`) is not one.
    if !std::env::args().any(|a| a == "--bench") {
        skip("run it with `cargo bench -p v6watch-verdict --bench browser`");
    }
    let lab = match lab::Lab::read() {
        Ok(lab) => lab,
        Err(why) => skip(&format!("no lab ({why})")),
    };
    let client = std::env::var("V6WATCH_BENCH_CLIENT").unwrap_or_else(|_| "c6".into());
    let namespace = match client.as_str() {
        "c46" => lab.var("LAB_NS_C46").to_string(),
        _ => lab.var("LAB_NS_C6").to_string(),
    };
    if !std::path::Path::new("/run/netns").join(&namespace).exists() {
        skip(&format!("namespace {namespace} missing: is the lab up?"));
    }
    if !is_root() {
        skip("entering the lab's namespaces needs root");
    }
    let Some(executable) = find_chromium() else {
        skip("Chromium is not installed (scripts/install-deps.sh installs it)");
    };
    let (Some(dep_count), Some(service_pages)) = (
        lab.try_var("LAB_BENCH_DEPS"),
        lab.try_var("LAB_BENCH_SERVICES"),
    ) else {
        skip(
            "this lab has no benchmark pages (lab.env lacks LAB_BENCH_DEPS): run `bash tests/lab/lab.sh up` again",
        );
    };
    let dep_count = dep_count.to_string();
    let runs = env_number("V6WATCH_BENCH_RUNS", 5);
    let count = env_number("V6WATCH_BENCH_SERVICES", 100).min(service_pages.parse().unwrap_or(100));
    let deps = Url::parse(&format!(
        "http://{}/pages/bench/deps{dep_count}.html",
        lab.name("dual")
    ))
    .unwrap();
    let services: Vec<Url> = (1..=count)
        .map(|i| {
            let host = if i % 2 == 1 {
                lab.name("dual")
            } else {
                lab.name("v6only")
            };
            Url::parse(&format!("http://{host}/pages/bench/svc{i:03}.html")).unwrap()
        })
        .collect();
    let config = ProbeConfig {
        nat64_prefixes: vec![lab.var("LAB_NAT64_LAB_NET6").parse().expect("prefix")],
        ..lab.config()
    };

    println!(
        "browser judge benchmark, from {namespace}, {}",
        chromium_version(&executable)
    );
    println!("load average before: {}", load_average());
    let report = lab::run_in(&namespace, move || {
        run(config, executable, deps, services, runs)
    });
    println!("load average after: {}", load_average());
    print(&report, runs, count, &dep_count);
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|v| v.split_whitespace().nth(1).map(|e| e == "0"))
        .unwrap_or(false)
}

fn print(report: &Report, runs: usize, count: usize, dep_count: &str) {
    let chromium = |phase: &Phase| {
        phase.chromium.map_or("–".to_string(), |peak| {
            format!(
                "{} RSS summed, {} PSS, {} processes",
                mib(peak.rss),
                mib(peak.pss),
                peak.processes
            )
        })
    };
    println!();
    println!(
        "First browser judgement of the {dep_count}-dependency page, Chromium started by it: {}",
        ms(report.launch)
    );
    println!();
    println!("One page with {dep_count} dependencies, {runs} judgements each:");
    println!();
    println!(
        "| judge | median | range | dependencies in the verdict (found by the browser) | peak RSS (VmHWM) | Chromium tree peak |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for (name, phase) in [
        ("static", &report.deps_static),
        ("browser", &report.deps_browser),
    ] {
        println!(
            "| {name} | {} | {} | {} ({}) | {} | {} |",
            ms(phase.median()),
            phase.range(),
            phase.dependencies,
            phase.by_browser,
            mib(phase.rss),
            chromium(phase),
        );
    }
    println!();
    println!("{count} service pages judged back to back:");
    println!();
    println!(
        "| judge | total | mean per service | verdicts | peak RSS (VmHWM) | Chromium tree peak |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for (name, phase) in [
        ("static", &report.many_static),
        ("browser", &report.many_browser),
    ] {
        let mean = phase.total() / u32::try_from(phase.times.len().max(1)).unwrap_or(1);
        println!(
            "| {name} | {:.2} s | {} | {} | {} | {} |",
            phase.total().as_secs_f64(),
            ms(mean),
            phase.verdict_counts(),
            mib(phase.rss),
            chromium(phase),
        );
    }
    for phase in [&report.deps_browser, &report.many_browser] {
        if let Some(note) = phase.notes.first() {
            println!(
                "\nwarning: {} browser judgements fell back to the static judge, e.g.: {note}",
                phase.notes.len()
            );
        }
    }
}
