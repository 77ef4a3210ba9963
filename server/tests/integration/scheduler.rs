//! The scheduler loop with a fake probe and a fake store, on short intervals: first run at once,
//! interval with jitter, disable, run now, timeouts, and a hanging target not delaying others.
//! On paused tokio time: the clock moves only when every task waits, so the timings are
//! exact whatever else the machine is doing.

use probes::{Family, Outcome, ProbeKind, ProbeReport, ProbeSpec, Reason};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use v6watch::scheduler::schedule::CheckDef;
use v6watch::scheduler::{self, CheckStore, Loaded, NewResult, ProbeRunner, SchedulerSettings};

/// Answers `ok` after a delay per address; `None` hangs forever.
#[derive(Default)]
struct FakeProbe {
    delays: HashMap<String, Option<Duration>>,
    starts: Mutex<Vec<(String, Instant)>>,
}

fn key(spec: &ProbeSpec) -> String {
    match spec {
        ProbeSpec::Icmp { address } => address.to_string(),
        other => format!("{other:?}"),
    }
}

impl ProbeRunner for FakeProbe {
    async fn run(&self, spec: &ProbeSpec) -> ProbeReport {
        let name = key(spec);
        self.starts
            .lock()
            .unwrap()
            .push((name.clone(), Instant::now()));
        match self.delays.get(&name).copied().flatten() {
            Some(delay) => tokio::time::sleep(delay).await,
            None => std::future::pending::<()>().await,
        }
        let mut outcome = Outcome::new(ProbeKind::Icmp, Family::V6, None, Reason::Ok, "fake");
        outcome.latency_ms = Some(1.0);
        ProbeReport::new(vec![outcome])
    }
}

#[derive(Default)]
struct FakeStore {
    loaded: Mutex<Loaded>,
    saved: Mutex<Vec<NewResult>>,
}

impl CheckStore for FakeStore {
    async fn load(&self) -> anyhow::Result<Loaded> {
        let mut loaded = self.loaded.lock().unwrap();
        let run_now = std::mem::take(&mut loaded.run_now);
        Ok(Loaded {
            checks: loaded.checks.clone(),
            run_now,
        })
    }

    async fn save(&self, batch: Vec<NewResult>) -> anyhow::Result<()> {
        self.saved.lock().unwrap().extend(batch);
        Ok(())
    }
}

fn def(id: i64, address: &str, ms: u64, enabled: bool) -> CheckDef {
    CheckDef {
        id,
        spec: Arc::new(ProbeSpec::Icmp {
            address: address.parse().unwrap(),
        }),
        interval: Duration::from_millis(ms),
        enabled,
    }
}

struct Running {
    probe: Arc<FakeProbe>,
    store: Arc<FakeStore>,
    wake: Arc<Notify>,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<scheduler::lateness::Lateness>,
    t0: Instant,
}

fn start(delays: &[(&str, Option<Duration>)], checks: Vec<CheckDef>) -> Running {
    let probe = Arc::new(FakeProbe {
        delays: delays
            .iter()
            .map(|(a, d)| (a.parse::<std::net::IpAddr>().unwrap().to_string(), *d))
            .collect(),
        ..FakeProbe::default()
    });
    let store = Arc::new(FakeStore::default());
    store.loaded.lock().unwrap().checks = checks;
    let settings = SchedulerSettings {
        probe_timeout: Duration::from_millis(300),
        resync: Duration::from_millis(500),
        batch_age: Duration::from_millis(50),
        seed: 42,
        ..SchedulerSettings::default()
    };
    let wake = Arc::new(Notify::new());
    let cancel = CancellationToken::new();
    let task = tokio::spawn(scheduler::run(
        probe.clone(),
        store.clone(),
        settings,
        wake.clone(),
        cancel.clone(),
    ));
    Running {
        probe,
        store,
        wake,
        cancel,
        task,
        t0: Instant::now(),
    }
}

