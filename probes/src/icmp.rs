//! Probe stage, ICMP: echo requests to one address over one shared socket per family; only
//! an Echo Reply counts.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

use surge_ping::{Client, Config, ICMP, IcmpPacket, PingIdentifier, PingSequence, SurgeError};
use tracing::debug;

use crate::deadline::{Deadline, millis, secs};
use crate::family::is_ipv4_mapped;
use crate::{Family, Outcome, ProbeKind, Prober, Reason, nat64};

/// Time between two echo requests of one probe.
const INTERVAL: Duration = Duration::from_millis(200);
const PAYLOAD: &[u8; 16] = b"v6watch-probe-v1";

const ICMPV6_DEST_UNREACHABLE: u8 = 1;
const ICMPV6_PACKET_TOO_BIG: u8 = 2;
const ICMPV6_TIME_EXCEEDED: u8 = 3;
const ICMPV6_ECHO_REPLY: u8 = 129;
const ICMPV4_ECHO_REPLY: u8 = 0;
const ICMPV4_DEST_UNREACHABLE: u8 = 3;
const ICMPV4_TIME_EXCEEDED: u8 = 11;

/// The ICMP sockets of a prober: one per family, opened once, shared by every probe.
pub(crate) struct IcmpClients {
    pub v6: Result<Client, String>,
    pub v4: Result<Client, String>,
    /// Sequence numbers are unique across the prober, so concurrent probes of one address
    /// never wait for each other's replies (datagram sockets carry no identifier of ours).
    next_seq: AtomicU16,
}

impl IcmpClients {
    /// Open both sockets: raw where permitted, else a datagram ("ping") socket. Must run
    /// inside a tokio runtime (each client spawns its receiving task).
    pub(crate) fn open() -> IcmpClients {
        IcmpClients {
            v6: open_client(ICMP::V6),
            v4: open_client(ICMP::V4),
            next_seq: AtomicU16::new(rand::random()),
        }
    }

    fn client(&self, family: Family) -> &Result<Client, String> {
        match family {
            Family::V6 => &self.v6,
            Family::V4 => &self.v4,
        }
    }
}

fn open_client(kind: ICMP) -> Result<Client, String> {
    let config = Config::builder()
        .kind(kind)
        .sock_type_hint(socket2::Type::RAW)
        .build();
    let client = Client::new(&config).map_err(|e| {
        let name = match kind {
            ICMP::V6 => "ICMPv6",
            ICMP::V4 => "ICMP",
        };
        format!(
            "cannot open an {name} socket (raw or datagram): {}; allow unprivileged ping with \
             sysctl net.ipv4.ping_group_range=\"0 2147483647\" (it governs ICMPv6 too) or \
             grant CAP_NET_RAW",
            e.to_string().lines().next().unwrap_or_default()
        )
    })?;
    enlarge_receive_queue(&client);
    Ok(client)
}

/// Every reply to every probe of a family arrives on one socket: with the kernel's default
/// queue (about 200 KiB) a burst of a few hundred echo checks overflows it and replies are
/// dropped, which would read as loss. 4 MiB holds thousands; the kernel caps it at
/// `net.core.rmem_max`, and the default stays if it refuses.
fn enlarge_receive_queue(client: &Client) {
    const QUEUE: usize = 4 << 20;
    let fd = client.get_socket().get_native_sock();
    // SAFETY: `fd` is the open socket owned by `client`, which outlives this borrow.
    let socket = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
    if let Err(err) = socket2::SockRef::from(&socket).set_recv_buffer_size(QUEUE) {
        debug!(error = %err, "kept the ICMP socket's default receive queue");
    }
}

/// What one echo request came to.
#[derive(Debug, Clone, PartialEq)]
enum Echo {
    Reply(Duration),
    Error(Reason, String),
    Lost,
}

