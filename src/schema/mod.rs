//! The event JSON schema: one event as one JSON object, the same in `wsprobe run --output
//! jsonl`, the events export (JSON Lines, and the HAR's messages) and the window's "Copy as
//! JSON". [`EventJson`] borrows the event and serializes straight into the writer: no
//! `serde_json::Value` is built per event. [`Redaction`] masks credentials before that.
//!
//! Every object has `time` (RFC 3339 UTC with milliseconds) and `kind`, plus the kind's fields:
//! - `connecting`: `attempt`, `url`
//! - `redirected`: `status`, `location`
//! - `connected`: `url`, `status`, `subprotocol` (string or null), `elapsed_ms`,
//!   `request_line`, `request_headers` and `response_headers` (arrays of `[name, value]`, in
//!   order, as sent/received), `tls_version` (string or null), `compression` (the agreed
//!   permessage-deflate parameters, or null), `proxy` (null, or `url` with the password
//!   masked, `answer`: the CONNECT status line or SOCKS reply, and `elapsed_ms`),
//!   `client_certificate` (null, or the certificate offered on wss://: `subject`, `issuer`,
//!   `not_after` in RFC 3339; never key material). `wsprobe run` masks credentials
//!   (see [`Redaction`]) before this unless `--reveal-secrets` is given.
//! - `incoming`/`outgoing`: `opcode` (`text`|`binary`), `size` (the uncompressed payload),
//!   `wire_size` (its bytes on the wire: smaller for a compressed message, else equal to
//!   `size`), and `text` for text or `base64` for binary (always the uncompressed payload)
//! - `ping`/`pong`: `direction` (`received`|`sent`), `size`, and `text` when the payload is
//!   UTF-8, else `base64`; a pong that answers one of our pings also has `rtt_ms` (the round
//!   trip in milliseconds, a number with microsecond precision)
//! - `closed`: `code`, `reason`, `by` (`client`|`server`|`network`)
//! - `error`: `message`; a failed handshake adds `handshake_failed: true`, and when the server
//!   refused the upgrade, `response`: `status`, `reason`, `url`, `request_line`,
//!   `request_headers`, `response_headers`, the body's start as `text` or `base64` (at most
//!   1 KiB), `body_truncated` and `elapsed_ms`
//! - `reconnecting`: `attempt`, `of`, `delay_ms`
//! - a Socket.IO packet is an `incoming`/`outgoing` line whose `text` is its arguments (a
//!   JSON array; empty for the others) with a `socketio` object: `namespace`, `packet`
//!   (`connect`, `connect_error`, `disconnect`, `event`, `ack`, `ack_timeout`), and
//!   `event`, `args`, `ack_id` for events; `ack_id`, `args` (and `rtt_ms`) for acks (see
//!   `SocketIoJson`)
//!
//! The field names are a contract: scripts and other tools read them.

mod redact;

pub use redact::{CREDENTIAL_HEADERS, MASK, MIN_MASKED_SECRET, Redaction};

use std::borrow::Cow;

use serde::Serialize;

use crate::engine::{Direction, Event, EventKind, HandshakeInfo, Opcode, RoundTrip};
use crate::format::{encode_base64, rfc3339_millis};

