//! One Chromium process, shared by every browser judgement, started on first use and again
//! when it has crashed or hung.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chromiumoxide::error::CdpError;
use chromiumoxide::{Browser, BrowserConfig};
use futures::StreamExt;
use tokio::sync::{Mutex, Semaphore, SemaphorePermit, watch};
use tokio::task::JoinHandle;

/// Where Chromium is looked for, in order, after `V6WATCH_CHROMIUM`.
const CANDIDATES: &[&str] = &[
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
];

/// The Chromium executable to use, if one is installed.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("V6WATCH_CHROMIUM") {
        let path = PathBuf::from(path);
        return path.is_file().then_some(path);
    }
    CANDIDATES
        .iter()
        .map(PathBuf::from)
        .find(|path| path.is_file())
}

/// Why a browser judgement could not be made (the static judge's verdict stands then).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrowserError {
    #[error("Chromium could not be started: {0}")]
    Launch(String),
    #[error("Chromium did not do as asked: {0}")]
    Protocol(String),
    #[error("the proxy could not listen: {0}")]
    Proxy(String),
}

struct Running {
    browser: Arc<Browser>,
    handler: JoinHandle<()>,
    /// Turns true when the connection to the browser has ended (it exited or was killed).
    gone: watch::Receiver<bool>,
    pid: Option<u32>,
    profile: PathBuf,
}

/// The browser a visit uses, and a way to learn that it went away mid-visit.
pub(super) struct InUse {
    pub browser: Arc<Browser>,
    pub gone: watch::Receiver<bool>,
}

/// Resolves once the browser behind `gone` has gone away (never, while it runs).
pub(super) async fn went_away(gone: &mut watch::Receiver<bool>) {
    // An error means the watcher itself was dropped: the browser is gone as well.
    let _ = gone.wait_for(|gone| *gone).await;
}

/// The shared browser. Judgements take a permit first, so at most `concurrent` pages load at
/// once, whatever the number of services.
pub struct Chromium {
    executable: PathBuf,
    running: Mutex<Option<Running>>,
    permits: Semaphore,
}

impl Chromium {
    pub fn new(executable: PathBuf, concurrent: usize) -> Chromium {
        Chromium {
            executable,
            running: Mutex::new(None),
            permits: Semaphore::new(concurrent.max(1)),
        }
    }

    pub fn executable(&self) -> &Path {
        &self.executable
    }

    pub(super) async fn permit(&self) -> Option<SemaphorePermit<'_>> {
        self.permits.acquire().await.ok()
    }

    /// The running browser, started (again) when there is none or it has gone away.
    pub(super) async fn browser(&self) -> Result<InUse, BrowserError> {
        let mut running = self.running.lock().await;
        if let Some(current) = running.as_ref()
            && !current.handler.is_finished()
            && !*current.gone.borrow()
        {
            return Ok(InUse {
                browser: current.browser.clone(),
                gone: current.gone.clone(),
            });
        }
        if let Some(gone) = running.take() {
            retire(gone);
        }
        let started = launch(&self.executable).await?;
        let in_use = InUse {
            browser: started.browser.clone(),
            gone: started.gone.clone(),
        };
        *running = Some(started);
        Ok(in_use)
    }

    /// Kills `hung` if it is still the running browser (another judgement may have started a
    /// new one meanwhile); the next judgement starts a new one.
    pub(super) async fn restart(&self, hung: &Arc<Browser>) {
        let mut running = self.running.lock().await;
        if running
            .as_ref()
            .is_some_and(|current| Arc::ptr_eq(&current.browser, hung))
            && let Some(gone) = running.take()
        {
            retire(gone);
        }
    }

    /// The process id of the running browser; None before the first judgement started it.
    pub async fn pid(&self) -> Option<u32> {
        self.running.lock().await.as_ref()?.pid
    }

    /// The resident memory of the browser's processes, in bytes (Linux; None elsewhere).
    pub async fn memory_bytes(&self) -> Option<u64> {
        let pid = self.running.lock().await.as_ref()?.pid?;
        super::memory::of_tree(pid)
    }
}

/// Lets a browser go: its connection is closed and, once no visit holds it any more, the
/// process is killed (on drop); its profile directory is removed.
fn retire(gone: Running) {
    gone.handler.abort();
    drop(gone.browser);
    let (pid, profile) = (gone.pid, gone.profile);
    // Best effort, once the process has gone (its renderers write there a moment longer).
    let _ = std::thread::Builder::new()
        .name("v6watch-chromium-profile".into())
        .spawn(move || {
            for _ in 0..100 {
                if !pid.is_some_and(is_running) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            std::thread::sleep(Duration::from_millis(500));
            let _ = std::fs::remove_dir_all(&profile);
        });
}

/// The process exists and is not a zombie (Linux; false where /proc cannot tell).
fn is_running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let state = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .next()?
                .to_string();
            Some(state != "Z" && state != "X")
        })
        .unwrap_or(false)
}

/// Launches so far in this process: each browser gets a profile directory of its own, so a
/// new one never finds the profile of one still shutting down (Chromium would hand the
/// launch over to that process and exit).
static LAUNCHES: AtomicU64 = AtomicU64::new(0);

impl Drop for Chromium {
    fn drop(&mut self) {
        if let Some(gone) = self.running.get_mut().take() {
            retire(gone);
        }
    }
}

async fn launch(executable: &Path) -> Result<Running, BrowserError> {
    let profile = std::env::temp_dir().join(format!(
        "v6watch-chromium-{}-{}",
        std::process::id(),
        LAUNCHES.fetch_add(1, Ordering::Relaxed)
    ));
    let config = BrowserConfig::builder()
        .chrome_executable(executable)
        .user_data_dir(&profile)
        // The pages are the user's own services; Chromium's sandbox needs user namespaces
        // that containers and hardened services usually deny.
        .no_sandbox()
        .launch_timeout(Duration::from_secs(30))
        .request_timeout(Duration::from_secs(30))
        .args([
            "--disable-gpu",
            "--disable-component-update",
            "--disable-background-networking",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            // Frames of other sites load in the page's own process, so their requests are
            // seen with the page's (the proxy sees them in any case).
            "--disable-site-isolation-trials",
            "--disable-features=IsolateOrigins,site-per-process,HttpsUpgrades",
            // Outside a judgement's own context nothing may reach the network at all: port 9
            // on the loopback refuses.
            "--proxy-server=http://127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
        ])
        .build()
        .map_err(BrowserError::Launch)?;
    let (mut browser, mut handler) = Browser::launch(config)
        .await
        .map_err(|e| BrowserError::Launch(e.to_string()))?;
    let (went, gone) = watch::channel(false);
    let handler = tokio::spawn(async move {
        // Malformed or unknown messages are skipped; the stream ends, or the connection
        // fails, when Chromium goes.
        while let Some(event) = handler.next().await {
            if let Err(CdpError::Ws(_) | CdpError::Io(_)) = event {
                break;
            }
        }
        let _ = went.send(true);
    });
    let pid = browser
        .get_mut_child()
        .and_then(|child| child.as_mut_inner().id());
    Ok(Running {
        browser: Arc::new(browser),
        handler,
        gone,
        pid,
        profile,
    })
}
