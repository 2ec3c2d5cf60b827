//! How `wsprobe run` prints events: `jsonl` (the schema is [`event_to_json`], shared with the
//! GUI's export), `text` (one readable line per event, [`text_line`]), or `quiet` (only a
//! summary, but every event still goes into an [`EventLog`]).

use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::Duration;

use serde_json::{Value, json};

use crate::engine::{Direction, Event, EventKind, Opcode, close_code_meaning};
use crate::format::encode_base64;
use crate::log::EventLog;

use super::OutputMode;

/// One event as the JSON object written per line by `--output jsonl`.
///
/// Every object has `time` (RFC 3339 UTC with milliseconds) and `kind`, plus the kind's fields:
/// - `connecting`: `attempt`, `url`
/// - `redirected`: `status`, `location`
/// - `connected`: `url`, `status`, `subprotocol` (string or null), `elapsed_ms`,
///   `request_line`, `request_headers` and `response_headers` (arrays of `[name, value]`, in
///   order, as sent/received), `tls_version` (string or null). `wsprobe run` masks credentials
///   (see [`Redaction`]) before this unless `--reveal-secrets` is given.
/// - `incoming`/`outgoing`: `opcode` (`text`|`binary`), `size`, and `text` for text or
///   `base64` for binary
/// - `ping`/`pong`: `direction` (`received`|`sent`), `size`, and `text` when the payload is
///   UTF-8, else `base64`
/// - `closed`: `code`, `reason`, `by` (`client`|`server`|`network`)
/// - `error`: `message`
/// - `reconnecting`: `attempt`, `of`, `delay_ms`
pub fn event_to_json(event: &Event) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("time".into(), Value::String(rfc3339_millis(event.at_ms)));
    object.insert("kind".into(), Value::String(event.kind.name().into()));
    let fields = match &event.kind {
        EventKind::Connecting { attempt, url } => json!({ "attempt": attempt, "url": url }),
        EventKind::Redirected { status, location } => {
            json!({ "status": status, "location": location })
        }
        EventKind::Connected(info) => json!({
            "url": info.url,
            "status": info.status,
            "subprotocol": info.subprotocol,
            "elapsed_ms": info.elapsed_ms,
            "request_line": info.request_line,
            "request_headers": pairs(&info.request_headers),
            "response_headers": pairs(&info.response_headers),
            "tls_version": info.tls_version,
        }),
        EventKind::Message {
            opcode, payload, ..
        } => {
            let mut fields = json!({ "opcode": opcode.as_str(), "size": payload.len() });
            match opcode {
                Opcode::Text => {
                    fields["text"] = Value::String(String::from_utf8_lossy(payload).into_owned())
                }
                Opcode::Binary => fields["base64"] = Value::String(encode_base64(payload)),
            }
            fields
        }
        EventKind::Ping { direction, payload } | EventKind::Pong { direction, payload } => {
            let mut fields = json!({
                "direction": direction_name(*direction),
                "size": payload.len(),
            });
            match std::str::from_utf8(payload) {
                Ok(text) => fields["text"] = Value::String(text.to_owned()),
                Err(_) => fields["base64"] = Value::String(encode_base64(payload)),
            }
            fields
        }
        EventKind::Closed { code, reason, by } => {
            json!({ "code": code, "reason": reason, "by": by.as_str() })
        }
        EventKind::Error { message } => json!({ "message": message }),
        EventKind::Reconnecting {
            attempt,
            of,
            delay_ms,
        } => json!({ "attempt": attempt, "of": of, "delay_ms": delay_ms }),
    };
    if let Value::Object(fields) = fields {
        object.extend(fields);
    }
    Value::Object(object)
}

/// What masked text is replaced with.
pub const MASK: &str = "***";

/// Headers whose values are credentials: masked in output unless secrets are revealed.
pub const CREDENTIAL_HEADERS: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// Secret values shorter than this are not searched for in free text: masking every `a` or
/// `42` would make the output useless. Credential headers are masked whatever their length.
pub const MIN_MASKED_SECRET: usize = 4;

/// Masks credentials in events before they are printed or exported: the values of
/// [`CREDENTIAL_HEADERS`] (keeping an auth scheme word such as `Bearer`), and every occurrence
/// of a secret variable's value in URLs, headers, text payloads, reasons and error messages.
/// Binary payloads are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redaction {
    /// Longest first, so a secret that contains another is masked whole.
    secrets: Vec<String>,
}

