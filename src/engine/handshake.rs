//! The opening handshake, done by hand so the request is reported exactly as sent.
//!
//! We connect TCP ourselves, add TLS for `wss://` (rustls with the `ring` provider), write the
//! HTTP upgrade request, parse the response with `httparse`, verify it (RFC 6455 §4.1), and hand
//! the stream (plus any bytes read past the response) to our framing (`wire.rs`). Doing the HTTP part
//! ourselves also lets a server that picks no subprotocol be reported instead of failing, and
//! gives us the body of a refusal (401, 404, ...).
//!
//! Redirects (301/302/303/307/308 with `Location`) are followed here. Auth headers (and any
//! user `Authorization`, `Proxy-Authorization` or `Cookie` header) are only sent to the
//! original origin (scheme-equivalent host and port); OAuth is re-signed for every hop's URL.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::MaybeTlsStream;
use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use url::Url;

use rustls::pki_types::ServerName;

use super::auth;
use super::channel::EventSender;
use super::client_cert::TlsFileError;
use super::deflate;
use super::event::{EventKind, HandshakeInfo, REFUSAL_BODY_BYTES, RefusedUpgrade, SessionId};
use super::proxy;
use super::tls::{self, Tls};
use crate::template::ResolvedRequest;

/// The upgraded connection: plain TCP or TLS. Framing is ours (`wire.rs`).
pub(crate) type Socket = MaybeTlsStream<TcpStream>;

/// The response head may not be bigger than this.
const MAX_RESPONSE_HEAD: usize = 64 * 1024;
/// How much of a refusal's body is quoted in the error.
const BODY_SNIPPET: usize = 200;

/// Why the handshake failed: what went wrong (the `Display` text), whether retrying may help,
/// and the underlying error as the `source`, not repeated in the text. The user sees the
/// whole chain (`crate::format::error_chain`), e.g. "could not connect to a:1: Connection refused".
#[derive(Debug, thiserror::Error)]
#[error("{what}")]
pub(crate) struct HandshakeError {
    what: String,
    /// Trying again later may help (network trouble, a refusal, a timeout); not after a bad
    /// CA file or an invalid header, which no reconnect can fix.
    transient: bool,
    #[source]
    cause: Option<Box<dyn std::error::Error + Send + Sync>>,
    /// The server's answer when it refused the upgrade.
    response: Option<Box<RefusedUpgrade>>,
}

impl HandshakeError {
    /// Whether a reconnect may help.
    pub(crate) fn is_transient(&self) -> bool {
        self.transient
    }

    /// The server's answer, when it refused the upgrade (taken once).
    pub(crate) fn take_response(&mut self) -> Option<RefusedUpgrade> {
        self.response.take().map(|refused| *refused)
    }

    /// With the error that caused it.
    fn because(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.cause = Some(Box::new(cause));
        self
    }
}

/// A failure a later attempt may not meet again (the usual kind).
fn transient(what: impl Into<String>) -> HandshakeError {
    HandshakeError {
        what: what.into(),
        transient: true,
        cause: None,
        response: None,
    }
}

/// A failure every attempt would repeat: no reconnects.
fn fatal(what: impl Into<String>) -> HandshakeError {
    HandshakeError {
        transient: false,
        ..transient(what)
    }
}

/// A TLS file (CA, client certificate) that cannot be used: fatal.
impl From<TlsFileError> for HandshakeError {
    fn from(err: TlsFileError) -> Self {
        HandshakeError {
            what: err.what,
            transient: false,
            cause: err.cause,
            response: None,
        }
    }
}

/// A connection the server ended with a TLS alert says so, with what was offered; an alert
/// about the client certificate is fatal (the next attempt would offer the same one).
fn name_alert(err: HandshakeError, tls: Option<&Tls>) -> HandshakeError {
    let Some(alert) = err.cause.as_deref().and_then(|cause| tls::alert_in(cause)) else {
        return err;
    };
    let offered = tls.and_then(|t| t.offered.as_ref());
    let certificate =
        offered.is_some() || matches!(alert, rustls::AlertDescription::CertificateRequired);
    HandshakeError {
        what: format!("{}: {}", err.what, tls::rejected(alert, offered)),
        transient: err.transient && !certificate,
        cause: None,
        response: err.response,
    }
}

pub(crate) struct Established {
    pub socket: Socket,
    /// Bytes the server sent right after its 101 response (already frames).
    pub tail: Vec<u8>,
    pub info: HandshakeInfo,
}

