//! The two packet layers of a Socket.IO connection over the WebSocket transport, as text.
//!
//! - **Engine.IO** (v3 and v4 alike over WebSocket): one packet per WebSocket message, a type
//!   digit then data: `0{open JSON}`, `1` close, `2` ping, `3` pong, `4<message>`, `5`
//!   upgrade, `6` noop. A binary WebSocket message is a binary Engine.IO message: its bytes as
//!   they are in v4, after a `0x04` type byte in v3.
//! - **Socket.IO** (v5, and v4 for Socket.IO v2 servers) inside an Engine.IO message:
//!   `<type>[<attachments>-][<namespace>,][<ack id>][<JSON>]`, type 0 CONNECT, 1 DISCONNECT,
//!   2 EVENT, 3 ACK, 4 CONNECT_ERROR, 5 BINARY_EVENT, 6 BINARY_ACK. The namespace is written
//!   only when it is not `/`; the attachments of binary packets follow as binary messages.
//!
//! Decoding never panics on any input (property-tested): bad input is a [`PacketError`].

/// Why a frame is not a packet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PacketError(pub String);

fn bad(message: impl Into<String>) -> PacketError {
    PacketError(message.into())
}

/// An Engine.IO packet received as a text WebSocket message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EioPacket<'a> {
    /// `0{"sid":..,"pingInterval":..,"pingTimeout":..}`.
    Open(&'a str),
    Close,
    Ping(&'a str),
    Pong(&'a str),
    /// `4...`: a Socket.IO packet.
    Message(&'a str),
    Upgrade,
    Noop,
}

/// Decodes one text WebSocket message as an Engine.IO packet.
pub fn decode_eio(text: &str) -> Result<EioPacket<'_>, PacketError> {
    let mut chars = text.chars();
    let Some(kind) = chars.next() else {
        return Err(bad("an empty Engine.IO packet"));
    };
    let data = chars.as_str();
    Ok(match kind {
        '0' => EioPacket::Open(data),
        '1' => EioPacket::Close,
        '2' => EioPacket::Ping(data),
        '3' => EioPacket::Pong(data),
        '4' => EioPacket::Message(data),
        '5' => EioPacket::Upgrade,
        '6' => EioPacket::Noop,
        other => return Err(bad(format!("unknown Engine.IO packet type `{other}`"))),
    })
}

/// What the open packet announces (milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Open {
    pub ping_interval_ms: u64,
    pub ping_timeout_ms: u64,
}

/// Reads the open packet's JSON.
pub fn decode_open(data: &str) -> Result<Open, PacketError> {
    let value: serde_json::Value = serde_json::from_str(data)
        .map_err(|err| bad(format!("the Engine.IO open packet is not JSON: {err}")))?;
    let ms = |key: &str| {
        value
            .get(key)
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| bad(format!("the Engine.IO open packet has no `{key}`")))
    };
    Ok(Open {
        ping_interval_ms: ms("pingInterval")?,
        ping_timeout_ms: ms("pingTimeout")?,
    })
}

/// A Socket.IO packet's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SioKind {
    Connect,
    Disconnect,
    Event,
    Ack,
    ConnectError,
    BinaryEvent,
    BinaryAck,
}

impl SioKind {
    fn digit(self) -> char {
        match self {
            Self::Connect => '0',
            Self::Disconnect => '1',
            Self::Event => '2',
            Self::Ack => '3',
            Self::ConnectError => '4',
            Self::BinaryEvent => '5',
            Self::BinaryAck => '6',
        }
    }

    fn is_binary(self) -> bool {
        matches!(self, Self::BinaryEvent | Self::BinaryAck)
    }
}

/// A decoded Socket.IO packet; `data` is the JSON text after the header (may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SioPacket<'a> {
    pub kind: SioKind,
    /// How many binary attachments follow (binary packets only).
    pub attachments: usize,
    /// `/` when the packet names none; a query (`/admin?x=1`, Socket.IO v4) is cut off.
    pub namespace: &'a str,
    pub ack_id: Option<u64>,
    pub data: &'a str,
}

