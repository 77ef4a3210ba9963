//! Scheduler stage: runs every check's probe on its interval and hands the results to the
//! results store in batches.
//!
//! [`Scheduler::step`] does one unit of work (take what is due, launch it); [`run`] is the thin
//! loop around it. Probes run as tasks under a semaphore (bounded but large concurrency), each
//! ended by its timeout, so a slow or hanging target never delays the others. The probe and
//! the store sit behind small traits ([`ProbeRunner`], [`CheckStore`]) so tests swap them.

pub mod dns_drift;
pub mod exposure;
pub mod housekeeping;
pub mod lateness;
pub mod live_prober;
pub mod plan_watch;
pub mod schedule;
pub mod sqlite;

use lateness::Lateness;
use probes::{Family, Outcome, ProbeKind, ProbeReport, ProbeSpec, Prober, Reason};
use schedule::{CheckDef, Launch, Schedule};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{Notify, Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub use store::results::NewResult;

/// Runs one probe. The real one is [`Prober`]; tests use fakes.
pub trait ProbeRunner: Send + Sync + 'static {
    fn run(&self, spec: &ProbeSpec) -> impl Future<Output = ProbeReport> + Send;
}

impl ProbeRunner for Prober {
    fn run(&self, spec: &ProbeSpec) -> impl Future<Output = ProbeReport> + Send {
        Prober::run(self, spec)
    }
}

/// What the scheduler reads: the checks, and the pending "run now" requests.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub checks: Vec<CheckDef>,
    pub run_now: Vec<i64>,
}

/// Where checks come from and results go. The real one is [`sqlite::SqliteChecks`].
pub trait CheckStore: Send + Sync + 'static {
    /// The current checks (brought in line with the inventory first) and run requests.
    fn load(&self) -> impl Future<Output = anyhow::Result<Loaded>> + Send;
    /// Stores one batch of results.
    fn save(&self, batch: Vec<NewResult>) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// Scheduler settings, with defaults in one place.
#[derive(Clone, Debug)]
pub struct SchedulerSettings {
    /// Most probes in flight at once.
    pub concurrency: usize,
    /// Every probe ends by this (the prober's own timeout plus a margin).
    pub probe_timeout: Duration,
    /// How often the checks are re-read even without a wake-up.
    pub resync: Duration,
    /// A batch of results is written when it has this many rows...
    pub batch_rows: usize,
    /// ...or when its oldest row is this old.
    pub batch_age: Duration,
    /// Seed of the interval jitter.
    pub seed: u64,
    /// Where the lateness of every started run is recorded (shared with `/metrics`).
    pub lateness: Arc<Mutex<Lateness>>,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        SchedulerSettings {
            // A thousand echo checks due at once (the first round) all start at once; serve
            // raises the open-file limit to match (each TCP or HTTP probe holds two sockets).
            concurrency: 1024,
            probe_timeout: Duration::from_secs(11),
            resync: Duration::from_secs(5),
            batch_rows: 500,
            batch_age: Duration::from_secs(1),
            seed: rand::random(),
            lateness: Arc::default(),
        }
    }
}

/// One finished probe run.
#[derive(Debug)]
pub struct Finished {
    pub id: i64,
    pub scheduled: Instant,
    pub lateness: Duration,
    pub report: ProbeReport,
}

/// Scheduler state: the timetable, the probes in flight and where their results go.
pub struct Scheduler<R: ProbeRunner> {
    runner: Arc<R>,
    settings: SchedulerSettings,
    schedule: Schedule,
    permits: Arc<Semaphore>,
    tasks: JoinSet<()>,
    done_tx: mpsc::UnboundedSender<Finished>,
    lateness: Arc<Mutex<Lateness>>,
}

impl<R: ProbeRunner> Scheduler<R> {
    pub fn new(
        runner: Arc<R>,
        settings: SchedulerSettings,
        done_tx: mpsc::UnboundedSender<Finished>,
    ) -> Self {
        Scheduler {
            runner,
            schedule: Schedule::new(settings.seed),
            permits: Arc::new(Semaphore::new(settings.concurrency.max(1))),
            lateness: settings.lateness.clone(),
            settings,
            tasks: JoinSet::new(),
            done_tx,
        }
    }

    /// Scheduling lateness of every run started so far.
    pub fn lateness(&self) -> Arc<Mutex<Lateness>> {
        self.lateness.clone()
    }

    pub fn apply(&mut self, loaded: Loaded, now: Instant) {
        self.schedule.apply(loaded.checks, &loaded.run_now, now);
    }

    pub fn finished(&mut self, finished: &Finished, now: Instant) {
        self.schedule.finished(finished.id, finished.scheduled, now);
    }

    pub fn next_due(&self) -> Option<Instant> {
        self.schedule.next_due()
    }

    /// One step: launches every check due by `now`; returns how many.
    pub fn step(&mut self, now: Instant) -> usize {
        while self.tasks.try_join_next().is_some() {}
        let launches = self.schedule.take_due(now);
        let count = launches.len();
        for launch in launches {
            self.launch(launch);
        }
        count
    }

