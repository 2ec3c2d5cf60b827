//! What the engine reports: one [`Event`] per thing that happened on a connection.

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;

pub use super::keepalive::RoundTrip;
pub use crate::model::{Opcode, Outgoing};

/// Identifies one connection (one Connect, including its reconnect attempts). A type of its
/// own, so a session id is never passed where an event's sequence number is meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u64);

impl std::fmt::Display for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One thing that happened, stamped with wall-clock time.
///
/// Kept small (big, rare payloads are boxed) because a log can hold millions of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Milliseconds since the Unix epoch (UTC).
    pub at_ms: i64,
    pub session: SessionId,
    pub kind: EventKind,
}

impl Event {
    /// A compressed message's size on the wire; `None` for anything else.
    pub fn wire_size(&self) -> Option<u64> {
        match &self.kind {
            EventKind::Message { wire_size, .. } => wire_size.map(WireSize::bytes),
            _ => None,
        }
    }

    pub fn now(session: SessionId, kind: EventKind) -> Self {
        Self {
            at_ms: now_ms(),
            session,
            kind,
        }
    }

    /// The payload size in bytes for messages, pings and pongs; 0 for connection events.
    pub fn size(&self) -> usize {
        match &self.kind {
            EventKind::Message { payload, .. }
            | EventKind::Ping { payload, .. }
            | EventKind::Pong { payload, .. } => payload.len(),
            EventKind::SocketIo(event) => event.packet.args().len(),
            _ => 0,
        }
    }

    /// The direction of a message, ping or pong; `None` for connection events.
    pub fn direction(&self) -> Option<Direction> {
        match &self.kind {
            EventKind::Message { direction, .. }
            | EventKind::Ping { direction, .. }
            | EventKind::Pong { direction, .. } => Some(*direction),
            EventKind::SocketIo(event) => Some(event.direction),
            _ => None,
        }
    }

    pub fn payload(&self) -> Option<&Bytes> {
        match &self.kind {
            EventKind::Message { payload, .. }
            | EventKind::Ping { payload, .. }
            | EventKind::Pong { payload, .. } => Some(payload),
            EventKind::SocketIo(event) => match &event.packet {
                SocketIoPacket::Event { args, .. } | SocketIoPacket::Ack { args, .. } => Some(args),
                _ => None,
            },
            _ => None,
        }
    }
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// A connection attempt begins (attempt 1 is the first; reconnects count up).
    Connecting {
        attempt: u32,
        url: String,
    },
    /// The server answered the upgrade with a redirect that we follow.
    Redirected {
        status: u16,
        location: String,
    },
    Connected(Box<HandshakeInfo>),
    /// A text or binary message, received or sent. `payload` is always the uncompressed
    /// message; `wire_size` is set when it went compressed (permessage-deflate).
    Message {
        direction: Direction,
        opcode: Opcode,
        payload: Bytes,
        wire_size: Option<WireSize>,
    },
    Ping {
        direction: Direction,
        payload: Bytes,
    },
    Pong {
        direction: Direction,
        payload: Bytes,
        /// For a pong that answers one of our pings: how long the answer took.
        rtt: Option<RoundTrip>,
    },
    Closed {
        code: u16,
        reason: String,
        by: ClosedBy,
    },
    Error {
        message: String,
    },
    /// The opening handshake of this attempt failed (no `Connected`): reported instead of an
    /// `Error`, with the same `message`. Its name is "error" too. When the server answered
    /// with something other than 101 or a followed redirect, `response` holds its answer.
    HandshakeFailed(Box<FailedHandshake>),
    /// Waiting `delay_ms` before reconnect attempt `attempt` of `of`.
    Reconnecting {
        attempt: u32,
        of: u32,
        delay_ms: u64,
    },
    /// A decoded Socket.IO packet of a Socket.IO session (the engine's `socketio` room). The
    /// WebSocket frames that carried it are reported as `Message` events as well: those are
    /// the "raw frames" (`0{...}`, `40`, `42[...]`, `2`, `3`).
    SocketIo(Box<SocketIoEvent>),
    /// Never sent by the engine: a line from the request's script (`console.*`, an error),
    /// added to a log beside the session's events by whoever runs the script.
    Script {
        level: ScriptLevel,
        text: String,
    },
}

