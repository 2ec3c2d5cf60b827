//! The GUI driven like a user would, with egui_kittest: find widgets by label, click, type,
//! run frames. Connections go to real in-process servers on 127.0.0.1 (see `tests/support`).

use crate::support;

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use support::gui::*;
use support::*;
use wsprobe::model::{Environment, MessageFormat, SavedRequest};
use wsprobe::ui::widgets::ConnState;

#[test]
fn create_rename_escape_and_empty_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    assert!(has_label_containing(
        &h,
        "No requests yet: press + to create one"
    ));

    h.get_by_label("Add request").click();
    h.run();
    assert_eq!(h.state().workspace().requests[0].name, "New request");
    // Rename mode, name selected: typing replaces it.
    let field = h.get_by_label("Request name");
    assert!(field.is_focused());
    field.type_text("Chat");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().workspace().requests[0].name, "Chat");

    // A second one is "New request" again? No: "New request" is free, so it is reused.
    h.get_by_label("Add request").click();
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label("Add request").click();
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    let names: Vec<_> = h
        .state()
        .workspace()
        .requests
        .iter()
        .map(|r| r.name.clone())
        .collect();
    assert_eq!(names, ["Chat", "New request", "New request 2"]);

    // Double-click renames; Escape cancels.
    let chat = h.get_by_role_and_label(Role::Button, "Chat");
    chat.click();
    chat.click();
    h.run();
    h.get_by_label("Request name").type_text("Other");
    h.run();
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(h.state().workspace().requests[0].name, "Chat");
    assert!(h.query_by_label("Request name").is_none());

    // An empty name is refused.
    let chat = h.get_by_role_and_label(Role::Button, "Chat");
    chat.click();
    chat.click();
    h.run();
    h.key_press(egui::Key::Backspace);
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(has_label_containing(&h, "A request needs a name"));
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(h.state().workspace().requests[0].name, "Chat");
}

#[test]
fn duplicate_delete_and_undo_from_the_context_menu() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    set_url(&mut h, "ws://example.invalid/feed");

    h.get_by_role_and_label(Role::Button, "New request")
        .click_secondary();
    h.run();
    h.get_by_label("Duplicate").click();
    h.run();
    let ws = h.state().workspace();
    assert_eq!(ws.requests.len(), 2);
    assert_eq!(ws.requests[1].name, "New request copy");
    assert_eq!(ws.requests[1].url, "ws://example.invalid/feed");
    assert_ne!(ws.requests[0].id, ws.requests[1].id);
    assert_eq!(
        ws.selected_request.as_deref(),
        Some(ws.requests[1].id.as_str())
    );

    h.get_by_role_and_label(Role::Button, "New request copy")
        .click_secondary();
    h.run();
    h.get_by_label("Delete").click();
    h.run();
    assert_eq!(h.state().workspace().requests.len(), 1);
    assert!(has_label_containing(&h, "Deleted “New request copy”"));
    h.get_by_label("Undo").click();
    h.run();
    let names: Vec<_> = h
        .state()
        .workspace()
        .requests
        .iter()
        .map(|r| r.name.clone())
        .collect();
    assert_eq!(names, ["New request", "New request copy"]);
}

