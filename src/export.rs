//! Exporting a session's events: JSON Lines (the schema of `wsprobe run --output jsonl`, see
//! [`crate::schema`]) and HAR 1.2 with the WebSocket messages in
//! `_webSocketMessages`, the convention Chrome DevTools writes, so other tools can open it.
//!
//! Files are written atomically ([`crate::store::atomic_write`]): a reader sees the old file or
//! the complete new one. [`ExportFormat::write`] masks credentials (Authorization,
//! Proxy-Authorization, cookies) and secret variable values unless asked to reveal them, as
//! `wsprobe run` does; the lower-level functions write events exactly as given.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;
use serde_json::{Value, json};

use crate::engine::{Direction, Event, EventKind, Opcode, SessionId};
use crate::format::{encode_base64, rfc3339_millis};
use crate::schema::{EventJson, Redaction};
use crate::store::atomic_write_with;

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
        let redaction = (!reveal).then(|| Redaction::new(secrets));
        match self {
            Self::JsonLines => atomic_write_with(path, |out| {
                let mut count = 0;
                for event in events {
                    match &redaction {
                        Some(redaction) => write_jsonl_line(out, &redaction.event(event))?,
                        None => write_jsonl_line(out, event)?,
                    }
                    count += 1;
                }
                Ok(count)
            })
            .map(|n| format!("{n} events")),
            Self::Har => {
                let masked: Vec<Event>;
                let events: Vec<&Event> = match &redaction {
                    Some(redaction) => {
                        masked = events.into_iter().map(|e| redaction.event(e)).collect();
                        masked.iter().collect()
                    }
                    None => events.into_iter().collect(),
                };
                write_har(path, events).map(|n| format!("{n} connections"))
            }
        }
    }
}

fn write_jsonl_line(out: &mut dyn Write, event: &Event) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &EventJson::new(event))?;
    out.write_all(b"\n")
}

/// Writes `events` as JSON Lines (one object per line, each ending in `\n`) to `path`
/// atomically, streaming; returns how many were written.
pub fn write_jsonl<'a>(
    path: &Path,
    events: impl IntoIterator<Item = &'a Event>,
) -> io::Result<usize> {
    atomic_write_with(path, |out| {
        let mut count = 0;
        for event in events {
            write_jsonl_line(out, event)?;
            count += 1;
        }
        Ok(count)
    })
}

/// Writes `events` as HAR 1.2 to `path` atomically, streaming: one entry per connection
/// (session) that completed its handshake, with the upgrade request and response and every
/// text/binary message in `_webSocketMessages`. Returns how many entries it has.
pub fn write_har<'a>(
    path: &Path,
    events: impl IntoIterator<Item = &'a Event>,
) -> io::Result<usize> {
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
    let entries: Vec<HarEntry<'_>> = order
        .iter()
        .filter_map(|id| sessions.get(id))
        .filter_map(har_entry)
        .collect();
    let count = entries.len();
    let document = json_log(entries);
    atomic_write_with(path, |out| {
        serde_json::to_writer_pretty(&mut *out, &document)?;
        out.write_all(b"\n")
    })?;
    Ok(count)
}

/// `{"log": {...}}` around the entries, as HAR 1.2 has it.
fn json_log(entries: Vec<HarEntry<'_>>) -> impl Serialize + '_ {
    #[derive(Serialize)]
    struct Document<'a> {
        log: Log<'a>,
    }
    #[derive(Serialize)]
    struct Log<'a> {
        version: &'static str,
        creator: Value,
        pages: [(); 0],
        entries: Vec<HarEntry<'a>>,
    }
    Document {
        log: Log {
            version: "1.2",
            creator: json!({ "name": "wsprobe", "version": env!("CARGO_PKG_VERSION") }),
            pages: [],
            entries,
        },
    }
}

/// One HAR entry: the upgrade as a JSON object, and the messages serialized as they are
/// written (a million of them are never built as one tree).
#[derive(Serialize)]
struct HarEntry<'a> {
    #[serde(flatten)]
    head: serde_json::Map<String, Value>,
    #[serde(rename = "_webSocketMessages")]
    messages: HarMessages<'a>,
}

struct HarMessages<'a>(&'a [&'a Event]);

impl Serialize for HarMessages<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().filter_map(|event| har_message(event)))
    }
}

#[derive(Serialize)]
struct HarMessage<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    time: f64,
    opcode: u8,
    data: Cow<'a, str>,
}

fn har_message(event: &Event) -> Option<HarMessage<'_>> {
    let EventKind::Message {
        direction,
        opcode,
        payload,
        ..
    } = &event.kind
    else {
        return None;
    };
    let (code, data) = match opcode {
        Opcode::Text => (1, String::from_utf8_lossy(payload)),
        Opcode::Binary => (2, Cow::Owned(encode_base64(payload))),
    };
    Some(HarMessage {
        kind: match direction {
            Direction::Sent => "send",
            Direction::Received => "receive",
        },
        time: event.at_ms as f64 / 1000.0,
        opcode: code,
        data,
    })
}

#[derive(Default)]
struct SessionEntry<'a> {
    started_ms: Option<i64>,
    connected: Option<&'a Event>,
    messages: Vec<&'a Event>,
}

fn har_entry<'a>(session: &'a SessionEntry<'a>) -> Option<HarEntry<'a>> {
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
    let http_version = info
        .request_line
        .rsplit(' ')
        .next()
        .filter(|v| v.starts_with("HTTP/"))
        .unwrap_or("HTTP/1.1");
    let Value::Object(head) = json!({
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
    }) else {
        return None;
    };
    Some(HarEntry {
        head,
        messages: HarMessages(&session.messages),
    })
}
