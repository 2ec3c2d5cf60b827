//! What makes a saved request a Socket.IO request: its [`RequestKind`] and the
//! [`SocketIoSettings`] of the Socket.IO connection (protocol version, path, namespace, the
//! CONNECT auth payload, the ack timeout). Plain data; the engine's `socketio` room speaks the
//! protocol, the window and the CLI read and write these.

use serde::{Deserialize, Serialize};

/// The protocol a saved request speaks. Request files without the field are WebSocket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum RequestKind {
    #[default]
    WebSocket,
    #[serde(rename = "Socket.IO")]
    SocketIo,
}

impl RequestKind {
    pub const ALL: [RequestKind; 2] = [Self::WebSocket, Self::SocketIo];

    pub fn label(self) -> &'static str {
        match self {
            Self::WebSocket => "WebSocket",
            Self::SocketIo => "Socket.IO",
        }
    }

    pub fn is_socketio(self) -> bool {
        self == Self::SocketIo
    }
}

/// Which Socket.IO / Engine.IO protocol pair a Socket.IO request speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum EngineIoVersion {
    /// Socket.IO v5 over Engine.IO v4: Socket.IO servers v3 and v4 (the default).
    #[default]
    #[serde(rename = "4")]
    V4,
    /// Socket.IO v4 over Engine.IO v3: Socket.IO v2 servers (the client pings).
    #[serde(rename = "3")]
    V3,
}

impl EngineIoVersion {
    /// The `EIO` query value.
    pub fn eio(self) -> u8 {
        match self {
            Self::V4 => 4,
            Self::V3 => 3,
        }
    }
}

pub const DEFAULT_SOCKETIO_PATH: &str = "/socket.io/";
pub const DEFAULT_ACK_TIMEOUT_MS: u64 = 5_000;

/// The Socket.IO side of a request (used when its kind is [`RequestKind::SocketIo`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SocketIoSettings {
    pub version: EngineIoVersion,
    /// The Engine.IO endpoint path (`/socket.io/`); the query gets `EIO=4&transport=websocket`.
    pub path: String,
    /// The namespace to connect to: `/` or a named one such as `/admin`.
    pub namespace: String,
    /// The CONNECT packet's auth payload: JSON text with `<<variables>>`; empty sends none.
    pub auth: String,
    /// An emit that expects an acknowledgement gives up waiting after this long.
    pub ack_timeout_ms: u64,
}

impl Default for SocketIoSettings {
    fn default() -> Self {
        Self {
            version: EngineIoVersion::V4,
            path: DEFAULT_SOCKETIO_PATH.to_owned(),
            namespace: "/".to_owned(),
            auth: String::new(),
            ack_timeout_ms: DEFAULT_ACK_TIMEOUT_MS,
        }
    }
}

impl SocketIoSettings {
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}