impl Running {
    fn starts_of(&self, address: &str) -> Vec<Duration> {
        self.probe
            .starts
            .lock()
            .unwrap()
            .iter()
            .filter(|(a, _)| a == address)
            .map(|(_, at)| *at - self.t0)
            .collect()
    }

    async fn stop(self) -> (scheduler::lateness::Lateness, Vec<NewResult>) {
        self.cancel.cancel();
        let lateness = self.task.await.unwrap();
        let saved = self.store.saved.lock().unwrap().clone();
        (lateness, saved)
    }
}

#[tokio::test(start_paused = true)]
async fn first_run_is_immediate_then_every_jittered_interval() {
    let run = start(
        &[("2001:db8::1", Some(Duration::from_millis(10)))],
        vec![def(1, "2001:db8::1", 100, true)],
    );
    tokio::time::sleep(Duration::from_millis(1050)).await;
    let starts = run.starts_of("2001:db8::1");
    assert!(starts[0] < Duration::from_millis(50), "{starts:?}");
    assert!((8..=12).contains(&starts.len()), "{starts:?}");
    for pair in starts.windows(2) {
        let gap = (pair[1] - pair[0]).as_secs_f64() * 1000.0;
        assert!((85.0..=130.0).contains(&gap), "gap {gap} ms in {starts:?}");
    }
    let (lateness, saved) = run.stop().await;
    assert!(lateness.quantile(0.5) < Duration::from_millis(20));
    assert!(saved.len() >= starts.len() - 1);
    assert!(
        saved
            .iter()
            .all(|r| r.ok && r.family == "v6" && r.reason == "ok")
    );
}

#[tokio::test(start_paused = true)]
async fn a_hanging_target_times_out_and_does_not_delay_others() {
    let run = start(
        &[
            ("2001:db8::1", None),
            ("2001:db8::2", Some(Duration::from_millis(5))),
        ],
        vec![
            def(1, "2001:db8::1", 50, true),
            def(2, "2001:db8::2", 50, true),
        ],
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let fast = run.starts_of("2001:db8::2");
    assert!(fast.len() >= 20, "{fast:?}");
    let hung = run.starts_of("2001:db8::1");
    assert!((3..=6).contains(&hung.len()), "{hung:?}");
    let (lateness, saved) = run.stop().await;
    assert!(lateness.quantile(0.9) < Duration::from_millis(30));
    let timeouts: Vec<&NewResult> = saved.iter().filter(|r| r.check_id == 1).collect();
    assert!(!timeouts.is_empty());
    assert!(timeouts.iter().all(|r| r.reason == "timeout" && !r.ok));
    assert!(saved.iter().filter(|r| r.check_id == 2).all(|r| r.ok));
}

#[tokio::test(start_paused = true)]
async fn disabled_checks_wait_and_run_now_runs_them_once() {
    let run = start(
        &[("2001:db8::1", Some(Duration::from_millis(1)))],
        vec![def(1, "2001:db8::1", 100, false)],
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(run.starts_of("2001:db8::1").is_empty());
    run.store.loaded.lock().unwrap().run_now = vec![1];
    run.wake.notify_one();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let starts = run.starts_of("2001:db8::1");
    assert_eq!(starts.len(), 1, "{starts:?}");
    assert!(starts[0] < Duration::from_millis(380), "{starts:?}");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(run.starts_of("2001:db8::1").len(), 1);
    // Enabling makes it run at once on the next reload.
    run.store.loaded.lock().unwrap().checks = vec![def(1, "2001:db8::1", 100, true)];
    run.wake.notify_one();
    tokio::time::sleep(Duration::from_millis(250)).await;
    let n = run.starts_of("2001:db8::1").len();
    assert!((3..=5).contains(&n), "{n}");
    // Removed checks stop.
    run.store.loaded.lock().unwrap().checks.clear();
    run.wake.notify_one();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let before = run.starts_of("2001:db8::1").len();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(run.starts_of("2001:db8::1").len(), before);
    run.stop().await;
}
