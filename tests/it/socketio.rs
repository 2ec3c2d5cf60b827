//! Socket.IO requests through `wsprobe run`, against real Socket.IO servers (Node's socket.io
//! 4 and 2, python-socketio 5; `support::socketio`): events and acks both ways, namespace
//! middleware, binary attachments, server disconnects, heartbeats, Engine.IO 3, JSONL and
//! text output, `--count`, `--emit`/`--ack-timeout`, bad input.

use serde_json::{Value, json};

use crate::cli::{Run, wsprobe};
use crate::support::peers::Peer;
use crate::support::socketio::{self, http_url};

/// The `socketio` objects of the JSONL lines of `kind` (`incoming`/`outgoing`).
fn packets<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines
        .iter()
        .filter(|l| l["kind"] == kind && l.get("socketio").is_some())
        .map(|l| &l["socketio"])
        .collect()
}

/// The `socketio` objects of `kind` lines whose packet is `packet`.
fn of<'a>(lines: &'a [Value], kind: &str, packet: &str) -> Vec<&'a Value> {
    packets(lines, kind)
        .into_iter()
        .filter(|p| p["packet"] == packet)
        .collect()
}

fn events_named<'a>(lines: &'a [Value], kind: &str, name: &str) -> Vec<&'a Value> {
    packets(lines, kind)
        .into_iter()
        .filter(|p| p["packet"] == "event" && p["event"] == name)
        .collect()
}

fn run(peer: &Peer, extra: &[&str]) -> Run {
    let url = http_url(peer);
    let mut args = vec!["--socketio", url.as_str(), "--output", "jsonl"];
    args.extend_from_slice(extra);
    wsprobe(&args)
}

