//! Real servers for integration tests, on 127.0.0.1 with an OS-chosen port, plus helpers to
//! wait on engine events. Shared by every module of `tests/it` and by `tests/soak.rs`.
//!
//! ```ignore
//! mod support;
//! use support::*;
//! let server = TestServer::start(Behavior::Echo);          // or echo_server()
//! let url = server.url();                                  // "ws://127.0.0.1:PORT/"
//! // ... run the engine or the CLI against `url` ...
//! let seen = server.requests();                            // handshakes the server saw
//! assert_eq!(seen[0].header("x-token"), Some("abc"));
//! ```
//!
//! - [`TestServer::start`] with a [`Behavior`]: echo, close with a code after N messages, drop
//!   TCP after N messages, send a huge message, send a burst, refuse (401/404/...), redirect.
//! - [`TestServer::start_with`] with [`ServerOptions`]: subprotocols it accepts, TLS (a fresh
//!   CA and leaf cert from rcgen; [`TestServer::ca_cert_path`] is the CA's PEM file).
//! - The server records every handshake ([`TestServer::requests`]), every TCP accept time
//!   ([`TestServer::connection_times`]), every message it received ([`TestServer::received`])
//!   and the close codes clients sent ([`TestServer::client_close_codes`]); wait for any of
//!   these with [`TestServer::wait_for`].
//! - [`SilentListener`] accepts TCP and never answers (handshake timeouts).
//! - [`verify_oauth1_hmac`] recomputes an OAuth 1.0a HMAC-SHA1 signature from what the server
//!   received, independently of the engine's code.
//! - [`Events`] wraps an `EventReceiver` with deadline-based waits.
//! - [`peers`]: servers and proxies that are not Rust (python-websockets, ...), as child
//!   processes.

#![allow(dead_code)]

pub mod gui;
pub mod mtls;
pub mod peers;
pub mod proxies;
pub mod socketio;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use wsprobe::engine::{Event, EventKind, EventReceiver, SessionId};

/// The runtime all test servers run on (the engine has its own).
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("test server runtime")
    })
}

/// What a [`TestServer`] does with each connection.
#[derive(Debug, Clone)]
pub enum Behavior {
    /// Echoes text and binary messages.
    Echo,
    /// Echoes `messages` messages, then sends a close frame (0: right after the handshake).
    CloseAfter {
        messages: usize,
        code: u16,
        reason: &'static str,
    },
    /// Echoes `messages` messages, then drops TCP without a close frame (0: at once).
    DropAfter { messages: usize },
    /// Sends one binary message of `size` bytes after the handshake, then echoes.
    SendHuge { size: usize },
    /// Sends `count` text messages ("0", "1", ...) right after the handshake, then echoes.
    Burst { count: usize },
    /// Answers the upgrade with `status` and `body` (401, 404, 500...).
    Refuse { status: u16, body: &'static str },
    /// Answers the upgrade with `status` and `Location: location` (may be relative or point
    /// to another server), except a request for exactly `location` (path and query), which
    /// is served as an echo: so a same-server redirect ends at the echo.
    Redirect { status: u16, location: String },
    /// Answers every upgrade with `302 Location: /loop`: a redirect loop.
    RedirectLoop,
    /// Completes the handshake, then never reads or writes again (holds the socket open):
    /// a client's close frame is never answered.
    Stall,
}

#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub behavior: Behavior,
    /// Subprotocols the server accepts; it picks the first offered one it knows.
    pub subprotocols: Vec<String>,
    /// Serve wss:// with a certificate from a fresh test CA.
    pub tls: bool,
}

impl ServerOptions {
    pub fn new(behavior: Behavior) -> Self {
        Self {
            behavior,
            subprotocols: Vec::new(),
            tls: false,
        }
    }
}

/// One upgrade request as the server received it.
#[derive(Debug, Clone)]
pub struct SeenRequest {
    /// Path and query, e.g. `/feed?x=1`.
    pub uri: String,
    pub headers: Vec<(String, String)>,
}

impl SeenRequest {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One message the server received.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedMessage {
    /// Which connection (0 = the first accepted) it came on.
    pub connection: usize,
    pub text: bool,
    pub data: Bytes,
}

#[derive(Debug, Default)]
pub struct Recorded {
    pub requests: Vec<SeenRequest>,
    pub connection_times: Vec<Instant>,
    pub received: Vec<ReceivedMessage>,
    /// Close codes from clients' close frames (None: a close frame without a code).
    pub client_close_codes: Vec<Option<u16>>,
}

#[derive(Default)]
struct Shared {
    recorded: Mutex<Recorded>,
    changed: Condvar,
}

impl Shared {
    fn update(&self, f: impl FnOnce(&mut Recorded)) {
        let mut recorded = self.recorded.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut recorded);
        self.changed.notify_all();
    }
}

