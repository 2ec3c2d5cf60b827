//! Keep-alive against real servers: our pings on a schedule and their round trips (the
//! tungstenite server of `support`), the pong timeout (a server that never answers), and a
//! python-websockets server with a short ping interval and timeout, which keeps us connected
//! while we answer its pings and drops us when auto-pong is off.

use crate::support;

use std::time::Duration;

use bytes::Bytes;
use support::peers::{Peer, python_websockets};
use support::*;
use wsprobe::engine::{ClosedBy, Direction, EventKind};
use wsprobe::template::ResolvedRequest;

const WAIT: Duration = Duration::from_secs(10);

/// Whether no two items are equal (e.g. a heartbeat's `<<$randomUUID>>` changed every send).
pub(crate) fn all_distinct<T: Ord + Clone>(items: &[T]) -> bool {
    let mut sorted = items.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted.len() == items.len()
}

fn with_keepalive(url: &str, ping_interval_ms: u64, pong_timeout_ms: u64) -> ResolvedRequest {
    let mut request = request(url);
    request.settings.ping_interval_ms = ping_interval_ms;
    request.settings.pong_timeout_ms = pong_timeout_ms;
    request
}

fn is_pong_received(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Pong {
            direction: Direction::Received,
            ..
        }
    )
}

#[test]
fn keepalive_pings_count_up_and_their_pongs_carry_round_trips() {
    let server = echo_server();
    let (engine, mut events) = engine();
    let session = engine.connect(with_keepalive(&server.url(), 40, 2_000));
    events.wait_connected(session, WAIT);
    for n in 1..=3u32 {
        let ping = events.wait(session, WAIT, |k| {
            matches!(
                k,
                EventKind::Ping {
                    direction: Direction::Sent,
                    ..
                }
            )
        });
        assert_eq!(ping.payload(), Some(&Bytes::from(n.to_string())));
        let pong = events.wait(session, WAIT, is_pong_received);
        let EventKind::Pong { payload, rtt, .. } = &pong.kind else {
            unreachable!()
        };
        assert_eq!(
            payload,
            &Bytes::from(n.to_string()),
            "pong {n} echoes ping {n}"
        );
        let rtt = rtt.unwrap_or_else(|| panic!("pong {n} has no round trip"));
        assert!(rtt.millis() < 2_000.0, "{rtt}");
    }
    assert!(
        !events
            .names(session)
            .iter()
            .any(|n| *n == "error" || *n == "closed"),
        "{:#?}",
        events.kinds(session)
    );
    engine.disconnect(session);
    let EventKind::Closed { code, .. } = events.wait_closed(session, WAIT) else {
        unreachable!()
    };
    assert_eq!(code, 1000);
}

#[test]
fn an_unsolicited_pong_has_no_round_trip_and_a_ping_command_gets_one() {
    let server = RawServer::start(|mut stream| async move {
        use tokio::io::AsyncWriteExt;
        if !accept_upgrade(&mut stream).await {
            return;
        }
        // A pong nobody asked for, then the answer to the client's ping "q".
        let _ = stream.write_all(&server_frame(0x8A, b"unasked")).await;
        let _ = read_client_ping(&mut stream).await;
        let _ = stream.write_all(&server_frame(0x8A, b"q")).await;
        std::future::pending::<()>().await;
    });
    let (engine, mut events) = engine();
    let session = engine.connect(request(&server.url()));
    events.wait_connected(session, WAIT);
    let first = events.wait(session, WAIT, is_pong_received);
    assert!(
        matches!(&first.kind, EventKind::Pong { rtt: None, payload, .. } if payload == "unasked"),
        "{:?}",
        first.kind
    );
    engine.ping(session, Bytes::from_static(b"q"));
    let answer = events.wait(session, WAIT, is_pong_received);
    assert!(
        matches!(&answer.kind, EventKind::Pong { rtt: Some(_), payload, .. } if payload == "q"),
        "{:?}",
        answer.kind
    );
}

/// Reads frames from the client until a ping arrives; its payload (unmasked).
async fn read_client_ping(stream: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    loop {
        let mut head = [0u8; 2];
        stream.read_exact(&mut head).await.ok()?;
        let len = usize::from(head[1] & 0x7f);
        assert!(len < 126, "a test ping is short");
        let mut mask = [0u8; 4];
        stream.read_exact(&mut mask).await.ok()?;
        let mut payload = vec![0u8; len];
        stream.read_exact(&mut payload).await.ok()?;
        for (i, b) in payload.iter_mut().enumerate() {
            *b ^= mask[i % 4];
        }
        if head[0] & 0x0f == 0x9 {
            return Some(payload);
        }
    }
}

