use serde::{Deserialize, Serialize};

/// One saved WebSocket request: what the sidebar lists and what Connect uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedRequest {
    pub id: String,
    pub name: String,
    /// WebSocket or Socket.IO; files without it are WebSocket.
    #[serde(skip_serializing_if = "is_websocket")]
    pub kind: super::RequestKind,
    /// The Socket.IO settings (used when `kind` is Socket.IO).
    #[serde(skip_serializing_if = "super::SocketIoSettings::is_default")]
    pub socketio: super::SocketIoSettings,
    /// The folder it is in (see [`super::folder`]); `None` at the top level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
    pub url: String,
    pub params: Vec<KeyValue>,
    pub headers: Vec<KeyValue>,
    pub auth: Auth,
    pub settings: ConnectionSettings,
    pub draft: MessageDraft,
    pub saved_messages: Vec<SavedMessage>,
    /// The request's JavaScript (the Script tab; `wsprobe test` runs it). Empty: none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub script: String,
    /// The message repeated on a schedule while connected (Start/Stop in the Message tab).
    pub heartbeat: HeartbeatSettings,
    /// `<<name>>` values of this request alone, over its folders' and the environment's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<super::environment::Variable>,
    /// Fields a newer version added, kept as they were.
    #[serde(flatten)]
    pub unknown: super::fields::Unknown,
}

impl Default for SavedRequest {
    fn default() -> Self {
        Self {
            id: super::fields::new_id(),
            name: "New request".to_owned(),
            kind: super::RequestKind::WebSocket,
            socketio: super::SocketIoSettings::default(),
            folder: None,
            url: String::new(),
            params: Vec::new(),
            headers: Vec::new(),
            auth: Auth::None,
            settings: ConnectionSettings::default(),
            draft: MessageDraft::default(),
            saved_messages: Vec::new(),
            script: String::new(),
            heartbeat: HeartbeatSettings::default(),
            variables: Vec::new(),
            unknown: super::fields::Unknown::new(),
        }
    }
}

impl SavedRequest {
    pub fn new(name: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            url: url.into(),
            ..Self::default()
        }
    }
}

fn is_websocket(kind: &super::RequestKind) -> bool {
    *kind == super::RequestKind::WebSocket
}

/// A query parameter or header row: kept when disabled so the user can toggle it back on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
    pub enabled: bool,
}

impl Default for KeyValue {
    fn default() -> Self {
        Self {
            key: String::new(),
            value: String::new(),
            enabled: true,
        }
    }
}

impl KeyValue {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
            enabled: true,
        }
    }
}

/// How the handshake authenticates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "type")]
pub enum Auth {
    #[default]
    None,
    Basic {
        #[serde(default)]
        username: String,
        #[serde(default)]
        password: String,
    },
    Bearer {
        #[serde(default)]
        token: String,
    },
    #[serde(rename = "OAuth1")]
    OAuth1(OAuth1),
    /// Use the enclosing folder's auth ("Inherit from folder"); resolved before the engine
    /// sees the request, and no auth at the top level.
    Inherit,
}

impl Auth {
    /// The credential fields that are secrets (Basic password, Bearer token, OAuth consumer
    /// and token secrets), by a stable key: the store keeps them out of git-tracked files.
    pub fn secret_fields_mut(&mut self) -> Vec<(&'static str, &mut String)> {
        match self {
            Self::None | Self::Inherit => Vec::new(),
            Self::Basic { password, .. } => vec![("basic.password", password)],
            Self::Bearer { token } => vec![("bearer.token", token)],
            Self::OAuth1(o) => vec![
                ("oauth1.consumer_secret", &mut o.consumer_secret),
                ("oauth1.token_secret", &mut o.token_secret),
            ],
        }
    }
}

/// OAuth 1.0a credentials (RFC 5849); the engine signs the real upgrade GET with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct OAuth1 {
    pub consumer_key: String,
    pub consumer_secret: String,
    pub access_token: String,
    pub token_secret: String,
    pub signature_method: SignatureMethod,
    pub realm: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SignatureMethod {
    #[default]
    #[serde(rename = "HMAC-SHA1")]
    HmacSha1,
    #[serde(rename = "PLAINTEXT")]
    Plaintext,
}

impl SignatureMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha1 => "HMAC-SHA1",
            Self::Plaintext => "PLAINTEXT",
        }
    }
}

/// Connection behaviour. Defaults are documented in the README.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConnectionSettings {
    /// Reconnect attempts after an abnormal end; 0 turns reconnecting off.
    pub reconnect_attempts: u32,
    pub reconnect_interval_ms: u64,
    pub follow_redirects: bool,
    pub max_redirects: u32,
    /// Covers TCP connect, TLS and the HTTP upgrade together.
    pub handshake_timeout_ms: u64,
    /// Largest incoming message or frame; 0 means unlimited.
    pub max_message_size_bytes: u64,
    /// Offered in Sec-WebSocket-Protocol, in order.
    pub subprotocols: Vec<String>,
    /// Fail the connection when we offered subprotocols and the server picked none.
    pub strict_subprotocol: bool,
    /// Sent right after every successful connect (also after a reconnect); empty sends nothing.
    pub open_message: String,
    pub open_message_format: MessageFormat,
    pub accept_invalid_certs: bool,
    /// A PEM file of extra trusted root certificates for wss://.
    pub ca_cert_path: Option<String>,
    /// The client certificate offered on wss:// (mutual TLS); none by default.
    #[serde(skip_serializing_if = "super::ClientCertificate::is_unset")]
    pub client_certificate: super::ClientCertificate,
    /// The events log keeps at most this many events; the oldest are dropped beyond it.
    pub max_log_events: u64,
    /// ... and at most about this many MiB (payloads plus per-event bookkeeping).
    pub max_log_mib: u64,
    /// One script callback may run this long before the script is stopped.
    pub script_time_limit_ms: u64,
    /// A script may use this much memory.
    pub script_memory_limit_mib: u64,
    /// Keep-alive: send a ping this often while connected; 0 turns it off.
    pub ping_interval_ms: u64,
    /// A ping we sent that gets no pong within this long ends the connection (1006); 0: never.
    pub pong_timeout_ms: u64,
    /// Answer the server's pings with pongs (turn off to test a server's idle timeout).
    pub auto_pong: bool,
    /// Show ping and pong events in the events panel (they are logged either way).
    pub show_ping_pong: bool,
    /// permessage-deflate: offered (on) by default.
    pub compression: super::Compression,
    /// Which proxy the connection goes through.
    pub proxy: super::ProxyChoice,
    /// Settings a newer version added, kept as they were.
    #[serde(flatten)]
    pub unknown: super::fields::Unknown,
}

