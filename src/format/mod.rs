//! Turning message text into bytes and bytes into readable views: hex and base64, content
//! sniffing, the short renderings (sizes, times, one-line previews) in `text.rs`, and the
//! arguments of a Socket.IO emit as written (`emit_args.rs`).

pub mod emit_args;
mod hex;
pub mod pretty;
mod sniff;
mod text;

pub use hex::{HexError, hexdump, parse_hex};
pub use sniff::{Sniffed, looks_binary, mime_guess, sniff};
pub use text::{
    LineBreaks, error_chain, hex_preview, human_millis, human_size, local_time, push_hex_preview,
    push_text_preview, rfc3339_millis, size_on_wire, text_preview,
};

use base64::Engine as _;
use bytes::Bytes;

use crate::model::{MessageFormat, Outgoing};

/// Why a message body cannot be sent as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("invalid hex")]
    Hex(#[from] HexError),
    #[error("invalid base64 at character {position}: {message}")]
    Base64 { position: usize, message: String },
}

/// The frame a body in `format` is sent as: text formats as text, Hex/Base64 decoded to binary.
pub fn encode_message(format: MessageFormat, body: &str) -> Result<Outgoing, EncodeError> {
    match format {
        MessageFormat::Text | MessageFormat::Json | MessageFormat::Xml | MessageFormat::Html => {
            Ok(Outgoing::Text(body.to_owned()))
        }
        MessageFormat::Hex => Ok(Outgoing::Binary(Bytes::from(parse_hex(body)?))),
        MessageFormat::Base64 => decode_base64(body).map(|b| Outgoing::Binary(Bytes::from(b))),
    }
}

/// Decodes standard or URL-safe base64, padded or not, ignoring whitespace.
pub fn decode_base64(body: &str) -> Result<Vec<u8>, EncodeError> {
    let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let url_safe = compact.contains(['-', '_']);
    let trimmed = compact.trim_end_matches('=');
    let engine = if url_safe {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
    } else {
        base64::engine::general_purpose::STANDARD_NO_PAD
    };
    engine.decode(trimmed).map_err(|err| {
        let position = match err {
            base64::DecodeError::InvalidByte(i, _)
            | base64::DecodeError::InvalidLastSymbol(i, _) => i + 1,
            _ => trimmed.chars().count(),
        };
        EncodeError::Base64 {
            position,
            message: err.to_string(),
        }
    })
}

pub fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_formats_send_text_frames() {
        assert_eq!(
            encode_message(MessageFormat::Json, "{\"a\":1}").unwrap(),
            Outgoing::Text("{\"a\":1}".into())
        );
    }

    #[test]
    fn hex_and_base64_send_binary() {
        assert_eq!(
            encode_message(MessageFormat::Hex, "de ad be ef").unwrap(),
            Outgoing::Binary(Bytes::from_static(&[0xde, 0xad, 0xbe, 0xef]))
        );
        assert_eq!(
            encode_message(MessageFormat::Base64, "3q2+7w==").unwrap(),
            Outgoing::Binary(Bytes::from_static(&[0xde, 0xad, 0xbe, 0xef]))
        );
        assert_eq!(
            encode_message(MessageFormat::Base64, "3q2-7w").unwrap(),
            Outgoing::Binary(Bytes::from_static(&[0xde, 0xad, 0xbe, 0xef]))
        );
    }

    #[test]
    fn bad_base64_names_position() {
        let err = encode_message(MessageFormat::Base64, "ab!d").unwrap_err();
        assert!(
            matches!(err, EncodeError::Base64 { position: 3, .. }),
            "{err:?}"
        );
    }
}
