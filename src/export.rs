//! Exporting a session's events: JSON Lines (the schema of `wsprobe run --output jsonl`, see
//! [`crate::cli::event_to_json`]) and HAR 1.2 with the WebSocket messages in
//! `_webSocketMessages`, the convention Chrome DevTools writes, so other tools can open it.
//!
//! Files are written atomically ([`crate::store::atomic_write`]): a reader sees the old file or
//! the complete new one. [`ExportFormat::write`] masks credentials (Authorization,
//! Proxy-Authorization, cookies) and secret variable values unless asked to reveal them, as
//! `wsprobe run` does; the lower-level functions write events exactly as given.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde_json::{Value, json};

use crate::cli::{Redaction, event_to_json, rfc3339_millis};
use crate::engine::{Direction, Event, EventKind, Opcode, SessionId};
use crate::format::encode_base64;
use crate::store::atomic_write;

/// The two export formats the events panel offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    JsonLines,
    Har,
}

impl ExportFormat {
    /// File extension and default file name.
    pub fn file_name(self) -> (&'static str, &'static str) {
        match self {
            Self::JsonLines => ("jsonl", "events.jsonl"),
            Self::Har => ("har", "events.har"),
        }
    }

    /// Writes `events` to `path` atomically, with credentials and `secrets` masked unless
    /// `reveal`; returns a short description of what was written ("12 events").
    pub fn write<'a>(
        self,
        path: &Path,
        events: impl IntoIterator<Item = &'a Event>,
        secrets: impl IntoIterator<Item = String>,
        reveal: bool,
    ) -> io::Result<String> {
        let masked: Vec<Event>;
        let events: Vec<&Event> = if reveal {
            events.into_iter().collect()
        } else {
            let redaction = Redaction::new(secrets);
            masked = events.into_iter().map(|e| redaction.event(e)).collect();
            masked.iter().collect()
        };
        match self {
            Self::JsonLines => write_jsonl(path, events).map(|n| format!("{n} events")),
            Self::Har => write_har(path, events).map(|n| format!("{n} connections")),
        }
    }
}

/// One JSON object per line, each ending in `\n`.
pub fn to_jsonl<'a>(events: impl IntoIterator<Item = &'a Event>) -> String {
    let mut out = String::new();
    for event in events {
        out.push_str(&event_to_json(event).to_string());
        out.push('\n');
    }
    out
}

/// Writes `events` as JSON Lines to `path` atomically; returns how many were written.
pub fn write_jsonl<'a>(
    path: &Path,
    events: impl IntoIterator<Item = &'a Event>,
) -> io::Result<usize> {
    let mut count = 0;
    let text = to_jsonl(events.into_iter().inspect(|_| count += 1));
    atomic_write(path, text.as_bytes())?;
    Ok(count)
}

/// A HAR 1.2 document: one entry per connection (session) that completed its handshake, with
/// the upgrade request and response and every text/binary message in `_webSocketMessages`.
pub fn to_har<'a>(events: impl IntoIterator<Item = &'a Event>) -> Value {
    let mut sessions: BTreeMap<SessionId, SessionEntry<'a>> = BTreeMap::new();
    let mut order = Vec::new();
    for event in events {
        let entry = sessions.entry(event.session).or_insert_with(|| {
            order.push(event.session);
            SessionEntry::default()
        });
        match &event.kind {
            EventKind::Connecting { .. } if entry.started_ms.is_none() => {
                entry.started_ms = Some(event.at_ms)
            }
            EventKind::Connected(_) => entry.connected = Some(event),
            EventKind::Message { .. } => entry.messages.push(event),
            _ => {}
        }
    }
    let entries: Vec<Value> = order
        .iter()
        .filter_map(|id| sessions.get(id))
        .filter_map(har_entry)
        .collect();
    json!({
        "log": {
            "version": "1.2",
            "creator": { "name": "wsprobe", "version": env!("CARGO_PKG_VERSION") },
            "pages": [],
            "entries": entries,
        }
    })
}

/// Writes `events` as HAR 1.2 to `path` atomically; returns how many entries it has.
pub fn write_har<'a>(
    path: &Path,
    events: impl IntoIterator<Item = &'a Event>,
) -> io::Result<usize> {
    let har = to_har(events);
    let count = har["log"]["entries"].as_array().map_or(0, Vec::len);
    let mut text = serde_json::to_string_pretty(&har).map_err(io::Error::other)?;
    text.push('\n');
    atomic_write(path, text.as_bytes())?;
    Ok(count)
}

#[derive(Default)]
struct SessionEntry<'a> {
    started_ms: Option<i64>,
    connected: Option<&'a Event>,
    messages: Vec<&'a Event>,
}

fn har_entry(session: &SessionEntry<'_>) -> Option<Value> {
    let connected = session.connected?;
    let EventKind::Connected(info) = &connected.kind else {
        return None;
    };
    let started_ms = connected.at_ms - info.elapsed_ms as i64;
    let headers = |list: &[(String, String)]| -> Vec<Value> {
        list.iter()
            .map(|(name, value)| json!({ "name": name, "value": value }))
            .collect()
    };
    let query: Vec<Value> = url::Url::parse(&info.url)
        .map(|u| {
            u.query_pairs()
                .map(|(name, value)| json!({ "name": name, "value": value }))
                .collect()
        })
        .unwrap_or_default();
    let messages: Vec<Value> = session
        .messages
        .iter()
        .filter_map(|event| {
            let EventKind::Message {
                direction,
                opcode,
                payload,
            } = &event.kind
            else {
                return None;
            };
            let (code, data) = match opcode {
                Opcode::Text => (1, String::from_utf8_lossy(payload).into_owned()),
                Opcode::Binary => (2, encode_base64(payload)),
            };
            Some(json!({
                "type": match direction { Direction::Sent => "send", Direction::Received => "receive" },
                "time": event.at_ms as f64 / 1000.0,
                "opcode": code,
                "data": data,
            }))
        })
        .collect();
    let http_version = info
        .request_line
        .rsplit(' ')
        .next()
        .filter(|v| v.starts_with("HTTP/"))
        .unwrap_or("HTTP/1.1");
    Some(json!({
        "startedDateTime": rfc3339_millis(session.started_ms.unwrap_or(started_ms).min(started_ms)),
        "time": info.elapsed_ms,
        "request": {
            "method": "GET",
            "url": info.url,
            "httpVersion": http_version,
            "cookies": [],
            "headers": headers(&info.request_headers),
            "queryString": query,
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": info.status,
            "statusText": if info.status == 101 { "Switching Protocols" } else { "" },
            "httpVersion": http_version,
            "cookies": [],
            "headers": headers(&info.response_headers),
            "content": { "size": 0, "mimeType": "x-unknown" },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": 0,
        },
        "cache": {},
        "timings": {
            "blocked": -1, "dns": -1, "connect": -1, "ssl": -1,
            "send": 0, "wait": info.elapsed_ms, "receive": 0,
        },
        "_resourceType": "websocket",
        "_webSocketMessages": messages,
    }))
}
