//! permessage-deflate (RFC 7692) end to end: the engine against python-websockets (a real
//! server that compresses, fragments and keeps its context), hand-made handshakes that break
//! the negotiation, a zip bomb, and `wsprobe run` against `wsprobe serve /flood?deflate=1`.

use crate::support;

use std::time::Duration;

use crate::hostile::errors;
use bytes::Bytes;
use support::peers::{Peer, python_websockets};
use support::*;
use tokio::io::AsyncWriteExt as _;
use wsprobe::engine::{ClosedBy, Direction, Event, EventKind, Outgoing, SessionId};
use wsprobe::model::Compression;

const WAIT: Duration = Duration::from_secs(10);

/// A python-websockets server (compression on, its defaults) on a port of its choosing.
/// `/` echoes; `/fragments` first sends a fragmented compressed message and three equal
/// messages (the later ones compress against the first: context takeover), then echoes.
fn python_server() -> Peer {
    python_websockets(
        r#"
async def handler(ws):
    path = getattr(ws, "path", None) or ws.request.path
    if path == "/fragments":
        await ws.send(iter(["alpha " * 300, "beta " * 300, "gamma " * 300]))
        for _ in range(3):
            await ws.send("repeat me " * 300)
    async for message in ws:
        await ws.send(message)
"#,
        "max_size=None",
        "a python-websockets server",
    )
}

fn connect(
    url: &str,
    compression: Compression,
) -> (wsprobe::engine::Engine, Events, SessionId, Event) {
    let (engine, mut events) = engine();
    let mut request = request(url);
    request.settings.compression = compression;
    let session = engine.connect(request);
    let connected = events.wait(session, WAIT, |k| {
        matches!(k, EventKind::Connected(_) | EventKind::Closed { .. })
    });
    (engine, events, session, connected)
}

fn message(event: &Event) -> (Direction, &Bytes, Option<u64>) {
    match &event.kind {
        EventKind::Message {
            direction, payload, ..
        } => (*direction, payload, event.wire_size()),
        other => panic!("not a message: {other:?}"),
    }
}

#[test]
fn python_websockets_compresses_both_ways_with_fragments_and_context_takeover() {
    let server = python_server();
    let (engine, mut events, session, connected) =
        connect(&server.ws_url("/fragments"), Compression::default());
    let EventKind::Connected(info) = &connected.kind else {
        panic!("not connected: {:#?}", events.kinds(session))
    };
    let agreed = info
        .compression
        .expect("python-websockets accepts the offer");
    // python-websockets limits our window (it answers the client_max_window_bits we offer).
    assert!(agreed.client_max_window_bits <= 15);
    assert!(agreed.to_string().starts_with("permessage-deflate"));
    let offered = info
        .request_headers
        .iter()
        .find(|(name, _)| name == "Sec-WebSocket-Extensions")
        .map(|(_, value)| value.as_str());
    assert_eq!(offered, Some("permessage-deflate; client_max_window_bits"));

    // The fragmented message, inflated whole.
    let first = events.wait_incoming(session, WAIT);
    let (_, payload, wire) = message(&first);
    let expected = [
        "alpha ".repeat(300),
        "beta ".repeat(300),
        "gamma ".repeat(300),
    ]
    .concat();
    assert_eq!(&payload[..], expected.as_bytes());
    assert!(wire.is_some_and(|w| w < 200), "{wire:?}");
    // Equal messages: the second and third refer back to the first, so they are smaller.
    let sizes: Vec<u64> = (0..3)
        .map(|_| {
            let event = events.wait_incoming(session, WAIT);
            let (_, payload, wire) = message(&event);
            assert_eq!(&payload[..], "repeat me ".repeat(300).as_bytes());
            wire.expect("compressed")
        })
        .collect();
    assert!(sizes[1] < sizes[0], "{sizes:?}");

    // Ours, compressed; the server inflates it and sends it back compressed.
    let text = "{\"id\":1,\"name\":\"sensor\",\"on\":true}".repeat(200);
    engine.send(session, Outgoing::Text(text.clone()));
    let sent = events.wait(session, WAIT, |k| k.name() == "outgoing");
    let (_, payload, wire) = message(&sent);
    assert_eq!(&payload[..], text.as_bytes());
    assert!(wire.is_some_and(|w| w < 500), "{wire:?}");
    let echo = events.wait_incoming(session, WAIT);
    assert_eq!(&message(&echo).1[..], text.as_bytes());
    // Binary too, and an empty message.
    let binary = Bytes::from((0..5000u32).map(|i| (i % 7) as u8).collect::<Vec<_>>());
    engine.send(session, Outgoing::Binary(binary.clone()));
    assert_eq!(message(&events.wait_incoming(session, WAIT)).1, &binary);
    engine.send(session, Outgoing::Text(String::new()));
    assert!(message(&events.wait_incoming(session, WAIT)).1.is_empty());

    engine.disconnect(session);
    let EventKind::Closed { code, .. } = events.wait_closed(session, WAIT) else {
        unreachable!()
    };
    assert_eq!(code, 1000);
}

