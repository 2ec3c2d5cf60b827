//! Socket.IO sessions: Engine.IO and Socket.IO spoken inside one WebSocket session.
//!
//! A request resolved with [`crate::template::ResolvedSocketIo`] runs the usual WebSocket
//! session (`connection.rs`: handshake, TLS, proxy, deflate, reconnects, the write queue). Its
//! [`Layer`] sees every message the session reads and turns them into Socket.IO events, and
//! turns emits and acks into frames.
//!
//! # Contract
//!
//! - **Raw frames.** Every WebSocket message is still reported as `Message` (the "raw
//!   frames": `0{...}`, `40`, `42[...]`, `2`, `3`). Each decoded Socket.IO packet of the
//!   request's namespace is reported after the frame(s) that carried it as
//!   [`EventKind::SocketIo`]: received ones right after their last frame in the same batch,
//!   sent ones once their last frame was written. Packets of other namespaces are raw frames
//!   only. A frame that is not a valid packet is an `Error{"Socket.IO: ..."}`; the connection
//!   stays up.
//! - **Connect.** After the Engine.IO open packet (`0{...}`, awaited for the handshake
//!   timeout) the namespace is joined: `40[/ns,][auth]` (`Connect{Sent}` with the auth), then
//!   the server's `40...` is `Connect{Received}`. Socket.IO v2 servers (Engine.IO 3) join `/`
//!   by themselves and take no auth payload. Emits asked for before that wait and go out in
//!   order once connected.
//! - **CONNECT_ERROR** is `ConnectError{message}` (the server's message), then the connection
//!   is closed (1000) and the session ends with `Closed{1000, "connect error: <message>", by
//!   Server}`: never retried, whatever the reconnect setting.
//! - **DISCONNECT** from the server (`41`) or Engine.IO close (`1`): reported, then the
//!   session ends with `Closed{1000, by Server}` (not retried, as socket.io-client does for
//!   "io server disconnect"). Our Disconnect sends `41` before the close frame.
//! - **Heartbeats.** Engine.IO 4: the server's `2` is answered with `3` at once; no ping
//!   within pingInterval + pingTimeout (from the open packet) is a lost connection: "no ping
//!   from the server within N ms" (reconnect if set). Engine.IO 3: we send `2` every
//!   pingInterval and a `3` must come back within pingTimeout, else "no pong from the server
//!   within N ms". While the consumer is backlogged (the socket is not read) the clocks hold.
//! - **Acks.** An emit with `ack` gets the next id (0, 1, ...; [`SocketIoOutgoing::EmitAck`]
//!   brings its own), shown as the `Sent` event's `ack_id`. Its answer is `Ack{Received}`
//!   with the round trip from the emit; no answer within the ack timeout is
//!   `AckTimeout{ack_id}` (a later answer is still reported, without a round trip). The
//!   server's emits that ask for an ack are answered at once with no arguments when
//!   `auto_ack` is on (`Ack{Sent}`), else by the caller's [`SocketIoOutgoing::Ack`].
//! - **Binary.** BINARY_EVENT/BINARY_ACK are reassembled from their header and the binary
//!   frames after it (`attachments` in order; the placeholders stay in `args`). Binary args we
//!   send become placeholders plus attachments (`0x04`-prefixed on Engine.IO 3).

mod packet;

pub use packet::{
    EioPacket, Open, PacketError, SioKind, SioPacket, connect_error, decode_eio, decode_open,
    decode_sio, encode_sio, split_event,
};

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;

use super::event::{
    Direction, EventKind, Opcode, Outgoing, SocketIoArg, SocketIoEvent, SocketIoOutgoing,
    SocketIoPacket,
};
use crate::model::EngineIoVersion;
use crate::template::ResolvedSocketIo;

/// Something the session must do for the layer, in order.
#[derive(Debug)]
pub(crate) enum Out {
    /// Queue this frame.
    Frame(Outgoing),
    /// Report this once the frames queued before it are written.
    AfterFrames(EventKind),
}

/// Why the layer ends the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SioEnd {
    /// A heartbeat or the open packet did not come: like a broken connection.
    Lost(String),
    /// The server refused or left the namespace, or closed Engine.IO: close 1000, no retry.
    Server(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    WaitingOpen,
    Joining,
    Joined,
}

/// A binary packet waiting for its attachments.
struct Partial {
    /// `None` for a packet of another namespace: its attachments are only skipped.
    packet: Option<SocketIoPacket>,
    need: usize,
    attachments: Vec<Bytes>,
}

