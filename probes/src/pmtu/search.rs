//! Path MTU search logic, apart from the socket so it can be tested with a fake sender.

use std::future::Future;
use std::time::Duration;

use crate::Reason;

/// Sizes tried, largest first (whole IPv6 packets): Ethernet, 6in4 (1500 - 20), 6in4 with a
/// PPPoE-sized margin, WireGuard, and the IPv6 minimum every link must carry.
pub const SIZES: [u16; 5] = [1500, 1480, 1472, 1420, 1280];
/// The IPv6 minimum MTU: a Packet Too Big below it is bogus.
const MIN_MTU: u16 = 1280;
/// Echoes per size before the size counts as lost (one lost echo is not a black hole).
const TRIES: usize = 2;

/// What one echo of one size came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt {
    /// An echo reply came back.
    Reply(Duration),
    /// A router answered with an ICMPv6 Packet Too Big carrying this MTU.
    TooBig(u16),
    /// The packet is larger than the local link: the kernel refused to send it (EMSGSIZE).
    LocalTooBig,
    /// Nothing came back in time.
    Lost,
    /// Something else ended the search (unreachable, socket error).
    Failed(Reason, String),
}

/// Sends one echo of a given size (the whole IPv6 packet) and says what came of it.
pub trait EchoSender {
    fn send(&mut self, size: u16) -> impl Future<Output = Attempt> + Send;
}

/// The result of a search.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    /// The largest size answered; `None` when no size was.
    pub mtu: Option<u16>,
    /// The MTU a Packet Too Big announced, when one arrived.
    pub ptb: Option<u16>,
    /// A larger size was lost without a Packet Too Big while a smaller one passed.
    pub blackhole: bool,
    pub reason: Reason,
    pub detail: String,
    /// Round trip of the echo that found the MTU.
    pub rtt: Option<Duration>,
}

/// Try the sizes largest first; a Packet Too Big moves the next try to the MTU it names.
pub async fn search<S: EchoSender>(sender: &mut S) -> Search {
    let mut queue: Vec<u16> = SIZES.to_vec();
    let mut silent_loss: Option<u16> = None;
    let mut ptb: Option<u16> = None;
    let mut next = 0;
    while let Some(&size) = queue.get(next) {
        next += 1;
        let mut attempt = Attempt::Lost;
        for _ in 0..TRIES {
            attempt = sender.send(size).await;
            if attempt != Attempt::Lost {
                break;
            }
        }
        match attempt {
            Attempt::Reply(rtt) => return found(size, silent_loss, ptb, rtt),
            Attempt::TooBig(announced) => {
                ptb = Some(announced);
                // Try the announced size next, then only the listed sizes below it. A PTB
                // below the IPv6 minimum is bogus: the minimum is tried instead.
                let mtu = announced.max(MIN_MTU);
                if mtu < size {
                    queue.retain(|&s| s < mtu);
                    queue.insert(0, mtu);
                    next = 0;
                }
            }
            Attempt::LocalTooBig => {}
            Attempt::Lost => {
                silent_loss.get_or_insert(size);
            }
            Attempt::Failed(reason, detail) => {
                return Search {
                    mtu: None,
                    ptb,
                    blackhole: false,
                    reason,
                    detail,
                    rtt: None,
                };
            }
        }
    }
    Search {
        mtu: None,
        ptb,
        blackhole: false,
        reason: Reason::Timeout,
        detail: format!("no echo reply at any size down to {MIN_MTU} bytes"),
        rtt: None,
    }
}

