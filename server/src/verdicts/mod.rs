//! Verdict stage, scheduled: every HTTP(S) service gets its IPv6-only verdict on an interval,
//! and the store keeps the latest with an event for each change.
//!
//! [`VerdictJob::step`] does one unit of work (take what is due, launch it); [`run`] is the
//! thin loop around it. Judgements run as tasks under a small semaphore (a judgement fetches a
//! page and checks up to 100 hosts), each ended by a hard timeout. A judgement that hits the
//! timeout stores nothing: the service is judged again on its next turn. The judge and the
//! store sit behind small traits ([`Judge`], [`VerdictStore`]) so tests swap them.

pub mod sqlite;
mod timetable;

use crate::scheduler::live_prober::LiveProber;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use timetable::Timetable;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use url::Url;
use verdict::ServiceVerdict;
use verdict::browser::{
    BrowserJudge, Chromium, NOT_INSTALLED, VisitLimits, judge_with_browser, turned_off,
};
use verdict::extract::Limits;

pub use store::verdicts::ToJudge;

/// Judges one URL with its declared dependencies. The real one is [`ProberJudge`].
pub trait Judge: Send + Sync + 'static {
    fn judge(&self, url: &Url, declared: &[String]) -> impl Future<Output = ServiceVerdict> + Send;
}

/// The real judge: [`verdict::judge_url`] with the scheduler's prober (same resolver,
/// timeouts and NAT64 prefixes as the probes), and the browser judge beside it when it is on
/// and there is a Chromium to drive.
pub struct ProberJudge {
    prober: Arc<LiveProber>,
    limits: Limits,
    browser: BrowserSetup,
}

/// What the browser judge can do, as v6watch was started.
pub struct BrowserSetup {
    /// The shared Chromium, when one is installed.
    pub chromium: Option<Arc<Chromium>>,
    /// `--browser-judge off`: off unless the settings page turns it on.
    pub off_by_flag: bool,
}

impl BrowserSetup {
    /// No browser: verdicts read pages' HTML and CSS only (as when Chromium is missing).
    pub fn none() -> Self {
        BrowserSetup {
            chromium: None,
            off_by_flag: false,
        }
    }

    /// The judge for the next verdict: the settings page's switch first, then the flag.
    pub fn choose(&self, page: Option<bool>) -> BrowserJudge<'_> {
        let wanted = page.unwrap_or(!self.off_by_flag);
        match (&self.chromium, wanted) {
            (_, false) if page == Some(false) => {
                BrowserJudge::Off(turned_off("on the Settings page"))
            }
            (_, false) => BrowserJudge::Off(turned_off("--browser-judge off")),
            (Some(chromium), true) => BrowserJudge::On(chromium, VisitLimits::default()),
            (None, true) => BrowserJudge::Off(NOT_INSTALLED.to_string()),
        }
    }
}

impl ProberJudge {
    pub fn new(prober: Arc<LiveProber>, browser: BrowserSetup) -> Self {
        ProberJudge {
            prober,
            limits: Limits::default(),
            browser,
        }
    }
}

impl Judge for ProberJudge {
    fn judge(&self, url: &Url, declared: &[String]) -> impl Future<Output = ServiceVerdict> + Send {
        let prober = self.prober.get();
        let switch = self.prober.browser_judge();
        async move {
            let browser = self.browser.choose(switch);
            judge_with_browser(prober, browser, url, declared, &self.limits).await
        }
    }
}

/// What the job reads: the services to judge, and the pending "judge now" requests.
#[derive(Clone, Debug, Default)]
pub struct Wanted {
    pub services: Vec<ToJudge>,
    pub run_now: Vec<i64>,
}

/// Where services come from and verdicts go. The real one is [`sqlite::SqliteVerdicts`].
pub trait VerdictStore: Send + Sync + 'static {
    fn load(&self) -> impl Future<Output = anyhow::Result<Wanted>> + Send;
    /// Stores a verdict; returns the id of the event it made, if any.
    fn save(
        &self,
        service_id: i64,
        verdict: ServiceVerdict,
    ) -> impl Future<Output = anyhow::Result<Option<i64>>> + Send;
}

