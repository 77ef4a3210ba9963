//! Test harness for the network-namespace lab (`tests/lab/lab.sh`): the lab's addresses, read
//! from the `tests/lab/lab.env` that `lab.sh up` writes, and a way to run async code inside a
//! lab namespace.

#![allow(dead_code)]

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use probes::ProbeConfig;

/// The lab, as `lab.sh up` described it in `lab.env`.
#[derive(Debug, Clone)]
pub struct Lab {
    vars: HashMap<String, String>,
}

impl Lab {
    /// The lab as `lab.sh up` described it. Panics, saying what to do, when the lab is not
    /// up: `V6WATCH_LAB` is not `1` or `tests/lab/lab.env` is unreadable. Lab tests are
    /// `#[ignore]`d, so they get here only when asked to run (`--include-ignored`).
    pub fn get() -> Lab {
        if std::env::var("V6WATCH_LAB").as_deref() != Ok("1") {
            panic!(
                "the network-namespace lab is not up (V6WATCH_LAB is not 1): as root, run \
                 `bash tests/lab/lab.sh up`, then the lab tests with V6WATCH_LAB=1"
            );
        }
        Lab::read().unwrap_or_else(|e| panic!("V6WATCH_LAB=1 but {e}"))
    }

    /// The lab `tests/lab/lab.env` describes, whatever `V6WATCH_LAB` says (benchmarks use the
    /// lab when it is up); why not when the file is unreadable.
    pub fn read() -> Result<Lab, String> {
        let path = env_path();
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "{} is unreadable ({e}): run `bash tests/lab/lab.sh up`",
                path.display()
            )
        })?;
        let vars = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        Ok(Lab { vars })
    }

    pub fn var(&self, key: &str) -> &str {
        self.vars
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("{key} missing from lab.env"))
    }

    /// A variable an older `lab.env` may lack.
    pub fn try_var(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(String::as_str)
    }

    pub fn ip(&self, key: &str) -> IpAddr {
        let value = self.var(key);
        value
            .parse()
            .unwrap_or_else(|e| panic!("{key}={value} is not an address: {e}"))
    }

    pub fn port(&self, key: &str) -> u16 {
        self.var(key).parse().expect("port")
    }

    /// A fully qualified lab name: `name("dual")` is `dual.lab.test`.
    pub fn name(&self, short: &str) -> String {
        format!("{short}.{}", self.var("LAB_DOMAIN"))
    }

    pub fn dns(&self) -> SocketAddr {
        SocketAddr::new(self.ip("LAB_DNS6"), 53)
    }

    /// The probe settings the lab tests use: the lab nameserver, short timeouts (but long
    /// enough for neighbour discovery to fail, ~3 s, on the unused address).
    pub fn config(&self) -> ProbeConfig {
        ProbeConfig {
            nameservers: vec![self.dns()],
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(4),
            ..ProbeConfig::default()
        }
    }
}

fn env_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/lab/lab.env")
}

/// The two lab clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// `v6w-c6`: IPv6 only.
    V6Only,
    /// `v6w-c46`: dual stack.
    DualStack,
}

impl Client {
    pub const BOTH: [Client; 2] = [Client::V6Only, Client::DualStack];

    pub fn namespace(self, lab: &Lab) -> String {
        match self {
            Client::V6Only => lab.var("LAB_NS_C6").to_string(),
            Client::DualStack => lab.var("LAB_NS_C46").to_string(),
        }
    }
}

/// Run `work` inside network namespace `namespace`: a dedicated thread joins the namespace
/// (setns affects only the calling thread) and then builds its own tokio runtime, so every
/// socket the work opens lives in the namespace.
pub fn run_in<F, Fut, T>(namespace: &str, work: F) -> T
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T>,
    T: Send + 'static,
{
    let path = format!("/run/netns/{namespace}");
    let thread = std::thread::Builder::new()
        .name(format!("lab-{namespace}"))
        .spawn(move || {
            let file = std::fs::File::open(&path)
                .unwrap_or_else(|e| panic!("cannot open {path} ({e}): is the lab up?"));
            nix::sched::setns(&file, nix::sched::CloneFlags::CLONE_NEWNET)
                .unwrap_or_else(|e| panic!("setns {path}: {e} (tests must run as root)"));
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            runtime.block_on(work())
        })
        .expect("spawn lab thread");
    match thread.join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
