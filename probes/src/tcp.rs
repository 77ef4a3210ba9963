//! Probe stage, TCP: connect to every address of a host, IPv6 and IPv4 kept apart.

use std::net::SocketAddr;
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::Instant;

use crate::deadline::{Deadline, millis, secs};
use crate::dns::{Host, HostAddress, addresses_for};
use crate::family::is_ipv4_mapped;
use crate::prober::{bounded, dns_outcome, report_failure};
use crate::{Family, Outcome, ProbeKind, Prober, Reason};

/// Why a connection could not be made.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConnectFailure {
    pub reason: Reason,
    pub detail: String,
}

/// Open a TCP connection to exactly `address`. An IPv6 socket is IPv6-only, and an
/// IPv4-mapped IPv6 address is refused, so nothing reaches IPv4 on the IPv6 side.
pub(crate) async fn connect(
    address: SocketAddr,
    limit: Duration,
    deny: &[ipnet::IpNet],
) -> Result<(TcpStream, Duration), ConnectFailure> {
    connect_with_mss(address, limit, deny, None).await
}

/// [`connect`], asking the far end for segments of at most `mss` bytes when given (the SYN
/// carries it), so its packets fit a path narrower than both ends' links.
pub(crate) async fn connect_with_mss(
    address: SocketAddr,
    limit: Duration,
    deny: &[ipnet::IpNet],
    mss: Option<u32>,
) -> Result<(TcpStream, Duration), ConnectFailure> {
    if let Some(detail) = crate::deny::denied(deny, address.ip()) {
        return Err(ConnectFailure {
            reason: Reason::Denied,
            detail,
        });
    }
    if is_ipv4_mapped(address.ip()) {
        return Err(ConnectFailure {
            reason: Reason::Unreachable,
            detail: format!(
                "{} is an IPv4-mapped address: it would be reached over IPv4",
                address.ip()
            ),
        });
    }
    let socket = open_socket(address, mss).map_err(|e| ConnectFailure {
        reason: Reason::SocketError,
        detail: format!("cannot open a TCP socket: {e}"),
    })?;
    let started = Instant::now();
    match tokio::time::timeout(limit, socket.connect(address)).await {
        Ok(Ok(stream)) => Ok((stream, started.elapsed())),
        Ok(Err(e)) => Err(ConnectFailure {
            reason: Reason::from_io(&e),
            detail: format!("connect to {address}: {e}"),
        }),
        Err(_) => Err(ConnectFailure {
            reason: Reason::Timeout,
            detail: format!("connect to {address}: no answer within {}", secs(limit)),
        }),
    }
}

fn open_socket(address: SocketAddr, mss: Option<u32>) -> std::io::Result<TcpSocket> {
    let domain = match address {
        SocketAddr::V6(_) => Domain::IPV6,
        SocketAddr::V4(_) => Domain::IPV4,
    };
    let socket = Socket::new(domain, Type::STREAM, Some(Protocol::TCP))?;
    if domain == Domain::IPV6 {
        socket.set_only_v6(true)?;
    }
    socket.set_nonblocking(true)?;
    socket.set_tcp_nodelay(true)?;
    if let Some(mss) = mss {
        socket.set_tcp_mss(mss)?;
    }
    Ok(TcpSocket::from_std_stream(socket.into()))
}

async fn probe_family(prober: &Prober, host: &Host, port: u16, family: Family) -> Vec<Outcome> {
    let deadline = Deadline::after(prober.config.timeout);
    let addresses = match addresses_for(prober, host, family, deadline).await {
        Ok(addresses) => addresses,
        Err(failure) if report_failure(family, &failure) => {
            return vec![dns_outcome(ProbeKind::Tcp, family, failure).with_port(port)];
        }
        Err(_) => return Vec::new(),
    };
    let attempts = addresses
        .into_iter()
        .map(|address| probe_address(prober, address, port, deadline));
    futures::future::join_all(attempts).await
}

async fn probe_address(
    prober: &Prober,
    address: HostAddress,
    port: u16,
    deadline: Deadline,
) -> Outcome {
    let family = Family::of(address.ip);
    let target = SocketAddr::new(address.ip, port);
    let limit = deadline.cap(prober.config.connect_timeout);
    let outcome = match connect(target, limit, &prober.config.deny).await {
        Ok((_stream, elapsed)) => Outcome::new(
            ProbeKind::Tcp,
            family,
            Some(address.ip),
            Reason::Ok,
            format!("connected to {target}"),
        )
        .with_latency_ms(millis(elapsed)),
        Err(failure) => Outcome::new(
            ProbeKind::Tcp,
            family,
            Some(address.ip),
            failure.reason,
            failure.detail,
        ),
    };
    outcome
        .with_port(port)
        .with_synthesized(address.synthesized)
}

/// The TCP probe: both families at once, every address of each.
pub(crate) async fn probe(prober: &Prober, host: &str, port: u16) -> Vec<Outcome> {
    let host = Host::parse(host);
    let (v6, v4) = tokio::join!(
        bounded(
            prober,
            ProbeKind::Tcp,
            Family::V6,
            probe_family(prober, &host, port, Family::V6)
        ),
        bounded(
            prober,
            ProbeKind::Tcp,
            Family::V4,
            probe_family(prober, &host, port, Family::V4)
        ),
    );
    v6.into_iter().chain(v4).collect()
}
