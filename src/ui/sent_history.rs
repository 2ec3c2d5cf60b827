//! The Message tab's history: what was sent from the composer, as it remembers it (a draft
//! as written, a file, a Socket.IO emit with its event name), newest first, in memory only.

use bytes::Bytes;
use chrono::{DateTime, Local};

use crate::format::human_size;
use crate::model::MessageFormat;

/// Sent messages kept per request (in memory only).
pub const HISTORY_LIMIT: usize = 50;

/// What was sent, as the history remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SentBody {
    /// A draft as written; variables are expanded again when it is re-sent.
    Draft { format: MessageFormat, body: String },
    /// A file sent as one binary message.
    File { name: String, bytes: Bytes },
    /// A Socket.IO emit as written: the event name, its arguments, whether it asked for an
    /// ack.
    Emit {
        event: String,
        body: String,
        expect_ack: bool,
    },
}

#[derive(Debug, Clone)]
pub struct SentMessage {
    pub at: DateTime<Local>,
    pub body: SentBody,
}

impl SentMessage {
    pub fn format_label(&self) -> &'static str {
        match &self.body {
            SentBody::Draft { format, .. } => format.label(),
            SentBody::File { .. } => "File",
            SentBody::Emit {
                expect_ack: true, ..
            } => "Emit + ack",
            SentBody::Emit { .. } => "Emit",
        }
    }

    /// One line, at most 60 characters.
    pub fn preview(&self) -> String {
        self.line(60)
    }

    /// One line of at most `max` characters (whitespace collapsed; "…" when cut): only the
    /// start of a big body is read.
    pub fn line(&self, max: usize) -> String {
        let one_line = |head: &str, text: &str| {
            let mut chars = head
                .split_whitespace()
                .chain(text.split_whitespace())
                .flat_map(|word| std::iter::once(' ').chain(word.chars()))
                .skip(1);
            let line: String = chars.by_ref().take(max).collect();
            if chars.next().is_some() {
                let kept: String = line.chars().take(max.saturating_sub(1)).collect();
                format!("{kept}…")
            } else if line.is_empty() {
                "(empty)".to_owned()
            } else {
                line
            }
        };
        match &self.body {
            SentBody::Draft { body, .. } => one_line("", body),
            SentBody::File { name, bytes } => format!("{name} · {}", human_size(bytes.len())),
            SentBody::Emit { event, body, .. } => one_line(event, body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_is_one_short_line() {
        let m = SentMessage {
            at: Local::now(),
            body: SentBody::Draft {
                format: MessageFormat::Json,
                body: format!("{{\n  \"a\": \"{}\"\n}}", "x".repeat(100)),
            },
        };
        let p = m.preview();
        assert!(!p.contains('\n'));
        assert_eq!(p.chars().count(), 60);
        assert!(p.starts_with("{ \"a\": \"xxx"), "{p}");
        let f = SentMessage {
            at: Local::now(),
            body: SentBody::File {
                name: "photo.png".into(),
                bytes: Bytes::from(vec![0u8; 12_700]),
            },
        };
        assert_eq!(f.preview(), "photo.png · 12.4 KiB");
    }
}