    fn launch(&mut self, launch: Launch) {
        let runner = self.runner.clone();
        let permits = self.permits.clone();
        let done = self.done_tx.clone();
        let limit = self.settings.probe_timeout;
        let lateness = self.lateness.clone();
        self.tasks.spawn(async move {
            let Ok(_permit) = permits.acquire_owned().await else {
                return;
            };
            let late = Instant::now().saturating_duration_since(launch.scheduled);
            if let Ok(mut l) = lateness.lock() {
                l.record(late);
            }
            let report = match tokio::time::timeout(limit, runner.run(&launch.spec)).await {
                Ok(report) => report,
                Err(_) => timed_out(&launch.spec, limit),
            };
            let _ = done.send(Finished {
                id: launch.id,
                scheduled: launch.scheduled,
                lateness: late,
                report,
            });
        });
    }

    /// Stops every probe in flight (on shutdown).
    pub async fn stop(&mut self) {
        self.tasks.shutdown().await;
    }
}

/// The report of a probe the scheduler had to stop.
fn timed_out(spec: &ProbeSpec, limit: Duration) -> ProbeReport {
    let family = match spec {
        ProbeSpec::Icmp { address } => Family::of(*address),
        _ => Family::V6,
    };
    let kind: ProbeKind = spec.kind();
    ProbeReport::new(vec![Outcome::new(
        kind,
        family,
        None,
        Reason::Timeout,
        format!(
            "the probe did not end within {:.1} s and was stopped",
            limit.as_secs_f64()
        ),
    )])
}

/// Unix time in milliseconds.
pub fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// The rows a finished run stores: one per address family that has outcomes.
pub fn rows(finished: &Finished, at: i64) -> Vec<NewResult> {
    let report = &finished.report;
    [Family::V6, Family::V4]
        .into_iter()
        .filter_map(|family| {
            let best = report.best(family)?;
            let all: Vec<&Outcome> = report.family(family).collect();
            let ok = report.family(family).any(Outcome::is_ok);
            Some(NewResult {
                check_id: finished.id,
                at,
                family: family.as_str(),
                address: best.address.map(|a| a.to_string()),
                reason: best.reason.as_str().to_string(),
                ok,
                latency_ms: best.latency_ms,
                lateness_ms: Some(finished.lateness.as_secs_f64() * 1000.0),
                detail: serde_json::to_string(&all).unwrap_or_else(|_| "[]".into()),
            })
        })
        .collect()
}

/// Writes results in batches until the sending side closes, then writes what is left.
pub async fn write_batches<S: CheckStore>(
    store: Arc<S>,
    mut rx: mpsc::UnboundedReceiver<NewResult>,
    settings: SchedulerSettings,
) {
    let mut batch: Vec<NewResult> = Vec::new();
    let mut open = true;
    while open {
        let deadline = tokio::time::sleep(settings.batch_age);
        tokio::pin!(deadline);
        while batch.len() < settings.batch_rows {
            tokio::select! {
                row = rx.recv() => match row {
                    Some(row) => batch.push(row),
                    None => { open = false; break; }
                },
                () = &mut deadline => break,
            }
        }
        if !batch.is_empty() {
            let rows = std::mem::take(&mut batch);
            let count = rows.len();
            if let Err(err) = store.save(rows).await {
                tracing::error!(error = %format_args!("{err:#}"), count, "could not store probe results");
            }
        }
    }
}

/// Runs the scheduler until `cancel`: reloads the checks every `resync` or when `wake` is
/// notified, launches what is due, and passes results to the batch writer. On cancel it stops
/// the probes in flight, writes what is pending and returns the lateness seen.
pub async fn run<R: ProbeRunner, S: CheckStore>(
    runner: Arc<R>,
    store: Arc<S>,
    settings: SchedulerSettings,
    wake: Arc<Notify>,
    cancel: CancellationToken,
) -> Lateness {
    let (done_tx, mut done_rx) = mpsc::unbounded_channel();
    let (rows_tx, rows_rx) = mpsc::unbounded_channel();
    let writer = tokio::spawn(write_batches(store.clone(), rows_rx, settings.clone()));
    let mut scheduler = Scheduler::new(runner, settings.clone(), done_tx);
    let mut next_sync = Instant::now();
    loop {
        let now = Instant::now();
        if now >= next_sync {
            match store.load().await {
                Ok(loaded) => scheduler.apply(loaded, Instant::now()),
                Err(err) => {
                    tracing::error!(error = %format_args!("{err:#}"), "could not read the checks")
                }
            }
            next_sync = Instant::now() + settings.resync;
        }
        scheduler.step(Instant::now());
        let wake_at = scheduler
            .next_due()
            .map_or(next_sync, |due| due.min(next_sync));
        tokio::select! {
            biased;
            () = cancel.cancelled() => break,
            Some(finished) = done_rx.recv() => {
                let now = Instant::now();
                scheduler.finished(&finished, now);
                for row in rows(&finished, unix_ms()) {
                    let _ = rows_tx.send(row);
                }
                // Take every other finished run waiting, without sleeping in between.
                while let Ok(finished) = done_rx.try_recv() {
                    scheduler.finished(&finished, now);
                    for row in rows(&finished, unix_ms()) {
                        let _ = rows_tx.send(row);
                    }
                }
            }
            () = wake.notified() => next_sync = Instant::now(),
            () = tokio::time::sleep_until(wake_at) => {}
        }
    }
    scheduler.stop().await;
    while let Ok(finished) = done_rx.try_recv() {
        for row in rows(&finished, unix_ms()) {
            let _ = rows_tx.send(row);
        }
    }
    drop(rows_tx);
    let _ = writer.await;
    let lateness = scheduler.lateness();
    lateness.lock().map(|l| l.clone()).unwrap_or_default()
}
