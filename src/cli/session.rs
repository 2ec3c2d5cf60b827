//! The run loop of `wsprobe run`: one engine session, events drained in batches, the end
//! decided by [`Tracker`] (count, duration, server close, failure) or by Ctrl+C.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use crate::engine::{ClosedBy, Direction, Engine, Event, EventKind, EventReceiver, Outgoing};
use crate::engine::{SessionId, close_code_meaning};

use super::output::Printer;
use super::request::Prepared;
use super::{RunArgs, signal};

/// Events handled per batch before the loop looks at the clock and signals again.
const BATCH: usize = 4096;
/// Longest wait for an event; also how often Ctrl+C and deadlines are checked when idle.
const TICK: Duration = Duration::from_millis(50);
/// How long we wait for the engine's Closed after asking it to disconnect.
const CLOSE_GRACE: Duration = Duration::from_secs(2);
/// After an abnormal end with reconnect attempts left, how long we wait for the engine to
/// report the next attempt before deciding it will not come (so a run never hangs).
const RECONNECT_GRACE: Duration = Duration::from_secs(2);

/// What the run loop does after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Step {
    /// Print / log the event (false only for messages beyond --count).
    pub keep: bool,
    /// First successful connect: send the queued --send* messages now.
    pub send_now: bool,
    /// Ask the engine to disconnect; the run then exits with this code.
    pub stop: Option<i32>,
    /// The session is over: exit with this code.
    pub done: Option<i32>,
}

/// Decides when a run ends and with which exit code, from the events alone (pure logic).
#[derive(Debug, Clone)]
pub struct Tracker {
    count: Option<u64>,
    received: u64,
    reconnect_attempts: u32,
    connected: bool,
    connected_once: bool,
    /// The last reconnect attempt announced since the last successful connect.
    last_attempt: u32,
    /// Exit code chosen when we asked the engine to disconnect.
    stopping: Option<i32>,
    /// Set when the connection ended abnormally and the engine should try again.
    awaiting_reconnect: bool,
    last_error: Option<String>,
    last_close: Option<(u16, String, ClosedBy)>,
}

impl Tracker {
    pub fn new(count: Option<u64>, reconnect_attempts: u32) -> Self {
        Self {
            count,
            received: 0,
            reconnect_attempts,
            connected: false,
            connected_once: false,
            last_attempt: 0,
            stopping: None,
            awaiting_reconnect: false,
            last_error: None,
            last_close: None,
        }
    }

    pub fn is_connected(&self) -> bool {
        self.connected
    }

    pub fn awaiting_reconnect(&self) -> bool {
        self.awaiting_reconnect
    }

    pub fn stopping(&self) -> Option<i32> {
        self.stopping
    }

    /// Records that we asked the engine to disconnect; the run will exit with `code`.
    pub fn begin_stop(&mut self, code: i32) {
        self.stopping.get_or_insert(code);
    }

    fn reconnects_left(&self) -> bool {
        self.last_attempt < self.reconnect_attempts
    }

    /// The end of a connection (or of an attempt) that we did not ask for.
    fn ended_abnormally(&mut self) -> Option<i32> {
        if self.reconnects_left() {
            self.awaiting_reconnect = true;
            None
        } else {
            Some(1)
        }
    }