/// The most attachments one packet may announce (socket.io's own parser has no limit; this
/// keeps a hostile count from holding memory).
pub const MAX_ATTACHMENTS: usize = 10_000;

/// Decodes the Socket.IO packet inside an Engine.IO message.
pub fn decode_sio(text: &str) -> Result<SioPacket<'_>, PacketError> {
    let bytes = text.as_bytes();
    let kind = match bytes.first() {
        Some(b'0') => SioKind::Connect,
        Some(b'1') => SioKind::Disconnect,
        Some(b'2') => SioKind::Event,
        Some(b'3') => SioKind::Ack,
        Some(b'4') => SioKind::ConnectError,
        Some(b'5') => SioKind::BinaryEvent,
        Some(b'6') => SioKind::BinaryAck,
        Some(_) => return Err(bad("unknown Socket.IO packet type")),
        None => return Err(bad("an empty Socket.IO packet")),
    };
    let mut at = 1;
    let mut attachments = 0;
    if kind.is_binary() {
        let digits = digits_at(bytes, at);
        if digits == 0 || bytes.get(at + digits) != Some(&b'-') {
            return Err(bad(
                "a binary Socket.IO packet without its attachment count",
            ));
        }
        attachments = text[at..at + digits]
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= MAX_ATTACHMENTS)
            .ok_or_else(|| bad("too many attachments in a Socket.IO packet"))?;
        at += digits + 1;
    }
    let mut namespace = "/";
    if bytes.get(at) == Some(&b'/') {
        let end = text[at..].find(',').map_or(text.len(), |i| at + i);
        let full = &text[at..end];
        namespace = full.split_once('?').map_or(full, |(ns, _)| ns);
        at = (end + 1).min(text.len());
    }
    let digits = digits_at(bytes, at);
    let ack_id = if digits > 0 {
        let id = text[at..at + digits]
            .parse::<u64>()
            .map_err(|_| bad("a Socket.IO ack id out of range"))?;
        at += digits;
        Some(id)
    } else {
        None
    };
    Ok(SioPacket {
        kind,
        attachments,
        namespace,
        ack_id,
        data: &text[at..],
    })
}

fn digits_at(bytes: &[u8], at: usize) -> usize {
    bytes
        .get(at..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count()
}

/// Appends the Engine.IO message (`4`) carrying this Socket.IO packet to `out`.
pub fn encode_sio(
    kind: SioKind,
    attachments: usize,
    namespace: &str,
    ack_id: Option<u64>,
    data: &str,
    out: &mut String,
) {
    use std::fmt::Write as _;
    out.push('4');
    out.push(kind.digit());
    if kind.is_binary() {
        let _ = write!(out, "{attachments}-");
    }
    if namespace != "/" && !namespace.is_empty() {
        out.push_str(namespace);
        out.push(',');
    }
    if let Some(id) = ack_id {
        let _ = write!(out, "{id}");
    }
    out.push_str(data);
}

/// The event name and the arguments after it (as a JSON array text, the sender's own spacing
/// kept) of an EVENT's data.
pub fn split_event(data: &str) -> Result<(String, String), PacketError> {
    let items: Vec<&serde_json::value::RawValue> = serde_json::from_str(data)
        .map_err(|err| bad(format!("a Socket.IO event that is not a JSON array: {err}")))?;
    let Some((name, rest)) = items.split_first() else {
        return Err(bad("a Socket.IO event without a name"));
    };
    let name: String = serde_json::from_str(name.get())
        .map_err(|_| bad("a Socket.IO event whose name is not a string"))?;
    let args = match rest.first() {
        // The raw values borrow from `data`: the arguments are its text from the second one.
        Some(second) => {
            let offset = (second.get().as_ptr() as usize).saturating_sub(data.as_ptr() as usize);
            match data.get(offset..) {
                Some(tail) => format!("[{}", tail.trim_end()),
                None => join_array(rest.iter().map(|v| v.get())),
            }
        }
        None => "[]".to_owned(),
    };
    Ok((name, args))
}

/// Checks that an ACK's data is a JSON array and returns it as the args text.
pub fn ack_args(data: &str) -> Result<String, PacketError> {
    let _: Vec<&serde_json::value::RawValue> = serde_json::from_str(data)
        .map_err(|err| bad(format!("a Socket.IO ack that is not a JSON array: {err}")))?;
    Ok(data.trim().to_owned())
}

/// `[a,b,...]` from JSON value texts.
pub fn join_array<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push(']');
    out
}

