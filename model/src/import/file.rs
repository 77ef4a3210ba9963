//! The inventory as a file: every record keyed by name (never by database id), so the file
//! can be kept in git, edited by hand, and applied to another database. Lists are written in
//! a fixed order (by key) so an export of the same inventory is byte for byte the same.
//! The format is described in `docs/inventory-file.md`.

use crate::channels::channel::url_origin;
use crate::channels::{ChannelInput, SecretChange, Target};
use crate::domain::FieldErrors;
use crate::domain::form::FormValues;
use crate::inventory::{ContainerInput, HostInput, PrefixInput, ServiceInput, TunnelInput};
use serde::{Deserialize, Serialize};

/// The version written as `v6watch: 1`; a file of another version is refused.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventoryFile {
    pub v6watch: u32,
    #[serde(default)]
    pub prefixes: Vec<PrefixEntry>,
    #[serde(default)]
    pub hosts: Vec<HostEntry>,
    #[serde(default)]
    pub containers: Vec<ContainerEntry>,
    #[serde(default)]
    pub tunnels: Vec<TunnelEntry>,
    #[serde(default)]
    pub services: Vec<ServiceEntry>,
    #[serde(default)]
    pub checks: Vec<CheckEntry>,
    /// Exported without their secrets; `apply` keeps a stored secret the file leaves out.
    #[serde(default)]
    pub channels: Vec<ChannelEntry>,
}

