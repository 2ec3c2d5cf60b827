//! Close codes (RFC 6455 §7.4): the one place that knows which codes a peer may send and what
//! each one means.
//!
//! [`CloseCode`] is a thin wrapper over the number on the wire. Events keep the plain `u16`
//! ([`EventKind::Closed`](super::EventKind::Closed)), so consumers match on numbers and call
//! `CloseCode(code).meaning()` to label them.

/// A close code as carried by a close frame (or reported when none could be, like 1006).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CloseCode(pub u16);

impl CloseCode {
    pub const NORMAL: Self = Self(1000);
    pub const GOING_AWAY: Self = Self(1001);
    pub const PROTOCOL_ERROR: Self = Self(1002);
    pub const UNSUPPORTED_DATA: Self = Self(1003);
    /// Reported when a close frame carried no code; never sent on the wire.
    pub const NO_STATUS: Self = Self(1005);
    /// Reported when the connection ended without a close frame; never sent on the wire.
    pub const ABNORMAL: Self = Self(1006);
    pub const INVALID_PAYLOAD: Self = Self(1007);
    pub const POLICY_VIOLATION: Self = Self(1008);
    pub const MESSAGE_TOO_BIG: Self = Self(1009);
    pub const MANDATORY_EXTENSION: Self = Self(1010);
    pub const INTERNAL_ERROR: Self = Self(1011);
    pub const SERVICE_RESTART: Self = Self(1012);
    pub const TRY_AGAIN_LATER: Self = Self(1013);
    pub const BAD_GATEWAY: Self = Self(1014);
    /// Reported when the TLS handshake failed; never sent on the wire.
    pub const TLS_HANDSHAKE: Self = Self(1015);

    /// Whether a peer may send this code in a close frame (RFC 6455 §7.4, IANA registry):
    /// the registered 1000–1003 and 1007–1014, and the 3000–4999 ranges.
    pub const fn is_allowed(self) -> bool {
        matches!(self.0, 1000..=1003 | 1007..=1014 | 3000..=4999)
    }

    /// The standard meaning, for display ("1000 Normal closure").
    pub const fn meaning(self) -> &'static str {
        match self.0 {
            1000 => "Normal closure",
            1001 => "Going away",
            1002 => "Protocol error",
            1003 => "Unsupported data",
            1005 => "No status received",
            1006 => "Abnormal closure",
            1007 => "Invalid payload data",
            1008 => "Policy violation",
            1009 => "Message too big",
            1010 => "Mandatory extension",
            1011 => "Internal server error",
            1012 => "Service restart",
            1013 => "Try again later",
            1014 => "Bad gateway",
            1015 => "TLS handshake failure",
            3000..=3999 => "Registered",
            4000..=4999 => "Application-defined",
            _ => "Unknown",
        }
    }
}

impl From<u16> for CloseCode {
    fn from(code: u16) -> Self {
        Self(code)
    }
}

impl From<CloseCode> for u16 {
    fn from(code: CloseCode) -> Self {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meanings_cover_the_registry_and_the_ranges() {
        assert_eq!(CloseCode::MESSAGE_TOO_BIG.meaning(), "Message too big");
        assert_eq!(CloseCode(1000).meaning(), "Normal closure");
        assert_eq!(CloseCode(3001).meaning(), "Registered");
        assert_eq!(CloseCode(4001).meaning(), "Application-defined");
        assert_eq!(CloseCode(1004).meaning(), "Unknown");
    }

    #[test]
    fn only_sendable_codes_are_allowed() {
        for ok in [1000u16, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4999] {
            assert!(CloseCode(ok).is_allowed(), "{ok}");
        }
        for bad in [0u16, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000] {
            assert!(!CloseCode(bad).is_allowed(), "{bad}");
        }
    }
}