#[test]
fn the_offer_parameters_reach_the_server_and_off_offers_nothing() {
    let server = python_server();
    let asked = Compression {
        server_no_context_takeover: true,
        client_no_context_takeover: true,
        server_max_window_bits: Some(10),
        client_max_window_bits: Some(9),
        ..Compression::default()
    };
    let (engine, mut events, session, connected) = connect(&server.ws_url("/"), asked);
    let EventKind::Connected(info) = &connected.kind else {
        panic!("not connected: {:#?}", events.kinds(session))
    };
    let agreed = info.compression.expect("accepted");
    assert!(agreed.server_no_context_takeover && agreed.client_no_context_takeover);
    assert!(agreed.server_max_window_bits <= 10);
    assert_eq!(agreed.client_max_window_bits, 9);
    for round in 0..3 {
        let text = format!("round {round} ").repeat(400);
        engine.send(session, Outgoing::Text(text.clone()));
        let echo = events.wait_incoming(session, WAIT);
        let (_, payload, wire) = message(&echo);
        assert_eq!(&payload[..], text.as_bytes());
        assert!(wire.is_some());
    }
    engine.disconnect(session);
    events.wait_closed(session, WAIT);

    let (engine, mut events, session, connected) = connect(&server.ws_url("/"), Compression::off());
    let EventKind::Connected(info) = &connected.kind else {
        panic!("not connected: {:#?}", events.kinds(session))
    };
    assert_eq!(info.compression, None);
    assert!(
        info.request_headers
            .iter()
            .all(|(name, _)| name != "Sec-WebSocket-Extensions")
    );
    engine.send(session, Outgoing::Text("x".repeat(1000)));
    let echo = events.wait_incoming(session, WAIT);
    assert_eq!(message(&echo).2, None);
    engine.disconnect(session);
    events.wait_closed(session, WAIT);
}

/// A server that answers the upgrade with `extensions` as its Sec-WebSocket-Extensions.
fn answering(extensions: &'static str) -> RawServer {
    RawServer::start(move |mut tcp| async move {
        let Some(key) = read_upgrade_request(&mut tcp).await else {
            return;
        };
        let head = switching_protocols(&key).replace(
            "\r\n\r\n",
            &format!("\r\nSec-WebSocket-Extensions: {extensions}\r\n\r\n"),
        );
        let _ = tcp.write_all(head.as_bytes()).await;
        let _ = read_client_close(&mut tcp, WAIT).await;
    })
}

