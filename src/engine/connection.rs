//! One session's life: connect (with redirects), the read/write loop, close, and reconnects.
//! The event order it produces is documented in the module docs of `engine`.

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

use super::channel::EventSender;
use super::close_code::CloseCode;
use super::deflate::{Deflater, Inflater};
use super::event::{
    ClosedBy, Direction, Event, EventKind, FailedHandshake, NO_SUBPROTOCOL, Opcode, Outgoing,
    STRICT_SUBPROTOCOL_CLOSE, SessionId, WireSize, now_ms,
};
use super::handshake::{self, Established, Socket};
use super::keepalive::{Due, KeepAlive};
use super::opcode::OpCode;
use super::protocol_error::ProtocolError;
use super::socketio::{Layer, Out, SioEnd};
use super::wire::{self, Item, Reader};
use super::writer::Outbox;
use crate::format::error_chain;
use crate::template::ResolvedRequest;

/// How long a client-initiated close waits for the server's close frame before dropping TCP.
pub const CLOSE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// What a running session task is asked to do.
#[derive(Debug)]
pub(crate) enum SessionCommand {
    Send(Outgoing),
    Ping(Bytes),
    Disconnect,
    /// A disconnect with this code and reason (a script's `ws.close(code, reason)`).
    Close(CloseCode, String),
    /// An emit or ack: only a Socket.IO session can send one.
    SocketIo(Box<crate::engine::SocketIoOutgoing>),
}

/// What a WebSocket session answers to a Socket.IO emit or ack.
pub(crate) const NOT_SOCKETIO: &str = "not a Socket.IO request: emits need a Socket.IO connection";

/// What a send or ping to a session that is not connected gets back.
pub(crate) const NOT_CONNECTED: &str = "not connected";

/// How one connection (one attempt) ended.
struct End {
    code: CloseCode,
    reason: String,
    by: ClosedBy,
    /// Whether this end calls for a reconnect (if any are configured).
    retry: bool,
    /// Whether the handshake had succeeded (the user saw `Connected`).
    was_connected: bool,
}

impl End {
    fn network(reason: impl Into<String>, was_connected: bool) -> Self {
        Self {
            code: CloseCode::ABNORMAL,
            reason: reason.into(),
            by: ClosedBy::Network,
            retry: true,
            was_connected,
        }
    }

    /// After the server's close frame (`code` as it sent it): only a 1000 is not retried.
    fn server(code: CloseCode, reason: String) -> Self {
        Self {
            code,
            reason,
            by: ClosedBy::Server,
            retry: code != CloseCode::NORMAL,
            was_connected: true,
        }
    }
}

/// Runs a session to its end; the last event it emits is always `Closed`.
pub(crate) async fn run(
    session: SessionId,
    request: ResolvedRequest,
    commands: &mut UnboundedReceiver<SessionCommand>,
    events: &EventSender,
) {
    let emit = |kind| events.emit(session, kind);
    let reconnects = request.settings.reconnect_attempts;
    let mut attempt: u32 = 1;
    loop {
        emit(EventKind::Connecting {
            attempt,
            url: request.url.to_string(),
        });
        let outcome = tokio::select! {
            result = handshake::establish(&request, session, events) => result,
            () = until_disconnect(commands, session, events) => {
                emit(cancelled("cancelled while connecting"));
                return;
            }
        };
        let end = match outcome {
            Err(mut err) => {
                let message = error_chain(&err);
                emit(EventKind::HandshakeFailed(Box::new(FailedHandshake {
                    message: message.clone(),
                    response: err.take_response(),
                })));
                End {
                    retry: err.is_transient(),
                    ..End::network(message, false)
                }
            }
            Ok(established) => connected(session, &request, established, commands, events).await,
        };
        if !end.retry || attempt > reconnects {
            emit(EventKind::Closed {
                code: end.code.0,
                reason: end.reason,
                by: end.by,
            });
            return;
        }
        if end.was_connected {
            // Closed is reserved for the session's end; a retried loss is reported as an error.
            let mut message = format!("connection lost: {} {}", end.code.0, end.code.meaning());
            if !end.reason.is_empty() {
                message.push_str(&format!(" ({})", end.reason));
            }
            emit(EventKind::Error { message });
        }
        let delay_ms = request.settings.reconnect_interval_ms;
        emit(EventKind::Reconnecting {
            attempt,
            of: reconnects,
            delay_ms,
        });
        tokio::select! {
            () = tokio::time::sleep(std::time::Duration::from_millis(delay_ms)) => {}
            () = until_disconnect(commands, session, events) => {
                emit(cancelled("cancelled while waiting to reconnect"));
                return;
            }
        }
        attempt += 1;
    }
}

