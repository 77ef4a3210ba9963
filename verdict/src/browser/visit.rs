//! One browser visit: a fresh incognito context whose only way out is a new IPv6-only
//! [`Proxy`], the page loaded in it until the network goes quiet (bounded), and every
//! request the page made, with what asked for it and how it ended.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::network::{
    EnableParams, EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent,
    EventResponseReceived, EventWebSocketCreated, EventWebSocketHandshakeResponseReceived,
    Initiator,
};
use chromiumoxide::cdp::browser_protocol::target::{
    CreateBrowserContextParams, CreateTargetParams,
};
use futures::{Stream, StreamExt};
use probes::Prober;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use url::Url;

use super::chromium::{BrowserError, Chromium, went_away};
use super::ledger::Ledger;
use super::proxy::{Proxy, ProxyLimits};
pub use crate::model::SeenRequest;

/// Bounds of one visit.
#[derive(Debug, Clone, Copy)]
pub struct VisitLimits {
    /// From the start of loading to the end of the visit, whatever the page does.
    pub wall_clock: Duration,
    /// The network counts as quiet after this long with no request in flight.
    pub quiet: Duration,
    /// Requests recorded, at most (the proxy still judges every host).
    pub max_requests: usize,
    pub proxy: ProxyLimits,
}

impl Default for VisitLimits {
    fn default() -> Self {
        VisitLimits {
            wall_clock: Duration::from_secs(30),
            quiet: Duration::from_millis(800),
            max_requests: 1000,
            proxy: ProxyLimits::default(),
        }
    }
}

/// A visit with requests still open ends after this many quiet periods without an event.
const IDLE_QUIETS: u32 = 4;

/// What a visit saw.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub requests: Vec<SeenRequest>,
    /// The proxy's record per host: the judgement of each host.
    pub ledger: Ledger,
    /// The page had not gone quiet by the wall-clock limit.
    pub timed_out: bool,
    /// Requests beyond `max_requests` were not recorded.
    pub truncated: bool,
    /// The browser's error when the page itself did not load.
    pub navigation_error: Option<String>,
    /// Hosts a document passed through on its way (redirects): the page's, not dependencies.
    #[serde(default)]
    pub redirected_from: Vec<String>,
}

/// Events of interest, merged into one stream.
enum Seen {
    Sent(Arc<EventRequestWillBeSent>),
    Answered(Arc<EventResponseReceived>),
    Finished(Arc<EventLoadingFinished>),
    Failed(Arc<EventLoadingFailed>),
    Socket(Arc<EventWebSocketCreated>),
    SocketOpen(Arc<EventWebSocketHandshakeResponseReceived>),
}

fn protocol(e: impl std::fmt::Display) -> BrowserError {
    BrowserError::Protocol(e.to_string())
}

impl Chromium {
    /// Loads `url` in a new incognito context through a new IPv6-only proxy.
    pub async fn visit(
        &self,
        prober: Arc<Prober>,
        url: &Url,
        limits: VisitLimits,
    ) -> Result<Visit, BrowserError> {
        let _permit = self.permit().await;
        let proxy = Proxy::start(prober, limits.proxy)
            .await
            .map_err(|e| BrowserError::Proxy(e.to_string()))?;
        let in_use = self.browser().await?;
        let (browser, mut gone) = (in_use.browser, in_use.gone);
        let context = CreateBrowserContextParams {
            dispose_on_detach: Some(true),
            proxy_server: Some(format!("http://{}", proxy.address())),
            // Chromium sends the loopback around a proxy unless told not to: nothing may.
            proxy_bypass_list: Some("<-loopback>".into()),
            origins_with_universal_network_access: None,
        };
        let context = browser
            .create_browser_context(context)
            .await
            .map_err(protocol)?;
        let target = CreateTargetParams::builder()
            .url("about:blank")
            .browser_context_id(context.clone())
            .build()
            .map_err(BrowserError::Protocol)?;
        let loaded = async {
            let page = browser.new_page(target).await.map_err(protocol)?;
            let visit = load(&page, &proxy, url, limits).await;
            let _ = page.close().await;
            visit
        };
        // The wall clock plus time to open and close the page: past that the browser hangs.
        let outer = limits.wall_clock + Duration::from_secs(15);
        let result = tokio::select! {
            result = tokio::time::timeout(outer, loaded) => match result {
                Ok(result) => result,
                Err(_) => {
                    self.restart(&browser).await;
                    return Err(BrowserError::Protocol(
                        "the browser stopped answering; it is started again".into(),
                    ));
                }
            },
            // Crashed or killed: what the page did so far is no verdict. The next visit
            // starts a new browser.
            () = went_away(&mut gone) => return Err(went_away_error()),
        };
        let _ = tokio::time::timeout(
            Duration::from_secs(5),
            browser.dispose_browser_context(context),
        )
        .await;
        let mut visit = result?;
        visit.ledger = proxy.ledger();
        Ok(visit)
    }
}

