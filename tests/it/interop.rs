//! The engine against servers that are not ours and not Rust: python-websockets (the peers
//! that `.ci/run` installs under target/peers; see `support::peers`).

use crate::support;

use std::time::Duration;

use support::peers::{Peer, python_websockets};
use support::*;
use wsprobe::engine::{EventKind, Outgoing};

const WAIT: Duration = Duration::from_secs(10);

/// A python-websockets echo server on a port of its choosing.
fn python_echo_server() -> Peer {
    python_websockets(
        r#"
async def handler(ws):
    async for message in ws:
        await ws.send(message)
"#,
        "",
        "a python-websockets echo server",
    )
}

#[test]
fn python_websockets_echoes_text_and_binary() {
    let server = python_echo_server();
    let (engine, mut events) = engine();
    let session = engine.connect(request(&server.ws_url("/")));
    events.wait_connected(session, WAIT);

    engine.send(session, Outgoing::Text("grüß dich".into()));
    let echo = events.wait_incoming(session, WAIT);
    let EventKind::Message { payload, .. } = &echo.kind else {
        panic!("not a message: {:?}", echo.kind)
    };
    assert_eq!(&payload[..], "grüß dich".as_bytes());

    engine.send(
        session,
        Outgoing::Binary(bytes::Bytes::from(vec![0u8, 255, 7])),
    );
    let echo = events.wait_incoming(session, WAIT);
    let EventKind::Message { payload, .. } = &echo.kind else {
        panic!("not a message: {:?}", echo.kind)
    };
    assert_eq!(&payload[..], &[0u8, 255, 7]);

    engine.disconnect(session);
    let EventKind::Closed { code, .. } = events.wait_closed(session, WAIT) else {
        unreachable!()
    };
    assert_eq!(code, 1000);
}