impl Default for InventoryFile {
    fn default() -> Self {
        Self {
            v6watch: FORMAT_VERSION,
            prefixes: Vec::new(),
            hosts: Vec::new(),
            containers: Vec::new(),
            tunnels: Vec::new(),
            services: Vec::new(),
            checks: Vec::new(),
            channels: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrefixEntry {
    pub cidr: String,
    #[serde(default)]
    pub purpose: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostEntry {
    pub name: String,
    #[serde(default)]
    pub dns_name: Option<String>,
    #[serde(default)]
    pub addresses: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub notes: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerEntry {
    /// The name of the host it runs on.
    pub host: String,
    pub name: String,
    pub runtime: String,
    pub network_mode: String,
    #[serde(default)]
    pub published_ports: Vec<String>,
    #[serde(default)]
    pub addresses: Vec<String>,
    #[serde(default)]
    pub notes: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TunnelEntry {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub broker: String,
    #[serde(default)]
    pub local_endpoint: Option<String>,
    #[serde(default)]
    pub remote_endpoint: Option<String>,
    #[serde(default)]
    pub local_v6: Option<String>,
    #[serde(default)]
    pub remote_v6: Option<String>,
    #[serde(default)]
    pub mtu: Option<i64>,
    #[serde(default)]
    pub routed_prefixes: Vec<String>,
    /// The name of the host that terminates it, if any.
    #[serde(default)]
    pub host: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceEntry {
    pub name: String,
    /// The host it runs on (or whose container it runs in).
    pub host: String,
    /// The container on that host it runs in, if any.
    #[serde(default)]
    pub container: Option<String>,
    pub kind: String,
    pub target: String,
    #[serde(default)]
    pub port: Option<i64>,
    #[serde(default)]
    pub expected_status: Option<i64>,
    #[serde(default)]
    pub dependencies: Vec<String>,
}

/// The settings of one check: which one by its subject and target, then how it runs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckEntry {
    pub host: String,
    #[serde(default)]
    pub container: Option<String>,
    #[serde(default)]
    pub service: Option<String>,
    /// What it probes, as the pages show it: an address, a name, `host port N` or a URL.
    pub target: String,
    pub interval_secs: i64,
    pub enabled: bool,
    /// Failed runs in a row that open an incident (default 2).
    pub fail_after: i64,
    /// Passed runs in a row that resolve it (default 2).
    pub recover_after: i64,
}

/// An alert channel. Exports carry every setting but the secrets (a webhook's URL, its
/// secret, an SMTP password); a file given to `apply` may carry them, inline or (on the
/// command line only) as the name of an environment variable that holds them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelEntry {
    pub name: String,
    /// `webhook` or `email`.
    pub kind: String,
    pub enabled: bool,
    /// A webhook's scheme, host and port (to read: the URL itself is a secret), or
    /// `smtp://host:port` of an e-mail channel (its server, applied as written).
    #[serde(default)]
    pub destination: String,
    /// Webhook: `generic`, `ntfy`, `discord`, `slack` or `gotify`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Webhook: the header that carries its secret (default `Authorization: Bearer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_header: Option<String>,
    /// E-mail: `starttls`, `tls` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
    /// Secrets: read from a file, never written (not by exports, not in a plan's JSON).
    #[serde(default, skip_serializing)]
    pub url: Option<String>,
    #[serde(default, skip_serializing)]
    pub secret: Option<String>,
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    /// Names of environment variables holding the secrets, read by `v6watch apply`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
}

fn set(values: &mut FormValues, field: &str, text: impl Into<String>) {
    values.insert(field.to_string(), text.into());
}

fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn num(value: Option<i64>) -> String {
    value.map(|n| n.to_string()).unwrap_or_default()
}

impl PrefixEntry {
    pub fn key(&self) -> String {
        self.cidr.clone()
    }

    /// The form's own validation, so a file obeys the same rules as the page.
    pub fn input(&self) -> Result<PrefixInput, FieldErrors> {
        let mut v = FormValues::new();
        set(&mut v, "cidr", &self.cidr);
        set(&mut v, "purpose", &self.purpose);
        PrefixInput::validate(&v)
    }

    /// The entry as the store keeps it (canonical text), for comparing.
    pub fn canonical(&self) -> Result<Self, FieldErrors> {
        let input = self.input()?;
        Ok(Self {
            cidr: input.cidr.to_string(),
            purpose: input.purpose,
        })
    }
}

impl HostEntry {
    pub fn key(&self) -> String {
        self.name.clone()
    }

    pub fn input(&self) -> Result<HostInput, FieldErrors> {
        let mut v = FormValues::new();
        set(&mut v, "name", &self.name);
        set(&mut v, "dns_name", opt(&self.dns_name));
        set(&mut v, "addresses", self.addresses.join("\n"));
        set(&mut v, "tags", self.tags.join(", "));
        set(&mut v, "notes", &self.notes);
        HostInput::validate(&v)
    }

    pub fn canonical(&self) -> Result<Self, FieldErrors> {
        let i = self.input()?;
        Ok(Self {
            name: i.name,
            dns_name: i.dns_name,
            addresses: i.addresses.iter().map(ToString::to_string).collect(),
            tags: i.tags,
            notes: i.notes,
        })
    }
}

impl ContainerEntry {
    pub fn key(&self) -> String {
        format!("{}/{}", self.host, self.name)
    }

    /// Validated with the host's id (0 while it is only planned).
    pub fn input(&self, host_id: i64) -> Result<ContainerInput, FieldErrors> {
        let mut v = FormValues::new();
        set(&mut v, "name", &self.name);
        set(&mut v, "runtime", &self.runtime);
        set(&mut v, "host_id", host_id.to_string());
        set(&mut v, "network_mode", &self.network_mode);
        set(&mut v, "published_ports", self.published_ports.join("\n"));
        set(&mut v, "addresses", self.addresses.join("\n"));
        set(&mut v, "notes", &self.notes);
        ContainerInput::validate(&v)
    }

    pub fn canonical(&self) -> Result<Self, FieldErrors> {
        use crate::domain::form::Choice;
        let i = self.input(0)?;
        Ok(Self {
            host: self.host.trim().to_string(),
            name: i.name,
            runtime: i.runtime.code().to_string(),
            network_mode: i.network_mode.code().to_string(),
            published_ports: i.published_ports,
            addresses: i.addresses.iter().map(ToString::to_string).collect(),
            notes: i.notes,
        })
    }
}

impl TunnelEntry {
    pub fn key(&self) -> String {
        self.name.clone()
    }

    pub fn input(&self, host_id: Option<i64>) -> Result<TunnelInput, FieldErrors> {
        let mut v = FormValues::new();
        set(&mut v, "name", &self.name);
        set(&mut v, "kind", &self.kind);
        set(&mut v, "broker", &self.broker);
        set(&mut v, "local_endpoint", opt(&self.local_endpoint));
        set(&mut v, "remote_endpoint", opt(&self.remote_endpoint));
        set(&mut v, "local_v6", opt(&self.local_v6));
        set(&mut v, "remote_v6", opt(&self.remote_v6));
        set(&mut v, "mtu", num(self.mtu));
        set(&mut v, "routed_prefixes", self.routed_prefixes.join("\n"));
        set(&mut v, "host_id", num(host_id));
        TunnelInput::validate(&v)
    }

    pub fn canonical(&self) -> Result<Self, FieldErrors> {
        use crate::domain::form::Choice;
        let i = self.input(self.host.as_ref().map(|_| 0))?;
        let text = |a: Option<std::net::IpAddr>| a.map(|a| a.to_string());
        // Inner addresses keep the on-link length, the way the export writes them.
        let inner = |a: Option<std::net::IpAddr>| {
            a.map(|a| match i.onlink_len {
                Some(len) => format!("{a}/{len}"),
                None => a.to_string(),
            })
        };
        Ok(Self {
            name: i.name,
            kind: i.kind.code().to_string(),
            broker: i.broker,
            local_endpoint: text(i.local_endpoint),
            remote_endpoint: text(i.remote_endpoint),
            local_v6: inner(i.local_v6),
            remote_v6: inner(i.remote_v6),
            mtu: i.mtu.map(i64::from),
            routed_prefixes: i.routed_prefixes.iter().map(ToString::to_string).collect(),
            host: self.host.as_ref().map(|h| h.trim().to_string()),
        })
    }
}

impl ServiceEntry {
    /// `host/name` or `host/container/name`.
    pub fn key(&self) -> String {
        match &self.container {
            Some(c) => format!("{}/{c}/{}", self.host, self.name),
            None => format!("{}/{}", self.host, self.name),
        }
    }

    /// Validated with its owner (`host:ID` or `container:ID`, 0 while only planned).
    pub fn input(&self, owner: &str) -> Result<ServiceInput, FieldErrors> {
        let mut v = FormValues::new();
        set(&mut v, "name", &self.name);
        set(&mut v, "kind", &self.kind);
        set(&mut v, "target", &self.target);
        set(&mut v, "port", num(self.port));
        set(&mut v, "expected_status", num(self.expected_status));
        set(&mut v, "dependencies", self.dependencies.join("\n"));
        set(&mut v, "owner", owner);
        ServiceInput::validate(&v)
    }

    pub fn canonical(&self) -> Result<Self, FieldErrors> {
        use crate::domain::form::Choice;
        let i = self.input("host:0")?;
        Ok(Self {
            name: i.name,
            host: self.host.trim().to_string(),
            container: self.container.as_ref().map(|c| c.trim().to_string()),
            kind: i.kind.code().to_string(),
            target: i.target,
            port: i.port.map(i64::from),
            expected_status: i.expected_status.map(i64::from),
            dependencies: i.dependencies,
        })
    }
}

impl CheckEntry {
    /// The subject's key (as [`ServiceEntry::key`] and [`ContainerEntry::key`]) and the target.
    pub fn key(&self) -> String {
        let subject = match (&self.container, &self.service) {
            (Some(c), Some(s)) => format!("service {}/{c}/{s}", self.host),
            (None, Some(s)) => format!("service {}/{s}", self.host),
            (Some(c), None) => format!("container {}/{c}", self.host),
            (None, None) => format!("host {}", self.host),
        };
        format!("{subject} → {}", self.target)
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if !(5..=86_400).contains(&self.interval_secs) {
            errors.add("interval_secs", "the interval is 5 to 86400 seconds");
        }
        for (field, n) in [
            ("fail_after", self.fail_after),
            ("recover_after", self.recover_after),
        ] {
            if !(1..=100).contains(&n) {
                errors.add(field, "enter a whole number from 1 to 100");
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl ChannelEntry {
    pub fn key(&self) -> String {
        self.name.clone()
    }

    /// Whether the entry names environment variables still to be read.
    pub fn names_env(&self) -> bool {
        self.url_env.is_some() || self.secret_env.is_some() || self.password_env.is_some()
    }

    /// Replaces each `*_env` by the value of the variable it names (`lookup`), so the rest
    /// of the plan sees only secrets; a variable that is unset or empty is an error.
    pub fn read_env(&mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<(), String> {
        for (env, secret) in [
            (self.url_env.take(), &mut self.url),
            (self.secret_env.take(), &mut self.secret),
            (self.password_env.take(), &mut self.password),
        ] {
            if let Some(name) = env {
                match lookup(&name).filter(|v| !v.is_empty()) {
                    Some(value) => *secret = Some(value),
                    None => return Err(format!("the environment variable {name} is not set")),
                }
            }
        }
        Ok(())
    }

    /// Whether it carries a secret to write.
    pub fn has_secrets(&self) -> bool {
        self.url.is_some() || self.secret.is_some() || self.password.is_some()
    }

    /// `host` and `port` of `smtp://host:port` (port 25 when left out).
    fn smtp_server(&self) -> Result<(String, String), FieldErrors> {
        let text = self.destination.trim();
        let rest = text.strip_prefix("smtp://").unwrap_or_default();
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if h.starts_with('[') || !h.contains(':') => (h, p),
            _ => (rest, "25"),
        };
        if host.is_empty() {
            let mut errors = FieldErrors::new();
            errors.add(
                "destination",
                "write the mail server as smtp://host:port, such as smtp://mail.home.example:587",
            );
            return Err(errors);
        }
        Ok((host.to_string(), port.to_string()))
    }

    /// The channel form's own validation; secrets the entry does not carry are kept.
    pub fn input(&self) -> Result<ChannelInput, FieldErrors> {
        let mut v = FormValues::new();
        set(&mut v, "name", &self.name);
        set(&mut v, "kind", &self.kind);
        set(&mut v, "enabled", if self.enabled { "1" } else { "" });
        if self.kind == "email" {
            let (host, port) = self.smtp_server()?;
            set(&mut v, "smtp_host", host);
            set(&mut v, "smtp_port", port);
            set(
                &mut v,
                "smtp_security",
                self.security.clone().unwrap_or_else(|| "starttls".into()),
            );
            set(&mut v, "smtp_username", opt(&self.username));
            set(&mut v, "password", opt(&self.password));
            set(&mut v, "mail_from", opt(&self.from));
            set(&mut v, "mail_to", self.to.join("\n"));
        } else {
            set(
                &mut v,
                "preset",
                self.preset.clone().unwrap_or_else(|| "generic".into()),
            );
            set(&mut v, "url", opt(&self.url));
            set(&mut v, "secret_header", opt(&self.secret_header));
            set(&mut v, "secret", opt(&self.secret));
        }
        ChannelInput::validate(&v)
    }

    /// The entry as an export writes it (plus the secrets it was given), for comparing.
    pub fn canonical(&self) -> Result<Self, FieldErrors> {
        use crate::domain::form::Choice;
        let i = self.input()?;
        let secret = |change: &SecretChange| match change {
            SecretChange::Set(value) => Some(value.clone()),
            _ => None,
        };
        let mut out = Self {
            name: i.name.clone(),
            kind: i.kind().code().to_string(),
            enabled: i.enabled,
            ..Self::default()
        };
        match &i.target {
            Target::Webhook {
                preset,
                url,
                secret_header,
                secret: s,
            } => {
                out.destination = match url {
                    Some(url) => url_origin(url).unwrap_or_default(),
                    None => self.destination.trim().to_string(),
                };
                out.preset = Some(preset.code().to_string());
                out.secret_header = secret_header.clone();
                out.url = url.clone();
                out.secret = secret(s);
            }
            Target::Email {
                host,
                port,
                security,
                username,
                password,
                from,
                to,
            } => {
                out.destination = smtp_destination(host, i64::from(*port));
                out.security = Some(security.code().to_string());
                out.username = username.clone();
                out.password = secret(password);
                out.from = Some(from.clone());
                out.to = to.clone();
            }
        }
        Ok(out)
    }

    /// The entry without its secrets: what comparing with a stored channel can see.
    pub fn without_secrets(&self) -> Self {
        Self {
            url: None,
            secret: None,
            password: None,
            ..self.clone()
        }
    }
}

/// `smtp://host:port`, with brackets around an IPv6 literal.
pub fn smtp_destination(host: &str, port: i64) -> String {
    if host.contains(':') {
        format!("smtp://[{host}]:{port}")
    } else {
        format!("smtp://{host}:{port}")
    }
}

impl InventoryFile {
    /// Sorts every list by its key: the stable order an export is written in.
    pub fn sort(&mut self) {
        self.prefixes.sort_by_key(PrefixEntry::key);
        self.hosts.sort_by_key(HostEntry::key);
        self.containers.sort_by_key(ContainerEntry::key);
        self.tunnels.sort_by_key(TunnelEntry::key);
        self.services.sort_by_key(ServiceEntry::key);
        self.checks.sort_by_key(CheckEntry::key);
        self.channels.sort_by_key(ChannelEntry::key);
    }
}