fn classify_packet(packet: &IcmpPacket, rtt: Duration) -> Echo {
    match packet {
        IcmpPacket::V6(p) => {
            let (kind, code) = (p.get_icmpv6_type().0, p.get_icmpv6_code().0);
            match kind {
                ICMPV6_ECHO_REPLY => Echo::Reply(rtt),
                ICMPV6_DEST_UNREACHABLE => Echo::Error(
                    Reason::Unreachable,
                    format!(
                        "ICMPv6 destination unreachable ({}) from {}",
                        icmpv6_unreachable_code(code),
                        p.get_source()
                    ),
                ),
                ICMPV6_PACKET_TOO_BIG => Echo::Error(
                    Reason::Unreachable,
                    format!("ICMPv6 packet too big from {}", p.get_source()),
                ),
                ICMPV6_TIME_EXCEEDED => Echo::Error(
                    Reason::Unreachable,
                    format!(
                        "ICMPv6 time exceeded from {} (routing loop?)",
                        p.get_source()
                    ),
                ),
                other => Echo::Error(
                    Reason::Unreachable,
                    format!("ICMPv6 type {other} code {code} instead of an echo reply"),
                ),
            }
        }
        IcmpPacket::V4(p) => {
            let (kind, code) = (p.get_icmp_type().0, p.get_icmp_code().0);
            match kind {
                ICMPV4_ECHO_REPLY => Echo::Reply(rtt),
                ICMPV4_DEST_UNREACHABLE => Echo::Error(
                    Reason::Unreachable,
                    format!(
                        "ICMP destination unreachable (code {code}) from {}",
                        p.get_source()
                    ),
                ),
                ICMPV4_TIME_EXCEEDED => Echo::Error(
                    Reason::Unreachable,
                    format!("ICMP time exceeded from {} (routing loop?)", p.get_source()),
                ),
                other => Echo::Error(
                    Reason::Unreachable,
                    format!("ICMP type {other} code {code} instead of an echo reply"),
                ),
            }
        }
    }
}

fn icmpv6_unreachable_code(code: u8) -> &'static str {
    match code {
        0 => "no route",
        1 => "administratively prohibited",
        2 => "beyond scope of source address",
        3 => "address unreachable",
        4 => "port unreachable",
        5 => "source address failed policy",
        6 => "reject route",
        _ => "other code",
    }
}

fn classify_error(error: &SurgeError) -> Echo {
    match error {
        SurgeError::Timeout { .. } => Echo::Lost,
        SurgeError::IOError(io) => {
            Echo::Error(Reason::from_io(io), format!("sending failed: {io}"))
        }
        other => Echo::Error(Reason::SocketError, format!("ICMP socket error: {other}")),
    }
}

/// Echo `address` `ping_count` times; ok when at least one Echo Reply arrives.
pub(crate) async fn probe(prober: &Prober, address: IpAddr) -> Outcome {
    let family = Family::of(address);
    let synthesized = match address {
        IpAddr::V6(v6) => nat64::is_synthesized(&v6, &prober.nat64),
        IpAddr::V4(_) => false,
    };
    let base = |reason, detail: String| {
        let mut outcome = Outcome::new(ProbeKind::Icmp, family, Some(address), reason, detail)
            .with_synthesized(synthesized);
        outcome.loss = Some(1.0);
        outcome
    };
    if let Some(detail) = crate::deny::denied(&prober.config.deny, address) {
        return base(Reason::Denied, detail);
    }
    if is_ipv4_mapped(address) {
        return base(
            Reason::Unreachable,
            format!("{address} is an IPv4-mapped address: it would be reached over IPv4"),
        );
    }
    let client = match prober.icmp.client(family) {
        Ok(client) => client.clone(),
        Err(why) => return base(Reason::SocketError, why.clone()),
    };
    let budget = prober.config.timeout;
    let deadline = Deadline::after(budget);
    let count = prober.config.ping_count.max(1);
    let ident = PingIdentifier(rand::random());
    let echoes = (0..count).map(|i| {
        let client = client.clone();
        let seq = PingSequence(prober.icmp.next_seq.fetch_add(1, Ordering::Relaxed));
        async move {
            tokio::time::sleep(INTERVAL * u32::from(i)).await;
            let wait = deadline.cap(prober.config.connect_timeout.max(Duration::from_secs(4)));
            if wait.is_zero() {
                return Echo::Lost;
            }
            let mut pinger = client.pinger(address, ident).await;
            pinger.timeout(wait);
            match pinger.ping(seq, PAYLOAD).await {
                Ok((packet, rtt)) => classify_packet(&packet, rtt),
                Err(error) => classify_error(&error),
            }
        }
    });
    let limit = budget + Duration::from_millis(100);
    let results = match tokio::time::timeout(limit, futures::future::join_all(echoes)).await {
        Ok(results) => results,
        Err(_) => vec![Echo::Lost; usize::from(count)],
    };
    debug!(%address, ?results, "icmp echoes");
    summarize(&results, base, budget)
}

