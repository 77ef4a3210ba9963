//! The browser judge's only way out: a forward proxy on a loopback port, which reaches every
//! host over IPv6 and nothing else (`Prober::connect_v6`: AAAA only, an IPv6-only socket).
//! It answers plain-HTTP requests in absolute form and `CONNECT` tunnels (HTTPS,
//! WebSockets). A host without working IPv6 is refused with `502` and the probes' reason
//! code in `X-V6watch-Reason`, so the browser sees the failure and whatever that resource
//! would have loaded is never asked for. The ledger it keeps per host is the verdict's
//! evidence.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Empty, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use probes::{PathRecord, Prober, Reason};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::ledger::{Budget, Ledger, Opened};
use super::pump::pump;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Body = BoxBody<Bytes, BoxError>;

/// The header that carries the reason code of a refusal.
pub const REASON_HEADER: &str = "x-v6watch-reason";

/// Bounds of one proxy (one judgement).
#[derive(Debug, Clone, Copy)]
pub struct ProxyLimits {
    /// Connections opened upstream, at most; more are refused (and counted, not judged).
    pub max_connections: u32,
    /// Bytes relayed in both directions over all connections, at most.
    pub max_bytes: u64,
    /// Time to find and connect to one host.
    pub connect_budget: Duration,
}

impl Default for ProxyLimits {
    fn default() -> Self {
        ProxyLimits {
            max_connections: 500,
            max_bytes: 64 * 1024 * 1024,
            connect_budget: Duration::from_secs(10),
        }
    }
}

struct Shared {
    prober: Arc<Prober>,
    ledger: Mutex<Ledger>,
    budget: Budget,
    limits: ProxyLimits,
    /// Connections being opened now (DNS and connect): the page is waiting on the network.
    opening: AtomicUsize,
}

/// Counts a connection being opened for as long as it lives.
struct Opening<'a>(&'a AtomicUsize);

impl<'a> Opening<'a> {
    fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Opening(count)
    }
}

impl Drop for Opening<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A running proxy. Dropping it closes the listener and every connection through it.
pub struct Proxy {
    address: SocketAddr,
    shared: Arc<Shared>,
    _stop: watch::Sender<()>,
}