#[test]
fn an_answer_we_did_not_offer_fails_the_handshake_and_names_it() {
    let cases = [
        (
            "permessage-deflate; foo=1",
            Compression::default(),
            "parameter `foo`",
        ),
        (
            "x-webkit-deflate-frame",
            Compression::default(),
            "`x-webkit-deflate-frame`",
        ),
        (
            "permessage-deflate; server_max_window_bits=7",
            Compression::default(),
            "server_max_window_bits=7",
        ),
        (
            "permessage-deflate",
            Compression::off(),
            "compression is off",
        ),
    ];
    for (answer, compression, named) in cases {
        let server = answering(answer);
        let (_engine, events, session, first) = connect(&server.url(), compression);
        assert!(
            matches!(first.kind, EventKind::Closed { code: 1006, .. }),
            "{answer}: {:#?}",
            events.kinds(session)
        );
        let error = errors(&events, session).join("\n");
        assert!(error.contains(named), "{answer}: {error}");
    }
}

/// 1 GiB of zeros as one raw-deflate message (about 1 MB).
fn gigabyte_of_zeros_deflated() -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let mut raw = Compress::new(Compression::default(), false);
    let zeros = vec![0u8; 1 << 20];
    let mut out = Vec::with_capacity(2 << 20);
    for i in 0..1024 {
        let flush = if i == 1023 {
            FlushCompress::Sync
        } else {
            FlushCompress::None
        };
        let mut input = &zeros[..];
        loop {
            out.reserve(64 * 1024);
            let before = raw.total_in();
            raw.compress_vec(input, &mut out, flush).expect("deflate");
            input = &input[(raw.total_in() - before) as usize..];
            if input.is_empty() && out.capacity() - out.len() > 64 {
                break;
            }
        }
    }
    assert!(out.ends_with(&[0, 0, 0xff, 0xff]));
    out.truncate(out.len() - 4);
    out
}

/// Peak resident memory of this process so far, in KiB (VmHWM).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_zip_bomb_ends_the_connection_with_1009_and_memory_stays_bounded() {
    let bomb = std::sync::Arc::new(support::server_frame(0xC2, &gigabyte_of_zeros_deflated()));
    assert!(bomb.len() < 8 << 20, "{}", bomb.len());
    let server = {
        let bomb = bomb.clone();
        RawServer::start(move |mut tcp| {
            let bomb = bomb.clone();
            async move {
                let Some(key) = read_upgrade_request(&mut tcp).await else {
                    return;
                };
                let head = switching_protocols(&key).replace(
                    "\r\n\r\n",
                    "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
                );
                let _ = tcp.write_all(head.as_bytes()).await;
                let _ = tcp.write_all(&bomb).await;
                let _ = read_client_close(&mut tcp, WAIT).await;
            }
        })
    };
    let before = peak_rss_kib();
    let (engine, mut events) = engine();
    let mut request = request(&server.url());
    request.settings.max_message_size_bytes = 16 << 20;
    let session = engine.connect(request);
    let closed = events.wait_closed(session, Duration::from_secs(30));
    assert!(
        matches!(
            closed,
            EventKind::Closed {
                code: 1009,
                by: ClosedBy::Client,
                ..
            }
        ),
        "{:#?}",
        events.kinds(session)
    );
    let error = errors(&events, session).join("\n");
    assert!(
        error.contains("past the maximum message size of 16777216 bytes"),
        "{error}"
    );
    assert!(
        !events.names(session).contains(&"incoming"),
        "{:#?}",
        events.names(session)
    );
    // Inflating stopped at the limit: nowhere near the gigabyte it would have been.
    let grew_mib = peak_rss_kib().saturating_sub(before) / 1024;
    assert!(grew_mib < 400, "peak memory grew by {grew_mib} MiB");
}