/// One event in the JSON schema, borrowing from the event it describes.
#[derive(Debug, Serialize)]
pub struct EventJson<'a> {
    time: String,
    #[serde(flatten)]
    kind: KindJson<'a>,
}

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum KindJson<'a> {
    Connecting {
        attempt: u32,
        url: &'a str,
    },
    Redirected {
        status: u16,
        location: &'a str,
    },
    Connected {
        url: &'a str,
        status: u16,
        subprotocol: Option<&'a str>,
        elapsed_ms: u64,
        request_line: &'a str,
        request_headers: &'a [(String, String)],
        response_headers: &'a [(String, String)],
        tls_version: Option<&'a str>,
        compression: Option<String>,
        proxy: Option<ProxyJson<'a>>,
        client_certificate: Option<ClientCertJson<'a>>,
    },
    Incoming(MessageJson<'a>),
    Outgoing(MessageJson<'a>),
    Ping(ControlJson<'a>),
    Pong(ControlJson<'a>),
    Closed {
        code: u16,
        reason: &'a str,
        by: &'static str,
    },
    Error {
        message: &'a str,
        /// A failed handshake (`HandshakeFailed`) only: always `true`.
        #[serde(skip_serializing_if = "Option::is_none")]
        handshake_failed: Option<bool>,
        /// A refused upgrade only: the server's answer.
        #[serde(skip_serializing_if = "Option::is_none")]
        response: Option<RefusalJson<'a>>,
    },
    Reconnecting {
        attempt: u32,
        of: u32,
        delay_ms: u64,
    },
    Script {
        level: &'static str,
        text: &'a str,
    },
}

/// The `response` of a refused upgrade's `error` line.
#[derive(Debug, Serialize)]
struct RefusalJson<'a> {
    status: u16,
    reason: &'a str,
    url: &'a str,
    request_line: &'a str,
    request_headers: &'a [(String, String)],
    response_headers: &'a [(String, String)],
    /// The start of the body, as `text` (UTF-8) or `base64`.
    #[serde(flatten)]
    body: Body<'a>,
    body_truncated: bool,
    elapsed_ms: u64,
}

/// The client certificate offered (mutual TLS): what it is, never its key.
#[derive(Debug, Serialize)]
struct ClientCertJson<'a> {
    subject: &'a str,
    issuer: &'a str,
    not_after: &'a str,
}

#[derive(Debug, Serialize)]
struct ProxyJson<'a> {
    url: &'a str,
    answer: &'a str,
    elapsed_ms: u64,
}

#[derive(Debug, Serialize)]
struct MessageJson<'a> {
    opcode: &'static str,
    size: usize,
    wire_size: u64,
    #[serde(flatten)]
    body: Body<'a>,
    /// Socket.IO packets only.
    #[serde(skip_serializing_if = "Option::is_none")]
    socketio: Option<SocketIoJson<'a>>,
}

/// The `socketio` object of a Socket.IO packet's `incoming`/`outgoing` line: `namespace`,
/// `packet`, and per packet: an event's `event`, `args` and `ack_id` (null when it asks for
/// no ack), an ack's `ack_id` and `args` (`rtt_ms` on answers to our emits), binary parts
/// as `attachments` (base64), a connect error's `message` (and `data`), the server's
/// connect `data`, an ack timeout's `ack_id` and `after_ms`.
#[derive(Debug, Serialize)]
struct SocketIoJson<'a> {
    namespace: &'a str,
    /// `connect`, `connect_error`, `disconnect`, `event`, `ack`, `ack_timeout`.
    packet: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    args: Option<serde_json::Value>,
    /// `Some(None)` is written as null (an event that asks for no ack).
    #[serde(skip_serializing_if = "Option::is_none")]
    ack_id: Option<Option<u64>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rtt_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    after_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<serde_json::Value>,
}

fn socketio(event: &crate::engine::SocketIoEvent) -> MessageJson<'_> {
    use crate::engine::SocketIoPacket as P;
    let json = |text: &[u8]| serde_json::from_slice(text).ok();
    let base64 = |parts: &[bytes::Bytes]| parts.iter().map(|p| encode_base64(p)).collect();
    let mut out = SocketIoJson {
        namespace: &event.namespace,
        packet: "",
        event: None,
        args: None,
        ack_id: None,
        attachments: Vec::new(),
        rtt_ms: None,
        after_ms: None,
        message: None,
        data: None,
    };
    match &event.packet {
        P::Connect { data } => {
            out.packet = "connect";
            // Ours carries the auth payload: never written out.
            if event.direction == Direction::Received {
                out.data = data.as_deref().and_then(|d| json(d.as_bytes()));
            }
        }
        P::ConnectError { message, data } => {
            out.packet = "connect_error";
            out.message = Some(message);
            out.data = data.as_deref().and_then(|d| json(d.as_bytes()));
        }
        P::Disconnect => out.packet = "disconnect",
        P::Event {
            event: name,
            args,
            attachments,
            ack_id,
        } => {
            out.packet = "event";
            out.event = Some(name);
            out.args = json(args);
            out.ack_id = Some(*ack_id);
            out.attachments = base64(attachments);
        }
        P::Ack {
            ack_id,
            args,
            attachments,
            rtt,
        } => {
            out.packet = "ack";
            out.args = json(args);
            out.ack_id = Some(Some(*ack_id));
            out.attachments = base64(attachments);
            out.rtt_ms = rtt.map(|d| d.as_micros() as f64 / 1000.0);
        }
        P::AckTimeout { ack_id, after_ms } => {
            out.packet = "ack_timeout";
            out.ack_id = Some(Some(*ack_id));
            out.after_ms = Some(*after_ms);
        }
    }
    let payload = event.packet.args();
    MessageJson {
        opcode: Opcode::Text.as_str(),
        size: payload.len(),
        wire_size: payload.len() as u64,
        body: Body::Text(String::from_utf8_lossy(payload)),
        socketio: Some(out),
    }
}