fn found(size: u16, silent_loss: Option<u16>, ptb: Option<u16>, rtt: Duration) -> Search {
    let ptb_note = match ptb {
        Some(mtu) => format!(" (Packet Too Big announced {mtu})"),
        None => String::new(),
    };
    match silent_loss {
        Some(lost) => Search {
            mtu: Some(size),
            ptb,
            blackhole: true,
            reason: Reason::PmtuBlackhole,
            detail: format!(
                "path MTU {size}: {lost}-byte packets vanished without an ICMPv6 Packet Too \
                 Big while {size}-byte ones passed{ptb_note}"
            ),
            rtt: Some(rtt),
        },
        None => Search {
            mtu: Some(size),
            ptb,
            blackhole: false,
            reason: Reason::Ok,
            detail: format!("path MTU {size}{ptb_note}"),
            rtt: Some(rtt),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// A path with a link MTU: sizes up to it are answered; above it a Packet Too Big, or
    /// nothing when PTBs are dropped. `local` is the sender's own link MTU.
    struct FakePath {
        mtu: u16,
        ptb: bool,
        local: u16,
        lose_first: HashMap<u16, usize>,
        sent: Vec<u16>,
    }

    impl EchoSender for FakePath {
        async fn send(&mut self, size: u16) -> Attempt {
            self.sent.push(size);
            if let Some(left) = self.lose_first.get_mut(&size).filter(|n| **n > 0) {
                *left -= 1;
                return Attempt::Lost;
            }
            if size > self.local {
                Attempt::LocalTooBig
            } else if size <= self.mtu {
                Attempt::Reply(Duration::from_millis(3))
            } else if self.ptb {
                Attempt::TooBig(self.mtu)
            } else {
                Attempt::Lost
            }
        }
    }

    fn path(mtu: u16, ptb: bool, local: u16) -> FakePath {
        FakePath {
            mtu,
            ptb,
            local,
            lose_first: HashMap::new(),
            sent: Vec::new(),
        }
    }

    fn run(path: &mut FakePath) -> Search {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(search(path))
    }

    #[test]
    fn sizes_answered_and_ptb_seen_or_not() {
        // (path MTU, PTB delivered, local MTU) → (MTU found, black hole, reason)
        let table: [(u16, bool, u16, Option<u16>, bool, Reason); 9] = [
            (1500, true, 1500, Some(1500), false, Reason::Ok),
            (1480, true, 1500, Some(1480), false, Reason::Ok),
            (1420, true, 1500, Some(1420), false, Reason::Ok),
            (1400, true, 1500, Some(1400), false, Reason::Ok),
            (1480, false, 1500, Some(1480), true, Reason::PmtuBlackhole),
            (1420, false, 1500, Some(1420), true, Reason::PmtuBlackhole),
            (1300, false, 1500, Some(1280), true, Reason::PmtuBlackhole),
            // The local link is the limit: the kernel says so, nothing is lost.
            (1500, false, 1480, Some(1480), false, Reason::Ok),
            (1000, false, 1500, None, false, Reason::Timeout),
        ];
        for (mtu, ptb, local, want_mtu, want_hole, want_reason) in table {
            let result = run(&mut path(mtu, ptb, local));
            let case = format!("mtu {mtu} ptb {ptb} local {local}: {result:?}");
            assert_eq!(result.mtu, want_mtu, "{case}");
            assert_eq!(result.blackhole, want_hole, "{case}");
            assert_eq!(result.reason, want_reason, "{case}");
        }
    }

    #[test]
    fn a_ptb_jumps_to_the_announced_size() {
        let mut fake = path(1480, true, 1500);
        let result = run(&mut fake);
        assert_eq!(result.ptb, Some(1480));
        assert_eq!(fake.sent, [1500, 1480]);
    }

    #[test]
    fn one_lost_echo_is_retried_not_a_black_hole() {
        let mut fake = path(1500, true, 1500);
        fake.lose_first.insert(1500, 1);
        let result = run(&mut fake);
        assert_eq!((result.mtu, result.blackhole), (Some(1500), false));
        assert_eq!(fake.sent, [1500, 1500]);
    }

    #[test]
    fn a_failure_ends_the_search() {
        struct Unreachable;
        impl EchoSender for Unreachable {
            async fn send(&mut self, _size: u16) -> Attempt {
                Attempt::Failed(Reason::Unreachable, "no route".into())
            }
        }
        let result = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(search(&mut Unreachable));
        assert_eq!(result.reason, Reason::Unreachable);
        assert_eq!(result.mtu, None);
    }
}
