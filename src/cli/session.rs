//! The run loop of `wsprobe run`: one engine session, events drained in batches, the end
//! decided by [`Tracker`] (count, duration, server close, failure) or by Ctrl+C.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use crate::engine::{CloseCode, SessionId};
use crate::engine::{ClosedBy, Direction, Engine, Event, EventKind, EventReceiver};

use super::args::RunArgs;
use super::output::Printer;
use super::repeat::Repeat;
use super::request::{Action, Prepared};
use super::signal;
use crate::heartbeat::Schedule;
use crate::schema::Redaction;

/// Events handled per batch before the loop looks at the clock and signals again.
const BATCH: usize = 4096;
/// Longest wait for an event; also how often Ctrl+C and deadlines are checked when idle.
const TICK: Duration = Duration::from_millis(50);
/// How long we wait for the engine's Closed after asking it to disconnect (the engine itself
/// gives the server [`crate::engine::CLOSE_TIMEOUT`]).
const CLOSE_GRACE: Duration = Duration::from_secs(2);

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
///
/// Relies on the engine's contract: every session ends with exactly one `Closed`, after any
/// reconnects, and nothing follows it. So `Closed` ends the run; its code, its `by` and
/// whether we asked to stop give the exit code.
#[derive(Debug, Clone)]
pub struct Tracker {
    count: Option<u64>,
    received: u64,
    connected: bool,
    connected_once: bool,
    reconnects: u32,
    /// Exit code chosen when we asked the engine to disconnect.
    stopping: Option<i32>,
    last_error: Option<String>,
    last_close: Option<(u16, String, ClosedBy)>,
    /// Set for a Socket.IO run.
    sio: Option<SioTrack>,
}

/// What a Socket.IO run tracks: `--count` counts its events, the sends wait for the
/// namespace, and `--emit`s with `--ack-timeout` are waited for.
#[derive(Debug, Clone, Default)]
struct SioTrack {
    /// Show (print, log) the raw WebSocket frames too.
    raw_frames: bool,
    joined: bool,
    connect_error: Option<String>,
    /// Emits of ours still waiting for their ack.
    outstanding: usize,
    /// A stop wanted while acks were outstanding: taken when the last one is in.
    deferred: Option<i32>,
    ack_failure: Option<String>,
}

impl Tracker {
    pub fn new(count: Option<u64>) -> Self {
        Self {
            count,
            received: 0,
            connected: false,
            connected_once: false,
            reconnects: 0,
            stopping: None,
            last_error: None,
            last_close: None,
            sio: None,
        }
    }

    /// A Socket.IO run: `acks` of its emits ask for an acknowledgement.
    pub fn socketio(mut self, raw_frames: bool, acks: usize) -> Self {
        self.sio = Some(SioTrack {
            raw_frames,
            outstanding: acks,
            ..SioTrack::default()
        });
        self
    }

    pub fn is_connected(&self) -> bool {
        self.connected
    }

    pub fn stopping(&self) -> Option<i32> {
        self.stopping
    }

    /// Records that we asked the engine to disconnect; the run will exit with `code`.
    pub fn begin_stop(&mut self, code: i32) {
        self.stopping.get_or_insert(code);
    }

