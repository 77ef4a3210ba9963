//! E-mail through a small SMTP server started by the test: envelope, headers, body, login.

use super::helpers::{SmtpServer, SmtpTls, TestCa};
use model::channels::SmtpSecurity;
use store::channels::{Destination, Route};
use store::deliveries::Notification;
use v6watch::delivery::{Courier, DispatchSettings, ExtraRoots};

fn alert() -> Notification {
    Notification {
        id: 5,
        incident_id: Some(9),
        at: 1_764_120_000_000,
        kind: "resolved".into(),
        severity: "warning".into(),
        subject_kind: "host".into(),
        subject_id: 2,
        title: "nas is reachable over IPv6 again".into(),
        body: "Before: timeout\nNow: ok".into(),
        path: "/alerts/9".into(),
        details: "{}".into(),
    }
}

fn mailer(port: u16, login: Option<(&str, &str)>) -> Destination {
    secured_mailer(port, login, SmtpSecurity::Plain)
}

fn secured_mailer(port: u16, login: Option<(&str, &str)>, security: SmtpSecurity) -> Destination {
    Destination {
        id: 2,
        name: "mail".into(),
        route: Route::Email {
            host: "127.0.0.1".into(),
            port,
            security,
            username: login.map(|(u, _)| u.to_string()),
            password: login.map(|(_, p)| p.to_string()),
            from: "v6watch@example.test".into(),
            to: vec!["me@example.test".into(), "ops@example.test".into()],
        },
    }
}

fn courier() -> Courier {
    Courier::new(DispatchSettings {
        public_url: Some("https://watch.example.test/".parse().unwrap()),
        ..DispatchSettings::default()
    })
}

#[tokio::test]
async fn the_mail_arrives_with_subject_addresses_body_and_link() {
    let server = SmtpServer::start(false).await;
    let answer = courier()
        .send(&mailer(server.port, None), &alert())
        .await
        .unwrap();
    assert_eq!(answer.code, Some(250));
    let mail = server.wait_for_mail().await;
    assert_eq!(server.mails().len(), 1, "one attempt sends one message");
    assert_eq!(mail.login, None);
    assert_eq!(mail.from, "v6watch@example.test");
    assert_eq!(mail.to, ["me@example.test", "ops@example.test"]);
    assert_eq!(
        mail.header("Subject").as_deref(),
        Some("[v6watch resolved] nas is reachable over IPv6 again")
    );
    assert_eq!(
        mail.header("From").as_deref(),
        Some("v6watch <v6watch@example.test>")
    );
    let to = mail.header("To").unwrap();
    assert!(
        to.contains("me@example.test") && to.contains("ops@example.test"),
        "{to}"
    );
    assert!(
        mail.header("Content-Type")
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(
        mail.body().trim_end(),
        "Before: timeout\r\nNow: ok\r\n\r\nOpen in v6watch: https://watch.example.test/alerts/9"
    );
}

#[tokio::test]
async fn a_login_is_sent_when_configured() {
    let server = SmtpServer::start(true).await;
    courier()
        .send(
            &mailer(server.port, Some(("alerts", "pa55 word"))),
            &alert(),
        )
        .await
        .unwrap();
    let mail = server.wait_for_mail().await;
    assert_eq!(mail.login, Some(("alerts".into(), "pa55 word".into())));
    assert!(mail.body().contains("Before: timeout"));
}

#[tokio::test]
async fn a_refused_connection_is_a_failure() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let failure = courier()
        .send(&mailer(port, None), &alert())
        .await
        .unwrap_err();
    assert!(
        failure.message.contains(&format!("127.0.0.1:{port}")),
        "{}",
        failure.message
    );
}

/// A courier that trusts the test's CA, as `--ca-file` makes it.
fn trusting(ca: &TestCa) -> Courier {
    Courier::new(DispatchSettings {
        extra_roots: Some(ExtraRoots::from_pem(ca.ca_pem.as_bytes()).unwrap()),
        ..DispatchSettings::default()
    })
}

#[tokio::test]
async fn starttls_and_tls_carry_the_login_and_the_message_encrypted() {
    let ca = TestCa::new();
    for (server_tls, security) in [
        (SmtpTls::StartTls, SmtpSecurity::StartTls),
        (SmtpTls::Wrapper, SmtpSecurity::Tls),
    ] {
        let server = SmtpServer::start_tls(server_tls, &ca).await;
        let answer = trusting(&ca)
            .send(
                &secured_mailer(server.port, Some(("alerts", "pa55 word")), security),
                &alert(),
            )
            .await
            .unwrap_or_else(|f| panic!("{security:?}: {}", f.message));
        assert_eq!(answer.code, Some(250));
        let mail = server.wait_for_mail().await;
        assert!(mail.over_tls, "{security:?}: the message came in the clear");
        assert_eq!(mail.login, Some(("alerts".into(), "pa55 word".into())));
        assert!(mail.body().contains("Before: timeout"));
    }
}

#[tokio::test]
async fn an_untrusted_certificate_stops_the_mail_before_the_password_is_sent() {
    let ca = TestCa::new();
    for (server_tls, security) in [
        (SmtpTls::StartTls, SmtpSecurity::StartTls),
        (SmtpTls::Wrapper, SmtpSecurity::Tls),
    ] {
        let server = SmtpServer::start_tls(server_tls, &ca).await;
        let failure = courier()
            .send(
                &secured_mailer(server.port, Some(("alerts", "pa55 word")), security),
                &alert(),
            )
            .await
            .unwrap_err();
        assert!(
            failure.message.to_lowercase().contains("certificate"),
            "{security:?}: {}",
            failure.message
        );
        assert!(server.mails().is_empty());
    }
}

#[tokio::test]
async fn plain_mail_to_a_server_that_requires_starttls_is_refused_with_its_code() {
    let ca = TestCa::new();
    let server = SmtpServer::start_tls(SmtpTls::StartTls, &ca).await;
    let failure = trusting(&ca)
        .send(&mailer(server.port, None), &alert())
        .await
        .unwrap_err();
    assert_eq!(failure.code, Some(530), "{}", failure.message);
    assert!(server.mails().is_empty());
}