/// Runs the whole handshake (all hops) within the request's handshake timeout.
pub(crate) async fn establish(
    request: &ResolvedRequest,
    session: SessionId,
    events: &EventSender,
) -> Result<Established, HandshakeError> {
    let timeout_ms = request.settings.handshake_timeout_ms;
    let work = follow_redirects(request, session, events);
    if timeout_ms == 0 {
        return work.await;
    }
    match tokio::time::timeout(Duration::from_millis(timeout_ms), work).await {
        Ok(result) => result,
        Err(_) => Err(transient(format!(
            "handshake timed out after {}",
            crate::format::human_millis(timeout_ms)
        ))),
    }
}

async fn follow_redirects(
    request: &ResolvedRequest,
    session: SessionId,
    events: &EventSender,
) -> Result<Established, HandshakeError> {
    let settings = &request.settings;
    deflate::check_settings(&settings.compression).map_err(fatal)?;
    let tls = if request.url.scheme() == "wss" {
        Some(tls::setup(settings)?)
    } else {
        None
    };
    let mut url = request.url.clone();
    let mut followed = 0;
    loop {
        let same_origin = origin(&url) == origin(&request.url);
        let tls = match (&tls, url.scheme()) {
            (Some(tls), _) => Some(tls.clone()),
            // A ws:// URL redirected to wss://: build the TLS setup now.
            (None, "wss") => Some(tls::setup(settings)?),
            (None, _) => None,
        };
        let hopped = hop(request, &url, same_origin, tls.clone()).await;
        match hopped.map_err(|err| name_alert(err, tls.as_ref()))? {
            Hop::Upgraded(established) => return Ok(*established),
            Hop::Redirect { status, location } => {
                if !settings.follow_redirects {
                    return Err(transient(format!(
                        "server redirected ({status}) to {location}; following redirects is off"
                    )));
                }
                if followed >= settings.max_redirects {
                    return Err(transient(format!(
                        "too many redirects ({}): the last was {status} to {location}",
                        settings.max_redirects
                    )));
                }
                url = resolve_location(&url, &location)?;
                followed += 1;
                events.emit(
                    session,
                    EventKind::Redirected {
                        status,
                        location: url.to_string(),
                    },
                );
            }
        }
    }
}

/// `Location` relative to `current`, with http(s) mapped to ws(s).
fn resolve_location(current: &Url, location: &str) -> Result<Url, HandshakeError> {
    let mut next = current
        .join(location)
        .map_err(|err| transient(format!("invalid redirect Location `{location}`")).because(err))?;
    let scheme = match next.scheme() {
        "http" | "ws" => "ws",
        "https" | "wss" => "wss",
        other => {
            return Err(transient(format!(
                "redirect to unsupported scheme `{other}://` ({location})"
            )));
        }
    };
    if next.scheme() != scheme {
        // The url crate refuses some scheme changes in place; rebuild the string instead.
        let rest = &next.as_str()[next.scheme().len()..];
        next = Url::parse(&format!("{scheme}{rest}")).map_err(|err| {
            transient(format!("invalid redirect Location `{location}`")).because(err)
        })?;
    }
    next.set_fragment(None);
    Ok(next)
}

/// Scheme family, host and port: where credentials may go.
fn origin(url: &Url) -> (bool, Option<String>, Option<u16>) {
    (
        matches!(url.scheme(), "wss" | "https"),
        url.host_str().map(str::to_ascii_lowercase),
        url.port_or_known_default(),
    )
}

enum Hop {
    Upgraded(Box<Established>),
    Redirect { status: u16, location: String },
}

