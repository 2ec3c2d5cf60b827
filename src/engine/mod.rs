//! The background tokio runtime that runs every connection. Knows nothing of egui.
//!
//! [`Engine::new`] starts a small multi-thread runtime and hands back an [`EventReceiver`].
//! Each [`Engine::connect`] starts one *session*: a tokio task (see `connection.rs`) that runs
//! the handshake (`handshake.rs`, auth in `auth.rs`), the read/write loop, the close handshake
//! and any reconnects, and reports everything as [`Event`]s on the one shared channel.
//! Commands never block: they go straight to the session's own channel.
//!
//! The framing (`wire.rs`) works with typed frame opcodes (`opcode.rs`, not the public
//! message [`Opcode`]), reports each violation as a `ProtocolError` (`protocol_error.rs`)
//! that knows its close code, and [`CloseCode`] (`close_code.rs`) is the one table of close
//! codes: which a peer may send, and what each means. Error events spell out an error's
//! causes once (`crate::format::error_chain`).
//!
//! # Event-ordering contract (per session)
//!
//! ```text
//! Connecting{attempt: 1}
//!   [Redirected{..}]*                     one per followed redirect hop
//!   Connected(info)                       or HandshakeFailed{message, response} when it fails
//!   [Message/Ping/Pong/Error]*            the open message (if any) is the first Message{Sent}
//! [ Error{"connection lost ..."}          only when a reconnect follows an abnormal end
//!   Reconnecting{attempt: k, of: N}
//!   Connecting{attempt: k+1} ... ]*       exactly N reconnects at most
//! Closed{code, reason, by}                ALWAYS the last event, exactly once per session
//! ```
//!
//! - Every session ends with exactly one [`EventKind::Closed`]; nothing follows it. A consumer
//!   can treat `Closed` as "this session is over" and never needs a timeout for that.
//! - A failed handshake: `Connecting → HandshakeFailed → (Reconnecting → Connecting → …) →
//!   Closed{1006, by Network}` (the reason repeats the last error). `HandshakeFailed` is an
//!   error like `Error` (same name "error", same `message`, see [`EventKind::error_message`]);
//!   it stands for every way an attempt can fail before `Connected` (refused, timed out,
//!   unreachable, TLS, proxy, a bad 101). When the server answered with a status other than
//!   101 (and not a followed redirect), `response` holds the request as sent, the status, its
//!   reason phrase, the response headers and the first [`REFUSAL_BODY_BYTES`] of the body.
//!   A timeout reads "handshake timed out after 10 s" (whole seconds) or "... after 300 ms".
//! - The server's close frame: `Closed{code, reason, by Server}` (1005 if it sent no code).
//!   A broken TCP connection: `Closed{1006, by Network}`.
//! - [`Engine::disconnect`] while connected: a close frame with 1000 is sent, the server's reply
//!   is awaited for up to [`CLOSE_TIMEOUT`], then the socket is dropped: `Closed{1000, by Client}`.
//!   While connecting or waiting to reconnect it takes effect at once:
//!   `Closed{1000, "cancelled while connecting" | "cancelled while waiting to reconnect",
//!   by Client}`.
//! - A message larger than `max_message_size_bytes`: `Error` naming both sizes, a close frame
//!   1009, then `Closed{1009, by Client}` (no reconnect).
//! - With permessage-deflate agreed (`deflate.rs`; `Connected`'s `compression` says what), the
//!   limit applies to the inflated size: a message that inflates past it gives the same
//!   `Error`/1009/`Closed{1009}` as soon as it crosses it; data that is not valid deflate gives
//!   1007. A 101 whose extensions do not match the offer is a failed handshake (its
//!   `HandshakeFailed` names the extension or parameter).
//! - Through a proxy (`proxy.rs`), `Connected`'s `proxy` holds the hop; a proxy that cannot be
//!   reached, refuses the tunnel or the credentials is a failed handshake whose message names
//!   the proxy (password masked) and its answer.
//! - A server that breaks the protocol (a reserved opcode or reserved bits, a masked or
//!   fragmented control frame, ...): `Error{"protocol error from the server: ..."}`, a close
//!   frame 1002, `Closed{1002, by Client}`; invalid UTF-8 in a text message or close reason:
//!   the same with 1007. No reconnect. A close frame with an invalid code or a 1-byte payload
//!   is a protocol error like the others (1002, by Client).
//! - Reconnects happen after an abnormal end only (network errors, handshake failures, a server
//!   close with a code other than 1000), never after a user disconnect or a 1000 from the server.
//! - A mid-session end that will be retried is reported as `Error{"connection lost: 1006
//!   Abnormal closure (...)"}` (not as `Closed`), followed by `Reconnecting`.
//! - Offered subprotocols but the server picked none: `Connected` (subprotocol `None`), then
//!   `Error{"server accepted no subprotocol (offered: a, b)"}`, and the connection stays up;
//!   with `strict_subprotocol`: `Error` then `Closed{1002, by Client}`, no `Connected`.
//! - Handshake failures that retrying cannot fix (an unreadable CA file, strict subprotocol)
//!   never reconnect. (Strict subprotocol ends after the 101: it stays an `Error`.)
//! - Send/Ping to a session that is not connected (connecting, reconnecting or ended) gives an
//!   `Error{"not connected"}` for that session; this is the one event that can come after a
//!   session's `Closed` (a send that raced with, or came after, its end). Disconnect of an ended
//!   session does nothing.
//! - Keep-alive (`keepalive.rs`): pings every `ping_interval_ms` (`Ping{Sent}`), a pong that
//!   answers one of our pings carries its round trip, and a ping unanswered for
//!   `pong_timeout_ms` ends the connection like a broken one: `Closed{1006, "no pong within N
//!   ms", by Network}`, or `Error{"connection lost: 1006 ..."}` and a reconnect. The server's
//!   ping is reported as `Ping{Received}`, then our answer as `Pong{Sent}`; with `auto_pong`
//!   off it is reported and not answered.
//! - Dropping the [`Engine`] stops every session at once, without `Closed` events.
//!
//! ## Socket.IO sessions
//!
//! A request with `socketio` set (`socketio/`, whose docs hold the details) follows the same
//! order, with its packets inside the connected part:
//!
//! ```text
//! Connected(info)
//!   Message{Received "0{...}"}              the Engine.IO open packet (a raw frame)
//!   Message{Sent "40..."} SocketIo{Sent Connect}      (v2 servers and `/`: nothing sent)
//!   Message{Received "40{...}"} SocketIo{Received Connect}
//!                                           or ... SocketIo{Received ConnectError} and
//!                                           Closed{1000, "connect error: <message>", by
//!                                           Server}: never retried
//!   [Message (raw frame)+ SocketIo{..}]*    each packet right after the frame(s) carrying it;
//!                                           heartbeat frames (`2`, `3`) are raw frames only
//!   [SocketIo{Sent AckTimeout}]             an emit's ack overdue (no frame)
//! Closed{..}                                `41` from the server or Engine.IO `1`:
//!                                           Closed{1000, by Server}, not retried; a missed
//!                                           heartbeat: "no ping from the server within N ms"
//!                                           like any lost connection (reconnect if set)
//! ```
//!
//! `Command::SocketIo` on a WebSocket session gives `Error{"not a Socket.IO request..."}`.
//!
//! # Batches
//!
//! Events travel in batches: everything one socket read delivered (often thousands of small
//! messages) is one channel send, stamped with one timestamp; a batch only ever holds one
//! session's events. Payloads of unfragmented
//! messages are slices of the chunk the read filled (see `wire.rs`), not copies.
//! [`EventReceiver::try_recv`] hands them out one at a time; [`EventReceiver::try_recv_batch`]
//! a whole batch, for consumers that route per batch.
//!
//! When more than [`MAX_BACKLOG`] events wait for the consumer, sessions pause reading their
//! sockets (commands are still handled) until it has caught up to half of that (a wait on a
//! `Notify`, not a poll): backpressure, not loss.
//!
//! # Writes
//!
//! A session never blocks on a write (`writer.rs`): sends, pings and answers are queued and
//! written by the session's loop while it goes on reading and handling commands. A sent
//! message or ping is reported once its last byte was written. Disconnect queues the close
//! frame behind whatever is queued and ends within [`CLOSE_TIMEOUT`] regardless.
//!
//! # Waking the UI
//!
//! The waker passed to [`Engine::new`] is called when an event arrives and no wake is pending.
//! The pending flag is cleared when [`EventReceiver::try_recv`] finds the channel empty, so
//! there is at most one wake per drain cycle and never a lost one. A consumer that stops
//! draining early (a per-frame budget) still has events waiting and must poll again on its own
//! (e.g. request another repaint); the engine will not wake it again until it drains to empty.
//! [`EventReceiver::recv_timeout`] (for the CLI and tests) blocks instead and does not re-arm
//! the waker.