pub struct TestServer {
    pub addr: SocketAddr,
    tls: bool,
    shared: Arc<Shared>,
    ca_dir: Option<tempfile::TempDir>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// An echo server on ws://127.0.0.1:PORT/.
pub fn echo_server() -> TestServer {
    TestServer::start(Behavior::Echo)
}

impl TestServer {
    pub fn start(behavior: Behavior) -> Self {
        Self::start_with(ServerOptions::new(behavior))
    }

    pub fn start_with(options: ServerOptions) -> Self {
        let (std_listener, addr) = bind();
        let shared = Arc::new(Shared::default());
        let (acceptor, ca_dir) = if options.tls {
            let (acceptor, dir) = tls_acceptor();
            (Some(acceptor), Some(dir))
        } else {
            (None, None)
        };
        let tls = options.tls;
        let task_shared = shared.clone();
        let task = runtime().spawn(async move {
            let Ok(listener) = TcpListener::from_std(std_listener) else {
                return;
            };
            let options = Arc::new(options);
            let mut index = 0;
            while let Ok((tcp, _)) = listener.accept().await {
                task_shared.update(|r| r.connection_times.push(Instant::now()));
                let shared = task_shared.clone();
                let options = options.clone();
                let acceptor = acceptor.clone();
                let connection = index;
                index += 1;
                tokio::spawn(async move {
                    let _ = tcp.set_nodelay(true);
                    match acceptor {
                        None => serve(tcp, connection, &options, &shared).await,
                        Some(acceptor) => {
                            if let Ok(tls) = acceptor.accept(tcp).await {
                                serve(tls, connection, &options, &shared).await;
                            }
                        }
                    }
                });
            }
        });
        Self {
            addr,
            tls,
            shared,
            ca_dir,
            task,
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `ws://127.0.0.1:PORT/` (or `wss://localhost:PORT/` for TLS servers).
    pub fn url(&self) -> String {
        self.url_for("/")
    }

    /// The server's URL with this path (and query).
    pub fn url_for(&self, path_and_query: &str) -> String {
        if self.tls {
            format!("wss://localhost:{}{path_and_query}", self.port())
        } else {
            format!("ws://127.0.0.1:{}{path_and_query}", self.port())
        }
    }

    /// The CA certificate (PEM file) that signed a TLS server's certificate.
    pub fn ca_cert_path(&self) -> Option<String> {
        self.ca_dir
            .as_ref()
            .map(|d| d.path().join("ca.pem").to_string_lossy().into_owned())
    }

    pub fn requests(&self) -> Vec<SeenRequest> {
        self.with(|r| r.requests.clone())
    }

    pub fn connection_times(&self) -> Vec<Instant> {
        self.with(|r| r.connection_times.clone())
    }

    pub fn received(&self) -> Vec<ReceivedMessage> {
        self.with(|r| r.received.clone())
    }

    pub fn client_close_codes(&self) -> Vec<Option<u16>> {
        self.with(|r| r.client_close_codes.clone())
    }

    pub fn with<T>(&self, f: impl FnOnce(&Recorded) -> T) -> T {
        f(&self
            .shared
            .recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner()))
    }

    /// Waits until `condition` holds on what the server recorded; false on timeout.
    pub fn wait_for(&self, timeout: Duration, condition: impl Fn(&Recorded) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let mut recorded = self
            .shared
            .recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        loop {
            if condition(&recorded) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            recorded = self
                .shared
                .changed
                .wait_timeout(recorded, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

fn bind() -> (std::net::TcpListener, SocketAddr) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("local addr");
    (listener, addr)
}

async fn serve<S>(stream: S, connection: usize, options: &ServerOptions, shared: &Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let record = shared.clone();
    let behavior = options.behavior.clone();
    let accepted = options.subprotocols.clone();
    // The callback's signature is tungstenite's; its large Err type is not ours to box.
    #[allow(clippy::result_large_err)]
    let callback = move |request: &Request, mut response: Response| {
        let seen = SeenRequest {
            uri: request.uri().to_string(),
            headers: request
                .headers()
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
        };
        let offered: Vec<String> = seen
            .header("sec-websocket-protocol")
            .map(|v| v.split(',').map(|p| p.trim().to_owned()).collect())
            .unwrap_or_default();
        record.update(|r| r.requests.push(seen));
        match &behavior {
            Behavior::Refuse { status, body } => {
                return Err(error_response(*status, body, None));
            }
            Behavior::Redirect { status, location } if request.uri() != location.as_str() => {
                return Err(error_response(*status, "", Some(location)));
            }
            Behavior::RedirectLoop => {
                return Err(error_response(302, "", Some("/loop")));
            }
            _ => {}
        }
        if let Some(pick) = offered.iter().find(|p| accepted.contains(p))
            && let Ok(value) = HeaderValue::from_str(pick)
        {
            response
                .headers_mut()
                .insert("Sec-WebSocket-Protocol", value);
        }
        Ok(response)
    };
    let Ok(mut ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
        return;
    };
    if matches!(options.behavior, Behavior::Stall) {
        std::future::pending::<()>().await;
    }
    let mut count = 0;
    let limit_reached = |count: usize| match options.behavior {
        Behavior::CloseAfter { messages, .. } | Behavior::DropAfter { messages } => {
            count >= messages
        }
        _ => false,
    };
    match &options.behavior {
        Behavior::SendHuge { size } => {
            let _ = ws
                .send(Message::Binary(Bytes::from(vec![b'x'; *size])))
                .await;
        }
        Behavior::Burst { count } => {
            for i in 0..*count {
                if ws.feed(Message::text(i.to_string())).await.is_err() {
                    return;
                }
            }
            let _ = ws.flush().await;
        }
        _ => {}
    }
    loop {
        if limit_reached(count) {
            match options.behavior {
                Behavior::CloseAfter { code, reason, .. } => {
                    let frame = CloseFrame {
                        code: CloseCode::from(code),
                        reason: Utf8Bytes::from_static(reason),
                    };
                    let _ = ws.close(Some(frame)).await;
                    // Wait for the client's reply (the stream ends), then drop.
                    let _ = tokio::time::timeout(Duration::from_secs(2), async {
                        while let Some(Ok(_)) = ws.next().await {}
                    })
                    .await;
                }
                _ => drop(ws),
            }
            return;
        }
        let Some(Ok(message)) = ws.next().await else {
            return;
        };
        match message {
            Message::Text(text) => {
                shared.update(|r| {
                    r.received.push(ReceivedMessage {
                        connection,
                        text: true,
                        data: Bytes::from(text.clone()),
                    })
                });
                count += 1;
                if ws.send(Message::Text(text)).await.is_err() {
                    return;
                }
            }
            Message::Binary(data) => {
                shared.update(|r| {
                    r.received.push(ReceivedMessage {
                        connection,
                        text: false,
                        data: data.clone(),
                    })
                });
                count += 1;
                if ws.send(Message::Binary(data)).await.is_err() {
                    return;
                }
            }
            Message::Close(frame) => {
                shared.update(|r| r.client_close_codes.push(frame.map(|f| u16::from(f.code))));
                // tungstenite answers the close; drive it until the stream ends.
                while let Some(Ok(_)) = ws.next().await {}
                return;
            }
            _ => {}
        }
    }
}

fn error_response(status: u16, body: &str, location: Option<&str>) -> ErrorResponse {
    let mut response = ErrorResponse::new(if body.is_empty() {
        None
    } else {
        Some(body.to_owned())
    });
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    if let Some(location) = location
        && let Ok(value) = HeaderValue::from_str(location)
    {
        response.headers_mut().insert("Location", value);
    }
    response
}

/// A CA and a leaf for `localhost` and `127.0.0.1`; the CA's PEM goes to `dir/ca.pem`.
fn tls_acceptor() -> (tokio_rustls::TlsAcceptor, tempfile::TempDir) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "wsprobe test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("ca key"))
        .expect("ca cert");
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .expect("leaf params")
        .signed_by(&leaf_key, &ca)
        .expect("leaf cert");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("ca.pem"), ca.pem()).expect("write ca.pem");

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("tls versions")
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .expect("server cert");
    (tokio_rustls::TlsAcceptor::from(Arc::new(config)), dir)
}

/// Accepts TCP connections and never answers: for handshake timeouts.
pub struct SilentListener {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl SilentListener {
    pub fn start() -> Self {
        let (std_listener, addr) = bind();
        let task = runtime().spawn(async move {
            let Ok(listener) = TcpListener::from_std(std_listener) else {
                return;
            };
            let mut held: Vec<TcpStream> = Vec::new();
            while let Ok((tcp, _)) = listener.accept().await {
                held.push(tcp);
            }
        });
        Self { addr, task }
    }

    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}/", self.addr.port())
    }
}

impl Drop for SilentListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Recomputes the OAuth 1.0a HMAC-SHA1 signature of a received upgrade GET, written
/// independently of the engine: base URL `http://{Host}{path}` (ws:// signs as http://).
pub fn verify_oauth1_hmac(
    seen: &SeenRequest,
    consumer_secret: &str,
    token_secret: &str,
) -> Result<(), String> {
    use base64::Engine as _;
    use hmac::Mac;
    let header = seen
        .header("authorization")
        .ok_or("no Authorization header")?;
    let rest = header.strip_prefix("OAuth ").ok_or("not an OAuth header")?;
    let mut oauth = BTreeMap::new();
    for part in rest.split(',') {
        let (name, value) = part.trim().split_once('=').ok_or("malformed OAuth param")?;
        let value = value.trim_matches('"');
        let decoded = percent_encoding::percent_decode_str(value)
            .decode_utf8()
            .map_err(|e| e.to_string())?
            .into_owned();
        oauth.insert(name.to_owned(), decoded);
    }
    let signature = oauth
        .remove("oauth_signature")
        .ok_or("no oauth_signature")?;
    oauth.remove("realm");
    for required in [
        "oauth_consumer_key",
        "oauth_nonce",
        "oauth_timestamp",
        "oauth_signature_method",
    ] {
        if !oauth.contains_key(required) {
            return Err(format!("missing {required}"));
        }
    }
    let (path, query) = seen.uri.split_once('?').unwrap_or((&seen.uri, ""));
    let mut params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    params.extend(oauth);
    let mut encoded: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", pct(k), pct(v)))
        .collect();
    encoded.sort();
    let host = seen.header("host").ok_or("no Host")?.to_ascii_lowercase();
    let base = format!(
        "GET&{}&{}",
        pct(&format!("http://{host}{path}")),
        pct(&encoded.join("&"))
    );
    let key = format!("{}&{}", pct(consumer_secret), pct(token_secret));
    let mut mac =
        hmac::Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).map_err(|e| e.to_string())?;
    mac.update(base.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    if expected == signature {
        Ok(())
    } else {
        Err(format!(
            "signature mismatch: got {signature}, expected {expected} for {base}"
        ))
    }
}

/// RFC 5849 §3.6 percent-encoding, byte by byte.
fn pct(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// An engine whose events are read through [`Events`] (no UI to wake).
pub fn engine() -> (wsprobe::engine::Engine, Events) {
    let (engine, rx) = wsprobe::engine::Engine::new(|| {});
    (engine, Events::new(rx))
}

/// A request to `url` with default settings.
pub fn request(url: &str) -> wsprobe::template::ResolvedRequest {
    wsprobe::template::ResolvedRequest::to_url(url).expect("valid test URL")
}

/// Deadline-based waits on an engine's events (never sleeps).
pub struct Events {
    pub rx: EventReceiver,
    /// Every event seen so far, in order.
    pub seen: Vec<Event>,
}

impl Events {
    pub fn new(rx: EventReceiver) -> Self {
        Self {
            rx,
            seen: Vec::new(),
        }
    }

    /// Reads events until one of `session` matches `pred`; returns it. Panics after `timeout`,
    /// listing what was seen.
    pub fn wait(
        &mut self,
        session: SessionId,
        timeout: Duration,
        pred: impl Fn(&EventKind) -> bool,
    ) -> Event {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(event) = self.rx.recv_timeout(left) else {
                panic!(
                    "timed out after {timeout:?} waiting for an event of session {session}; seen:\n{:#?}",
                    self.kinds(session)
                );
            };
            self.seen.push(event.clone());
            if event.session == session && pred(&event.kind) {
                return event;
            }
        }
    }

    /// Waits for the session's Closed event and returns it (code, reason, by).
    pub fn wait_closed(&mut self, session: SessionId, timeout: Duration) -> EventKind {
        self.wait(session, timeout, |k| matches!(k, EventKind::Closed { .. }))
            .kind
    }

    /// Waits for `Connected`; panics (with the events seen) if the session closes first.
    pub fn wait_connected(&mut self, session: SessionId, timeout: Duration) {
        let event = self.wait(session, timeout, |k| {
            matches!(k, EventKind::Connected(_) | EventKind::Closed { .. })
        });
        assert!(
            matches!(event.kind, EventKind::Connected(_)),
            "session {session} closed before connecting: {:#?}",
            self.kinds(session)
        );
    }

    /// The next received message's payload.
    pub fn wait_incoming(&mut self, session: SessionId, timeout: Duration) -> Event {
        self.wait(session, timeout, |k| k.name() == "incoming")
    }

    /// The kinds of the events of `session` seen so far.
    pub fn kinds(&self, session: SessionId) -> Vec<EventKind> {
        self.seen
            .iter()
            .filter(|e| e.session == session)
            .map(|e| e.kind.clone())
            .collect()
    }

    /// The names (`connecting`, `connected`, ...) of the events of `session` seen so far.
    pub fn names(&self, session: SessionId) -> Vec<&'static str> {
        self.seen
            .iter()
            .filter(|e| e.session == session)
            .map(|e| e.kind.name())
            .collect()
    }
}

/// A server that speaks raw TCP: each accepted connection is handed to `handler`, which can
/// answer the upgrade any way it likes (garbage, 200, a wrong accept key) and then write
/// hand-made frames ([`server_frame`]). For hostile-server tests.
pub struct RawServer {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    pub fn start<F, Fut>(handler: F) -> Self
    where
        F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let (std_listener, addr) = bind();
        let task = runtime().spawn(async move {
            let Ok(listener) = TcpListener::from_std(std_listener) else {
                return;
            };
            while let Ok((tcp, _)) = listener.accept().await {
                let _ = tcp.set_nodelay(true);
                tokio::spawn(handler(tcp));
            }
        });
        Self { addr, task }
    }

    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}/", self.addr.port())
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads an HTTP request head (up to the blank line); returns its Sec-WebSocket-Key.
pub async fn read_upgrade_request(tcp: &mut TcpStream) -> Option<String> {
    use tokio::io::AsyncReadExt as _;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if tcp.read(&mut byte).await.ok()? == 0 || head.len() > 64 * 1024 {
            return None;
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head);
    text.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("sec-websocket-key")
            .then(|| value.trim().to_owned())
    })
}