#[derive(Debug, Serialize)]
struct ControlJson<'a> {
    direction: &'static str,
    size: usize,
    #[serde(flatten)]
    body: Body<'a>,
    /// On a pong that answers our ping: the round trip in milliseconds (µs precision).
    #[serde(skip_serializing_if = "Option::is_none")]
    rtt_ms: Option<f64>,
}

/// A payload as `text` (a string) or `base64`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "lowercase")]
enum Body<'a> {
    Text(Cow<'a, str>),
    Base64(String),
}

impl<'a> EventJson<'a> {
    pub fn new(event: &'a Event) -> Self {
        let kind = match &event.kind {
            EventKind::Connecting { attempt, url } => KindJson::Connecting {
                attempt: *attempt,
                url,
            },
            EventKind::Redirected { status, location } => KindJson::Redirected {
                status: *status,
                location,
            },
            EventKind::Connected(info) => connected(info),
            EventKind::Message {
                direction,
                opcode,
                payload,
                wire_size,
            } => {
                let message = MessageJson {
                    opcode: opcode.as_str(),
                    size: payload.len(),
                    wire_size: wire_size.map_or(payload.len() as u64, |w| w.bytes()),
                    body: match opcode {
                        Opcode::Text => Body::Text(String::from_utf8_lossy(payload)),
                        Opcode::Binary => Body::Base64(encode_base64(payload)),
                    },
                    socketio: None,
                };
                match direction {
                    Direction::Received => KindJson::Incoming(message),
                    Direction::Sent => KindJson::Outgoing(message),
                }
            }
            EventKind::Ping { direction, payload } => {
                KindJson::Ping(control(*direction, payload, None))
            }
            EventKind::Pong {
                direction,
                payload,
                rtt,
            } => KindJson::Pong(control(*direction, payload, *rtt)),
            EventKind::Closed { code, reason, by } => KindJson::Closed {
                code: *code,
                reason,
                by: by.as_str(),
            },
            EventKind::Error { message } => KindJson::Error {
                message,
                handshake_failed: None,
                response: None,
            },
            EventKind::HandshakeFailed(failed) => KindJson::Error {
                message: &failed.message,
                handshake_failed: Some(true),
                response: failed.response.as_ref().map(|refused| RefusalJson {
                    status: refused.info.status,
                    reason: &refused.reason,
                    url: &refused.info.url,
                    request_line: &refused.info.request_line,
                    request_headers: &refused.info.request_headers,
                    response_headers: &refused.info.response_headers,
                    body: refusal_body(&refused.body),
                    body_truncated: refused.body_truncated,
                    elapsed_ms: refused.info.elapsed_ms,
                }),
            },
            EventKind::Reconnecting {
                attempt,
                of,
                delay_ms,
            } => KindJson::Reconnecting {
                attempt: *attempt,
                of: *of,
                delay_ms: *delay_ms,
            },
            EventKind::SocketIo(sio) => match sio.direction {
                Direction::Received => KindJson::Incoming(socketio(sio)),
                Direction::Sent => KindJson::Outgoing(socketio(sio)),
            },
            EventKind::Script { level, text } => KindJson::Script {
                level: level.name(),
                text,
            },
        };
        Self {
            time: rfc3339_millis(event.at_ms),
            kind,
        }
    }

