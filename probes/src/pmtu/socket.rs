//! Path MTU probe, the real sender: a raw ICMPv6 socket (root), so that a router's Packet Too
//! Big reaches us as a message we can read. The socket uses IPV6_PMTUDISC_PROBE and
//! IPV6_DONTFRAG: the kernel neither fragments our echo nor shrinks it to a cached path MTU,
//! so each size really travels as one packet; one larger than the local link fails with
//! EMSGSIZE. (The alternative, reading IPV6_MTU on a connected socket after an EMSGSIZE,
//! only reports what a PTB already told the kernel: it cannot tell a black hole from loss.)

use std::io;
use std::mem::MaybeUninit;
use std::net::{Ipv6Addr, SocketAddrV6};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::search::{Attempt, EchoSender};
use crate::Reason;

/// How long one echo waits for its reply or a Packet Too Big.
const WAIT: Duration = Duration::from_millis(800);
const IPV6_HEADER: usize = 40;
const ICMP_HEADER: usize = 8;
const ECHO_REQUEST: u8 = 128;
const ECHO_REPLY: u8 = 129;
const DEST_UNREACHABLE: u8 = 1;
const PACKET_TOO_BIG: u8 = 2;
const NEXT_HEADER_ICMPV6: u8 = 58;
const EMSGSIZE: i32 = 90;

pub(super) struct RawEcho {
    socket: Arc<Socket>,
    target: Ipv6Addr,
    id: u16,
    seq: u16,
}

impl RawEcho {
    pub(super) fn open(target: Ipv6Addr) -> io::Result<RawEcho> {
        let socket = Socket::new(Domain::IPV6, Type::RAW, Some(Protocol::ICMPV6))?;
        set_int(&socket, libc::IPV6_MTU_DISCOVER, libc::IPV6_PMTUDISC_PROBE)?;
        set_int(&socket, libc::IPV6_DONTFRAG, 1)?;
        Ok(RawEcho {
            socket: Arc::new(socket),
            target,
            id: rand::random(),
            seq: rand::random(),
        })
    }
}

