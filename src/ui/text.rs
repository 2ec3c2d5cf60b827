//! Words for things the panels show: an event's glyph and one-line preview, a connection
//! state with its reconnect countdown, file names for busy lines and dialogs. Pure
//! functions, no egui.

use std::path::Path;
use std::time::Instant;

use crate::engine::{CloseCode, Direction, Event, EventKind, Opcode, RoundTrip};
use crate::format::{LineBreaks, hex_preview, human_size, text_preview};

use super::widgets::ConnState;

/// Longest preview drawn in an event row (characters).
pub const PREVIEW_CHARS: usize = 240;

/// The glyph for an event: ↑ sent, ↓ received, • connection events.
pub fn glyph(event: &Event) -> &'static str {
    if crate::log::is_connection_event(event) {
        return "•";
    }
    match event.direction() {
        Some(Direction::Sent) => "↑",
        Some(Direction::Received) => "↓",
        None => "•",
    }
}

/// One line describing the event, the way Insomnia words connection events.
pub fn preview(event: &Event) -> String {
    match &event.kind {
        EventKind::Connecting { attempt, url } => {
            if *attempt > 1 {
                format!("Connecting to {url} (attempt {attempt})")
            } else {
                format!("Connecting to {url}")
            }
        }
        EventKind::Redirected { status, location } => {
            format!("Redirected ({status}) to {location}")
        }
        EventKind::Connected(info) => {
            let mut s = format!("Connected to {} in {} ms", info.url, info.elapsed_ms);
            if let Some(p) = &info.subprotocol {
                s.push_str(&format!(" (subprotocol {p})"));
            }
            s
        }
        EventKind::Message {
            opcode, payload, ..
        } => payload_preview(*opcode, payload),
        EventKind::Ping { payload, .. } => control_preview("Ping", payload, None),
        EventKind::Pong { payload, rtt, .. } => control_preview("Pong", payload, *rtt),
        EventKind::Closed { code, reason, by } => {
            let mut s = format!("Disconnected: {code} {}", CloseCode(*code).meaning());
            if !reason.is_empty() {
                s.push_str(&format!(" ({reason})"));
            }
            s.push_str(&format!(" by {}", by.as_str()));
            s
        }
        kind @ EventKind::Error { message } if kind.is_warning() => format!("Warning: {message}"),
        EventKind::Error { message } => format!("Error: {message}"),
        EventKind::HandshakeFailed(failed) => format!("Handshake failed: {}", failed.summary()),
        EventKind::SocketIo(sio) => super::socketio::preview(sio),
        EventKind::Script { level, text } => match level {
            crate::engine::ScriptLevel::Log => format!("Script: {text}"),
            level => format!("Script {}: {text}", level.name()),
        },
        EventKind::Reconnecting {
            attempt,
            of,
            delay_ms,
        } => {
            let secs = *delay_ms as f64 / 1000.0;
            let secs = if delay_ms % 1000 == 0 {
                format!("{}", delay_ms / 1000)
            } else {
                format!("{secs:.1}")
            };
            format!("Reconnecting in {secs} s ({attempt}/{of})")
        }
    }
}

/// "Pong · 12 B · 3.2 ms · hello": the size, the round trip of a pong that answers our ping,
/// then the payload (as text when it is UTF-8, else hex).
fn control_preview(what: &str, payload: &[u8], rtt: Option<RoundTrip>) -> String {
    let mut line = format!("{what} · {}", human_size(payload.len()));
    if let Some(rtt) = rtt {
        line.push_str(&format!(" · {rtt}"));
    }
    if !payload.is_empty() {
        line.push_str(" · ");
        if std::str::from_utf8(payload).is_ok() {
            line.push_str(&text_preview(payload, 60, LineBreaks::Collapse));
        } else {
            line.push_str(&hex_preview(payload, 24));
        }
    }
    line
}

fn payload_preview(opcode: Opcode, payload: &[u8]) -> String {
    if payload.is_empty() {
        return "(empty)".to_owned();
    }
    match opcode {
        Opcode::Text => text_preview(payload, PREVIEW_CHARS, LineBreaks::Collapse),
        Opcode::Binary => format!("Binary {}", hex_preview(payload, 24)),
    }
}

/// The state in words, with the countdown while waiting to reconnect:
/// "Reconnecting in 3 s (2/5)".
pub fn state_text(state: ConnState, reconnect_at: Option<Instant>) -> String {
    match (state, reconnect_at) {
        (ConnState::Reconnecting { attempt, of }, Some(at)) => {
            let left = at.saturating_duration_since(Instant::now());
            format!(
                "Reconnecting in {} s ({attempt}/{of})",
                left.as_secs_f64().ceil() as u64
            )
        }
        _ => state.label(),
    }
}

/// "insomnia_v4.json" of a path, for busy lines.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}

/// A request name made safe as a file name.
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-').to_owned();
    if stem.is_empty() {
        "request".to_owned()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{ClosedBy, HandshakeInfo};
    use bytes::Bytes;

    #[test]
    fn connection_events_read_like_insomnia() {
        let connected = Event::now(
            crate::engine::SessionId(1),
            EventKind::Connected(Box::new(HandshakeInfo {
                url: "ws://h/x".into(),
                elapsed_ms: 35,
                ..Default::default()
            })),
        );
        assert_eq!(preview(&connected), "Connected to ws://h/x in 35 ms");
        let closed = Event::now(
            crate::engine::SessionId(1),
            EventKind::Closed {
                code: 1000,
                reason: String::new(),
                by: ClosedBy::Client,
            },
        );
        assert!(preview(&closed).starts_with("Disconnected: 1000 Normal closure"));
        let re = Event::now(
            crate::engine::SessionId(1),
            EventKind::Reconnecting {
                attempt: 2,
                of: 5,
                delay_ms: 5000,
            },
        );
        assert_eq!(preview(&re), "Reconnecting in 5 s (2/5)");
    }

    #[test]
    fn previews_are_one_line() {
        let event = Event::now(
            crate::engine::SessionId(1),
            EventKind::Message {
                direction: Direction::Received,
                opcode: Opcode::Text,
                payload: Bytes::from_static(b"a\nb"),
                wire_size: None,
            },
        );
        assert_eq!(preview(&event), "a b");
    }

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(file_stem("Market feed / EU"), "Market-feed---EU");
        assert_eq!(file_stem("///"), "request");
    }
}