#[test]
fn no_pong_within_the_timeout_ends_as_1006_and_reconnects() {
    // Stall: completes the handshake, then never reads or writes: no pong ever comes.
    let server = TestServer::start(Behavior::Stall);
    let (engine, mut events) = engine();
    let mut request = with_keepalive(&server.url(), 30, 150);
    request.settings.reconnect_attempts = 1;
    request.settings.reconnect_interval_ms = 10;
    let session = engine.connect(request);
    let closed = events.wait_closed(session, WAIT);
    assert_eq!(
        closed,
        EventKind::Closed {
            code: 1006,
            reason: "no pong within 150 ms".into(),
            by: ClosedBy::Network,
        },
        "{:#?}",
        events.kinds(session)
    );
    let names = events.names(session);
    assert_eq!(
        names.iter().filter(|n| **n == "connected").count(),
        2,
        "connected, lost, reconnected, lost again: {names:?}"
    );
    let lost = events
        .kinds(session)
        .into_iter()
        .find_map(|k| match k {
            EventKind::Error { message } => Some(message),
            _ => None,
        })
        .expect("the first loss is reported");
    assert_eq!(
        lost,
        "connection lost: 1006 Abnormal closure (no pong within 150 ms)"
    );
    assert!(names.contains(&"reconnecting"), "{names:?}");
}

#[test]
fn a_ping_command_arms_the_pong_timeout_too() {
    let server = TestServer::start(Behavior::Stall);
    let (engine, mut events) = engine();
    let session = engine.connect(with_keepalive(&server.url(), 0, 100));
    events.wait_connected(session, WAIT);
    engine.ping(session, Bytes::from_static(b"anyone?"));
    let closed = events.wait_closed(session, WAIT);
    assert!(
        matches!(&closed, EventKind::Closed { code: 1006, reason, .. } if reason == "no pong within 100 ms"),
        "{closed:?}"
    );
}

/// A python-websockets server that pings every `interval` seconds and drops a client whose
/// pong takes longer than `timeout`; it never sends a message of its own.
pub(crate) fn python_pinging_server(interval: f64, timeout: f64) -> Peer {
    python_websockets(
        r#"
async def handler(ws):
    await ws.wait_closed()
"#,
        &format!("ping_interval={interval}, ping_timeout={timeout}"),
        "a python-websockets server with a short ping interval",
    )
}

fn is_ping_received(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Ping {
            direction: Direction::Received,
            ..
        }
    )
}

#[test]
fn python_websockets_keeps_us_while_we_answer_its_pings() {
    let server = python_pinging_server(0.1, 0.5);
    let (engine, mut events) = engine();
    let session = engine.connect(request(&server.ws_url("/")));
    events.wait_connected(session, WAIT);
    // Each ping after the first means the one before got our pong in time.
    for _ in 0..4 {
        events.wait(session, WAIT, is_ping_received);
    }
    let names = events.names(session);
    assert!(
        !names.iter().any(|n| *n == "closed" || *n == "error"),
        "{names:?}"
    );
    engine.disconnect(session);
    let EventKind::Closed { code, .. } = events.wait_closed(session, WAIT) else {
        unreachable!()
    };
    assert_eq!(code, 1000);
}

#[test]
fn python_websockets_drops_us_when_auto_pong_is_off() {
    let server = python_pinging_server(0.1, 0.5);
    let (engine, mut events) = engine();
    let mut request = request(&server.ws_url("/"));
    request.settings.auto_pong = false;
    let session = engine.connect(request);
    events.wait_connected(session, WAIT);
    let closed = events.wait_closed(session, WAIT);
    // websockets fails the connection with 1011 "keepalive ping timeout".
    assert!(
        matches!(
            &closed,
            EventKind::Closed {
                code: 1011,
                by: ClosedBy::Server,
                ..
            }
        ),
        "{closed:?}: {:#?}",
        events.kinds(session)
    );
    let kinds = events.kinds(session);
    assert!(kinds.iter().any(is_ping_received), "{kinds:#?}");
    assert!(!kinds.iter().any(|k| k.name() == "pong"), "{kinds:#?}");
}
