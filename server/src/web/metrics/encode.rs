//! The `/metrics` body: a snapshot of the stored state, in the OpenMetrics text format
//! (which Prometheus scrapes), encoded by `prometheus-client`.

use model::inventory::tunnel_health::{TunnelHealth, TunnelState};
use probes::ProbeSpec;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;
use std::time::Duration;
use store::metrics::{CheckSample, VerdictSample};

/// Everything one scrape reports.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub checks: Vec<CheckSample>,
    pub verdicts: Vec<VerdictSample>,
    /// Hosts, prefixes, tunnels, containers, services.
    pub inventory: [i64; 5],
    /// Probe runs the scheduler started since the process started.
    pub probe_runs: u64,
    /// Scheduling lateness quantiles: (quantile, lateness).
    pub lateness: Vec<(f64, Duration)>,
    /// Current address-plan findings: (code, how many).
    pub plan_findings: Vec<(String, usize)>,
    /// Opted-in hosts and containers: (kind, name, ports open over IPv6 only).
    pub exposure: Vec<(String, String, usize)>,
    /// Every tunnel by name, with its health from its own checks.
    pub tunnels: Vec<(String, TunnelState)>,
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// A label value from the inventory or the network. The encoder writes label values as
/// they are, so a name holding `"`, `\` or a line break could end the value and forge a
/// sample: this escapes them the way the exposition formats define.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct Text(String);

impl EncodeLabelValue for Text {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        use std::fmt::Write;
        for c in self.0.chars() {
            match c {
                '\\' => encoder.write_str("\\\\")?,
                '"' => encoder.write_str("\\\"")?,
                '\n' => encoder.write_str("\\n")?,
                c => encoder.write_char(c)?,
            }
        }
        Ok(())
    }
}

