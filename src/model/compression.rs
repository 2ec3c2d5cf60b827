//! What a request offers for permessage-deflate (RFC 7692): on or off, and the four
//! parameters of the offer. Plain data; the engine's `deflate` room turns it into the
//! `Sec-WebSocket-Extensions` offer and checks the server's answer against it.

use serde::{Deserialize, Serialize};

/// Settings → Compression. On by default, as in browsers and the `ws`-based tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Compression {
    /// Offer permessage-deflate at all.
    pub enabled: bool,
    /// Ask the server to compress every message on its own (`server_no_context_takeover`).
    pub server_no_context_takeover: bool,
    /// Compress every message we send on its own (`client_no_context_takeover`).
    pub client_no_context_takeover: bool,
    /// Ask the server for a smaller LZ77 window (8..=15); `None` leaves it to the server.
    pub server_max_window_bits: Option<u8>,
    /// The largest LZ77 window we compress with (8..=15); `None` offers the parameter without
    /// a value: the server may pick one, up to 15.
    pub client_max_window_bits: Option<u8>,
}

/// The window sizes RFC 7692 allows (2^8 to 2^15 bytes).
pub const WINDOW_BITS: std::ops::RangeInclusive<u8> = 8..=15;

impl Default for Compression {
    fn default() -> Self {
        Self {
            enabled: true,
            server_no_context_takeover: false,
            client_no_context_takeover: false,
            server_max_window_bits: None,
            client_max_window_bits: None,
        }
    }
}

impl Compression {
    /// No offer at all (`--no-deflate`, Settings → Compression: Off).
    pub fn off() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }
}