/// One Socket.IO connection's protocol state (one per connection attempt).
pub(crate) struct Layer {
    version: EngineIoVersion,
    namespace: String,
    auth: Option<String>,
    ack_timeout: Option<Duration>,
    auto_ack: bool,
    state: State,
    open_deadline: Instant,
    open_wait_ms: u64,
    /// Engine.IO 4: when the server's next ping is overdue; with its allowance in ms.
    ping_deadline: Option<(Instant, u64)>,
    /// Engine.IO 3: our ping schedule and the pong we wait for.
    next_ping: Option<Instant>,
    pong_deadline: Option<Instant>,
    ping_interval: Duration,
    ping_timeout: Duration,
    next_ack_id: u64,
    /// Our emits waiting for their ack: when each was sent.
    pending_acks: BTreeMap<u64, Instant>,
    /// Emits asked for before the namespace was joined.
    buffered: Vec<SocketIoOutgoing>,
    partial: Option<Partial>,
    out: Vec<Out>,
    end: Option<SioEnd>,
}

impl Layer {
    pub(crate) fn new(settings: &ResolvedSocketIo, open_wait_ms: u64, now: Instant) -> Self {
        Self {
            version: settings.version,
            namespace: settings.namespace.clone(),
            auth: settings.auth.clone(),
            ack_timeout: (settings.ack_timeout_ms > 0)
                .then(|| Duration::from_millis(settings.ack_timeout_ms)),
            auto_ack: settings.auto_ack,
            state: State::WaitingOpen,
            open_deadline: now + Duration::from_millis(open_wait_ms.max(1)),
            open_wait_ms,
            ping_deadline: None,
            next_ping: None,
            pong_deadline: None,
            ping_interval: Duration::ZERO,
            ping_timeout: Duration::ZERO,
            next_ack_id: 0,
            pending_acks: BTreeMap::new(),
            buffered: Vec::new(),
            partial: None,
            out: Vec::new(),
            end: None,
        }
    }

    /// What to queue and report, in order.
    pub(crate) fn take_out(&mut self) -> Vec<Out> {
        std::mem::take(&mut self.out)
    }

    pub(crate) fn take_end(&mut self) -> Option<SioEnd> {
        self.end.take()
    }