/// The level of a [`EventKind::Script`] line (`console.log/info/warn/error`; script errors
/// are `Error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScriptLevel {
    Log,
    Info,
    Warn,
    Error,
}

impl ScriptLevel {
    pub fn name(self) -> &'static str {
        match self {
            ScriptLevel::Log => "log",
            ScriptLevel::Info => "info",
            ScriptLevel::Warn => "warn",
            ScriptLevel::Error => "error",
        }
    }
}

/// How the `Error` a server gives by accepting none of the offered subprotocols starts.
pub const NO_SUBPROTOCOL: &str = "server accepted no subprotocol";
/// What ends that `Error` when strict subprotocol closes the connection for it.
pub const STRICT_SUBPROTOCOL_CLOSE: &str = "; closing because strict subprotocol is on";

impl EventKind {
    /// An `Error` the connection lives on after (the server accepted no subprotocol, and
    /// strict subprotocol is off): the window shows it as an amber warning. Its JSONL name
    /// stays "error".
    pub fn is_warning(&self) -> bool {
        matches!(self, Self::Error { message }
            if message.starts_with(NO_SUBPROTOCOL) && !message.ends_with(STRICT_SUBPROTOCOL_CLOSE))
    }

    /// The message of an `Error` or a `HandshakeFailed`.
    pub fn error_message(&self) -> Option<&str> {
        match self {
            Self::Error { message } => Some(message),
            Self::HandshakeFailed(failed) => Some(&failed.message),
            _ => None,
        }
    }

    /// The name used in the CLI's jsonl output and in filters.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Connecting { .. } => "connecting",
            Self::Redirected { .. } => "redirected",
            Self::Connected(_) => "connected",
            Self::Message {
                direction: Direction::Received,
                ..
            } => "incoming",
            Self::Message {
                direction: Direction::Sent,
                ..
            } => "outgoing",
            Self::Ping { .. } => "ping",
            Self::Pong { .. } => "pong",
            Self::Closed { .. } => "closed",
            Self::Error { .. } | Self::HandshakeFailed(_) => "error",
            Self::Reconnecting { .. } => "reconnecting",
            Self::Script { .. } => "script",
            Self::SocketIo(event) => match event.direction {
                Direction::Received => "incoming",
                Direction::Sent => "outgoing",
            },
        }
    }
}

/// One Socket.IO packet, sent or received, in the session's namespace.
#[derive(Debug, Clone, PartialEq)]
pub struct SocketIoEvent {
    pub direction: Direction,
    /// `/` or the named namespace.
    pub namespace: String,
    pub packet: SocketIoPacket,
}

/// What a [`SocketIoEvent`] was.
#[derive(Debug, Clone, PartialEq)]
pub enum SocketIoPacket {
    /// CONNECT: ours (`Sent`, `data` is the auth payload) or the server's answer (`Received`,
    /// `data` is its JSON, e.g. `{"sid":"..."}`).
    Connect { data: Option<String> },
    /// The server refused the namespace (middleware): its message and any extra data (JSON).
    ConnectError {
        message: String,
        data: Option<String>,
    },
    /// DISCONNECT of the namespace, by either side.
    Disconnect,
    /// EVENT or BINARY_EVENT. `args` is the JSON array of the arguments after the event name
    /// (binary placeholders left in place, `{"_placeholder":true,"num":N}`), `attachments` the
    /// binary parts in order. `ack_id` when the sender asks for an acknowledgement.
    Event {
        event: String,
        args: Bytes,
        attachments: Vec<Bytes>,
        ack_id: Option<u64>,
    },
    /// ACK or BINARY_ACK answering the emit with `ack_id`; `rtt` for answers to our emits.
    Ack {
        ack_id: u64,
        args: Bytes,
        attachments: Vec<Bytes>,
        rtt: Option<std::time::Duration>,
    },
    /// Our emit with `ack_id` got no acknowledgement within `after_ms`.
    AckTimeout { ack_id: u64, after_ms: u64 },
}