fn cancelled(reason: &str) -> EventKind {
    EventKind::Closed {
        code: CloseCode::NORMAL.0,
        reason: reason.to_owned(),
        by: ClosedBy::Client,
    }
}

/// Resolves on Disconnect (or when the engine is gone); answers sends with "not connected".
async fn until_disconnect(
    commands: &mut UnboundedReceiver<SessionCommand>,
    session: SessionId,
    events: &EventSender,
) {
    loop {
        match commands.recv().await {
            None | Some(SessionCommand::Disconnect | SessionCommand::Close(..)) => return,
            Some(
                SessionCommand::Send(_) | SessionCommand::Ping(_) | SessionCommand::SocketIo(_),
            ) => events.emit(
                session,
                EventKind::Error {
                    message: NOT_CONNECTED.to_owned(),
                },
            ),
        }
    }
}

/// One upgraded connection: the socket's halves (reads and writes proceed independently),
/// our frame reader, the write queue, and the keep-alive state (`keepalive.rs`).
struct Conn {
    rx: ReadHalf<Socket>,
    tx: WriteHalf<Socket>,
    reader: Reader,
    outbox: Outbox,
    /// Set when permessage-deflate was agreed; `deflated` is its reusable output.
    deflater: Option<Deflater>,
    deflated: Vec<u8>,
    session: SessionId,
    events: EventSender,
    keepalive: KeepAlive,
    /// Answer the server's pings (the auto-pong setting).
    auto_pong: bool,
    /// A Socket.IO request's protocol state (`socketio/`).
    sio: Option<Layer>,
}

/// One step of writing: bytes taken, or a flush done.
enum Wrote {
    Bytes(usize),
    Flushed,
}

/// Writes some of what is queued, or flushes once all of it is written. One operation per
/// call, so a `select!` may cancel it at any point without losing track of what was written.
async fn write_step(tx: &mut WriteHalf<Socket>, outbox: &Outbox) -> std::io::Result<Wrote> {
    if outbox.has_pending() {
        match tx.write(outbox.pending()).await? {
            0 => Err(std::io::ErrorKind::WriteZero.into()),
            n => Ok(Wrote::Bytes(n)),
        }
    } else {
        tx.flush().await.map(|()| Wrote::Flushed)
    }
}

impl Conn {
    fn emit(&self, kind: EventKind) {
        self.events.emit(self.session, kind);
    }

    /// Whether there is anything to write or flush.
    fn writing(&self) -> bool {
        self.outbox.has_pending() || self.outbox.needs_flush()
    }

    /// Books a finished write step; reports the frames it completed.
    fn wrote(&mut self, step: Wrote) {
        match step {
            Wrote::Bytes(n) => {
                for kind in self.outbox.wrote(n) {
                    self.emit(kind);
                }
            }
            Wrote::Flushed => self.outbox.flushed(),
        }
    }

    /// Queues a ping, remembered for its pong; reported once it is written.
    fn queue_ping(&mut self, payload: Bytes) {
        self.keepalive.sent(&payload, Instant::now());
        let event = EventKind::Ping {
            direction: Direction::Sent,
            payload: payload.clone(),
        };
        self.queue_frame(OpCode::Ping, &payload, Some(event));
    }

