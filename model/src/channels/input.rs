//! A channel form, validated into what the store writes. Secrets follow one rule: an empty
//! field keeps the stored secret, a typed one replaces it, and a ticked "clear" box
//! removes it.

use super::kinds::{ChannelKind, SmtpSecurity, WebhookPreset};
use crate::domain::FormValues;
use crate::domain::form::{Choice, optional, value};
use crate::domain::{FieldErrors, parse_dns_name, parse_http_url, parse_name, parse_port};

/// The form fields that hold secrets: never sent back to the browser.
pub const SECRET_FIELDS: &[&str] = &["secret", "password"];

/// Every field of the channel form (a post with any other is refused).
pub const CHANNEL_FIELDS: &[&str] = &[
    "name",
    "kind",
    "enabled",
    "preset",
    "url",
    "secret",
    "clear_secret",
    "secret_header",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_username",
    "password",
    "clear_password",
    "mail_from",
    "mail_to",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretChange {
    Keep,
    Set(String),
    Clear,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Webhook {
        preset: WebhookPreset,
        /// None keeps the stored URL: it is never shown back, as many carry a token.
        url: Option<String>,
        /// Header that carries the secret; None means `Authorization: Bearer`.
        secret_header: Option<String>,
        secret: SecretChange,
    },
    Email {
        host: String,
        port: u16,
        security: SmtpSecurity,
        username: Option<String>,
        password: SecretChange,
        from: String,
        to: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChannelInput {
    pub name: String,
    pub enabled: bool,
    pub target: Target,
}

impl ChannelInput {
    pub fn kind(&self) -> ChannelKind {
        match self.target {
            Target::Webhook { .. } => ChannelKind::Webhook,
            Target::Email { .. } => ChannelKind::Email,
        }
    }

    pub fn validate(values: &FormValues) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", parse_name(value(values, "name")));
        let kind = errors.check("kind", ChannelKind::parse(value(values, "kind")));
        let enabled = value(values, "enabled") == "1";
        let target = match kind {
            Some(ChannelKind::Webhook) => webhook(&mut errors, values),
            Some(ChannelKind::Email) => email(&mut errors, values),
            None => None,
        };
        match (name, target) {
            (Some(name), Some(target)) if errors.is_empty() => Ok(Self {
                name,
                enabled,
                target,
            }),
            _ => Err(errors),
        }
    }
}

fn secret_change(
    errors: &mut FieldErrors,
    values: &FormValues,
    field: &str,
    clear: &str,
) -> SecretChange {
    let text = value(values, field);
    if value(values, clear) == "1" {
        SecretChange::Clear
    } else if text.is_empty() {
        SecretChange::Keep
    } else {
        errors
            .check(field, parse_secret(text))
            .map_or(SecretChange::Keep, SecretChange::Set)
    }
}

fn webhook(errors: &mut FieldErrors, values: &FormValues) -> Option<Target> {
    let preset = errors.check("preset", WebhookPreset::parse(value(values, "preset")));
    let typed = value(values, "url");
    let url = if typed.trim().is_empty() {
        Some(None)
    } else {
        errors
            .check("url", parse_http_url(typed).map(|u| u.to_string()))
            .map(Some)
    };
    let secret_header = optional(errors, values, "secret_header", parse_header_name);
    let secret = secret_change(errors, values, "secret", "clear_secret");
    Some(Target::Webhook {
        preset: preset?,
        url: url?,
        secret_header,
        secret,
    })
}

fn email(errors: &mut FieldErrors, values: &FormValues) -> Option<Target> {
    let host = errors.check("smtp_host", parse_smtp_host(value(values, "smtp_host")));
    let port = errors.check("smtp_port", parse_port(value(values, "smtp_port")));
    let security = errors.check(
        "smtp_security",
        SmtpSecurity::parse(value(values, "smtp_security")),
    );
    let username = optional(errors, values, "smtp_username", parse_username);
    let password = secret_change(errors, values, "password", "clear_password");
    let from = errors.check("mail_from", parse_email(value(values, "mail_from")));
    let to = errors.check("mail_to", parse_recipients(value(values, "mail_to")));
    Some(Target::Email {
        host: host?,
        port: port?,
        security: security?,
        username,
        password,
        from: from?,
        to: to?,
    })
}

/// One e-mail address, as the mailer will parse it.
pub fn parse_email(input: &str) -> Result<String, String> {
    let text = input.trim();
    if text.is_empty() {
        return Err("enter an e-mail address such as alerts@home.example".into());
    }
    text.parse::<lettre::Address>()
        .map(|a| a.to_string())
        .map_err(|_| format!("'{text}' is not an e-mail address"))
}

/// Recipients, separated by commas or one per line; at least one.
pub fn parse_recipients(input: &str) -> Result<Vec<String>, String> {
    let mut to: Vec<String> = Vec::new();
    for part in input.split([',', '\n', ';']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let address = parse_email(part)?;
        if !to.contains(&address) {
            to.push(address);
        }
    }
    if to.is_empty() {
        return Err("enter at least one recipient".into());
    }
    Ok(to)
}

/// The SMTP server: a host name or an address literal.
fn parse_smtp_host(input: &str) -> Result<String, String> {
    let text = input.trim();
    if text.is_empty() {
        return Err("enter the mail server, such as smtp.home.example".into());
    }
    let literal = text.trim_start_matches('[').trim_end_matches(']');
    if let Ok(address) = literal.parse::<std::net::IpAddr>() {
        return Ok(address.to_string());
    }
    parse_dns_name(text)
}

/// An HTTP header name (RFC 9110 token), such as `X-Api-Key`.
pub fn parse_header_name(input: &str) -> Result<String, String> {
    let text = input.trim();
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if text.len() > 64 || !text.chars().all(token) {
        return Err(format!("'{text}' is not a header name such as X-Api-Key"));
    }
    Ok(text.to_string())
}

/// A token or password: sent in a header or an SMTP command, so one line of printable text.
fn parse_secret(input: &str) -> Result<String, String> {
    if input.chars().count() > 1024 {
        return Err("at most 1024 characters".into());
    }
    if input.chars().any(char::is_control) {
        return Err("cannot contain line breaks or control characters".into());
    }
    Ok(input.to_string())
}

fn parse_username(input: &str) -> Result<String, String> {
    parse_secret(input).map_err(|e| format!("the user name {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::test_form as form;

    #[test]
    fn a_webhook_needs_an_http_url_and_keeps_an_empty_secret() {
        let ok = ChannelInput::validate(&form(&[
            ("name", "phone"),
            ("kind", "webhook"),
            ("enabled", "1"),
            ("preset", "ntfy"),
            ("url", "https://ntfy.example.test/lab"),
        ]))
        .unwrap();
        assert!(ok.enabled);
        assert!(matches!(
            ok.target,
            Target::Webhook {
                preset: WebhookPreset::Ntfy,
                secret: SecretChange::Keep,
                ..
            }
        ));
        let set = ChannelInput::validate(&form(&[
            ("name", "x"),
            ("kind", "webhook"),
            ("preset", "generic"),
            ("url", "http://[2001:db8::5]:8080/hook"),
            ("secret", "s3cret"),
            ("secret_header", "X-Api-Key"),
        ]))
        .unwrap();
        assert!(!set.enabled);
        assert!(matches!(
            set.target,
            Target::Webhook { secret: SecretChange::Set(ref s), secret_header: Some(ref h), .. }
                if s == "s3cret" && h == "X-Api-Key"
        ));
        let clear = ChannelInput::validate(&form(&[
            ("name", "x"),
            ("kind", "webhook"),
            ("preset", "generic"),
            ("url", "http://a.test/"),
            ("secret", "typed but cleared"),
            ("clear_secret", "1"),
        ]))
        .unwrap();
        assert!(matches!(
            clear.target,
            Target::Webhook {
                secret: SecretChange::Clear,
                ..
            }
        ));
        let keep_url = ChannelInput::validate(&form(&[
            ("name", "x"),
            ("kind", "webhook"),
            ("preset", "discord"),
            ("url", "  "),
        ]))
        .unwrap();
        assert!(matches!(keep_url.target, Target::Webhook { url: None, .. }));
    }

    #[test]
    fn e_mail_fields_parse_addresses_ports_and_security() {
        let ok = ChannelInput::validate(&form(&[
            ("name", "mail"),
            ("kind", "email"),
            ("smtp_host", "smtp.example.test"),
            ("smtp_port", "587"),
            ("smtp_security", "starttls"),
            ("mail_from", "v6watch@example.test"),
            ("mail_to", "a@example.test, b@example.test\na@example.test"),
        ]))
        .unwrap();
        let Target::Email { to, port, .. } = ok.target else {
            panic!("not e-mail")
        };
        assert_eq!((to.len(), port), (2, 587));

        #[allow(clippy::type_complexity)]
        let cases: &[(&[(&str, &str)], &str, &str)] = &[
            (
                &[
                    ("kind", "webhook"),
                    ("preset", "generic"),
                    ("url", "ftp://a.test/"),
                ],
                "url",
                "http",
            ),
            (
                &[
                    ("kind", "webhook"),
                    ("preset", "teams"),
                    ("url", "https://a.test/"),
                ],
                "preset",
                "choose",
            ),
            (
                &[
                    ("kind", "webhook"),
                    ("preset", "generic"),
                    ("url", "https://a.test/"),
                    ("secret_header", "X Key"),
                ],
                "secret_header",
                "header name",
            ),
            (
                &[
                    ("kind", "webhook"),
                    ("preset", "generic"),
                    ("url", "https://a.test/"),
                    ("secret", "a\r\nInjected: 1"),
                ],
                "secret",
                "line breaks",
            ),
            (
                &[
                    ("kind", "email"),
                    ("smtp_host", "smtp.test"),
                    ("smtp_port", "70000"),
                    ("smtp_security", "tls"),
                    ("mail_from", "a@b.test"),
                    ("mail_to", "c@d.test"),
                ],
                "smtp_port",
                "outside",
            ),
            (
                &[
                    ("kind", "email"),
                    ("smtp_host", "smtp.test"),
                    ("smtp_port", "25"),
                    ("smtp_security", "ssl"),
                    ("mail_from", "a@b.test"),
                    ("mail_to", "c@d.test"),
                ],
                "smtp_security",
                "choose",
            ),
            (
                &[
                    ("kind", "email"),
                    ("smtp_host", "smtp.test"),
                    ("smtp_port", "25"),
                    ("smtp_security", "plain"),
                    ("mail_from", "not-an-address"),
                    ("mail_to", "c@d.test"),
                ],
                "mail_from",
                "not an e-mail",
            ),
            (
                &[
                    ("kind", "email"),
                    ("smtp_host", "smtp.test"),
                    ("smtp_port", "25"),
                    ("smtp_security", "plain"),
                    ("mail_from", "a@b.test"),
                    ("mail_to", ""),
                ],
                "mail_to",
                "at least one",
            ),
            (
                &[
                    ("kind", "email"),
                    ("smtp_host", "bad host!"),
                    ("smtp_port", "25"),
                    ("smtp_security", "plain"),
                    ("mail_from", "a@b.test"),
                    ("mail_to", "c@d.test"),
                ],
                "smtp_host",
                "'",
            ),
            (&[("kind", "fax")], "kind", "choose"),
        ];
        for (pairs, field, message) in cases {
            let mut values = form(pairs);
            values.insert("name".into(), "n".into());
            let errors = ChannelInput::validate(&values).unwrap_err();
            let got = errors.get(field).unwrap_or_default();
            assert!(got.contains(message), "{field}: {got:?} in {errors:?}");
        }
    }
}
