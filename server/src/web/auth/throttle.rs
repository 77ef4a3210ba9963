//! A limit on password guessing: at most [`LoginLimits::per_name`] failed sign-ins per user
//! name and [`LoginLimits::per_client`] per client network (an IPv6 client's /64, an IPv4
//! client's address) within [`LoginLimits::window`]; the attempt that reaches a limit locks
//! that name or network out for a whole window. Every attempt is counted as a failure when
//! it starts (and given back when it succeeds), so parallel attempts cannot get past a
//! limit while their passwords are being checked.
//!
//! A name's lock-out does not shut out its owner: a network a name signed in from before is
//! trusted for that name (for [`TRUSTED_FOR`], until a restart), and attempts from it are
//! held only by that network's own limit. So guesses from elsewhere lock the name for
//! everyone else while the admin still gets in from home.
//!
//! Memory stays constant: each map tracks at most [`LoginLimits::max_keys`] keys, and a new
//! key beyond that evicts expired entries first, then those seen longest ago (locked-out
//! ones last). User names are kept as their SHA-256, so a long name costs no more than a
//! short one.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginLimits {
    /// Failed sign-ins per user name within a window before it is locked.
    pub per_name: u32,
    /// Failed sign-ins per client network within a window before it is locked.
    pub per_client: u32,
    /// How long failures count, and how long a lock-out lasts.
    pub window: Duration,
    /// Keys tracked per map (names, networks).
    pub max_keys: usize,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            per_name: 5,
            per_client: 20,
            window: Duration::from_secs(15 * 60),
            max_keys: 10_000,
        }
    }
}

/// Where the time comes from: the real clock, or a test's.
pub type Clock = Arc<dyn Fn() -> Instant + Send + Sync>;

#[derive(Clone, Copy, Debug)]
struct Record {
    failures: u32,
    window_start: Instant,
    locked_until: Option<Instant>,
    last_seen: Instant,
}

impl Record {
    fn new(now: Instant) -> Self {
        Record {
            failures: 0,
            window_start: now,
            locked_until: None,
            last_seen: now,
        }
    }

    fn expired(&self, now: Instant, window: Duration) -> bool {
        let unlocked = self.locked_until.is_none_or(|until| now >= until);
        unlocked && now.duration_since(self.window_start) >= window
    }

    fn locked(&self, now: Instant) -> Option<Instant> {
        self.locked_until.filter(|until| now < *until)
    }
}

/// One map of counters, bounded.
struct Counters<K> {
    records: HashMap<K, Record>,
}

impl<K: Hash + Eq + Clone> Counters<K> {
    fn new() -> Self {
        Counters {
            records: HashMap::new(),
        }
    }

    fn locked(&self, key: &K, now: Instant) -> Option<Instant> {
        self.records.get(key).and_then(|r| r.locked(now))
    }

    /// Counts one attempt against `key`; locks it when that reaches `limit`.
    fn count(&mut self, key: &K, limit: u32, limits: &LoginLimits, now: Instant) {
        if !self.records.contains_key(key) {
            self.make_room(limits, now);
        }
        let record = self
            .records
            .entry(key.clone())
            .or_insert_with(|| Record::new(now));
        if record.expired(now, limits.window) {
            *record = Record::new(now);
        }
        record.failures += 1;
        record.last_seen = now;
        if record.failures >= limit {
            record.locked_until = Some(now + limits.window);
        }
    }

    /// Gives back one counted attempt (it succeeded).
    fn refund(&mut self, key: &K, limit: u32) {
        if let Some(record) = self.records.get_mut(key) {
            record.failures = record.failures.saturating_sub(1);
            if record.failures < limit {
                record.locked_until = None;
            }
        }
    }

    /// At the cap: drops the expired entries, then (if that was not enough) the tenth seen
    /// longest ago, locked-out ones last. Done in one pass per tenth of the cap, so a flood
    /// of new keys costs little per key.
    fn make_room(&mut self, limits: &LoginLimits, now: Instant) {
        let cap = limits.max_keys.max(1);
        if self.records.len() < cap {
            return;
        }
        self.records.retain(|_, r| !r.expired(now, limits.window));
        if self.records.len() < cap {
            return;
        }
        let keep = cap - cap.div_ceil(10);
        let mut by_age: Vec<((bool, Instant), K)> = self
            .records
            .iter()
            .map(|(k, r)| ((r.locked(now).is_some(), r.last_seen), k.clone()))
            .collect();
        let evict = by_age.len() - keep;
        by_age.select_nth_unstable_by_key(evict - 1, |(age, _)| *age);
        for (_, key) in by_age.into_iter().take(evict) {
            self.records.remove(&key);
        }
    }
}

/// How long a network a name signed in from stays trusted for that name.
pub const TRUSTED_FOR: Duration = Duration::from_secs(30 * 24 * 3600);