    /// Queues one control frame; `event` is reported once it is written.
    fn queue_frame(&mut self, opcode: OpCode, payload: &[u8], event: Option<EventKind>) {
        self.outbox
            .push(|out| wire::encode(opcode, payload, out), event);
    }

    /// Queues a text or binary message, compressed when permessage-deflate was agreed; it is
    /// reported (with its size on the wire if compressed) once written.
    fn queue_message(&mut self, message: Outgoing) {
        let (opcode, payload) = match message {
            Outgoing::Text(text) => (Opcode::Text, Bytes::from(text)),
            Outgoing::Binary(payload) => (Opcode::Binary, payload),
        };
        let compressed = match self.deflater.as_mut() {
            Some(deflater) => deflater.deflate(&payload, &mut self.deflated),
            None => false,
        };
        let wire_size = compressed.then(|| WireSize::new(self.deflated.len() as u64));
        let deflated = &self.deflated;
        self.outbox.push(
            |out| {
                if compressed {
                    wire::encode_compressed(OpCode::from(opcode), deflated, out);
                } else {
                    wire::encode(OpCode::from(opcode), &payload, out);
                }
            },
            Some(EventKind::Message {
                direction: Direction::Sent,
                opcode,
                payload: payload.clone(),
                wire_size,
            }),
        );
        if self.deflated.capacity() > 1 << 20 {
            self.deflated = Vec::new();
        }
    }

    /// Queues the frames the Socket.IO layer asked for (each reported once written) and
    /// emits its immediate `events`.
    fn flush_sio(&mut self, events: Vec<EventKind>) {
        for event in events {
            self.emit(event);
        }
        let Some(layer) = self.sio.as_mut() else {
            return;
        };
        for out in layer.take_out() {
            match out {
                Out::Frame(message) => self.queue_message(message),
                Out::AfterFrames(event) => self.outbox.report(event),
            }
        }
    }

    /// How the connection ends when the Socket.IO layer says so.
    async fn sio_end(&mut self) -> Option<End> {
        match self.sio.as_mut()?.take_end()? {
            // Like a dead keep-alive: drop the socket, no close handshake.
            SioEnd::Lost(reason) => Some(End::network(reason, true)),
            SioEnd::Server(reason) => {
                close_quickly(self, CloseCode::NORMAL, "").await;
                Some(End {
                    code: CloseCode::NORMAL,
                    reason,
                    by: ClosedBy::Server,
                    retry: false,
                    was_connected: true,
                })
            }
        }
    }

    /// Writes everything queued until `deadline`: whether it all went out.
    async fn drain(&mut self, deadline: Instant) -> bool {
        while self.writing() {
            match tokio::time::timeout_at(deadline, write_step(&mut self.tx, &self.outbox)).await {
                Ok(Ok(step)) => self.wrote(step),
                Ok(Err(_)) | Err(_) => return false,
            }
        }
        true
    }

