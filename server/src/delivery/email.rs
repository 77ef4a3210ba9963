//! E-mail over SMTP with lettre (tokio, rustls): STARTTLS, TLS or plain, optional login,
//! a plain-text message with the dashboard link.

use super::courier::{Answer, Failure};
use super::message::Alert;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use model::channels::SmtpSecurity;
use std::time::Duration;

/// Where and as whom to send.
pub struct Server<'a> {
    pub host: &'a str,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<&'a str>,
    pub password: Option<&'a str>,
    pub from: &'a str,
    pub to: &'a [String],
    /// Trusted besides the standard roots (`--ca-file`).
    pub extra_roots: Option<Certificate>,
}

fn failure(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: None,
    }
}

/// The message: "v6watch" as the sender's name, every recipient in To.
pub fn compose(server: &Server<'_>, alert: &Alert<'_>) -> Result<Message, Failure> {
    let from = server
        .from
        .parse()
        .map(|address| Mailbox::new(Some("v6watch".into()), address))
        .map_err(|_| failure(format!("'{}' is not an e-mail address", server.from)))?;
    let mut builder = Message::builder().from(from).subject(alert.subject());
    for to in server.to {
        let mailbox: Mailbox = to
            .parse()
            .map_err(|_| failure(format!("'{to}' is not an e-mail address")))?;
        builder = builder.to(mailbox);
    }
    builder
        .header(ContentType::TEXT_PLAIN)
        .body(alert.text())
        .map_err(|e| failure(format!("could not build the message: {e}")))
}

pub async fn send(
    server: &Server<'_>,
    alert: &Alert<'_>,
    timeout: Duration,
) -> Result<Answer, Failure> {
    let message = compose(server, alert)?;
    let tls = || {
        let mut builder = TlsParameters::builder(server.host.to_string());
        if let Some(roots) = &server.extra_roots {
            builder = builder.add_root_certificate(roots.clone());
        }
        builder
            .build()
            .map_err(|e| failure(format!("TLS setup for {}: {e}", server.host)))
    };
    let tls = match server.security {
        SmtpSecurity::StartTls => Tls::Required(tls()?),
        SmtpSecurity::Tls => Tls::Wrapper(tls()?),
        SmtpSecurity::Plain => Tls::None,
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(server.host)
        .port(server.port)
        .tls(tls)
        .timeout(Some(timeout));
    if let Some(username) = server.username {
        builder = builder.credentials(Credentials::new(
            username.to_string(),
            server.password.unwrap_or_default().to_string(),
        ));
    }
    let transport = builder.build();
    match transport.send(message).await {
        Ok(response) => Ok(Answer {
            code: response.code().to_string().parse().ok(),
        }),
        Err(err) => Err(Failure {
            code: err.status().and_then(|c| c.to_string().parse().ok()),
            message: format!("SMTP {}:{}: {err}", server.host, server.port),
        }),
    }
}
