//! A Socket.IO request's part of resolving: the Engine.IO URL and the CONNECT settings.
//!
//! - The URL bar takes `http(s)://` and `ws(s)://` alike (both become `ws(s)://`). Its path is
//!   the namespace when the namespace setting is left at `/` (as `io("http://host/admin")`
//!   does in socket.io-client); the Engine.IO path comes from the settings (default
//!   `/socket.io/`), and the query gets `EIO=4&transport=websocket` (`EIO=3` for Socket.IO v2
//!   servers) after the user's own params.
//! - The auth payload resolves `<<variables>>` and must be a JSON object (what Socket.IO
//!   servers accept in CONNECT); anything else is a [`TemplateError::Render`] naming it.

use url::Url;

use super::{Resolver, TemplateError};
use crate::model::{EngineIoVersion, SocketIoSettings};

/// The Socket.IO side of a resolved request: what the engine's `socketio` room speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedSocketIo {
    pub version: EngineIoVersion,
    /// `/` or `/name`.
    pub namespace: String,
    /// The CONNECT packet's auth payload: a JSON object's text (Socket.IO v5 only).
    pub auth: Option<String>,
    /// Emits that ask for an acknowledgement give up after this long (0 = never).
    pub ack_timeout_ms: u64,
    /// Acknowledge the server's emits that ask for one at once, with no arguments. A caller
    /// that acks them itself (a script) turns this off.
    pub auto_ack: bool,
}

impl ResolvedSocketIo {
    /// The defaults for `namespace` (Socket.IO v5, no auth, the default ack timeout).
    pub fn new(namespace: &str) -> Self {
        Self {
            version: EngineIoVersion::V4,
            namespace: normalize_namespace(namespace),
            auth: None,
            ack_timeout_ms: crate::model::DEFAULT_ACK_TIMEOUT_MS,
            auto_ack: true,
        }
    }
}

/// `admin`, `/admin/` and ` /admin` are `/admin`; empty is `/`.
pub fn normalize_namespace(namespace: &str) -> String {
    let trimmed = namespace.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_owned()
    } else if trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    }
}

/// Turns the resolved WebSocket URL into the Engine.IO one and resolves the settings.
pub(super) fn resolve(
    resolver: &Resolver,
    settings: &SocketIoSettings,
    url: &mut Url,
) -> Result<ResolvedSocketIo, TemplateError> {
    let mut namespace = normalize_namespace(&resolver.render("namespace", &settings.namespace)?);
    let url_path = url.path().to_owned();
    if namespace == "/" && url_path != "/" && !url_path.is_empty() {
        namespace = normalize_namespace(&url_path);
    }
    let mut path = resolver.render("Socket.IO path", &settings.path)?;
    path = path.trim().to_owned();
    if path.is_empty() {
        path = crate::model::DEFAULT_SOCKETIO_PATH.to_owned();
    }
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    url.set_path(&path);
    let eio = settings.version.eio().to_string();
    // Our pairs replace any the user wrote (a stale EIO=3 in a copied URL).
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "EIO" && k != "transport")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    url.query_pairs_mut()
        .extend_pairs(kept)
        .append_pair("EIO", &eio)
        .append_pair("transport", "websocket");

    let auth_text = resolver.render("Socket.IO auth", &settings.auth)?;
    let auth = if auth_text.trim().is_empty() {
        None
    } else {
        match serde_json::from_str::<serde_json::Value>(&auth_text) {
            Ok(serde_json::Value::Object(map)) => Some(serde_json::Value::Object(map).to_string()),
            Ok(_) => {
                return Err(TemplateError::Render {
                    field: "Socket.IO auth".to_owned(),
                    message: "must be a JSON object, such as {\"token\": \"<<token>>\"}".to_owned(),
                });
            }
            Err(err) => {
                return Err(TemplateError::Render {
                    field: "Socket.IO auth".to_owned(),
                    message: format!("not valid JSON: {err}"),
                });
            }
        }
    };
    Ok(ResolvedSocketIo {
        version: settings.version,
        namespace,
        auth,
        ack_timeout_ms: settings.ack_timeout_ms,
        auto_ack: true,
    })
}