struct Tracked {
    names: Counters<[u8; 32]>,
    clients: Counters<IpAddr>,
    /// (name, network) → when that name last signed in from that network.
    trusted: HashMap<([u8; 32], IpAddr), Instant>,
}

impl Tracked {
    fn is_trusted(&self, attempt: &Attempt, now: Instant) -> bool {
        self.trusted
            .get(&(attempt.name, attempt.client))
            .is_some_and(|at| now.duration_since(*at) < TRUSTED_FOR)
    }

    /// Remembers a sign-in; at the cap, forgets the trust given longest ago.
    fn trust(&mut self, attempt: &Attempt, now: Instant, cap: usize) {
        let key = (attempt.name, attempt.client);
        if !self.trusted.contains_key(&key) && self.trusted.len() >= cap.max(1) {
            self.trusted
                .retain(|_, at| now.duration_since(*at) < TRUSTED_FOR);
            if self.trusted.len() >= cap.max(1)
                && let Some(oldest) = self
                    .trusted
                    .iter()
                    .min_by_key(|(_, at)| **at)
                    .map(|(k, _)| *k)
            {
                self.trusted.remove(&oldest);
            }
        }
        self.trusted.insert(key, now);
    }
}

/// Who is signing in: the user name as typed (compared without case) and the client.
#[derive(Clone, Debug)]
pub struct Attempt {
    name: [u8; 32],
    client: IpAddr,
}

impl Attempt {
    pub fn new(username: &str, client: IpAddr) -> Self {
        Attempt {
            name: Sha256::digest(username.trim().to_lowercase().as_bytes()).into(),
            client: client_network(client),
        }
    }
}

/// The part of an address one client controls: an IPv6 /64, an IPv4 address (also when
/// it arrives IPv4-mapped).
pub fn client_network(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        },
    }
}

/// Refused: this name or network is locked out for `retry_after` more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockedOut {
    pub retry_after: Duration,
}

pub struct LoginThrottle {
    limits: LoginLimits,
    clock: Clock,
    tracked: Mutex<Tracked>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new(LoginLimits::default())
    }
}

impl LoginThrottle {
    pub fn new(limits: LoginLimits) -> Self {
        LoginThrottle::with_clock(limits, Arc::new(Instant::now))
    }

    pub fn with_clock(limits: LoginLimits, clock: Clock) -> Self {
        LoginThrottle {
            limits,
            clock,
            tracked: Mutex::new(Tracked {
                names: Counters::new(),
                clients: Counters::new(),
                trusted: HashMap::new(),
            }),
        }
    }

    pub fn limits(&self) -> LoginLimits {
        self.limits
    }

    /// Admits an attempt, counting it as a failure until [`Self::succeeded`] says
    /// otherwise; or refuses it at once when its name or network is locked out.
    pub fn begin(&self, attempt: &Attempt) -> Result<(), LockedOut> {
        let now = (self.clock)();
        let mut tracked = self.tracked.lock().unwrap_or_else(|p| p.into_inner());
        let trusted = tracked.is_trusted(attempt, now);
        let name_lock = if trusted {
            None
        } else {
            tracked.names.locked(&attempt.name, now)
        };
        let locked = [name_lock, tracked.clients.locked(&attempt.client, now)]
            .into_iter()
            .flatten()
            .max();
        if let Some(until) = locked {
            return Err(LockedOut {
                retry_after: until.duration_since(now),
            });
        }
        let limits = self.limits;
        if !trusted {
            tracked
                .names
                .count(&attempt.name, limits.per_name, &limits, now);
        }
        tracked
            .clients
            .count(&attempt.client, limits.per_client, &limits, now);
        Ok(())
    }

    /// The attempt signed in: its name starts afresh, and it does not count against its
    /// network.
    pub fn succeeded(&self, attempt: &Attempt) {
        let now = (self.clock)();
        let mut tracked = self.tracked.lock().unwrap_or_else(|p| p.into_inner());
        if !tracked.is_trusted(attempt, now) {
            // A sign-in from a trusted network says nothing about guesses elsewhere.
            tracked.names.records.remove(&attempt.name);
        }
        tracked.trust(attempt, now, self.limits.max_keys);
        tracked
            .clients
            .refund(&attempt.client, self.limits.per_client);
    }