async fn hop(
    request: &ResolvedRequest,
    url: &Url,
    same_origin: bool,
    tls: Option<Tls>,
) -> Result<Hop, HandshakeError> {
    let started = Instant::now();
    let host = url
        .host_str()
        .ok_or_else(|| fatal(format!("`{url}` has no host")))?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| fatal(format!("`{url}` has no port")))?;
    let via = proxy::choose(&request.settings.proxy, url).map_err(fatal)?;
    let (tcp, proxy_hop) = match &via {
        Some(via) => {
            let (tcp, hop) = proxy::connect(via, host, port).await.map_err(transient)?;
            (tcp, Some(hop))
        }
        // `host_str` keeps IPv6 brackets, which is what "host:port" lookup expects.
        None => (
            TcpStream::connect(format!("{host}:{port}"))
                .await
                .map_err(|err| {
                    transient(format!("could not connect to {host}:{port}")).because(err)
                })?,
            None,
        ),
    };
    // Latency matters more than throughput for an interactive tester.
    let _ = tcp.set_nodelay(true);

    let client_certificate = tls.as_ref().and_then(|t| t.offered.clone());
    let (mut stream, tls_version) = match tls {
        None => (MaybeTlsStream::Plain(tcp), None),
        Some(Tls { connector, .. }) => {
            let name = match url.host() {
                Some(url::Host::Ipv4(ip)) => ServerName::from(std::net::IpAddr::V4(ip)),
                Some(url::Host::Ipv6(ip)) => ServerName::from(std::net::IpAddr::V6(ip)),
                _ => ServerName::try_from(host.to_owned()).map_err(|err| {
                    fatal(format!("invalid TLS server name `{host}`")).because(err)
                })?,
            };
            let tls = connector.connect(name, tcp).await.map_err(|err| {
                transient(format!("TLS handshake with {host}:{port} failed")).because(err)
            })?;
            let version = tls.get_ref().1.protocol_version().map(|v| match v {
                rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_owned(),
                rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_owned(),
                other => format!("{other:?}"),
            });
            (MaybeTlsStream::Rustls(tls), version)
        }
    };

    let key = generate_key();
    let headers = request_headers(request, url, same_origin, &key);
    let path = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let request_line = format!("GET {path} HTTP/1.1");
    let mut head = format!("{request_line}\r\n");
    for (name, value) in &headers {
        if value.contains(['\r', '\n']) || name.contains(['\r', '\n', ':']) {
            return Err(fatal(format!("header `{name}` contains a line break")));
        }
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(|err| transient("sending the upgrade request failed").because(err))?;
    stream
        .flush()
        .await
        .map_err(|err| transient("sending the upgrade request failed").because(err))?;

    let (response, mut buffer) = read_response_head(&mut stream).await?;
    let status = response.status;
    if status == 101 {
        let subprotocol = verify_upgrade(&response, &key, &request.settings.subprotocols)?;
        let extensions = response
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("sec-websocket-extensions"))
            .map(|(_, value)| value.as_str());
        let compression =
            deflate::negotiate(&request.settings.compression, extensions).map_err(transient)?;
        let tail = buffer.split_off(response.head_len);
        let info = HandshakeInfo {
            url: url.to_string(),
            request_line,
            request_headers: headers,
            status,
            response_headers: response.headers,
            subprotocol,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            tls_version,
            compression,
            proxy: proxy_hop,
            client_certificate,
        };
        return Ok(Hop::Upgraded(Box::new(Established {
            socket: stream,
            tail,
            info,
        })));
    }
    if matches!(status, 301 | 302 | 303 | 307 | 308)
        && let Some(location) = response.header("location")
    {
        return Ok(Hop::Redirect {
            status,
            location: location.to_owned(),
        });
    }
    let (body, body_truncated) =
        read_body_start(&mut stream, &response, buffer.split_off(response.head_len)).await;
    let mut message = format!("server refused the upgrade: {status}");
    if !response.reason.is_empty() {
        message.push(' ');
        message.push_str(&response.reason);
    }
    let quoted = snippet(&body);
    if !quoted.is_empty() {
        message.push_str(": ");
        message.push_str(&quoted);
    }
    let refused = RefusedUpgrade {
        info: HandshakeInfo {
            url: url.to_string(),
            request_line,
            request_headers: headers,
            status,
            response_headers: response.headers,
            subprotocol: None,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            tls_version,
            compression: None,
            proxy: proxy_hop,
            client_certificate,
        },
        reason: response.reason,
        body: body.into(),
        body_truncated,
    };
    let mut err = transient(message);
    err.response = Some(Box::new(refused));
    Err(err)
}

