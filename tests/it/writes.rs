//! A session never blocks on a write: against a server that stops reading, a huge send stays
//! queued while the session keeps reading and answering, and Disconnect still ends it within
//! the close timeout.

use crate::support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use support::*;
use tokio::io::AsyncWriteExt as _;
use wsprobe::engine::{ClosedBy, EventKind, Outgoing};

const WAIT: Duration = Duration::from_secs(10);

/// Accepts the upgrade, never reads again; writes one text frame when `speak` is notified.
fn deaf_server(speak: Arc<tokio::sync::Notify>) -> RawServer {
    RawServer::start(move |mut tcp| {
        let speak = speak.clone();
        async move {
            if !accept_upgrade(&mut tcp).await {
                return;
            }
            speak.notified().await;
            let _ = tcp.write_all(&server_frame(0x81, b"still reading")).await;
            // Hold the connection open, unread, until the test drops the server.
            std::future::pending::<()>().await;
        }
    })
}

#[test]
fn a_server_that_stops_reading_cannot_block_reads_or_disconnect() {
    let speak = Arc::new(tokio::sync::Notify::new());
    let server = deaf_server(speak.clone());
    let (engine, mut events) = engine();
    let session = engine.connect(request(&server.url()));
    events.wait_connected(session, WAIT);

    // Far more than the socket buffers hold: the write stalls with most of it queued.
    engine.send(session, Outgoing::Text("x".repeat(32 << 20)));
    // A ping queued behind it is not reported either until it is written.
    engine.ping(session, bytes::Bytes::from_static(b"behind"));
    speak.notify_one();
    // Reads go on while the write is stuck.
    let incoming = events.wait_incoming(session, WAIT);
    assert!(matches!(
        &incoming.kind,
        EventKind::Message { payload, .. } if &payload[..] == b"still reading"
    ));

    let asked = Instant::now();
    engine.disconnect(session);
    let closed = events.wait_closed(session, Duration::from_millis(1500));
    let took = asked.elapsed();
    assert!(
        took < Duration::from_millis(1500),
        "Disconnect took {took:?}"
    );
    assert!(
        matches!(
            closed,
            EventKind::Closed {
                code: 1000,
                by: ClosedBy::Client,
                ..
            }
        ),
        "{closed:?}"
    );
    // Never written, so never reported as sent.
    let names = events.names(session);
    assert!(!names.contains(&"outgoing"), "{names:?}");
    assert!(
        !events
            .kinds(session)
            .iter()
            .any(|k| matches!(k, EventKind::Ping { .. })),
        "{names:?}"
    );
}

#[test]
fn sends_are_reported_once_written_in_order() {
    let server = echo_server();
    let (engine, mut events) = engine();
    let session = engine.connect(request(&server.url()));
    events.wait_connected(session, WAIT);
    for i in 0..50 {
        engine.send(session, Outgoing::Text(format!("m{i} ").repeat(i * 100)));
    }
    let mut sent = Vec::new();
    while sent.len() < 50 {
        let event = events.wait(session, WAIT, |k| k.name() == "outgoing");
        if let EventKind::Message { payload, .. } = event.kind {
            sent.push(payload.len());
        }
    }
    let expected: Vec<usize> = (0..50).map(|i| format!("m{i} ").len() * i * 100).collect();
    assert_eq!(sent, expected);
    // The echo server got them all, whole and in order.
    assert!(server.wait_for(WAIT, |r| r.received.len() == 50));
    engine.disconnect(session);
    events.wait_closed(session, WAIT);
}