#[test]
fn connect_send_receive_filter_and_disconnect() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    assert!(has_label_containing(&h, "Not connected: press Connect"));
    assert!(
        h.get_by_role_and_label(Role::Button, "Send")
            .accesskit_node()
            .is_disabled()
    );
    set_url(&mut h, &server.url());
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    assert!(has_label_containing(&h, "● Connected"));
    assert!(rows(&h, '•', "Connected to ws://127.0.0.1") == 1);

    // Settings are locked while connected.
    h.get_by_label("Settings").click();
    h.run();
    assert!(has_label_containing(
        &h,
        "disconnect to change these settings"
    ));
    assert!(
        h.get_by_label("Reconnect attempts")
            .accesskit_node()
            .is_disabled()
    );
    h.get_by_label("Message").click();
    h.run();

    h.get_by_label("Message body").focus();
    h.run();
    h.get_by_label("Message body").type_text("hello wsprobe");
    h.run();
    h.get_by_role_and_label(Role::Button, "Send").click();
    run_until(&mut h, "the echo", |h| rows(h, '↓', "hello wsprobe") == 1);
    assert_eq!(rows(&h, '↑', "hello wsprobe"), 1);
    // The message stays in the editor.
    let id = selected_id(&h);
    assert_eq!(
        h.state().workspace().request(&id).unwrap().draft.body,
        "hello wsprobe"
    );

    // Ctrl+Enter sends too.
    h.get_by_label("Message body").focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    run_until(&mut h, "the second echo", |h| {
        rows(h, '↓', "hello wsprobe") == 2
    });

    // Filters: direction and search.
    h.get_by_role_and_label(Role::Button, "Sent").click();
    h.run();
    assert_eq!(rows(&h, '↓', ""), 0);
    assert_eq!(rows(&h, '↑', "hello wsprobe"), 2);
    assert!(has_label_containing(&h, "(2 shown)"));
    h.get_by_role_and_label(Role::Button, "All").click();
    h.run();
    h.get_by_label("Search events")
        .set_text_value_accesskit("nothing like this");
    h.run();
    assert!(has_label_containing(&h, "No events match the filter"));
    h.get_by_label("Search events")
        .set_text_value_accesskit("WSPROBE");
    h.run();
    assert!(has_label_containing(&h, "(4 shown)"));

    // Detail of a received message.
    h.query_all_by(|n| n.label().is_some_and(|l| l.starts_with('↓')))
        .next()
        .expect("a received row")
        .click();
    h.run();
    assert!(has_label_containing(&h, "Text message"));

    h.get_by_role_and_label(Role::Button, "Disconnect").click();
    run_until(&mut h, "Disconnected", |h| {
        state_of(h) == ConnState::Disconnected
    });
    h.get_by_label("Search events").set_text_value_accesskit("");
    h.run();
    assert_eq!(rows(&h, '•', "Disconnected: 1000 Normal closure"), 1);
    assert!(
        !h.get_by_role_and_label(Role::Button, "Connect")
            .accesskit_node()
            .is_disabled()
    );

    // Clear empties the list.
    h.get_by_role_and_label(Role::Button, "Clear").click();
    h.run();
    assert!(has_label_containing(&h, "0 events (0 shown)"));
}

#[test]
fn undefined_variable_is_named_and_nothing_connects() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    set_url(&mut h, "ws://<<host>>/socket");
    h.get_by_role_and_label(Role::Button, "Connect").click();
    h.run();
    assert!(has_label_containing(&h, "undefined variable `host` in URL"));
    assert_eq!(state_of(&h), ConnState::Disconnected);
    assert!(server.connection_times().is_empty());

    // Defined in Globals, the same request connects.
    let port = server.port();
    h.state_mut()
        .workspace_mut()
        .globals
        .variables
        .push(wsprobe::model::Variable::new(
            "host",
            format!("127.0.0.1:{port}"),
        ));
    h.run();
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    assert!(!has_label_containing(&h, "undefined variable"));
}