/// The correct `101 Switching Protocols` answer for `key`.
pub fn switching_protocols(key: &str) -> String {
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {accept}\r\n\r\n"
    )
}

/// Reads the upgrade request and answers it correctly; false if the client went away.
pub async fn accept_upgrade(tcp: &mut TcpStream) -> bool {
    use tokio::io::AsyncWriteExt as _;
    let Some(key) = read_upgrade_request(tcp).await else {
        return false;
    };
    tcp.write_all(switching_protocols(&key).as_bytes())
        .await
        .is_ok()
}

/// One unmasked (server-to-client) frame: `first` is the first byte (FIN, RSV and opcode bits,
/// e.g. `0x81` for a final text frame), then the length and `payload`.
pub fn server_frame(first: u8, payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![first];
    match payload.len() {
        n if n < 126 => frame.push(n as u8),
        n if n <= 0xffff => {
            frame.push(126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(payload);
    frame
}

/// A close frame payload: the code, then the reason.
pub fn close_payload(code: u16, reason: &str) -> Vec<u8> {
    let mut payload = code.to_be_bytes().to_vec();
    payload.extend_from_slice(reason.as_bytes());
    payload
}

/// Reads client frames until a close frame arrives (or `timeout`); returns its code
/// (`Some(None)` for a close frame without a code, `None` if none came).
pub async fn read_client_close(tcp: &mut TcpStream, timeout: Duration) -> Option<Option<u16>> {
    use tokio::io::AsyncReadExt as _;
    let work = async {
        loop {
            let mut head = [0u8; 2];
            tcp.read_exact(&mut head).await.ok()?;
            let mut len = u64::from(head[1] & 0x7f);
            if len == 126 {
                let mut ext = [0u8; 2];
                tcp.read_exact(&mut ext).await.ok()?;
                len = u64::from(u16::from_be_bytes(ext));
            } else if len == 127 {
                let mut ext = [0u8; 8];
                tcp.read_exact(&mut ext).await.ok()?;
                len = u64::from_be_bytes(ext);
            }
            let mut mask = [0u8; 4];
            if head[1] & 0x80 != 0 {
                tcp.read_exact(&mut mask).await.ok()?;
            }
            let mut payload = vec![0u8; usize::try_from(len).ok()?];
            tcp.read_exact(&mut payload).await.ok()?;
            for (i, b) in payload.iter_mut().enumerate() {
                *b ^= mask[i % 4];
            }
            if head[0] & 0x0f == 0x8 {
                return Some(
                    (payload.len() >= 2).then(|| u16::from_be_bytes([payload[0], payload[1]])),
                );
            }
        }
    };
    tokio::time::timeout(timeout, work).await.ok().flatten()
}

/// Number of open file descriptors of this process (Linux: entries of /proc/self/fd).
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

/// Resident memory of this process in KiB (Linux: /proc/self/statm, second field).
pub fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4
}
