//! Frame opcodes as they appear on the wire (RFC 6455 §5.2): the framing's own type.
//!
//! [`OpCode`] names every frame kind, control frames included; it is what the frame parser and
//! encoder in `wire.rs` work with. It is *not* the public [`Opcode`](crate::model::Opcode)
//! (Text/Binary), which is the kind of a whole data message as events and the UI see it:
//! a message is never a continuation, ping or close. The encoder turns a message kind into its
//! frame opcode with `OpCode::from(opcode)`.

use super::protocol_error::ProtocolError;
use crate::model::Opcode;

/// The low four bits of a frame's first byte. Values 0x3–0x7 and 0xB–0xF are reserved and
/// refused by [`TryFrom<u8>`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub(crate) enum OpCode {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
}

impl OpCode {
    /// Close, ping and pong: never fragmented, at most 125 bytes of payload (RFC 6455 §5.5).
    pub(crate) const fn is_control(self) -> bool {
        (self as u8) & 0x8 != 0
    }
}

impl TryFrom<u8> for OpCode {
    type Error = ProtocolError;

    /// `value` is the opcode nibble (0x0–0xF); anything else is reserved too. The error is a
    /// plain value (no allocation): this runs once per frame on the receive path.
    fn try_from(value: u8) -> Result<Self, ProtocolError> {
        Ok(match value {
            0x0 => Self::Continuation,
            0x1 => Self::Text,
            0x2 => Self::Binary,
            0x8 => Self::Close,
            0x9 => Self::Ping,
            0xA => Self::Pong,
            other => return Err(ProtocolError::ReservedOpcode(other)),
        })
    }
}

impl From<Opcode> for OpCode {
    fn from(opcode: Opcode) -> Self {
        match opcode {
            Opcode::Text => Self::Text,
            Opcode::Binary => Self::Binary,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nibble_is_an_opcode_or_reserved() {
        for value in 0u8..=0xF {
            match OpCode::try_from(value) {
                Ok(opcode) => {
                    assert_eq!(opcode as u8, value);
                    assert_eq!(opcode.is_control(), value >= 0x8);
                }
                Err(err) => {
                    assert!(matches!(value, 0x3..=0x7 | 0xB..=0xF), "{value:#x}");
                    assert_eq!(err, ProtocolError::ReservedOpcode(value));
                }
            }
        }
        assert_eq!(OpCode::from(Opcode::Text), OpCode::Text);
        assert_eq!(OpCode::from(Opcode::Binary), OpCode::Binary);
    }
}
