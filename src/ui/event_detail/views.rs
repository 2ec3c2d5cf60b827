//! What a payload looks like in each view: Text, JSON, XML, HTML (pretty and highlighted) or
//! a hexdump, cut to size limits with a note; plus the words around it (info line, title,
//! full time) and the raw bytes to copy or save. Pure functions, also run on workers.

use std::ops::Range;
use std::path::Path;

use chrono::TimeZone as _;
use egui::text::LayoutJob;
use egui::{Color32, FontId};

use crate::engine::{Direction, Event, EventKind, Opcode};
use crate::format::human_size;
use crate::format::pretty::{pretty_json, pretty_markup};
use crate::format::{Sniffed, encode_base64, hexdump, mime_guess, sniff};
use crate::model::MessageFormat;
use crate::ui::widgets::VarContext;
use crate::ui::widgets::code_editor::highlight;

/// Text views of payloads up to this size show everything.
pub const TEXT_LIMIT: usize = 2 * 1024 * 1024;
/// Hexdumps of payloads up to this size show everything (a dump is ~5× the bytes).
pub const HEX_LIMIT: usize = 256 * 1024;
/// Above the limits, this much is shown until "Show all".
pub const PART: usize = 256 * 1024;
/// Payloads above this size are formatted on a background thread.
pub const BACKGROUND_ABOVE: usize = 512 * 1024;
/// Texts longer than this are drawn as virtual lines (only the visible ones are laid out).
pub const VIRTUAL_ABOVE: usize = 256 * 1024;
/// In the virtual view, longer lines are cut into pieces of this many characters.
pub const VIRTUAL_LINE_CHARS: usize = 240;

/// How a payload is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViewAs {
    Text,
    Json,
    Xml,
    Html,
    Hexdump,
}

impl ViewAs {
    pub const ALL: [ViewAs; 5] = [Self::Text, Self::Json, Self::Xml, Self::Html, Self::Hexdump];

    pub fn label(self) -> &'static str {
        match self {
            Self::Text => "Text",
            Self::Json => "JSON",
            Self::Xml => "XML",
            Self::Html => "HTML",
            Self::Hexdump => "Hexdump",
        }
    }

    /// The view a payload opens in.
    pub fn sniffed(event: &Event) -> Self {
        let Some(payload) = event.payload() else {
            return Self::Text;
        };
        let binary_frame = matches!(
            event.kind,
            EventKind::Message {
                opcode: Opcode::Binary,
                ..
            }
        );
        match sniff(payload) {
            Sniffed::Json => Self::Json,
            Sniffed::Xml => Self::Xml,
            Sniffed::Html => Self::Html,
            // A binary frame opens as text only when it holds a structured document.
            Sniffed::Text if !binary_frame => Self::Text,
            _ => Self::Hexdump,
        }
    }
}

/// What a view of a payload looks like, ready to lay out.
pub struct Derived {
    pub text: String,
    /// The laid-out text, for texts up to [`VIRTUAL_ABOVE`].
    pub job: LayoutJob,
    /// Byte ranges of display lines, for texts above [`VIRTUAL_ABOVE`].
    pub lines: Option<Vec<Range<usize>>>,
    pub note: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) struct DerivedKey {
    pub seq: crate::log::Seq,
    pub view: ViewAs,
    pub show_all: bool,
    pub dark: bool,
    /// The [`crate::ui::secret_mask::SecretMask`] applied (its fingerprint; 0: none).
    pub mask: u64,
}

/// The text of `payload` in `view`, cut to the limits unless `show_all`; with a note saying
/// what was cut or why the view is approximate. Pure: also used on a background thread.
pub fn derive_text(payload: &[u8], view: ViewAs, show_all: bool) -> (String, Option<String>) {
    if view == ViewAs::Hexdump {
        let cut = !show_all && payload.len() > HEX_LIMIT;
        let shown = if cut {
            PART.min(payload.len())
        } else {
            payload.len()
        };
        let note = cut.then(|| {
            format!(
                "Hexdump of the first {} of {}",
                human_size(shown),
                human_size(payload.len())
            )
        });
        return (hexdump(&payload[..shown]), note);
    }
    let cut = !show_all && payload.len() > TEXT_LIMIT;
    let shown = if cut { PART } else { payload.len() };
    let text = String::from_utf8_lossy(&payload[..shown]);
    let mut note = cut.then(|| {
        format!(
            "Showing the first {} of {}",
            human_size(shown),
            human_size(payload.len())
        )
    });
    let text = match view {
        ViewAs::Json => {
            if !cut && serde_json::from_slice::<serde::de::IgnoredAny>(payload).is_err() {
                note = Some("Not valid JSON: re-indented as far as it goes".to_owned());
            }
            pretty_json(&text)
        }
        ViewAs::Xml => pretty_markup(&text, false),
        ViewAs::Html => pretty_markup(&text, true),
        _ => text.into_owned(),
    };
    (text, note)
}

