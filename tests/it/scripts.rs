//! `wsprobe test`: scripts and their tests, headless, against real servers (the tungstenite
//! test server and python-websockets). Every API call, every exit code, the reporters.

use crate::cli::{Run, finish};
use crate::support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::peers::python_websockets;
use support::*;
use wsprobe::model::{Environment, SavedRequest, Variable};
use wsprobe::store::Store;

const WAIT: Duration = Duration::from_secs(5);

/// `wsprobe test ARGS` in a workspace folder of the test's own.
pub(crate) fn wsprobe_test(workspace: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wsprobe"));
    cmd.arg("test")
        .args(args)
        .env("WSPROBE_WORKSPACE", workspace)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    finish(cmd.spawn().expect("start wsprobe"))
}

fn script_file(dir: &Path, name: &str, source: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, source).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn every_api_call_against_an_echo_server() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let script = script_file(
        dir.path(),
        "api.js",
        r#"
        before(() => {
            vars.set("started", "yes");
            request.headers.set("X-Signature", "sig-" + vars.get("room"));
        });
        let ticks = 0;
        let timedOut = false;
        const t = setInterval(() => { if (++ticks === 2) clearInterval(t); }, 10);
        setTimeout((a) => { timedOut = true; console.info("timeout with", a); }, 5, "arg");
        // Closes once both timers have run (however fast the echo is).
        const closeAfterTimers = () => {
            if (ticks < 2 || !timedOut) return setTimeout(closeAfterTimers, 5);
            test("timers ran", () => { expect(ticks).toBe(2); expect(timedOut).toBe(true); });
            console.warn("closing");
            ws.close(4001, "enough");
        };
        ws.on("open", () => {
            console.log("open", request.url.includes("127.0.0.1"));
            expectMessage("echo arrives", (m) => m.text.includes("subscribe"), 2000);
            ws.send(JSON.stringify({ op: "subscribe", room: vars.get("room"), started: vars.get("started") }));
            ws.send(new Uint8Array([0, 1, 255]));
        });
        ws.on("message", (msg) => {
            if (msg.binary) {
                test("binary echo", () => {
                    expect(msg.bytes).toEqual(new Uint8Array([0, 1, 255]));
                    expect(msg.size).toBe(3);
                });
                closeAfterTimers();
                return;
            }
            const e = msg.json();
            test("json echo", () => {
                expect(e).toEqual({ op: "subscribe", room: "lobby", started: "yes" });
                expect(e).toHaveProperty("room", "lobby");
                expect(msg.text).toMatch(/subscribe/);
                expect(msg.text).toContain("lobby");
                expect(msg.binary).toBeFalsy();
                expect(msg.time).toBeGreaterThan(1.6e12);
                expect(msg.size).toBeLessThan(100);
                expect(e.missing).toBeUndefined();
                expect(e.op).toBeDefined();
                expect(e.op).not.toBe("other");
                expect([1, 2]).toHaveLength(2);
            });
        });
        ws.on("close", (c) => {
            console.error("closed", c.code);
            test("closed by us with 4001", () => expect(c).toEqual({ code: 4001, reason: "enough", by: "client" }));
        });
        "#,
    );
    let run = wsprobe_test(
        dir.path(),
        &[&server.url(), "--script", &script, "--var", "room=lobby"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let seen = &server.requests()[0];
    assert_eq!(seen.header("x-signature"), Some("sig-lobby"));
    assert!(server.wait_for(WAIT, |r| !r.client_close_codes.is_empty()));
    assert_eq!(server.client_close_codes(), vec![Some(4001)]);
    for line in [
        "✓ echo arrives",
        "✓ json echo",
        "✓ binary echo",
        "✓ closed by us with 4001",
        "✓ timers ran",
        "5 passed, 0 failed",
    ] {
        assert!(run.stdout.contains(line), "wanted {line:?}: {run:?}");
    }
    for line in [
        "[log] ",
        "open true",
        "[info] ",
        "timeout with arg",
        "[warn] ",
        "[error] ",
        "closed 4001",
    ] {
        assert!(
            run.stderr.contains(line),
            "wanted {line:?} on stderr: {run:?}"
        );
    }
}

#[test]
fn failures_and_errors_exit_1_with_messages_and_lines() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let script = script_file(
        dir.path(),
        "fail.js",
        "ws.on('open', () => ws.send('x'));\nws.on('message', (m) => {\n  test('is y', () => expect(m.text).toBe('y'));\n  m.nope.deeper;\n});\nsetTimeout(() => ws.close(), 300);\n",
    );
    let run = wsprobe_test(dir.path(), &[&server.url(), "--script", &script]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(
            "✗ is y: expect(received).toBe(expected) · Expected: \"y\" · Received: \"x\""
        ),
        "{run:?}"
    );
    assert!(
        run.stdout.contains(
            "✗ script error: TypeError: cannot read property 'deeper' of undefined (line 4, column"
        ),
        "{run:?}"
    );
    assert!(run.stdout.ends_with("0 passed, 1 failed\n"), "{run:?}");

    // No test at all is not a pass.
    let empty = script_file(dir.path(), "empty.js", "ws.on('open', () => ws.close());");
    let run = wsprobe_test(dir.path(), &[&server.url(), "--script", &empty]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("(no tests ran)"), "{run:?}");

    // A connection that fails: the script's error handler hears why.
    let port = support::peers::free_port();
    let on_error = script_file(
        dir.path(),
        "on_error.js",
        "ws.on('error', (e) => console.warn('error event:', e.message));",
    );
    let run = wsprobe_test(
        dir.path(),
        &[&format!("ws://127.0.0.1:{port}/"), "--script", &on_error],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("✗ connection failed: could not connect"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("error event: could not connect"),
        "{run:?}"
    );
}

#[test]
fn bad_input_exits_2_and_sends_nothing() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let bad = script_file(
        dir.path(),
        "bad.js",
        "ws.on('open', () => {\n  ws.send(;\n});\n",
    );
    let run = wsprobe_test(dir.path(), &[&server.url(), "--script", &bad]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("SyntaxError"), "{run:?}");
    assert!(run.stderr.contains("(line 2, column"), "{run:?}");
    let missing = dir.path().join("missing.js");
    let run = wsprobe_test(
        dir.path(),
        &[&server.url(), "--script", missing.to_str().unwrap()],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("cannot read --script"), "{run:?}");
    let run = wsprobe_test(dir.path(), &[&server.url()]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("needs --script"), "{run:?}");
    let ok = script_file(dir.path(), "ok.js", "test('t', () => {});");
    let run = wsprobe_test(dir.path(), &["No such request", "--script", &ok]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("no saved request named `No such request`"),
        "{run:?}"
    );
    // A bad target later in the list stops the run before the first one connects.
    let run = wsprobe_test(
        dir.path(),
        &[&server.url(), "No such request", "--script", &ok],
    );
    assert_eq!(run.code, 2, "{run:?}");
    let run = wsprobe_test(
        dir.path(),
        &[&server.url(), "--script", &ok, "--timeout", "0"],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        server.requests().is_empty(),
        "nothing may be sent on bad input"
    );
}