#[test]
fn params_table_and_url_stay_in_sync() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    set_url(&mut h, "ws://h:1/p?a=1&b=<<x>>");
    // The tab counts the URL's two params.
    h.get_by_label("Params (2)").click();
    h.run();
    assert_eq!(h.get_by_label("param 1 name").value().as_deref(), Some("a"));
    assert_eq!(
        h.get_by_label("param 2 value").value().as_deref(),
        Some("<<x>>")
    );

    h.get_by_label("param 1 value")
        .set_text_value_accesskit("42");
    h.run();
    let id = selected_id(&h);
    assert_eq!(
        h.state().workspace().request(&id).unwrap().url,
        "ws://h:1/p?a=42&b=<<x>>"
    );

    h.get_by_label("param 2 enabled").click();
    h.run();
    assert_eq!(
        h.state().workspace().request(&id).unwrap().url,
        "ws://h:1/p?a=42"
    );

    h.get_by_label("+ Add param").click();
    h.run();
    h.get_by_label("param 3 name").set_text_value_accesskit("c");
    h.run();
    assert_eq!(
        h.state().workspace().request(&id).unwrap().url,
        "ws://h:1/p?a=42&c="
    );

    // And back: editing the URL rewrites the table, keeping the disabled row.
    set_url(&mut h, "ws://h:1/p?z=9");
    let params = h.state().workspace().request(&id).unwrap().params.clone();
    let enabled: Vec<_> = params
        .iter()
        .filter(|p| p.enabled)
        .map(|p| (p.key.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(enabled, [("z", "9")]);
    assert!(params.iter().any(|p| !p.enabled && p.key == "b"));
}

#[test]
fn invalid_hex_blocks_send_until_fixed() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    connect_to(&mut h, &server.url());
    h.get_by_role_and_label(Role::Button, "Hex").click();
    h.run();
    h.get_by_label("Message body")
        .set_text_value_accesskit("de ad zz");
    h.run();
    assert!(has_label_containing(
        &h,
        "`z` at character 7 is not a hex digit"
    ));
    assert!(
        h.get_by_role_and_label(Role::Button, "Send")
            .accesskit_node()
            .is_disabled()
    );

    h.get_by_label("Message body")
        .set_text_value_accesskit("de ad be ef");
    h.run();
    let send = h.get_by_role_and_label(Role::Button, "Send");
    assert!(!send.accesskit_node().is_disabled());
    send.click();
    run_until(&mut h, "the binary echo", |h| {
        rows(h, '↓', "Binary de ad be ef") == 1
    });
    let id = selected_id(&h);
    assert_eq!(
        h.state().workspace().request(&id).unwrap().draft.format,
        MessageFormat::Hex
    );
}

#[test]
fn restart_shows_everything_as_left() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut h = open(dir.path());
        add_request(&mut h);
        add_request(&mut h);
        add_request(&mut h);
        set_url(&mut h, "ws://third.invalid/");
        // Move the third up one place, then select the first.
        h.get_by_role_and_label(Role::Button, "New request 3")
            .click_secondary();
        h.run();
        h.get_by_label("Move up").click();
        h.run();
        h.get_by_role_and_label(Role::Button, "New request 2")
            .click();
        h.run();
        h.get_by_label("Message body")
            .set_text_value_accesskit("{\"draft\": true}");
        h.run();
        // Dropping the harness drops the App, which saves on the way out (like on exit).
    }
    let mut h = open(dir.path());
    let ws = h.state().workspace();
    let names: Vec<_> = ws.requests.iter().map(|r| r.name.clone()).collect();
    assert_eq!(names, ["New request", "New request 3", "New request 2"]);
    assert_eq!(ws.requests[1].url, "ws://third.invalid/");
    assert_eq!(ws.requests[2].draft.body, "{\"draft\": true}");
    let selected = selected_id(&h);
    assert_eq!(
        h.state().workspace().request(&selected).unwrap().name,
        "New request 2"
    );
    h.run();
    assert_eq!(
        h.get_by_label("Message body").value().as_deref(),
        Some("{\"draft\": true}")
    );
}