fn set_int(socket: &Socket, name: libc::c_int, value: libc::c_int) -> io::Result<()> {
    // SAFETY: a valid open descriptor, an int option of the documented size.
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::IPPROTO_IPV6,
            name,
            std::ptr::from_ref(&value).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

impl EchoSender for RawEcho {
    fn send(&mut self, size: u16) -> impl std::future::Future<Output = Attempt> + Send {
        self.seq = self.seq.wrapping_add(1);
        let (socket, target, id, seq) = (self.socket.clone(), self.target, self.id, self.seq);
        async move {
            tokio::task::spawn_blocking(move || exchange(&socket, target, id, seq, size))
                .await
                .unwrap_or_else(|e| Attempt::Failed(Reason::SocketError, e.to_string()))
        }
    }
}

/// Send one echo of `size` bytes (whole IPv6 packet) and wait for what answers it.
fn exchange(socket: &Socket, target: Ipv6Addr, id: u16, seq: u16, size: u16) -> Attempt {
    let payload = usize::from(size).saturating_sub(IPV6_HEADER + ICMP_HEADER);
    let mut packet = vec![ECHO_REQUEST, 0, 0, 0];
    packet.extend_from_slice(&id.to_be_bytes());
    packet.extend_from_slice(&seq.to_be_bytes());
    packet.resize(ICMP_HEADER + payload, 0);
    // The kernel fills in the ICMPv6 checksum on raw ICMPv6 sockets.
    let to = SockAddr::from(SocketAddrV6::new(target, 0, 0, 0));
    let started = Instant::now();
    if let Err(err) = socket.send_to(&packet, &to) {
        if err.raw_os_error() == Some(EMSGSIZE) {
            return Attempt::LocalTooBig;
        }
        return Attempt::Failed(Reason::from_io(&err), format!("sending failed: {err}"));
    }
    let mut buf = [MaybeUninit::<u8>::uninit(); 2048];
    loop {
        let Some(left) = WAIT.checked_sub(started.elapsed()).filter(|d| !d.is_zero()) else {
            return Attempt::Lost;
        };
        if let Err(err) = socket.set_read_timeout(Some(left)) {
            return Attempt::Failed(Reason::SocketError, err.to_string());
        }
        let (len, from) = match socket.recv_from(&mut buf) {
            Ok(got) => got,
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Attempt::Lost;
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Attempt::Failed(Reason::from_io(&err), err.to_string()),
        };
        let bytes: Vec<u8> = buf
            .get(..len)
            .unwrap_or_default()
            .iter()
            // SAFETY: recv_from initialised the first `len` bytes.
            .map(|b| unsafe { b.assume_init() })
            .collect();
        let source = from.as_socket_ipv6().map(|a| *a.ip());
        if let Some(attempt) = classify(&bytes, source, target, id, seq, started.elapsed()) {
            return attempt;
        }
    }
}

/// What a received ICMPv6 message says about our echo `id`/`seq`; `None` when it is not about it.
pub(super) fn classify(
    bytes: &[u8],
    source: Option<Ipv6Addr>,
    target: Ipv6Addr,
    id: u16,
    seq: u16,
    rtt: Duration,
) -> Option<Attempt> {
    let ours = |header: &[u8]| {
        header.get(4..8) == Some(&[id.to_be_bytes(), seq.to_be_bytes()].concat()[..])
    };
    match *bytes.first()? {
        ECHO_REPLY if source == Some(target) && ours(bytes) => Some(Attempt::Reply(rtt)),
        kind @ (PACKET_TOO_BIG | DEST_UNREACHABLE) => {
            // The error quotes our packet: its IPv6 header, then our echo request.
            let quoted = bytes.get(ICMP_HEADER..)?;
            let quoted_dst: [u8; 16] = quoted.get(24..40)?.try_into().ok()?;
            let echo = quoted.get(IPV6_HEADER..)?;
            if *quoted.get(6)? != NEXT_HEADER_ICMPV6
                || Ipv6Addr::from(quoted_dst) != target
                || *echo.first()? != ECHO_REQUEST
                || !ours(echo)
            {
                return None;
            }
            let from = source.map(|s| s.to_string()).unwrap_or_else(|| "?".into());
            if kind == PACKET_TOO_BIG {
                let mtu: [u8; 4] = bytes.get(4..8)?.try_into().ok()?;
                let mtu = u16::try_from(u32::from_be_bytes(mtu)).unwrap_or(u16::MAX);
                Some(Attempt::TooBig(mtu))
            } else {
                Some(Attempt::Failed(
                    Reason::Unreachable,
                    format!("ICMPv6 destination unreachable from {from}"),
                ))
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0x77, 0, 0, 0, 0, 0x10);

    fn quoting(kind: u8, mtu: u32, dst: Ipv6Addr, id: u16, seq: u16) -> Vec<u8> {
        let mut m = vec![kind, 0, 0, 0];
        m.extend_from_slice(&mtu.to_be_bytes());
        let mut ip = vec![0x60, 0, 0, 0, 0x05, 0xb0, NEXT_HEADER_ICMPV6, 64];
        ip.extend_from_slice(&[0; 16]);
        ip.extend_from_slice(&dst.octets());
        m.extend_from_slice(&ip);
        m.extend_from_slice(&[ECHO_REQUEST, 0, 0, 0]);
        m.extend_from_slice(&id.to_be_bytes());
        m.extend_from_slice(&seq.to_be_bytes());
        m
    }

    #[test]
    fn messages_about_our_echo_and_others() {
        let rtt = Duration::from_millis(2);
        let router = Some(Ipv6Addr::new(0x2001, 0xdb8, 0x76, 0, 0, 0, 0, 1));
        let reply = [ECHO_REPLY, 0, 0, 0, 0, 7, 0, 9];
        let table: [(&[u8], Option<Ipv6Addr>, Option<Attempt>); 7] = [
            (&reply, Some(TARGET), Some(Attempt::Reply(rtt))),
            (&reply, router, None),
            (&[ECHO_REPLY, 0, 0, 0, 0, 7, 0, 8], Some(TARGET), None),
            (
                &quoting(PACKET_TOO_BIG, 1480, TARGET, 7, 9),
                router,
                Some(Attempt::TooBig(1480)),
            ),
            (&quoting(PACKET_TOO_BIG, 1480, TARGET, 7, 10), router, None),
            (
                &quoting(PACKET_TOO_BIG, 1480, Ipv6Addr::LOCALHOST, 7, 9),
                router,
                None,
            ),
            (&[PACKET_TOO_BIG, 0, 0], router, None),
        ];
        for (bytes, source, want) in table {
            assert_eq!(
                classify(bytes, source, TARGET, 7, 9, rtt),
                want,
                "{bytes:?}"
            );
        }
        let unreachable = classify(
            &quoting(DEST_UNREACHABLE, 0, TARGET, 7, 9),
            router,
            TARGET,
            7,
            9,
            rtt,
        );
        assert!(matches!(
            unreachable,
            Some(Attempt::Failed(Reason::Unreachable, _))
        ));
    }
}
