//! Proxies: HTTP CONNECT (with optional Basic proxy auth) and SOCKS5 (with optional
//! username/password; `socks5h://` lets the proxy resolve the name, `socks5://` resolves it
//! here), for ws:// and wss:// alike (TLS runs inside the tunnel).
//!
//! Contract:
//! - [`choose`] picks the proxy for one hop's URL: the request's own ([`ProxyChoice`]), or
//!   with `Default` the environment's, read as curl reads it: `https_proxy`/`HTTPS_PROXY` for
//!   wss, `http_proxy`/`HTTP_PROXY` for ws, then `all_proxy`/`ALL_PROXY`; `no_proxy`/
//!   `NO_PROXY` (comma-separated host suffixes, IP addresses, or `*`) exempts hosts. The
//!   lower-case name wins when both are set.
//! - [`connect`] opens TCP to the proxy and asks it for a tunnel to the target; it returns the
//!   stream and a [`ProxyHop`] (the proxy's answer and the time it took) for the timeline.
//! - Errors name the proxy (credentials masked) and its answer: an unreachable proxy is
//!   "could not connect to the proxy …", never confused with the target; a 407 quotes its
//!   Proxy-Authenticate; SOCKS failures quote the reply.
//! - Credentials go to the proxy only (Proxy-Authorization or the SOCKS sub-negotiation),
//!   never to the target, and are shown as `***`.
//! - The reply parsers ([`parse_connect_reply`], [`parse_socks_reply`]) never read past what
//!   they need (the tunnel's first bytes belong to the target) and never panic.

use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use url::Url;

use crate::model::ProxyChoice;

/// How the tunnel is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Http,
    /// `remote_dns`: socks5h (the proxy resolves the target's name).
    Socks5 {
        remote_dns: bool,
    },
}

/// A parsed proxy URL.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Proxy {
    pub kind: Kind,
    pub host: String,
    pub port: u16,
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown())
    }
}

/// What the timeline shows of the proxy hop.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProxyHop {
    /// The proxy's URL, credentials masked: `http://user:***@127.0.0.1:3128`.
    pub proxy: String,
    /// Its answer: the CONNECT status line, or the SOCKS reply.
    pub answer: String,
    /// TCP connect to the proxy plus the tunnel request, in milliseconds.
    pub elapsed_ms: u64,
}

impl Proxy {
    /// The URL as users see it, the password masked.
    pub(crate) fn shown(&self) -> String {
        let scheme = match self.kind {
            Kind::Http => "http",
            Kind::Socks5 { remote_dns: false } => "socks5",
            Kind::Socks5 { remote_dns: true } => "socks5h",
        };
        let user = match &self.credentials {
            Some((user, _)) => format!("{user}:***@"),
            None => String::new(),
        };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!("{scheme}://{user}{host}:{}", self.port)
    }
}

/// Parses `http://[user:pass@]host[:port]`, `socks5://…` or `socks5h://…` (no scheme means
/// http, as in curl). Errors never quote the password.
pub(crate) fn parse(text: &str) -> Result<Proxy, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the proxy URL is empty".to_owned());
    }
    let with_scheme = if text.contains("://") {
        text.to_owned()
    } else {
        format!("http://{text}")
    };
    let url = Url::parse(&with_scheme)
        .map_err(|err| format!("invalid proxy URL `{}`: {err}", mask_password(&with_scheme)))?;
    let (kind, default_port) = match url.scheme() {
        "http" => (Kind::Http, 80),
        "socks5" => (Kind::Socks5 { remote_dns: false }, 1080),
        "socks5h" => (Kind::Socks5 { remote_dns: true }, 1080),
        other => {
            return Err(format!(
                "unsupported proxy scheme `{other}://` (use http://, socks5:// or socks5h://)"
            ));
        }
    };
    let host = match url.host() {
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        Some(host) => host.to_string(),
        None => return Err(format!("the proxy URL `{}` has no host", url.scheme())),
    };
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let credentials = (!url.username().is_empty()).then(|| {
        (
            decode(url.username()),
            decode(url.password().unwrap_or_default()),
        )
    });
    Ok(Proxy {
        kind,
        host,
        port: url.port().unwrap_or(default_port),
        credentials,
    })
}