#[test]
fn autosave_writes_without_exit() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    set_url(&mut h, "ws://saved.invalid/");
    // Read the folder the way a second process would (read-only: opening it for editing would
    // tidy away the saver's in-flight temp file).
    let on_disk = || {
        wsprobe::store::Store::load_read_only(dir.path())
            .unwrap()
            .0
            .requests
            .first()
            .is_some_and(|r| r.url == "ws://saved.invalid/")
    };
    let deadline = Instant::now() + WAIT;
    while !on_disk() {
        assert!(Instant::now() < deadline, "the edit never reached the disk");
        h.step();
        // Not synchronisation: the debounce runs on wall-clock time; don't spin a core.
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn environments_picker_and_secret_hover() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut store, mut ws, _) = wsprobe::store::Store::open(dir.path()).unwrap();
        let mut env = Environment::new("Staging").with_var("host", "staging.local");
        env.variables.push(wsprobe::model::Variable {
            name: "token".into(),
            value: "hunter2".into(),
            secret: true,
        });
        ws.environments.push(env);
        ws.requests
            .push(SavedRequest::new("Feed", "ws://<<host>>/?t=<<token>>"));
        store.save(&ws).unwrap();
    }
    let mut h = open(dir.path());
    h.get_by_role_and_label(Role::Button, "Feed").click();
    h.run();
    // No environment active: the variables are undefined.
    h.get_by_role_and_label(Role::Button, "Connect").click();
    h.run();
    assert!(has_label_containing(&h, "undefined variable `host`"));

    // Manage environments opens the window with Globals and Staging.
    h.get_by_label("Manage environments").click();
    h.run();
    assert!(has_label_containing(&h, "Globals"));
    h.get_by_label("Staging").click();
    h.run();
    assert_eq!(
        h.get_by_label("variable 2 value").accesskit_node().role(),
        Role::PasswordInput
    );
    h.get_by_label("Reveal variable 2").click();
    h.run();
    assert_eq!(
        h.get_by_label("variable 2 value").accesskit_node().role(),
        Role::TextInput
    );
}

#[test]
fn typing_open_delimiter_offers_variables() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    h.state_mut()
        .workspace_mut()
        .globals
        .variables
        .push(wsprobe::model::Variable::new("host", "127.0.0.1:9"));
    add_request(&mut h);
    let url = h.get_by_label("URL");
    url.focus();
    h.run();
    h.get_by_label("URL").type_text("ws://<<ho");
    h.run();
    h.get_by_label("host").click();
    h.run();
    let id = selected_id(&h);
    assert_eq!(
        h.state().workspace().request(&id).unwrap().url,
        "ws://<<host>>"
    );
}

#[test]
fn variable_completion_follows_the_arrow_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    for (name, value) in [("alpha", "1"), ("beta", "2"), ("gamma", "3")] {
        h.state_mut()
            .workspace_mut()
            .globals
            .variables
            .push(wsprobe::model::Variable::new(name, value));
    }
    add_request(&mut h);
    h.get_by_label("URL").focus();
    h.run();
    h.get_by_label("URL").type_text("ws://<<");
    h.run();
    assert!(has_label_containing(&h, "Enter or Tab takes one"));
    // Down twice: gamma; Up once: beta; Enter takes it (and does not connect).
    for key in [
        egui::Key::ArrowDown,
        egui::Key::ArrowDown,
        egui::Key::ArrowUp,
    ] {
        h.key_press(key);
        h.run();
    }
    h.key_press(egui::Key::Enter);
    h.run();
    let id = selected_id(&h);
    assert_eq!(
        h.state().workspace().request(&id).unwrap().url,
        "ws://<<beta>>"
    );
    assert_eq!(state_of(&h), ConnState::Disconnected);
    // Up from the top wraps to the last name.
    h.get_by_label("URL").type_text("/<<");
    h.run();
    assert!(has_label_containing(&h, "Enter or Tab takes one"));
    h.key_press(egui::Key::ArrowUp);
    h.run();
    h.key_press(egui::Key::Tab);
    h.run();
    assert_eq!(
        h.state().workspace().request(&id).unwrap().url,
        "ws://<<beta>>/<<gamma>>"
    );
    // Escape closes the list (the field keeps its focus and text); typing opens it again.
    h.get_by_label("URL").type_text("<<");
    h.run();
    assert!(has_label_containing(&h, "Esc closes"));
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(!has_label_containing(&h, "Esc closes"));
    assert_eq!(
        h.state().workspace().request(&id).unwrap().url,
        "ws://<<beta>>/<<gamma>><<"
    );
    h.get_by_label("URL").type_text("a");
    h.run();
    assert!(has_label_containing(&h, "Esc closes"));
}