mod auth;
mod channel;
mod client_cert;
mod close_code;
mod connection;
pub(crate) mod deflate;
mod event;
mod handshake;
mod keepalive;
mod opcode;
mod protocol_error;
mod proxy;
mod socketio;
mod tls;
pub(crate) mod wire;
mod writer;

pub use auth::{authorization_header, oauth1_authorization, oauth1_signature_base_string};
pub use channel::{EventReceiver, MAX_BACKLOG};
pub use client_cert::{ClientCertInfo, TlsFileError};
pub use close_code::CloseCode;
pub use connection::CLOSE_TIMEOUT;
pub use deflate::{Negotiated as DeflateParams, offer as deflate_offer};
pub use proxy::ProxyHop;
pub use tls::check_files as check_tls_files;

/// Checks a proxy URL (`http://`, `socks5://`, `socks5h://`, optional `user:pass@`) without
/// connecting; the error never quotes the password.
pub fn check_proxy_url(url: &str) -> Result<(), ProxyUrlError> {
    proxy::parse(url).map(|_| ()).map_err(ProxyUrlError)
}

/// Why a proxy URL is not usable.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ProxyUrlError(String);
pub use event::*;
pub use keepalive::MAX_OUTSTANDING;
pub(crate) use opcode::OpCode;
pub use socketio::{
    EioPacket, Open as EngineIoOpen, PacketError, SioKind, SioPacket, decode_eio, decode_open,
    decode_sio, encode_sio, split_event,
};

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::template::ResolvedRequest;
use channel::EventSender;
use connection::{NOT_CONNECTED, SessionCommand};