    /// How many keys are tracked (names, networks).
    pub fn tracked(&self) -> (usize, usize) {
        let tracked = self.tracked.lock().unwrap_or_else(|p| p.into_inner());
        (tracked.names.records.len(), tracked.clients.records.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// A clock that moves only when told to.
    fn manual_clock() -> (Clock, Arc<AtomicU64>) {
        let start = Instant::now();
        let offset = Arc::new(AtomicU64::new(0));
        let read = offset.clone();
        let clock: Clock =
            Arc::new(move || start + Duration::from_secs(read.load(Ordering::SeqCst)));
        (clock, offset)
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn five_failures_lock_a_name_for_the_window_and_success_clears_it() {
        let (clock, offset) = manual_clock();
        let throttle = LoginThrottle::with_clock(LoginLimits::default(), clock);
        let from = |n: u8| Attempt::new("Admin", ip(&format!("2001:db8:{n}::1")));
        for n in 0..5 {
            assert_eq!(throttle.begin(&from(n)), Ok(()), "attempt {n}");
        }
        // Locked from any address, whatever the case of the name.
        let locked = throttle.begin(&Attempt::new(" admin", ip("192.0.2.7")));
        assert_eq!(
            locked,
            Err(LockedOut {
                retry_after: Duration::from_secs(900)
            })
        );
        assert!(
            throttle
                .begin(&Attempt::new("other", ip("192.0.2.7")))
                .is_ok()
        );
        offset.store(899, Ordering::SeqCst);
        assert!(throttle.begin(&from(9)).is_err());
        offset.store(900, Ordering::SeqCst);
        let attempt = from(9);
        assert_eq!(throttle.begin(&attempt), Ok(()));
        throttle.succeeded(&attempt);
        for n in 0..5 {
            assert_eq!(throttle.begin(&from(n)), Ok(()), "after success, {n}");
        }
    }

    #[test]
    fn guesses_from_elsewhere_do_not_lock_the_owner_out_of_a_network_it_used() {
        let (clock, offset) = manual_clock();
        let throttle = LoginThrottle::with_clock(LoginLimits::default(), clock);
        let home = Attempt::new("admin", ip("2001:db8:aa::10"));
        assert_eq!(throttle.begin(&home), Ok(()));
        throttle.succeeded(&home);
        for n in 0..5 {
            let guess = Attempt::new("admin", ip(&format!("2001:db8:{n}::1")));
            assert_eq!(throttle.begin(&guess), Ok(()), "guess {n}");
        }
        // The name is locked for every other network...
        assert!(
            throttle
                .begin(&Attempt::new("admin", ip("192.0.2.7")))
                .is_err()
        );
        // ...but home (another address of the same /64) still gets in, and keeps the lock on.
        let again = Attempt::new("Admin", ip("2001:db8:aa::99"));
        assert_eq!(throttle.begin(&again), Ok(()));
        throttle.succeeded(&again);
        assert!(
            throttle
                .begin(&Attempt::new("admin", ip("192.0.2.7")))
                .is_err()
        );
        // Home's own mistakes are held by its network limit (20), not the name's.
        for n in 0..20 {
            assert_eq!(throttle.begin(&home), Ok(()), "home mistake {n}");
        }
        assert!(
            throttle.begin(&home).is_err(),
            "the network limit still holds"
        );
        // Trust ends after its time.
        offset.store(TRUSTED_FOR.as_secs() + 1, Ordering::SeqCst);
        let late = Attempt::new("admin", ip("2001:db8:bb::1"));
        assert_eq!(throttle.begin(&late), Ok(()));
    }

    #[test]
    fn a_client_network_is_its_ipv6_64_or_its_ipv4_address() {
        assert_eq!(
            client_network(ip("2001:db8:1:2:aaaa::1")),
            ip("2001:db8:1:2::")
        );
        assert_eq!(client_network(ip("192.0.2.9")), ip("192.0.2.9"));
        assert_eq!(client_network(ip("::ffff:192.0.2.9")), ip("192.0.2.9"));

        let throttle = LoginThrottle::default();
        for n in 0..20 {
            let attempt = Attempt::new(&format!("user{n}"), ip(&format!("2001:db8:1:2::{n:x}")));
            assert_eq!(throttle.begin(&attempt), Ok(()), "{n}");
        }
        let same_64 = Attempt::new("fresh", ip("2001:db8:1:2:ffff::1"));
        assert!(throttle.begin(&same_64).is_err());
        let next_64 = Attempt::new("fresh", ip("2001:db8:1:3::1"));
        assert!(throttle.begin(&next_64).is_ok());
    }

    #[test]
    fn the_tracked_keys_stay_bounded_under_100k_distinct_names() {
        let limits = LoginLimits {
            per_client: u32::MAX,
            ..LoginLimits::default()
        };
        let throttle = LoginThrottle::new(limits);
        let admin = Attempt::new("admin", ip("2001:db8::1"));
        for _ in 0..5 {
            let _ = throttle.begin(&admin);
        }
        for n in 0..100_000u32 {
            let client = IpAddr::V6(Ipv6Addr::from(u128::from(n) << 64));
            let _ = throttle.begin(&Attempt::new(&format!("name-{n}"), client));
            let (names, clients) = throttle.tracked();
            assert!(
                names <= limits.max_keys && clients <= limits.max_keys,
                "{n}: {names}, {clients}"
            );
        }
        // Locked entries go last: the flood did not unlock the admin.
        assert!(throttle.begin(&admin).is_err());
    }
}