impl SocketIoPacket {
    /// The packet's words for a one-line view: `event chat.message`, `ack 3`, `connect`...
    pub fn label(&self) -> String {
        match self {
            Self::Connect { .. } => "connect".to_owned(),
            Self::ConnectError { message, .. } => format!("connect error: {message}"),
            Self::Disconnect => "disconnect".to_owned(),
            Self::Event { event, .. } => format!("event {event}"),
            Self::Ack { ack_id, .. } => format!("ack {ack_id}"),
            Self::AckTimeout { ack_id, after_ms } => {
                format!("no ack for emit {ack_id} within {after_ms} ms")
            }
        }
    }

    /// The arguments (JSON array text) of an event or ack; empty for the others.
    pub fn args(&self) -> &[u8] {
        match self {
            Self::Event { args, .. } | Self::Ack { args, .. } => args,
            _ => &[],
        }
    }
}

/// An argument of an emit or an ack we send: one JSON value, or binary data (sent as an
/// attachment of a BINARY_EVENT / BINARY_ACK).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketIoArg {
    Json(String),
    Binary(Bytes),
}

/// Where the ack ids that callers pick ([`SocketIoOutgoing::EmitAck`]) start.
pub const SCRIPT_ACK_IDS: u64 = 1 << 32;

/// What a Socket.IO session is asked to send ([`super::Command::SocketIo`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketIoOutgoing {
    /// Emit `event` with `args`. With `ack`, an ack id is assigned (the `Sent` event's
    /// `ack_id`), and the answer arrives as [`SocketIoPacket::Ack`] with its round trip, or as
    /// [`SocketIoPacket::AckTimeout`] after the request's ack timeout.
    Emit {
        event: String,
        args: Vec<SocketIoArg>,
        ack: bool,
    },
    /// Acknowledge the server's event `ack_id` with `args`.
    Ack { ack_id: u64, args: Vec<SocketIoArg> },
    /// Like `Emit` with `ack`, with an ack id the caller picked (a script's, counted from
    /// [`SCRIPT_ACK_IDS`] so it never meets the engine's own 0, 1, ...).
    EmitAck {
        event: String,
        args: Vec<SocketIoArg>,
        ack_id: u64,
    },
}

/// Everything about a successful handshake, for the timeline view and the CLI.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HandshakeInfo {
    /// The final URL (after redirects).
    pub url: String,
    /// e.g. `GET /chat?x=1 HTTP/1.1`
    pub request_line: String,
    /// The request headers exactly as sent (including Sec-WebSocket-Key etc.).
    pub request_headers: Vec<(String, String)>,
    /// e.g. 101
    pub status: u16,
    pub response_headers: Vec<(String, String)>,
    /// The subprotocol the server chose, if any.
    pub subprotocol: Option<String>,
    /// TCP connect + TLS + upgrade, for the final hop, in milliseconds.
    pub elapsed_ms: u64,
    /// e.g. "TLSv1.3" for wss://, None for ws://.
    pub tls_version: Option<String>,
    /// The permessage-deflate parameters agreed, None when messages go uncompressed.
    pub compression: Option<super::deflate::Negotiated>,
    /// The proxy the connection went through: its answer and time.
    pub proxy: Option<super::proxy::ProxyHop>,
    /// The client certificate this wss:// connection had to offer (mutual TLS), if one was set;
    /// TLS sends it when the server asks for one.
    pub client_certificate: Option<super::client_cert::ClientCertInfo>,
}

/// Why an attempt's opening handshake failed ([`EventKind::HandshakeFailed`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FailedHandshake {
    /// The whole error, causes included, e.g. "server refused the upgrade: 401 Unauthorized:
    /// bad token" or "handshake timed out after 10 s".
    pub message: String,
    /// The server's answer, when it answered the upgrade with another status.
    pub response: Option<RefusedUpgrade>,
}