/// Host, the WebSocket headers, subprotocols, the user's headers, then auth.
fn request_headers(
    request: &ResolvedRequest,
    url: &Url,
    same_origin: bool,
    key: &str,
) -> Vec<(String, String)> {
    let host = url.host_str().unwrap_or_default();
    let host = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let mut headers: Vec<(String, String)> = vec![
        ("Host".into(), host),
        ("Connection".into(), "Upgrade".into()),
        ("Upgrade".into(), "websocket".into()),
        ("Sec-WebSocket-Version".into(), "13".into()),
        ("Sec-WebSocket-Key".into(), key.to_owned()),
    ];
    if !request.settings.subprotocols.is_empty() {
        headers.push((
            "Sec-WebSocket-Protocol".into(),
            request.settings.subprotocols.join(", "),
        ));
    }
    if let Some(offer) = deflate::offer(&request.settings.compression) {
        headers.push(("Sec-WebSocket-Extensions".into(), offer));
    }
    const CREDENTIALS: [&str; 3] = ["authorization", "proxy-authorization", "cookie"];
    // The key and version make the upgrade work; a user header may not replace them.
    const FIXED: [&str; 2] = ["sec-websocket-key", "sec-websocket-version"];
    for (name, value) in &request.headers {
        let lower = name.to_ascii_lowercase();
        if FIXED.contains(&lower.as_str())
            || (!same_origin && CREDENTIALS.contains(&lower.as_str()))
        {
            continue;
        }
        // A user header replaces one we generated (Host, Origin...), else it is added.
        match headers
            .iter_mut()
            .find(|(existing, _)| existing.eq_ignore_ascii_case(name))
        {
            Some(slot)
                if ["host", "connection", "upgrade", "sec-websocket-protocol"]
                    .contains(&lower.as_str()) =>
            {
                slot.1 = value.clone()
            }
            _ => headers.push((name.clone(), value.clone())),
        }
    }
    if same_origin && let Some(value) = auth::authorization_header(&request.auth, url) {
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
        headers.push(("Authorization".into(), value));
    }
    headers
}

struct ResponseHead {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    head_len: usize,
}

impl ResponseHead {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

async fn read_response_head(
    stream: &mut MaybeTlsStream<TcpStream>,
) -> Result<(ResponseHead, Vec<u8>), HandshakeError> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|err| transient("reading the upgrade response failed").because(err))?;
        if n == 0 {
            return Err(transient(if buffer.is_empty() {
                "the server closed the connection without answering the upgrade request"
            } else {
                "the server closed the connection in the middle of its upgrade response"
            }));
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(head) = parse_response_head(&buffer)? {
            return Ok((head, buffer));
        }
    }
}

/// Parses the response head at the start of `buffer`: `None` while it is incomplete (and
/// under [`MAX_RESPONSE_HEAD`]). Whatever the server sent, this never panics.
fn parse_response_head(buffer: &[u8]) -> Result<Option<ResponseHead>, HandshakeError> {
    let mut slots = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Response::new(&mut slots);
    match parsed.parse(buffer) {
        Ok(httparse::Status::Complete(head_len)) => Ok(Some(ResponseHead {
            status: parsed.code.unwrap_or(0),
            reason: parsed.reason.unwrap_or_default().to_owned(),
            headers: parsed
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_owned(),
                        String::from_utf8_lossy(h.value).into_owned(),
                    )
                })
                .collect(),
            head_len,
        })),
        Ok(httparse::Status::Partial) if buffer.len() < MAX_RESPONSE_HEAD => Ok(None),
        Ok(httparse::Status::Partial) => Err(transient(format!(
            "the server's upgrade response head is larger than {MAX_RESPONSE_HEAD} bytes"
        ))),
        Err(err) => Err(transient(format!(
            "the server's answer is not a valid HTTP response ({err}): {}",
            snippet(buffer)
        ))),
    }
}

/// The start of a refusal's body (at most [`REFUSAL_BODY_BYTES`]): what is buffered plus a
/// brief wait for more; and whether the body is longer than that.
async fn read_body_start(
    stream: &mut MaybeTlsStream<TcpStream>,
    response: &ResponseHead,
    mut body: Vec<u8>,
) -> (Vec<u8>, bool) {
    let length = response
        .header("content-length")
        .and_then(|v| v.trim().parse::<usize>().ok());
    let expected = length.unwrap_or(0).min(REFUSAL_BODY_BYTES);
    let deadline = Instant::now() + Duration::from_millis(300);
    let mut chunk = [0u8; 512];
    while body.len() < expected {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => body.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    let truncated =
        body.len() > REFUSAL_BODY_BYTES || length.is_some_and(|n| n > REFUSAL_BODY_BYTES);
    body.truncate(REFUSAL_BODY_BYTES);
    (body, truncated)
}

fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(BODY_SNIPPET)]);
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = one_line.trim();
    if bytes.len() > BODY_SNIPPET {
        format!("{trimmed}…")
    } else {
        trimmed.to_owned()
    }
}

