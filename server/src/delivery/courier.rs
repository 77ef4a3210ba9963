//! Sends one alert to one channel, within the attempt's time limit, and says how it went.

use super::dispatcher::DispatchSettings;
use super::message::Alert;
use super::{email, webhook};
use ipnet::IpNet;
use probes::deny::denied;
use reqwest::header::{HeaderName, HeaderValue};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use store::channels::{Destination, Route};
use store::deliveries::Notification;

/// The channel accepted the message.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// HTTP status or SMTP reply code.
    pub code: Option<i64>,
}

/// The attempt failed; worth a retry.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub message: String,
    pub code: Option<i64>,
}

/// Resolves webhook hosts as the system does, keeping only addresses outside the
/// `--deny-target` ranges: a name (or a rebinding answer) cannot lead a webhook into them.
struct DenyingResolver(Arc<Vec<IpNet>>);

impl reqwest::dns::Resolve for DenyingResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let deny = self.0.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| denied(&deny, a.ip()).is_none())
                .collect();
            if allowed.is_empty() && !found.is_empty() {
                let why = format!("{host} resolves only to addresses inside a --deny-target range");
                return Err(why.into());
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Why a webhook URL whose host is an address literal must not be posted to.
fn literal_denied(url: &str, deny: &[IpNet]) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let ip: IpAddr = match parsed.host()? {
        url::Host::Ipv4(v4) => v4.into(),
        url::Host::Ipv6(v6) => v6.into(),
        url::Host::Domain(_) => return None,
    };
    denied(deny, ip)
}

/// The delivery stage's senders and settings, shared by the dispatcher and the test button.
#[derive(Clone)]
pub struct Courier {
    http: Result<reqwest::Client, String>,
    pub settings: DispatchSettings,
}

impl Courier {
    pub fn new(settings: DispatchSettings) -> Self {
        let mut http = reqwest::Client::builder();
        for root in settings.extra_roots.iter().flat_map(|r| r.http()) {
            http = http.add_root_certificate(root.clone());
        }
        let http = http
            .user_agent(concat!("v6watch/", env!("CARGO_PKG_VERSION")))
            .timeout(settings.attempt_timeout)
            // A webhook that redirects is misconfigured: a redirected POST turns into a GET.
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(DenyingResolver(Arc::new(settings.deny.clone()))))
            .build()
            .map_err(|e| format!("the HTTP client could not start: {e}"));
        Self { http, settings }
    }

    /// One attempt, never longer than the attempt timeout.
    pub async fn send(
        &self,
        destination: &Destination,
        notification: &Notification,
    ) -> Result<Answer, Failure> {
        let alert = Alert::new(notification, self.settings.public_url.as_ref());
        let limit = self.settings.attempt_timeout;
        let attempt = async {
            match &destination.route {
                Route::Webhook {
                    preset,
                    url,
                    secret,
                    secret_header,
                } => {
                    let request = webhook::build(
                        *preset,
                        url,
                        secret.as_deref(),
                        secret_header.as_deref(),
                        &alert,
                    );
                    self.post(request).await
                }
                Route::Email {
                    host,
                    port,
                    security,
                    username,
                    password,
                    from,
                    to,
                } => {
                    let server = email::Server {
                        host,
                        port: *port,
                        security: *security,
                        username: username.as_deref(),
                        password: password.as_deref(),
                        from,
                        to,
                        extra_roots: self.settings.extra_roots.as_ref().and_then(|r| r.smtp()),
                    };
                    email::send(&server, &alert, limit).await
                }
            }
        };
        tokio::time::timeout(limit, attempt)
            .await
            .unwrap_or_else(|_| {
                Err(Failure {
                    message: format!("no answer within {} s", limit.as_secs_f64()),
                    code: None,
                })
            })
    }

    async fn post(&self, request: webhook::Request) -> Result<Answer, Failure> {
        let http = self.http.as_ref().map_err(|e| Failure {
            message: e.clone(),
            code: None,
        })?;
        if let Some(message) = literal_denied(&request.url, &self.settings.deny) {
            return Err(Failure {
                message,
                code: None,
            });
        }
        let mut builder = http.post(&request.url);
        for (name, value) in request.headers {
            let name = HeaderName::from_bytes(name.as_bytes());
            let value = HeaderValue::from_bytes(&value);
            match (name, value) {
                (Ok(name), Ok(value)) => builder = builder.header(name, value),
                _ => {
                    return Err(Failure {
                        message: "a header (secret or title) holds characters HTTP does not allow"
                            .into(),
                        code: None,
                    });
                }
            }
        }
        builder = match request.body {
            webhook::Body::Json(value) => builder.json(&value),
            webhook::Body::Text(text) => builder
                .header(reqwest::header::CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(text),
        };
        let response = builder.send().await.map_err(|e| Failure {
            message: describe(&e),
            code: None,
        })?;
        let status = response.status();
        let code = Some(i64::from(status.as_u16()));
        if status.is_success() {
            Ok(Answer { code })
        } else {
            let text = response.text().await.unwrap_or_default();
            let excerpt: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
            Err(Failure {
                message: format!("answered {status}: {excerpt}")
                    .trim_end()
                    .trim_end_matches(':')
                    .to_string(),
                code,
            })
        }
    }
}

/// A reqwest error with its causes (the top one alone says only "error sending request").
fn describe(err: &reqwest::Error) -> String {
    let mut text = if err.is_timeout() {
        "timed out".to_string()
    } else if err.is_connect() {
        "could not connect".to_string()
    } else {
        err.to_string()
    };
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