/// What the UI or the CLI asks of the engine.
#[derive(Debug, Clone)]
pub enum Command {
    Connect {
        session: SessionId,
        request: Box<ResolvedRequest>,
    },
    Send {
        session: SessionId,
        message: Outgoing,
    },
    Ping {
        session: SessionId,
        payload: Bytes,
    },
    Disconnect {
        session: SessionId,
    },
    /// Emit or acknowledge on a Socket.IO session.
    SocketIo {
        session: SessionId,
        message: Box<SocketIoOutgoing>,
    },
    /// Disconnect with this close code and reason (1000 or 3000-4999; the reason at most 123
    /// bytes). Like [`Command::Disconnect`] otherwise; `Closed` carries them.
    Close {
        session: SessionId,
        code: u16,
        reason: String,
    },
}

type Sessions = Arc<Mutex<HashMap<SessionId, mpsc::UnboundedSender<SessionCommand>>>>;

/// Owns the runtime; cheap to call from the UI thread (never blocks).
///
/// Dropping it stops every session at once (no further events) without waiting.
pub struct Engine {
    runtime: Option<tokio::runtime::Runtime>,
    sessions: Sessions,
    next_session: AtomicU64,
    events: EventSender,
}

impl Engine {
    /// Starts the runtime. `waker` is called (throttled) when events are waiting.
    ///
    /// # Panics
    /// If the operating system refuses to start the runtime's threads.
    pub fn new(waker: impl Fn() + Send + Sync + 'static) -> (Engine, EventReceiver) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("wsprobe-engine")
            .enable_all()
            .build()
            .expect("failed to start the engine's tokio runtime");
        let (events, receiver) = channel::channel(Box::new(waker));
        let engine = Engine {
            runtime: Some(runtime),
            sessions: Arc::default(),
            next_session: AtomicU64::new(1),
            events,
        };
        (engine, receiver)
    }

