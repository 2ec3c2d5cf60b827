//! The window's scripts, driven through egui_kittest against a real echo server: the Script
//! tab, the Tests list with passes and failures, script errors with their line, a runaway
//! loop stopped while the window answers, and script lines in the events panel.

use crate::support;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use support::gui::*;
use support::*;
use wsprobe::ui::App;
use wsprobe::ui::widgets::ConnState;

/// A new request to `url` whose Script tab holds `script` (typed into the editor).
fn request_with_script(h: &mut Harness<'_, App>, url: &str, script: &str) {
    add_request(h);
    set_url(h, url);
    h.get_by_role_and_label(Role::Button, "Script").click();
    h.run();
    h.get_by_label("Script editor").focus();
    h.run();
    h.get_by_label("Script editor")
        .set_text_value_accesskit(script);
    h.run();
}

/// An echo server, a fresh workspace and the window with a new request to the server whose
/// Script tab holds `script`.
fn start(script: &str) -> (TestServer, tempfile::TempDir, Harness<'static, App>) {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    request_with_script(&mut h, &server.url(), script);
    (server, dir, h)
}

fn connect(h: &mut Harness<'_, App>) {
    h.get_by_role_and_label(Role::Button, "Connect").click();
    h.step();
}

fn tests_of(h: &Harness<'_, App>) -> Vec<(String, bool)> {
    let id = selected_id(h);
    h.state()
        .session(&id)
        .map(|s| {
            s.script
                .tests
                .iter()
                .map(|t| (t.name.clone(), t.passed))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_script_tab_runs_on_connect_and_the_tests_list_shows_passes_and_failures() {
    let (_server, _dir, mut h) = start(
        r#"ws.on("open", () => ws.send("hello"));
ws.on("message", (msg) => {
  test("echo is hello", () => expect(msg.text).toBe("hello"));
  test("echo is bye", () => expect(msg.text).toBe("bye"));
  console.log("echo came back");
});"#,
    );
    // Saved with the request.
    let id = selected_id(&h);
    assert!(
        h.state()
            .workspace()
            .request(&id)
            .unwrap()
            .script
            .contains("echo is hello")
    );

    connect(&mut h);
    run_until(&mut h, "two test results", |h| tests_of(h).len() == 2);
    assert_eq!(
        tests_of(&h),
        vec![
            ("echo is hello".to_owned(), true),
            ("echo is bye".to_owned(), false)
        ]
    );
    // The console line is a Script event in the list.
    run_until(&mut h, "the script line", |h| {
        rows(h, '•', "echo came back") == 1
    });

    h.get_by_role_and_label(Role::Button, "Tests 1/2").click();
    h.run_ok();
    assert!(has_label_containing(&h, "1 passed, 1 failed"));
    assert!(has_label_containing(&h, "echo is bye"));
    assert!(has_label_containing(&h, "Expected: \"bye\""));
    // A result links to the event it came from: the echo.
    h.query_all_by_label_contains("event #")
        .find(|n| n.accesskit_node().role() == Role::Button)
        .expect("an event link")
        .click();
    h.run_ok();
    let id = selected_id(&h);
    let session = h.state().session(&id).unwrap();
    let seq = session.view.selected.expect("the event is selected");
    let event = session.log.get(seq).expect("in the log");
    assert_eq!(event.kind.name(), "incoming");
    assert!(!session.show_tests, "the events are shown again");

    // The next Connect clears the results and keeps the previous run for comparison.
    h.get_by_role_and_label(Role::Button, "Disconnect").click();
    run_until(&mut h, "Disconnected", |h| {
        state_of(h) == ConnState::Disconnected
    });
    connect(&mut h);
    run_until(&mut h, "the second run's results", |h| {
        let id = selected_id(h);
        h.state()
            .session(&id)
            .is_some_and(|s| s.script.previous.len() == 2 && s.script.tests.len() == 2)
    });
    h.get_by_role_and_label(Role::Button, "Tests 1/2").click();
    h.run_ok();
    h.get_by_label("Compare with the previous run").click();
    h.run_ok();
    assert!(has_label_containing(&h, "was ✔"));
    assert!(has_label_containing(&h, "was ✖"));
}

#[test]
fn a_script_error_shows_its_line_under_the_editor_and_nothing_connects() {
    let (server, _dir, mut h) = start("ws.on(\"open\", () => {\n  ws.send(;\n});");
    connect(&mut h);
    run_until(&mut h, "the error under the editor", |h| {
        has_label_containing(h, "⚠ Line 2, column")
    });
    assert!(has_label_containing(&h, "SyntaxError"));
    assert_eq!(state_of(&h), ConnState::Disconnected);
    assert!(server.requests().is_empty(), "nothing connects");

    // A runtime error keeps the connection up, with the line.
    h.get_by_label("Script editor").set_text_value_accesskit(
        "ws.on(\"message\", (m) => {\n  m.nope.x;\n});\nws.on(\"open\", () => ws.send(\"x\"));",
    );
    h.run();
    connect(&mut h);
    run_until(&mut h, "the TypeError", |h| {
        has_label_containing(h, "⚠ Line 2, column")
    });
    assert!(has_label_containing(&h, "TypeError"));
    assert_eq!(state_of(&h), ConnState::Connected);
}

#[test]
fn a_runaway_loop_is_stopped_while_the_window_answers() {
    let (_server, _dir, mut h) = start("ws.on(\"open\", () => { for (;;) {} });");
    let id = selected_id(&h);
    h.state_mut()
        .workspace_mut()
        .request_mut(&id)
        .unwrap()
        .settings
        .script_time_limit_ms = 300;
    connect(&mut h);
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    // The loop runs on the script's thread: the window keeps drawing and answering clicks.
    h.get_by_role_and_label(Role::Button, "Params").click();
    h.run_ok();
    assert_eq!(h.state().tab(), wsprobe::ui::request_tabs::Tab::Params);
    run_until(&mut h, "the script stopped", |h| {
        rows(h, '•', "a callback ran longer than 300 ms") == 1
    });
    assert_eq!(
        state_of(&h),
        ConnState::Connected,
        "the connection stays up"
    );
    h.get_by_role_and_label(Role::Button, "Script").click();
    h.run_ok();
    assert!(has_label_containing(
        &h,
        "script stopped: a callback ran longer than 300 ms"
    ));
}

#[test]
fn vars_set_by_a_script_go_to_the_active_environment_and_are_saved() {
    let (_server, dir, mut h) = start(
        "ws.on(\"open\", () => ws.send(\"tok-1\"));\nws.on(\"message\", (m) => vars.set(\"token\", m.text));",
    );
    connect(&mut h);
    run_until(&mut h, "the variable set", |h| {
        h.state()
            .workspace()
            .globals
            .get("token")
            .is_some_and(|v| v.value == "tok-1")
    });
    h.state_mut().save_now();
    let (_, saved, _) = wsprobe::store::Store::open(dir.path()).unwrap();
    assert_eq!(saved.globals.get("token").unwrap().value, "tok-1");
}