#[test]
fn enter_in_url_connects_and_two_requests_keep_their_own_events() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    connect_to(&mut h, &server.url_for("/one"));
    let first = selected_id(&h);
    h.get_by_label("Message body")
        .set_text_value_accesskit("from one");
    h.run();
    h.get_by_role_and_label(Role::Button, "Send").click();
    run_until(&mut h, "echo one", |h| rows(h, '↓', "from one") == 1);

    // The second request connects with Enter in the URL bar.
    add_request(&mut h);
    let second = selected_id(&h);
    h.get_by_label("URL").focus();
    h.run();
    h.get_by_label("URL").type_text(&server.url_for("/two"));
    h.run();
    h.key_press(egui::Key::Enter);
    run_until(&mut h, "second connected", |h| {
        state_of(h) == ConnState::Connected
    });
    assert_eq!(
        rows(&h, '↓', "from one"),
        0,
        "the second request has its own events"
    );
    assert_eq!(
        h.state().session(&first).map(|s| s.state),
        Some(ConnState::Connected),
        "the first one stays connected"
    );

    // Back to the first: its events are still there.
    h.get_by_role_and_label(Role::Button, "New request").click();
    h.run();
    assert_eq!(selected_id(&h), first);
    assert_eq!(rows(&h, '↓', "from one"), 1);
    assert_ne!(first, second);
}

#[test]
fn saved_messages_save_load_rename_delete() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    h.get_by_role_and_label(Role::Button, "JSON").click();
    h.get_by_label("Message body")
        .set_text_value_accesskit("{\"op\":\"ping\"}");
    h.run();
    h.get_by_label("Saved message name")
        .set_text_value_accesskit("Ping op");
    h.run();
    h.get_by_role_and_label(Role::Button, "Save draft").click();
    h.run();
    h.get_by_label("Message body")
        .set_text_value_accesskit("something else");
    h.get_by_role_and_label(Role::Button, "Text").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Ping op").click();
    h.run();
    let id = selected_id(&h);
    let draft = h.state().workspace().request(&id).unwrap().draft.clone();
    assert_eq!(draft.body, "{\"op\":\"ping\"}");
    assert_eq!(draft.format, MessageFormat::Json);

    h.get_by_label("Rename saved message Ping op").click();
    h.run();
    h.get_by_label("Saved message new name")
        .set_text_value_accesskit("Ping");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(
        h.state().workspace().request(&id).unwrap().saved_messages[0].name,
        "Ping"
    );
    h.get_by_label("Delete saved message Ping").click();
    h.run();
    assert!(
        h.state()
            .workspace()
            .request(&id)
            .unwrap()
            .saved_messages
            .is_empty()
    );
}

#[test]
fn beautify_json_keeps_key_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    h.get_by_role_and_label(Role::Button, "JSON").click();
    h.get_by_label("Message body")
        .set_text_value_accesskit("{\"b\":1,\"a\":[1,2]}");
    h.run();
    h.get_by_label("✨ Beautify").click();
    h.run();
    let id = selected_id(&h);
    assert_eq!(
        h.state().workspace().request(&id).unwrap().draft.body,
        "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    2\n  ]\n}"
    );
    h.get_by_label("Message body")
        .set_text_value_accesskit("{\"b\":1,");
    h.run();
    assert!(has_label_containing(&h, "Invalid JSON at line 1, column"));
    // A warning only: JSON that does not parse can still be sent once connected.
}

#[test]
fn a_flood_of_100k_events_draws_only_visible_rows() {
    let server = TestServer::start(Behavior::Burst { count: 100_000 });
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    connect_to(&mut h, &server.url());
    let id = selected_id(&h);
    let deadline = Instant::now() + Duration::from_secs(60);
    while h
        .state()
        .session(&id)
        .is_none_or(|s| s.log.len() <= 100_000)
    {
        // Each frame takes a bounded batch from the engine, so frames keep coming.
        h.step();
        assert!(Instant::now() < deadline, "the burst arrived");
    }
    h.step();
    assert!(has_label_containing(&h, "shown)"));
    // Speed is measured by benchmarks, not here; what must hold is the shape: with 100,000
    // events in the log, only the rows that fit in the window exist in the UI.
    let drawn = rows(&h, '↓', "");
    assert!((10..200).contains(&drawn), "{drawn} rows drawn");
}

