//! The script room on its own: the prelude's API, errors with their place, the limits.
//! (Scripts against real servers are in tests/it/scripts.rs.)

use std::sync::mpsc;
use std::time::Duration;

use bytes::Bytes;

use super::*;
use crate::engine::Outgoing;

fn start(
    source: &str,
) -> (
    Result<(Script, Prepared), ScriptError>,
    mpsc::Receiver<ScriptOutput>,
) {
    start_with(ScriptConfig::new(source, "script"), ScriptInit::default())
}

fn start_with(
    config: ScriptConfig,
    init: ScriptInit,
) -> (
    Result<(Script, Prepared), ScriptError>,
    mpsc::Receiver<ScriptOutput>,
) {
    let (tx, rx) = mpsc::channel();
    let started = Script::start(
        config,
        init,
        Box::new(move |out| {
            let _ = tx.send(out);
        }),
    );
    (started, rx)
}

fn open() -> ScriptEvent {
    ScriptEvent::Open {
        event: 1,
        url: "ws://127.0.0.1:1/".into(),
        subprotocol: None,
    }
}

fn text(event: u64, body: &str) -> ScriptEvent {
    ScriptEvent::Message {
        event,
        payload: Bytes::copy_from_slice(body.as_bytes()),
        binary: false,
        time_ms: 0.0,
    }
}

fn close(code: u16) -> ScriptEvent {
    ScriptEvent::Close {
        event: 99,
        code,
        reason: String::new(),
        by: "server",
    }
}

/// Runs events through a script to its end and returns everything it output.
fn outputs(source: &str, events: Vec<ScriptEvent>) -> Vec<ScriptOutput> {
    let (started, rx) = start(source);
    let (script, _) = started.expect("script starts");
    script.feed(events);
    script.finish();
    rx.try_iter().collect()
}