/// `scheme://user:***@rest`, by hand: it must work on URLs that do not parse.
fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// The proxy for one hop to `target`, or `None` to go direct.
pub(crate) fn choose(choice: &ProxyChoice, target: &Url) -> Result<Option<Proxy>, String> {
    match choice {
        ProxyChoice::None => Ok(None),
        ProxyChoice::Custom { url } => parse(url).map(Some),
        ProxyChoice::Default => from_env(target, |name| std::env::var(name).ok()),
    }
}

/// The system convention, with `var` reading the environment (a parameter for the tests).
pub(crate) fn from_env(
    target: &Url,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Option<Proxy>, String> {
    let get = |lower: &str, upper: &str| {
        var(lower)
            .filter(|v| !v.trim().is_empty())
            .or_else(|| var(upper).filter(|v| !v.trim().is_empty()))
    };
    let host = target.host_str().unwrap_or_default();
    if let Some(no_proxy) = get("no_proxy", "NO_PROXY")
        && exempt(&no_proxy, host)
    {
        return Ok(None);
    }
    let specific = if matches!(target.scheme(), "wss" | "https") {
        get("https_proxy", "HTTPS_PROXY")
    } else {
        get("http_proxy", "HTTP_PROXY")
    };
    match specific.or_else(|| get("all_proxy", "ALL_PROXY")) {
        Some(url) => parse(&url)
            .map(Some)
            .map_err(|err| format!("{err} (from the environment)")),
        None => Ok(None),
    }
}

/// Whether `NO_PROXY` exempts `host`: `*`, the host itself, a domain it is under (with or
/// without a leading dot), or its IP address.
pub(crate) fn exempt(no_proxy: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    no_proxy.split(',').map(str::trim).any(|entry| {
        let entry = entry
            .trim_start_matches('.')
            .trim_start_matches("*.")
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        entry == "*"
            || (!entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}"))))
    })
}

/// Connects to `proxy` and asks it for a tunnel to `host:port`.
pub(crate) async fn connect(
    proxy: &Proxy,
    host: &str,
    port: u16,
) -> Result<(TcpStream, ProxyHop), String> {
    let started = Instant::now();
    let shown = proxy.shown();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let mut tcp = TcpStream::connect((proxy.host.as_str(), proxy.port))
        .await
        .map_err(|err| {
            format!("could not connect to the proxy {shown} (proxy unreachable: {err})")
        })?;
    let _ = tcp.set_nodelay(true);
    let answer = match proxy.kind {
        Kind::Http => http_connect(&mut tcp, proxy, host, port).await,
        Kind::Socks5 { remote_dns } => {
            socks5_connect(&mut tcp, proxy, host, port, remote_dns).await
        }
    }
    .map_err(|err| format!("proxy {shown}: {err}"))?;
    let hop = ProxyHop {
        proxy: shown,
        answer,
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    };
    Ok((tcp, hop))
}

/// The most of a CONNECT reply head we read.
const MAX_CONNECT_REPLY: usize = 16 * 1024;

/// A proxy's answer to CONNECT.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ConnectReply {
    pub status: u16,
    /// e.g. `HTTP/1.1 200 Connection established`
    pub status_line: String,
    pub proxy_authenticate: Vec<String>,
}

/// Parses a complete reply head (`Ok(None)` while it is incomplete).
pub(crate) fn parse_connect_reply(head: &[u8]) -> Result<Option<ConnectReply>, String> {
    let mut slots = [httparse::EMPTY_HEADER; 32];
    let mut parsed = httparse::Response::new(&mut slots);
    match parsed.parse(head) {
        Ok(httparse::Status::Complete(_)) => {
            let status = parsed.code.unwrap_or(0);
            let reason = parsed.reason.unwrap_or_default();
            let version = parsed.version.unwrap_or(1);
            Ok(Some(ConnectReply {
                status,
                status_line: format!("HTTP/1.{version} {status} {reason}")
                    .trim_end()
                    .to_owned(),
                proxy_authenticate: parsed
                    .headers
                    .iter()
                    .filter(|h| h.name.eq_ignore_ascii_case("proxy-authenticate"))
                    .map(|h| String::from_utf8_lossy(h.value).into_owned())
                    .collect(),
            }))
        }
        Ok(httparse::Status::Partial) => Ok(None),
        Err(err) => Err(format!("its answer to CONNECT is not HTTP ({err})")),
    }
}