impl Proxy {
    /// Listens on a free port of 127.0.0.1.
    pub async fn start(prober: Arc<Prober>, limits: ProxyLimits) -> std::io::Result<Proxy> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            prober,
            ledger: Mutex::new(Ledger::default()),
            budget: Budget::new(limits.max_bytes),
            limits,
            opening: AtomicUsize::new(0),
        });
        let (stop, stopped) = watch::channel(());
        tokio::spawn(until_stopped(
            stopped.clone(),
            accept(listener, shared.clone(), stopped),
        ));
        Ok(Proxy {
            address,
            shared,
            _stop: stop,
        })
    }

    /// Where the browser is told to send everything (`--proxy-server`).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Connections being opened right now.
    pub fn opening(&self) -> usize {
        self.shared.opening.load(Ordering::SeqCst)
    }

    /// What the proxy saw so far, per host.
    pub fn ledger(&self) -> Ledger {
        match self.shared.ledger.lock() {
            Ok(ledger) => ledger.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

/// Runs `work` until the proxy is dropped (its sender goes away).
async fn until_stopped(mut stopped: watch::Receiver<()>, work: impl Future<Output = ()>) {
    tokio::select! {
        () = work => {}
        _ = stopped.changed() => {}
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>, stopped: watch::Receiver<()>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of descriptors, say: wait a little rather than spin.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let shared = shared.clone();
        let inner = stopped.clone();
        tokio::spawn(until_stopped(stopped.clone(), async move {
            let service = service_fn(move |request| {
                let shared = shared.clone();
                let stopped = inner.clone();
                async move { Ok::<_, Infallible>(handle(shared, stopped, request).await) }
            });
            // Each browser connection is its own task: a slow upstream holds only its own.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades()
                .await;
        }));
    }
}

async fn handle(
    shared: Arc<Shared>,
    stopped: watch::Receiver<()>,
    request: Request<Incoming>,
) -> Response<Body> {
    let Some(authority) = request.uri().authority().cloned() else {
        return plain(
            StatusCode::BAD_REQUEST,
            None,
            "v6watch's proxy takes CONNECT and absolute http:// URLs only".into(),
        );
    };
    let connect = request.method() == Method::CONNECT;
    if !connect && request.uri().scheme_str() != Some("http") {
        return plain(
            StatusCode::BAD_REQUEST,
            None,
            "v6watch's proxy relays http:// URLs; https goes through CONNECT".into(),
        );
    }
    let host = authority.host().to_string();
    let port = authority
        .port_u16()
        .unwrap_or(if connect { 443 } else { 80 });
    let stream = match open(&shared, &host, port).await {
        Ok(stream) => stream,
        Err(refusal) => return refusal,
    };
    if connect {
        tokio::spawn(until_stopped(stopped, async move {
            if let Ok(upgraded) = hyper::upgrade::on(request).await {
                let moved = pump(TokioIo::new(upgraded), stream, &shared.budget).await;
                note_bytes(&shared, &host, port, moved);
            }
        }));
        return Response::new(empty());
    }
    relay(&shared, &host, port, stream, request).await
}

/// Opens `host:port` over IPv6, or the response that refuses it.
async fn open(shared: &Shared, host: &str, port: u16) -> Result<TcpStream, Response<Body>> {
    let known = lock(shared).opening(host, port, shared.limits.max_connections);
    match known {
        Opened::Capped => {
            return Err(plain(
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                "v6watch's proxy reached its connection limit for this page".into(),
            ));
        }
        Opened::Failed(record) => return Err(refusal(&record)),
        Opened::Go => {}
    }
    let (stream, record) = {
        let _counted = Opening::new(&shared.opening);
        shared
            .prober
            .connect_v6(host, port, shared.limits.connect_budget)
            .await
    };
    let refused = refusal(&record);
    lock(shared).record(record);
    stream.ok_or(refused)
}

/// A plain-HTTP request, sent on in origin form over the IPv6 connection.
async fn relay(
    shared: &Shared,
    host: &str,
    port: u16,
    stream: TcpStream,
    mut request: Request<Incoming>,
) -> Response<Body> {
    let origin_form = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .parse::<Uri>();
    let Ok(origin_form) = origin_form else {
        return plain(StatusCode::BAD_REQUEST, None, "unusable request URL".into());
    };
    *request.uri_mut() = origin_form;
    let headers = request.headers_mut();
    headers.remove("proxy-connection");
    headers.remove(header::PROXY_AUTHORIZATION);
    // The URL's authority wins over whatever Host the client sent (RFC 9112, 3.2.2).
    let authority = if port == 80 {
        host.to_string()
    } else {
        format!("{host}:{port}")
    };
    if let Ok(value) = HeaderValue::from_str(&authority) {
        headers.insert(header::HOST, value);
    }
    let (mut sender, connection) =
        match hyper::client::conn::http1::handshake(TokioIo::new(stream)).await {
            Ok(pair) => pair,
            Err(err) => return upstream_failed(host, &err.to_string()),
        };
    tokio::spawn(connection);
    match sender.send_request(request).await {
        Ok(response) => {
            let cap = usize::try_from(shared.budget.left()).unwrap_or(usize::MAX);
            response.map(|body| Limited::new(body, cap).boxed())
        }
        Err(err) => upstream_failed(host, &err.to_string()),
    }
}

fn note_bytes(shared: &Shared, host: &str, port: u16, moved: u64) {
    lock(shared).add_bytes(host, port, moved);
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, Ledger> {
    match shared.ledger.lock() {
        Ok(ledger) => ledger,
        Err(poisoned) => poisoned.into_inner(),
    }
}

fn refusal(record: &PathRecord) -> Response<Body> {
    plain(
        StatusCode::BAD_GATEWAY,
        Some(record.reason),
        format!(
            "v6watch: {} cannot be reached over IPv6 ({}): {}",
            record.host,
            record.reason.as_str(),
            record.detail
        ),
    )
}

fn upstream_failed(host: &str, why: &str) -> Response<Body> {
    plain(
        StatusCode::BAD_GATEWAY,
        Some(Reason::HttpError),
        format!("v6watch: {host} answered over IPv6, but not as HTTP: {why}"),
    )
}

fn empty() -> Body {
    Empty::<Bytes>::new()
        .map_err(|never| match never {})
        .boxed()
}

fn plain(status: StatusCode, reason: Option<Reason>, message: String) -> Response<Body> {
    let mut response = Response::new(
        Full::new(Bytes::from(message))
            .map_err(|never| match never {})
            .boxed(),
    );
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if let Some(reason) = reason {
        headers.insert(REASON_HEADER, HeaderValue::from_static(reason.as_str()));
    }
    response
}