pub(super) fn derive(
    payload: &[u8],
    view: ViewAs,
    show_all: bool,
    dark: bool,
    font: FontId,
    color: Color32,
) -> Derived {
    let (text, note) = derive_text(payload, view, show_all);
    if text.len() > VIRTUAL_ABOVE {
        let lines = display_lines(&text, VIRTUAL_LINE_CHARS);
        return Derived {
            text,
            job: LayoutJob::default(),
            lines: Some(lines),
            note,
        };
    }
    let format = match view {
        ViewAs::Json => Some(MessageFormat::Json),
        ViewAs::Xml => Some(MessageFormat::Xml),
        ViewAs::Html => Some(MessageFormat::Html),
        _ => None,
    };
    let job = match format {
        // `highlight` shows texts above its limit plain.
        Some(format) => highlight(&text, format, dark, font, color, &VarContext::default()),
        None => LayoutJob::simple(text.clone(), font, color, f32::INFINITY),
    };
    Derived {
        text,
        job,
        lines: None,
        note,
    }
}

/// Byte ranges of the lines of `text` (without their line breaks), lines longer than
/// `max_chars` cut into pieces at character boundaries.
pub fn display_lines(text: &str, max_chars: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let end = start + line.len();
        let mut piece_start = start;
        let mut chars = 0;
        for (i, _) in line.char_indices() {
            if chars == max_chars {
                out.push(piece_start..start + i);
                piece_start = start + i;
                chars = 0;
            }
            chars += 1;
        }
        out.push(piece_start..end);
        start = end + 1;
    }
    out
}