    /// Parses what the last read delivered and reports it as one batch of events (one
    /// timestamp per read). Pings are answered (queued, reported as `Pong{Sent}` after their
    /// `Ping{Received}`) when `answer_pings`.
    /// Returns the server's close frame if one came.
    fn process(
        &mut self,
        answer_pings: bool,
    ) -> (Option<(CloseCode, String)>, Result<(), ProtocolError>) {
        let at_ms = now_ms();
        let now = Instant::now();
        let session = self.session;
        let mut batch = Vec::new();
        let mut close = None;
        let outbox = &mut self.outbox;
        let keepalive = &mut self.keepalive;
        let sio = &mut self.sio;
        let mut decoded = Vec::new();
        let event = |kind| Event {
            at_ms,
            session,
            kind,
        };
        let result = self.reader.parse(|item| match item {
            Item::Message {
                opcode,
                payload,
                wire_size,
            } => {
                if let Some(layer) = sio.as_mut() {
                    layer.on_message(opcode, &payload, now, &mut decoded);
                }
                batch.push(event(EventKind::Message {
                    direction: Direction::Received,
                    opcode,
                    payload,
                    wire_size: wire_size.map(WireSize::new),
                }));
                // A Socket.IO packet is reported right after the frame that completed it.
                batch.extend(decoded.drain(..).map(event));
            }
            Item::Ping(payload) => {
                batch.push(event(EventKind::Ping {
                    direction: Direction::Received,
                    payload: payload.clone(),
                }));
                if answer_pings {
                    // Queued now; reported with the ping it answers.
                    outbox.push(|out| wire::encode(OpCode::Pong, &payload, out), None);
                    batch.push(event(EventKind::Pong {
                        direction: Direction::Sent,
                        payload,
                        rtt: None,
                    }));
                }
            }
            Item::Pong(payload) => batch.push(event(EventKind::Pong {
                direction: Direction::Received,
                rtt: keepalive.answered(&payload, now),
                payload,
            })),
            Item::Close { code, reason } => close = Some((code, reason)),
        });
        // Batches can wait in the channel for a while under a flood: no spare capacity.
        batch.shrink_to_fit();
        self.events.emit_batch(batch);
        (close, result)
    }

    /// Handles what the buffer holds after a read: reports it, queues answers to pings, and
    /// answers the server's close frame (setting `server_close`). `Some` when the connection
    /// ends.
    async fn handle_data(&mut self, server_close: &mut Option<(CloseCode, String)>) -> Option<End> {
        if server_close.is_some() {
            // After the close handshake the server has nothing more to say.
            let _ = self.reader.parse(|_| {});
            return None;
        }
        let (close, result) = self.process(self.auto_pong);
        if let Err(err) = result {
            return Some(fail(self, err).await);
        }
        self.flush_sio(Vec::new());
        if let Some(end) = self.sio_end().await {
            return Some(end);
        }
        if let Some((code, reason)) = close {
            // Answer with the same code (none if it sent none), then wait for the server
            // to end TCP; the loop writes the answer.
            let payload = if code == CloseCode::NO_STATUS {
                Vec::new()
            } else {
                wire::close_payload(code, "")
            };
            self.queue_frame(OpCode::Close, &payload, None);
            *server_close = Some((code, reason));
        }
        None
    }
}

