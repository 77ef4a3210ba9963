//! Receivers for the tests: an HTTP endpoint that records what it gets, a listener that
//! never answers, a small SMTP server, and a fresh database.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use base64::Engine;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_rustls::rustls;

/// Long enough for a slow machine; the tests never wait this long when things work.
pub const PATIENCE: Duration = Duration::from_secs(20);

#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

#[derive(Clone, Default)]
struct Shared {
    received: Arc<Mutex<Vec<Received>>>,
    /// Statuses to answer with, in order; 200 once they run out.
    script: Arc<Mutex<VecDeque<u16>>>,
    arrived: Arc<Notify>,
}

/// An HTTP server on 127.0.0.1 that records every request.
pub struct Receiver {
    pub url: String,
    shared: Shared,
}

async fn record(
    State(shared): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let status = shared.script.lock().unwrap().pop_front().unwrap_or(200);
    shared.received.lock().unwrap().push(Received {
        path: uri.path().to_string(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    shared.arrived.notify_waiters();
    StatusCode::from_u16(status).unwrap()
}

impl Receiver {
    pub async fn start() -> Self {
        Self::answering(&[]).await
    }

    /// Answers with these statuses first, then 200.
    pub async fn answering(statuses: &[u16]) -> Self {
        let shared = Shared::default();
        shared.script.lock().unwrap().extend(statuses);
        let app = Router::new().fallback(record).with_state(shared.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            url: format!("http://{addr}/hook"),
            shared,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Waits until `count` requests have arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let wait = async {
            loop {
                let arrived = self.shared.arrived.notified();
                if self.received().len() >= count {
                    return self.received();
                }
                let _ = tokio::time::timeout(Duration::from_millis(100), arrived).await;
            }
        };
        tokio::time::timeout(PATIENCE, wait)
            .await
            .unwrap_or_else(|_| panic!("{count} requests did not arrive: {:?}", self.received()))
    }
}

/// A TCP listener that accepts connections and never answers.
pub async fn hanging_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    format!("http://{addr}/hook")
}

/// One message as the SMTP server received it.
#[derive(Clone, Debug, Default)]
pub struct Mail {
    pub helo: String,
    /// (user, password) from AUTH PLAIN or AUTH LOGIN.
    pub login: Option<(String, String)>,
    pub from: String,
    pub to: Vec<String>,
    /// Headers and body, dot-unstuffed, without the final dot.
    pub data: String,
    /// The message came over TLS (STARTTLS or from the first byte).
    pub over_tls: bool,
}

impl Mail {
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = self.data.split_once("\r\n\r\n")?;
        let prefix = format!("{}: ", name.to_ascii_lowercase());
        head.split("\r\n")
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].to_string())
    }

    pub fn body(&self) -> String {
        self.data
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default()
    }
}

/// A small SMTP server: EHLO/HELO, STARTTLS, AUTH PLAIN and LOGIN, MAIL, RCPT, DATA, RSET,
/// NOOP, QUIT. Enough for a client to deliver one message per session, in the clear, after
/// STARTTLS, or over TLS from the first byte.
pub struct SmtpServer {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
    arrived: Arc<Notify>,
}

/// How the test SMTP server protects its connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    Plain,
    /// Offers STARTTLS; refuses MAIL before it (as a real submission server does).
    StartTls,
    /// TLS from the first byte.
    Wrapper,
}

/// A CA made for one test and a certificate it signed for `localhost` and 127.0.0.1.
pub struct TestCa {
    /// The CA certificate, as a `--ca-file` holds it.
    pub ca_pem: String,
    acceptor: tokio_rustls::TlsAcceptor,
}

impl TestCa {
    pub fn new() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        let key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .unwrap()
            .signed_by(&key, &ca)
            .unwrap();
        let key = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .unwrap();
        Self {
            ca_pem: ca.pem(),
            acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        }
    }
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

