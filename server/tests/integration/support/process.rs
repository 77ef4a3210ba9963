//! `v6watch serve` as a child process on port 0: its address read from its log, the log kept
//! as it comes, and plain HTTP/1.0 calls that need no client library. Shared by the tests
//! that stop, kill or starve the real binary.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// A running (or stopped) `serve` and what it has logged so far.
pub struct Serve {
    pub child: Child,
    serving: mpsc::Receiver<SocketAddr>,
    log: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Serve {
    /// Starts `serve --listen 127.0.0.1:0` on `database` with `args` added; does not wait.
    pub fn spawn(database: &Path, site_root: &Path, args: &[&str]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_v6watch"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "info,sqlx=warn,tower_sessions=warn")
            .arg("--database")
            .arg(database)
            .arg("--site-root")
            .arg(site_root)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, serving) = mpsc::channel();
        let log = Arc::new(Mutex::new(String::new()));
        let kept = Arc::clone(&log);
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("v6watch is serving") {
                    let address = line
                        .split_whitespace()
                        .find_map(|w| w.strip_prefix("address="))
                        .and_then(|a| a.parse().ok());
                    if let Some(address) = address {
                        let _ = tx.send(address);
                    }
                }
                let mut log = kept.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        Serve {
            child,
            serving,
            log,
            reader: Some(reader),
        }
    }

    /// Starts `serve` and waits until `/healthz` answers; gives its address.
    pub fn start(database: &Path, site_root: &Path, args: &[&str]) -> (Serve, SocketAddr) {
        let mut serve = Serve::spawn(database, site_root, args);
        let address = serve.address(Duration::from_secs(60));
        let started = Instant::now();
        while healthz(address).is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "never answered on {address}: {}",
                serve.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        (serve, address)
    }

    /// The address from the "v6watch is serving" line, waiting up to `timeout` for it.
    pub fn address(&mut self, timeout: Duration) -> SocketAddr {
        match self.serving.recv_timeout(timeout) {
            Ok(address) => address,
            Err(_) => {
                let _ = self.child.kill();
                panic!("the server never logged its address: {}", self.log());
            }
        }
    }

    /// Everything logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `timeout` for the process to end; None if it is still running.
    pub fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if started.elapsed() > timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL (no chance to clean up), then the whole log.
    pub fn kill9(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.finish()
    }

    /// SIGTERM, then the exit status (None if still running after `timeout`, then killed)
    /// and the whole log.
    pub fn terminate(mut self, timeout: Duration) -> (Option<ExitStatus>, String) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = self.wait_for_exit(timeout);
        if status.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        (status, self.finish())
    }

    /// The whole log, once the process has ended and closed it.
    fn finish(&mut self) -> String {
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.log()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if self.reader.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// An HTTP/1.0 answer: status and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: String,
    pub body: String,
}

/// One HTTP/1.0 request with `headers` (each "Name: value") and a body; None when the
/// server cannot be reached or hangs up.
pub fn request(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[String],
    body: &str,
) -> Option<Answer> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let mut head = format!("{method} {path} HTTP/1.0\r\nHost: {address}\r\n");
    for header in headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body.as_bytes()).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let raw = String::from_utf8_lossy(&raw);
    let (head, body) = raw.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some(Answer {
        status,
        headers: head.to_string(),
        body: body.to_string(),
    })
}

/// `GET /healthz`, None when nothing answers.
pub fn healthz(address: SocketAddr) -> Option<Answer> {
    request(address, "GET", "/healthz", &[], "")
}

/// A URL-encoded form body.
pub fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The session cookie an answer sets.
pub fn cookie_of(answer: &Answer) -> String {
    answer
        .headers
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, v)| v.trim().split(';').next())
        .find(|c| c.starts_with("v6watch_session="))
        .expect("a session cookie")
        .to_string()
}

/// Sets up the admin and makes a write token, as a person would on the pages.
pub fn write_token(address: SocketAddr) -> String {
    let origin = format!("Origin: http://{address}");
    let form_type = "Content-Type: application/x-www-form-urlencoded".to_string();
    let setup = request(
        address,
        "POST",
        "/actions/setup",
        &[origin.clone(), form_type.clone()],
        &form(&[
            ("username", "admin"),
            ("password", "correct horse battery"),
            ("confirm", "correct horse battery"),
        ]),
    )
    .unwrap();
    assert_eq!(setup.status, 303, "{setup:?}");
    let cookie = format!("Cookie: {}", cookie_of(&setup));
    let made = request(
        address,
        "POST",
        "/actions/tokens",
        &[origin, form_type, cookie.clone()],
        &form(&[("name", "writer"), ("scope", "write")]),
    )
    .unwrap();
    assert_eq!(made.status, 303, "{made:?}");
    let page = request(address, "GET", "/tokens", &[cookie], "").unwrap();
    crate::api::support::shown_token(&page.body).expect("the new token is shown")
}

/// An API call with a bearer token and a JSON body.
pub fn api(
    address: SocketAddr,
    token: &str,
    method: &str,
    path: &str,
    body: &str,
) -> Option<Answer> {
    request(
        address,
        method,
        path,
        &[
            format!("Authorization: Bearer {token}"),
            "Content-Type: application/json".to_string(),
        ],
        body,
    )
}

/// The JSON of a host without addresses (so nothing is probed).
pub fn host_body(name: &str, notes: &str) -> String {
    serde_json::json!({ "name": name, "notes": notes, "tags": ["kill"] }).to_string()
}

/// The database file as a killed or stopped server left it, opened without migrating: its
/// `PRAGMA integrity_check` is ok and its foreign keys hold.
pub async fn open_intact(database: &Path) -> sqlx::SqlitePool {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(database);
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(integrity, ["ok"], "PRAGMA integrity_check");
    let orphans: Vec<(String,)> = sqlx::query_as("PRAGMA foreign_key_check")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(orphans.is_empty(), "foreign keys: {orphans:?}");
    pool
}

/// The names of the hosts stored in `pool`; asserts that every one of `acknowledged` is
/// among them.
pub async fn hosts_keeping(pool: &sqlx::SqlitePool, acknowledged: &[String]) -> Vec<String> {
    let stored: Vec<String> = sqlx::query_scalar("SELECT name FROM hosts")
        .fetch_all(pool)
        .await
        .unwrap();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|name| !stored.contains(name))
        .collect();
    assert!(
        lost.is_empty(),
        "answered with success but not stored: {lost:?}"
    );
    stored
}
