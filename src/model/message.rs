//! What a WebSocket data message is, independent of any connection: its [`Opcode`] and an
//! [`Outgoing`] message to send. The format layer builds these from text, the engine frames
//! them, and the log and the window show them.

use bytes::Bytes;

/// The kind of a data message: a text frame (UTF-8) or a binary frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Opcode {
    Text,
    Binary,
}

impl Opcode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Binary => "binary",
        }
    }
}

/// A message to send. Text goes as a text frame, Binary as a binary frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    Text(String),
    Binary(Bytes),
}

impl Outgoing {
    pub fn len(&self) -> usize {
        match self {
            Self::Text(s) => s.len(),
            Self::Binary(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