    /// A fresh session id, for callers that want to know it before sending `Command::Connect`.
    pub fn new_session_id(&self) -> SessionId {
        SessionId(self.next_session.fetch_add(1, Ordering::Relaxed))
    }

    pub fn execute(&self, command: Command) {
        match command {
            Command::Connect { session, request } => self.start_session(session, *request),
            Command::Send { session, message } => {
                self.to_session(session, SessionCommand::Send(message))
            }
            Command::Ping { session, payload } => {
                self.to_session(session, SessionCommand::Ping(payload))
            }
            Command::Disconnect { session } => self.to_session(session, SessionCommand::Disconnect),
            Command::Close {
                session,
                code,
                reason,
            } => self.to_session(session, SessionCommand::Close(CloseCode(code), reason)),
            Command::SocketIo { session, message } => {
                self.to_session(session, SessionCommand::SocketIo(message))
            }
        }
    }

    /// Starts a connection and returns its session id.
    pub fn connect(&self, request: ResolvedRequest) -> SessionId {
        let session = self.new_session_id();
        self.start_session(session, request);
        session
    }

    pub fn send(&self, session: SessionId, message: Outgoing) {
        self.execute(Command::Send { session, message });
    }

    pub fn ping(&self, session: SessionId, payload: Bytes) {
        self.execute(Command::Ping { session, payload });
    }

    pub fn disconnect(&self, session: SessionId) {
        self.execute(Command::Disconnect { session });
    }

    pub fn close(&self, session: SessionId, code: u16, reason: impl Into<String>) {
        let reason = reason.into();
        self.execute(Command::Close {
            session,
            code,
            reason,
        });
    }

    /// How many tasks are alive on the engine's runtime (every running session is one):
    /// lets tests and diagnostics check that ended sessions leave nothing behind.
    pub fn alive_tasks(&self) -> usize {
        self.runtime
            .as_ref()
            .map_or(0, |runtime| runtime.metrics().num_alive_tasks())
    }

    /// Whether a session is still running (connecting, connected or waiting to reconnect).
    pub fn is_running(&self, session: SessionId) -> bool {
        lock(&self.sessions).contains_key(&session)
    }

    fn start_session(&self, session: SessionId, request: ResolvedRequest) {
        // Keep generated ids clear of ids the caller chose.
        self.next_session
            .fetch_max(session.0.saturating_add(1), Ordering::Relaxed);
        let Some(runtime) = &self.runtime else { return };
        let (tx, rx) = mpsc::unbounded_channel();
        {
            let mut sessions = lock(&self.sessions);
            if sessions.contains_key(&session) {
                drop(sessions);
                self.events.emit(
                    session,
                    EventKind::Error {
                        message: format!("session {session} is already running"),
                    },
                );
                return;
            }
            sessions.insert(session, tx);
        }
        let events = self.events.clone();
        let sessions = self.sessions.clone();
        runtime.spawn(async move {
            let mut rx = rx;
            connection::run(session, request, &mut rx, &events).await;
            lock(&sessions).remove(&session);
            // Commands that raced with the end: a send still deserves its "not connected".
            rx.close();
            while let Ok(command) = rx.try_recv() {
                if !matches!(command, SessionCommand::Disconnect) {
                    events.emit(
                        session,
                        EventKind::Error {
                            message: NOT_CONNECTED.to_owned(),
                        },
                    );
                }
            }
        });
    }

    fn to_session(&self, session: SessionId, command: SessionCommand) {
        let command = match lock(&self.sessions).get(&session) {
            Some(tx) => match tx.send(command) {
                Ok(()) => return,
                Err(mpsc::error::SendError(command)) => command,
            },
            None => command,
        };
        // Disconnecting something that already ended is fine; a send or ping is not.
        if !matches!(command, SessionCommand::Disconnect) {
            self.events.emit(
                session,
                EventKind::Error {
                    message: NOT_CONNECTED.to_owned(),
                },
            );
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panicking session task cannot leave the map half-updated: keep going.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Drop for Engine {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
