//! Keep-alive: our pings on a schedule, the pong timeout, and the round-trip time of a pong.
//! One [`KeepAlive`] lives with each connection (a reconnect starts a fresh one); the session's
//! select loop asks it when to wake ([`KeepAlive::next_deadline`]) and what is due then
//! ([`KeepAlive::due`]). Pure bookkeeping on [`Instant`]s: no I/O, no events.
//!
//! # Contract
//!
//! - With `ping_interval_ms` > 0 a ping is sent every interval while connected, the first one
//!   an interval after `Connected`. Its payload is its number in ASCII (`1`, `2`, ...), so each
//!   pong can be matched to its ping. It is reported like any ping we send (`Ping{Sent}`).
//! - Every ping we send (keep-alive or `Command::Ping`) is remembered with the moment it went
//!   out, the newest [`MAX_OUTSTANDING`] of them. A pong whose payload equals a remembered
//!   ping's answers it: its `Pong{Received}` event carries [`RoundTrip`], the time from our
//!   write to the read that brought the pong, and that ping and every older one are
//!   forgotten (a peer may answer only the most recent ping, RFC 6455 §5.5.3). A pong that
//!   matches none still proves the peer alive: it forgets them all, without a round trip.
//! - Pong timeout: with `pong_timeout_ms` > 0, a ping of ours still unanswered that long ends
//!   the connection: "no pong within N ms", the socket dropped without a close handshake, a
//!   1006 by Network, followed by a reconnect when reconnects are set.
//! - While the session is paused by backpressure (the socket is not read, so a pong could be
//!   waiting unread), the pong timeout is held: it never expires sooner than a whole timeout
//!   after the pause.

use std::collections::VecDeque;
use std::num::NonZeroU32;
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;

use crate::model::ConnectionSettings;

/// How many unanswered pings are remembered for matching pongs.
pub const MAX_OUTSTANDING: usize = 32;

/// How long a pong took to answer our ping, in microseconds (at least 1, at most ~71 min).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoundTrip(NonZeroU32);

impl RoundTrip {
    pub fn from_duration(elapsed: Duration) -> Self {
        let micros = u32::try_from(elapsed.as_micros()).unwrap_or(u32::MAX);
        Self(NonZeroU32::new(micros).unwrap_or(NonZeroU32::MIN))
    }

    pub fn from_micros(micros: u32) -> Self {
        Self(NonZeroU32::new(micros).unwrap_or(NonZeroU32::MIN))
    }

    pub fn micros(self) -> u32 {
        self.0.get()
    }

    /// Milliseconds with the microseconds as fraction, e.g. 3.2.
    pub fn millis(self) -> f64 {
        f64::from(self.0.get()) / 1000.0
    }
}

impl std::fmt::Display for RoundTrip {
    /// "3.2 ms", "0.41 ms", "1250 ms".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = self.millis();
        if ms < 1.0 {
            write!(f, "{ms:.2} ms")
        } else if ms < 100.0 {
            write!(f, "{ms:.1} ms")
        } else {
            write!(f, "{ms:.0} ms")
        }
    }
}

/// What is due when [`KeepAlive::next_deadline`] passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// Send this keep-alive ping now (then call [`KeepAlive::sent`]).
    Ping(Bytes),
    /// No pong within the timeout (in ms): the connection is dead.
    Dead(u64),
    Nothing,
}

/// The keep-alive state of one connection.
#[derive(Debug)]
pub struct KeepAlive {
    interval: Option<Duration>,
    timeout: Option<Duration>,
    next_ping: Option<Instant>,
    /// Keep-alive pings sent so far (their payloads count up from 1).
    count: u64,
    /// Our unanswered pings, oldest first: payload and when it went out.
    outstanding: VecDeque<(Bytes, Instant)>,
    /// When the oldest unanswered ping times out.
    pong_deadline: Option<Instant>,
}

impl KeepAlive {
    /// The state right after `Connected` at `now`.
    pub fn new(settings: &ConnectionSettings, now: Instant) -> Self {
        let interval = (settings.ping_interval_ms > 0)
            .then(|| Duration::from_millis(settings.ping_interval_ms));
        Self {
            interval,
            timeout: (settings.pong_timeout_ms > 0)
                .then(|| Duration::from_millis(settings.pong_timeout_ms)),
            next_ping: interval.map(|every| now + every),
            count: 0,
            outstanding: VecDeque::new(),
            pong_deadline: None,
        }
    }