fn tests_of(outputs: &[ScriptOutput]) -> Vec<(String, bool, String)> {
    outputs
        .iter()
        .filter_map(|o| match o {
            ScriptOutput::Test(t) => Some((t.name.clone(), t.passed, t.message.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn syntax_errors_name_line_and_column() {
    let (started, _) = start("let a = 1;\nlet b = ;\n");
    let error = started.err().expect("a syntax error");
    assert!(error.message.contains("SyntaxError"), "{error:?}");
    assert_eq!(error.line, Some(2), "{error:?}");
    assert!(error.column.is_some(), "{error:?}");
    assert!(error.compile);
    // A SyntaxError thrown while running is not a compile error.
    let (started, _) = start("JSON.parse('{');");
    let error = started.err().unwrap();
    assert!(
        error.message.starts_with("SyntaxError") && !error.compile,
        "{error:?}"
    );
}

#[test]
fn an_exception_in_a_handler_is_reported_with_its_line_and_the_script_goes_on() {
    let out = outputs(
        "ws.on('message', (m) => {\n  if (m.text === 'bad') {\n    null.x;\n  }\n  test('got ' + m.text, () => {});\n});",
        vec![open(), text(2, "bad"), text(3, "good")],
    );
    let error = out
        .iter()
        .find_map(|o| match o {
            ScriptOutput::Error(e) => Some(e.clone()),
            _ => None,
        })
        .expect("an error");
    assert!(error.message.starts_with("TypeError"), "{error:?}");
    assert_eq!(error.line, Some(3), "{error:?}");
    assert_eq!(
        tests_of(&out),
        vec![("got good".into(), true, String::new())]
    );
}

#[test]
fn send_close_and_messages() {
    let out = outputs(
        r#"
        ws.on("open", () => { ws.send("hi"); ws.send(new Uint8Array([1, 2, 255])); });
        ws.on("message", (msg) => {
            test("json", () => expect(msg.json().a).toBe(1));
            test("fields", () => {
                expect(msg.binary).toBe(false);
                expect(msg.size).toBe(7);
                expect(msg.bytes).toHaveLength(7);
                expect(msg.text).toContain("a");
            });
            ws.close(4001, "enough");
        });
        ws.on("close", (c) => test("closed", () => expect(c).toEqual({ code: 1000, reason: "", by: "server" })));
        "#,
        vec![open(), text(2, r#"{"a":1}"#), close(1000)],
    );
    let sends: Vec<&ScriptOutput> = out
        .iter()
        .filter(|o| matches!(o, ScriptOutput::Send(_) | ScriptOutput::Close { .. }))
        .collect();
    assert!(matches!(sends[0], ScriptOutput::Send(Outgoing::Text(t)) if t == "hi"));
    assert!(matches!(sends[1], ScriptOutput::Send(Outgoing::Binary(b)) if b[..] == [1, 2, 255]));
    assert!(matches!(sends[2], ScriptOutput::Close { code: 4001, reason } if reason == "enough"));
    let tests = tests_of(&out);
    assert!(tests.iter().all(|(_, passed, _)| *passed), "{tests:?}");
    assert_eq!(tests.len(), 3);
}

#[test]
fn failures_say_expected_and_received() {
    let out = outputs(
        r#"
        test("toBe", () => expect(1006).toBe(1000));
        test("not", () => expect("a").not.toBe("a"));
        test("deep", () => expect({a: [1, 2]}).toEqual({a: [1, 3]}));
        test("property", () => expect({state: {}}).toHaveProperty("state.lastupdated"));
        test("property value", () => expect({a: {b: 2}}).toHaveProperty("a.b", 2));
        test("match", () => expect("abc").toMatch(/b/));
        test("length", () => expect([1]).toHaveLength(2));
        test("thrown", () => { throw new Error("boom"); });
        test("gt", () => expect(3).toBeGreaterThan(2));
        test("lt", () => expect(3).toBeLessThan(2));
        test("json", () => ({ text: "not json", json() {} }));
        "#,
        vec![],
    );
    let tests = tests_of(&out);
    let get = |name: &str| tests.iter().find(|t| t.0 == name).cloned().unwrap();
    assert_eq!(
        get("toBe").2,
        "expect(received).toBe(expected)\nExpected: 1000\nReceived: 1006"
    );
    assert!(!get("not").1 && get("not").2.contains("Expected: not \"a\""));
    assert!(
        get("deep").2.contains("Received: {\"a\": [1, 2]}"),
        "{:?}",
        get("deep")
    );
    assert!(!get("property").1);
    assert!(get("property value").1);
    assert!(get("match").1);
    assert!(!get("length").1 && get("length").2.contains("Received: length 1"));
    assert_eq!(get("thrown").2, "Error: boom");
    assert!(get("gt").1 && !get("lt").1);
}

#[test]
fn msg_json_on_invalid_json_is_a_clear_error() {
    let out = outputs(
        "ws.on('message', (m) => test('parse', () => m.json()));",
        vec![open(), text(2, "{oops")],
    );
    let tests = tests_of(&out);
    assert!(!tests[0].1);
    assert!(
        tests[0]
            .2
            .starts_with("SyntaxError: msg.json(): the message is not valid JSON"),
        "{tests:?}"
    );
}

#[test]
fn expect_message_passes_on_a_match_and_fails_at_the_end() {
    let out = outputs(
        r#"
        ws.on("open", () => {
            expectMessage("ack", (m) => m.json().ack === true, 5000);
            expectMessage("never", (m) => m.text === "nope", 5000);
        });
        "#,
        vec![
            open(),
            text(2, r#"{"ack":false}"#),
            text(3, r#"{"ack":true}"#),
            close(1000),
        ],
    );
    let tests = tests_of(&out);
    assert_eq!(tests[0], ("ack".into(), true, String::new()));
    assert!(
        !tests[1].1 && tests[1].2.starts_with("no message matched within 5000 ms"),
        "{tests:?}"
    );
}

#[test]
fn expect_message_times_out_on_its_own_timer() {
    let (started, rx) = start(r#"ws.on("open", () => expectMessage("soon", () => true, 30));"#);
    let (script, _) = started.unwrap();
    script.feed(vec![open()]);
    let out = rx
        .recv_timeout(Duration::from_secs(5))
        .expect("the timeout's result");
    let ScriptOutput::Test(result) = out else {
        panic!("{out:?}")
    };
    assert!(!result.passed);
    assert_eq!(result.message, "no message matched within 30 ms");
    assert!(result.at_ms >= 30.0, "{result:?}");
    script.finish();
}

#[test]
fn intervals_repeat_until_cleared() {
    let (started, rx) = start(
        r#"let n = 0; const t = setInterval(() => { n++; console.log("tick " + n); if (n === 3) clearInterval(t); }, 5);"#,
    );
    let (script, _) = started.unwrap();
    let mut lines = Vec::new();
    while lines.len() < 3 {
        match rx.recv_timeout(Duration::from_secs(5)).expect("a tick") {
            ScriptOutput::Log { text, .. } => lines.push(text),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(lines, ["tick 1", "tick 2", "tick 3"]);
    script.finish();
    assert!(rx.try_recv().is_err(), "no tick after clearInterval");
}

#[test]
fn a_runaway_loop_is_stopped_at_the_time_limit() {
    let mut config = ScriptConfig::new("ws.on('message', () => { for (;;) {} });", "script");
    config.time_limit = Duration::from_millis(100);
    let (started, rx) = start_with(config, ScriptInit::default());
    let (script, _) = started.unwrap();
    script.feed(vec![open(), text(2, "x"), text(3, "y")]);
    let out = rx.recv_timeout(Duration::from_secs(10)).expect("stopped");
    let ScriptOutput::Stopped(error) = out else {
        panic!("{out:?}")
    };
    assert_eq!(
        error.message,
        "script stopped: a callback ran longer than 100 ms (the script time limit)"
    );
    // Further events are not handled, and feeding does not block.
    script.feed(vec![text(4, "z")]);
    script.finish();
    assert!(rx.try_recv().is_err());
}

#[test]
fn a_memory_bomb_is_stopped_at_the_memory_limit() {
    let mut config = ScriptConfig::new(
        "ws.on('open', () => { const a = []; for (;;) a.push(new Array(1e5).fill(a.length)); });",
        "script",
    );
    config.memory_limit = 16 * 1024 * 1024;
    // Only the memory limit may stop it, however slow the machine is today.
    config.time_limit = Duration::from_secs(60);
    let (started, rx) = start_with(config, ScriptInit::default());
    let (script, _) = started.unwrap();
    script.feed(vec![open()]);
    let out = rx.recv_timeout(Duration::from_secs(10)).expect("stopped");
    let ScriptOutput::Stopped(error) = out else {
        panic!("{out:?}")
    };
    assert_eq!(
        error.message,
        "script stopped: it used more than 16 MiB (the script memory limit)"
    );
    script.finish();
}

#[test]
fn a_runaway_top_level_fails_the_start() {
    let mut config = ScriptConfig::new("while (true) {}", "script");
    config.time_limit = Duration::from_millis(50);
    let (started, _) = start_with(config, ScriptInit::default());
    let error = started.err().unwrap();
    assert!(error.message.contains("ran longer than 50 ms"), "{error:?}");
}

#[test]
fn before_sets_headers_and_vars_sees_and_sets_variables() {
    let init = ScriptInit {
        vars: [("room".to_owned(), "lobby".to_owned())].into(),
        headers: vec![("X-Old".into(), "1".into())],
        url: "ws://h/".into(),
        request_name: "Feed".into(),
    };
    let (started, rx) = start_with(
        ScriptConfig::new(
            r#"
            before(() => {
                request.headers.set("X-Sig", vars.get("room") + "-signed");
                request.headers.set("x-old", request.headers.get("X-Old") + "2");
                vars.set("token", 42);
            });
            ws.on("open", () => { ws.send(vars.get("token")); vars.set("seen", true); });
            "#,
            "script",
        ),
        init,
    );
    let (script, prepared) = started.unwrap();
    assert_eq!(
        prepared.headers,
        vec![
            ("X-Sig".into(), "lobby-signed".into()),
            ("x-old".into(), "12".into())
        ]
    );
    assert_eq!(prepared.vars_set, vec![("token".into(), "42".into())]);
    script.feed(vec![open()]);
    script.finish();
    let out: Vec<ScriptOutput> = rx.try_iter().collect();
    assert!(
        out.iter()
            .any(|o| matches!(o, ScriptOutput::Send(Outgoing::Text(t)) if t == "42"))
    );
    assert!(out.iter().any(
        |o| matches!(o, ScriptOutput::VarSet { name, value } if name == "seen" && value == "true")
    ));
}

#[test]
fn headers_can_only_be_set_before_connecting_and_sends_only_when_open() {
    let out = outputs(
        r#"
        test("send before open", () => ws.send("x"));
        ws.on("open", () => test("header after", () => request.headers.set("A", "b")));
        "#,
        vec![open()],
    );
    let tests = tests_of(&out);
    assert!(tests[0].2.contains("ws.send: not connected"), "{tests:?}");
    assert!(tests[1].2.contains("only inside before"), "{tests:?}");
}

#[test]
fn nothing_outside_is_reachable() {
    let out = outputs(
        r#"
        test("no require", () => expect(typeof require).toBe("undefined"));
        test("no process", () => expect(typeof process).toBe("undefined"));
        test("no fetch", () => expect(typeof fetch).toBe("undefined"));
        test("no std", () => expect(typeof std).toBe("undefined"));
        test("no os", () => expect(typeof os).toBe("undefined"));
        test("no natives", () => expect(typeof __native).toBe("undefined"));
        "#,
        vec![],
    );
    let tests = tests_of(&out);
    assert_eq!(tests.len(), 6);
    assert!(tests.iter().all(|t| t.1), "{tests:?}");
}

#[test]
fn async_test_bodies_are_awaited() {
    let out = outputs(
        r#"test("async pass", async () => { await null; expect(1).toBe(1); });
           test("async fail", async () => { await null; expect(1).toBe(2); });"#,
        vec![],
    );
    let tests = tests_of(&out);
    assert_eq!(tests.len(), 2, "{tests:?}");
    assert!(tests.iter().any(|t| t.0 == "async pass" && t.1));
    assert!(tests.iter().any(|t| t.0 == "async fail" && !t.1));
}

#[test]
fn a_memory_bomb_in_a_message_handler_is_stopped_too() {
    let mut config = ScriptConfig::new(
        "const keep = []; ws.on('message', () => { for (;;) keep.push(new Array(1e5).fill(1)); });",
        "script",
    );
    config.memory_limit = 16 * 1024 * 1024;
    config.time_limit = Duration::from_secs(60);
    let (started, rx) = start_with(config, ScriptInit::default());
    let (script, _) = started.unwrap();
    script.feed(vec![open(), text(2, "a"), text(3, "b")]);
    let out = rx.recv_timeout(Duration::from_secs(10)).expect("stopped");
    let ScriptOutput::Stopped(error) = out else {
        panic!("{out:?}")
    };
    assert!(error.message.contains("16 MiB"), "{error:?}");
    script.finish();
}

#[test]
fn an_exception_for_one_message_of_a_batch_does_not_lose_the_others() {
    let out = outputs(
        "let n = 0; ws.on('message', (m) => { n++; if (m.text === '2') throw new TypeError('bad ' + m.text); test('m' + m.text, () => {}); });",
        vec![open(), text(2, "1"), text(3, "2"), text(4, "3")],
    );
    let names: Vec<String> = tests_of(&out).into_iter().map(|t| t.0).collect();
    assert_eq!(names, ["m1", "m3"]);
    let error = out
        .iter()
        .find_map(|o| match o {
            ScriptOutput::Error(e) => Some(e.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(error.message, "TypeError: bad 2");
    assert_eq!(error.line, Some(1));
}
