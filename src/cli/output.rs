//! How `wsprobe run` prints events: `jsonl` (the schema is [`crate::schema`], shared with the
//! GUI's export), `text` (one readable line per event, [`text_line`]), or `quiet` (only a
//! summary, but every event still goes into an [`EventLog`]).

use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::Duration;

use crate::engine::{CloseCode, Direction, Event, EventKind, Opcode};
use crate::format::{LineBreaks, local_time, push_hex_preview, push_text_preview, size_on_wire};
use crate::log::EventLog;
use crate::schema::{EventJson, Redaction};

use super::args::OutputMode;

/// Longest text preview in text mode, in characters.
pub const PREVIEW_CHARS: usize = 200;
/// Bytes shown of a binary payload in text mode.
const PREVIEW_BYTES: usize = 32;

/// One line (no newline) for `--output text`, e.g.
/// `15:01:02.123 ↓ text   12 B  {"t":"event"}` or
/// `15:01:02.100 • connected to ws://127.0.0.1:5000/ in 3 ms (101)`.
///
/// Request headers are not printed in text mode, so no credential from them appears; a
/// password in a URL's user-info is shown as `***`.
pub fn text_line(event: &Event) -> String {
    let mut line = local_time(event.at_ms);
    line.push(' ');
    match &event.kind {
        EventKind::Connecting { attempt, url } => {
            let _ = write!(line, "• connecting to {}", mask_url(url));
            if *attempt > 1 {
                let _ = write!(line, " (attempt {attempt})");
            }
        }
        EventKind::Redirected { status, location } => {
            let _ = write!(line, "• redirected ({status}) to {}", mask_url(location));
        }
        EventKind::Connected(info) => {
            let _ = write!(
                line,
                "• connected to {} in {} ms ({}",
                mask_url(&info.url),
                info.elapsed_ms,
                info.status
            );
            if let Some(protocol) = &info.subprotocol {
                let _ = write!(line, ", subprotocol {protocol}");
            }
            if let Some(compression) = &info.compression {
                let _ = write!(line, ", {compression}");
            }
            if let Some(hop) = &info.proxy {
                let _ = write!(
                    line,
                    ", via proxy {} in {} ms: {}",
                    hop.proxy, hop.elapsed_ms, hop.answer
                );
            }
            if let Some(cert) = &info.client_certificate {
                let _ = write!(line, ", client certificate {cert}");
            }
            line.push(')');
        }
        EventKind::Message {
            direction,
            opcode,
            payload,
            wire_size,
        } => {
            let wire = wire_size.map(|w| w.bytes());
            push_frame(
                &mut line,
                *direction,
                opcode.as_str(),
                payload,
                *opcode,
                wire,
            );
        }
        EventKind::Ping { direction, payload } => {
            push_frame(
                &mut line,
                *direction,
                "ping",
                payload,
                guess_opcode(payload),
                None,
            );
        }
        EventKind::Pong {
            direction,
            payload,
            rtt,
        } => {
            push_frame(
                &mut line,
                *direction,
                "pong",
                payload,
                guess_opcode(payload),
                None,
            );
            if let Some(rtt) = rtt {
                let _ = write!(line, " · rtt {rtt}");
            }
        }
        EventKind::Closed { code, reason, by } => {
            let _ = write!(line, "• closed {code} {}", CloseCode(*code).meaning());
            if !reason.is_empty() {
                line.push_str(": ");
                push_text_preview(
                    &mut line,
                    reason.as_bytes(),
                    PREVIEW_CHARS,
                    LineBreaks::Escape,
                );
            }
            let _ = write!(line, " (by {})", by.as_str());
        }
        kind @ (EventKind::Error { .. } | EventKind::HandshakeFailed(_)) => {
            line.push_str("• error: ");
            push_text_preview(
                &mut line,
                kind.error_message().unwrap_or_default().as_bytes(),
                PREVIEW_CHARS,
                LineBreaks::Escape,
            );
        }
        EventKind::Reconnecting {
            attempt,
            of,
            delay_ms,
        } => {
            let _ = write!(
                line,
                "• reconnecting in {delay_ms} ms (attempt {attempt} of {of})"
            );
        }
        EventKind::SocketIo(sio) => {
            let arrow = match sio.direction {
                Direction::Received => '↓',
                Direction::Sent => '↑',
            };
            let _ = write!(line, "{arrow} {}", sio.packet.label());
            let args = sio.packet.args();
            if !args.is_empty() {
                line.push(' ');
                let spaced = spaced_json(args);
                let shown = spaced.as_deref().map_or(args, str::as_bytes);
                push_text_preview(&mut line, shown, PREVIEW_CHARS, LineBreaks::Escape);
            }
            push_socketio_extras(&mut line, &sio.packet);
        }
        EventKind::Script { level, text } => {
            let _ = write!(line, "• script {}: ", level.name());
            push_text_preview(
                &mut line,
                text.as_bytes(),
                PREVIEW_CHARS,
                LineBreaks::Escape,
            );
        }
    }
    line
}