fn decode(text: &str) -> String {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

struct Session {
    offer_auth: bool,
    tls: SmtpTls,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
}

async fn reply(lines: &mut BufReader<Box<dyn Stream>>, text: &str) -> Option<()> {
    lines.get_mut().write_all(text.as_bytes()).await.ok()?;
    lines.get_mut().flush().await.ok()
}

async fn smtp_session(session: Arc<Session>, socket: tokio::net::TcpStream) -> Option<Mail> {
    let stream: Box<dyn Stream> = match (&session.acceptor, session.tls) {
        (Some(acceptor), SmtpTls::Wrapper) => Box::new(acceptor.accept(socket).await.ok()?),
        _ => Box::new(socket),
    };
    let secured = session.tls == SmtpTls::Wrapper;
    let mut lines = BufReader::new(stream);
    reply(&mut lines, "220 smtp.test ESMTP ready\r\n").await?;
    converse(&session, lines, secured).await
}

/// One conversation; STARTTLS starts a new one over TLS, as the protocol says.
async fn converse(
    session: &Session,
    mut lines: BufReader<Box<dyn Stream>>,
    secured: bool,
) -> Option<Mail> {
    let mut mail = Mail {
        over_tls: secured,
        ..Mail::default()
    };
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        let must_secure = session.tls == SmtpTls::StartTls && !secured;
        if upper.starts_with("EHLO") {
            mail.helo = command[4..].trim().to_string();
            let auth = if session.offer_auth && !must_secure {
                "250-AUTH PLAIN LOGIN\r\n"
            } else {
                ""
            };
            let starttls = if must_secure { "250-STARTTLS\r\n" } else { "" };
            let text = format!("250-smtp.test\r\n{starttls}{auth}250 8BITMIME\r\n");
            reply(&mut lines, &text).await?;
        } else if upper == "STARTTLS" && must_secure {
            reply(&mut lines, "220 2.0.0 go ahead\r\n").await?;
            let acceptor = session.acceptor.as_ref()?;
            let tls = acceptor.accept(lines.into_inner()).await.ok()?;
            let stream: Box<dyn Stream> = Box::new(tls);
            return Box::pin(converse(session, BufReader::new(stream), true)).await;
        } else if must_secure && (upper.starts_with("MAIL") || upper.starts_with("AUTH")) {
            reply(
                &mut lines,
                "530 5.7.0 must issue a STARTTLS command first\r\n",
            )
            .await?;
        } else if upper.starts_with("HELO") {
            mail.helo = command[4..].trim().to_string();
            reply(&mut lines, "250 smtp.test\r\n").await?;
        } else if upper.starts_with("AUTH PLAIN") {
            let initial = command[10..].trim().to_string();
            let encoded = if initial.is_empty() {
                reply(&mut lines, "334 \r\n").await?;
                line.clear();
                lines.read_line(&mut line).await.ok()?;
                line.trim().to_string()
            } else {
                initial
            };
            let parts: Vec<String> = decode(&encoded).split('\0').map(str::to_string).collect();
            mail.login = Some((parts.get(1)?.clone(), parts.get(2)?.clone()));
            reply(&mut lines, "235 2.7.0 accepted\r\n").await?;
        } else if upper.starts_with("AUTH LOGIN") {
            reply(&mut lines, "334 VXNlcm5hbWU6\r\n").await?;
            line.clear();
            lines.read_line(&mut line).await.ok()?;
            let user = decode(&line);
            reply(&mut lines, "334 UGFzc3dvcmQ6\r\n").await?;
            line.clear();
            lines.read_line(&mut line).await.ok()?;
            mail.login = Some((user, decode(&line)));
            reply(&mut lines, "235 2.7.0 accepted\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            mail.from = address(&command[10..]);
            reply(&mut lines, "250 2.1.0 ok\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            mail.to.push(address(&command[8..]));
            reply(&mut lines, "250 2.1.5 ok\r\n").await?;
        } else if upper == "DATA" {
            reply(&mut lines, "354 end with .\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await.ok()? == 0 {
                    return None;
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            mail.data = data;
            reply(&mut lines, "250 2.0.0 queued\r\n").await?;
        } else if upper == "QUIT" {
            reply(&mut lines, "221 bye\r\n").await?;
            return (!mail.data.is_empty()).then_some(mail);
        } else if upper == "RSET" || upper == "NOOP" {
            reply(&mut lines, "250 ok\r\n").await?;
        } else {
            reply(&mut lines, "502 not implemented\r\n").await?;
        }
    }
}

/// `<a@b>` plus parameters → `a@b`.
fn address(text: &str) -> String {
    let text = text.trim();
    let start = text.find('<').map_or(0, |i| i + 1);
    let end = text.find('>').unwrap_or(text.len());
    text[start..end].to_string()
}

impl SmtpServer {
    /// Plain SMTP, with or without AUTH.
    pub async fn start(offer_auth: bool) -> Self {
        Self::serve(Session {
            offer_auth,
            tls: SmtpTls::Plain,
            acceptor: None,
        })
        .await
    }

    /// STARTTLS or TLS with a certificate from `ca`; AUTH is offered once secured.
    pub async fn start_tls(tls: SmtpTls, ca: &TestCa) -> Self {
        Self::serve(Session {
            offer_auth: true,
            tls,
            acceptor: Some(ca.acceptor.clone()),
        })
        .await
    }

    async fn serve(session: Session) -> Self {
        let session = Arc::new(session);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let arrived = Arc::new(Notify::new());
        let (store, signal) = (mails.clone(), arrived.clone());
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (store, signal, session) = (store.clone(), signal.clone(), session.clone());
                tokio::spawn(async move {
                    if let Some(mail) = smtp_session(session, socket).await {
                        store.lock().unwrap().push(mail);
                        signal.notify_waiters();
                    }
                });
            }
        });
        Self {
            port,
            mails,
            arrived,
        }
    }

    /// Every message received so far.
    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    pub async fn wait_for_mail(&self) -> Mail {
        let wait = async {
            loop {
                let arrived = self.arrived.notified();
                if let Some(mail) = self.mails.lock().unwrap().first().cloned() {
                    return mail;
                }
                let _ = tokio::time::timeout(Duration::from_millis(100), arrived).await;
            }
        };
        tokio::time::timeout(PATIENCE, wait)
            .await
            .expect("no mail arrived")
    }
}

