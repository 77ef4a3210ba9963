//! The scheduled verdict job with a fake judge and a fake store: first verdicts at once, again
//! on the interval, "judge now", a hanging judgement ended by the timeout without holding up
//! the others, and a clean stop on cancel.

use anyhow::Context;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use url::Url;
use v6watch::verdicts::{self, Judge, ToJudge, VerdictJobSettings, VerdictStore, Wanted};
use verdict::{ServiceVerdict, Verdict};

/// Answers `ready` after a delay per URL; `None` hangs forever.
#[derive(Default)]
struct FakeJudge {
    delays: HashMap<String, Option<Duration>>,
    starts: Mutex<Vec<(String, Vec<String>)>>,
    /// Judgements dropped before they ended (stopped by the timeout or on cancel).
    dropped: Arc<AtomicUsize>,
}

struct CountDrop(Arc<AtomicUsize>, bool);

impl Drop for CountDrop {
    fn drop(&mut self) {
        if !self.1 {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Judge for FakeJudge {
    async fn judge(&self, url: &Url, declared: &[String]) -> ServiceVerdict {
        self.starts
            .lock()
            .unwrap()
            .push((url.to_string(), declared.to_vec()));
        let mut guard = CountDrop(self.dropped.clone(), false);
        match self.delays.get(url.as_str()).copied().flatten() {
            Some(delay) => tokio::time::sleep(delay).await,
            None => std::future::pending::<()>().await,
        }
        guard.1 = true;
        ServiceVerdict {
            target: url.to_string(),
            verdict: Verdict::Ready,
            reason: None,
            addresses: vec!["2001:db8:2::46".into()],
            final_url: Some(url.to_string()),
            nat64: false,
            dependencies: Vec::new(),
            truncated: false,
            checked_at: None,
            detail: String::new(),
            judged_by: Vec::new(),
            browser_note: None,
        }
    }
}

impl FakeJudge {
    fn starts_of(&self, url: &str) -> usize {
        self.starts
            .lock()
            .unwrap()
            .iter()
            .filter(|(u, _)| u == url)
            .count()
    }
}

#[derive(Default)]
struct FakeStore {
    wanted: Mutex<Wanted>,
    saved: Mutex<Vec<(i64, ServiceVerdict)>>,
}

impl VerdictStore for FakeStore {
    async fn load(&self) -> anyhow::Result<Wanted> {
        let mut wanted = self.wanted.lock().unwrap();
        Ok(Wanted {
            services: wanted.services.clone(),
            run_now: std::mem::take(&mut wanted.run_now),
        })
    }

    async fn save(&self, service_id: i64, verdict: ServiceVerdict) -> anyhow::Result<Option<i64>> {
        let mut saved = self.saved.lock().unwrap();
        saved.push((service_id, verdict));
        Ok(Some(saved.len() as i64))
    }
}

impl FakeStore {
    fn saved_of(&self, id: i64) -> usize {
        self.saved
            .lock()
            .unwrap()
            .iter()
            .filter(|(s, _)| *s == id)
            .count()
    }
}

const A: &str = "http://a.lab.test/";
const B: &str = "http://b.lab.test/";

fn service(id: i64, url: &str) -> ToJudge {
    ToJudge {
        service_id: id,
        url: url.into(),
        declared: vec![format!("registry{id}.lab.test:443")],
    }
}

struct Running {
    judge: Arc<FakeJudge>,
    store: Arc<FakeStore>,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

fn start(delays: &[(&str, Option<Duration>)], settings: VerdictJobSettings) -> Running {
    let judge = Arc::new(FakeJudge {
        delays: delays.iter().map(|(u, d)| (u.to_string(), *d)).collect(),
        ..FakeJudge::default()
    });
    let store = Arc::new(FakeStore::default());
    store.wanted.lock().unwrap().services = vec![service(1, A), service(2, B)];
    let cancel = CancellationToken::new();
    let task = tokio::spawn(verdicts::run(
        judge.clone(),
        store.clone(),
        settings,
        cancel.clone(),
    ));
    Running {
        judge,
        store,
        cancel,
        task,
    }
}

fn settings(interval_ms: u64) -> VerdictJobSettings {
    VerdictJobSettings {
        interval: Duration::from_millis(interval_ms),
        concurrency: 2,
        judge_timeout: Duration::from_millis(300),
        resync: Duration::from_millis(50),
    }
}

/// Waits (up to 10 s) for `done`; false if it never happened.
async fn eventually(done: impl Fn() -> bool) -> bool {
    for _ in 0..1000 {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

async fn stop(run: Running) {
    run.cancel.cancel();
    tokio::time::timeout(Duration::from_secs(5), run.task)
        .await
        .expect("the job stops on cancel")
        .unwrap();
}

#[tokio::test]
async fn every_service_is_judged_at_once_with_its_declared_dependencies() {
    // An hour's interval: the only judgements that can happen are the immediate first ones.
    let run = start(
        &[(A, Some(Duration::ZERO)), (B, Some(Duration::ZERO))],
        settings(3_600_000),
    );
    assert!(eventually(|| run.store.saved_of(1) == 1 && run.store.saved_of(2) == 1).await);
    let saved = run.store.saved.lock().unwrap().clone();
    let a = saved.iter().find(|(id, _)| *id == 1).unwrap();
    assert_eq!(a.1.target, A);
    assert!(
        run.judge
            .starts
            .lock()
            .unwrap()
            .contains(&(A.to_string(), vec!["registry1.lab.test:443".to_string()]))
    );
    stop(run).await;
}

#[tokio::test]
async fn services_are_judged_again_on_their_interval() {
    let run = start(
        &[(A, Some(Duration::ZERO)), (B, Some(Duration::ZERO))],
        settings(100),
    );
    assert!(eventually(|| run.store.saved_of(1) >= 3 && run.store.saved_of(2) >= 3).await);
    stop(run).await;
}

#[tokio::test]
async fn judge_now_requests_run_at_once_and_removed_services_stop_being_judged() {
    let run = start(
        &[(A, Some(Duration::ZERO)), (B, Some(Duration::ZERO))],
        settings(3_600_000),
    );
    assert!(eventually(|| run.store.saved_of(1) == 1 && run.store.saved_of(2) == 1).await);
    run.store.wanted.lock().unwrap().run_now = vec![2];
    assert!(eventually(|| run.store.saved_of(2) == 2).await);
    assert_eq!(run.store.saved_of(1), 1, "only the requested service");

    // An edited target is judged again at once; a removed service no more.
    {
        let mut wanted = run.store.wanted.lock().unwrap();
        wanted.services = vec![ToJudge {
            declared: Vec::new(),
            ..service(1, A)
        }];
        wanted.run_now = vec![2];
    }
    assert!(eventually(|| run.store.saved_of(1) == 2).await);
    assert_eq!(run.judge.starts_of(B), 2);
    stop(run).await;
}

#[tokio::test]
async fn a_hanging_judgement_ends_by_the_timeout_stores_nothing_and_holds_up_no_one() {
    // One judgement at a time: B is judged only if A's hanging one gives its place back.
    let mut s = settings(200);
    s.concurrency = 1;
    let run = start(&[(A, None), (B, Some(Duration::ZERO))], s);
    assert!(eventually(|| run.store.saved_of(2) >= 2).await);
    // A was started again on its interval, so its first judgement ended.
    assert!(eventually(|| run.judge.starts_of(A) >= 2).await);
    assert!(run.judge.dropped.load(Ordering::SeqCst) >= 1);
    assert_eq!(
        run.store.saved_of(1),
        0,
        "a stopped judgement is no verdict"
    );
    stop(run).await;
}

#[tokio::test]
async fn cancel_stops_the_job_and_the_judgements_in_flight() {
    let mut s = settings(3_600_000);
    s.judge_timeout = Duration::from_secs(3600);
    let run = start(&[(A, None), (B, None)], s);
    assert!(eventually(|| run.judge.starts_of(A) == 1 && run.judge.starts_of(B) == 1).await);
    let dropped = run.judge.dropped.clone();
    stop(run).await;
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        2,
        "both hanging judgements were stopped"
    );
}

/// Refuses every write, as a read-only database does.
struct ReadOnlyStore(Wanted);

impl VerdictStore for ReadOnlyStore {
    async fn load(&self) -> anyhow::Result<Wanted> {
        Ok(Wanted {
            services: self.0.services.clone(),
            run_now: Vec::new(),
        })
    }

    async fn save(&self, _: i64, _: ServiceVerdict) -> anyhow::Result<Option<i64>> {
        Err(anyhow::anyhow!("attempt to write a readonly database")).context("writing a verdict")
    }
}

/// Everything logged on this thread while it lives.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn a_verdict_that_cannot_be_stored_is_logged_with_its_cause() {
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The test runs on one thread, the job's tasks with it.
    let _logging = tracing::subscriber::set_default(subscriber);
    let judge = Arc::new(FakeJudge {
        delays: HashMap::from([(A.to_string(), Some(Duration::ZERO))]),
        ..FakeJudge::default()
    });
    let store = Arc::new(ReadOnlyStore(Wanted {
        services: vec![service(1, A)],
        run_now: Vec::new(),
    }));
    let cancel = CancellationToken::new();
    let task = tokio::spawn(verdicts::run(
        judge,
        store,
        settings(60_000),
        cancel.clone(),
    ));
    let logged = eventually(|| log.text().contains("could not store a verdict")).await;
    cancel.cancel();
    task.await.unwrap();
    let text = log.text();
    assert!(logged, "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("could not store a verdict"))
        .unwrap();
    assert!(
        line.contains("writing a verdict: attempt to write a readonly database"),
        "the cause is logged: {line}"
    );
}