fn went_away_error() -> BrowserError {
    BrowserError::Protocol(
        "the browser (or the page's renderer) went away during the visit: crashed or killed".into(),
    )
}

async fn load(
    page: &Page,
    proxy: &Proxy,
    url: &Url,
    limits: VisitLimits,
) -> Result<Visit, BrowserError> {
    page.execute(EnableParams::default())
        .await
        .map_err(protocol)?;
    let events = futures::stream::select_all(vec![
        boxed(page, Seen::Sent).await?,
        boxed(page, Seen::Answered).await?,
        boxed(page, Seen::Finished).await?,
        boxed(page, Seen::Failed).await?,
        boxed(page, Seen::Socket).await?,
        boxed(page, Seen::SocketOpen).await?,
    ]);
    let started = Instant::now();
    let end = started + limits.wall_clock;
    let mut recorder = Recorder::new(limits.max_requests);
    let navigation = page.goto(url.as_str());
    tokio::pin!(navigation);
    tokio::pin!(events);
    let mut navigated = false;
    let mut last_change = Instant::now();
    let mut idle_at = last_change;
    let mut visit = Visit::default();
    loop {
        let quiet_at = last_change + limits.quiet;
        tokio::select! {
            done = &mut navigation, if !navigated => {
                navigated = true;
                last_change = Instant::now();
                if let Err(err) = done {
                    visit.navigation_error = Some(err.to_string());
                }
            }
            event = events.next() => match event {
                Some(event) => {
                    recorder.note(event);
                    last_change = Instant::now();
                }
                // The page's events end only with the connection to the browser: it went
                // away (crashed or killed), and what it saw so far is no verdict.
                None => return Err(went_away_error()),
            },
            () = tokio::time::sleep_until(quiet_at), if navigated && recorder.in_flight() == 0 => break,
            // Requests that never report an end (a worker's script, a long poll) leave the
            // page quiet but never idle: a longer silence ends the visit all the same.
            () = tokio::time::sleep_until(idle_at.max(last_change + limits.quiet * IDLE_QUIETS)), if navigated => {
                if proxy.opening() == 0 {
                    break;
                }
                // Still connecting somewhere (a black-holed address): wait for the verdict.
                idle_at = Instant::now() + limits.quiet;
            }
            () = tokio::time::sleep_until(end) => {
                visit.timed_out = true;
                break;
            }
        }
    }
    visit.truncated = recorder.truncated;
    visit.redirected_from = recorder.redirected_from.clone();
    visit.requests = recorder.finish();
    Ok(visit)
}

type Events = std::pin::Pin<Box<dyn Stream<Item = Seen> + Send>>;

async fn boxed<E>(page: &Page, wrap: fn(Arc<E>) -> Seen) -> Result<Events, BrowserError>
where
    E: chromiumoxide::cdp::IntoEventKind + Unpin + std::fmt::Debug + Send + Sync + 'static,
{
    let stream = page.event_listener::<E>().await.map_err(protocol)?;
    Ok(Box::pin(stream.map(wrap)))
}

/// Requests by the browser's id, in the order they were first sent.
struct Recorder {
    order: Vec<String>,
    requests: HashMap<String, SeenRequest>,
    open: HashSet<String>,
    max: usize,
    truncated: bool,
    main_frame: Option<String>,
    redirected_from: Vec<String>,
}

impl Recorder {
    fn new(max: usize) -> Recorder {
        Recorder {
            order: Vec::new(),
            requests: HashMap::new(),
            open: HashSet::new(),
            max,
            truncated: false,
            main_frame: None,
            redirected_from: Vec::new(),
        }
    }

    fn in_flight(&self) -> usize {
        self.open.len()
    }