/// JSON on one line with one space after each `,` and `:` (`["hi", {"from": "ann"}]`),
/// whatever spacing the sender used; the order of keys is kept. `None` for text that is not
/// valid JSON.
fn spaced_json(text: &[u8]) -> Option<String> {
    serde_json::from_slice::<serde::de::IgnoredAny>(text).ok()?;
    let text = std::str::from_utf8(text).ok()?;
    let mut out = String::with_capacity(text.len() + 16);
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            c if c.is_whitespace() => {}
            ',' | ':' => {
                out.push(c);
                out.push(' ');
            }
            '"' => {
                in_string = true;
                out.push(c);
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// After a Socket.IO packet's arguments: the ack an emit asks for, an ack's round trip, the
/// binary attachments' sizes.
fn push_socketio_extras(line: &mut String, packet: &crate::engine::SocketIoPacket) {
    use crate::engine::SocketIoPacket as P;
    let attachments = match packet {
        P::Event {
            ack_id: Some(id),
            attachments,
            ..
        } => {
            let _ = write!(line, " · ack {id}");
            attachments
        }
        P::Ack {
            rtt, attachments, ..
        } => {
            if let Some(rtt) = rtt {
                let _ = write!(line, " · rtt {:.1} ms", rtt.as_secs_f64() * 1000.0);
            }
            attachments
        }
        P::Event { attachments, .. } => attachments,
        _ => return,
    };
    if !attachments.is_empty() {
        let sizes: Vec<String> = attachments.iter().map(|a| a.len().to_string()).collect();
        let _ = write!(
            line,
            " · {} binary attachment{} ({} bytes)",
            attachments.len(),
            if attachments.len() == 1 { "" } else { "s" },
            sizes.join(", ")
        );
    }
}

fn guess_opcode(payload: &[u8]) -> Opcode {
    if std::str::from_utf8(payload).is_ok() {
        Opcode::Text
    } else {
        Opcode::Binary
    }
}

fn push_frame(
    line: &mut String,
    direction: Direction,
    label: &str,
    payload: &[u8],
    as_: Opcode,
    wire: Option<u64>,
) {
    let arrow = match direction {
        Direction::Received => '↓',
        Direction::Sent => '↑',
    };
    let _ = write!(
        line,
        "{arrow} {label:<6} {}",
        size_on_wire(payload.len(), wire)
    );
    if payload.is_empty() {
        return;
    }
    line.push_str("  ");
    match as_ {
        Opcode::Text => push_text_preview(line, payload, PREVIEW_CHARS, LineBreaks::Escape),
        Opcode::Binary => push_hex_preview(line, payload, PREVIEW_BYTES),
    }
}

/// `ws://user:***@host/` for a URL with a password; anything else unchanged.
fn mask_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// The last line of `--output quiet`.
pub fn summary_line(messages: u64, bytes: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        messages as f64 / secs
    } else {
        0.0
    };
    format!("received {messages} messages ({bytes} bytes) in {secs:.3} s ({rate:.0} msg/s)")
}

/// Where events go during a run. Writes are buffered; [`Printer::flush`] is called when the
/// event channel runs dry and at the end, so a flood costs no syscall per message.
pub struct Printer<W: Write> {
    mode: OutputMode,
    out: io::BufWriter<W>,
    /// Quiet mode keeps every event here (what the GUI does too): the ingest path we measure.
    pub log: EventLog,
    /// Set when stdout is gone (e.g. `| head`): the run then ends.
    pub broken: bool,
    /// Credentials masked before printing; `None` with `--reveal-secrets`.
    redaction: Option<Redaction>,
    /// A Socket.IO run: the received events and their argument bytes, for the quiet summary.
    socketio: Option<(u64, u64)>,
}

impl<W: Write> Printer<W> {
    pub fn new(mode: OutputMode, out: W) -> Self {
        Self {
            mode,
            out: io::BufWriter::with_capacity(64 * 1024, out),
            log: EventLog::default(),
            broken: false,
            redaction: None,
            socketio: None,
        }
    }

    /// A Socket.IO run: the quiet summary counts its received events.
    pub fn socketio(mut self) -> Self {
        self.socketio = Some((0, 0));
        self
    }

    /// Masks credentials (see [`Redaction`]) in everything printed from now on.
    pub fn redacting(mut self, redaction: Redaction) -> Self {
        self.redaction = Some(redaction);
        self
    }

    pub fn event(&mut self, event: Event) {
        let event = match &self.redaction {
            Some(redaction) if self.mode != OutputMode::Quiet => redaction.event(&event),
            _ => event,
        };
        let result = match self.mode {
            OutputMode::Quiet => {
                if let (Some((count, bytes)), EventKind::SocketIo(sio)) =
                    (&mut self.socketio, &event.kind)
                    && sio.direction == Direction::Received
                    && let crate::engine::SocketIoPacket::Event { args, .. } = &sio.packet
                {
                    *count += 1;
                    *bytes += args.len() as u64;
                }
                self.log.push(event);
                return;
            }
            OutputMode::Jsonl => serde_json::to_writer(&mut self.out, &EventJson::new(&event))
                .map_err(io::Error::from)
                .and_then(|()| self.out.write_all(b"\n")),
            OutputMode::Text => {
                let mut line = text_line(&event);
                line.push('\n');
                self.out.write_all(line.as_bytes())
            }
        };
        if result.is_err() {
            self.broken = true;
        }
    }

    pub fn flush(&mut self) {
        if self.out.flush().is_err() {
            self.broken = true;
        }
    }

    /// Prints the quiet summary (quiet mode only) and flushes.
    pub fn finish(&mut self, elapsed: Duration) {
        if self.mode == OutputMode::Quiet {
            let line = match self.socketio {
                Some((events, bytes)) => {
                    let secs = elapsed.as_secs_f64();
                    let rate = if secs > 0.0 {
                        events as f64 / secs
                    } else {
                        0.0
                    };
                    format!(
                        "received {events} Socket.IO events ({bytes} bytes of arguments) in {secs:.3} s ({rate:.0} events/s)"
                    )
                }
                None => {
                    let (messages, bytes) = self.log.received();
                    summary_line(messages, bytes, elapsed)
                }
            };
            let _ = writeln!(self.out, "{line}");
        }
        self.flush();
    }

    pub fn into_inner(self) -> Option<W> {
        self.out.into_inner().ok()
    }
}

/// An error and its causes on one line, `context: error: cause`.
pub fn error_line(err: &anyhow::Error) -> String {
    crate::format::error_chain(err.as_ref()).replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{ClosedBy, HandshakeInfo};

    use crate::engine::test_events::{AT, ev, msg};

    /// Text lines start with the local time; tests look at what follows it.
    fn tail(event: &Event) -> String {
        let line = text_line(event);
        let (time, rest) = line.split_at(12);
        assert_eq!(time, local_time(AT));
        assert_eq!(time.len(), 12, "{time}");
        rest.trim_start().to_owned()
    }

    #[test]
    fn text_lines() {
        assert_eq!(
            tail(&msg(
                Direction::Received,
                Opcode::Text,
                b"{\"t\":\"event\"}"
            )),
            "↓ text   13 B  {\"t\":\"event\"}"
        );
        assert_eq!(
            tail(&msg(Direction::Sent, Opcode::Text, b"a\nb\tc\r\x01")),
            "↑ text   7 B  a\\nb\\tc\\r\\u{1}"
        );
        assert_eq!(
            tail(&msg(Direction::Received, Opcode::Binary, &[0xde, 0xad])),
            "↓ binary 2 B  de ad"
        );
        assert_eq!(
            tail(&msg(Direction::Received, Opcode::Text, b"")),
            "↓ text   0 B"
        );
        let connected = ev(EventKind::Connected(Box::new(HandshakeInfo {
            url: "ws://127.0.0.1:5000/".into(),
            status: 101,
            elapsed_ms: 3,
            ..Default::default()
        })));
        assert_eq!(
            tail(&connected),
            "• connected to ws://127.0.0.1:5000/ in 3 ms (101)"
        );
        let with_cert = ev(EventKind::Connected(Box::new(HandshakeInfo {
            url: "wss://h/".into(),
            status: 101,
            elapsed_ms: 3,
            client_certificate: Some(crate::engine::ClientCertInfo {
                subject: "CN=device".into(),
                issuer: "CN=CA".into(),
                not_after: "2030-01-01T00:00:00Z".into(),
                expired: false,
            }),
            ..Default::default()
        })));
        assert_eq!(
            tail(&with_cert),
            "• connected to wss://h/ in 3 ms (101, client certificate CN=device (issued by CN=CA, \
             expires 2030-01-01T00:00:00Z))"
        );
        assert_eq!(
            tail(&ev(EventKind::Closed {
                code: 1000,
                reason: "bye".into(),
                by: ClosedBy::Server
            })),
            "• closed 1000 Normal closure: bye (by server)"
        );
        assert_eq!(
            tail(&ev(EventKind::Closed {
                code: 1006,
                reason: String::new(),
                by: ClosedBy::Network
            })),
            "• closed 1006 Abnormal closure (by network)"
        );
        assert_eq!(
            tail(&ev(EventKind::Connecting {
                attempt: 1,
                url: "ws://u:secret@h/".into()
            })),
            "• connecting to ws://u:***@h/"
        );
        assert_eq!(
            tail(&ev(EventKind::Reconnecting {
                attempt: 2,
                of: 3,
                delay_ms: 100
            })),
            "• reconnecting in 100 ms (attempt 2 of 3)"
        );
        assert_eq!(
            tail(&ev(EventKind::Error {
                message: "HTTP 401\nUnauthorized".into()
            })),
            "• error: HTTP 401\\nUnauthorized"
        );
    }

    #[test]
    fn long_payloads_are_cut() {
        let big: &'static [u8] = Box::leak(vec![b'x'; 5000].into_boxed_slice());
        let line = tail(&msg(Direction::Received, Opcode::Text, big));
        assert_eq!(line, format!("↓ text   4.9 KiB  {}…", "x".repeat(200)));
        let bin: &'static [u8] = Box::leak(vec![0xab; 40].into_boxed_slice());
        let line = tail(&msg(Direction::Received, Opcode::Binary, bin));
        assert!(
            line.ends_with(&format!("{} …", vec!["ab"; 32].join(" "))),
            "{line}"
        );
        // A multi-byte character cut by the preview window is not garbled into a panic.
        let utf8: &'static [u8] = Box::leak("é".repeat(1000).into_bytes().into_boxed_slice());
        let line = tail(&msg(Direction::Received, Opcode::Text, utf8));
        assert!(line.ends_with(&format!("{}…", "é".repeat(200))), "{line}");
    }

    #[test]
    fn printer_modes() {
        let mut p = Printer::new(OutputMode::Quiet, Vec::new());
        for _ in 0..3 {
            p.event(msg(Direction::Received, Opcode::Text, b"abcd"));
        }
        p.event(msg(Direction::Sent, Opcode::Text, b"x"));
        p.finish(Duration::from_millis(1500));
        assert_eq!(p.log.len(), 4);
        let out = String::from_utf8(p.into_inner().unwrap()).unwrap();
        assert_eq!(out, "received 3 messages (12 bytes) in 1.500 s (2 msg/s)\n");

        let mut p = Printer::new(OutputMode::Jsonl, Vec::new());
        p.event(msg(Direction::Received, Opcode::Text, b"a"));
        p.event(msg(Direction::Received, Opcode::Binary, b"b"));
        p.finish(Duration::ZERO);
        let out = String::from_utf8(p.into_inner().unwrap()).unwrap();
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["base64"], "Yg==");
    }
}
