//! Probe stage, HTTP: one GET to one chosen address, over TCP or TLS, with hyper's HTTP/1.1
//! client connection. Nothing here resolves names, so the address family is never mixed.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use http_body_util::{BodyExt, Empty};
use hyper::body::{Bytes, Incoming};
use hyper::header::{
    ACCEPT, CONNECTION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HOST, LOCATION, USER_AGENT,
};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_rustls::TlsConnector;
use url::Url;

use super::failure::{Failure, Stage, from_hyper};
use crate::deadline::{Deadline, secs};
use crate::{Prober, Reason, tcp};

const AGENT: &str = concat!(
    "v6watch/",
    env!("CARGO_PKG_VERSION"),
    " (IPv6 readiness probe)"
);

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// Stops the connection task when the response is dropped.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A response whose headers have arrived; the body is read on demand.
pub(crate) struct Response {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: Option<String>,
    /// `Content-Encoding`, when the server compressed the body anyway.
    pub content_encoding: Option<String>,
    content_length: Option<u64>,
    body: Incoming,
    _connection: AbortOnDrop,
}

/// A body read up to the cap, and why reading stopped early if it did.
pub(crate) struct Body {
    pub bytes: Vec<u8>,
    pub failure: Option<Failure>,
    /// The body went on past the cap: `bytes` is its beginning.
    pub truncated: bool,
}

impl Response {
    /// Read at most `cap` bytes. A longer body is not a failure (the service answered): its
    /// first `cap` bytes are kept and it is marked truncated.
    pub(crate) async fn read_body(mut self, cap: usize, deadline: Deadline) -> Body {
        let announced_over = self
            .content_length
            .is_some_and(|length| length > cap as u64);
        let mut bytes = Vec::new();
        loop {
            let frame = match tokio::time::timeout(deadline.remaining(), self.body.frame()).await {
                Err(_) => {
                    let detail = format!(
                        "body incomplete when the time ran out ({} bytes read)",
                        bytes.len()
                    );
                    return Body {
                        bytes,
                        failure: Some(Failure::new(Reason::Timeout, detail, Stage::Http)),
                        truncated: false,
                    };
                }
                Ok(None) => {
                    return Body {
                        bytes,
                        failure: None,
                        truncated: false,
                    };
                }
                Ok(Some(Err(error))) => {
                    let failure = from_hyper(&error, "reading the body");
                    return Body {
                        bytes,
                        failure: Some(failure),
                        truncated: false,
                    };
                }
                Ok(Some(Ok(frame))) => frame,
            };
            let Ok(data) = frame.into_data() else {
                continue;
            };
            if bytes.len() + data.len() > cap || (announced_over && bytes.len() + data.len() == cap)
            {
                let room = cap.saturating_sub(bytes.len());
                bytes.extend(data.iter().take(room));
                return Body {
                    bytes,
                    failure: None,
                    truncated: true,
                };
            }
            bytes.extend_from_slice(&data);
        }
    }
}

/// The request target: path and query, never the fragment. Characters a URL may carry but an
/// HTTP request line may not (`|`, `^`, `{`...) are percent-encoded.
fn origin_form(url: &Url) -> Result<Uri, Failure> {
    let mut raw = url.path().to_string();
    if let Some(query) = url.query() {
        raw.push('?');
        raw.push_str(query);
    }
    let mut target = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?%".contains(&byte);
        if keep {
            target.push(char::from(byte));
        } else {
            target.push_str(&format!("%{byte:02X}"));
        }
    }
    target.parse::<Uri>().map_err(|e| {
        Failure::new(
            Reason::HttpError,
            format!("cannot request {url}: {e}"),
            Stage::Http,
        )
    })
}

fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

fn server_name(url: &Url) -> Result<ServerName<'static>, Failure> {
    let bad = |why: String| Failure::new(Reason::TlsError, why, Stage::Tls);
    match url.host() {
        Some(url::Host::Domain(domain)) => ServerName::try_from(domain.to_string())
            .map_err(|e| bad(format!("{domain} is not a valid TLS server name: {e}"))),
        Some(url::Host::Ipv4(v4)) => Ok(ServerName::IpAddress(IpAddr::V4(v4).into())),
        Some(url::Host::Ipv6(v6)) => Ok(ServerName::IpAddress(IpAddr::V6(v6).into())),
        None => Err(bad(format!("{url} has no host"))),
    }
}

