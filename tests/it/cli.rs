//! `wsprobe run` end to end: the real binary against real in-process servers (tests/support).

use crate::support;

use std::io::Read as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::*;
use wsprobe::model::{Environment, KeyValue, SavedRequest};
use wsprobe::store::Store;

/// The longest any single run may take before the test calls it hung.
const RUN_LIMIT: Duration = Duration::from_secs(20);
const WAIT: Duration = Duration::from_secs(5);

pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) took: Duration,
}

impl Run {
    pub(crate) fn jsonl(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON: {line}: {e}"))
            })
            .collect()
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {} after {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.took, self.stdout, self.stderr
        )
    }
}

/// The environment variables wsprobe reads its default proxy from (as curl does).
pub(crate) const PROXY_VARS: [&str; 8] = [
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
];

/// `wsprobe run ARGS` with a workspace folder that does not exist (never the user's).
pub(crate) fn command(args: &[&str]) -> (Command, tempfile::TempDir) {
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wsprobe"));
    // The machine's proxy settings are not the test's: proxy tests set their own.
    for name in PROXY_VARS {
        cmd.env_remove(name);
    }
    cmd.arg("run")
        .args(args)
        .env("WSPROBE_WORKSPACE", home.path().join("no-workspace"))
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    (cmd, home)
}

/// `wsprobe run ARGS` to its end (other test modules use it too).
pub(crate) fn wsprobe(args: &[&str]) -> Run {
    let (mut cmd, home) = command(args);
    let run = finish(cmd.spawn().expect("start wsprobe"));
    assert!(
        !home.path().join("no-workspace").exists(),
        "a run must not create the workspace folder"
    );
    run
}

/// Waits for the child with a deadline (kills it and fails the test when it hangs).
pub(crate) fn finish(mut child: Child) -> Run {
    let started = Instant::now();
    let pid = child.id();
    // None when the test reads stdout itself (see `stdout_lines`).
    let stdout = child.stdout.take();
    let mut stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut out = String::new();
        let mut err = String::new();
        let errors = std::thread::spawn(move || {
            let _ = stderr.read_to_string(&mut err);
            err
        });
        if let Some(mut stdout) = stdout {
            let _ = stdout.read_to_string(&mut out);
        }
        let err = errors.join().unwrap_or_default();
        let status = child.wait().expect("wait");
        let _ = tx.send((status, out, err));
    });
    match rx.recv_timeout(RUN_LIMIT) {
        Ok((status, stdout, stderr)) => Run {
            code: status.code().unwrap_or(-1),
            stdout,
            stderr,
            took: started.elapsed(),
        },
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("wsprobe run did not finish within {RUN_LIMIT:?}");
        }
    }
}

pub(crate) fn kinds(lines: &[Value]) -> Vec<&str> {
    lines.iter().filter_map(|l| l["kind"].as_str()).collect()
}