/// The raw payload as text to copy: UTF-8 text as is, binary as hex or base64.
pub fn copy_text(payload: &[u8], binary_as_base64: bool, is_text: bool) -> String {
    if is_text {
        String::from_utf8_lossy(payload).into_owned()
    } else if binary_as_base64 {
        encode_base64(payload)
    } else {
        let mut s = String::with_capacity(payload.len() * 3);
        for (i, b) in payload.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

/// Writes the raw payload to `path` atomically (the Save button's work, without the dialog).
pub fn save_payload(path: &Path, payload: &[u8]) -> std::io::Result<()> {
    crate::store::atomic_write(path, payload)
}

/// `Received · text (opcode 1) · 1234 bytes (1.2 KiB) · application/json`
pub fn info_line(event: &Event, payload: &[u8]) -> String {
    let direction = match event.direction() {
        Some(Direction::Received) => "Received",
        Some(Direction::Sent) => "Sent",
        None => "",
    };
    let opcode = match &event.kind {
        EventKind::Message {
            opcode: Opcode::Text,
            ..
        } => "text (opcode 1)",
        EventKind::Message { .. } => "binary (opcode 2)",
        EventKind::Ping { .. } => "ping (opcode 9)",
        EventKind::SocketIo(_) => "Socket.IO arguments (a JSON array)",
        _ => "pong (opcode 10)",
    };
    let size = if payload.len() < 1024 {
        format!("{} bytes", payload.len())
    } else {
        format!("{} bytes ({})", payload.len(), human_size(payload.len()))
    };
    let size = match event.wire_size() {
        Some(wire) => format!("{size} · {wire} bytes on the wire (compressed)"),
        None => size,
    };
    let mut line = format!(
        "{direction} · {opcode} · {size} · {}",
        mime_guess(&payload[..payload.len().min(TEXT_LIMIT)])
    );
    if let EventKind::Pong { rtt: Some(rtt), .. } = &event.kind {
        // The ping it answers went out one round trip before this pong was read.
        let ping_at = event.at_ms - i64::from(rtt.micros() / 1000);
        line.push_str(&format!(
            " · answers our ping of {} ({rtt} round trip)",
            crate::format::local_time(ping_at)
        ));
    }
    line
}

pub(super) fn is_text(event: &Event) -> bool {
    matches!(
        event.kind,
        EventKind::Message {
            opcode: Opcode::Text,
            ..
        } | EventKind::SocketIo(_)
    )
}

pub(super) fn kind_title(event: &Event) -> &'static str {
    match &event.kind {
        EventKind::Message {
            opcode: Opcode::Text,
            ..
        } => "Text message",
        EventKind::Message { .. } => "Binary message",
        EventKind::Ping { .. } => "Ping",
        EventKind::Pong { .. } => "Pong",
        EventKind::Connecting { .. } => "Connecting",
        EventKind::Redirected { .. } => "Redirected",
        EventKind::Connected(_) => "Connected",
        EventKind::Closed { .. } => "Disconnected",
        kind @ EventKind::Error { .. } if kind.is_warning() => "Warning",
        EventKind::Error { .. } => "Error",
        EventKind::HandshakeFailed(_) => "Handshake failed",
        EventKind::Reconnecting { .. } => "Reconnecting",
        EventKind::Script { .. } => "Script",
        EventKind::SocketIo(sio) => crate::ui::socketio::detail::packet_title(sio),
    }
}

/// Local date and time with milliseconds.
pub fn full_time(at_ms: i64) -> String {
    match chrono::Local.timestamp_millis_opt(at_ms) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.format("%Y-%m-%d %H:%M:%S%.3f").to_string()
        }
        chrono::LocalResult::None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn message(opcode: Opcode, payload: &'static [u8]) -> Event {
        Event::now(
            crate::engine::SessionId(1),
            EventKind::Message {
                direction: Direction::Received,
                opcode,
                payload: Bytes::from_static(payload),
                wire_size: None,
            },
        )
    }

    #[test]
    fn views_sniffed_and_derived() {
        let json = message(Opcode::Text, b"{\"a\":1}");
        assert_eq!(ViewAs::sniffed(&json), ViewAs::Json);
        assert_eq!(
            derive_text(b"{\"a\":1}", ViewAs::Json, false).0,
            "{\n  \"a\": 1\n}"
        );
        assert_eq!(
            derive_text(b"{\"a\":1}", ViewAs::Text, false).0,
            "{\"a\":1}"
        );
        assert!(derive_text(b"{\"a\":", ViewAs::Json, false).1.is_some());
        let bin = message(Opcode::Binary, &[0xde, 0xad]);
        assert_eq!(ViewAs::sniffed(&bin), ViewAs::Hexdump);
        // A binary frame holding text opens as that text.
        assert_eq!(
            ViewAs::sniffed(&message(Opcode::Binary, b"<a/>")),
            ViewAs::Xml
        );
        assert_eq!(ViewAs::sniffed(&message(Opcode::Text, b"hi")), ViewAs::Text);
        assert_eq!(
            ViewAs::sniffed(&message(Opcode::Binary, b"hi")),
            ViewAs::Hexdump
        );
        assert_eq!(
            derive_text(&[0xde, 0xad], ViewAs::Hexdump, false).0,
            "00000000  de ad                                             |..|\n"
        );
    }

    #[test]
    fn large_payloads_are_cut_until_show_all() {
        let big = vec![b'x'; TEXT_LIMIT + 1];
        let (text, note) = derive_text(&big, ViewAs::Text, false);
        assert_eq!(text.len(), PART);
        assert!(
            note.unwrap()
                .starts_with("Showing the first 256.0 KiB of 2.0 MiB")
        );
        let (text, note) = derive_text(&big, ViewAs::Text, true);
        assert_eq!(text.len(), big.len());
        assert!(note.is_none());
        let (dump, note) = derive_text(&big, ViewAs::Hexdump, false);
        assert_eq!(dump.lines().count(), PART / 16);
        assert!(note.is_some());
    }

    #[test]
    fn display_lines_split_and_cut_long_lines() {
        let text = "ab\n\nécdef\n";
        let lines = display_lines(text, 2);
        let pieces: Vec<&str> = lines.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(pieces, ["ab", "", "éc", "de", "f", ""]);
    }

    #[test]
    fn copy_binary_as_hex_or_base64() {
        assert_eq!(copy_text(&[0xde, 0xad], false, false), "de ad");
        assert_eq!(
            copy_text(&[0xde, 0xad, 0xbe, 0xef], true, false),
            "3q2+7w=="
        );
        assert_eq!(copy_text(b"hi", false, true), "hi");
    }
}