    pub fn on_event(&mut self, event: &Event) -> Step {
        let mut step = Step {
            keep: true,
            ..Step::default()
        };
        match &event.kind {
            EventKind::Connecting { .. } | EventKind::Redirected { .. } => {
                self.awaiting_reconnect = false;
            }
            EventKind::Reconnecting { attempt, of, .. } => {
                self.awaiting_reconnect = false;
                self.last_attempt = *attempt;
                self.reconnect_attempts = *of;
            }
            EventKind::Connected(_) => {
                self.awaiting_reconnect = false;
                self.connected = true;
                self.last_attempt = 0;
                if !self.connected_once {
                    self.connected_once = true;
                    step.send_now = true;
                    if self.count == Some(0) {
                        step.stop = Some(0);
                    }
                }
            }
            EventKind::Message {
                direction: Direction::Received,
                ..
            } => {
                if self.count.is_some_and(|n| self.received >= n) {
                    // --count reached: what still arrives before the close is not ours.
                    step.keep = false;
                    return step;
                }
                self.received += 1;
                if self.count == Some(self.received) {
                    step.stop = Some(0);
                }
            }
            EventKind::Message { .. } | EventKind::Ping { .. } | EventKind::Pong { .. } => {}
            EventKind::Closed { code, reason, by } => {
                self.connected = false;
                self.last_close = Some((*code, reason.clone(), *by));
                step.done = match (self.stopping, by, code) {
                    (Some(exit), _, _) => Some(exit),
                    // A close we did not ask for is normal only with 1000 (e.g. an engine
                    // closing with 1009 after a too-big message is an abnormal end).
                    (None, ClosedBy::Client | ClosedBy::Server, 1000) => Some(0),
                    _ => self.ended_abnormally(),
                };
            }
            EventKind::Error { message } => {
                self.last_error = Some(message.clone());
                // While connected an error (e.g. a message too big) is followed by a Closed;
                // before that, it is how a failed attempt (refused, 401, timeout) ends.
                if !self.connected {
                    step.done = match self.stopping {
                        Some(exit) => Some(exit),
                        None => self.ended_abnormally(),
                    };
                }
            }
        }
        if step.stop.is_some() && self.stopping.is_some() {
            step.stop = None;
        }
        if let Some(code) = step.stop {
            self.begin_stop(code);
        }
        step
    }

    /// The exit code when --duration ends: 0 if connected then, 1 if not.
    pub fn duration_exit_code(&self) -> i32 {
        if self.connected { 0 } else { 1 }
    }