/// Our emit is answered by the server's ack (with its round trip) and echoed as an event.
fn emits_are_acked_and_echoed(peer: &Peer) {
    let run = run(
        peer,
        &[
            "--emit",
            "chat.message",
            r#"["hi", {"from": "ann"}]"#,
            "--ack-timeout",
            "5000",
            "--count",
            "2",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    let welcome = events_named(&lines, "incoming", "welcome");
    assert_eq!(welcome[0]["args"], json!([{"from": "server"}]), "{run:?}");
    assert_eq!(welcome[0]["namespace"], "/");
    assert!(welcome[0]["ack_id"].is_null(), "{run:?}");
    let sent = events_named(&lines, "outgoing", "chat.message");
    assert_eq!(sent.len(), 1, "{run:?}");
    assert_eq!(sent[0]["args"], json!(["hi", {"from": "ann"}]));
    let id = sent[0]["ack_id"]
        .as_u64()
        .expect("the emit asks for an ack");
    let acks: Vec<_> = of(&lines, "incoming", "ack");
    assert_eq!(acks.len(), 1, "{run:?}");
    assert_eq!(acks[0]["ack_id"], id);
    assert_eq!(acks[0]["args"], json!(["got", 2]));
    assert!(acks[0]["rtt_ms"].as_f64().is_some(), "{run:?}");
    let echoed = events_named(&lines, "incoming", "chat.message");
    assert_eq!(echoed[0]["args"], json!(["hi", {"from": "ann"}]), "{run:?}");
    // Raw frames are hidden without --raw-frames.
    assert!(
        lines
            .iter()
            .all(|l| !(l["kind"] == "incoming" && l.get("socketio").is_none())),
        "{run:?}"
    );
}

/// The server's emit that asks for an ack is acked (no args) without a script.
fn server_emits_are_auto_acked(peer: &Peer) {
    let run = run(peer, &["--emit", "ask", r#"["2+2?"]"#, "--count", "3"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    let question = events_named(&lines, "incoming", "question");
    assert_eq!(question[0]["args"], json!(["2+2?"]), "{run:?}");
    let id = question[0]["ack_id"]
        .as_u64()
        .expect("the server asks for an ack");
    let ours: Vec<_> = of(&lines, "outgoing", "ack");
    assert_eq!(ours.len(), 1, "{run:?}");
    assert_eq!(
        (&ours[0]["ack_id"], &ours[0]["args"]),
        (&json!(id), &json!([]))
    );
    let answered = events_named(&lines, "incoming", "answered");
    assert_eq!(answered[0]["args"], json!([]), "{run:?}");
}

/// Middleware refusing the token: CONNECT_ERROR, exit 1 with the message, never retried.
fn a_bad_token_is_refused_once(peer: &Peer) {
    let run = run(
        peer,
        &[
            "--namespace",
            "/admin",
            "--auth-json",
            r#"{"token": "<<token>>"}"#,
            "--var",
            "token=bad",
            "--reconnect-attempts",
            "3",
            "--reconnect-interval",
            "10",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("bad token"), "{run:?}");
    let lines = run.jsonl();
    let connecting = lines.iter().filter(|l| l["kind"] == "connecting").count();
    assert_eq!(connecting, 1, "a connect error is never retried: {run:?}");
    let refused: Vec<_> = of(&lines, "incoming", "connect_error");
    assert_eq!(refused[0]["message"], "bad token", "{run:?}");
    assert_eq!(refused[0]["namespace"], "/admin");

    let good = run_good_token(peer);
    assert_eq!(good.code, 0, "{good:?}");
    let hello = events_named(&good.jsonl(), "incoming", "admin.hello")[0].clone();
    assert_eq!(hello["args"], json!([{"token": "good"}]), "{good:?}");
    assert_eq!(hello["namespace"], "/admin");
}

fn run_good_token(peer: &Peer) -> Run {
    run(
        peer,
        &[
            "--namespace",
            "admin",
            "--auth-json",
            r#"{"token": "good"}"#,
            "--count",
            "2",
        ],
    )
}

/// A BINARY_EVENT and a BINARY_ACK from the server: attachments reassembled, placeholders in
/// the args.
fn binary_attachments_arrive(peer: &Peer) {
    let run = run(
        peer,
        &[
            "--emit",
            "bin",
            "[7]",
            "--ack-timeout",
            "5000",
            "--count",
            "2",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    let bin = events_named(&lines, "incoming", "bin");
    assert_eq!(
        bin[0]["args"],
        json!([{"_placeholder": true, "num": 0}, {"sizes": [-1]}]),
        "{run:?}"
    );
    assert_eq!(bin[0]["attachments"], json!(["AQID/w=="]), "{run:?}");
    let ack = of(&lines, "incoming", "ack")
        .into_iter()
        .next()
        .expect("the ack");
    assert_eq!(
        ack["args"],
        json!([[-1], {"_placeholder": true, "num": 0}]),
        "{run:?}"
    );
    assert_eq!(ack["attachments"], json!(["CQg="]), "{run:?}");
}

/// The server disconnects the namespace: reported, a normal end (exit 0), no reconnect.
fn the_server_disconnects(peer: &Peer) {
    let run = run(peer, &["--emit", "bye", "[]", "--reconnect-attempts", "2"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    assert!(
        packets(&lines, "incoming")
            .iter()
            .any(|p| p["packet"] == "disconnect"),
        "{run:?}"
    );
    let closed = lines.last().unwrap();
    assert_eq!(
        (&closed["kind"], &closed["code"], &closed["by"]),
        (&json!("closed"), &json!(1000), &json!("server"))
    );
    assert_eq!(
        lines.iter().filter(|l| l["kind"] == "connecting").count(),
        1
    );
}

#[test]
fn node_v4_events_acks_namespaces_binary_and_disconnect() {
    let peer = socketio::node_v4(None);
    emits_are_acked_and_echoed(&peer);
    server_emits_are_auto_acked(&peer);
    a_bad_token_is_refused_once(&peer);
    binary_attachments_arrive(&peer);
    the_server_disconnects(&peer);
}

#[test]
fn python_socketio_events_acks_namespaces_binary_and_disconnect() {
    let peer = socketio::python(None);
    emits_are_acked_and_echoed(&peer);
    server_emits_are_auto_acked(&peer);
    a_bad_token_is_refused_once(&peer);
    binary_attachments_arrive(&peer);
    the_server_disconnects(&peer);
}

#[test]
fn text_output_shows_events_as_the_issue_does() {
    // python-socketio writes JSON with ", " and ": ", as the issue's example.
    let peer = socketio::python(None);
    let url = http_url(&peer);
    let run = wsprobe(&[
        "--socketio",
        &url,
        "--emit",
        "chat.message",
        r#"["hi", {"from": "ann"}]"#,
        "--count",
        "2",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .lines()
            .any(|l| l.ends_with(r#"↓ event chat.message ["hi", {"from": "ann"}]"#)),
        "{run:?}"
    );
    assert!(run.stdout.contains("↑ event chat.message"), "{run:?}");
    assert!(
        !run.stdout.contains("42["),
        "raw frames are hidden: {run:?}"
    );

    let raw = wsprobe(&["--socketio", &url, "--count", "1", "--raw-frames"]);
    assert_eq!(raw.code, 0, "{raw:?}");
    assert!(raw.stdout.contains("42[\"welcome\""), "{raw:?}");
    assert!(raw.stdout.contains("↓ event welcome"), "{raw:?}");
}

#[test]
fn count_counts_socketio_events_not_frames() {
    let peer = socketio::node_v4(None);
    let run = run(
        &peer,
        &["--emit", "flood", "[50]", "--count", "20", "--raw-frames"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    let received = packets(&lines, "incoming")
        .into_iter()
        .filter(|p| p["packet"] == "event")
        .count();
    assert_eq!(received, 20, "{run:?}");
    let ticks = events_named(&lines, "incoming", "tick");
    assert_eq!(ticks.last().unwrap()["args"], json!([18]), "{run:?}");

    let url = http_url(&peer);
    let quiet = wsprobe(&[
        "--socketio",
        &url,
        "--emit",
        "flood",
        "[50]",
        "--count",
        "20",
        "--output",
        "quiet",
    ]);
    assert_eq!(quiet.code, 0, "{quiet:?}");
    assert!(
        quiet.stdout.starts_with("received 20 Socket.IO events ("),
        "{quiet:?}"
    );
}

#[test]
fn an_unanswered_ack_is_exit_1() {
    let peer = socketio::node_v4(None);
    // `flood` is never acked.
    let run = run(&peer, &["--emit", "flood", "[0]", "--ack-timeout", "200"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("no ack for emit 0 within 200 ms"),
        "{run:?}"
    );
    let timeouts: Vec<_> = packets(&run.jsonl(), "outgoing")
        .into_iter()
        .filter(|p| p["packet"] == "ack_timeout")
        .map(|p| (p["ack_id"].clone(), p["after_ms"].clone()))
        .collect();
    assert_eq!(timeouts, vec![(json!(0), json!(200))], "{run:?}");
}

#[test]
fn heartbeats_are_answered_across_intervals_and_a_stall_is_detected() {
    // The server pings every 100 ms and drops a client whose pong is 400 ms late.
    let peer = socketio::node_v4(Some((100, 400)));
    let run = run(&peer, &["--duration", "1.2", "--raw-frames"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    let frames = |kind: &str, text: &str| {
        lines
            .iter()
            .filter(|l| l["kind"] == kind && l.get("socketio").is_none() && l["text"] == text)
            .count()
    };
    assert!(frames("incoming", "2") >= 5, "{run:?}");
    assert!(frames("outgoing", "3") >= 5, "{run:?}");
    let closed = lines.last().unwrap();
    assert_eq!(
        closed["by"], "client",
        "we ended it, at --duration: {run:?}"
    );

    // The server stops for 1.5 s: no ping within 500 ms is a lost connection.
    let stalled = run_stall(&peer);
    assert_eq!(stalled.code, 1, "{stalled:?}");
    assert!(
        stalled
            .stderr
            .contains("no ping from the server within 500 ms"),
        "{stalled:?}"
    );
}

fn run_stall(peer: &Peer) -> Run {
    run(peer, &["--emit", "stall", "[1500]"])
}

#[test]
fn a_socketio_v2_server_over_engine_io_3() {
    // We ping (every 100 ms), the server answers; a missing ping would drop us after 500 ms.
    let peer = socketio::node_v2(Some((100, 400)));
    let run = run(
        &peer,
        &[
            "--eio",
            "3",
            "--emit",
            "echo",
            r#"[1, "a"]"#,
            "--ack-timeout",
            "5000",
            "--emit",
            "bin",
            "[]",
            "--duration",
            "1",
            "--raw-frames",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    let connecting = &lines.iter().find(|l| l["kind"] == "connecting").unwrap()["url"];
    assert!(
        connecting
            .as_str()
            .unwrap()
            .ends_with("/socket.io/?EIO=3&transport=websocket"),
        "{run:?}"
    );
    let frames = |kind: &str, text: &str| {
        lines
            .iter()
            .filter(|l| l["kind"] == kind && l.get("socketio").is_none() && l["text"] == text)
            .count()
    };
    assert!(frames("outgoing", "2") >= 5, "{run:?}");
    assert!(frames("incoming", "3") >= 5, "{run:?}");
    let acks: Vec<_> = of(&lines, "incoming", "ack");
    assert_eq!(acks[0]["args"], json!([1, "a"]), "{run:?}");
    let bin = events_named(&lines, "incoming", "bin");
    assert_eq!(bin[0]["attachments"], json!(["AQID/w=="]), "{run:?}");
    assert_eq!(events_named(&lines, "incoming", "welcome").len(), 1);
}

#[test]
fn bad_socketio_input_is_exit_2_before_connecting() {
    for (args, needle) in [
        (
            vec!["--socketio", "http://127.0.0.1:9", "--emit", "x", "{}"],
            "must be a JSON array",
        ),
        (
            vec!["--socketio", "http://127.0.0.1:9", "--emit", "x", "[1,"],
            "not valid JSON",
        ),
        (
            vec!["--socketio", "http://127.0.0.1:9", "--auth-json", "[1]"],
            "must be a JSON object",
        ),
        (
            vec!["ws://127.0.0.1:9", "--emit", "x", "[]"],
            "--emit is for Socket.IO requests",
        ),
        (vec!["--socketio", "http://127.0.0.1:9", "--eio", "5"], "5"),
    ] {
        let run = wsprobe(&args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(needle), "{args:?}: {run:?}");
        assert!(run.stdout.is_empty(), "nothing connected: {run:?}");
    }
}

#[test]
fn a_saved_socketio_request_runs_by_name_with_its_draft() {
    use wsprobe::model::{EngineIoVersion, RequestKind, SavedRequest, SocketIoSettings};
    use wsprobe::store::Store;
    let peer = socketio::node_v4(None);
    let dir = tempfile::tempdir().unwrap();
    let (mut store, mut ws, problems) = Store::open(dir.path()).unwrap();
    assert!(problems.is_empty());
    let mut request = SavedRequest::new("Admin feed", format!("ws://127.0.0.1:{}", peer.port));
    request.kind = RequestKind::SocketIo;
    request.socketio = SocketIoSettings {
        version: EngineIoVersion::V4,
        namespace: "/admin".into(),
        auth: r#"{"token": "<<token>>"}"#.into(),
        ack_timeout_ms: 3000,
        ..SocketIoSettings::default()
    };
    request.draft.event = "echo".into();
    request.draft.body = "\"one\"\n{\"two\": 2}".into();
    request.draft.expect_ack = true;
    request.variables = vec![wsprobe::model::Variable::new("token", "good")];
    ws.requests.push(request);
    store.save(&ws).unwrap();
    let workspace = dir.path().to_str().unwrap();

    let run = wsprobe(&[
        "admin feed",
        "--workspace",
        workspace,
        "--output",
        "jsonl",
        "--count",
        "2",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    let sent = events_named(&lines, "outgoing", "echo");
    assert_eq!(sent[0]["args"], json!(["one", {"two": 2}]), "{run:?}");
    assert_eq!(sent[0]["namespace"], "/admin");
    let ack = of(&lines, "incoming", "ack")
        .into_iter()
        .next()
        .expect("the draft asked for an ack");
    assert_eq!(ack["args"], json!(["one", {"two": 2}]), "{run:?}");
    // Our CONNECT's auth payload is not printed.
    let connect = of(&lines, "outgoing", "connect")
        .into_iter()
        .next()
        .expect("our connect");
    assert!(connect.get("data").is_none(), "{run:?}");
}