impl FailedHandshake {
    /// The short reason: "401 Unauthorized" for a refusal, "timed out after 10 s" for a
    /// timeout, else the message.
    pub fn summary(&self) -> String {
        match &self.response {
            Some(refused) if refused.reason.is_empty() => refused.info.status.to_string(),
            Some(refused) => format!("{} {}", refused.info.status, refused.reason),
            None => self
                .message
                .strip_prefix("handshake ")
                .unwrap_or(&self.message)
                .to_owned(),
        }
    }
}

/// The server's non-101 answer to the upgrade request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RefusedUpgrade {
    /// The request as sent and the response head (`status`, `response_headers`); no
    /// subprotocol or compression.
    pub info: HandshakeInfo,
    /// The status line's reason phrase, e.g. "Unauthorized".
    pub reason: String,
    /// The start of the response body: at most [`REFUSAL_BODY_BYTES`].
    pub body: Bytes,
    /// The body was longer than `body` (by its Content-Length, or more had arrived).
    pub body_truncated: bool,
}

/// How much of a refusal's body [`RefusedUpgrade::body`] keeps.
pub const REFUSAL_BODY_BYTES: usize = 1024;

/// How many payload bytes a compressed message took on the wire (all its frames, headers not
/// counted). Four bytes, so a message event stays small; sizes from 4 GiB up read as 4 GiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WireSize(std::num::NonZeroU32);

impl WireSize {
    pub fn new(bytes: u64) -> Self {
        let stored = u32::try_from(bytes).unwrap_or(u32::MAX).saturating_add(1);
        Self(std::num::NonZeroU32::new(stored).unwrap_or(std::num::NonZeroU32::MAX))
    }

    pub fn bytes(self) -> u64 {
        u64::from(self.0.get() - 1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Received,
    Sent,
}

/// Who ended the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClosedBy {
    /// The user asked (Disconnect, or the CLI's count/duration reached).
    Client,
    /// The server sent a close frame.
    Server,
    /// The connection broke without a close handshake (code 1006), or a protocol error.
    Network,
}

impl ClosedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Client => "client",
            Self::Server => "server",
            Self::Network => "network",
        }
    }
}

/// Events for unit tests across the crate: one builder each, so test modules don't grow
/// their own copies.
#[cfg(test)]
pub(crate) mod test_events {
    use super::*;

    /// 2026-11-25T15:01:02.123Z: a fixed time for tests that check how times are written.
    pub(crate) const AT: i64 = 1_795_618_862_123;

    /// An event of session 1 at `at_ms`.
    pub(crate) fn event(at_ms: i64, kind: EventKind) -> Event {
        Event {
            at_ms,
            session: SessionId(1),
            kind,
        }
    }

    /// A message of session 1 at `at_ms`.
    pub(crate) fn message(
        at_ms: i64,
        direction: Direction,
        opcode: Opcode,
        payload: impl Into<Bytes>,
    ) -> Event {
        event(
            at_ms,
            EventKind::Message {
                direction,
                opcode,
                payload: payload.into(),
                wire_size: None,
            },
        )
    }

    /// An event of session 1 at [`AT`].
    pub(crate) fn ev(kind: EventKind) -> Event {
        event(AT, kind)
    }

    /// A message of session 1 at [`AT`].
    pub(crate) fn msg(direction: Direction, opcode: Opcode, payload: &'static [u8]) -> Event {
        message(AT, direction, opcode, Bytes::from_static(payload))
    }

    /// A text message of session 1, now.
    pub(crate) fn text(direction: Direction, text: &str) -> Event {
        message(now_ms(), direction, Opcode::Text, text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_events_stay_small() {
        // A log holds millions of these: 56 bytes plus a share of the read chunk is what
        // keeps a stored event under 64 bytes beyond its payload (README, Performance).
        assert!(
            std::mem::size_of::<Event>() <= 56,
            "{}",
            std::mem::size_of::<Event>()
        );
    }

    #[test]
    fn kind_names_follow_direction() {
        let msg = |direction| EventKind::Message {
            direction,
            opcode: Opcode::Text,
            payload: Bytes::from_static(b"x"),
            wire_size: None,
        };
        assert_eq!(msg(Direction::Received).name(), "incoming");
        assert_eq!(msg(Direction::Sent).name(), "outgoing");
    }
}