    pub fn on_event(&mut self, event: &Event) -> Step {
        let mut step = Step {
            keep: true,
            ..Step::default()
        };
        match &event.kind {
            EventKind::Connecting { .. } | EventKind::Redirected { .. } => {}
            EventKind::Reconnecting { .. } => {
                // The connection is lost until the next Connected.
                self.connected = false;
                self.reconnects += 1;
            }
            EventKind::Connected(_) if self.sio.is_some() => {
                self.connected = true;
                self.connected_once = true;
            }
            EventKind::Message { .. } if self.sio.is_some() => {
                step.keep = self.sio.as_ref().is_some_and(|sio| sio.raw_frames);
                return step;
            }
            EventKind::SocketIo(event) => self.on_socketio(event, &mut step),
            EventKind::Connected(_) => {
                self.connected = true;
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
            EventKind::Message { .. }
            | EventKind::Ping { .. }
            | EventKind::Pong { .. }
            | EventKind::Script { .. } => {}
            EventKind::Error { message } => self.last_error = Some(message.clone()),
            EventKind::HandshakeFailed(failed) => self.last_error = Some(failed.message.clone()),
            EventKind::Closed { code, reason, by } => {
                self.connected = false;
                self.last_close = Some((*code, reason.clone(), *by));
                let refused = self
                    .sio
                    .as_ref()
                    .is_some_and(|sio| sio.connect_error.is_some());
                step.done = Some(match self.stopping {
                    Some(exit) => exit,
                    None if refused => 1,
                    // Normal only with 1000 from the server (a 1009 the engine sent after a
                    // too-big message, a 1006, a 4001 are abnormal ends).
                    None if *code == 1000 && *by != ClosedBy::Network => 0,
                    None => 1,
                });
            }
        }
        if let Some(sio) = &mut self.sio
            && let Some(code) = step.stop
            && code == 0
            && sio.outstanding > 0
        {
            // Stop once the acks we wait for are in (or timed out).
            sio.deferred = Some(code);
            step.stop = None;
        }
        if step.stop.is_some() && self.stopping.is_some() {
            step.stop = None;
        }
        if let Some(code) = step.stop {
            self.begin_stop(code);
        }
        step
    }

    fn on_socketio(&mut self, event: &crate::engine::SocketIoEvent, step: &mut Step) {
        use crate::engine::SocketIoPacket as P;
        let Some(sio) = &mut self.sio else { return };
        match (&event.packet, event.direction) {
            (P::Connect { .. }, Direction::Received) if !sio.joined => {
                sio.joined = true;
                step.send_now = true;
                if self.count == Some(0) {
                    step.stop = Some(0);
                }
            }
            (P::ConnectError { message, .. }, _) => {
                sio.connect_error = Some(message.clone());
            }
            (P::Event { .. }, Direction::Received) => {
                if self.count.is_some_and(|n| self.received >= n) {
                    step.keep = false;
                    return;
                }
                self.received += 1;
                if self.count == Some(self.received) {
                    step.stop = Some(0);
                }
            }
            (P::Ack { ack_id, .. }, Direction::Received)
                if *ack_id < crate::engine::SCRIPT_ACK_IDS =>
            {
                sio.outstanding = sio.outstanding.saturating_sub(1);
            }
            (P::AckTimeout { .. }, _) => {
                sio.outstanding = sio.outstanding.saturating_sub(1);
                sio.ack_failure.get_or_insert_with(|| event.packet.label());
                step.stop = Some(1);
                return;
            }
            _ => {}
        }
        if sio.outstanding == 0
            && let Some(code) = sio.deferred.take()
        {
            step.stop = Some(code);
        }
    }

    /// The exit code when --duration ends: 0 if connected then, 1 if not.
    pub fn duration_exit_code(&self) -> i32 {
        if self.connected { 0 } else { 1 }
    }

    /// One line for stderr explaining an exit code of 1.
    pub fn failure_message(&self) -> String {
        let after = match self.reconnects {
            0 => String::new(),
            1 => " (after 1 reconnect attempt)".to_owned(),
            n => format!(" (after {n} reconnect attempts)"),
        };
        if let Some(sio) = &self.sio {
            if let Some(failure) = &sio.ack_failure {
                return failure.clone();
            }
            if let Some(message) = &sio.connect_error {
                return format!("Socket.IO connect error: {}", one_line(message));
            }
        }
        if !self.connected_once {
            return match &self.last_error {
                Some(error) => format!("connection failed: {}{after}", one_line(error)),
                None => format!("not connected{after}"),
            };
        }
        match &self.last_close {
            Some((code, reason, by)) => {
                let reason = if reason.is_empty() {
                    String::new()
                } else {
                    format!(": {}", one_line(reason))
                };
                format!(
                    "connection closed {code} {}{reason} (by {}){after}",
                    CloseCode(*code).meaning(),
                    by.as_str()
                )
            }
            None => format!("connection ended abnormally{after}"),
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
    let (engine, events) = Engine::new(|| {});
    // Quiet mode keeps events like the app does, within the request's caps.
    let (max_events, max_bytes) = prepared.request.settings.log_limits();
    let tracker = match &prepared.request.socketio {
        Some(_) => {
            let acks = prepared
                .sends
                .iter()
                .filter(|action| {
                    matches!(
                        action,
                        Action::Emit(crate::engine::SocketIoOutgoing::Emit { ack: true, .. })
                    )
                })
                .count();
            Tracker::new(args.count).socketio(args.sio.raw_frames, acks)
        }
        None => Tracker::new(args.count),
    };
    let socketio = prepared.request.socketio.is_some();
    let session = engine.connect(prepared.request);
    let stdout = io::stdout();
    let mut run = Run {
        engine: &engine,
        session,
        tracker,
        printer: {
            let printer = Printer::new(args.output, stdout.lock());
            let printer = if socketio {
                printer.socketio()
            } else {
                printer
            };
            if args.reveal_secrets {
                printer
            } else {
                printer.redacting(Redaction::new(prepared.secrets))
            }
        },
        sends: prepared.sends,
        repeat: prepared
            .repeat
            .map(|repeat| (Schedule::every_ms(repeat.every_ms), repeat)),
        started: Instant::now(),
        connected_at: None,
        stop_deadline: None,
        ended_at: None,
    };
    run.printer.log.set_limits(max_events, max_bytes);
    let deadline = args
        .duration
        .map(|secs| run.started + Duration::from_secs_f64(secs));
    let code = run.run(&events, deadline);
    // From the first connect to the moment the run decided to end (not the close handshake).
    let ended = run.ended_at.unwrap_or_else(Instant::now);
    let elapsed = ended.saturating_duration_since(run.connected_at.unwrap_or(run.started));
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
    sends: Vec<Action>,
    /// `--every`: its clock (armed while connected) and the messages it repeats.
    repeat: Option<(Schedule, Repeat)>,
    started: Instant,
    connected_at: Option<Instant>,
    stop_deadline: Option<Instant>,
    /// When the run decided to end (stop asked, or the session closed).
    ended_at: Option<Instant>,
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
            self.repeat_due(now);
            if handled == 0 {
                // Idle: show what we have, then wait for the next event or the next check.
                self.printer.flush();
                let mut wait = TICK;
                let next_round = self.repeat.as_ref().and_then(|(s, _)| s.next_at());
                for at in [deadline, self.stop_deadline, next_round]
                    .into_iter()
                    .flatten()
                {
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
        }
        None
    }

    /// `--every`: sends a round when one is due. The clock runs while connected only, and
    /// starts again one interval after a reconnect.
    fn repeat_due(&mut self, now: Instant) {
        let Some((schedule, repeat)) = &mut self.repeat else {
            return;
        };
        if !self.tracker.is_connected() || self.tracker.stopping().is_some() {
            schedule.pause();
            return;
        }
        if !schedule.is_armed() {
            schedule.start(now, false);
        }
        if !schedule.due(now) {
            return;
        }
        match repeat.round() {
            Ok(messages) => {
                for message in messages {
                    self.engine.send(self.session, message);
                }
            }
            Err(err) => {
                eprintln!("wsprobe: --every: {}", super::output::error_line(&err));
                self.repeat = None;
                self.stop(2, now);
            }
        }
    }

    fn stop(&mut self, code: i32, now: Instant) {
        self.ended_at.get_or_insert(now);
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
            for action in std::mem::take(&mut self.sends) {
                match action {
                    Action::Send(message) => self.engine.send(self.session, message),
                    Action::Ping(payload) => self.engine.ping(self.session, payload),
                    Action::Emit(message) => {
                        self.engine.execute(crate::engine::Command::SocketIo {
                            session: self.session,
                            message: Box::new(message),
                        })
                    }
                }
            }
            if let Some((schedule, _)) = &mut self.repeat {
                schedule.start(Instant::now(), false);
            }
        }
        if let Some(code) = step.stop {
            self.stop(code, Instant::now());
        }
        if step.done.is_some() {
            self.ended_at.get_or_insert_with(Instant::now);
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
        Event::now(crate::engine::SessionId(1), kind)
    }
    fn connected() -> Event {
        ev(EventKind::Connected(Box::default()))
    }
    fn incoming() -> Event {
        ev(EventKind::Message {
            direction: Direction::Received,
            opcode: Opcode::Text,
            payload: Bytes::from_static(b"x"),
            wire_size: None,
        })
    }
    fn closed(code: u16, reason: &str, by: ClosedBy) -> Event {
        ev(EventKind::Closed {
            code,
            reason: reason.into(),
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
        let mut t = Tracker::new(Some(2));
        let s = t.on_event(&connected());
        assert!(s.send_now && s.stop.is_none());
        assert_eq!(t.on_event(&incoming()).stop, None);
        assert_eq!(t.on_event(&incoming()).stop, Some(0));
        let extra = t.on_event(&incoming());
        assert!(!extra.keep && extra.stop.is_none());
        assert_eq!(
            t.on_event(&closed(1000, "", ClosedBy::Client)).done,
            Some(0)
        );
    }

    #[test]
    fn count_zero_sends_then_leaves() {
        let mut t = Tracker::new(Some(0));
        let s = t.on_event(&connected());
        assert!(s.send_now);
        assert_eq!(s.stop, Some(0));
    }

    #[test]
    fn server_close_codes() {
        let mut t = Tracker::new(None);
        t.on_event(&connected());
        assert_eq!(
            t.on_event(&closed(1000, "bye", ClosedBy::Server)).done,
            Some(0)
        );
        let mut t = Tracker::new(None);
        t.on_event(&connected());
        assert_eq!(
            t.on_event(&closed(4001, "nope", ClosedBy::Server)).done,
            Some(1)
        );
        assert_eq!(
            t.failure_message(),
            "connection closed 4001 Application-defined: nope (by server)"
        );
    }

    #[test]
    fn refused_fails_only_at_the_close() {
        let mut t = Tracker::new(None);
        assert_eq!(t.on_event(&error("refused")).done, None);
        for _ in 0..2 {
            t.on_event(&ev(EventKind::Reconnecting {
                attempt: 1,
                of: 2,
                delay_ms: 1,
            }));
            t.on_event(&error("refused"));
        }
        assert_eq!(
            t.on_event(&closed(1006, "refused", ClosedBy::Network)).done,
            Some(1)
        );
        assert_eq!(
            t.failure_message(),
            "connection failed: refused (after 2 reconnect attempts)"
        );
    }

    #[test]
    fn reconnecting_is_not_connected() {
        let mut t = Tracker::new(None);
        t.on_event(&connected());
        t.on_event(&ev(EventKind::Reconnecting {
            attempt: 1,
            of: 3,
            delay_ms: 10,
        }));
        assert!(!t.is_connected(), "--every waits for the next Connected");
        t.on_event(&connected());
        assert!(t.is_connected());
    }

    #[test]
    fn a_reconnect_sends_nothing_again() {
        let mut t = Tracker::new(None);
        t.on_event(&connected());
        t.on_event(&error("connection lost"));
        let again = t.on_event(&connected());
        assert!(!again.send_now);
    }

    #[test]
    fn too_big_is_an_abnormal_end() {
        let mut t = Tracker::new(None);
        t.on_event(&connected());
        assert_eq!(t.on_event(&error("message too big")).done, None);
        assert_eq!(
            t.on_event(&closed(1009, "", ClosedBy::Client)).done,
            Some(1)
        );
    }

    #[test]
    fn stopping_wins_over_the_close_code() {
        let mut t = Tracker::new(None);
        t.on_event(&connected());
        t.begin_stop(0);
        assert_eq!(
            t.on_event(&closed(1006, "", ClosedBy::Network)).done,
            Some(0)
        );
        let mut t = Tracker::new(None);
        assert_eq!(t.duration_exit_code(), 1);
        t.begin_stop(1);
        assert_eq!(
            t.on_event(&closed(
                1000,
                "cancelled while connecting",
                ClosedBy::Client
            ))
            .done,
            Some(1)
        );
    }
}