#[test]
fn drag_a_request_to_reorder() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    add_request(&mut h);
    add_request(&mut h);
    let from = h
        .get_by_role_and_label(Role::Button, "New request 3")
        .rect()
        .center();
    let to = h.get_by_role_and_label(Role::Button, "New request").rect();
    h.hover_at(from);
    h.drag_at(from);
    h.run_ok();
    // Move in small steps, as a hand would, to just above the first row's middle.
    let target = egui::pos2(to.center().x, to.top() + 3.0);
    for i in 1..=10 {
        let t = i as f32 / 10.0;
        h.hover_at(from + (target - from) * t);
        h.run_ok();
    }
    h.drop_at(target);
    h.run_ok();
    let names: Vec<_> = h
        .state()
        .workspace()
        .requests
        .iter()
        .map(|r| r.name.clone())
        .collect();
    assert_eq!(names, ["New request 3", "New request", "New request 2"]);
}

#[test]
fn cancel_while_connecting() {
    let silent = SilentListener::start();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    set_url(&mut h, &silent.url());
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connecting", |h| {
        state_of(h) == ConnState::Connecting
    });
    assert!(has_label_containing(&h, "● Connecting"));
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    run_until(&mut h, "Disconnected", |h| {
        state_of(h) == ConnState::Disconnected
    });
    assert_eq!(rows(&h, '•', "cancelled while connecting"), 1);
}

#[test]
fn auth_secrets_are_masked_until_revealed() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    h.get_by_label("Auth").click();
    h.run();
    h.get_by_label("Type").click();
    h.run();
    h.get_by_label("Bearer").click();
    h.run();
    let token = h.get_by_label("Token");
    assert_eq!(token.accesskit_node().role(), Role::PasswordInput);
    token.set_text_value_accesskit("t0ps3cret");
    h.run();
    h.get_by_label("👁 Reveal secrets").click();
    h.run();
    assert_eq!(
        h.get_by_label("Token").accesskit_node().role(),
        Role::TextInput
    );
    let id = selected_id(&h);
    assert_eq!(
        h.state().workspace().request(&id).unwrap().auth,
        wsprobe::model::Auth::Bearer {
            token: "t0ps3cret".into()
        }
    );
}

#[test]
fn environments_create_rename_pick_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    set_url(&mut h, "ws://<<host>>/");
    h.get_by_label("Manage environments").click();
    h.run();
    h.get_by_label("+ New environment").click();
    h.run();
    h.get_by_label("Environment name")
        .set_text_value_accesskit("Dev");
    h.run();
    h.get_by_label("+ Add variable").click();
    h.run();
    h.get_by_label("variable 1 name")
        .set_text_value_accesskit("host");
    h.get_by_label("variable 1 value")
        .set_text_value_accesskit("127.0.0.1:1");
    h.run();
    let ws = h.state().workspace();
    assert_eq!(ws.environments.len(), 1);
    assert_eq!(ws.environments[0].name, "Dev");
    assert_eq!(
        ws.environments[0].get("host").map(|v| v.value.as_str()),
        Some("127.0.0.1:1")
    );

    // Pick it: the URL's variable is now defined, so Connect resolves it.
    h.get_by_label("Environment").click();
    h.run();
    // "Dev" is both in the window's list and in the picker's popup (the upper one).
    h.get_all_by_role_and_label(Role::Button, "Dev")
        .min_by(|a, b| a.rect().top().total_cmp(&b.rect().top()))
        .expect("the picker offers Dev")
        .click();
    h.run();
    let dev_id = h.state().workspace().environments[0].id.clone();
    assert_eq!(
        h.state().workspace().active_environment.as_deref(),
        Some(dev_id.as_str())
    );

    // Globals is always there and cannot be deleted; Dev can.
    h.get_by_label("🗑 Delete").click();
    h.run();
    let ws = h.state().workspace();
    assert!(ws.environments.is_empty());
    assert_eq!(ws.active_environment, None);
    assert!(has_label_containing(
        &h,
        "Always applies, beneath the active environment"
    ));
}