/// GET `url` from `address` (its port from the URL). Returns once the headers arrived.
/// `mss`, when given, caps the size of the segments the server sends.
pub(crate) async fn request(
    prober: &Prober,
    url: &Url,
    address: IpAddr,
    deadline: Deadline,
    mss: Option<u32>,
) -> Result<(Response, Duration), Failure> {
    let started = Instant::now();
    let port = url.port_or_known_default().ok_or_else(|| {
        Failure::new(Reason::HttpError, format!("{url} has no port"), Stage::Http)
    })?;
    let target = SocketAddr::new(address, port);
    let uri = origin_form(url)?;
    let (tcp_stream, _) = tcp::connect_with_mss(
        target,
        deadline.cap(prober.config.connect_timeout),
        &prober.config.deny,
        mss,
    )
    .await
    .map_err(|f| Failure::new(f.reason, f.detail, Stage::Connect))?;
    let stream: Box<dyn Stream> = if url.scheme() == "https" {
        let name = server_name(url)?;
        let connector = TlsConnector::from(prober.tls.clone());
        let limit = deadline.remaining();
        match tokio::time::timeout(limit, connector.connect(name, tcp_stream)).await {
            Err(_) => {
                return Err(Failure::new(
                    Reason::Timeout,
                    format!(
                        "TLS handshake with {target} not done within {}",
                        secs(limit)
                    ),
                    Stage::Tls,
                ));
            }
            Ok(Err(e)) => {
                return Err(Failure::new(
                    Reason::TlsError,
                    format!("TLS handshake with {target} failed: {e}"),
                    Stage::Tls,
                ));
            }
            Ok(Ok(tls)) => Box::new(tls),
        }
    } else {
        Box::new(tcp_stream)
    };
    let exchange = async {
        let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
            .handshake::<_, Empty<Bytes>>(TokioIo::new(stream))
            .await
            .map_err(|e| from_hyper(&e, "HTTP handshake"))?;
        let driver = AbortOnDrop(tokio::spawn(async move {
            let _ = connection.await;
        }));
        let request = Request::builder()
            .method(Method::GET)
            .uri(uri)
            .header(HOST, host_header(url))
            .header(USER_AGENT, AGENT)
            .header(ACCEPT, "*/*")
            .header(CONNECTION, "close")
            .body(Empty::<Bytes>::new())
            .map_err(|e| {
                Failure::new(
                    Reason::HttpError,
                    format!("cannot build the request: {e}"),
                    Stage::Http,
                )
            })?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| from_hyper(&e, &format!("GET {url} from {target}")))?;
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &hyper::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let location = header(LOCATION);
        let content_type = header(CONTENT_TYPE);
        let content_encoding = header(CONTENT_ENCODING);
        let content_length = header(CONTENT_LENGTH).and_then(|v| v.trim().parse().ok());
        Ok(Response {
            status: response.status().as_u16(),
            location,
            content_type,
            content_encoding,
            content_length,
            body: response.into_body(),
            _connection: driver,
        })
    };
    let limit = deadline.remaining();
    match tokio::time::timeout(limit, exchange).await {
        Ok(Ok(response)) => Ok((response, started.elapsed())),
        Ok(Err(failure)) => Err(failure),
        Err(_) => Err(Failure::new(
            Reason::Timeout,
            format!("no HTTP response from {target} within {}", secs(limit)),
            Stage::Http,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_targets_are_valid_uris() {
        let cases: &[(&str, &str)] = &[
            ("http://a.test/", "/"),
            ("http://a.test", "/"),
            ("http://a.test/p/q?x=1&y=%20#frag", "/p/q?x=1&y=%20"),
            ("http://a.test/a|b^c{d}", "/a%7Cb%5Ec%7Bd%7D"),
            ("http://a.test/caf\u{e9}?q=\u{e9}", "/caf%C3%A9?q=%C3%A9"),
            ("http://a.test/[x]", "/%5Bx%5D"),
        ];
        for (url, want) in cases {
            let uri = origin_form(&Url::parse(url).unwrap()).unwrap();
            assert_eq!(uri.to_string(), *want, "{url}");
        }
    }

    #[test]
    fn host_headers_carry_non_default_ports() {
        let cases: &[(&str, &str)] = &[
            ("http://a.test/", "a.test"),
            ("http://a.test:80/", "a.test"),
            ("https://a.test:8443/", "a.test:8443"),
            ("http://[2001:db8::1]:8080/", "[2001:db8::1]:8080"),
        ];
        for (url, want) in cases {
            assert_eq!(host_header(&Url::parse(url).unwrap()), *want, "{url}");
        }
    }
}