#[test]
fn junit_and_json_reports_parse() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let script = script_file(
        dir.path(),
        "r.js",
        r#"ws.on("open", () => ws.send("<hi & bye>"));
           ws.on("message", (m) => {
             test("echo <1>", () => expect(m.text).toBe("<hi & bye>"));
             test("fails", () => expect(m.size).toBe(1));
             ws.close();
           });
           ws.on("close", () => { throw new Error("in close"); });"#,
    );
    let report = dir.path().join("report.xml");
    let run = wsprobe_test(
        dir.path(),
        &[
            &server.url(),
            "--script",
            &script,
            "--reporter",
            "junit",
            "--output",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.is_empty(),
        "the report went to the file: {run:?}"
    );
    let xml = std::fs::read_to_string(&report).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
    let suites = doc.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    assert_eq!(suites.attribute("tests"), Some("3"));
    assert_eq!(suites.attribute("failures"), Some("1"));
    assert_eq!(suites.attribute("errors"), Some("1"));
    let suite = suites
        .children()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("name"), Some(server.url().as_str()));
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases[0].attribute("name"), Some("echo <1>"));
    assert!(cases[0].children().all(|c| !c.is_element()));
    let failure = cases[1]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(
        failure
            .attribute("message")
            .unwrap()
            .contains("Expected: 1")
    );
    assert!(failure.text().unwrap().contains("\nReceived: 10"));
    let error = cases[2]
        .children()
        .find(|n| n.has_tag_name("error"))
        .unwrap();
    assert!(
        error
            .attribute("message")
            .unwrap()
            .contains("Error: in close")
    );

    let run = wsprobe_test(
        dir.path(),
        &[&server.url(), "--script", &script, "--reporter", "json"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["passed"], 1);
    assert_eq!(json["failed"], 1);
    assert_eq!(json["errors"], 1);
    let target = &json["targets"][0];
    assert_eq!(target["tests"][0]["name"], "echo <1>");
    assert_eq!(target["tests"][0]["passed"], true);
    assert!(target["tests"][0]["event"].as_u64().is_some());
    assert_eq!(target["closed"]["code"], 1000);
    assert_eq!(target["errors"][0]["line"], 7);
}

