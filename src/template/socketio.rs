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
    let mut path = resolver.render("Socket.IO path", &settings.path)?;
    path = path.trim().to_owned();
    if path.is_empty() {
        path = crate::model::DEFAULT_SOCKETIO_PATH.to_owned();
    }
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    let mut namespace = normalize_namespace(&resolver.render("namespace", &settings.namespace)?);
    let url_path = normalize_namespace(url.path());
    // A pasted Engine.IO URL (`.../socket.io/?EIO=4...`) names no namespace.
    if namespace == "/" && url_path != normalize_namespace(&path) {
        namespace = url_path;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{KeyValue, RequestKind, SavedRequest, Variable};

    fn socketio_request(url: &str) -> SavedRequest {
        let mut request = SavedRequest::new("sio", url);
        request.kind = RequestKind::SocketIo;
        request
    }

    fn resolver() -> Resolver {
        Resolver::new(&[
            Variable::new("token", "s3cret"),
            Variable::new("ns", "chat"),
        ])
    }

    #[test]
    fn the_engine_io_url_from_http_and_ws_urls() {
        let r = resolver();
        let resolved = r
            .resolve_request(&socketio_request("http://127.0.0.1:3000"))
            .unwrap();
        assert_eq!(
            resolved.url.as_str(),
            "ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket"
        );
        assert_eq!(resolved.socketio, Some(ResolvedSocketIo::new("/")));

        let mut request = socketio_request("wss://h/admin?room=1&EIO=3");
        request.params.push(KeyValue::new("x", "<<token>>"));
        request.socketio.version = EngineIoVersion::V3;
        request.socketio.path = "io".into();
        let resolved = r.resolve_request(&request).unwrap();
        assert_eq!(
            resolved.url.as_str(),
            "wss://h/io?room=1&x=s3cret&EIO=3&transport=websocket"
        );
        let sio = resolved.socketio.unwrap();
        assert_eq!(sio.namespace, "/admin", "the URL's path is the namespace");
        assert_eq!(sio.version, EngineIoVersion::V3);

        let pasted = socketio_request("ws://h/socket.io/?EIO=4&transport=websocket");
        let resolved = r.resolve_request(&pasted).unwrap();
        assert_eq!(
            resolved.url.as_str(),
            "ws://h/socket.io/?EIO=4&transport=websocket"
        );
        assert_eq!(resolved.socketio.unwrap().namespace, "/");

        // A WebSocket request is left alone.
        let plain = r
            .resolve_request(&SavedRequest::new("ws", "ws://h/a"))
            .unwrap();
        assert_eq!((plain.url.as_str(), plain.socketio), ("ws://h/a", None));
    }

    #[test]
    fn namespace_and_auth_resolve_variables() {
        let mut request = socketio_request("http://h:1/ignored");
        request.socketio.namespace = "<<ns>>/".into();
        request.socketio.auth = r#"{"token": "<<token>>"}"#.into();
        let sio = resolver()
            .resolve_request(&request)
            .unwrap()
            .socketio
            .unwrap();
        assert_eq!(sio.namespace, "/chat");
        assert_eq!(sio.auth.as_deref(), Some(r#"{"token":"s3cret"}"#));
    }

    #[test]
    fn auth_must_be_a_json_object() {
        for (auth, needle) in [
            ("[1]", "must be a JSON object"),
            ("{\"a\":", "not valid JSON"),
            ("<<missing>>", "missing"),
        ] {
            let mut request = socketio_request("http://h:1");
            request.socketio.auth = auth.into();
            let err = resolver()
                .resolve_request(&request)
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{auth}: {err}");
        }
    }

    #[test]
    fn namespaces_are_normalized() {
        assert_eq!(normalize_namespace(""), "/");
        assert_eq!(normalize_namespace(" admin/ "), "/admin");
        assert_eq!(normalize_namespace("/a/b"), "/a/b");
    }
}