async fn http_connect(
    tcp: &mut TcpStream,
    proxy: &Proxy,
    host: &str,
    port: u16,
) -> Result<String, String> {
    use base64::Engine as _;
    let authority = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some((user, pass)) = &proxy.credentials {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
        request.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    request.push_str("\r\n");
    tcp.write_all(request.as_bytes())
        .await
        .map_err(|err| format!("sending CONNECT failed: {err}"))?;
    // Byte by byte up to the blank line: what follows it is the target's.
    let mut head = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    let reply = loop {
        let n = tcp
            .read(&mut byte)
            .await
            .map_err(|err| format!("reading its answer to CONNECT failed: {err}"))?;
        if n == 0 {
            return Err("it closed the connection without answering CONNECT".to_owned());
        }
        head.push(byte[0]);
        if head.ends_with(b"\r\n\r\n") {
            match parse_connect_reply(&head)? {
                Some(reply) => break reply,
                None => return Err("its answer to CONNECT is not HTTP".to_owned()),
            }
        }
        if head.len() > MAX_CONNECT_REPLY {
            return Err(format!(
                "its answer to CONNECT is over {MAX_CONNECT_REPLY} bytes"
            ));
        }
    };
    match reply.status {
        200..=299 => Ok(reply.status_line),
        // 407 is the rule; tinyproxy answers wrong credentials with 401.
        401 | 407 => {
            let asked = if reply.proxy_authenticate.is_empty() {
                String::new()
            } else {
                format!(
                    "; Proxy-Authenticate: {}",
                    reply.proxy_authenticate.join(", ")
                )
            };
            let what = if proxy.credentials.is_some() {
                "rejected the credentials"
            } else {
                "requires authentication"
            };
            Err(format!("{what} ({}{asked})", reply.status_line))
        }
        _ => Err(format!(
            "refused the tunnel to {authority} ({})",
            reply.status_line
        )),
    }
}

/// A SOCKS5 server's reply to CONNECT.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SocksReply {
    pub code: u8,
    /// The address it bound, as text.
    pub bound: String,
}

/// What a SOCKS5 reply code means (RFC 1928 §6).
pub(crate) fn socks_meaning(code: u8) -> &'static str {
    match code {
        0 => "succeeded",
        1 => "general SOCKS server failure",
        2 => "connection not allowed by ruleset",
        3 => "network unreachable",
        4 => "host unreachable",
        5 => "connection refused",
        6 => "TTL expired",
        7 => "command not supported",
        8 => "address type not supported",
        _ => "unassigned reply code",
    }
}

/// How many bytes the reply starting with `head` takes (`None` until its first 5 bytes are
/// there), or why it is not a SOCKS5 reply.
pub(crate) fn socks_reply_len(head: &[u8]) -> Result<Option<usize>, String> {
    let [version, _, _, atyp, first, ..] = *head else {
        return Ok(None);
    };
    if version != 5 {
        return Err(format!("its reply is not SOCKS5 (version byte {version})"));
    }
    let addr = match atyp {
        1 => 4,
        3 => 1 + usize::from(first),
        4 => 16,
        other => return Err(format!("its reply has an unknown address type {other}")),
    };
    Ok(Some(4 + addr + 2))
}

/// Parses a complete SOCKS5 reply (`Ok(None)` while it is incomplete).
pub(crate) fn parse_socks_reply(reply: &[u8]) -> Result<Option<SocksReply>, String> {
    let Some(len) = socks_reply_len(reply)? else {
        return Ok(None);
    };
    if reply.len() < len {
        return Ok(None);
    }
    let port = u16::from_be_bytes([reply[len - 2], reply[len - 1]]);
    let addr = &reply[4..len - 2];
    let host = match reply[3] {
        1 => std::net::Ipv4Addr::new(addr[0], addr[1], addr[2], addr[3]).to_string(),
        4 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(addr);
            format!("[{}]", std::net::Ipv6Addr::from(octets))
        }
        _ => String::from_utf8_lossy(&addr[1..]).into_owned(),
    };
    Ok(Some(SocksReply {
        code: reply[1],
        bound: format!("{host}:{port}"),
    }))
}