pub struct Db {
    pub pool: sqlx::SqlitePool,
    pub path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

pub async fn database() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6watch.db");
    let pool = store::open(&path).await.unwrap();
    Db {
        pool,
        path,
        _dir: dir,
    }
}

/// A message in the alert outbox, as the alert stage writes it.
pub async fn notify(pool: &sqlx::SqlitePool, title: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO alert_notifications
             (incident_id, at, kind, severity, subject_kind, subject_id, title, body, path, details)
         VALUES (4, 1764120000000, 'opened', 'critical', 'service', 3, ?, 'Before: ok\nNow: timeout',
                 '/alerts/4', '{\"reason\":\"timeout\"}')
         RETURNING id",
    )
    .bind(title)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A webhook channel in the generic format.
pub async fn webhook_channel(pool: &sqlx::SqlitePool, name: &str, url: &str) -> i64 {
    use model::channels::{ChannelInput, SecretChange, Target, WebhookPreset};
    store::channels::create(
        pool,
        &ChannelInput {
            name: name.into(),
            enabled: true,
            target: Target::Webhook {
                preset: WebhookPreset::Generic,
                url: Some(url.into()),
                secret_header: None,
                secret: SecretChange::Keep,
            },
        },
    )
    .await
    .unwrap()
}

/// (attempts, status, last_error) of the one delivery of a notification to a channel.
pub async fn delivery(
    pool: &sqlx::SqlitePool,
    notification: i64,
    channel: i64,
) -> (i64, String, Option<String>) {
    sqlx::query_as(
        "SELECT attempts, status, last_error FROM deliveries WHERE notification_id = ? AND channel_id = ?",
    )
    .bind(notification)
    .bind(channel)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Waits until the delivery leaves `pending`.
pub async fn settled(
    pool: &sqlx::SqlitePool,
    notification: i64,
    channel: i64,
) -> (i64, String, Option<String>) {
    let wait = async {
        loop {
            let row: Option<(i64, String, Option<String>)> = sqlx::query_as(
                "SELECT attempts, status, last_error FROM deliveries
                 WHERE notification_id = ? AND channel_id = ? AND status != 'pending'",
            )
            .bind(notification)
            .bind(channel)
            .fetch_optional(pool)
            .await
            .unwrap();
            if let Some(row) = row {
                return row;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(PATIENCE, wait)
        .await
        .expect("the delivery never settled")
}