fn summarize(
    results: &[Echo],
    base: impl Fn(Reason, String) -> Outcome,
    budget: Duration,
) -> Outcome {
    let sent = results.len().max(1);
    let rtts: Vec<f64> = results
        .iter()
        .filter_map(|e| match e {
            Echo::Reply(rtt) => Some(millis(*rtt)),
            _ => None,
        })
        .collect();
    if rtts.is_empty() {
        let first_error = results.iter().find_map(|e| match e {
            Echo::Error(reason, detail) => Some((*reason, detail.clone())),
            _ => None,
        });
        return match first_error {
            Some((reason, detail)) => base(reason, detail),
            None => base(
                Reason::Timeout,
                format!(
                    "no echo reply to {sent} echo requests within {}",
                    secs(budget)
                ),
            ),
        };
    }
    let min = rtts.iter().copied().fold(f64::INFINITY, f64::min);
    let max = rtts.iter().copied().fold(0.0, f64::max);
    let avg = rtts.iter().sum::<f64>() / rtts.len() as f64;
    let mut outcome = base(
        Reason::Ok,
        format!(
            "{}/{sent} echo replies, rtt min/avg/max {min:.3}/{avg:.3}/{max:.3} ms",
            rtts.len()
        ),
    );
    outcome.loss = Some(1.0 - rtts.len() as f64 / sent as f64);
    outcome.latency_ms = Some(avg);
    outcome.rtt_min_ms = Some(min);
    outcome.rtt_avg_ms = Some(avg);
    outcome.rtt_max_ms = Some(max);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(reason: Reason, detail: String) -> Outcome {
        let mut o = Outcome::new(ProbeKind::Icmp, Family::V6, None, reason, detail);
        o.loss = Some(1.0);
        o
    }

    #[test]
    fn summaries_count_only_echo_replies() {
        let ms = Duration::from_millis;
        let unreachable = || Echo::Error(Reason::Unreachable, "address unreachable".into());
        let cases: Vec<(Vec<Echo>, Reason, f64)> = vec![
            (
                vec![Echo::Reply(ms(1)), Echo::Reply(ms(3))],
                Reason::Ok,
                0.0,
            ),
            (
                vec![Echo::Reply(Duration::ZERO), Echo::Lost],
                Reason::Ok,
                0.5,
            ),
            (
                vec![Echo::Lost, Echo::Lost, Echo::Lost],
                Reason::Timeout,
                1.0,
            ),
            (
                vec![unreachable(), Echo::Lost, unreachable()],
                Reason::Unreachable,
                1.0,
            ),
            (vec![unreachable(), Echo::Reply(ms(2))], Reason::Ok, 0.5),
            (vec![], Reason::Timeout, 1.0),
        ];
        for (echoes, reason, loss) in cases {
            let outcome = summarize(&echoes, base, Duration::from_secs(1));
            assert_eq!(outcome.reason, reason, "{echoes:?}");
            assert_eq!(outcome.loss, Some(loss), "{echoes:?}");
        }
        let outcome = summarize(&[Echo::Reply(ms(1)), Echo::Reply(ms(3))], base, ms(1));
        assert_eq!(outcome.rtt_min_ms, Some(1.0));
        assert_eq!(outcome.rtt_avg_ms, Some(2.0));
        assert_eq!(outcome.rtt_max_ms, Some(3.0));
    }

    #[test]
    fn zero_rtt_is_a_reply() {
        let outcome = summarize(&[Echo::Reply(Duration::ZERO)], base, Duration::from_secs(1));
        assert_eq!(outcome.reason, Reason::Ok);
        assert_eq!(outcome.rtt_max_ms, Some(0.0));
    }
}