#[test]
fn wsprobe_run_reports_wire_size_from_a_compressed_flood_and_no_deflate_turns_it_off() {
    let addr = runtime().block_on(async {
        let (listener, addr) = wsprobe::serve::bind("127.0.0.1", 0).await.unwrap();
        tokio::spawn(wsprobe::serve::serve(listener));
        addr
    });
    let url = format!("ws://{addr}/flood?deflate=1&n=20&size=4096");
    let run = crate::cli::wsprobe(&[&url, "--output", "jsonl"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    let connected = lines
        .iter()
        .find(|l| l["kind"] == "connected")
        .expect("connected");
    assert_eq!(
        connected["compression"],
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=15; client_max_window_bits=15"
    );
    let incoming: Vec<_> = lines.iter().filter(|l| l["kind"] == "incoming").collect();
    assert_eq!(incoming.len(), 20);
    for line in &incoming {
        assert_eq!(line["size"], 4096);
        let wire = line["wire_size"].as_u64().expect("wire_size");
        assert!(wire < 2048, "{line}");
        // `text` is the uncompressed payload.
        assert_eq!(line["text"].as_str().map(str::len), Some(4096));
    }

    let run = crate::cli::wsprobe(&[&url, "--output", "jsonl", "--no-deflate"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("must offer permessage-deflate"),
        "{run:?}"
    );
    // Uncompressed messages report their own size as the wire size.
    let plain = format!("ws://{addr}/flood?n=2&size=100");
    let run = crate::cli::wsprobe(&[&plain, "--output", "jsonl", "--no-deflate"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    let incoming = lines
        .iter()
        .find(|l| l["kind"] == "incoming")
        .expect("incoming");
    assert_eq!(incoming["wire_size"], 100);
    let connected = lines
        .iter()
        .find(|l| l["kind"] == "connected")
        .expect("connected");
    assert!(connected["compression"].is_null());
}

/// `wsprobe serve` in this process; its base URL.
fn serve() -> String {
    let addr = runtime().block_on(async {
        let (listener, addr) = wsprobe::serve::bind("127.0.0.1", 0).await.unwrap();
        tokio::spawn(wsprobe::serve::serve(listener));
        addr
    });
    format!("ws://{addr}")
}

#[test]
fn the_window_sets_compression_and_shows_both_sizes_and_what_was_agreed() {
    use egui::accesskit::Role;
    use egui_kittest::kittest::{NodeT as _, Queryable as _};
    use support::gui::*;

    let base = serve();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    let id = selected_id(&h);
    let compression = |h: &egui_kittest::Harness<'_, wsprobe::ui::App>| {
        h.state()
            .workspace()
            .request(&id)
            .unwrap()
            .settings
            .compression
    };
    assert_eq!(compression(&h), Compression::default());

    // Settings → Compression: Off, then On with a parameter.
    h.get_by_label("Settings").click();
    h.run();
    h.get_by_role_and_label(Role::RadioButton, "Off").click();
    h.run();
    assert!(!compression(&h).enabled);
    assert!(
        h.get_by_label("Server no context takeover")
            .accesskit_node()
            .is_disabled()
    );
    h.get_by_role_and_label(Role::RadioButton, "On (permessage-deflate)")
        .click();
    h.run();
    h.get_by_label("Server no context takeover").click();
    h.run();
    assert!(compression(&h).enabled && compression(&h).server_no_context_takeover);
    // The Headers tab lists the offer the handshake adds.
    h.get_by_label("Headers").click();
    h.run();
    assert!(has_label_containing(
        &h,
        "permessage-deflate; server_no_context_takeover; client_max_window_bits"
    ));

    h.get_by_label("Message").click();
    h.run();
    set_url(&mut h, &format!("{base}/flood?deflate=1&n=3&size=4096"));
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "the compressed flood", |h| {
        log_of(h).received().0 == 3
    });
    // Each row shows both sizes.
    assert_eq!(rows(&h, '↓', "4.0 KiB · "), 3, "rows show both sizes");
    assert!(has_label_containing(&h, "on the wire"));
    click_row(&mut h, '↓', "on the wire");
    assert!(has_label_containing(&h, "4096 bytes (4.0 KiB) · "));
    assert!(has_label_containing(&h, "bytes on the wire (compressed)"));
    // The timeline shows what the server accepted.
    click_row(&mut h, '•', "Connected to");
    assert!(has_label_containing(
        &h,
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=15"
    ));
}
