//! `wsprobe run`'s keep-alive and heartbeat flags end to end: `--ping`, `--ping-interval`,
//! `--pong-timeout`, `--no-auto-pong` and `--every`, against the tungstenite server of
//! `support`, a server that never answers, and python-websockets.

use crate::cli::{kinds, wsprobe};
use crate::keepalive::{all_distinct, python_pinging_server};
use crate::support::*;

use serde_json::Value;

fn of_kind<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["kind"] == kind).collect()
}

#[test]
fn pings_go_in_order_with_the_sends_and_pongs_carry_rtt_ms() {
    let server = echo_server();
    let run = wsprobe(&[
        &server.url(),
        "--send",
        "first",
        "--ping",
        "p1",
        "--send",
        "second",
        "--count",
        "2",
        "--output",
        "jsonl",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    let sent: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l["kind"] == "outgoing" || (l["kind"] == "ping" && l["direction"] == "sent"))
        .map(|l| (l["kind"].as_str().unwrap(), l["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        sent,
        [
            ("outgoing", "first"),
            ("ping", "p1"),
            ("outgoing", "second")
        ],
        "{run:?}"
    );
    let pongs = of_kind(&lines, "pong");
    assert_eq!(pongs.len(), 1, "{run:?}");
    let pong = pongs[0];
    assert_eq!(pong["direction"], "received");
    assert_eq!(pong["size"], 2);
    assert_eq!(pong["text"], "p1");
    let rtt = pong["rtt_ms"].as_f64().expect("rtt_ms is a number");
    assert!(rtt > 0.0 && rtt < 5_000.0, "{rtt}");
    // A ping without a payload is an empty one.
    let run = wsprobe(&[&server.url(), "--ping", "--count", "0", "--output", "jsonl"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    let ping = of_kind(&lines, "ping");
    assert_eq!(ping.len(), 1, "{run:?}");
    assert_eq!(ping[0]["size"], 0);
}

#[test]
fn a_ping_payload_over_125_bytes_is_bad_input() {
    let long = "x".repeat(126);
    let run = wsprobe(&["ws://127.0.0.1:9/", "--ping", &long]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("at most 125"), "{run:?}");
    let run = wsprobe(&["ws://127.0.0.1:9/", "--every", "0", "--send", "x"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--every"), "{run:?}");
    let run = wsprobe(&["ws://127.0.0.1:9/", "--every", "100"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--every repeats"), "{run:?}");
}

#[test]
fn ping_interval_pings_with_counted_payloads_and_text_shows_the_rtt() {
    let server = echo_server();
    let run = wsprobe(&[
        &server.url(),
        "--ping-interval",
        "40",
        "--pong-timeout",
        "2000",
        "--duration",
        "0.6",
        "--output",
        "jsonl",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    let pings: Vec<&str> = of_kind(&lines, "ping")
        .iter()
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert!(pings.len() >= 3, "{run:?}");
    assert_eq!(pings[..3], ["1", "2", "3"]);
    let pongs = of_kind(&lines, "pong");
    assert!(pongs.len() >= 3, "{run:?}");
    assert!(pongs.iter().all(|p| p["rtt_ms"].is_number()), "{run:?}");

    let run = wsprobe(&[&server.url(), "--ping", "hi", "--duration", "0.5"]);
    assert_eq!(run.code, 0, "{run:?}");
    let pong_line = run
        .stdout
        .lines()
        .find(|l| l.contains("pong"))
        .unwrap_or_else(|| panic!("{run:?}"));
    assert!(pong_line.contains("↓ pong"), "{pong_line}");
    assert!(pong_line.contains(" · rtt "), "{pong_line}");
    assert!(pong_line.ends_with(" ms"), "{pong_line}");
}

#[test]
fn pong_timeout_ends_the_run_with_1_and_1006() {
    let server = TestServer::start(Behavior::Stall);
    let run = wsprobe(&[
        &server.url(),
        "--ping-interval",
        "30",
        "--pong-timeout",
        "120",
        "--output",
        "jsonl",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stderr.trim(),
        "wsprobe: connection closed 1006 Abnormal closure: no pong within 120 ms (by network)",
        "{run:?}"
    );
    let lines = run.jsonl();
    assert_eq!(kinds(&lines).last(), Some(&"closed"));
}

#[test]
fn no_auto_pong_gets_us_dropped_by_python_websockets() {
    let server = python_pinging_server(0.1, 0.5);
    let url = server.ws_url("/");
    let run = wsprobe(&[&url, "--duration", "0.8", "--output", "jsonl"]);
    assert_eq!(run.code, 0, "answering its pings keeps us: {run:?}");
    let lines = run.jsonl();
    assert!(of_kind(&lines, "ping").len() >= 2, "{run:?}");
    assert!(!of_kind(&lines, "pong").is_empty(), "{run:?}");

    let run = wsprobe(&[
        &url,
        "--no-auto-pong",
        "--duration",
        "10",
        "--output",
        "jsonl",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("connection closed 1011"),
        "websockets ends a silent client with 1011: {run:?}"
    );
    assert!(of_kind(&run.jsonl(), "pong").is_empty(), "{run:?}");
}

#[test]
fn every_sends_the_round_again_with_fresh_variables() {
    let server = echo_server();
    let run = wsprobe(&[
        &server.url(),
        "--send",
        "n <<$randomUUID>>",
        "--send-hex",
        "01",
        "--every",
        "30",
        "--count",
        "10",
        "--output",
        "jsonl",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    let outgoing = of_kind(&lines, "outgoing");
    // Ten echoes are five rounds of two; the stop may race a round or more out (echoes
    // that take longer than an interval on a busy machine).
    assert!((10..=16).contains(&outgoing.len()), "{run:?}");
    let texts: Vec<&str> = outgoing.iter().filter_map(|l| l["text"].as_str()).collect();
    assert!(all_distinct(&texts), "a fresh UUID every round: {texts:?}");
    assert!(outgoing.iter().any(|l| l["base64"] == "AQ=="), "{run:?}");
    // Rounds are 30 ms apart: five rounds take at least four intervals.
    let times: Vec<chrono::DateTime<chrono::FixedOffset>> = outgoing
        .iter()
        .map(|l| chrono::DateTime::parse_from_rfc3339(l["time"].as_str().unwrap()).unwrap())
        .collect();
    let span = (times[8] - times[0]).num_milliseconds();
    assert!(span >= 4 * 30 - 2, "{span} ms for 5 rounds: {run:?}");
}

#[test]
fn every_over_a_timed_run_sends_about_duration_over_interval() {
    let server = echo_server();
    let run = wsprobe(&[
        &server.url(),
        "--send",
        "beat",
        "--every",
        "50",
        "--duration",
        "1",
        "--output",
        "jsonl",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let sent = of_kind(&run.jsonl(), "outgoing").len();
    // 1 s of a 50 ms heartbeat is about 20 sends (the connect takes a little of it); the
    // tolerance is for a busy machine, which can only make the run send fewer.
    assert!((8..=21).contains(&sent), "{sent} sends: {run:?}");
}

#[test]
fn every_goes_on_after_a_reconnect() {
    // Each connection echoes two messages, then drops without a close frame.
    let server = TestServer::start(Behavior::DropAfter { messages: 2 });
    let run = wsprobe(&[
        &server.url(),
        "--send",
        "again",
        "--every",
        "30",
        "--reconnect-attempts",
        "20",
        "--reconnect-interval",
        "10",
        "--count",
        "5",
        "--output",
        "jsonl",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let connections: Vec<usize> = server.received().iter().map(|m| m.connection).collect();
    assert!(
        connections.iter().any(|&c| c >= 2),
        "rounds went on over the reconnects: {connections:?} {run:?}"
    );
    let reconnects = kinds(&run.jsonl())
        .into_iter()
        .filter(|k| *k == "reconnecting")
        .count();
    assert!(reconnects >= 2, "{run:?}");
}