#[test]
fn runaway_scripts_and_memory_bombs_are_stopped() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let bomb = script_file(
        dir.path(),
        "bomb.js",
        "test('before the bomb', () => {});\nws.on('open', () => { const a = []; for (;;) a.push(new Array(1e5).fill(a.length)); });",
    );
    let run = wsprobe_test(dir.path(), &[&server.url(), "--script", &bomb]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(
            "✗ script error: script stopped: it used more than 64 MiB (the script memory limit)"
        ),
        "{run:?}"
    );
    let runaway = script_file(
        dir.path(),
        "loop.js",
        "ws.on('open', () => { while (true) {} });",
    );
    let run = wsprobe_test(dir.path(), &[&server.url(), "--script", &runaway]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("script stopped: a callback ran longer than 1000 ms"),
        "{run:?}"
    );
    assert!(
        run.took < Duration::from_secs(10),
        "the run ends once the script is stopped: {run:?}"
    );
}

#[test]
fn expect_message_times_out_and_the_timeout_ends_a_target() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let script = script_file(
        dir.path(),
        "wait.js",
        r#"ws.on("open", () => {
             expectMessage("nothing comes", (m) => true, 200);
             expectMessage("still waiting at the end", (m) => true, 60000);
           });"#,
    );
    let run = wsprobe_test(
        dir.path(),
        &[&server.url(), "--script", &script, "--timeout", "1"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("✗ nothing comes: no message matched within 200 ms"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("✗ still waiting at the end: no message matched within 60000 ms (the connection ended after"),
        "{run:?}"
    );
    assert!(
        run.took >= Duration::from_secs(1) && run.took < Duration::from_secs(8),
        "{run:?}"
    );
}

/// A workspace with two saved requests with scripts: the first sets a token, the second
/// sends it. Variables live in the "local" environment.
fn chained_workspace(dir: &Path, port: u16) {
    let (mut store, mut ws, _) = Store::open(dir).unwrap();
    let mut login = SavedRequest::new("Login", format!("ws://127.0.0.1:{port}/login"));
    login.script = r#"
        ws.on("open", () => ws.send("token-" + vars.get("user")));
        ws.on("message", (m) => { vars.set("token", m.text); test("got a token", () => expect(m.text).toMatch(/^token-/)); ws.close(); });
    "#
    .into();
    let mut feed = SavedRequest::new("Feed", format!("ws://127.0.0.1:{port}/feed?t=<<token>>"));
    feed.script = r#"
        ws.on("open", () => { test("token carried", () => expect(vars.get("token")).toBe("token-ann")); ws.close(); });
    "#
    .into();
    ws.requests = vec![login, feed];
    let mut local = Environment::new("local").with_var("user", "ann");
    local.variables.push(Variable {
        name: "token".into(),
        value: "old-secret-token".into(),
        secret: true,
    });
    ws.active_environment = Some(local.id.clone());
    ws.environments = vec![local];
    store.save(&ws).unwrap();
}

fn files_text(dir: &Path) -> String {
    let mut all = String::new();
    for entry in walk(dir) {
        all.push_str(&std::fs::read_to_string(entry).unwrap_or_default());
    }
    all
}

pub(crate) fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn vars_set_carry_to_later_targets_and_persist_only_with_save_vars() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    chained_workspace(dir.path(), server.port());
    let before = files_text(dir.path());
    let run = wsprobe_test(dir.path(), &["Login", "Feed"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Login\n  ✓ got a token"), "{run:?}");
    assert!(run.stdout.contains("Feed\n  ✓ token carried"), "{run:?}");
    assert_eq!(server.requests()[1].uri, "/feed?t=token-ann");
    assert_eq!(
        files_text(dir.path()),
        before,
        "without --save-vars nothing is written"
    );

    let run = wsprobe_test(dir.path(), &["Login", "--save-vars"]);
    assert_eq!(run.code, 0, "{run:?}");
    let (_, ws, _) = Store::open(dir.path()).unwrap();
    let token = ws.environments[0].get("token").unwrap();
    assert_eq!(token.value, "token-ann");
    assert!(token.secret, "a secret stays secret");
    // The secret's value is kept out of the git-tracked environment file.
    let env_files: String = walk(&dir.path().join("environments"))
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(!env_files.contains("token-ann"), "{env_files}");
}

#[test]
fn a_deconz_like_feed_from_python_websockets() {
    let server = python_websockets(
        r#"
async def handler(ws):
    for i in range(5):
        state = {"buttonevent": 1002, "lastupdated": "2026-12-02T10:00:0%d" % i}
        if i == 3:
            state = {"on": True}
        await ws.send(json.dumps({"t": "event", "e": "changed", "r": "sensors" if i != 3 else "lights", "id": str(i), "state": state}))
    await ws.close(1000, "done")
"#,
        "",
        "a python-websockets deCONZ-like feed",
    );
    let dir = tempfile::tempdir().unwrap();
    let script = script_file(
        dir.path(),
        "deconz.js",
        r#"let sensors = 0;
           ws.on("message", (msg) => {
             const e = msg.json();
             if (e.r === "sensors") {
               sensors++;
               test("sensor " + e.id + " carries lastupdated", () => expect(e.state.lastupdated).toBeDefined());
               vars.set("lastSensor", e.id);
             }
           });
           ws.on("close", (c) => {
             test("four sensor events", () => expect(sensors).toBe(4));
             test("closed normally", () => expect(c.code).toBe(1000));
           });"#,
    );
    let run = wsprobe_test(dir.path(), &[&server.ws_url("/"), "--script", &script]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("6 passed, 0 failed"), "{run:?}");
}

/// The README's complete example, read from the README itself, against `wsprobe serve`'s
/// /tick route: the saved request, its environment, and `wsprobe test` with JUnit output.
#[test]
fn the_readme_example_passes_against_wsprobe_serve() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let at = readme
        .find("A complete example.")
        .expect("the README has the example");
    let json_start = at + readme[at..].find("```json\n").unwrap() + "```json\n".len();
    let json_end = json_start + readme[json_start..].find("```").unwrap();
    let example: serde_json::Value = serde_json::from_str(&readme[json_start..json_end]).unwrap();

    let port = support::runtime().block_on(async {
        let (listener, addr) = wsprobe::serve::bind("127.0.0.1", 0).await.unwrap();
        tokio::spawn(wsprobe::serve::serve(listener));
        addr.port()
    });
    let dir = tempfile::tempdir().unwrap();
    let (mut store, mut ws, _) = Store::open(dir.path()).unwrap();
    let mut request = SavedRequest::new(
        example["name"].as_str().unwrap(),
        example["url"].as_str().unwrap(),
    );
    request.script = example["script"].as_str().unwrap().to_owned();
    ws.requests.push(request);
    ws.environments.push(
        Environment::new("Local")
            .with_var("host", "127.0.0.1")
            .with_var("port", &port.to_string()),
    );
    store.save(&ws).unwrap();
    let report = dir.path().join("wsprobe.xml");
    let run = wsprobe_test(
        dir.path(),
        &[
            "Sensor feed",
            "--env",
            "Local",
            "--reporter",
            "junit",
            "--output",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let xml = std::fs::read_to_string(&report).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(cases, 5, "four sensor events of six, and the close: {xml}");
}

/// A folder as TARGET runs every request in it and its subfolders, in sidebar order, and its
/// headers reach the server (issue 17's rule for `wsprobe test`).
#[test]
fn a_folder_as_target_runs_every_request_in_it() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let (mut store, mut ws, _) = Store::open(dir.path()).unwrap();
    let mut home = wsprobe::model::Folder::new("Home", None);
    home.headers = vec![wsprobe::model::KeyValue::new("X-Folder", "home")];
    let lights = wsprobe::model::Folder::new("Lights", Some(home.id.clone()));
    let script = |name: &str| {
        format!(
            "ws.on('open', () => {{ test('{name} opened', () => expect(ws.connected).toBe(true)); ws.close(); }});"
        )
    };
    let mut doors = SavedRequest::new("Doors", server.url_for("/doors"));
    doors.folder = Some(home.id.clone());
    doors.script = script("doors");
    let mut feed = SavedRequest::new("Feed", server.url_for("/feed"));
    feed.folder = Some(lights.id.clone());
    feed.script = script("feed");
    let mut outside = SavedRequest::new("Outside", server.url_for("/outside"));
    outside.script = script("outside");
    ws.requests = vec![doors, feed, outside];
    ws.folders = vec![home, lights];
    store.save(&ws).unwrap();

    let run = wsprobe_test(dir.path(), &["Home"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Doors\n  ✓ doors opened"), "{run:?}");
    assert!(run.stdout.contains("Feed\n  ✓ feed opened"), "{run:?}");
    assert!(run.stdout.ends_with("2 passed, 0 failed\n"), "{run:?}");
    let seen = server.requests();
    let uris: Vec<&str> = seen.iter().map(|r| r.uri.as_str()).collect();
    assert_eq!(
        uris,
        ["/doors", "/feed"],
        "only the folder's requests, in order"
    );
    assert!(seen.iter().all(|r| r.header("x-folder") == Some("home")));
}