    /// The object as a `serde_json::Value` (for tests and callers that edit it).
    pub fn to_value(&self) -> serde_json::Value {
        // Serializing plain strings and numbers cannot fail.
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// One line of JSON for `event`, without the newline ("Copy as JSON").
pub fn event_json_line(event: &Event) -> String {
    serde_json::to_string(&EventJson::new(event)).unwrap_or_default()
}

fn connected(info: &HandshakeInfo) -> KindJson<'_> {
    KindJson::Connected {
        url: &info.url,
        status: info.status,
        subprotocol: info.subprotocol.as_deref(),
        elapsed_ms: info.elapsed_ms,
        request_line: &info.request_line,
        request_headers: &info.request_headers,
        response_headers: &info.response_headers,
        tls_version: info.tls_version.as_deref(),
        compression: info.compression.map(|c| c.to_string()),
        proxy: info.proxy.as_ref().map(|hop| ProxyJson {
            url: &hop.proxy,
            answer: &hop.answer,
            elapsed_ms: hop.elapsed_ms,
        }),
        client_certificate: info.client_certificate.as_ref().map(|cert| ClientCertJson {
            subject: &cert.subject,
            issuer: &cert.issuer,
            not_after: &cert.not_after,
        }),
    }
}

/// A refusal's body start as text, also when the cut split a character; else base64.
fn refusal_body(body: &[u8]) -> Body<'_> {
    match std::str::from_utf8(body) {
        Ok(text) => Body::Text(Cow::Borrowed(text)),
        Err(err) if err.error_len().is_none() => {
            Body::Text(String::from_utf8_lossy(&body[..err.valid_up_to()]))
        }
        Err(_) => Body::Base64(encode_base64(body)),
    }
}

fn control(direction: Direction, payload: &[u8], rtt: Option<RoundTrip>) -> ControlJson<'_> {
    ControlJson {
        direction: match direction {
            Direction::Received => "received",
            Direction::Sent => "sent",
        },
        size: payload.len(),
        body: match std::str::from_utf8(payload) {
            Ok(text) => Body::Text(Cow::Borrowed(text)),
            Err(_) => Body::Base64(encode_base64(payload)),
        },
        rtt_ms: rtt.map(RoundTrip::millis),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ClosedBy;
    use bytes::Bytes;
    use serde_json::json;

    use crate::engine::test_events::{AT, ev, msg};

    fn event_to_json(event: &Event) -> serde_json::Value {
        EventJson::new(event).to_value()
    }

    #[test]
    fn json_time_is_rfc3339_utc_millis() {
        assert_eq!(
            crate::format::rfc3339_millis(AT),
            "2026-11-25T15:01:02.123Z"
        );
        assert_eq!(crate::format::rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn json_messages_carry_text_or_base64() {
        let v = event_to_json(&msg(Direction::Received, Opcode::Text, b"{\"t\":1}"));
        assert_eq!(
            v,
            json!({"time": "2026-11-25T15:01:02.123Z", "kind": "incoming", "opcode": "text",
                   "size": 7, "wire_size": 7, "text": "{\"t\":1}"})
        );
        let v = event_to_json(&msg(
            Direction::Sent,
            Opcode::Binary,
            &[0xde, 0xad, 0xbe, 0xef],
        ));
        assert_eq!(
            v,
            json!({"time": "2026-11-25T15:01:02.123Z", "kind": "outgoing", "opcode": "binary",
                   "size": 4, "wire_size": 4, "base64": "3q2+7w=="})
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
            compression: None,
            proxy: None,
            client_certificate: Some(crate::engine::ClientCertInfo {
                subject: "CN=device".into(),
                issuer: "CN=Test CA".into(),
                not_after: "2030-01-01T00:00:00Z".into(),
                expired: false,
            }),
        })));
        let v = event_to_json(&connected);
        assert_eq!(v["kind"], "connected");
        assert_eq!(v["url"], "ws://127.0.0.1:5000/");
        assert_eq!(v["status"], 101);
        assert_eq!(v["subprotocol"], "chat");
        assert_eq!(v["elapsed_ms"], 3);
        assert_eq!(v["request_headers"], json!([["Authorization", "Bearer t"]]));
        assert_eq!(v["response_headers"], json!([["Upgrade", "websocket"]]));
        assert_eq!(
            v["client_certificate"],
            json!({"subject": "CN=device", "issuer": "CN=Test CA", "not_after": "2030-01-01T00:00:00Z"})
        );

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
                    rtt: None,
                },
                json!({"kind": "pong", "direction": "sent", "size": 1, "base64": "/w=="}),
            ),
            (
                EventKind::Pong {
                    direction: Direction::Received,
                    payload: Bytes::from_static(b"7"),
                    rtt: Some(crate::engine::RoundTrip::from_micros(3_250)),
                },
                json!({"kind": "pong", "direction": "received", "size": 1, "text": "7", "rtt_ms": 3.25}),
            ),
        ];
        for (kind, mut want) in cases {
            want["time"] = json!("2026-11-25T15:01:02.123Z");
            assert_eq!(event_to_json(&ev(kind)), want);
        }
    }
}