fn one_line_error(run: &Run, code: i32, needle: &str) {
    assert_eq!(run.code, code, "{run:?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    assert!(run.stderr.contains(needle), "wanted `{needle}`: {run:?}");
}

#[test]
fn echo_text_and_hex_in_jsonl_then_exit_0_at_count() {
    let server = echo_server();
    let run = wsprobe(&[
        &server.url(),
        "--send",
        "hello",
        "--send-hex",
        "de ad be ef",
        "--count",
        "2",
        "--output",
        "jsonl",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.is_empty(), "{run:?}");
    let lines = run.jsonl();
    for line in &lines {
        let time = line["time"].as_str().expect("time");
        // 2026-11-25T15:01:02.123Z
        assert_eq!(time.len(), 24, "{time}");
        assert!(time.ends_with('Z') && &time[10..11] == "T" && &time[19..20] == ".");
        assert!(chrono::DateTime::parse_from_rfc3339(time).is_ok(), "{time}");
    }
    let names = kinds(&lines);
    assert_eq!(names.first(), Some(&"connecting"), "{run:?}");
    assert_eq!(names.last(), Some(&"closed"), "{run:?}");
    assert_eq!(lines[0]["attempt"], 1);
    assert_eq!(lines[0]["url"], server.url());

    let connected = lines.iter().find(|l| l["kind"] == "connected").unwrap();
    assert_eq!(connected["status"], 101);
    assert!(connected["elapsed_ms"].is_u64());
    assert!(connected["subprotocol"].is_null());
    assert!(
        connected["request_headers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h[0]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("sec-websocket-key")),
        "{connected}"
    );

    let of = |kind: &str| -> Vec<&Value> { lines.iter().filter(|l| l["kind"] == kind).collect() };
    let outgoing = of("outgoing");
    let incoming = of("incoming");
    assert_eq!(outgoing.len(), 2, "{run:?}");
    assert_eq!(incoming.len(), 2, "{run:?}");
    for messages in [&outgoing, &incoming] {
        assert_eq!(messages[0]["opcode"], "text");
        assert_eq!(messages[0]["text"], "hello");
        assert_eq!(messages[0]["size"], 5);
        assert!(messages[0].get("base64").is_none());
        assert_eq!(messages[1]["opcode"], "binary");
        assert_eq!(messages[1]["base64"], "3q2+7w==");
        assert_eq!(messages[1]["size"], 4);
        assert!(messages[1].get("text").is_none());
    }
    let closed = lines.last().unwrap();
    assert_eq!(closed["code"], 1000);
    assert_eq!(closed["by"], "client");
    assert!(closed["reason"].is_string());
    assert!(server.wait_for(WAIT, |r| r.client_close_codes == [Some(1000)]));
}

#[test]
fn sends_go_in_command_line_order_across_flags_after_the_open_message() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("payload.bin");
    std::fs::write(&file, [7u8, 8, 9]).unwrap();
    let run = wsprobe(&[
        &server.url(),
        "--open-message",
        "hello <<who>>",
        "--var",
        "who=me",
        "--send-file",
        file.to_str().unwrap(),
        "--send",
        "a <<who>>",
        "--send-hex",
        "01 02",
        "--send",
        "b",
        "--count",
        "5",
        "--output",
        "jsonl",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let got: Vec<(bool, Vec<u8>)> = server
        .received()
        .into_iter()
        .map(|m| (m.text, m.data.to_vec()))
        .collect();
    assert_eq!(
        got,
        vec![
            (true, b"hello me".to_vec()),
            (false, vec![7, 8, 9]),
            (true, b"a me".to_vec()),
            (false, vec![1, 2]),
            (true, b"b".to_vec()),
        ]
    );
    let incoming = run
        .jsonl()
        .into_iter()
        .filter(|l| l["kind"] == "incoming")
        .count();
    assert_eq!(incoming, 5, "{run:?}");
}

#[test]
fn count_ends_a_burst_and_prints_exactly_n() {
    let server = TestServer::start(Behavior::Burst { count: 50 });
    let run = wsprobe(&[&server.url(), "--count", "3", "--output", "jsonl"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    let texts: Vec<&str> = lines
        .iter()
        .filter(|l| l["kind"] == "incoming")
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["0", "1", "2"], "{run:?}");
    assert_eq!(lines.last().unwrap()["kind"], "closed");
}

#[test]
fn duration_ends_the_run_with_0() {
    let server = echo_server();
    let run = wsprobe(&[&server.url(), "--duration", "0.4", "--output", "jsonl"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.took >= Duration::from_millis(400), "{run:?}");
    assert!(run.took < Duration::from_secs(5), "{run:?}");
    let lines = run.jsonl();
    let closed = lines.last().unwrap();
    assert_eq!(closed["kind"], "closed");
    assert_eq!(closed["by"], "client");
}

#[test]
fn server_close_1000_is_0_and_other_codes_are_1() {
    let server = TestServer::start(Behavior::CloseAfter {
        messages: 1,
        code: 1000,
        reason: "bye",
    });
    let run = wsprobe(&[&server.url(), "--send", "x"]);
    assert_eq!(run.code, 0, "{run:?}");
    let last = run.stdout.lines().last().unwrap();
    assert!(
        last.ends_with("• closed 1000 Normal closure: bye (by server)"),
        "{run:?}"
    );

    let server = TestServer::start(Behavior::CloseAfter {
        messages: 0,
        code: 4001,
        reason: "go away",
    });
    let run = wsprobe(&[&server.url(), "--output", "jsonl"]);
    one_line_error(&run, 1, "4001");
    assert!(run.stderr.contains("go away"), "{run:?}");
    let closed = run.jsonl().pop().unwrap();
    assert_eq!(closed["code"], 4001);
    assert_eq!(closed["reason"], "go away");
    assert_eq!(closed["by"], "server");
}

#[test]
fn refused_connection_is_1() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let run = wsprobe(&[&format!("ws://127.0.0.1:{port}/"), "--output", "jsonl"]);
    one_line_error(&run, 1, "connection failed");
    let names: Vec<String> = run
        .jsonl()
        .iter()
        .map(|l| l["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["connecting", "error", "closed"], "{run:?}");
}

#[test]
fn http_401_is_1_and_shows_the_status() {
    let server = TestServer::start(Behavior::Refuse {
        status: 401,
        body: "nope",
    });
    let run = wsprobe(&[&server.url()]);
    one_line_error(&run, 1, "401");
    assert!(run.stdout.contains("• error: "), "{run:?}");
}

#[test]
fn abnormal_end_after_reconnects_is_1() {
    let server = TestServer::start(Behavior::DropAfter { messages: 0 });
    let run = wsprobe(&[
        &server.url(),
        "--reconnect-attempts",
        "2",
        "--reconnect-interval",
        "30",
        "--output",
        "jsonl",
    ]);
    one_line_error(&run, 1, "after 2 reconnect attempts");
    let lines = run.jsonl();
    let reconnecting: Vec<&Value> = lines
        .iter()
        .filter(|l| l["kind"] == "reconnecting")
        .collect();
    assert_eq!(reconnecting.len(), 2, "{run:?}");
    assert_eq!(reconnecting[1]["attempt"], 2);
    assert_eq!(reconnecting[1]["of"], 2);
    assert_eq!(reconnecting[1]["delay_ms"], 30);
    assert_eq!(server.connection_times().len(), 3);
    let closed = lines.last().unwrap();
    assert_eq!(closed["kind"], "closed");
    assert_eq!(closed["code"], 1006);
}

#[test]
fn bad_input_is_2_with_one_line_before_connecting() {
    let server = echo_server();
    let url = server.url();
    one_line_error(&wsprobe(&["ftp://example.com/"]), 2, "unsupported scheme");
    one_line_error(&wsprobe(&["ws://"]), 2, "no host");
    one_line_error(
        &wsprobe(&[&format!("{url}<<room>>")]),
        2,
        "undefined variable `room`",
    );
    one_line_error(
        &wsprobe(&[&url, "--send", "hi <<who>>"]),
        2,
        "undefined variable `who`",
    );
    one_line_error(
        &wsprobe(&[&url, "--send", "ok", "--send-hex", "12 3g"]),
        2,
        "invalid hex",
    );
    one_line_error(
        &wsprobe(&[&url, "--send-file", "/no/such/file.bin"]),
        2,
        "cannot read --send-file /no/such/file.bin",
    );
    one_line_error(&wsprobe(&[&url, "-H", "no colon"]), 2, "Name: value");
    one_line_error(
        &wsprobe(&[&url, "--env", "staging"]),
        2,
        "unknown environment `staging`",
    );
    one_line_error(
        &wsprobe(&["my-request"]),
        2,
        "no saved request named `my-request`",
    );
    assert!(
        server.requests().is_empty(),
        "bad input must not reach the server"
    );
}

#[test]
fn headers_params_basic_and_bearer_reach_the_server() {
    let server = echo_server();
    let run = wsprobe(&[
        &server.url_for("/feed?x=1"),
        "-H",
        "X-Token: abc",
        "--header",
        "X-Two:2",
        "--param",
        "room=lobby",
        "--param",
        "q=<<v>>",
        "--var",
        "v=a b",
        "--basic",
        "user:pa:ss",
        "--count",
        "0",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let seen = &server.requests()[0];
    assert_eq!(seen.uri, "/feed?x=1&room=lobby&q=a+b");
    assert_eq!(seen.header("x-token"), Some("abc"));
    assert_eq!(seen.header("x-two"), Some("2"));
    // base64("user:pa:ss")
    assert_eq!(seen.header("authorization"), Some("Basic dXNlcjpwYTpzcw=="));

    let run = wsprobe(&[&server.url(), "--bearer", "t0k", "--count", "0"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        server.requests()[1].header("authorization"),
        Some("Bearer t0k")
    );
}

#[test]
fn subprotocol_is_offered_and_reported() {
    let mut options = ServerOptions::new(Behavior::Echo);
    options.subprotocols = vec!["chat.v2".into()];
    let server = TestServer::start_with(options);
    let run = wsprobe(&[
        &server.url(),
        "--subprotocol",
        "chat.v1",
        "--subprotocol",
        "chat.v2",
        "--count",
        "0",
        "--output",
        "jsonl",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let connected = run
        .jsonl()
        .into_iter()
        .find(|l| l["kind"] == "connected")
        .unwrap();
    assert_eq!(connected["subprotocol"], "chat.v2");
    let offered = server.requests()[0]
        .header("sec-websocket-protocol")
        .unwrap()
        .to_owned();
    assert_eq!(offered, "chat.v1, chat.v2");
}

/// A workspace folder with a saved request whose URL, header and draft use variables.
fn saved_workspace(dir: &Path, port: u16) {
    let (mut store, mut ws, problems) = Store::open(dir).unwrap();
    assert!(problems.is_empty());
    let mut request = SavedRequest::new("Chat room", "ws://127.0.0.1:<<port>>/chat");
    request.headers = vec![KeyValue::new("X-Env", "<<name>>")];
    request.params = vec![KeyValue::new("room", "<<room>>")];
    request.draft.body = "draft from <<name>>".into();
    ws.requests.push(request);
    let dev = Environment::new("dev")
        .with_var("port", "1")
        .with_var("name", "dev");
    let local = Environment::new("local")
        .with_var("port", &port.to_string())
        .with_var("name", "local");
    ws.globals = Environment::globals().with_var("room", "lobby");
    ws.active_environment = Some(dev.id.clone());
    ws.environments = vec![dev, local];
    store.save(&ws).unwrap();
}

#[test]
fn saved_request_by_name_with_env_and_var() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    saved_workspace(dir.path(), server.port());
    let workspace = dir.path().to_str().unwrap();
    let before = std::fs::read_to_string(dir.path().join("workspace.json")).unwrap();

    let run = wsprobe(&[
        "chat room",
        "--workspace",
        workspace,
        "--env",
        "local",
        "--var",
        "name=cli",
        "--count",
        "1",
        "--output",
        "jsonl",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let seen = &server.requests()[0];
    assert_eq!(seen.uri, "/chat?room=lobby");
    assert_eq!(seen.header("x-env"), Some("cli"));
    let incoming: Vec<Value> = run
        .jsonl()
        .into_iter()
        .filter(|l| l["kind"] == "incoming")
        .collect();
    assert_eq!(incoming.len(), 1);
    assert_eq!(incoming[0]["text"], "draft from cli");

    // The environment variable works too; unknown names are listed.
    let (mut cmd, _home) = command(&["Chat room", "--env", "nope", "--count", "0"]);
    cmd.env("WSPROBE_WORKSPACE", workspace);
    let run = finish(cmd.spawn().unwrap());
    one_line_error(&run, 2, "available: dev, local");
    let run = wsprobe(&["Chat rom", "--workspace", workspace]);
    one_line_error(&run, 2, "did you mean: `Chat room`");

    assert_eq!(
        std::fs::read_to_string(dir.path().join("workspace.json")).unwrap(),
        before
    );
}

#[test]
fn quiet_prints_only_the_summary() {
    let server = TestServer::start(Behavior::Burst { count: 1000 });
    let run = wsprobe(&[&server.url(), "--count", "1000", "--output", "quiet"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{run:?}");
    // "0".."999": 10 one-digit, 90 two-digit, 900 three-digit messages.
    assert!(
        lines[0].starts_with("received 1000 messages (2890 bytes) in "),
        "{run:?}"
    );
    assert!(lines[0].ends_with(" msg/s)"), "{run:?}");
}

#[test]
fn text_mode_lines() {
    let server = echo_server();
    let run = wsprobe(&[&server.url(), "--send", "hi\nthere", "--count", "1"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    for line in &lines {
        // HH:MM:SS.mmm then a space.
        let (time, _) = line.split_at(12);
        assert!(
            time.chars().enumerate().all(|(i, c)| match i {
                2 | 5 => c == ':',
                8 => c == '.',
                _ => c.is_ascii_digit(),
            }),
            "{line}"
        );
    }
    let tails: Vec<&str> = lines.iter().map(|l| &l[13..]).collect();
    assert_eq!(
        tails[0],
        format!("• connecting to {}", server.url()),
        "{run:?}"
    );
    assert!(
        tails[1].starts_with(&format!("• connected to {} in ", server.url()))
            && tails[1].ends_with(" ms (101)"),
        "{run:?}"
    );
    assert_eq!(tails[2], "↑ text   8 B  hi\\nthere");
    assert_eq!(tails[3], "↓ text   8 B  hi\\nthere");
    assert_eq!(tails[4], "• closed 1000 Normal closure (by client)");
    assert_eq!(tails.len(), 5, "{run:?}");
}

/// Lines of a running child's stdout, as they come.
fn stdout_lines(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits (up to WAIT) for a line containing `needle`; returns the lines seen so far.
fn wait_line(lines: &mpsc::Receiver<String>, needle: &str) -> Vec<String> {
    let deadline = Instant::now() + WAIT;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => {
                let found = line.contains(needle);
                seen.push(line);
                if found {
                    return seen;
                }
            }
            Err(_) => panic!("no line with `{needle}` within {WAIT:?}: {seen:?}"),
        }
    }
}

#[test]
fn ctrl_c_disconnects_cleanly_with_0() {
    let server = echo_server();
    let (mut cmd, _home) = command(&[&server.url(), "--output", "jsonl"]);
    let mut child = cmd.spawn().unwrap();
    let lines = stdout_lines(&mut child);
    wait_line(&lines, "\"kind\":\"connected\"");
    interrupt(&child);
    let run = finish(child);
    assert_eq!(run.code, 0, "{run:?}");
    let rest = wait_line(&lines, "\"kind\":\"closed\"");
    let closed: Value = serde_json::from_str(rest.last().unwrap()).unwrap();
    assert_eq!(closed["by"], "client");
    assert_eq!(closed["code"], 1000);
    assert!(server.wait_for(WAIT, |r| r.client_close_codes == [Some(1000)]));
}

#[test]
fn ctrl_c_while_connecting_also_ends_with_0() {
    let silent = SilentListener::start();
    let (mut cmd, _home) = command(&[&silent.url(), "--handshake-timeout", "60000"]);
    let mut child = cmd.spawn().unwrap();
    let lines = stdout_lines(&mut child);
    wait_line(&lines, "• connecting to");
    interrupt(&child);
    let run = finish(child);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.took < Duration::from_secs(5), "{run:?}");
}

#[test]
fn only_sends_keep_running_until_the_server_closes() {
    // Without --count/--duration the run lasts until the server ends it (like websocat).
    let server = TestServer::start(Behavior::CloseAfter {
        messages: 2,
        code: 1000,
        reason: "",
    });
    let run = wsprobe(&[&server.url(), "--send", "a", "--send", "b"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.matches("↓ text").count(), 2, "{run:?}");
}

#[test]
fn redirects_are_followed_or_refused() {
    let server = TestServer::start(Behavior::Redirect {
        status: 302,
        location: "/final".into(),
    });
    let run = wsprobe(&[&server.url(), "--count", "0", "--output", "jsonl"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines = run.jsonl();
    let redirected = lines.iter().find(|l| l["kind"] == "redirected").unwrap();
    assert_eq!(redirected["status"], 302);
    assert!(redirected["location"].as_str().unwrap().ends_with("/final"));
    let connected = lines.iter().find(|l| l["kind"] == "connected").unwrap();
    assert!(connected["url"].as_str().unwrap().ends_with("/final"));

    let run = wsprobe(&[&server.url(), "--no-redirects", "--count", "0"]);
    one_line_error(&run, 1, "302");

    let looping = TestServer::start(Behavior::RedirectLoop);
    let run = wsprobe(&[&looping.url(), "--max-redirects", "2", "--output", "jsonl"]);
    assert_eq!(run.code, 1, "{run:?}");
    let hops = run
        .jsonl()
        .iter()
        .filter(|l| l["kind"] == "redirected")
        .count();
    assert_eq!(hops, 2, "{run:?}");
}

#[test]
fn wss_self_signed_needs_insecure() {
    let mut options = ServerOptions::new(Behavior::Echo);
    options.tls = true;
    let server = TestServer::start_with(options);
    let run = wsprobe(&[&server.url(), "--count", "0"]);
    one_line_error(&run, 1, "connection failed");
    let run = wsprobe(&[&server.url(), "--insecure", "--send", "s", "--count", "1"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("↓ text   1 B  s"), "{run:?}");
}

#[test]
fn handshake_timeout_and_duration_without_a_connection_are_1() {
    let silent = SilentListener::start();
    let run = wsprobe(&[&silent.url(), "--handshake-timeout", "300"]);
    one_line_error(&run, 1, "connection failed");
    assert!(run.took < Duration::from_secs(3), "{run:?}");

    let run = wsprobe(&[
        &silent.url(),
        "--handshake-timeout",
        "60000",
        "--duration",
        "0.3",
    ]);
    one_line_error(&run, 1, "not connected");
    assert!(run.took < Duration::from_secs(4), "{run:?}");
}

#[test]
fn a_closed_stdout_ends_the_run() {
    let server = TestServer::start(Behavior::Burst { count: 100_000 });
    let (mut cmd, _home) = command(&[&server.url()]);
    let mut child = cmd.spawn().unwrap();
    let lines = stdout_lines(&mut child);
    wait_line(&lines, "↓ text");
    // Like `| head -3`: the reader goes away.
    drop(lines);
    let run = finish(child);
    assert_eq!(run.code, 0, "{run:?}");
}

/// Ctrl+C, as a terminal sends it.
fn interrupt(child: &std::process::Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}