/// From a finished handshake to the end of this connection.
async fn connected(
    session: SessionId,
    request: &ResolvedRequest,
    established: Established,
    commands: &mut UnboundedReceiver<SessionCommand>,
    events: &EventSender,
) -> End {
    let emit = |kind| events.emit(session, kind);
    let Established { socket, tail, info } = established;
    let mut reader = Reader::new(&tail, request.settings.max_message_size_bytes);
    if let Some(agreed) = &info.compression {
        reader = reader.inflating(Inflater::new(agreed));
    }
    let (rx, tx) = tokio::io::split(socket);
    let mut conn = Conn {
        rx,
        tx,
        reader,
        outbox: Outbox::default(),
        deflater: info.compression.as_ref().map(Deflater::new),
        deflated: Vec::new(),
        session,
        events: events.clone(),
        keepalive: KeepAlive::new(&request.settings, Instant::now()),
        auto_pong: request.settings.auto_pong,
        sio: request.socketio.as_ref().map(|settings| {
            Layer::new(
                settings,
                request.settings.handshake_timeout_ms,
                Instant::now(),
            )
        }),
    };
    let offered = &request.settings.subprotocols;
    let no_subprotocol = (!offered.is_empty() && info.subprotocol.is_none())
        .then(|| format!("{NO_SUBPROTOCOL} (offered: {})", offered.join(", ")));
    if let Some(message) = &no_subprotocol
        && request.settings.strict_subprotocol
    {
        let message = format!("{message}{STRICT_SUBPROTOCOL_CLOSE}");
        emit(EventKind::Error {
            message: message.clone(),
        });
        close_quickly(
            &mut conn,
            CloseCode::PROTOCOL_ERROR,
            "no subprotocol accepted",
        )
        .await;
        return End {
            code: CloseCode::PROTOCOL_ERROR,
            reason: message,
            by: ClosedBy::Client,
            retry: false,
            was_connected: false,
        };
    }
    emit(EventKind::Connected(Box::new(info)));
    if let Some(message) = no_subprotocol {
        emit(EventKind::Error { message });
    }
    // Set once the server's close frame arrived: we then only wait for the TCP end.
    let mut server_close: Option<(CloseCode, String)> = None;
    let mut close_deadline = None;
    // Frames that came with the 101 response are handled before the first read.
    if !tail.is_empty() {
        if let Some(end) = conn.handle_data(&mut server_close).await {
            return end;
        }
        if server_close.is_some() {
            close_deadline = Some(Instant::now() + CLOSE_TIMEOUT);
        }
    }
    if let Some(open) = &request.open_message
        && server_close.is_none()
    {
        conn.queue_message(open.clone());
    }
    loop {
        let deadline = close_deadline.unwrap_or_else(far_future);
        // Backpressure: while the consumer is far behind, leave the socket unread.
        let paused = events.backlogged();
        if paused {
            conn.keepalive.hold(Instant::now());
            if let Some(layer) = conn.sio.as_mut() {
                layer.hold(Instant::now());
            }
        }
        let keepalive_at = conn.keepalive.next_deadline();
        let sio_at = conn.sio.as_ref().and_then(Layer::next_deadline);
        let writing = conn.writing();
        tokio::select! {
            () = events.caught_up(), if paused => {}
            step = write_step(&mut conn.tx, &conn.outbox), if writing => match step {
                Ok(step) => conn.wrote(step),
                Err(err) => {
                    if let Some((code, reason)) = server_close {
                        return End::server(code, reason);
                    }
                    return End::network(format!("send failed: {err}"), true);
                }
            },
            read = conn.rx.read_buf(conn.reader.read_buffer()), if !paused => match read {
                Ok(0) => {
                    return match server_close {
                        Some((code, reason)) => End::server(code, reason),
                        None => End::network("connection closed without a close frame", true),
                    };
                }
                Ok(_) => {
                    if let Some(end) = conn.handle_data(&mut server_close).await {
                        return end;
                    }
                    if server_close.is_some() && close_deadline.is_none() {
                        close_deadline = Some(Instant::now() + CLOSE_TIMEOUT);
                    }
                }
                Err(err) => {
                    if let Some((code, reason)) = server_close {
                        // The close handshake was done; how the TCP ended does not matter.
                        return End::server(code, reason);
                    }
                    return End::network(format!("connection error: {err}"), true);
                }
            },
            command = commands.recv(), if server_close.is_none() => match command {
                Some(SessionCommand::Send(message)) => conn.queue_message(message),
                Some(SessionCommand::Ping(payload)) => {
                    if payload.len() > 125 {
                        emit(EventKind::Error {
                            message: format!(
                                "ping payload of {} bytes is over the 125-byte limit for control frames",
                                payload.len()
                            ),
                        });
                        continue;
                    }
                    conn.queue_ping(payload);
                }
                None | Some(SessionCommand::Disconnect) => {
                    return disconnect(&mut conn, CloseCode::NORMAL, "").await;
                }
                Some(SessionCommand::Close(code, reason)) => {
                    return disconnect(&mut conn, code, &reason).await;
                }
                Some(SessionCommand::SocketIo(message)) => match conn.sio.as_mut() {
                    Some(layer) => {
                        let mut now_events = Vec::new();
                        layer.command(*message, &mut now_events);
                        conn.flush_sio(now_events);
                    }
                    None => emit(EventKind::Error {
                        message: NOT_SOCKETIO.to_owned(),
                    }),
                },
            },
            () = tokio::time::sleep_until(sio_at.unwrap_or_else(far_future)),
                if sio_at.is_some() && server_close.is_none() && !paused =>
            {
                let mut now_events = Vec::new();
                if let Some(layer) = conn.sio.as_mut() {
                    layer.due(Instant::now(), &mut now_events);
                }
                conn.flush_sio(now_events);
                if let Some(end) = conn.sio_end().await {
                    return end;
                }
            }
            () = tokio::time::sleep_until(keepalive_at.unwrap_or_else(far_future)),
                if keepalive_at.is_some() && server_close.is_none() =>
            {
                match conn.keepalive.due(Instant::now()) {
                    Due::Ping(payload) => conn.queue_ping(payload),
                    // Dead: drop the socket, no close handshake (the peer is not listening).
                    Due::Dead(ms) => return End::network(format!("no pong within {ms} ms"), true),
                    Due::Nothing => {}
                }
            }
            () = tokio::time::sleep_until(deadline), if close_deadline.is_some() => {
                // The server sent its close frame but never closed TCP; we are done anyway.
                let (code, reason) = server_close.take().unwrap_or((CloseCode::NO_STATUS, String::new()));
                return End::server(code, reason);
            }
        }
    }
}