/// Verdict job settings, with defaults in one place.
#[derive(Clone, Debug)]
pub struct VerdictJobSettings {
    /// Time between two verdicts on the same service (`--verdict-interval`, 5 minutes).
    pub interval: Duration,
    /// Most judgements in flight at once.
    pub concurrency: usize,
    /// Every judgement ends by this.
    pub judge_timeout: Duration,
    /// How often the services and requests are re-read.
    pub resync: Duration,
}

impl Default for VerdictJobSettings {
    fn default() -> Self {
        VerdictJobSettings {
            interval: Duration::from_secs(300),
            concurrency: 4,
            judge_timeout: Duration::from_secs(120),
            resync: Duration::from_secs(3),
        }
    }
}

/// How a judgement ended.
#[derive(Debug)]
pub enum Judgement {
    Judged(Box<ServiceVerdict>),
    /// The judgement hit the hard timeout and was stopped.
    TimedOut,
    /// The service's target is not a URL (the store hands out only http(s) URLs).
    NotAUrl,
}

/// One finished judgement.
#[derive(Debug)]
pub struct Finished {
    pub service_id: i64,
    pub outcome: Judgement,
}

/// Job state: the timetable, the judgements in flight and where they report.
pub struct VerdictJob<J: Judge> {
    judge: Arc<J>,
    settings: VerdictJobSettings,
    timetable: Timetable,
    targets: HashMap<i64, ToJudge>,
    permits: Arc<Semaphore>,
    tasks: JoinSet<()>,
    done_tx: mpsc::UnboundedSender<Finished>,
}

impl<J: Judge> VerdictJob<J> {
    pub fn new(
        judge: Arc<J>,
        settings: VerdictJobSettings,
        done_tx: mpsc::UnboundedSender<Finished>,
    ) -> Self {
        VerdictJob {
            judge,
            permits: Arc::new(Semaphore::new(settings.concurrency.max(1))),
            timetable: Timetable::new(settings.interval),
            settings,
            targets: HashMap::new(),
            tasks: JoinSet::new(),
            done_tx,
        }
    }

    /// Takes in the services to judge: new ones (and changed ones) are due at once.
    pub fn apply(&mut self, wanted: Wanted, now: Instant) {
        let mut changed = Vec::new();
        let mut next = HashMap::with_capacity(wanted.services.len());
        for service in wanted.services {
            if self.targets.get(&service.service_id) != Some(&service) {
                changed.push(service.service_id);
            }
            next.insert(service.service_id, service);
        }
        self.targets = next;
        self.timetable
            .apply(self.targets.keys().copied(), &changed, &wanted.run_now, now);
    }

    pub fn finished(&mut self, service_id: i64, now: Instant) {
        self.timetable.finished(service_id, now);
    }

    pub fn next_due(&self) -> Option<Instant> {
        self.timetable.next_due()
    }

    /// One step: launches every judgement due by `now`; returns how many.
    pub fn step(&mut self, now: Instant) -> usize {
        while self.tasks.try_join_next().is_some() {}
        let due = self.timetable.take_due(now);
        let mut count = 0;
        for id in due {
            if let Some(target) = self.targets.get(&id).cloned() {
                self.launch(target);
                count += 1;
            }
        }
        count
    }

    fn launch(&mut self, target: ToJudge) {
        let judge = self.judge.clone();
        let permits = self.permits.clone();
        let done = self.done_tx.clone();
        let limit = self.settings.judge_timeout;
        self.tasks.spawn(async move {
            let Ok(_permit) = permits.acquire_owned().await else {
                return;
            };
            let outcome = match Url::parse(&target.url) {
                Ok(url) => {
                    match tokio::time::timeout(limit, judge.judge(&url, &target.declared)).await {
                        Ok(verdict) => Judgement::Judged(Box::new(verdict)),
                        Err(_) => Judgement::TimedOut,
                    }
                }
                Err(_) => Judgement::NotAUrl,
            };
            let _ = done.send(Finished {
                service_id: target.service_id,
                outcome,
            });
        });
    }

