//! One session's life: connect (with redirects), the read/write loop, close, and reconnects.
//! The event order it produces is documented in the module docs of `engine`.

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{Instant, timeout_at};
use tokio_tungstenite::tungstenite::error::CapacityError;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};

use super::event::{
    ClosedBy, Direction, EventKind, Opcode, Outgoing, SessionId, close_code_meaning,
};
use super::handshake::{self, Established, HandshakeError, Socket};
use super::{CLOSE_TIMEOUT, EventSender, NOT_CONNECTED, SessionCommand};
use crate::template::ResolvedRequest;

/// How one connection (one attempt) ended.
struct End {
    code: u16,
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
            code: 1006,
            reason: reason.into(),
            by: ClosedBy::Network,
            retry: true,
            was_connected,
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
            Err(err) => {
                let message = err.to_string();
                emit(EventKind::Error {
                    message: message.clone(),
                });
                End {
                    retry: matches!(err, HandshakeError::Transient(_)),
                    ..End::network(message, false)
                }
            }
            Ok(established) => connected(session, &request, established, commands, events).await,
        };
        if !end.retry || attempt > reconnects {
            emit(EventKind::Closed {
                code: end.code,
                reason: end.reason,
                by: end.by,
            });
            return;
        }
        if end.was_connected {
            // Closed is reserved for the session's end; a retried loss is reported as an error.
            let mut message = format!(
                "connection lost: {} {}",
                end.code,
                close_code_meaning(end.code)
            );
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
        code: 1000,
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
            None | Some(SessionCommand::Disconnect) => return,
            Some(SessionCommand::Send(_) | SessionCommand::Ping(_)) => events.emit(
                session,
                EventKind::Error {
                    message: NOT_CONNECTED.to_owned(),
                },
            ),
        }
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
    let Established { mut socket, info } = established;
    let offered = &request.settings.subprotocols;
    let no_subprotocol = (!offered.is_empty() && info.subprotocol.is_none()).then(|| {
        format!(
            "server accepted no subprotocol (offered: {})",
            offered.join(", ")
        )
    });
    if let Some(message) = &no_subprotocol
        && request.settings.strict_subprotocol
    {
        let message = format!("{message}; closing because strict subprotocol is on");
        emit(EventKind::Error {
            message: message.clone(),
        });
        close_quickly(&mut socket, CloseCode::Protocol, "no subprotocol accepted").await;
        return End {
            code: 1002,
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
    if let Some(open) = &request.open_message
        && let Err(err) = send(&mut socket, open.clone(), session, events).await
    {
        return End::network(format!("sending the open message failed: {err}"), true);
    }

    // Set once the server's close frame arrived: we then only wait for the TCP end.
    let mut server_close: Option<(u16, String)> = None;
    let mut close_deadline = None;
    loop {
        let deadline = close_deadline.unwrap_or_else(far_future);
        tokio::select! {
            incoming = socket.next() => match incoming {
                Some(Ok(message)) => {
                    if let Some(close) = receive(message, session, events) {
                        server_close = Some(close);
                        close_deadline = Some(Instant::now() + CLOSE_TIMEOUT);
                    }
                }
                None | Some(Err(WsError::ConnectionClosed | WsError::AlreadyClosed)) => {
                    return match server_close {
                        Some((code, reason)) => End {
                            code,
                            reason,
                            by: ClosedBy::Server,
                            retry: code != 1000,
                            was_connected: true,
                        },
                        None => End::network("connection closed without a close frame", true),
                    };
                }
                Some(Err(WsError::Capacity(err))) => {
                    let message = match err {
                        CapacityError::MessageTooLong { size, max_size } => format!(
                            "incoming message of {size} bytes exceeds the maximum message size of {max_size} bytes"
                        ),
                        other => format!("incoming message too big: {other}"),
                    };
                    emit(EventKind::Error { message: message.clone() });
                    close_quickly(&mut socket, CloseCode::Size, "message too big").await;
                    return End {
                        code: 1009,
                        reason: message,
                        by: ClosedBy::Client,
                        retry: false,
                        was_connected: true,
                    };
                }
                Some(Err(err)) => {
                    if let Some((code, reason)) = server_close {
                        // The close handshake was done; how the TCP ended does not matter.
                        return End { code, reason, by: ClosedBy::Server, retry: code != 1000, was_connected: true };
                    }
                    if let Some((code, close_code, short)) = failure_code(&err) {
                        // RFC 6455 §7.1.7: fail the connection with a close frame saying why.
                        let message = format!("{short} from the server: {err}");
                        emit(EventKind::Error { message: message.clone() });
                        close_quickly(&mut socket, close_code, short).await;
                        return End {
                            code,
                            reason: message,
                            by: ClosedBy::Client,
                            retry: false,
                            was_connected: true,
                        };
                    }
                    return End::network(read_error(&err), true);
                }
            },
            command = commands.recv(), if server_close.is_none() => match command {
                Some(SessionCommand::Send(message)) => {
                    if let Err(err) = send(&mut socket, message, session, events).await {
                        return End::network(format!("send failed: {err}"), true);
                    }
                }
                Some(SessionCommand::Ping(payload)) => {
                    if let Err(err) = socket.send(Message::Ping(payload.clone())).await {
                        return End::network(format!("ping failed: {err}"), true);
                    }
                    emit(EventKind::Ping { direction: Direction::Sent, payload });
                }
                None | Some(SessionCommand::Disconnect) => {
                    return disconnect(&mut socket, session, events).await;
                }
            },
            () = tokio::time::sleep_until(deadline), if close_deadline.is_some() => {
                // The server sent its close frame but never closed TCP; we are done anyway.
                let (code, reason) = server_close.take().unwrap_or((1005, String::new()));
                return End { code, reason, by: ClosedBy::Server, retry: code != 1000, was_connected: true };
            }
        }
    }
}

fn far_future() -> Instant {
    Instant::now() + std::time::Duration::from_secs(86_400 * 365)
}

/// Reports an incoming frame; returns the close code and reason for a close frame.
fn receive(message: Message, session: SessionId, events: &EventSender) -> Option<(u16, String)> {
    let kind = match message {
        Message::Text(text) => EventKind::Message {
            direction: Direction::Received,
            opcode: Opcode::Text,
            // Utf8Bytes wraps Bytes: this is a move, not a copy.
            payload: Bytes::from(text),
        },
        Message::Binary(payload) => EventKind::Message {
            direction: Direction::Received,
            opcode: Opcode::Binary,
            payload,
        },
        Message::Ping(payload) => EventKind::Ping {
            direction: Direction::Received,
            payload,
        },
        Message::Pong(payload) => EventKind::Pong {
            direction: Direction::Received,
            payload,
        },
        Message::Close(frame) => {
            return Some(match frame {
                Some(frame) => (u16::from(frame.code), frame.reason.as_str().to_owned()),
                None => (1005, String::new()),
            });
        }
        Message::Frame(_) => return None,
    };
    events.emit(session, kind);
    None
}

/// Sends a text or binary message and reports it (after it went out).
async fn send(
    socket: &mut Socket,
    message: Outgoing,
    session: SessionId,
    events: &EventSender,
) -> Result<(), WsError> {
    let (frame, opcode, payload) = match message {
        Outgoing::Text(text) => {
            let text = Utf8Bytes::from(text);
            let payload = Bytes::from(text.clone());
            (Message::Text(text), Opcode::Text, payload)
        }
        Outgoing::Binary(payload) => (Message::Binary(payload.clone()), Opcode::Binary, payload),
    };
    socket.send(frame).await?;
    events.emit(
        session,
        EventKind::Message {
            direction: Direction::Sent,
            opcode,
            payload,
        },
    );
    Ok(())
}

/// The user's Disconnect: close 1000, wait briefly for the server's reply, then drop.
async fn disconnect(socket: &mut Socket, session: SessionId, events: &EventSender) -> End {
    let deadline = Instant::now() + CLOSE_TIMEOUT;
    let frame = CloseFrame {
        code: CloseCode::Normal,
        reason: Utf8Bytes::from_static(""),
    };
    if let Ok(Ok(())) = timeout_at(deadline, socket.close(Some(frame))).await {
        // Messages already in flight still arrive before the server's close reply.
        while let Ok(Some(Ok(message))) = timeout_at(deadline, socket.next()).await {
            if receive(message, session, events).is_some() {
                break;
            }
        }
    }
    End {
        code: 1000,
        reason: String::new(),
        by: ClosedBy::Client,
        retry: false,
        was_connected: true,
    }
}

/// Sends a close frame with a short timeout, ignoring failures: we are leaving anyway.
async fn close_quickly(socket: &mut Socket, code: CloseCode, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    };
    let _ = timeout_at(Instant::now() + CLOSE_TIMEOUT, socket.close(Some(frame))).await;
}

/// For a server that broke the protocol: the close code we fail the connection with.
/// `None` for errors that are not the server's fault (a reset, a local I/O problem).
fn failure_code(err: &WsError) -> Option<(u16, CloseCode, &'static str)> {
    use tokio_tungstenite::tungstenite::error::ProtocolError;
    match err {
        WsError::Utf8(_) => Some((1007, CloseCode::Invalid, "invalid UTF-8")),
        WsError::Protocol(
            ProtocolError::ResetWithoutClosingHandshake
            | ProtocolError::SendAfterClosing
            | ProtocolError::ReceivedAfterClosing,
        ) => None,
        WsError::Protocol(_) => Some((1002, CloseCode::Protocol, "protocol error")),
        _ => None,
    }
}

fn read_error(err: &WsError) -> String {
    use tokio_tungstenite::tungstenite::error::ProtocolError;
    match err {
        WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => {
            "connection reset without a closing handshake".to_owned()
        }
        WsError::Io(io) => format!("connection error: {io}"),
        other => other.to_string(),
    }
}