/// The message of a CONNECT_ERROR's data: v5 sends `{"message": "...", "data": ...}`, v4 a
/// JSON string (or an object).
pub fn connect_error(data: &str) -> (String, Option<String>) {
    match serde_json::from_str::<serde_json::Value>(data) {
        Ok(serde_json::Value::String(message)) => (message, None),
        Ok(serde_json::Value::Object(map)) => {
            let message = match map.get("message") {
                Some(serde_json::Value::String(m)) => m.clone(),
                _ => data.to_owned(),
            };
            let extra = map.get("data").map(serde_json::Value::to_string);
            (message, extra)
        }
        _ if data.is_empty() => ("refused by the server".to_owned(), None),
        _ => (data.to_owned(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_io_packets() {
        assert_eq!(decode_eio("2").unwrap(), EioPacket::Ping(""));
        assert_eq!(decode_eio("3probe").unwrap(), EioPacket::Pong("probe"));
        assert_eq!(
            decode_eio("42[\"a\"]").unwrap(),
            EioPacket::Message("2[\"a\"]")
        );
        assert!(decode_eio("").is_err());
        assert!(decode_eio("9").is_err());
        let open = decode_open(r#"{"sid":"x","pingInterval":25000,"pingTimeout":20000}"#);
        assert_eq!(
            open.unwrap(),
            Open {
                ping_interval_ms: 25000,
                ping_timeout_ms: 20000
            }
        );
        assert!(decode_open("{}").is_err());
    }

    #[test]
    fn socket_io_headers() {
        let p = decode_sio("2/admin,12[\"a\",1]").unwrap();
        assert_eq!(
            (p.kind, p.namespace, p.ack_id, p.data),
            (SioKind::Event, "/admin", Some(12), "[\"a\",1]")
        );
        let p = decode_sio("51-[\"up\",{\"_placeholder\":true,\"num\":0}]").unwrap();
        assert_eq!(
            (p.kind, p.attachments, p.namespace),
            (SioKind::BinaryEvent, 1, "/")
        );
        let p = decode_sio("0/chat?token=1,").unwrap();
        assert_eq!((p.namespace, p.data), ("/chat", ""));
        let p = decode_sio("0/chat").unwrap();
        assert_eq!(p.namespace, "/chat");
        assert!(decode_sio("5[\"x\"]").is_err());
        assert!(decode_sio("299999999999999999999999[]").is_err());
        assert!(decode_sio("7").is_err());
    }

    #[test]
    fn encode_then_decode() {
        let mut out = String::new();
        encode_sio(SioKind::BinaryAck, 2, "/a", Some(3), "[1]", &mut out);
        assert_eq!(out, "462-/a,3[1]");
        let p = decode_sio(&out[1..]).unwrap();
        assert_eq!(
            (p.kind, p.attachments, p.namespace, p.ack_id, p.data),
            (SioKind::BinaryAck, 2, "/a", Some(3), "[1]")
        );
    }

    #[test]
    fn events_and_errors() {
        assert_eq!(
            split_event(r#"["chat.message", "hi", {"from": "ann"}]"#).unwrap(),
            (
                "chat.message".to_owned(),
                r#"["hi", {"from": "ann"}]"#.to_owned()
            )
        );
        assert_eq!(split_event(r#"["x"]"#).unwrap().1, "[]");
        assert!(split_event("[]").is_err());
        assert!(split_event("[1]").is_err());
        assert!(split_event("{").is_err());
        assert_eq!(
            connect_error(r#"{"message":"bad token","data":{"x":1}}"#),
            ("bad token".to_owned(), Some("{\"x\":1}".to_owned()))
        );
        assert_eq!(connect_error("\"nope\"").0, "nope");
    }
}
