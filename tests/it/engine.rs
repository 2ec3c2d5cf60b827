//! The engine against real in-process servers (see `tests/support`).

use crate::support;

use std::time::Duration;

use bytes::Bytes;
use support::*;
use wsprobe::engine::{ClosedBy, Direction, Engine, EventKind, Opcode, Outgoing};
use wsprobe::model::{Auth, OAuth1, SignatureMethod};

const WAIT: Duration = Duration::from_secs(5);

fn payload_of(kind: &EventKind) -> (Direction, Opcode, Bytes) {
    match kind {
        EventKind::Message {
            direction,
            opcode,
            payload,
            ..
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

fn error_message(kind: &EventKind) -> String {
    match kind.error_message() {
        Some(message) => message.to_owned(),
        None => panic!("not an error: {kind:?}"),
    }
}

fn closed_parts(kind: &EventKind) -> (u16, String, ClosedBy) {
    match kind {
        EventKind::Closed { code, reason, by } => (*code, reason.clone(), *by),
        other => panic!("not closed: {other:?}"),
    }
}

fn connected_info(
    events: &Events,
    session: wsprobe::engine::SessionId,
) -> wsprobe::engine::HandshakeInfo {
    events
        .kinds(session)
        .into_iter()
        .find_map(|k| match k {
            EventKind::Connected(info) => Some(*info),
            _ => None,
        })
        .expect("a Connected event")
}

#[test]
fn headers_params_basic_and_bearer_as_seen_by_the_server() {
    let server = echo_server();
    let (engine, mut events) = engine();
    let mut req = request(&server.url_for("/feed?room=a%20b&x=1"));
    req.headers = vec![
        ("X-Custom".into(), "one".into()),
        ("Origin".into(), "http://example.test".into()),
    ];
    req.auth = Auth::Basic {
        username: "aladdin".into(),
        password: "open sesame".into(),
    };
    let session = engine.connect(req.clone());
    events.wait_connected(session, WAIT);
    let info = connected_info(&events, session);
    assert_eq!(info.status, 101);
    assert_eq!(info.request_line, "GET /feed?room=a%20b&x=1 HTTP/1.1");
    assert!(info.elapsed_ms < 5_000);
    assert_eq!(info.tls_version, None);
    let seen = &server.requests()[0];
    assert_eq!(seen.uri, "/feed?room=a%20b&x=1");
    assert_eq!(seen.header("x-custom"), Some("one"));
    assert_eq!(seen.header("origin"), Some("http://example.test"));
    assert_eq!(
        seen.header("authorization"),
        Some("Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    );
    // What the engine reports as sent is what the server got.
    for (name, value) in &info.request_headers {
        assert_eq!(seen.header(name), Some(value.as_str()), "{name}");
    }
    engine.disconnect(session);
    events.wait_closed(session, WAIT);

    req.auth = Auth::Bearer {
        token: "t0ken".into(),
    };
    let session = engine.connect(req);
    events.wait_connected(session, WAIT);
    assert_eq!(
        server.requests()[1].header("authorization"),
        Some("Bearer t0ken")
    );
}

fn oauth(method: SignatureMethod) -> OAuth1 {
    OAuth1 {
        consumer_key: "consumer key".into(),
        consumer_secret: "c-secret/+".into(),
        access_token: "token".into(),
        token_secret: "t secret".into(),
        signature_method: method,
        realm: "Example".into(),
    }
}

#[test]
fn oauth1_hmac_signature_checks_out_server_side() {
    let server = echo_server();
    let (engine, mut events) = engine();
    let mut req = request(&server.url_for("/stream?b=2&a=x%2By&a=1&empty="));
    req.auth = Auth::OAuth1(oauth(SignatureMethod::HmacSha1));
    for _ in 0..2 {
        let session = engine.connect(req.clone());
        events.wait_connected(session, WAIT);
        engine.disconnect(session);
        events.wait_closed(session, WAIT);
    }
    let seen = server.requests();
    for request in &seen {
        verify_oauth1_hmac(request, "c-secret/+", "t secret").unwrap_or_else(|err| panic!("{err}"));
        let header = request.header("authorization").unwrap();
        assert!(header.starts_with("OAuth realm=\"Example\", "), "{header}");
        assert!(header.contains("oauth_token=\"token\""), "{header}");
        assert!(header.contains("oauth_version=\"1.0\""), "{header}");
    }
    let nonce = |r: &SeenRequest| {
        let h = r.header("authorization").unwrap().to_owned();
        h.split("oauth_nonce=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_ne!(nonce(&seen[0]), nonce(&seen[1]), "fresh nonce per attempt");
}

#[test]
fn oauth1_plaintext_and_no_token() {
    let server = echo_server();
    let (engine, mut events) = engine();
    let mut req = request(&server.url());
    let mut credentials = oauth(SignatureMethod::Plaintext);
    credentials.access_token.clear();
    credentials.realm.clear();
    req.auth = Auth::OAuth1(credentials);
    let session = engine.connect(req);
    events.wait_connected(session, WAIT);
    let header = server.requests()[0]
        .header("authorization")
        .unwrap()
        .to_owned();
    assert!(
        header.starts_with("OAuth oauth_consumer_key=\"consumer%20key\""),
        "{header}"
    );
    assert!(!header.contains("oauth_token="), "{header}");
    assert!(
        header.contains("oauth_signature=\"c-secret%252F%252B%26t%2520secret\""),
        "{header}"
    );
}

#[test]
fn subprotocol_negotiated_none_picked_and_strict() {
    let server = TestServer::start_with(ServerOptions {
        subprotocols: vec!["v2.chat".into()],
        ..ServerOptions::new(Behavior::Echo)
    });
    let (engine, mut events) = engine();
    let mut req = request(&server.url());
    req.settings.subprotocols = vec!["v1.chat".into(), "v2.chat".into()];
    let session = engine.connect(req.clone());
    events.wait_connected(session, WAIT);
    assert_eq!(
        connected_info(&events, session).subprotocol.as_deref(),
        Some("v2.chat")
    );
    assert_eq!(
        server.requests()[0].header("sec-websocket-protocol"),
        Some("v1.chat, v2.chat")
    );

    // None picked: reported, the connection stays up.
    req.settings.subprotocols = vec!["a".into(), "b".into()];
    let session = engine.connect(req.clone());
    events.wait_connected(session, WAIT);
    let error = events.wait(session, WAIT, |k| k.name() == "error");
    assert_eq!(
        error_message(&error.kind),
        "server accepted no subprotocol (offered: a, b)"
    );
    engine.send(session, Outgoing::Text("still here".into()));
    events.wait_incoming(session, WAIT);

    // Strict: the same is fatal.
    req.settings.strict_subprotocol = true;
    req.settings.reconnect_attempts = 2;
    let session = engine.connect(req);
    let closed = events.wait_closed(session, WAIT);
    let (code, reason, by) = closed_parts(&closed);
    assert_eq!((code, by), (1002, ClosedBy::Client));
    assert!(
        reason.contains("server accepted no subprotocol (offered: a, b)"),
        "{reason}"
    );
    assert_eq!(events.names(session), ["connecting", "error", "closed"]);
}

#[test]
fn open_message_on_every_connect_including_reconnects() {
    let server = TestServer::start(Behavior::DropAfter { messages: 1 });
    let (engine, mut events) = engine();
    let mut req = request(&server.url());
    req.open_message = Some(Outgoing::Text("{\"subscribe\":1}".into()));
    req.settings.reconnect_attempts = 1;
    req.settings.reconnect_interval_ms = 50;
    let session = engine.connect(req);
    let closed = events.wait_closed(session, WAIT);
    assert_eq!(closed_parts(&closed).0, 1006);
    let received = server.received();
    assert_eq!(received.len(), 2, "{received:?}");
    assert_eq!(received[0].connection, 0);
    assert_eq!(received[1].connection, 1);
    assert!(received.iter().all(|m| m.data == "{\"subscribe\":1}"));
    let names = events.names(session);
    assert_eq!(
        names,
        [
            "connecting",
            "connected",
            "outgoing",
            "incoming",
            "error",
            "reconnecting",
            "connecting",
            "connected",
            "outgoing",
            "incoming",
            "closed"
        ]
    );
}

#[test]
fn redirect_is_followed_to_another_server() {
    let target = echo_server();
    let redirect = TestServer::start(Behavior::Redirect {
        status: 302,
        location: target.url_for("/next?x=1"),
    });
    let (engine, mut events) = engine();
    let session = engine.connect(request(&redirect.url()));
    events.wait_connected(session, WAIT);
    let kinds = events.kinds(session);
    assert_eq!(
        kinds[1],
        EventKind::Redirected {
            status: 302,
            location: target.url_for("/next?x=1")
        }
    );
    assert_eq!(
        connected_info(&events, session).url,
        target.url_for("/next?x=1")
    );
    assert_eq!(target.requests()[0].uri, "/next?x=1");
}

#[test]
fn same_origin_redirect_keeps_auth_and_re_signs_oauth() {
    let server = TestServer::start(Behavior::Redirect {
        status: 307,
        location: "/final?y=2".into(),
    });
    let (engine, mut events) = engine();
    let mut req = request(&server.url_for("/start?x=1"));
    req.auth = Auth::OAuth1(oauth(SignatureMethod::HmacSha1));
    let session = engine.connect(req);
    events.wait_connected(session, WAIT);
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].uri, "/final?y=2");
    for request in &seen {
        verify_oauth1_hmac(request, "c-secret/+", "t secret")
            .unwrap_or_else(|err| panic!("{}: {err}", request.uri));
    }
}

#[test]
fn authorization_is_not_forwarded_to_another_host() {
    let target = echo_server();
    let redirect = TestServer::start(Behavior::Redirect {
        status: 301,
        location: format!("http://localhost:{}/elsewhere", target.port()),
    });
    let (engine, mut events) = engine();
    let mut req = request(&redirect.url());
    req.auth = Auth::Bearer {
        token: "secret".into(),
    };
    req.headers = vec![("X-Keep".into(), "1".into())];
    let session = engine.connect(req);
    events.wait_connected(session, WAIT);
    assert_eq!(
        redirect.requests()[0].header("authorization"),
        Some("Bearer secret")
    );
    let seen = &target.requests()[0];
    assert_eq!(seen.header("authorization"), None);
    assert_eq!(seen.header("x-keep"), Some("1"));
    assert!(matches!(
        &events.kinds(session)[1],
        EventKind::Redirected { status: 301, location } if location.starts_with("ws://localhost:")
    ));
}

#[test]
fn redirect_loop_stops_at_the_maximum() {
    let server = TestServer::start(Behavior::RedirectLoop);
    let (engine, mut events) = engine();
    let mut req = request(&server.url());
    req.settings.max_redirects = 3;
    let session = engine.connect(req);
    let closed = events.wait_closed(session, WAIT);
    assert_eq!(closed_parts(&closed).2, ClosedBy::Network);
    let names = events.names(session);
    assert_eq!(
        names,
        [
            "connecting",
            "redirected",
            "redirected",
            "redirected",
            "error",
            "closed"
        ]
    );
    let error = error_message(&events.kinds(session)[4]);
    assert!(error.starts_with("too many redirects (3)"), "{error}");
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn redirects_off_is_an_error_naming_status_and_location() {
    let server = TestServer::start(Behavior::Redirect {
        status: 308,
        location: "ws://example.invalid/moved".into(),
    });
    let (engine, mut events) = engine();
    let mut req = request(&server.url());
    req.settings.follow_redirects = false;
    let session = engine.connect(req);
    events.wait_closed(session, WAIT);
    let error = error_message(&events.kinds(session)[1]);
    assert!(error.contains("308"), "{error}");
    assert!(error.contains("ws://example.invalid/moved"), "{error}");
    assert_eq!(events.names(session), ["connecting", "error", "closed"]);
}

#[test]
fn handshake_timeout_fires_on_time() {
    let listener = SilentListener::start();
    let (engine, mut events) = engine();
    let mut req = request(&listener.url());
    req.settings.handshake_timeout_ms = 500;
    let started = std::time::Instant::now();
    let session = engine.connect(req);
    let error = events.wait(session, WAIT, |k| k.name() == "error");
    let elapsed = started.elapsed();
    assert_eq!(
        error_message(&error.kind),
        "handshake timed out after 500 ms"
    );
    assert!(
        elapsed >= Duration::from_millis(400) && elapsed <= Duration::from_millis(600),
        "{elapsed:?}"
    );
    let closed = events.wait_closed(session, WAIT);
    assert_eq!(closed_parts(&closed).0, 1006);
}

#[test]
fn refusals_show_the_status() {
    let (engine, mut events) = engine();
    for (status, text, body) in [
        (401, "401 Unauthorized", "bad token"),
        (404, "404 Not Found", ""),
    ] {
        let server = TestServer::start(Behavior::Refuse { status, body });
        let session = engine.connect(request(&server.url()));
        let closed = events.wait_closed(session, WAIT);
        assert_eq!(closed_parts(&closed).0, 1006);
        let error = error_message(&events.kinds(session)[1]);
        assert!(
            error.starts_with(&format!("server refused the upgrade: {text}")),
            "{error}"
        );
        assert!(error.contains(body), "{error}");
    }
}

#[test]
fn server_close_codes_are_reported() {
    let (engine, mut events) = engine();
    for (code, reason) in [(1000, ""), (1001, "going away"), (4001, "custom reason")] {
        let server = TestServer::start(Behavior::CloseAfter {
            messages: 1,
            code,
            reason,
        });
        let session = engine.connect(request(&server.url()));
        events.wait_connected(session, WAIT);
        engine.send(session, Outgoing::Text("bye".into()));
        let closed = events.wait_closed(session, WAIT);
        assert_eq!(
            closed_parts(&closed),
            (code, reason.to_owned(), ClosedBy::Server)
        );
    }
}

#[test]
fn normal_server_close_does_not_reconnect_but_others_do() {
    let (engine, mut events) = engine();
    let normal = TestServer::start(Behavior::CloseAfter {
        messages: 0,
        code: 1000,
        reason: "done",
    });
    let mut req = request(&normal.url());
    req.settings.reconnect_attempts = 3;
    req.settings.reconnect_interval_ms = 10;
    let session = engine.connect(req.clone());
    events.wait_closed(session, WAIT);
    assert!(!events.names(session).contains(&"reconnecting"));
    assert_eq!(normal.connection_times().len(), 1);

    let going_away = TestServer::start(Behavior::CloseAfter {
        messages: 0,
        code: 1001,
        reason: "restart",
    });
    req.url = going_away.url().parse().unwrap();
    req.settings.reconnect_attempts = 1;
    let session = engine.connect(req);
    let closed = events.wait_closed(session, WAIT);
    assert_eq!(
        closed_parts(&closed),
        (1001, "restart".into(), ClosedBy::Server)
    );
    assert_eq!(
        events
            .names(session)
            .iter()
            .filter(|n| **n == "reconnecting")
            .count(),
        1
    );
    let error = error_message(&events.kinds(session)[2]);
    assert_eq!(error, "connection lost: 1001 Going away (restart)");
}

#[test]
fn abrupt_drop_gives_1006_and_exactly_n_reconnects_at_the_interval() {
    let server = TestServer::start(Behavior::DropAfter { messages: 0 });
    let (engine, mut events) = engine();
    let mut req = request(&server.url());
    req.settings.reconnect_attempts = 3;
    req.settings.reconnect_interval_ms = 200;
    let session = engine.connect(req);
    let closed = events.wait_closed(session, WAIT);
    assert_eq!(closed_parts(&closed).0, 1006);
    assert_eq!(closed_parts(&closed).2, ClosedBy::Network);
    let kinds = events.kinds(session);
    let reconnecting: Vec<(u32, u32, u64)> = kinds
        .iter()
        .filter_map(|k| match k {
            EventKind::Reconnecting {
                attempt,
                of,
                delay_ms,
            } => Some((*attempt, *of, *delay_ms)),
            _ => None,
        })
        .collect();
    assert_eq!(reconnecting, [(1, 3, 200), (2, 3, 200), (3, 3, 200)]);
    let attempts: Vec<u32> = kinds
        .iter()
        .filter_map(|k| match k {
            EventKind::Connecting { attempt, .. } => Some(*attempt),
            _ => None,
        })
        .collect();
    assert_eq!(attempts, [1, 2, 3, 4]);
    let times = server.connection_times();
    assert_eq!(times.len(), 4, "1 connect + exactly 3 reconnects");
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(200), "{gap:?}");
        assert!(gap < Duration::from_millis(1500), "{gap:?}");
    }
}

#[test]
fn max_message_size_exceeded_closes_with_1009_and_the_engine_goes_on() {
    let huge = TestServer::start(Behavior::SendHuge { size: 2_000_000 });
    let (engine, mut events) = engine();
    let mut req = request(&huge.url());
    req.settings.max_message_size_bytes = 1_000_000;
    req.settings.reconnect_attempts = 2;
    let session = engine.connect(req);
    let closed = events.wait_closed(session, WAIT);
    let (code, _, by) = closed_parts(&closed);
    assert_eq!((code, by), (1009, ClosedBy::Client));
    let error = events
        .kinds(session)
        .iter()
        .find(|k| k.name() == "error")
        .map(error_message)
        .expect("an error");
    assert!(
        error.contains("2000000") && error.contains("1000000"),
        "{error}"
    );
    assert!(huge.wait_for(WAIT, |r| r.client_close_codes == [Some(1009)]));
    assert!(!events.names(session).contains(&"reconnecting"));

    let echo = echo_server();
    let session = engine.connect(request(&echo.url()));
    events.wait_connected(session, WAIT);
    engine.send(session, Outgoing::Text("alive".into()));
    events.wait_incoming(session, WAIT);
}

#[test]
fn wss_with_self_signed_ca_fails_by_default_and_works_when_allowed() {
    let server = TestServer::start_with(ServerOptions {
        tls: true,
        ..ServerOptions::new(Behavior::Echo)
    });
    let (engine, mut events) = engine();

    let session = engine.connect(request(&server.url()));
    events.wait_closed(session, WAIT);
    let error = error_message(&events.kinds(session)[1]);
    assert!(error.contains("certificate"), "{error}");
    assert!(
        error.starts_with("TLS handshake with localhost:"),
        "{error}"
    );

    let mut insecure = request(&server.url());
    insecure.settings.accept_invalid_certs = true;
    let session = engine.connect(insecure);
    events.wait_connected(session, WAIT);
    assert!(connected_info(&events, session).tls_version.is_some());
    engine.send(session, Outgoing::Text("secure".into()));
    events.wait_incoming(session, WAIT);

    let mut with_ca = request(&server.url());
    with_ca.settings.ca_cert_path = server.ca_cert_path();
    let session = engine.connect(with_ca);
    events.wait_connected(session, WAIT);

    let mut bad_ca = request(&server.url());
    bad_ca.settings.ca_cert_path = Some("/nonexistent/ca.pem".into());
    bad_ca.settings.reconnect_attempts = 3;
    let session = engine.connect(bad_ca);
    events.wait_closed(session, WAIT);
    let error = error_message(&events.kinds(session)[1]);
    assert!(error.contains("/nonexistent/ca.pem"), "{error}");
    assert!(!events.names(session).contains(&"reconnecting"));
}

#[test]
fn disconnect_cancels_a_hanging_handshake_and_a_pending_reconnect() {
    let (engine, mut events) = engine();
    let listener = SilentListener::start();
    let session = engine.connect(request(&listener.url()));
    events.wait(session, WAIT, |k| k.name() == "connecting");
    let started = std::time::Instant::now();
    engine.disconnect(session);
    let closed = events.wait_closed(session, WAIT);
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(
        closed_parts(&closed),
        (1000, "cancelled while connecting".into(), ClosedBy::Client)
    );

    let dropper = TestServer::start(Behavior::DropAfter { messages: 0 });
    let mut req = request(&dropper.url());
    req.settings.reconnect_attempts = 5;
    req.settings.reconnect_interval_ms = 10_000;
    let session = engine.connect(req);
    events.wait(session, WAIT, |k| k.name() == "reconnecting");
    engine.send(session, Outgoing::Text("too early".into()));
    let error = events.wait(session, WAIT, |k| k.name() == "error");
    assert_eq!(error_message(&error.kind), "not connected");
    let started = std::time::Instant::now();
    engine.disconnect(session);
    let closed = events.wait_closed(session, WAIT);
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(
        closed_parts(&closed),
        (
            1000,
            "cancelled while waiting to reconnect".into(),
            ClosedBy::Client
        )
    );
    assert_eq!(dropper.connection_times().len(), 1);
}

#[test]
fn ping_is_reported_and_answered() {
    let server = echo_server();
    let (engine, mut events) = engine();
    let session = engine.connect(request(&server.url()));
    events.wait_connected(session, WAIT);
    engine.ping(session, Bytes::from_static(b"p1"));
    let ping = events.wait(session, WAIT, |k| k.name() == "ping");
    assert_eq!(
        ping.kind,
        EventKind::Ping {
            direction: Direction::Sent,
            payload: Bytes::from_static(b"p1")
        }
    );
    let pong = events.wait(session, WAIT, |k| k.name() == "pong");
    assert_eq!(
        pong.kind,
        EventKind::Pong {
            direction: Direction::Received,
            payload: Bytes::from_static(b"p1"),
            rtt: match &pong.kind {
                EventKind::Pong { rtt: Some(rtt), .. } => Some(*rtt),
                other => panic!("the pong answers our ping: {other:?}"),
            },
        }
    );
}

#[test]
fn waker_is_throttled_under_a_burst() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = wakes.clone();
    let (engine, rx) = Engine::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let mut events = Events::new(rx);
    let server = TestServer::start(Behavior::Burst { count: 10_000 });
    let session = engine.connect(request(&server.url()));
    // Not drained with try_recv: the one wake stays pending however many events come.
    for _ in 0..10_000 {
        events.wait_incoming(session, WAIT);
    }
    assert_eq!(wakes.load(Ordering::SeqCst), 1);
    // Draining to empty re-arms it: the next event wakes again, once.
    while events.rx.try_recv().is_some() {}
    engine.send(session, Outgoing::Text("again".into()));
    events.wait_incoming(session, WAIT);
    assert_eq!(wakes.load(Ordering::SeqCst), 2);
}

#[test]
fn ui_style_draining_loses_no_wake_and_no_event() {
    use std::sync::mpsc;
    let (wake_tx, wake_rx) = mpsc::channel::<()>();
    let wake_tx = std::sync::Mutex::new(wake_tx);
    let (engine, rx) = Engine::new(move || {
        let _ = wake_tx.lock().unwrap().send(());
    });
    let server = TestServer::start(Behavior::Burst { count: 10_000 });
    let session = engine.connect(request(&server.url()));
    let mut incoming = 0;
    let mut cycles = 0;
    while incoming < 10_000 {
        // Like a UI frame: sleep until woken, then drain everything that is there.
        wake_rx
            .recv_timeout(WAIT)
            .expect("a wake must come while events are waiting");
        cycles += 1;
        while let Some(event) = rx.try_recv() {
            if event.session == session && event.kind.name() == "incoming" {
                incoming += 1;
            }
        }
    }
    assert_eq!(incoming, 10_000);
    assert!(cycles <= 10_000, "{cycles}");
}

#[test]
fn dropping_the_engine_does_not_hang() {
    let listener = SilentListener::start();
    let server = echo_server();
    let (engine, mut events) = engine();
    let hanging = engine.connect(request(&listener.url()));
    events.wait(hanging, WAIT, |k| k.name() == "connecting");
    let live = engine.connect(request(&server.url()));
    events.wait_connected(live, WAIT);
    let started = std::time::Instant::now();
    drop(engine);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn disconnect_hard_stops_when_the_server_never_answers_the_close() {
    let server = TestServer::start(Behavior::Stall);
    let (engine, mut events) = engine();
    let session = engine.connect(request(&server.url()));
    events.wait_connected(session, WAIT);
    let started = std::time::Instant::now();
    engine.disconnect(session);
    let closed = events.wait_closed(session, WAIT);
    let elapsed = started.elapsed();
    assert_eq!(
        closed_parts(&closed),
        (1000, String::new(), ClosedBy::Client)
    );
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_millis(1500),
        "{elapsed:?}"
    );
}

#[test]
fn a_consumer_that_falls_behind_pauses_reading_and_loses_nothing() {
    use std::time::Instant;
    use wsprobe::engine::MAX_BACKLOG;
    let (listener, addr) = runtime()
        .block_on(wsprobe::serve::bind("127.0.0.1", 0))
        .unwrap();
    runtime().spawn(wsprobe::serve::serve(listener));
    let (engine, rx) = Engine::new(|| {});
    let count = 1_000_000;
    let session = engine.connect(request(&format!("ws://{addr}/flood?n={count}&size=10")));
    // Nobody drains: the backlog grows to the limit...
    let deadline = Instant::now() + Duration::from_secs(20);
    while rx.backlog() < MAX_BACKLOG {
        assert!(
            Instant::now() < deadline,
            "backlog stuck at {}",
            rx.backlog()
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    // ...and stays there (within one read's batch) while it waits.
    let mut peak = 0;
    let window = Instant::now() + Duration::from_millis(300);
    while Instant::now() < window {
        peak = peak.max(rx.backlog());
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(peak <= MAX_BACKLOG + 32 * 1024, "backlog grew to {peak}");
    // Draining lets the session go on, and every message arrives.
    let mut received = 0;
    loop {
        let event = rx.recv_timeout(Duration::from_secs(20)).expect("events");
        assert_eq!(event.session, session);
        match event.kind {
            EventKind::Message { .. } => received += 1,
            EventKind::Closed { code, by, .. } => {
                assert_eq!((code, by), (1000, ClosedBy::Server));
                break;
            }
            _ => {}
        }
    }
    assert_eq!(received, count);
    assert_eq!(rx.backlog(), 0);
}