impl Redaction {
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        let mut secrets: Vec<String> = secrets
            .into_iter()
            .filter(|s| s.chars().count() >= MIN_MASKED_SECRET)
            .collect();
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        secrets.dedup();
        Self { secrets }
    }

    /// `text` with every secret value replaced by [`MASK`].
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        out
    }

    fn bytes(&self, payload: &bytes::Bytes) -> bytes::Bytes {
        match std::str::from_utf8(payload) {
            Ok(text) if self.secrets.iter().any(|s| text.contains(s.as_str())) => {
                bytes::Bytes::from(self.text(text))
            }
            _ => payload.clone(),
        }
    }

    fn header(&self, name: &str, value: &str) -> String {
        if CREDENTIAL_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            // `Bearer ***` says which auth went out without showing it.
            return match value.split_once(' ') {
                Some((scheme, _))
                    if name.to_ascii_lowercase().contains("authorization")
                        && scheme.chars().all(|c| c.is_ascii_alphanumeric()) =>
                {
                    format!("{scheme} {MASK}")
                }
                _ => MASK.to_owned(),
            };
        }
        self.text(value)
    }

    fn headers(&self, headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| (name.clone(), self.header(name, value)))
            .collect()
    }

    /// A copy of `event` with credentials masked.
    pub fn event(&self, event: &Event) -> Event {
        let kind = match &event.kind {
            EventKind::Connecting { attempt, url } => EventKind::Connecting {
                attempt: *attempt,
                url: self.text(url),
            },
            EventKind::Redirected { status, location } => EventKind::Redirected {
                status: *status,
                location: self.text(location),
            },
            EventKind::Connected(info) => {
                let mut info = info.clone();
                info.url = self.text(&info.url);
                info.request_line = self.text(&info.request_line);
                info.request_headers = self.headers(&info.request_headers);
                info.response_headers = self.headers(&info.response_headers);
                EventKind::Connected(info)
            }
            EventKind::Message {
                direction,
                opcode,
                payload,
            } => EventKind::Message {
                direction: *direction,
                opcode: *opcode,
                payload: match opcode {
                    Opcode::Text => self.bytes(payload),
                    Opcode::Binary => payload.clone(),
                },
            },
            EventKind::Ping { direction, payload } => EventKind::Ping {
                direction: *direction,
                payload: self.bytes(payload),
            },
            EventKind::Pong { direction, payload } => EventKind::Pong {
                direction: *direction,
                payload: self.bytes(payload),
            },
            EventKind::Closed { code, reason, by } => EventKind::Closed {
                code: *code,
                reason: self.text(reason),
                by: *by,
            },
            EventKind::Error { message } => EventKind::Error {
                message: self.text(message),
            },
            other @ EventKind::Reconnecting { .. } => other.clone(),
        };
        Event { kind, ..*event }
    }
}

fn pairs(headers: &[(String, String)]) -> Value {
    Value::Array(headers.iter().map(|(k, v)| json!([k, v])).collect())
}

fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Received => "received",
        Direction::Sent => "sent",
    }
}

/// `2026-11-25T15:01:02.123Z`
pub fn rfc3339_millis(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

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
            line.push(')');
        }
        EventKind::Message {
            direction,
            opcode,
            payload,
        } => {
            push_frame(&mut line, *direction, opcode.as_str(), payload, *opcode);
        }
        EventKind::Ping { direction, payload } => {
            push_frame(
                &mut line,
                *direction,
                "ping",
                payload,
                guess_opcode(payload),
            );
        }
        EventKind::Pong { direction, payload } => {
            push_frame(
                &mut line,
                *direction,
                "pong",
                payload,
                guess_opcode(payload),
            );
        }
        EventKind::Closed { code, reason, by } => {
            let _ = write!(line, "• closed {code} {}", close_code_meaning(*code));
            if !reason.is_empty() {
                line.push_str(": ");
                push_text_preview(&mut line, reason.as_bytes());
            }
            let _ = write!(line, " (by {})", by.as_str());
        }
        EventKind::Error { message } => {
            line.push_str("• error: ");
            push_text_preview(&mut line, message.as_bytes());
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
    }
    line
}

fn guess_opcode(payload: &[u8]) -> Opcode {
    if std::str::from_utf8(payload).is_ok() {
        Opcode::Text
    } else {
        Opcode::Binary
    }
}

fn push_frame(line: &mut String, direction: Direction, label: &str, payload: &[u8], as_: Opcode) {
    let arrow = match direction {
        Direction::Received => '↓',
        Direction::Sent => '↑',
    };
    let _ = write!(line, "{arrow} {label:<6} {}", human_size(payload.len()));
    if payload.is_empty() {
        return;
    }
    line.push_str("  ");
    match as_ {
        Opcode::Text => push_text_preview(line, payload),
        Opcode::Binary => push_hex_preview(line, payload),
    }
}

