//! Hostile and broken servers: each test ends with the right events (and, for a few, the CLI's
//! exit code and message), and then proves the same engine still works against a good server.

use crate::support;

use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use support::*;
use tokio::io::AsyncWriteExt as _;
use wsprobe::engine::{ClosedBy, Engine, EventKind, Outgoing, SessionId};
use wsprobe::template::ResolvedRequest;

const WAIT: Duration = Duration::from_secs(5);

fn closed_parts(kind: &EventKind) -> (u16, String, ClosedBy) {
    match kind {
        EventKind::Closed { code, reason, by } => (*code, reason.clone(), *by),
        other => panic!("not closed: {other:?}"),
    }
}

/// The session's error messages so far (the proxy and deflate tests use it too).
pub(crate) fn errors(events: &Events, session: SessionId) -> Vec<String> {
    events
        .kinds(session)
        .into_iter()
        .filter_map(|k| k.error_message().map(str::to_owned))
        .collect()
}

/// After whatever happened, the same engine connects, echoes and disconnects normally.
fn assert_healthy(engine: &Engine, events: &mut Events) {
    let server = echo_server();
    let session = engine.connect(request(&server.url()));
    events.wait_connected(session, WAIT);
    engine.send(session, Outgoing::Text("still alive".into()));
    let echo = events.wait_incoming(session, WAIT);
    assert!(
        matches!(&echo.kind, EventKind::Message { payload, .. } if payload.as_ref() == b"still alive")
    );
    engine.disconnect(session);
    let closed = events.wait_closed(session, WAIT);
    assert_eq!(closed_parts(&closed).0, 1000);
}

/// Runs a session against `url` until it closes; returns (error messages, Closed parts).
fn run_to_close(
    engine: &Engine,
    events: &mut Events,
    request: ResolvedRequest,
) -> (SessionId, Vec<String>, (u16, String, ClosedBy)) {
    let session = engine.connect(request);
    let closed = events.wait_closed(session, WAIT);
    (session, errors(events, session), closed_parts(&closed))
}

/// A server that answers every upgrade request with `reply` and closes.
fn replying(reply: &'static [u8]) -> RawServer {
    RawServer::start(move |mut tcp| async move {
        let _ = read_upgrade_request(&mut tcp).await;
        let _ = tcp.write_all(reply).await;
        let _ = tcp.shutdown().await;
    })
}

/// A server that completes the upgrade, writes `bytes`, then reports the client's close code.
fn after_upgrade(bytes: Vec<u8>) -> (RawServer, mpsc::Receiver<Option<Option<u16>>>) {
    let (tx, rx) = mpsc::channel();
    let server = RawServer::start(move |mut tcp| {
        let bytes = bytes.clone();
        let tx = tx.clone();
        async move {
            if !accept_upgrade(&mut tcp).await || tcp.write_all(&bytes).await.is_err() {
                return;
            }
            let _ = tx.send(read_client_close(&mut tcp, WAIT).await);
        }
    });
    (server, rx)
}

