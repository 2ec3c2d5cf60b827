//! Guessing what a payload is: which view to open it in, and a MIME type for the Info line.

/// The kind of content a payload looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sniffed {
    Json,
    Xml,
    Html,
    Text,
    Binary,
}

/// Above this size JSON validity is judged by the first character only (parsing it all would
/// cost a frame).
const FULL_PARSE_LIMIT: usize = 4 * 1024 * 1024;

/// Valid JSON → Json; starts with `<` → Html or Xml; not UTF-8 or control characters → Binary.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    let head = &bytes[..bytes.len().min(4096)];
    if looks_binary(bytes) {
        return Sniffed::Binary;
    }
    let trimmed = trim_start(head);
    match trimmed.first() {
        Some(b'{' | b'[') => {
            if bytes.len() > FULL_PARSE_LIMIT
                || serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
            {
                Sniffed::Json
            } else {
                Sniffed::Text
            }
        }
        Some(b'<') => {
            let lower =
                String::from_utf8_lossy(&trimmed[..trimmed.len().min(1024)]).to_ascii_lowercase();
            let html = [
                "<!doctype html",
                "<html",
                "<head",
                "<body",
                "<div",
                "<p>",
                "<span",
            ]
            .iter()
            .any(|tag| lower.contains(tag));
            if html { Sniffed::Html } else { Sniffed::Xml }
        }
        _ => {
            if !bytes.is_empty()
                && bytes.len() <= FULL_PARSE_LIMIT
                && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
                && !trimmed.first().is_some_and(u8::is_ascii_alphabetic)
            {
                // Numbers and strings are valid JSON too.
                Sniffed::Json
            } else {
                Sniffed::Text
            }
        }
    }
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let rest = &bytes[start..];
    // A UTF-8 byte order mark.
    rest.strip_prefix(b"\xef\xbb\xbf").unwrap_or(rest)
}

/// Not valid UTF-8 (judged on the first 64 KB), or control characters other than tab/CR/LF.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        // A multi-byte character cut at the 64 KB boundary is still text.
        Err(e) => e.error_len().is_none() && head.len() < bytes.len(),
    };
    !valid
        || head
            .iter()
            .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f)
}

/// A MIME type guess from the content (magic numbers for common binary formats).
pub fn mime_guess(bytes: &[u8]) -> &'static str {
    const MAGIC: [(&[u8], &str); 9] = [
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF8", "image/gif"),
        (b"%PDF-", "application/pdf"),
        (b"PK\x03\x04", "application/zip"),
        (b"\x1f\x8b", "application/gzip"),
        (b"\x28\xb5\x2f\xfd", "application/zstd"),
        (b"OggS", "audio/ogg"),
        (b"\x00asm", "application/wasm"),
    ];
    if let Some((_, mime)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return mime;
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return "image/webp";
    }
    match sniff(bytes) {
        Sniffed::Json => "application/json",
        Sniffed::Xml => "application/xml",
        Sniffed::Html => "text/html",
        Sniffed::Text => "text/plain",
        Sniffed::Binary => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_common_cases() {
        assert_eq!(sniff(br#" {"a": [1, 2]}"#), Sniffed::Json);
        assert_eq!(sniff(b"[1,2"), Sniffed::Text);
        assert_eq!(sniff(b"42"), Sniffed::Json);
        assert_eq!(sniff(b"true story"), Sniffed::Text);
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><a/>"), Sniffed::Xml);
        assert_eq!(sniff(b"<!DOCTYPE html><html></html>"), Sniffed::Html);
        assert_eq!(sniff(b"<div>hi</div>"), Sniffed::Html);
        assert_eq!(sniff(b"hello"), Sniffed::Text);
        assert_eq!(sniff(b"line\r\n\ttab"), Sniffed::Text);
        assert_eq!(sniff(&[0xde, 0xad, 0xbe, 0xef]), Sniffed::Binary);
        assert_eq!(sniff(b"abc\x00def"), Sniffed::Binary);
        assert_eq!(sniff("héllo".as_bytes()), Sniffed::Text);
    }

    #[test]
    fn mime_from_magic_and_content() {
        assert_eq!(mime_guess(b"\x89PNG\r\n\x1a\nrest"), "image/png");
        assert_eq!(mime_guess(b"%PDF-1.7"), "application/pdf");
        assert_eq!(mime_guess(b"{\"a\":1}"), "application/json");
        assert_eq!(mime_guess(b"plain words"), "text/plain");
        assert_eq!(mime_guess(&[1, 2, 3]), "application/octet-stream");
    }
}