    fn add(&mut self, id: String, url: &str, kind: String, initiator: &Initiator) {
        if self.requests.contains_key(&id) {
            // A redirect reuses the id: the request goes on to the new URL.
            if let Some(seen) = self.requests.get_mut(&id) {
                if matches!(seen.kind.as_str(), "document" | "subframe")
                    && !self.redirected_from.contains(&seen.host)
                {
                    self.redirected_from.push(seen.host.clone());
                }
                seen.url = url.to_string();
                seen.host = host_of(url);
            }
            return;
        }
        if self.order.len() >= self.max {
            self.truncated = true;
            return;
        }
        let initiator = match initiator.r#type.as_ref() {
            // A stylesheet's url() (fonts, images, @import) comes from the parser with the
            // stylesheet as its initiator URL.
            "parser" if initiator.url.as_deref().is_some_and(is_stylesheet_url) => "css",
            other => other,
        }
        .to_string();
        self.order.push(id.clone());
        self.open.insert(id.clone());
        self.requests.insert(
            id,
            SeenRequest {
                url: url.to_string(),
                host: host_of(url),
                kind,
                initiator,
                outcome: "pending".into(),
                error: None,
                status: None,
            },
        );
    }

    fn note(&mut self, event: Seen) {
        match event {
            Seen::Sent(e) => {
                let frame = e.frame_id.as_ref().map(|f| f.as_ref().to_string());
                let kind = match e.r#type.as_ref().map(|t| t.as_ref().to_ascii_lowercase()) {
                    // The first document is the page's; a document in another frame is an
                    // iframe's.
                    Some(kind) if kind == "document" => match &self.main_frame {
                        None => {
                            self.main_frame = frame;
                            kind
                        }
                        Some(main) if frame.as_ref() == Some(main) => kind,
                        Some(_) => "subframe".to_string(),
                    },
                    Some(kind) if kind == "script" && is_module_import(&e) => "module".to_string(),
                    Some(kind) => kind,
                    None => "other".to_string(),
                };
                self.add(
                    e.request_id.as_ref().to_string(),
                    &e.request.url,
                    kind,
                    &e.initiator,
                );
            }
            Seen::Answered(e) => {
                if let Some(seen) = self.requests.get_mut(e.request_id.as_ref()) {
                    seen.status = u16::try_from(e.response.status).ok();
                }
            }
            Seen::Finished(e) => self.close(e.request_id.as_ref(), "ok", None),
            Seen::Failed(e) => {
                let error = Some(e.error_text.clone());
                self.close(e.request_id.as_ref(), "failed", error);
            }
            Seen::Socket(e) => {
                let initiator = e.initiator.clone().unwrap_or(Initiator {
                    r#type: chromiumoxide::cdp::browser_protocol::network::InitiatorType::Script,
                    stack: None,
                    url: None,
                    line_number: None,
                    column_number: None,
                    request_id: None,
                });
                let id = e.request_id.as_ref().to_string();
                self.add(id.clone(), &e.url, "websocket".into(), &initiator);
                // A socket stays open: it never holds the visit up.
                self.open.remove(&id);
            }
            Seen::SocketOpen(e) => {
                if let Some(seen) = self.requests.get_mut(e.request_id.as_ref()) {
                    seen.outcome = "ok".into();
                    seen.status = u16::try_from(e.response.status).ok();
                }
            }
        }
    }

    fn close(&mut self, id: &str, outcome: &str, error: Option<String>) {
        self.open.remove(id);
        if let Some(seen) = self.requests.get_mut(id) {
            // A socket that failed its handshake reports loadingFailed too.
            seen.outcome = outcome.to_string();
            seen.error = error;
        }
    }

    fn finish(mut self) -> Vec<SeenRequest> {
        self.order
            .iter()
            .filter_map(|id| self.requests.remove(id))
            .collect()
    }
}

/// A script fetched in CORS mode (it carries `Origin`) because a running script asked for
/// it: an ES module `import` (static or dynamic). A classic script inserted with
/// `crossorigin` looks the same and is rare; a `<script type=module>` in the HTML is the
/// parser's and stays `script`.
fn is_module_import(e: &EventRequestWillBeSent) -> bool {
    let from_script = matches!(
        e.initiator.r#type,
        chromiumoxide::cdp::browser_protocol::network::InitiatorType::Script
    );
    let cors = e
        .request
        .headers
        .inner()
        .as_object()
        .is_some_and(|headers| headers.keys().any(|k| k.eq_ignore_ascii_case("origin")));
    from_script && cors
}

fn is_stylesheet_url(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| u.path().ends_with(".css"))
}

/// The host of a URL as the dependency list writes it: lowercase, IPv6 without brackets.
pub(super) fn host_of(url: &str) -> String {
    let Ok(url) = Url::parse(url) else {
        return String::new();
    };
    match url.host() {
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        Some(host) => host.to_string().to_ascii_lowercase(),
        None => String::new(),
    }
}
