//! The engine against real in-process servers (see `tests/support`).

mod support;

use std::time::Duration;

use bytes::Bytes;
use support::*;
use wsprobe::engine::{ClosedBy, Direction, Engine, EventKind, Opcode, Outgoing};
use wsprobe::template::ResolvedRequest;

const WAIT: Duration = Duration::from_secs(5);

fn engine() -> (Engine, Events) {
    let (engine, rx) = Engine::new(|| {});
    (engine, Events::new(rx))
}

fn request(url: &str) -> ResolvedRequest {
    ResolvedRequest::to_url(url).expect("valid test URL")
}

fn payload_of(kind: &EventKind) -> (Direction, Opcode, Bytes) {
    match kind {
        EventKind::Message {
            direction,
            opcode,
            payload,
        } => (*direction, *opcode, payload.clone()),
        other => panic!("not a message: {other:?}"),
    }
}

#[test]
fn echo_text_and_binary_then_disconnect() {
    let server = echo_server();
    let (engine, mut events) = engine();
    let session = engine.connect(request(&server.url()));
    events.wait_connected(session, WAIT);

    engine.send(session, Outgoing::Text("hello".into()));
    let sent = events.wait(session, WAIT, |k| k.name() == "outgoing");
    assert_eq!(
        payload_of(&sent.kind),
        (Direction::Sent, Opcode::Text, Bytes::from_static(b"hello"))
    );
    let echo = events.wait_incoming(session, WAIT);
    assert_eq!(
        payload_of(&echo.kind),
        (
            Direction::Received,
            Opcode::Text,
            Bytes::from_static(b"hello")
        )
    );

    engine.send(
        session,
        Outgoing::Binary(Bytes::from_static(&[0, 1, 2, 255])),
    );
    let echo = events.wait_incoming(session, WAIT);
    assert_eq!(
        payload_of(&echo.kind),
        (
            Direction::Received,
            Opcode::Binary,
            Bytes::from_static(&[0, 1, 2, 255])
        )
    );

    let started = std::time::Instant::now();
    engine.disconnect(session);
    let closed = events.wait_closed(session, WAIT);
    assert_eq!(
        closed,
        EventKind::Closed {
            code: 1000,
            reason: String::new(),
            by: ClosedBy::Client
        }
    );
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        events.names(session),
        [
            "connecting",
            "connected",
            "outgoing",
            "incoming",
            "outgoing",
            "incoming",
            "closed"
        ]
    );
    assert!(server.wait_for(WAIT, |r| r.client_close_codes == [Some(1000)]));
    // After the end: sends are refused with an error.
    engine.send(session, Outgoing::Text("late".into()));
    let error = events.wait(session, WAIT, |k| k.name() == "error");
    assert_eq!(
        error.kind,
        EventKind::Error {
            message: "not connected".into()
        }
    );
}
