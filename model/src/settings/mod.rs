//! Probe settings changed in the browser: the DNS resolvers the probes ask, extra NAT64
//! prefixes, and whether scheduled verdicts use the browser judge. Stored ones override the
//! serve flags (`--resolver`, `--nat64-prefix`, `--browser-judge`); an empty field falls back
//! to the flags, and without those to the system's resolv.conf.

use crate::domain::FieldErrors;
use crate::domain::FormValues;
use crate::domain::form::value;
use serde::{Deserialize, Serialize};

/// What the settings page stores; each list is empty when the flags apply.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeSettings {
    /// Nameservers as written, e.g. `[2001:db8::53]:53` or `192.0.2.53`.
    pub resolvers: Vec<String>,
    /// NAT64 prefixes besides `64:ff9b::/96`, e.g. `2001:db8:64::/96`.
    pub nat64_prefixes: Vec<String>,
    /// The browser judge for scheduled verdicts turned on or off here; `None`: as the
    /// `--browser-judge` flag says.
    #[serde(default)]
    pub browser_judge: Option<bool>,
}

/// The settings page's choices for the browser judge: (form value, label).
pub const BROWSER_JUDGE_CHOICES: [(&str, &str); 3] = [
    ("", "as started (--browser-judge)"),
    ("on", "on: a real browser loads each page"),
    ("off", "off: read the HTML and CSS only"),
];

fn parse_switch(text: &str) -> Result<Option<bool>, String> {
    match text.trim() {
        "" => Ok(None),
        "on" => Ok(Some(true)),
        "off" => Ok(Some(false)),
        other => Err(format!(
            "'{other}' is not a choice: on, off or empty (as started)"
        )),
    }
}

/// The serve flags the stored settings override, as the page shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeFlags {
    pub resolvers: Vec<String>,
    pub nat64_prefixes: Vec<String>,
    /// The scheduler runs (not `--no-scheduler`): saved settings apply at once.
    pub live: bool,
    /// `--browser-judge`: `auto`, `on` or `off`.
    #[serde(default)]
    pub browser_judge: String,
    /// The Chromium the browser judge drives, when one was found.
    #[serde(default)]
    pub chromium: Option<String>,
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\n', ','])
        .map(str::trim)
        .filter(|l| !l.is_empty())
}

/// One nameserver: an IPv6 or IPv4 address with an optional port, as `--resolver` takes it.
fn parse_resolver(text: &str) -> Result<String, String> {
    crate::domain::parse_nameserver(text)
        .map(|addr| addr.to_string())
        .map_err(|e| e.to_string())
}

fn parse_nat64(text: &str) -> Result<String, String> {
    text.parse::<ipnet::Ipv6Net>()
        .map(|net| net.trunc().to_string())
        .map_err(|_| format!("'{text}' is not an IPv6 prefix such as 2001:db8:64::/96"))
}

/// Parses every line; the first bad one is the field's message.
fn list(
    errors: &mut FieldErrors,
    values: &FormValues,
    field: &str,
    parse: fn(&str) -> Result<String, String>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in lines(value(values, field)) {
        match parse(line) {
            Ok(item) if !out.contains(&item) => out.push(item),
            Ok(_) => {}
            Err(message) => {
                errors.add(field, message);
                return Vec::new();
            }
        }
    }
    if out.len() > 16 {
        errors.add(field, "at most 16 entries");
    }
    out
}

impl ProbeSettings {
    pub fn validate(values: &FormValues) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let resolvers = list(&mut errors, values, "resolvers", parse_resolver);
        let nat64_prefixes = list(&mut errors, values, "nat64_prefixes", parse_nat64);
        let browser_judge =
            parse_switch(value(values, "browser_judge")).unwrap_or_else(|message| {
                errors.add("browser_judge", message);
                None
            });
        if errors.is_empty() {
            Ok(Self {
                resolvers,
                nat64_prefixes,
                browser_judge,
            })
        } else {
            Err(errors)
        }
    }

    pub fn form_values(&self) -> FormValues {
        FormValues::from([
            ("resolvers".into(), self.resolvers.join("\n")),
            ("nat64_prefixes".into(), self.nat64_prefixes.join("\n")),
            (
                "browser_judge".into(),
                switch_value(self.browser_judge).into(),
            ),
        ])
    }
}

/// The form (and stored) value of the browser-judge switch.
pub fn switch_value(switch: Option<bool>) -> &'static str {
    match switch {
        None => "",
        Some(true) => "on",
        Some(false) => "off",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::test_form as form;

    #[test]
    fn resolvers_and_prefixes_parse_one_per_line_and_empty_means_the_flags() {
        let empty = ProbeSettings::validate(&form(&[("resolvers", " \n")])).unwrap();
        assert_eq!(empty, ProbeSettings::default());
        let nat64 = ProbeSettings::validate(&form(&[(
            "nat64_prefixes",
            "2001:db8:64::1/96\n2001:db8:64::/96",
        )]))
        .unwrap();
        assert_eq!(
            nat64.nat64_prefixes,
            ["2001:db8:64::/96"],
            "truncated, once"
        );
        let bad = ProbeSettings::validate(&form(&[("nat64_prefixes", "192.0.2.0/24")]));
        assert!(bad.unwrap_err().get("nat64_prefixes").is_some());
    }

    #[test]
    fn resolvers_follow_the_resolver_flag_rules() {
        let ok =
            ProbeSettings::validate(&form(&[("resolvers", "[2001:db8::53]:5353\n192.0.2.53")]))
                .unwrap();
        assert_eq!(ok.resolvers, ["[2001:db8::53]:5353", "192.0.2.53:53"]);
        for bad in ["ns.example", "2001:db8::53:53:zz", "192.0.2.300"] {
            let errors = ProbeSettings::validate(&form(&[("resolvers", bad)])).unwrap_err();
            assert!(errors.get("resolvers").is_some(), "{bad}");
        }
    }

    #[test]
    fn the_browser_judge_switch_is_on_off_or_as_started() {
        for (text, switch) in [("", None), ("on", Some(true)), ("off", Some(false))] {
            let parsed = ProbeSettings::validate(&form(&[("browser_judge", text)])).unwrap();
            assert_eq!(parsed.browser_judge, switch, "{text:?}");
            assert_eq!(
                ProbeSettings::validate(&parsed.form_values()).unwrap(),
                parsed,
                "round trip of {text:?}"
            );
        }
        let errors = ProbeSettings::validate(&form(&[("browser_judge", "yes")])).unwrap_err();
        assert!(errors.get("browser_judge").unwrap().contains("'yes'"));
    }
}
