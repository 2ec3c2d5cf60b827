//! Scripts: a request's JavaScript, run beside its connection, reacting to its events, sending,
//! setting variables and recording tests. Knows the engine's message types, nothing of the UI
//! or the CLI.
//!
//! # Contract
//!
//! - **Engine.** QuickJS (rquickjs), one runtime per [`Script`], on a thread of its own. A
//!   script reaches nothing outside: no file system, no network, no modules, no Node APIs.
//!   What it can do is the API in `prelude.js` (documented in the README): `ws.on/send/close`,
//!   `io.on/off/emit/emitWithAck` (Socket.IO requests; a handler's last argument is the
//!   server's ack callback when it asked for one, and an event no handler takes is acked at
//!   once with no arguments, so the caller turns the engine's `auto_ack` off),
//!   `vars.get/set`, `request.headers.set` (in `before`), `test`, `expect`, `expectMessage`,
//!   timers and `console.*`.
//! - **Start.** [`Script::start`] evaluates the script's top level, then its `before(fn)`
//!   hooks, and returns what they asked for ([`Prepared`]: headers to set, variables set).
//!   A syntax error or an exception there is returned as an [`ScriptError`] with its line and
//!   column; nothing has been connected yet.
//! - **Events in.** [`Script::feed`] hands over connection events ([`ScriptEvent`]) in order.
//!   It blocks while the script is more than [`QUEUE`] batches behind, so a slow script slows
//!   the reader down instead of losing messages (backpressure, as the engine does). After the
//!   script has stopped, feeding does nothing.
//! - **Output.** Everything the script does comes out as [`ScriptOutput`]s through the callback
//!   given to [`Script::start`], on the script's thread, in order: sends and closes (the caller
//!   passes them to the engine), variable sets, test results, console lines and errors.
//! - **Errors.** An exception in a callback is reported ([`ScriptOutput::Error`]) and the script
//!   goes on with the next event. A callback that runs longer than
//!   [`ScriptConfig::time_limit`], or a script that allocates more than
//!   [`ScriptConfig::memory_limit`], is stopped ([`ScriptOutput::Stopped`]); the connection is
//!   the caller's and stays up.
//! - **End.** [`Script::finish`] tells the script the connection is over: `expectMessage`
//!   tests still waiting fail, pending timers are dropped, and the thread ends.

mod host;
mod location;
mod natives;

pub use host::{Prepared, Script, ScriptInit};
pub use location::ScriptError;

use std::time::Duration;

use bytes::Bytes;

pub use crate::engine::ScriptLevel;
use crate::engine::{Direction, Event, EventKind, Opcode, Outgoing};

/// Batches [`Script::feed`] may queue before it blocks.
pub const QUEUE: usize = 8;

/// The default limit for one callback's run time (Settings → Script time limit).
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(1);
/// The default limit for a script's memory.
pub const DEFAULT_MEMORY_LIMIT: usize = 64 * 1024 * 1024;

/// The script and its limits.
#[derive(Debug, Clone)]
pub struct ScriptConfig {
    pub source: String,
    /// The name errors are reported under ("script" or the file's name).
    pub file_name: String,
    pub time_limit: Duration,
    pub memory_limit: usize,
}

impl ScriptConfig {
    pub fn new(source: impl Into<String>, file_name: impl Into<String>) -> Self {
        Self {
            source: source.into(),
            file_name: file_name.into(),
            time_limit: DEFAULT_TIME_LIMIT,
            memory_limit: DEFAULT_MEMORY_LIMIT,
        }
    }
}

/// One connection event, as a script sees it. `event` is the caller's reference for the event
/// (a log sequence number, say) that test results and errors point back to; 0 is "none".
#[derive(Debug, Clone)]
pub enum ScriptEvent {
    Open {
        event: u64,
        url: String,
        subprotocol: Option<String>,
    },
    Message {
        event: u64,
        payload: Bytes,
        binary: bool,
        /// Milliseconds since the Unix epoch.
        time_ms: f64,
    },
    Close {
        event: u64,
        code: u16,
        reason: String,
        /// "client", "server" or "network".
        by: &'static str,
    },
    Error {
        event: u64,
        message: String,
    },
    /// A Socket.IO packet for `io.on` and the acks of `io.emit`: `kind` is `connect`,
    /// `connect_error`, `disconnect`, `event`, `ack` or `ack_timeout`; `name` the event's
    /// name (or the connect error's message); `args` a JSON array; `ack_id` the event's or
    /// ack's id.
    SocketIo {
        event: u64,
        kind: &'static str,
        name: String,
        args: Bytes,
        attachments: Vec<Bytes>,
        ack_id: Option<u64>,
    },
}