fn far_future() -> Instant {
    Instant::now() + std::time::Duration::from_secs(86_400 * 365)
}

/// RFC 6455 §7.1.7: fail the connection with a close frame saying why (1002, 1007, 1009).
async fn fail(conn: &mut Conn, err: ProtocolError) -> End {
    let code = err.close_code();
    let message = err.event_message();
    conn.emit(EventKind::Error {
        message: message.clone(),
    });
    close_quickly(conn, code, err.close_reason()).await;
    End {
        code,
        reason: message,
        by: ClosedBy::Client,
        retry: false,
        was_connected: true,
    }
}

/// The user's Disconnect: close 1000 (or a script's code and reason) after whatever is queued,
/// wait briefly for the server's reply, then drop. Ends within [`CLOSE_TIMEOUT`] whatever is
/// still queued (a server that stopped reading cannot hold it up).
async fn disconnect(conn: &mut Conn, code: CloseCode, reason: &str) -> End {
    let deadline = Instant::now() + CLOSE_TIMEOUT;
    // A Socket.IO session leaves its namespace first.
    if let Some(layer) = conn.sio.as_mut() {
        layer.leave();
        conn.flush_sio(Vec::new());
    }
    let close = wire::close_payload(code, reason);
    conn.queue_frame(OpCode::Close, &close, None);
    // Messages already in flight still arrive before the server's close reply.
    loop {
        let writing = conn.writing();
        tokio::select! {
            step = write_step(&mut conn.tx, &conn.outbox), if writing => match step {
                Ok(step) => conn.wrote(step),
                Err(_) => break,
            },
            read = conn.rx.read_buf(conn.reader.read_buffer()) => match read {
                Ok(n) if n > 0 => {
                    let (close, result) = conn.process(false);
                    if close.is_some() || result.is_err() {
                        break;
                    }
                }
                _ => break,
            },
            () = tokio::time::sleep_until(deadline) => break,
        }
    }
    End {
        code,
        reason: reason.to_owned(),
        by: ClosedBy::Client,
        retry: false,
        was_connected: true,
    }
}

/// Sends a close frame (after whatever is queued) with a short timeout, ignoring failures:
/// we are leaving anyway.
async fn close_quickly(conn: &mut Conn, code: CloseCode, reason: &str) {
    let payload = wire::close_payload(code, reason);
    conn.queue_frame(OpCode::Close, &payload, None);
    conn.drain(Instant::now() + CLOSE_TIMEOUT).await;
}