/// RFC 6455 §4.1 checks on a 101; returns the chosen subprotocol.
fn verify_upgrade(
    response: &ResponseHead,
    key: &str,
    offered: &[String],
) -> Result<Option<String>, HandshakeError> {
    let has_token = |name: &str, token: &str| {
        response.headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case(name)
                && v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token))
        })
    };
    if !has_token("upgrade", "websocket") {
        return Err(transient(
            "the server's 101 response lacks `Upgrade: websocket`",
        ));
    }
    if !has_token("connection", "upgrade") {
        return Err(transient(
            "the server's 101 response lacks `Connection: Upgrade`",
        ));
    }
    let expected = derive_accept_key(key.as_bytes());
    match response.header("sec-websocket-accept") {
        Some(accept) if accept.trim() == expected => {}
        Some(accept) => {
            return Err(transient(format!(
                "wrong Sec-WebSocket-Accept from the server: `{accept}` (expected `{expected}`)"
            )));
        }
        None => {
            return Err(transient(
                "the server's 101 response lacks Sec-WebSocket-Accept",
            ));
        }
    }
    match response.header("sec-websocket-protocol").map(str::trim) {
        None | Some("") => Ok(None),
        Some(chosen) if offered.iter().any(|p| p == chosen) => Ok(Some(chosen.to_owned())),
        Some(chosen) if offered.is_empty() => Err(transient(format!(
            "the server chose subprotocol `{chosen}` but none was offered"
        ))),
        Some(chosen) => Err(transient(format!(
            "the server chose subprotocol `{chosen}`, which was not offered (offered: {})",
            offered.join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_relative_and_map_schemes() {
        let base = Url::parse("ws://a:1/x/y?q=1").unwrap();
        assert_eq!(
            resolve_location(&base, "/z").unwrap().as_str(),
            "ws://a:1/z"
        );
        assert_eq!(
            resolve_location(&base, "z").unwrap().as_str(),
            "ws://a:1/x/z"
        );
        assert_eq!(
            resolve_location(&base, "https://b/s#f").unwrap().as_str(),
            "wss://b/s"
        );
        assert_eq!(
            resolve_location(&base, "http://b:8/s").unwrap().as_str(),
            "ws://b:8/s"
        );
        assert!(resolve_location(&base, "ftp://b/").is_err());
    }

    #[test]
    fn credentials_stay_with_the_origin() {
        let mut request = ResolvedRequest::to_url("ws://a:1/").unwrap();
        request.auth = crate::model::Auth::Bearer { token: "t".into() };
        request.headers = vec![
            ("X-Custom".into(), "1".into()),
            ("Cookie".into(), "c=1".into()),
            ("Host".into(), "override".into()),
        ];
        let url = request.url.clone();
        let same = request_headers(&request, &url, true, "k");
        assert!(same.contains(&("Authorization".into(), "Bearer t".into())));
        assert!(same.contains(&("Cookie".into(), "c=1".into())));
        assert_eq!(same[0], ("Host".into(), "override".into()));
        let other = request_headers(&request, &url, false, "k");
        assert!(
            other
                .iter()
                .all(|(n, _)| n != "Authorization" && n != "Cookie")
        );
        assert!(other.contains(&("X-Custom".into(), "1".into())));
        assert_ne!(
            origin(&Url::parse("ws://a:1/").unwrap()),
            origin(&Url::parse("ws://a:2/").unwrap())
        );
        assert_eq!(
            origin(&Url::parse("wss://a/").unwrap()),
            origin(&Url::parse("wss://A:443/x").unwrap())
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn the_response_head_parser_never_panics_on_any_prefix(
                bytes in prop::collection::vec(any::<u8>(), 0..400),
            ) {
                for end in 0..=bytes.len() {
                    if let Ok(Some(head)) = parse_response_head(&bytes[..end]) {
                        prop_assert!(head.head_len <= end);
                    }
                }
            }

            #[test]
            fn a_valid_head_parses_back_at_any_split(
                status in 100u16..600,
                headers in prop::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,20}", "[ -~]{0,40}"), 0..10),
                tail in prop::collection::vec(any::<u8>(), 0..20),
            ) {
                let mut head = format!("HTTP/1.1 {status} Whatever\r\n");
                for (name, value) in &headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                let mut wire = head.clone().into_bytes();
                wire.extend_from_slice(&tail);
                for end in 0..head.len() {
                    prop_assert!(matches!(parse_response_head(&wire[..end]), Ok(None)));
                }
                let parsed = parse_response_head(&wire).unwrap().unwrap();
                prop_assert_eq!(parsed.status, status);
                prop_assert_eq!(parsed.head_len, head.len());
                let expected: Vec<(String, String)> = headers
                    .iter()
                    .map(|(n, v)| (n.clone(), v.trim().to_owned()))
                    .collect();
                prop_assert_eq!(parsed.headers, expected);
            }
        }
    }
}