impl ScriptEvent {
    /// What a script sees of an engine event (`None`: scripts do not see it, e.g. sent
    /// messages, pings, reconnect notices). `seq` is the caller's reference for the event.
    pub fn from_event(event: &Event, seq: u64) -> Option<ScriptEvent> {
        Some(match &event.kind {
            EventKind::Connected(info) => ScriptEvent::Open {
                event: seq,
                url: info.url.clone(),
                subprotocol: info.subprotocol.clone(),
            },
            EventKind::Message {
                direction: Direction::Received,
                opcode,
                payload,
                ..
            } => ScriptEvent::Message {
                event: seq,
                payload: payload.clone(),
                binary: *opcode == Opcode::Binary,
                time_ms: event.at_ms as f64,
            },
            EventKind::Closed { code, reason, by } => ScriptEvent::Close {
                event: seq,
                code: *code,
                reason: reason.clone(),
                by: by.as_str(),
            },
            EventKind::Error { message } => ScriptEvent::Error {
                event: seq,
                message: message.clone(),
            },
            EventKind::HandshakeFailed(failed) => ScriptEvent::Error {
                event: seq,
                message: failed.message.clone(),
            },
            EventKind::SocketIo(sio) => return socketio_event(sio, seq),
            _ => return None,
        })
    }
}

/// What a script sees of a Socket.IO packet: the server's, and the timeouts of our acks.
fn socketio_event(sio: &crate::engine::SocketIoEvent, seq: u64) -> Option<ScriptEvent> {
    use crate::engine::SocketIoPacket as P;
    let empty = || Bytes::from_static(b"[]");
    let (kind, name, args, attachments, ack_id) = match (&sio.packet, sio.direction) {
        (P::AckTimeout { ack_id, .. }, _) => (
            "ack_timeout",
            String::new(),
            empty(),
            Vec::new(),
            Some(*ack_id),
        ),
        (_, Direction::Sent) => return None,
        (P::Connect { .. }, _) => ("connect", String::new(), empty(), Vec::new(), None),
        (P::ConnectError { message, .. }, _) => {
            ("connect_error", message.clone(), empty(), Vec::new(), None)
        }
        (P::Disconnect, _) => ("disconnect", String::new(), empty(), Vec::new(), None),
        (
            P::Event {
                event,
                args,
                attachments,
                ack_id,
            },
            _,
        ) => (
            "event",
            event.clone(),
            args.clone(),
            attachments.clone(),
            *ack_id,
        ),
        (
            P::Ack {
                ack_id,
                args,
                attachments,
                ..
            },
            _,
        ) => (
            "ack",
            String::new(),
            args.clone(),
            attachments.clone(),
            Some(*ack_id),
        ),
    };
    Some(ScriptEvent::SocketIo {
        event: seq,
        kind,
        name,
        args,
        attachments,
        ack_id,
    })
}

/// One `test(...)` or `expectMessage(...)` outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResult {
    pub name: String,
    pub passed: bool,
    /// Why it failed (Jest-style expected/received), empty when it passed.
    pub message: String,
    /// The event being handled when it was recorded (0: none, e.g. a timer).
    pub event: u64,
    /// When, in milliseconds since the script started.
    pub at_ms: f64,
}

/// What a script did.
#[derive(Debug, Clone)]
pub enum ScriptOutput {
    /// `ws.send(...)`.
    Send(Outgoing),
    /// `io.emit(...)`, `io.emitWithAck(...)` or an `io.on` handler's ack.
    SocketIo(crate::engine::SocketIoOutgoing),
    /// `ws.close(code, reason)`.
    Close {
        code: u16,
        reason: String,
    },
    /// `vars.set(name, value)`.
    VarSet {
        name: String,
        value: String,
    },
    Test(TestResult),
    Log {
        level: ScriptLevel,
        text: String,
    },
    /// An exception in a callback; the script goes on.
    Error(ScriptError),
    /// The script was stopped (time or memory limit); nothing more comes from it.
    Stopped(ScriptError),
}

/// Passes a script's sends and closes to its session; everything else is handed back.
pub fn route(
    engine: &crate::engine::Engine,
    session: crate::engine::SessionId,
    out: ScriptOutput,
) -> Option<ScriptOutput> {
    match out {
        ScriptOutput::Send(message) => engine.send(session, message),
        ScriptOutput::Close { code, reason } => engine.close(session, code, reason),
        ScriptOutput::SocketIo(message) => engine.execute(crate::engine::Command::SocketIo {
            session,
            message: Box::new(message),
        }),
        other => return Some(other),
    }
    None
}

#[cfg(test)]
mod tests;