    /// The earliest moment [`Layer::due`] has something to do.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        let mut at = match self.state {
            State::WaitingOpen => Some(self.open_deadline),
            _ => None,
        };
        let ack = self
            .ack_timeout
            .and_then(|t| self.pending_acks.values().min().map(|sent| *sent + t));
        for candidate in [
            self.ping_deadline.map(|(at, _)| at),
            self.next_ping,
            self.pong_deadline,
            ack,
        ]
        .into_iter()
        .flatten()
        {
            at = Some(at.map_or(candidate, |a: Instant| a.min(candidate)));
        }
        at
    }

    /// While the socket is not read (backpressure), the server's pings cannot be seen.
    pub(crate) fn hold(&mut self, now: Instant) {
        if let Some((at, allowance)) = &mut self.ping_deadline {
            *at = (*at).max(now + Duration::from_millis(*allowance));
        }
        if let Some(at) = &mut self.pong_deadline {
            *at = (*at).max(now + self.ping_timeout);
        }
    }

    /// Timers: heartbeats, the open packet, ack timeouts. Immediate events go to `events`.
    pub(crate) fn due(&mut self, now: Instant, events: &mut Vec<EventKind>) {
        if self.state == State::WaitingOpen && now >= self.open_deadline {
            self.end_with(SioEnd::Lost(format!(
                "no Engine.IO open packet within {} ms (is this a Socket.IO server, and the path right?)",
                self.open_wait_ms
            )));
            return;
        }
        if let Some((at, allowance)) = self.ping_deadline
            && now >= at
        {
            self.end_with(SioEnd::Lost(format!(
                "no ping from the server within {allowance} ms"
            )));
            return;
        }
        if let Some(at) = self.pong_deadline
            && now >= at
        {
            self.end_with(SioEnd::Lost(format!(
                "no pong from the server within {} ms",
                self.ping_timeout.as_millis()
            )));
            return;
        }
        if let Some(at) = self.next_ping
            && now >= at
        {
            self.out.push(Out::Frame(Outgoing::Text("2".to_owned())));
            self.next_ping = Some(now + self.ping_interval);
            self.pong_deadline.get_or_insert(now + self.ping_timeout);
        }
        if let Some(timeout) = self.ack_timeout {
            let expired: Vec<u64> = self
                .pending_acks
                .iter()
                .filter(|(_, sent)| now >= **sent + timeout)
                .map(|(id, _)| *id)
                .collect();
            for ack_id in expired {
                self.pending_acks.remove(&ack_id);
                events.push(self.event(
                    Direction::Sent,
                    SocketIoPacket::AckTimeout {
                        ack_id,
                        after_ms: timeout.as_millis() as u64,
                    },
                ));
            }
        }
    }

    fn end_with(&mut self, end: SioEnd) {
        self.end.get_or_insert(end);
    }

    fn event(&self, direction: Direction, packet: SocketIoPacket) -> EventKind {
        EventKind::SocketIo(Box::new(SocketIoEvent {
            direction,
            namespace: self.namespace.clone(),
            packet,
        }))
    }

    /// One message the session read (already reported as a raw frame). Decoded packets and
    /// errors go to `events`, in order.
    pub(crate) fn on_message(
        &mut self,
        opcode: Opcode,
        payload: &Bytes,
        now: Instant,
        events: &mut Vec<EventKind>,
    ) {
        if self.end.is_some() {
            return;
        }
        match opcode {
            Opcode::Binary => self.on_binary(payload, events),
            Opcode::Text => {
                let Ok(text) = std::str::from_utf8(payload) else {
                    return;
                };
                if self.partial.take().is_some() {
                    events.push(error("a text frame came before all attachments of a binary packet; the packet is dropped"));
                }
                match decode_eio(text) {
                    Ok(packet) => self.on_eio(packet, now, events),
                    Err(err) => events.push(error(&err.0)),
                }
            }
        }
    }

    fn on_binary(&mut self, payload: &Bytes, events: &mut Vec<EventKind>) {
        let data = match self.version {
            EngineIoVersion::V4 => payload.clone(),
            // Engine.IO 3 prefixes binary messages with their packet type (4).
            EngineIoVersion::V3 => match payload.first() {
                Some(4) => payload.slice(1..),
                _ => {
                    events.push(error("an Engine.IO 3 binary frame that is not a message"));
                    return;
                }
            },
        };
        let Some(partial) = &mut self.partial else {
            events.push(error("a binary frame that no Socket.IO packet announced"));
            return;
        };
        partial.attachments.push(data);
        if partial.attachments.len() >= partial.need
            && let Some(done) = self.partial.take()
        {
            self.complete(done, events);
        }
    }

    fn on_eio(&mut self, packet: EioPacket<'_>, now: Instant, events: &mut Vec<EventKind>) {
        match packet {
            EioPacket::Open(data) => {
                if self.state != State::WaitingOpen {
                    return;
                }
                match decode_open(data) {
                    Ok(open) => self.opened(open, now),
                    Err(err) => {
                        events.push(error(&err.0));
                        self.end_with(SioEnd::Lost(err.0));
                    }
                }
            }
            EioPacket::Ping(data) => {
                if self.version == EngineIoVersion::V4 {
                    self.out
                        .push(Out::Frame(Outgoing::Text(format!("3{data}"))));
                    if let Some((at, allowance)) = &mut self.ping_deadline {
                        *at = now + Duration::from_millis(*allowance);
                    }
                }
            }
            EioPacket::Pong(_) => self.pong_deadline = None,
            EioPacket::Close => {
                self.end_with(SioEnd::Server("Engine.IO closed by the server".to_owned()))
            }
            EioPacket::Message(text) => match decode_sio(text) {
                Ok(packet) => self.on_sio(packet, now, events),
                Err(err) => events.push(error(&err.0)),
            },
            EioPacket::Upgrade | EioPacket::Noop => {}
        }
    }

    fn opened(&mut self, open: Open, now: Instant) {
        self.ping_interval = Duration::from_millis(open.ping_interval_ms);
        self.ping_timeout = Duration::from_millis(open.ping_timeout_ms);
        match self.version {
            EngineIoVersion::V4 => {
                let allowance = open.ping_interval_ms + open.ping_timeout_ms;
                self.ping_deadline = Some((now + Duration::from_millis(allowance), allowance));
            }
            EngineIoVersion::V3 => self.next_ping = Some(now + self.ping_interval),
        }
        self.state = State::Joining;
        let join = match self.version {
            EngineIoVersion::V4 => true,
            // A v2 server joins `/` by itself.
            EngineIoVersion::V3 => self.namespace != "/",
        };
        if join {
            let auth = match self.version {
                EngineIoVersion::V4 => self.auth.clone(),
                EngineIoVersion::V3 => None,
            };
            let mut text = String::new();
            encode_sio(
                SioKind::Connect,
                0,
                &self.namespace,
                None,
                auth.as_deref().unwrap_or(""),
                &mut text,
            );
            self.out.push(Out::Frame(Outgoing::Text(text)));
            let event = self.event(Direction::Sent, SocketIoPacket::Connect { data: auth });
            self.out.push(Out::AfterFrames(event));
        }
    }

    fn on_sio(&mut self, packet: SioPacket<'_>, now: Instant, events: &mut Vec<EventKind>) {
        let ours = packet.namespace == self.namespace;
        let decoded = if ours {
            match self.decode(&packet, now) {
                Ok(decoded) => Some(decoded),
                Err(err) => {
                    events.push(error(&err.0));
                    return;
                }
            }
        } else {
            None
        };
        if matches!(packet.kind, SioKind::BinaryEvent | SioKind::BinaryAck) {
            let partial = Partial {
                packet: decoded,
                need: packet.attachments,
                attachments: Vec::with_capacity(packet.attachments.min(16)),
            };
            if partial.need == 0 {
                self.complete(partial, events);
            } else {
                self.partial = Some(partial);
            }
            return;
        }
        let Some(decoded) = decoded else { return };
        self.deliver(decoded, events);
    }

    /// The packet as an event (attachments still to come for binary ones).
    fn decode(
        &mut self,
        packet: &SioPacket<'_>,
        now: Instant,
    ) -> Result<SocketIoPacket, PacketError> {
        Ok(match packet.kind {
            SioKind::Connect => {
                let data = packet.data.trim();
                SocketIoPacket::Connect {
                    data: (!data.is_empty()).then(|| data.to_owned()),
                }
            }
            SioKind::ConnectError => {
                let (message, data) = connect_error(packet.data.trim());
                SocketIoPacket::ConnectError { message, data }
            }
            SioKind::Disconnect => SocketIoPacket::Disconnect,
            SioKind::Event | SioKind::BinaryEvent => {
                let (event, args) = split_event(packet.data)?;
                SocketIoPacket::Event {
                    event,
                    args: Bytes::from(args),
                    attachments: Vec::new(),
                    ack_id: packet.ack_id,
                }
            }
            SioKind::Ack | SioKind::BinaryAck => {
                let Some(ack_id) = packet.ack_id else {
                    return Err(PacketError("a Socket.IO ack without an id".to_owned()));
                };
                let args = packet::ack_args(packet.data)?;
                let rtt = self.pending_acks.remove(&ack_id).map(|sent| now - sent);
                SocketIoPacket::Ack {
                    ack_id,
                    args: Bytes::from(args),
                    attachments: Vec::new(),
                    rtt,
                }
            }
        })
    }

    fn complete(&mut self, partial: Partial, events: &mut Vec<EventKind>) {
        let Some(mut packet) = partial.packet else {
            return;
        };
        match &mut packet {
            SocketIoPacket::Event { attachments, .. } | SocketIoPacket::Ack { attachments, .. } => {
                *attachments = partial.attachments;
            }
            _ => {}
        }
        self.deliver(packet, events);
    }

    fn deliver(&mut self, packet: SocketIoPacket, events: &mut Vec<EventKind>) {
        match &packet {
            SocketIoPacket::Connect { .. } => {
                if self.state == State::Joined {
                    return;
                }
                self.state = State::Joined;
                events.push(self.event(Direction::Received, packet));
                for command in std::mem::take(&mut self.buffered) {
                    self.send(command, events);
                }
                return;
            }
            SocketIoPacket::ConnectError { message, .. } => {
                let message = message.clone();
                events.push(self.event(Direction::Received, packet));
                self.end_with(SioEnd::Server(format!("connect error: {message}")));
                return;
            }
            SocketIoPacket::Disconnect => {
                events.push(self.event(Direction::Received, packet));
                self.end_with(SioEnd::Server(
                    "the server disconnected the namespace".to_owned(),
                ));
                return;
            }
            _ => {}
        }
        let ask = match &packet {
            SocketIoPacket::Event {
                ack_id: Some(id), ..
            } if self.auto_ack => Some(*id),
            _ => None,
        };
        events.push(self.event(Direction::Received, packet));
        if let Some(ack_id) = ask {
            self.send(
                SocketIoOutgoing::Ack {
                    ack_id,
                    args: Vec::new(),
                },
                events,
            );
        }
    }

    /// An emit or ack asked for by the user, the CLI or a script.
    pub(crate) fn command(&mut self, command: SocketIoOutgoing, events: &mut Vec<EventKind>) {
        if self.end.is_some() {
            return;
        }
        if self.state != State::Joined && !matches!(command, SocketIoOutgoing::Ack { .. }) {
            self.buffered.push(command);
            return;
        }
        self.send(command, events);
    }

    /// Our DISCONNECT, before the close frame of a user's disconnect.
    pub(crate) fn leave(&mut self) {
        if self.state != State::Joined {
            return;
        }
        let mut text = String::new();
        encode_sio(SioKind::Disconnect, 0, &self.namespace, None, "", &mut text);
        self.out.push(Out::Frame(Outgoing::Text(text)));
        let event = self.event(Direction::Sent, SocketIoPacket::Disconnect);
        self.out.push(Out::AfterFrames(event));
        self.state = State::Joining;
    }

    fn send(&mut self, command: SocketIoOutgoing, events: &mut Vec<EventKind>) {
        let (kind, event, args, ack_id) = match command {
            SocketIoOutgoing::Emit { event, args, ack } => {
                let id = ack.then(|| {
                    let id = self.next_ack_id;
                    self.next_ack_id += 1;
                    id
                });
                (SioKind::Event, Some(event), args, id)
            }
            SocketIoOutgoing::EmitAck {
                event,
                args,
                ack_id,
            } => (SioKind::Event, Some(event), args, Some(ack_id)),
            SocketIoOutgoing::Ack { ack_id, args } => (SioKind::Ack, None, args, Some(ack_id)),
        };
        let what = match &event {
            Some(name) => format!("emit `{name}`"),
            None => format!("ack {}", ack_id.unwrap_or_default()),
        };
        let mut items: Vec<String> = Vec::with_capacity(args.len() + 1);
        if let Some(name) = &event {
            items.push(serde_json::Value::String(name.clone()).to_string());
        }
        let mut attachments = Vec::new();
        for (i, arg) in args.into_iter().enumerate() {
            match arg {
                SocketIoArg::Json(text) => {
                    if let Err(err) = serde_json::from_str::<serde::de::IgnoredAny>(&text) {
                        events.push(error(&format!(
                            "{what}: argument {} is not valid JSON: {err}; nothing was sent",
                            i + 1
                        )));
                        return;
                    }
                    items.push(text.trim().to_owned());
                }
                SocketIoArg::Binary(data) => {
                    items.push(format!(
                        "{{\"_placeholder\":true,\"num\":{}}}",
                        attachments.len()
                    ));
                    attachments.push(data);
                }
            }
        }
        let kind = match (kind, attachments.is_empty()) {
            (SioKind::Event, false) => SioKind::BinaryEvent,
            (SioKind::Ack, false) => SioKind::BinaryAck,
            (kind, _) => kind,
        };
        let data = packet::join_array(items.iter().map(String::as_str));
        let mut text = String::with_capacity(data.len() + 16);
        encode_sio(
            kind,
            attachments.len(),
            &self.namespace,
            ack_id,
            &data,
            &mut text,
        );
        self.out.push(Out::Frame(Outgoing::Text(text)));
        for attachment in &attachments {
            let frame = match self.version {
                EngineIoVersion::V4 => attachment.clone(),
                EngineIoVersion::V3 => {
                    let mut framed = Vec::with_capacity(attachment.len() + 1);
                    framed.push(4);
                    framed.extend_from_slice(attachment);
                    Bytes::from(framed)
                }
            };
            self.out.push(Out::Frame(Outgoing::Binary(frame)));
        }
        // The arguments as the event shows them: the array after the name.
        let shown = packet::join_array(
            items
                .iter()
                .skip(usize::from(event.is_some()))
                .map(String::as_str),
        );
        let packet = match event {
            Some(event) => {
                if let Some(id) = ack_id {
                    self.pending_acks.insert(id, Instant::now());
                }
                SocketIoPacket::Event {
                    event,
                    args: Bytes::from(shown),
                    attachments,
                    ack_id,
                }
            }
            None => SocketIoPacket::Ack {
                ack_id: ack_id.unwrap_or_default(),
                args: Bytes::from(shown),
                attachments,
                rtt: None,
            },
        };
        let event = self.event(Direction::Sent, packet);
        self.out.push(Out::AfterFrames(event));
    }
}

fn error(message: &str) -> EventKind {
    EventKind::Error {
        message: format!("Socket.IO: {message}"),
    }
}