/// `12 B`, `1.5 KiB`, `3.2 MiB`.
pub fn human_size(bytes: usize) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} B")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else if b < KIB * KIB * KIB {
        format!("{:.1} MiB", b / (KIB * KIB))
    } else {
        format!("{:.1} GiB", b / (KIB * KIB * KIB))
    }
}

/// Up to [`PREVIEW_CHARS`] characters on one line: line breaks, tabs and other control
/// characters escaped, `…` when cut. Only the start of a big payload is looked at.
pub fn push_text_preview(line: &mut String, bytes: &[u8]) {
    let window = &bytes[..bytes.len().min(PREVIEW_CHARS * 4 + 4)];
    let text = String::from_utf8_lossy(window);
    for (shown, c) in text.chars().enumerate() {
        if shown == PREVIEW_CHARS {
            line.push('…');
            return;
        }
        match c {
            '\n' => line.push_str("\\n"),
            '\r' => line.push_str("\\r"),
            '\t' => line.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(line, "\\u{{{:x}}}", c as u32);
            }
            c => line.push(c),
        }
    }
    if window.len() < bytes.len() {
        line.push('…');
    }
}

fn push_hex_preview(line: &mut String, bytes: &[u8]) {
    for (i, b) in bytes.iter().take(PREVIEW_BYTES).enumerate() {
        if i > 0 {
            line.push(' ');
        }
        let _ = write!(line, "{b:02x}");
    }
    if bytes.len() > PREVIEW_BYTES {
        line.push_str(" …");
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

/// `HH:MM:SS.mmm` in local time.
pub fn local_time(at_ms: i64) -> String {
    use chrono::TimeZone as _;
    match chrono::Local.timestamp_millis_opt(at_ms).single() {
        Some(t) => t.format("%H:%M:%S%.3f").to_string(),
        None => "??:??:??.???".to_owned(),
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
}

impl<W: Write> Printer<W> {
    pub fn new(mode: OutputMode, out: W) -> Self {
        Self {
            mode,
            out: io::BufWriter::with_capacity(64 * 1024, out),
            log: EventLog::default(),
            broken: false,
            redaction: None,
        }
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
                self.log.push(event);
                return;
            }
            OutputMode::Jsonl => serde_json::to_writer(&mut self.out, &event_to_json(&event))
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
            let (messages, bytes) = self.log.received();
            let line = summary_line(messages, bytes, elapsed);
            let _ = writeln!(self.out, "{line}");
        }
        self.flush();
    }

    pub fn into_inner(self) -> Option<W> {
        self.out.into_inner().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{ClosedBy, HandshakeInfo};
    use bytes::Bytes;

    /// 2026-11-25T15:01:02.123Z
    const AT: i64 = 1_795_618_862_123;

    fn ev(kind: EventKind) -> Event {
        Event {
            at_ms: AT,
            session: 1,
            kind,
        }
    }

    fn msg(direction: Direction, opcode: Opcode, payload: &'static [u8]) -> Event {
        ev(EventKind::Message {
            direction,
            opcode,
            payload: Bytes::from_static(payload),
        })
    }

    /// Text lines start with the local time; tests look at what follows it.
    fn tail(event: &Event) -> String {
        let line = text_line(event);
        let (time, rest) = line.split_at(12);
        assert_eq!(time, local_time(AT));
        assert_eq!(time.len(), 12, "{time}");
        rest.trim_start().to_owned()
    }

    #[test]
    fn json_time_is_rfc3339_utc_millis() {
        assert_eq!(rfc3339_millis(AT), "2026-11-25T15:01:02.123Z");
        assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn json_messages_carry_text_or_base64() {
        let v = event_to_json(&msg(Direction::Received, Opcode::Text, b"{\"t\":1}"));
        assert_eq!(
            v,
            json!({"time": "2026-11-25T15:01:02.123Z", "kind": "incoming", "opcode": "text",
                   "size": 7, "text": "{\"t\":1}"})
        );
        let v = event_to_json(&msg(
            Direction::Sent,
            Opcode::Binary,
            &[0xde, 0xad, 0xbe, 0xef],
        ));
        assert_eq!(
            v,
            json!({"time": "2026-11-25T15:01:02.123Z", "kind": "outgoing", "opcode": "binary",
                   "size": 4, "base64": "3q2+7w=="})
        );
    }

    #[test]
    fn json_connection_events() {
        let connected = ev(EventKind::Connected(Box::new(HandshakeInfo {
            url: "ws://127.0.0.1:5000/".into(),
            request_line: "GET / HTTP/1.1".into(),
            request_headers: vec![("Authorization".into(), "Bearer t".into())],
            status: 101,
            response_headers: vec![("Upgrade".into(), "websocket".into())],
            subprotocol: Some("chat".into()),
            elapsed_ms: 3,
            tls_version: None,
        })));
        let v = event_to_json(&connected);
        assert_eq!(v["kind"], "connected");
        assert_eq!(v["url"], "ws://127.0.0.1:5000/");
        assert_eq!(v["status"], 101);
        assert_eq!(v["subprotocol"], "chat");
        assert_eq!(v["elapsed_ms"], 3);
        assert_eq!(v["request_headers"], json!([["Authorization", "Bearer t"]]));
        assert_eq!(v["response_headers"], json!([["Upgrade", "websocket"]]));

        let cases = [
            (
                EventKind::Connecting {
                    attempt: 2,
                    url: "ws://h/".into(),
                },
                json!({"kind": "connecting", "attempt": 2, "url": "ws://h/"}),
            ),
            (
                EventKind::Redirected {
                    status: 302,
                    location: "ws://b/".into(),
                },
                json!({"kind": "redirected", "status": 302, "location": "ws://b/"}),
            ),
            (
                EventKind::Closed {
                    code: 4001,
                    reason: "bye".into(),
                    by: ClosedBy::Server,
                },
                json!({"kind": "closed", "code": 4001, "reason": "bye", "by": "server"}),
            ),
            (
                EventKind::Error {
                    message: "refused".into(),
                },
                json!({"kind": "error", "message": "refused"}),
            ),
            (
                EventKind::Reconnecting {
                    attempt: 1,
                    of: 3,
                    delay_ms: 500,
                },
                json!({"kind": "reconnecting", "attempt": 1, "of": 3, "delay_ms": 500}),
            ),
            (
                EventKind::Ping {
                    direction: Direction::Received,
                    payload: Bytes::from_static(b"hi"),
                },
                json!({"kind": "ping", "direction": "received", "size": 2, "text": "hi"}),
            ),
            (
                EventKind::Pong {
                    direction: Direction::Sent,
                    payload: Bytes::from_static(&[0xff]),
                },
                json!({"kind": "pong", "direction": "sent", "size": 1, "base64": "/w=="}),
            ),
        ];
        for (kind, mut want) in cases {
            want["time"] = json!("2026-11-25T15:01:02.123Z");
            assert_eq!(event_to_json(&ev(kind)), want);
        }
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
    fn redaction_masks_credential_headers_and_secret_values() {
        let redaction = Redaction::new(["tok-secret".to_owned(), "abc".to_owned()]);
        let connected = ev(EventKind::Connected(Box::new(HandshakeInfo {
            url: "ws://h/?k=tok-secret".into(),
            request_line: "GET /?k=tok-secret HTTP/1.1".into(),
            request_headers: vec![
                ("Authorization".into(), "Bearer tok-secret".into()),
                ("proxy-authorization".into(), "Basic dTpw".into()),
                ("Cookie".into(), "a=1; b=2".into()),
                ("X-Id".into(), "abc tok-secret".into()),
            ],
            response_headers: vec![("Set-Cookie".into(), "s=1".into())],
            ..Default::default()
        })));
        let EventKind::Connected(info) = redaction.event(&connected).kind else {
            panic!("not connected");
        };
        assert_eq!(info.url, "ws://h/?k=***");
        assert_eq!(info.request_line, "GET /?k=*** HTTP/1.1");
        assert_eq!(
            info.request_headers,
            vec![
                ("Authorization".to_owned(), "Bearer ***".to_owned()),
                ("proxy-authorization".to_owned(), "Basic ***".to_owned()),
                ("Cookie".to_owned(), "***".to_owned()),
                // Too short to search for: `abc` stays.
                ("X-Id".to_owned(), "abc ***".to_owned()),
            ]
        );
        assert_eq!(info.response_headers[0].1, "***");
        // Binary payloads are not touched; text ones are.
        let binary = msg(Direction::Sent, Opcode::Binary, b"tok-secret");
        assert_eq!(redaction.event(&binary), binary);
        let text = redaction.event(&msg(Direction::Sent, Opcode::Text, b"x tok-secret"));
        assert_eq!(payload_text(&text), "x ***");
        assert_eq!(Redaction::default().event(&binary), binary);
    }

    fn payload_text(event: &Event) -> String {
        match &event.kind {
            EventKind::Message { payload, .. } => String::from_utf8_lossy(payload).into_owned(),
            other => panic!("not a message: {other:?}"),
        }
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
        let lines: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["base64"], "Yg==");
    }
}
