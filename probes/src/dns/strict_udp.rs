//! Probe stage, DNS: the resolver's UDP sockets, made to notice a malformed reply.
//!
//! The resolver drops a reply it cannot parse and waits on, to resist off-path garbage, so a
//! nameserver that answers every query with broken bytes looks exactly like a silent one
//! (`dns_timeout`). A monitor must tell them apart: a reply that carries the query's id and
//! comes from the nameserver it was sent to, but does not parse, ends the query as an error
//! (`dns_error`, "malformed reply"). Replies from elsewhere or with another id are still
//! ignored as before.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use hickory_resolver::proto::op::Message;
use hickory_resolver::proto::runtime::iocompat::AsyncIoTokioAsStd;
use hickory_resolver::proto::runtime::{
    RuntimeProvider, TokioHandle, TokioRuntimeProvider, TokioTime,
};
use hickory_resolver::proto::udp::DnsUdpSocket;
use tokio::net::TcpStream;

/// What [`StrictUdp`] says when a reply is malformed; [`super::failure`] looks for it.
pub(crate) const MALFORMED: &str = "the nameserver sent a malformed reply";

/// Tokio's runtime for the resolver, with [`StrictUdp`] sockets.
#[derive(Clone, Default)]
pub(crate) struct StrictUdpRuntime(TokioRuntimeProvider);

impl RuntimeProvider for StrictUdpRuntime {
    type Handle = TokioHandle;
    type Timer = TokioTime;
    type Udp = StrictUdp;
    type Tcp = AsyncIoTokioAsStd<TcpStream>;

    fn create_handle(&self) -> Self::Handle {
        self.0.create_handle()
    }

    fn connect_tcp(
        &self,
        server_addr: SocketAddr,
        bind_addr: Option<SocketAddr>,
        timeout: Option<Duration>,
    ) -> Pin<Box<dyn Send + Future<Output = io::Result<Self::Tcp>>>> {
        self.0.connect_tcp(server_addr, bind_addr, timeout)
    }

    fn bind_udp(
        &self,
        local_addr: SocketAddr,
        server_addr: SocketAddr,
    ) -> Pin<Box<dyn Send + Future<Output = io::Result<Self::Udp>>>> {
        let bound = self.0.bind_udp(local_addr, server_addr);
        Box::pin(async move {
            Ok(StrictUdp {
                socket: bound.await?,
                server: server_addr,
                query_id: AtomicU32::new(NO_QUERY),
            })
        })
    }
}

/// No query sent yet (ids are 16 bits, so this is none of them).
const NO_QUERY: u32 = u32::MAX;

/// A UDP socket for one nameserver that remembers the id of the query it sent last.
pub(crate) struct StrictUdp {
    socket: tokio::net::UdpSocket,
    server: SocketAddr,
    query_id: AtomicU32,
}

impl StrictUdp {
    /// Whether `reply` answers our query (its id, from our server) but does not parse.
    fn is_malformed_answer(&self, reply: &[u8], from: SocketAddr) -> bool {
        let expected = self.query_id.load(Ordering::Relaxed);
        let same_server = from.ip() == self.server.ip() && from.port() == self.server.port();
        let id = match reply {
            [high, low, ..] => u32::from(u16::from_be_bytes([*high, *low])),
            _ => return false,
        };
        same_server && id == expected && Message::from_vec(reply).is_err()
    }
}

impl DnsUdpSocket for StrictUdp {
    type Time = TokioTime;

    fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        let (len, from) = ready!(DnsUdpSocket::poll_recv_from(&self.socket, cx, buf))?;
        let reply = buf.get(..len).unwrap_or_default();
        if self.is_malformed_answer(reply, from) {
            let why = format!("{MALFORMED} ({len} bytes from {from})");
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, why)));
        }
        Poll::Ready(Ok((len, from)))
    }

    fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        if let [high, low, ..] = buf {
            let id = u32::from(u16::from_be_bytes([*high, *low]));
            self.query_id.store(id, Ordering::Relaxed);
        }
        DnsUdpSocket::poll_send_to(&self.socket, cx, buf, target)
    }
}
