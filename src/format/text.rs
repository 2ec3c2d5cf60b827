//! Short human-readable renderings shared by the window, the CLI and the exports: sizes, times
//! and one-line previews of payloads. Each is defined once here, so the events list, the
//! detail view and `wsprobe run --output text` always agree.

use std::fmt::Write as _;

/// `12 B`, `1.5 KiB`, `3.2 MiB`, `1.0 GiB` (binary units, one decimal).
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

/// A duration in milliseconds as people say it: `10 s` for whole seconds, else `250 ms`.
pub fn human_millis(ms: u64) -> String {
    if ms >= 1000 && ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

/// A message's size, with its size on the wire when it went compressed:
/// `4.1 KiB · 310 B on the wire`.
pub fn size_on_wire(bytes: usize, wire: Option<u64>) -> String {
    match wire {
        Some(wire) => format!(
            "{} · {} on the wire",
            human_size(bytes),
            human_size(usize::try_from(wire).unwrap_or(usize::MAX))
        ),
        None => human_size(bytes),
    }
}

/// `HH:MM:SS.mmm` in local time. In the hour a DST change repeats, the earlier reading is
/// shown; a time that does not exist locally (or is out of range) shows as `--:--:--.---`.
pub fn local_time(at_ms: i64) -> String {
    use chrono::TimeZone as _;
    match chrono::Local.timestamp_millis_opt(at_ms).earliest() {
        Some(t) => t.format("%H:%M:%S%.3f").to_string(),
        None => "--:--:--.---".to_owned(),
    }
}

/// `2026-12-01T15:01:02.123Z`: UTC with milliseconds, the timestamp of every JSON schema.
pub fn rfc3339_millis(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// An error and its causes, `outer: cause: root cause`.
/// Our error types name only themselves in `Display` and keep the cause as `source()`; a
/// cause whose text is already in the line (a foreign error that prints its own source, such
/// as an `io::Error` wrapping another error) is not repeated.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut line = err.to_string();
    let mut cause = err.source();
    while let Some(err) = cause {
        let text = err.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        cause = err.source();
    }
    line
}

/// How a one-line text preview shows line breaks and other control characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineBreaks {
    /// Runs of whitespace and control characters become one space, leading and trailing
    /// whitespace is dropped (the events list: reads like prose).
    Collapse,
    /// `\n`, `\r`, `\t` and `\u{..}` escapes (the CLI: shows exactly what was sent).
    Escape,
}

/// Up to `max_chars` characters of `bytes` (lossy UTF-8) on one line, `…` when cut. Only the
/// start of a big payload is looked at, so a preview costs the same for 1 KB and 1 GB.
pub fn push_text_preview(line: &mut String, bytes: &[u8], max_chars: usize, breaks: LineBreaks) {
    let window = &bytes[..bytes.len().min(max_chars * 4 + 4)];
    let text = String::from_utf8_lossy(window);
    let text = match breaks {
        LineBreaks::Collapse => text.trim(),
        LineBreaks::Escape => &text,
    };
    let mut last_space = false;
    for (shown, c) in text.chars().enumerate() {
        if shown == max_chars {
            line.push('…');
            return;
        }
        match breaks {
            LineBreaks::Collapse => {
                let space = c.is_whitespace() || c.is_control();
                if !(space && last_space) {
                    line.push(if space { ' ' } else { c });
                }
                last_space = space;
            }
            LineBreaks::Escape => match c {
                '\n' => line.push_str("\\n"),
                '\r' => line.push_str("\\r"),
                '\t' => line.push_str("\\t"),
                c if c.is_control() => {
                    let _ = write!(line, "\\u{{{:x}}}", c as u32);
                }
                c => line.push(c),
            },
        }
    }
    if window.len() < bytes.len() {
        line.push('…');
    }
}

/// [`push_text_preview`] into a new String.
pub fn text_preview(bytes: &[u8], max_chars: usize, breaks: LineBreaks) -> String {
    let mut line = String::new();
    push_text_preview(&mut line, bytes, max_chars, breaks);
    line
}

/// The first `max_bytes` bytes as spaced hex (`00 9f ff`), ` …` when cut.
pub fn push_hex_preview(line: &mut String, bytes: &[u8], max_bytes: usize) {
    for (i, b) in bytes.iter().take(max_bytes).enumerate() {
        if i > 0 {
            line.push(' ');
        }
        let _ = write!(line, "{b:02x}");
    }
    if bytes.len() > max_bytes {
        line.push_str(" …");
    }
}

/// [`push_hex_preview`] into a new String.
pub fn hex_preview(bytes: &[u8], max_bytes: usize) -> String {
    let mut line = String::new();
    push_hex_preview(&mut line, bytes, max_bytes);
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_use_binary_units() {
        assert_eq!(human_size(12), "12 B");
        assert_eq!(human_size(2048), "2.0 KiB");
        assert_eq!(human_size(3 * 1024 * 1024 + 200 * 1024), "3.2 MiB");
        assert_eq!(human_size(1 << 30), "1.0 GiB");
    }

    #[test]
    fn previews_collapse_or_escape_and_cut() {
        assert_eq!(
            text_preview(b"  a\n\n  b\t", 10, LineBreaks::Collapse),
            "a b"
        );
        assert_eq!(
            text_preview(b"a\nb\x01", 10, LineBreaks::Escape),
            "a\\nb\\u{1}"
        );
        assert_eq!(text_preview(b"abcdef", 3, LineBreaks::Escape), "abc…");
        let big = vec![b'x'; 10_000];
        assert_eq!(text_preview(&big, 5, LineBreaks::Collapse), "xxxxx…");
        assert_eq!(hex_preview(&[0, 0x9f, 0xff], 2), "00 9f …");
        assert_eq!(hex_preview(&[], 2), "");
    }

    #[test]
    fn error_chains_say_each_cause_once() {
        #[derive(Debug, thiserror::Error)]
        #[error("could not connect to a:1")]
        struct Outer(#[source] std::io::Error);
        /// A foreign error that repeats its source in its own text.
        #[derive(Debug, thiserror::Error)]
        #[error("wrapped: {0}")]
        struct Repeats(#[source] std::io::Error);
        let refused = || std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(
            error_chain(&Outer(refused())),
            "could not connect to a:1: refused"
        );
        assert_eq!(error_chain(&Repeats(refused())), "wrapped: refused");
        assert_eq!(error_chain(&refused()), "refused");
    }

    #[test]
    fn times() {
        assert_eq!(rfc3339_millis(1_000), "1970-01-01T00:00:01.000Z");
        assert_eq!(local_time(i64::MAX), "--:--:--.---");
    }
}