pub const DEFAULT_HANDSHAKE_TIMEOUT_MS: u64 = 10_000;
pub const DEFAULT_RECONNECT_INTERVAL_MS: u64 = 5_000;
pub const DEFAULT_MAX_REDIRECTS: u32 = 5;
pub const DEFAULT_MAX_MESSAGE_SIZE: u64 = 64 * 1024 * 1024;
pub const DEFAULT_MAX_LOG_EVENTS: u64 = 1_000_000;
pub const DEFAULT_MAX_LOG_MIB: u64 = 512;
pub const DEFAULT_SCRIPT_TIME_LIMIT_MS: u64 = 1_000;
pub const DEFAULT_SCRIPT_MEMORY_LIMIT_MIB: u64 = 64;
pub const DEFAULT_PONG_TIMEOUT_MS: u64 = 5_000;

impl ConnectionSettings {
    /// The events-log caps: (events, bytes).
    pub fn log_limits(&self) -> (usize, u64) {
        (
            usize::try_from(self.max_log_events).unwrap_or(usize::MAX),
            self.max_log_mib.saturating_mul(1024 * 1024),
        )
    }
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            reconnect_attempts: 0,
            reconnect_interval_ms: DEFAULT_RECONNECT_INTERVAL_MS,
            follow_redirects: true,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            handshake_timeout_ms: DEFAULT_HANDSHAKE_TIMEOUT_MS,
            max_message_size_bytes: DEFAULT_MAX_MESSAGE_SIZE,
            subprotocols: Vec::new(),
            strict_subprotocol: false,
            open_message: String::new(),
            open_message_format: MessageFormat::Text,
            accept_invalid_certs: false,
            ca_cert_path: None,
            client_certificate: super::ClientCertificate::default(),
            max_log_events: DEFAULT_MAX_LOG_EVENTS,
            max_log_mib: DEFAULT_MAX_LOG_MIB,
            script_time_limit_ms: DEFAULT_SCRIPT_TIME_LIMIT_MS,
            script_memory_limit_mib: DEFAULT_SCRIPT_MEMORY_LIMIT_MIB,
            ping_interval_ms: 0,
            pong_timeout_ms: DEFAULT_PONG_TIMEOUT_MS,
            auto_pong: true,
            show_ping_pong: true,
            compression: super::Compression::default(),
            proxy: super::ProxyChoice::Default,
            unknown: super::fields::Unknown::new(),
        }
    }
}

/// How a message body is written in the editor, and so how it goes on the wire:
/// Text/JSON/XML/HTML as a text frame, Hex/Base64 decoded into a binary frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum MessageFormat {
    #[default]
    Text,
    #[serde(rename = "JSON")]
    Json,
    #[serde(rename = "XML")]
    Xml,
    #[serde(rename = "HTML")]
    Html,
    Hex,
    Base64,
}

impl MessageFormat {
    pub const ALL: [MessageFormat; 6] = [
        Self::Text,
        Self::Json,
        Self::Xml,
        Self::Html,
        Self::Hex,
        Self::Base64,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Text => "Text",
            Self::Json => "JSON",
            Self::Xml => "XML",
            Self::Html => "HTML",
            Self::Hex => "Hex",
            Self::Base64 => "Base64",
        }
    }

    /// Hex and Base64 bodies are decoded and sent as binary frames.
    pub fn is_binary(self) -> bool {
        matches!(self, Self::Hex | Self::Base64)
    }
}

/// The message being composed in the editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct MessageDraft {
    pub format: MessageFormat,
    pub body: String,
    /// Socket.IO requests: the event name to emit (the body holds its arguments).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub event: String,
    /// Socket.IO requests: the emit asks for an acknowledgement.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub expect_ack: bool,
}

/// A message kept under a name for reuse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SavedMessage {
    pub name: String,
    pub format: MessageFormat,
    pub body: String,
    /// Socket.IO requests: the event name (the body holds its arguments).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub event: String,
    /// Socket.IO requests: the emit asks for an acknowledgement.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub expect_ack: bool,
}

/// A heartbeat: a message sent again and again while connected. Whether one is running is
/// not saved (a started app never sends by itself); what and how often is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HeartbeatSettings {
    pub interval_ms: u64,
    /// The saved message to repeat, by name; `None` repeats the current draft.
    pub message: Option<String>,
}

pub const DEFAULT_HEARTBEAT_INTERVAL_MS: u64 = 1_000;

impl Default for HeartbeatSettings {
    fn default() -> Self {
        Self {
            interval_ms: DEFAULT_HEARTBEAT_INTERVAL_MS,
            message: None,
        }
    }
}
