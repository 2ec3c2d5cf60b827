//! Why a connection must be failed (RFC 6455 §7.1.7): one variant per violation the frame
//! parser detects, each knowing the close code we send for it (1002, 1007 or 1009).
//!
//! The `Display` text of each variant is the wording users see after "protocol error from the
//! server: " (see [`ProtocolError::event_message`]); tests and users rely on it, so keep it.
//! Values are small and `Copy`: detecting a violation never allocates.

use super::close_code::CloseCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ProtocolError {
    #[error("reserved bits set (RSV1-3)")]
    ReservedBits,
    /// The opcode nibble that is reserved (0x3–0x7, 0xB–0xF).
    #[error("reserved opcode")]
    ReservedOpcode(u8),
    #[error("masked frame from the server")]
    MaskedFrame,
    #[error("frame length over 2^63")]
    FrameLengthOverflow,
    #[error("fragmented control frame")]
    FragmentedControl,
    #[error("control frame payload over 125 bytes")]
    ControlTooLong,
    #[error("continuation frame without a message to continue")]
    UnexpectedContinuation,
    #[error("a new message began before the fragmented one ended")]
    MessageInsideFragmented,
    #[error("close frame with a 1-byte payload")]
    OneByteClose,
    /// The code the server sent.
    #[error("close frame with an invalid close code")]
    InvalidCloseCode(u16),
    #[error("text message is not valid UTF-8")]
    InvalidUtf8Text,
    #[error("close reason is not valid UTF-8")]
    InvalidUtf8CloseReason,
    /// A frame, or a fragmented message so far, over the configured maximum message size.
    #[error("incoming message of {size} bytes exceeds the maximum message size of {max} bytes")]
    TooBig { size: u64, max: usize },
    /// A compressed message whose inflated size crossed the maximum (at least `size`).
    #[error(
        "compressed message inflates to over {size} bytes, past the maximum message size of {max} bytes"
    )]
    InflatedTooBig { size: u64, max: usize },
    #[error("compressed message is not valid deflate data")]
    BadDeflateData,
}

impl ProtocolError {
    /// The close code to fail the connection with.
    pub(crate) const fn close_code(self) -> CloseCode {
        match self {
            Self::InvalidUtf8Text | Self::InvalidUtf8CloseReason => CloseCode::INVALID_PAYLOAD,
            Self::BadDeflateData => CloseCode::INVALID_PAYLOAD,
            Self::TooBig { .. } | Self::InflatedTooBig { .. } => CloseCode::MESSAGE_TOO_BIG,
            _ => CloseCode::PROTOCOL_ERROR,
        }
    }

    /// The short reason for our close frame.
    pub(crate) const fn close_reason(self) -> &'static str {
        match self.close_code() {
            CloseCode::INVALID_PAYLOAD if matches!(self, Self::BadDeflateData) => {
                "invalid deflate data"
            }
            CloseCode::INVALID_PAYLOAD => "invalid UTF-8",
            CloseCode::MESSAGE_TOO_BIG => "message too big",
            _ => "protocol error",
        }
    }

    /// What the `Error` event says: the size limit speaks for itself, everything else reads
    /// "protocol error from the server: …" (or "invalid UTF-8 from the server: …").
    pub(crate) fn event_message(self) -> String {
        match self {
            Self::TooBig { .. } | Self::InflatedTooBig { .. } => self.to_string(),
            _ => format!("{} from the server: {self}", self.close_reason()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_violation_knows_its_close_code_and_wording() {
        let cases = [
            (
                ProtocolError::ReservedOpcode(3),
                1002,
                "protocol error from the server: reserved opcode",
            ),
            (
                ProtocolError::InvalidCloseCode(1005),
                1002,
                "protocol error from the server: close frame with an invalid close code",
            ),
            (
                ProtocolError::InvalidUtf8Text,
                1007,
                "invalid UTF-8 from the server: text message is not valid UTF-8",
            ),
            (
                ProtocolError::TooBig { size: 11, max: 10 },
                1009,
                "incoming message of 11 bytes exceeds the maximum message size of 10 bytes",
            ),
        ];
        for (err, code, message) in cases {
            assert_eq!(err.close_code(), CloseCode(code));
            assert_eq!(err.event_message(), message);
        }
    }
}