    /// Stops every judgement in flight (on shutdown).
    pub async fn stop(&mut self) {
        self.tasks.shutdown().await;
    }
}

async fn store_finished<S: VerdictStore>(store: &S, finished: Finished, timeout: Duration) {
    match finished.outcome {
        Judgement::Judged(verdict) => {
            let verdict_word = verdict.verdict.as_str();
            match store.save(finished.service_id, *verdict).await {
                Ok(Some(event)) => tracing::info!(
                    service = finished.service_id,
                    verdict = verdict_word,
                    event,
                    "verdict changed"
                ),
                Ok(None) => {}
                Err(err) => {
                    tracing::error!(error = %format_args!("{err:#}"), service = finished.service_id, "could not store a verdict")
                }
            }
        }
        Judgement::TimedOut => tracing::warn!(
            service = finished.service_id,
            limit_secs = timeout.as_secs_f64(),
            "judging the service took too long and was stopped; no verdict stored"
        ),
        Judgement::NotAUrl => {
            tracing::warn!(
                service = finished.service_id,
                "the service's target is not a URL"
            )
        }
    }
}

/// Runs the verdict job until `cancel`: re-reads the services every `resync`, judges what is
/// due, and stores each verdict as it comes. On cancel it stops the judgements in flight.
pub async fn run<J: Judge, S: VerdictStore>(
    judge: Arc<J>,
    store: Arc<S>,
    settings: VerdictJobSettings,
    cancel: CancellationToken,
) {
    let (done_tx, mut done_rx) = mpsc::unbounded_channel();
    let mut job = VerdictJob::new(judge, settings.clone(), done_tx);
    let mut next_sync = Instant::now();
    loop {
        if Instant::now() >= next_sync {
            match store.load().await {
                Ok(wanted) => job.apply(wanted, Instant::now()),
                Err(err) => {
                    tracing::error!(error = %format_args!("{err:#}"), "could not read the services to judge")
                }
            }
            next_sync = Instant::now() + settings.resync;
        }
        job.step(Instant::now());
        let wake_at = job.next_due().map_or(next_sync, |due| due.min(next_sync));
        tokio::select! {
            biased;
            () = cancel.cancelled() => break,
            Some(finished) = done_rx.recv() => {
                job.finished(finished.service_id, Instant::now());
                tokio::select! {
                    biased;
                    () = cancel.cancelled() => break,
                    () = store_finished(&*store, finished, settings.judge_timeout) => {}
                }
            }
            () = tokio::time::sleep_until(wake_at) => {}
        }
    }
    job.stop().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(judge: BrowserJudge<'_>) -> Option<String> {
        match judge {
            BrowserJudge::On(..) => None,
            BrowserJudge::Off(why) => Some(why),
        }
    }

    #[test]
    fn the_settings_page_switch_wins_over_the_flag_and_a_missing_chromium_is_said() {
        let chromium = Some(Arc::new(Chromium::new("/usr/bin/chromium".into(), 1)));
        let setup = |chromium: Option<Arc<Chromium>>, off_by_flag| BrowserSetup {
            chromium,
            off_by_flag,
        };
        let with = setup(chromium.clone(), false);
        assert_eq!(note(with.choose(None)), None, "on by default when found");
        let off = note(with.choose(Some(false))).unwrap();
        assert!(off.contains("on the Settings page"), "{off}");

        let flag_off = setup(chromium, true);
        let off = note(flag_off.choose(None)).unwrap();
        assert!(off.contains("--browser-judge off"), "{off}");
        assert_eq!(
            note(flag_off.choose(Some(true))),
            None,
            "the page turns it on"
        );

        let missing = setup(None, false);
        assert_eq!(
            note(missing.choose(Some(true))).as_deref(),
            Some(NOT_INSTALLED)
        );
        assert_eq!(note(missing.choose(None)).as_deref(), Some(NOT_INSTALLED));
    }
}