/// `wsprobe run URL EXTRA...`: exit code, stdout, stderr (the failed-handshake tests use it too).
pub(crate) fn cli(url: &str, extra: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wsprobe"))
        .arg("run")
        .arg(url)
        .args(extra)
        .env("WSPROBE_WORKSPACE", home.path().join("none"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start wsprobe");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let output = child.wait_with_output().expect("output");
            return (
                status.code().unwrap_or(-1),
                String::from_utf8_lossy(&output.stdout).into_owned(),
                String::from_utf8_lossy(&output.stderr).into_owned(),
            );
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("wsprobe run did not finish");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn garbage_instead_of_a_handshake() {
    let server = replying(b"\x00\x01\x02 SSH-2.0-OpenSSH\r\n\xff\xfe garbage\r\n\r\n");
    let (engine, mut events) = engine();
    let (_, errors, closed) = run_to_close(&engine, &mut events, request(&server.url()));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("not a valid HTTP response"),
        "{errors:?}"
    );
    assert_eq!((closed.0, closed.2), (1006, ClosedBy::Network));
    assert_healthy(&engine, &mut events);

    let (code, _, stderr) = cli(&server.url(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not a valid HTTP response"), "{stderr}");
}

#[test]
fn http_200_instead_of_101() {
    let server =
        replying(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
    let (engine, mut events) = engine();
    let (_, errors, closed) = run_to_close(&engine, &mut events, request(&server.url()));
    assert_eq!(
        errors,
        ["server refused the upgrade: 200 OK: hello".to_owned()]
    );
    assert_eq!((closed.0, closed.2), (1006, ClosedBy::Network));
    assert_healthy(&engine, &mut events);
}

#[test]
fn wrong_accept_key() {
    let server = replying(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
          Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    );
    let (engine, mut events) = engine();
    let (session, errors, closed) = run_to_close(&engine, &mut events, request(&server.url()));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .starts_with("wrong Sec-WebSocket-Accept from the server: `dGhlIHNhbXBsZSBub25jZQ==`"),
        "{errors:?}"
    );
    assert_eq!((closed.0, closed.2), (1006, ClosedBy::Network));
    assert!(!events.names(session).contains(&"connected"));
    assert_healthy(&engine, &mut events);

    let (code, _, stderr) = cli(&server.url(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("Sec-WebSocket-Accept"), "{stderr}");
}

#[test]
fn redirect_loop_ends_with_an_error() {
    let server = TestServer::start(Behavior::RedirectLoop);
    let (engine, mut events) = engine();
    let (session, errors, closed) = run_to_close(&engine, &mut events, request(&server.url()));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("too many redirects (5)"),
        "{errors:?}"
    );
    assert_eq!(
        events
            .names(session)
            .iter()
            .filter(|n| **n == "redirected")
            .count(),
        5
    );
    assert_eq!(closed.0, 1006);
    assert_healthy(&engine, &mut events);

    let (code, _, stderr) = cli(&server.url(), &["--max-redirects", "2"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("too many redirects (2)"), "{stderr}");
}

#[test]
fn silent_server_times_out() {
    let server = SilentListener::start();
    let (engine, mut events) = engine();
    let mut req = request(&server.url());
    req.settings.handshake_timeout_ms = 300;
    let started = Instant::now();
    let (_, errors, closed) = run_to_close(&engine, &mut events, req);
    assert_eq!(errors, ["handshake timed out after 300 ms".to_owned()]);
    assert_eq!(closed.0, 1006);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_healthy(&engine, &mut events);
}

#[test]
fn invalid_utf8_text_closes_with_1007() {
    let (server, client_close) = after_upgrade(server_frame(0x81, b"ok \xff\xfe not utf-8"));
    let (engine, mut events) = engine();
    let (session, errors, closed) = run_to_close(&engine, &mut events, request(&server.url()));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("invalid UTF-8 from the server"),
        "{errors:?}"
    );
    assert_eq!((closed.0, closed.2), (1007, ClosedBy::Client));
    assert!(!events.names(session).contains(&"incoming"));
    assert_eq!(client_close.recv_timeout(WAIT), Ok(Some(Some(1007))));
    assert_healthy(&engine, &mut events);

    let (code, stdout, stderr) = cli(&server.url(), &["--output", "jsonl"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("1007"), "{stderr}");
}

#[test]
fn reserved_opcode_closes_with_1002() {
    // Opcode 0x3 is reserved for future data frames; 0xB for control frames.
    for first in [0x83u8, 0x8B] {
        let (server, client_close) = after_upgrade(server_frame(first, b"??"));
        let (engine, mut events) = engine();
        let (_, errors, closed) = run_to_close(&engine, &mut events, request(&server.url()));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("protocol error from the server"),
            "{errors:?}"
        );
        assert_eq!((closed.0, closed.2), (1002, ClosedBy::Client));
        assert_eq!(client_close.recv_timeout(WAIT), Ok(Some(Some(1002))));
        assert_healthy(&engine, &mut events);
    }
}

#[test]
fn fragmented_message_over_the_maximum_closes_with_1009() {
    // Three fragments of 600 bytes: each fits the 1000-byte limit, the message does not.
    let chunk = vec![b'a'; 600];
    let mut bytes = server_frame(0x01, &chunk);
    bytes.extend(server_frame(0x00, &chunk));
    bytes.extend(server_frame(0x80, &chunk));
    let (server, client_close) = after_upgrade(bytes);
    let (engine, mut events) = engine();
    let mut req = request(&server.url());
    req.settings.max_message_size_bytes = 1000;
    let (session, errors, closed) = run_to_close(&engine, &mut events, req);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("exceeds the maximum message size of 1000 bytes"),
        "{errors:?}"
    );
    assert_eq!((closed.0, closed.2), (1009, ClosedBy::Client));
    assert!(!events.names(session).contains(&"incoming"));
    assert_eq!(client_close.recv_timeout(WAIT), Ok(Some(Some(1009))));
    assert_healthy(&engine, &mut events);
}

#[test]
fn close_codes_and_reasons_from_the_server() {
    let (engine, mut events) = engine();
    for (code, reason) in [
        (1000, ""),
        (1001, "going away"),
        (1011, "internal error"),
        (4001, "custom: token expired"),
    ] {
        let (server, client_close) =
            after_upgrade(server_frame(0x88, &close_payload(code, reason)));
        let (session, errors, closed) = run_to_close(&engine, &mut events, request(&server.url()));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(closed, (code, reason.to_owned(), ClosedBy::Server));
        assert_eq!(events.names(session), ["connecting", "connected", "closed"]);
        // The client echoes the code (RFC 6455 §5.5.1).
        assert_eq!(client_close.recv_timeout(WAIT), Ok(Some(Some(code))));
    }
    // 999 and 1005 may never be sent in a close frame: answered and reported as 1002.
    for bad in [999u16, 1005] {
        let (server, client_close) = after_upgrade(server_frame(0x88, &close_payload(bad, "x")));
        let (_, _, closed) = run_to_close(&engine, &mut events, request(&server.url()));
        assert_eq!(closed.0, 1002, "{closed:?}");
        assert_eq!(client_close.recv_timeout(WAIT), Ok(Some(Some(1002))));
    }
    assert_healthy(&engine, &mut events);
}

#[test]
fn tcp_reset_in_the_middle_of_a_message() {
    let server = RawServer::start(|mut tcp| async move {
        if !accept_upgrade(&mut tcp).await {
            return;
        }
        // A binary frame announcing 1000 bytes, of which only 10 come; then RST.
        let mut frame = server_frame(0x82, &[7u8; 1000]);
        frame.truncate(frame.len() - 990);
        let _ = tcp.write_all(&frame).await;
        let _ = tcp.flush().await;
        let _ = tcp.set_zero_linger();
        drop(tcp);
    });
    let (engine, mut events) = engine();
    let (session, errors, closed) = run_to_close(&engine, &mut events, request(&server.url()));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!((closed.0, closed.2), (1006, ClosedBy::Network));
    assert!(closed.1.contains("reset"), "{closed:?}");
    assert!(!events.names(session).contains(&"incoming"));
    assert_healthy(&engine, &mut events);

    let (code, stdout, stderr) = cli(&server.url(), &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("closed 1006"), "{stdout}");
}

#[test]
fn slow_drip_one_byte_per_100_ms() {
    let mut bytes = server_frame(0x81, b"hi");
    bytes.extend(server_frame(0x88, &close_payload(1000, "")));
    let server = RawServer::start(move |mut tcp| {
        let bytes = bytes.clone();
        async move {
            if !accept_upgrade(&mut tcp).await {
                return;
            }
            for byte in bytes {
                if tcp.write_all(&[byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let _ = read_client_close(&mut tcp, WAIT).await;
        }
    });
    let (engine, mut events) = engine();
    let started = Instant::now();
    let session = engine.connect(request(&server.url()));
    let message = events.wait_incoming(session, WAIT);
    assert!(
        matches!(&message.kind, EventKind::Message { payload, .. } if payload == &Bytes::from_static(b"hi"))
    );
    // The 4-byte frame's last byte went out after 300 ms.
    assert!(started.elapsed() >= Duration::from_millis(300));
    let closed = events.wait_closed(session, WAIT);
    assert_eq!(
        closed_parts(&closed),
        (1000, String::new(), ClosedBy::Server)
    );
    assert_eq!(
        events.names(session),
        ["connecting", "connected", "incoming", "closed"]
    );
    assert_healthy(&engine, &mut events);
}