    /// One line for stderr explaining an exit code of 1.
    pub fn failure_message(&self) -> String {
        let after = if self.last_attempt > 0 {
            format!(
                " (after {} reconnect attempt{})",
                self.last_attempt,
                if self.last_attempt == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        };
        if !self.connected_once
            && let Some(error) = &self.last_error
        {
            return format!("connection failed: {}{after}", one_line(error));
        }
        match (&self.last_close, &self.last_error) {
            (Some((code, reason, by)), _) if !(*code == 1000 && *by == ClosedBy::Server) => {
                let reason = if reason.is_empty() {
                    String::new()
                } else {
                    format!(": {}", one_line(reason))
                };
                format!(
                    "connection closed {code} {}{reason} (by {}){after}",
                    close_code_meaning(*code),
                    by.as_str()
                )
            }
            (_, Some(error)) => format!("connection failed: {}{after}", one_line(error)),
            _ if !self.connected_once => format!("not connected{after}"),
            _ => format!("connection ended abnormally{after}"),
        }
    }
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// Connects, sends, prints; returns the exit code. Never waits more than [`CLOSE_GRACE`]
/// for the engine once the run has decided to end.
pub fn execute(prepared: Prepared, args: &RunArgs) -> i32 {
    signal::install();
    let reconnect_attempts = prepared.request.settings.reconnect_attempts;
    let (engine, events) = Engine::new(|| {});
    let session = engine.connect(prepared.request);
    let stdout = io::stdout();
    let mut run = Run {
        engine: &engine,
        session,
        tracker: Tracker::new(args.count, reconnect_attempts),
        printer: Printer::new(args.output, stdout.lock()),
        sends: prepared.sends,
        started: Instant::now(),
        connected_at: None,
        stop_deadline: None,
        reconnect_wait_since: None,
    };
    let deadline = args
        .duration
        .map(|secs| run.started + Duration::from_secs_f64(secs));
    let code = run.run(&events, deadline);
    let elapsed = run.connected_at.unwrap_or(run.started).elapsed();
    run.printer.finish(elapsed);
    if code == 1 {
        eprintln!("wsprobe: {}", run.tracker.failure_message());
    }
    drop(run);
    // The engine's shutdown must not hold up the exit (a stuck connection, a slow runtime
    // teardown): drop it on a helper thread that the process does not wait for.
    std::thread::spawn(move || {
        let _shut_down_here = (engine, events);
    });
    code
}

struct Run<'a, W: Write> {
    engine: &'a Engine,
    session: SessionId,
    tracker: Tracker,
    printer: Printer<W>,
    sends: Vec<Outgoing>,
    started: Instant,
    connected_at: Option<Instant>,
    stop_deadline: Option<Instant>,
    reconnect_wait_since: Option<Instant>,
}

impl<W: Write> Run<'_, W> {
    fn run(&mut self, events: &EventReceiver, deadline: Option<Instant>) -> i32 {
        let code = 'run: loop {
            // Drain what is waiting, in a tight loop: no clock, no syscall per event.
            let mut handled = 0;
            while handled < BATCH {
                let Some(event) = events.try_recv() else {
                    break;
                };
                handled += 1;
                if let Some(code) = self.handle(event) {
                    break 'run code;
                }
            }
            let now = Instant::now();
            if let Some(code) = self.check_clock(now, deadline) {
                break code;
            }
            if handled == 0 {
                // Idle: show what we have, then wait for the next event or the next check.
                self.printer.flush();
                let mut wait = TICK;
                for at in [deadline, self.stop_deadline].into_iter().flatten() {
                    wait = wait.min(at.saturating_duration_since(now));
                }
                if let Some(event) = events.recv_timeout(wait)
                    && let Some(code) = self.handle(event)
                {
                    break code;
                }
            }
        };
        // Print what the engine already reported (e.g. the Closed after an error), no waiting.
        for _ in 0..BATCH {
            let Some(event) = events.try_recv() else {
                break;
            };
            if event.session == self.session {
                let step = self.tracker.on_event(&event);
                if step.keep {
                    self.printer.event(event);
                }
            }
        }
        code
    }

    /// Ctrl+C, --duration, a broken stdout, and the grace periods.
    fn check_clock(&mut self, now: Instant, deadline: Option<Instant>) -> Option<i32> {
        if let Some(code) = self.tracker.stopping() {
            if self.stop_deadline.is_some_and(|at| now >= at) {
                eprintln!(
                    "wsprobe: the connection did not report its close within {} s; exiting",
                    CLOSE_GRACE.as_secs()
                );
                return Some(code);
            }
            return None;
        }
        if signal::interrupted() || self.printer.broken {
            self.stop(0, now);
        } else if deadline.is_some_and(|at| now >= at) {
            let code = self.tracker.duration_exit_code();
            self.stop(code, now);
        } else if self.tracker.awaiting_reconnect() {
            let since = *self.reconnect_wait_since.get_or_insert(now);
            if now.duration_since(since) >= RECONNECT_GRACE {
                return Some(1);
            }
        } else {
            self.reconnect_wait_since = None;
        }
        None
    }

    fn stop(&mut self, code: i32, now: Instant) {
        self.tracker.begin_stop(code);
        self.engine.disconnect(self.session);
        self.stop_deadline = Some(now + CLOSE_GRACE);
    }

    /// Returns the exit code when the run is over.
    fn handle(&mut self, event: Event) -> Option<i32> {
        if event.session != self.session {
            return None;
        }
        let step = self.tracker.on_event(&event);
        if step.keep {
            self.printer.event(event);
        }
        if step.send_now {
            self.connected_at = Some(Instant::now());
            for message in std::mem::take(&mut self.sends) {
                self.engine.send(self.session, message);
            }
        }
        if let Some(code) = step.stop {
            self.stop(code, Instant::now());
        }
        step.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Opcode;
    use bytes::Bytes;

    fn ev(kind: EventKind) -> Event {
        Event::now(1, kind)
    }
    fn connected() -> Event {
        ev(EventKind::Connected(Box::default()))
    }
    fn incoming() -> Event {
        ev(EventKind::Message {
            direction: Direction::Received,
            opcode: Opcode::Text,
            payload: Bytes::from_static(b"x"),
        })
    }
    fn closed(code: u16, by: ClosedBy) -> Event {
        ev(EventKind::Closed {
            code,
            reason: String::new(),
            by,
        })
    }
    fn error(message: &str) -> Event {
        ev(EventKind::Error {
            message: message.into(),
        })
    }

    #[test]
    fn count_stops_then_ignores_the_rest() {
        let mut t = Tracker::new(Some(2), 0);
        let s = t.on_event(&connected());
        assert!(s.send_now && s.stop.is_none());
        assert_eq!(t.on_event(&incoming()).stop, None);
        assert_eq!(t.on_event(&incoming()).stop, Some(0));
        let extra = t.on_event(&incoming());
        assert!(!extra.keep && extra.stop.is_none());
        assert_eq!(t.on_event(&closed(1000, ClosedBy::Client)).done, Some(0));
    }

    #[test]
    fn count_zero_sends_then_leaves() {
        let mut t = Tracker::new(Some(0), 0);
        let s = t.on_event(&connected());
        assert!(s.send_now);
        assert_eq!(s.stop, Some(0));
    }

    #[test]
    fn server_close_codes() {
        let mut t = Tracker::new(None, 0);
        t.on_event(&connected());
        assert_eq!(t.on_event(&closed(1000, ClosedBy::Server)).done, Some(0));
        let mut t = Tracker::new(None, 0);
        t.on_event(&connected());
        assert_eq!(t.on_event(&closed(4001, ClosedBy::Server)).done, Some(1));
        assert!(t.failure_message().contains("4001 Application-defined"));
    }

    #[test]
    fn refused_without_reconnects_fails() {
        let mut t = Tracker::new(None, 0);
        assert_eq!(t.on_event(&error("refused")).done, Some(1));
        assert_eq!(t.failure_message(), "connection failed: refused");
    }

    #[test]
    fn abnormal_end_waits_for_the_reconnects() {
        let mut t = Tracker::new(None, 2);
        t.on_event(&connected());
        assert_eq!(t.on_event(&closed(1006, ClosedBy::Network)).done, None);
        assert!(t.awaiting_reconnect());
        for attempt in 1..=2 {
            t.on_event(&ev(EventKind::Reconnecting {
                attempt,
                of: 2,
                delay_ms: 10,
            }));
            assert!(!t.awaiting_reconnect());
            let failed = t.on_event(&error("refused"));
            assert_eq!(failed.done, if attempt == 2 { Some(1) } else { None });
        }
        assert!(t.failure_message().contains("after 2 reconnect attempts"));
    }

    #[test]
    fn a_successful_reconnect_resets_the_attempts_and_sends_nothing() {
        let mut t = Tracker::new(None, 1);
        t.on_event(&connected());
        t.on_event(&closed(1006, ClosedBy::Network));
        t.on_event(&ev(EventKind::Reconnecting {
            attempt: 1,
            of: 1,
            delay_ms: 1,
        }));
        let again = t.on_event(&connected());
        assert!(!again.send_now);
        assert_eq!(t.on_event(&closed(1006, ClosedBy::Network)).done, None);
    }

    #[test]
    fn errors_while_connected_wait_for_the_close() {
        let mut t = Tracker::new(None, 0);
        t.on_event(&connected());
        assert_eq!(t.on_event(&error("message too big")).done, None);
        assert_eq!(t.on_event(&closed(1009, ClosedBy::Client)).done, Some(1));
    }

    #[test]
    fn stopping_wins_over_the_close_code() {
        let mut t = Tracker::new(None, 3);
        t.on_event(&connected());
        t.begin_stop(0);
        assert_eq!(t.on_event(&closed(1006, ClosedBy::Network)).done, Some(0));
        let mut t = Tracker::new(None, 3);
        t.begin_stop(1);
        assert_eq!(t.on_event(&error("cancelled")).done, Some(1));
    }
}