async fn read_exactly(tcp: &mut TcpStream, buf: &mut [u8], what: &str) -> Result<(), String> {
    tcp.read_exact(buf)
        .await
        .map(|_| ())
        .map_err(|err| format!("reading its {what} failed: {err}"))
}

async fn socks5_connect(
    tcp: &mut TcpStream,
    proxy: &Proxy,
    host: &str,
    port: u16,
    remote_dns: bool,
) -> Result<String, String> {
    let greeting = match &proxy.credentials {
        Some(_) => vec![5, 2, 0x00, 0x02],
        None => vec![5, 1, 0x00],
    };
    tcp.write_all(&greeting)
        .await
        .map_err(|err| format!("sending the SOCKS greeting failed: {err}"))?;
    let mut choice = [0u8; 2];
    read_exactly(tcp, &mut choice, "answer to the SOCKS greeting").await?;
    if choice[0] != 5 {
        return Err(format!(
            "it is not a SOCKS5 proxy (version byte {})",
            choice[0]
        ));
    }
    match (choice[1], &proxy.credentials) {
        (0x00, _) => {}
        (0x02, Some((user, pass))) => {
            if user.len() > 255 || pass.len() > 255 {
                return Err("SOCKS user names and passwords are at most 255 bytes".to_owned());
            }
            let mut auth = vec![1, user.len() as u8];
            auth.extend_from_slice(user.as_bytes());
            auth.push(pass.len() as u8);
            auth.extend_from_slice(pass.as_bytes());
            tcp.write_all(&auth)
                .await
                .map_err(|err| format!("sending the SOCKS credentials failed: {err}"))?;
            let mut status = [0u8; 2];
            read_exactly(tcp, &mut status, "answer to the credentials").await?;
            if status[1] != 0 {
                return Err(format!(
                    "SOCKS authentication failed (status {}): the user name or password was rejected",
                    status[1]
                ));
            }
        }
        (0xFF, None) | (0x02, None) => {
            return Err(
                "the SOCKS proxy requires authentication (give user:pass@ in the proxy URL)"
                    .to_owned(),
            );
        }
        (0xFF, Some(_)) => {
            return Err(
                "the SOCKS proxy accepts neither no authentication nor username/password"
                    .to_owned(),
            );
        }
        (other, _) => return Err(format!("the SOCKS proxy chose unknown method {other}")),
    }
    let mut request = vec![5, 1, 0];
    let literal = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        .ok();
    let ip = match literal {
        Some(ip) => Some(ip),
        None if remote_dns => None,
        None => Some(
            tokio::net::lookup_host((host, port))
                .await
                .ok()
                .and_then(|mut addrs| addrs.next())
                .map(|addr| addr.ip())
                .ok_or_else(|| {
                    format!("could not resolve {host} (socks5h:// resolves at the proxy)")
                })?,
        ),
    };
    match ip {
        Some(std::net::IpAddr::V4(v4)) => {
            request.push(1);
            request.extend_from_slice(&v4.octets());
        }
        Some(std::net::IpAddr::V6(v6)) => {
            request.push(4);
            request.extend_from_slice(&v6.octets());
        }
        None => {
            if host.len() > 255 {
                return Err("the host name is over 255 bytes, too long for SOCKS".to_owned());
            }
            request.push(3);
            request.push(host.len() as u8);
            request.extend_from_slice(host.as_bytes());
        }
    }
    request.extend_from_slice(&port.to_be_bytes());
    tcp.write_all(&request)
        .await
        .map_err(|err| format!("sending the SOCKS CONNECT failed: {err}"))?;
    let mut reply = vec![0u8; 5];
    read_exactly(tcp, &mut reply, "SOCKS reply").await?;
    let len = socks_reply_len(&reply)?.unwrap_or(5);
    reply.resize(len, 0);
    read_exactly(tcp, &mut reply[5..], "SOCKS reply").await?;
    let parsed =
        parse_socks_reply(&reply)?.ok_or_else(|| "its SOCKS reply is incomplete".to_owned())?;
    let answer = format!(
        "SOCKS5 reply {} ({}), bound {}",
        parsed.code,
        socks_meaning(parsed.code),
        parsed.bound
    );
    if parsed.code != 0 {
        return Err(format!("could not reach {host}:{port}: {answer}"));
    }
    Ok(answer)
}

#[cfg(test)]
mod tests;
