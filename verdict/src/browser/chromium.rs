//! One Chromium process, shared by every browser judgement, started on first use and again
//! when it has crashed or hung.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chromiumoxide::{Browser, BrowserConfig};
use futures::StreamExt;
use tokio::sync::{Mutex, Semaphore, SemaphorePermit};
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
    pid: Option<u32>,
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
    pub(super) async fn browser(&self) -> Result<Arc<Browser>, BrowserError> {
        let mut running = self.running.lock().await;
        if let Some(current) = running.as_ref()
            && !current.handler.is_finished()
        {
            return Ok(current.browser.clone());
        }
        if let Some(gone) = running.take() {
            gone.handler.abort();
        }
        let started = launch(&self.executable).await?;
        let browser = started.browser.clone();
        *running = Some(started);
        Ok(browser)
    }

    /// Kills the browser (it hung); the next judgement starts a new one.
    pub(super) async fn restart(&self) {
        let mut running = self.running.lock().await;
        if let Some(gone) = running.take() {
            gone.handler.abort();
            // The last reference closes the connection; the child is killed on drop.
            drop(gone.browser);
        }
    }

    /// The resident memory of the browser's processes, in bytes (Linux; None elsewhere).
    pub async fn memory_bytes(&self) -> Option<u64> {
        let pid = self.running.lock().await.as_ref()?.pid?;
        super::memory::of_tree(pid)
    }
}

async fn launch(executable: &Path) -> Result<Running, BrowserError> {
    let profile = std::env::temp_dir().join(format!("v6watch-chromium-{}", std::process::id()));
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
    let handler = tokio::spawn(async move {
        // Malformed or unknown messages are skipped; the stream ends when Chromium goes.
        while handler.next().await.is_some() {}
    });
    let pid = browser
        .get_mut_child()
        .and_then(|child| child.as_mut_inner().id());
    Ok(Running {
        browser: Arc::new(browser),
        handler,
        pid,
    })
}