fn text(s: impl Into<String>) -> Text {
    Text(s.into())
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CheckLabels {
    check_id: i64,
    kind: Text,
    subject_kind: Text,
    subject: Text,
    target: Text,
    family: Text,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerdictLabels {
    service_id: i64,
    service: Text,
    verdict: Text,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: Text,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabel {
    code: Text,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ExposureLabel {
    subject_kind: Text,
    subject: Text,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TunnelHealthLabels {
    tunnel: Text,
    health: Text,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TunnelLabel {
    tunnel: Text,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QuantileLabel {
    quantile: Text,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: Text,
}

const VERDICTS: [&str; 3] = ["ready", "partial", "broken"];
const INVENTORY: [&str; 5] = ["host", "prefix", "tunnel", "container", "service"];

/// What a check probes, as a label: an address, a name, `host:port` or a URL.
fn target(spec: &str) -> String {
    match serde_json::from_str::<ProbeSpec>(spec) {
        Ok(ProbeSpec::Icmp { address }) => address.to_string(),
        Ok(ProbeSpec::Pmtu { address }) => address.to_string(),
        Ok(ProbeSpec::Dns { name }) => name,
        Ok(ProbeSpec::Tcp { host, port }) => format!("{host}:{port}"),
        Ok(ProbeSpec::Http { url, .. }) => url.to_string(),
        Err(_) => String::new(),
    }
}

fn family<L>(registry: &mut Registry, name: &str, help: &str) -> Family<L, FloatGauge>
where
    L: EncodeLabelSet + Clone + std::hash::Hash + Eq + std::fmt::Debug + Send + Sync + 'static,
{
    let family = Family::<L, FloatGauge>::default();
    registry.register(name, help, family.clone());
    family
}

/// Encodes a snapshot.
pub fn render(snapshot: &Snapshot) -> Result<String, std::fmt::Error> {
    let mut registry = Registry::default();

    let up = family::<CheckLabels>(
        &mut registry,
        "v6watch_check_up",
        "Whether the newest run of the check succeeded in this address family (1) or not (0)",
    );
    let latency = family::<CheckLabels>(
        &mut registry,
        "v6watch_check_latency_seconds",
        "Latency of the newest successful or timed run of the check",
    );
    let last_run = family::<CheckLabels>(
        &mut registry,
        "v6watch_check_last_run_timestamp_seconds",
        "When the newest run of the check ended, as Unix time",
    );
    for sample in &snapshot.checks {
        let labels = CheckLabels {
            check_id: sample.check_id,
            kind: text(&sample.kind),
            subject_kind: text(&sample.subject_kind),
            subject: text(&sample.subject),
            target: text(target(&sample.spec)),
            family: text(&sample.family),
        };
        up.get_or_create(&labels)
            .set(if sample.ok { 1.0 } else { 0.0 });
        if let Some(ms) = sample.latency_ms.filter(|ms| ms.is_finite()) {
            latency.get_or_create(&labels).set(ms / 1000.0);
        }
        last_run
            .get_or_create(&labels)
            .set(sample.at as f64 / 1000.0);
    }

    let verdict = family::<VerdictLabels>(
        &mut registry,
        "v6watch_service_verdict",
        "The service's IPv6-only verdict: 1 on the label of the current verdict, 0 on the others",
    );
    for sample in &snapshot.verdicts {
        for name in VERDICTS {
            let labels = VerdictLabels {
                service_id: sample.service_id,
                service: text(&sample.service),
                verdict: text(name),
            };
            verdict
                .get_or_create(&labels)
                .set(if sample.verdict == name { 1.0 } else { 0.0 });
        }
    }
    let readiness = FloatGauge::default();
    registry.register(
        "v6watch_services_ready_ratio",
        "Share of judged services an IPv6-only client can fully use",
        readiness.clone(),
    );
    let ready = snapshot
        .verdicts
        .iter()
        .filter(|v| v.verdict == "ready")
        .count();
    if !snapshot.verdicts.is_empty() {
        readiness.set(ready as f64 / snapshot.verdicts.len() as f64);
    }

    let objects = family::<KindLabel>(
        &mut registry,
        "v6watch_inventory_objects",
        "Objects in the inventory, by kind",
    );
    for (kind, count) in INVENTORY.iter().zip(snapshot.inventory) {
        objects
            .get_or_create(&KindLabel { kind: text(*kind) })
            .set(count as f64);
    }

    let findings = family::<CodeLabel>(
        &mut registry,
        "v6watch_plan_findings",
        "Current address-plan findings, by code",
    );
    for (code, count) in &snapshot.plan_findings {
        findings
            .get_or_create(&CodeLabel { code: text(code) })
            .set(*count as f64);
    }

    let exposed = family::<ExposureLabel>(
        &mut registry,
        "v6watch_exposed_ports",
        "Ports that answer over IPv6 but not over IPv4, per host or container opted in to the exposure scan",
    );
    for (kind, name, count) in &snapshot.exposure {
        exposed
            .get_or_create(&ExposureLabel {
                subject_kind: text(kind),
                subject: text(name),
            })
            .set(*count as f64);
    }

    // A state set: 1 for the tunnel's health, 0 for the others, so a query can alert on
    // `v6watch_tunnel_health{health="down"} == 1`.
    let tunnel_health = family::<TunnelHealthLabels>(
        &mut registry,
        "v6watch_tunnel_health",
        "Each tunnel's health from its own checks (1 for the current one): up, degraded, down, endpoint_down, unknown",
    );
    let path_mtu = family::<TunnelLabel>(
        &mut registry,
        "v6watch_tunnel_path_mtu_bytes",
        "The path MTU measured through each tunnel to its far IPv6 address",
    );
    for (name, state) in &snapshot.tunnels {
        for health in TunnelHealth::ALL {
            tunnel_health
                .get_or_create(&TunnelHealthLabels {
                    tunnel: text(name),
                    health: text(health.as_str()),
                })
                .set(if health == state.health { 1.0 } else { 0.0 });
        }
        if let Some(mtu) = state.readings.path_mtu {
            path_mtu
                .get_or_create(&TunnelLabel { tunnel: text(name) })
                .set(f64::from(mtu));
        }
    }

    let runs: Counter<u64> = Counter::default();
    runs.inc_by(snapshot.probe_runs);
    registry.register(
        "v6watch_probe_runs",
        "Probe runs the scheduler started since v6watch started",
        runs,
    );
    let lateness = family::<QuantileLabel>(
        &mut registry,
        "v6watch_scheduler_lateness_seconds",
        "How late probe runs started compared with when they were due, by quantile",
    );
    for (q, late) in &snapshot.lateness {
        lateness
            .get_or_create(&QuantileLabel {
                quantile: text(q.to_string()),
            })
            .set(late.as_secs_f64());
    }

    let build = family::<BuildLabels>(
        &mut registry,
        "v6watch_build_info",
        "The running v6watch version (always 1)",
    );
    build
        .get_or_create(&BuildLabels {
            version: text(env!("CARGO_PKG_VERSION")),
        })
        .set(1.0);

    let mut body = String::new();
    encode(&mut body, &registry)?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(ok: bool, family: &str) -> CheckSample {
        CheckSample {
            check_id: 7,
            kind: "http".into(),
            spec: r#"{"kind":"http","url":"https://cloud.example/","expected_status":null}"#.into(),
            subject_kind: "service".into(),
            subject_id: 3,
            subject: "cloud".into(),
            enabled: true,
            family: family.into(),
            ok,
            reason: if ok { "ok" } else { "timeout" }.into(),
            latency_ms: Some(12.5),
            at: 1_700_000_000_000,
        }
    }

    #[test]
    fn checks_verdicts_and_build_info_are_encoded() {
        let snapshot = Snapshot {
            checks: vec![sample(false, "v6"), sample(true, "v4")],
            verdicts: vec![VerdictSample {
                service_id: 3,
                service: "cloud".into(),
                verdict: "partial".into(),
                reason: None,
            }],
            inventory: [1, 2, 0, 0, 1],
            probe_runs: 42,
            lateness: vec![(0.5, Duration::from_millis(3))],
            plan_findings: vec![("duplicate_address".into(), 2)],
            exposure: vec![("host".into(), "nas".into(), 3)],
            tunnels: vec![(
                "he".into(),
                TunnelState {
                    health: TunnelHealth::Degraded,
                    readings: model::inventory::tunnel_health::TunnelReadings {
                        path_mtu: Some(1280),
                        ..Default::default()
                    },
                },
            )],
        };
        let body = render(&snapshot).unwrap();
        assert!(
            body.contains(r#"v6watch_tunnel_health{tunnel="he",health="degraded"} 1"#),
            "{body}"
        );
        assert!(
            body.contains(r#"v6watch_tunnel_health{tunnel="he",health="up"} 0"#),
            "{body}"
        );
        assert!(
            body.contains(r#"v6watch_tunnel_path_mtu_bytes{tunnel="he"} 1280"#),
            "{body}"
        );
        assert!(body.contains(
            r#"v6watch_check_up{check_id="7",kind="http",subject_kind="service",subject="cloud",target="https://cloud.example/",family="v6"} 0"#
        ), "{body}");
        assert!(body.contains(r#"family="v4"} 1"#), "{body}");
        assert!(body.contains(
            r#"v6watch_service_verdict{service_id="3",service="cloud",verdict="partial"} 1"#
        ));
        assert!(body.contains(
            r#"v6watch_service_verdict{service_id="3",service="cloud",verdict="ready"} 0"#
        ));
        assert!(body.contains("v6watch_services_ready_ratio 0"));
        assert!(body.contains("v6watch_probe_runs_total 42"));
        assert!(body.contains(r#"v6watch_inventory_objects{kind="prefix"} 2"#));
        assert!(body.contains("v6watch_build_info{version="));
        assert!(body.contains(r#"v6watch_plan_findings{code="duplicate_address"} 2"#));
        assert!(
            body.contains(r#"v6watch_exposed_ports{subject_kind="host",subject="nas"} 3"#),
            "{body}"
        );
        assert!(body.ends_with("# EOF\n"));
    }

    #[test]
    fn hostile_names_stay_inside_their_label_value() {
        let mut check = sample(true, "v6");
        check.subject = "evil\"} v6watch_fake 1\n# EOF\n\\".into();
        let body = render(&Snapshot {
            checks: vec![check],
            ..Snapshot::default()
        })
        .unwrap();
        // One line per sample: the newline and quote are escaped, no forged metric appears.
        assert!(
            !body.lines().any(|line| line.starts_with("v6watch_fake")),
            "{body}"
        );
        assert_eq!(body.lines().filter(|l| *l == "# EOF").count(), 1, "{body}");
    }
}