    /// When [`Self::due`] has something to do; `None` when nothing is scheduled.
    pub fn next_deadline(&self) -> Option<Instant> {
        match (self.next_ping, self.pong_deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// What is due at `now`: a dead connection first, then a keep-alive ping.
    pub fn due(&mut self, now: Instant) -> Due {
        if let (Some(deadline), Some(timeout)) = (self.pong_deadline, self.timeout)
            && now >= deadline
        {
            return Due::Dead(u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX));
        }
        match (self.next_ping, self.interval) {
            (Some(at), Some(every)) if now >= at => {
                // A late wake-up (a busy runtime) does not send a burst to catch up.
                self.next_ping = Some((at + every).max(now + every / 2));
                self.count += 1;
                Due::Ping(Bytes::from(self.count.to_string()))
            }
            _ => Due::Nothing,
        }
    }

    /// Records a ping of ours (keep-alive or asked for) that went out at `at`.
    pub fn sent(&mut self, payload: &Bytes, at: Instant) {
        if self.outstanding.len() == MAX_OUTSTANDING {
            self.outstanding.pop_front();
        }
        self.outstanding.push_back((payload.clone(), at));
        if self.pong_deadline.is_none() {
            self.pong_deadline = self.timeout.map(|timeout| at + timeout);
        }
    }

    /// A pong arrived at `at`: the round trip when it answers one of our pings.
    pub fn answered(&mut self, payload: &[u8], at: Instant) -> Option<RoundTrip> {
        let matched = self.outstanding.iter().position(|(p, _)| p[..] == *payload);
        let rtt = match matched {
            Some(index) => {
                let (_, sent) = self.outstanding[index];
                self.outstanding.drain(..=index);
                Some(RoundTrip::from_duration(at.saturating_duration_since(sent)))
            }
            None => {
                self.outstanding.clear();
                None
            }
        };
        self.pong_deadline = match (self.outstanding.front(), self.timeout) {
            // The next unanswered ping gets its whole timeout from now at least.
            (Some(&(_, sent)), Some(timeout)) => Some((sent + timeout).max(at + timeout / 2)),
            _ => None,
        };
        rtt
    }

    /// The socket is not being read at `now` (backpressure): hold the pong timeout.
    pub fn hold(&mut self, now: Instant) {
        if let (Some(deadline), Some(timeout)) = (&mut self.pong_deadline, self.timeout) {
            *deadline = (*deadline).max(now + timeout);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(interval: u64, timeout: u64) -> ConnectionSettings {
        ConnectionSettings {
            ping_interval_ms: interval,
            pong_timeout_ms: timeout,
            ..ConnectionSettings::default()
        }
    }

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn pings_count_up_every_interval() {
        let t0 = Instant::now();
        let mut k = KeepAlive::new(&settings(100, 0), t0);
        assert_eq!(k.next_deadline(), Some(t0 + 100 * MS));
        assert_eq!(k.due(t0 + 50 * MS), Due::Nothing);
        assert_eq!(k.due(t0 + 100 * MS), Due::Ping(Bytes::from_static(b"1")));
        assert_eq!(k.next_deadline(), Some(t0 + 200 * MS));
        // Woken very late: one ping, not a burst.
        assert_eq!(k.due(t0 + 900 * MS), Due::Ping(Bytes::from_static(b"2")));
        assert_eq!(k.due(t0 + 901 * MS), Due::Nothing);
    }

    #[test]
    fn off_schedules_nothing() {
        let t0 = Instant::now();
        let mut k = KeepAlive::new(&settings(0, 0), t0);
        assert_eq!(k.next_deadline(), None);
        k.sent(&Bytes::from_static(b"x"), t0);
        assert_eq!(k.next_deadline(), None);
        assert_eq!(k.due(t0 + 10_000 * MS), Due::Nothing);
    }

    #[test]
    fn a_pong_answers_its_ping_and_the_older_ones() {
        let t0 = Instant::now();
        let mut k = KeepAlive::new(&settings(0, 1000), t0);
        k.sent(&Bytes::from_static(b"a"), t0);
        k.sent(&Bytes::from_static(b"b"), t0 + 10 * MS);
        k.sent(&Bytes::from_static(b"c"), t0 + 20 * MS);
        assert_eq!(k.next_deadline(), Some(t0 + 1000 * MS));
        let rtt = k.answered(b"b", t0 + 13 * MS).expect("answers b");
        assert_eq!(rtt.micros(), 3000);
        assert_eq!(rtt.to_string(), "3.0 ms");
        // "a" is forgotten with it; "c" is still waiting.
        assert_eq!(k.answered(b"a", t0 + 14 * MS), None);
        assert_eq!(
            k.next_deadline(),
            None,
            "an unmatched pong forgets them all"
        );
    }

    #[test]
    fn no_pong_in_time_is_dead_and_hold_postpones_it() {
        let t0 = Instant::now();
        let mut k = KeepAlive::new(&settings(0, 500), t0);
        k.sent(&Bytes::new(), t0);
        assert_eq!(k.due(t0 + 499 * MS), Due::Nothing);
        k.hold(t0 + 400 * MS);
        assert_eq!(k.due(t0 + 500 * MS), Due::Nothing);
        assert_eq!(k.due(t0 + 900 * MS), Due::Dead(500));
    }

    #[test]
    fn round_trips_print_in_readable_units() {
        assert_eq!(RoundTrip::from_micros(410).to_string(), "0.41 ms");
        assert_eq!(RoundTrip::from_micros(3_240).to_string(), "3.2 ms");
        assert_eq!(RoundTrip::from_micros(1_250_000).to_string(), "1250 ms");
        assert_eq!(RoundTrip::from_duration(Duration::ZERO).micros(), 1);
    }
}
