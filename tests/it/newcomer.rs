//! Issue 18, what a new user trips over in the window: each test reproduces one report the
//! way a user meets it (clicks, typing, a real server on 127.0.0.1), and fails without its fix.

use crate::support;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use support::gui::*;
use support::*;
use wsprobe::ui::App;
use wsprobe::ui::widgets::ConnState;

/// A new workspace in a temporary folder, open, with one new request selected.
fn fresh() -> (tempfile::TempDir, Harness<'static, App>) {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    (dir, h)
}

/// Adds a variable to Globals.
fn add_global(h: &mut Harness<'_, App>, variable: wsprobe::model::Variable) {
    h.state_mut()
        .workspace_mut()
        .globals
        .variables
        .push(variable);
}

/// Fills the selected request's log with `n` received messages.
fn log_messages(h: &mut Harness<'_, App>, n: usize, payload: impl Fn(usize) -> String) {
    let id = selected_id(h);
    h.state_mut()
        .session_mut(&id)
        .log
        .extend(received_events(n, payload));
    h.run();
}

/// Types `text` into whatever has the keyboard focus, as a user typing at once would.
fn type_now(h: &mut Harness<'_, App>, text: &str) {
    h.event(egui::Event::Text(text.to_owned()));
    h.run();
}

fn value_of(h: &Harness<'_, App>, label: &str) -> String {
    h.get_by_label(label).value().unwrap_or_default()
}

fn url_of(h: &Harness<'_, App>) -> String {
    let id = selected_id(h);
    h.state().workspace().request(&id).unwrap().url.clone()
}

#[test]
fn params_are_shown_decoded_and_sent_encoded() {
    let server = echo_server();
    let (_dir, mut h) = fresh();
    set_url(&mut h, &server.url_for("/feed"));
    h.get_by_label("Params").click();
    h.run();
    h.get_by_label("+ Add param").click();
    h.run();
    h.get_by_label("param 1 name")
        .set_text_value_accesskit("probe");
    h.run();
    h.get_by_label("param 1 value")
        .set_text_value_accesskit("a b&c");
    h.run();
    assert!(
        url_of(&h).ends_with("/feed?probe=a+b%26c"),
        "the URL shows the value encoded: {}",
        url_of(&h)
    );
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    assert_eq!(server.requests()[0].uri, "/feed?probe=a+b%26c");
    h.get_by_role_and_label(Role::Button, "Disconnect").click();
    run_until(&mut h, "Disconnected", |h| {
        state_of(h) == ConnState::Disconnected
    });

    // The other way round: the table shows what the URL's encoding means.
    set_url(&mut h, &server.url_for("/feed?q=one%20two&r=x+y%26z"));
    assert_eq!(value_of(&h, "param 1 value"), "one two");
    assert_eq!(value_of(&h, "param 2 value"), "x y&z");
    // A URL typed by hand is not rewritten.
    assert!(url_of(&h).ends_with("?q=one%20two&r=x+y%26z"));
}

#[test]
fn a_variable_in_a_param_is_encoded_once_resolved() {
    let server = echo_server();
    let (_dir, mut h) = fresh();
    add_global(&mut h, wsprobe::model::Variable::new("who", "Ann & Bo"));
    set_url(&mut h, &server.url_for("/?name=<<who>>"));
    h.get_by_label("Params (1)").click();
    h.run();
    assert_eq!(value_of(&h, "param 1 value"), "<<who>>");
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    assert_eq!(server.requests()[0].uri, "/?name=Ann+%26+Bo");
}

#[test]
fn add_row_buttons_focus_the_new_rows_name() {
    let (_dir, mut h) = fresh();
    for (tab, button, field) in [
        ("Params", "+ Add param", "param 1 name"),
        ("Headers", "+ Add header", "header 1 name"),
    ] {
        h.get_by_label(tab).click();
        h.run();
        h.get_by_label(button).click();
        h.run();
        type_now(&mut h, "typed");
        assert_eq!(value_of(&h, field), "typed", "{button} focuses {field}");
    }

    h.get_by_label("Manage environments").click();
    h.run();
    h.get_by_label("+ Add variable").click();
    h.run();
    type_now(&mut h, "host");
    assert_eq!(value_of(&h, "variable 1 name"), "host");
    assert_eq!(h.state().workspace().globals.variables[0].name, "host");
}

fn type_body(h: &mut Harness<'_, App>, text: &str) {
    h.get_by_label("Message body").focus();
    h.run();
    h.get_by_label("Message body")
        .set_text_value_accesskit(text);
    h.run();
}

fn choose_format(h: &mut Harness<'_, App>, format: &str) {
    h.get_by_role_and_label(Role::Button, format).click();
    h.run();
}

#[test]
fn switching_the_format_checks_the_draft_again() {
    let server = echo_server();
    let (_dir, mut h) = fresh();
    set_url(&mut h, &server.url());
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    type_body(&mut h, r#"{"at": "<<$isoTimestamp>>"}"#);
    assert!(!has_label_containing(&h, "Cannot send"));
    choose_format(&mut h, "Hex");
    assert!(
        has_label_containing(&h, "is not a hex digit"),
        "the Hex error shows as soon as the format changes"
    );
    assert!(
        h.get_by_role_and_label(Role::Button, "Send")
            .accesskit_node()
            .is_disabled()
    );
    choose_format(&mut h, "JSON");
    assert!(!has_label_containing(&h, "Cannot send"));
}

#[test]
fn the_byte_count_is_what_send_sends() {
    let (_dir, mut h) = fresh();
    choose_format(&mut h, "Hex");
    type_body(&mut h, "48 65 6c 6c 6f 00 ff");
    assert!(has_label_containing(&h, "7 bytes"), "7 bytes, not 20");

    add_global(&mut h, wsprobe::model::Variable::new("name", "Ann"));
    choose_format(&mut h, "Text");
    type_body(&mut h, "hi <<name>>");
    assert!(
        has_label_containing(&h, "6 bytes"),
        "the variable counts as its value"
    );
    type_body(&mut h, "hi <<nobody>>");
    assert!(has_label_containing(&h, "size unknown"));
    assert!(has_label_containing(&h, "undefined variable `nobody`"));
    // A stray `<<` is reported while typing, not only at Send.
    type_body(&mut h, "cat <<EOF");
    assert!(has_label_containing(&h, "size unknown"));
}

#[test]
fn search_finds_non_ascii_text_in_its_own_case() {
    let (_dir, mut h) = fresh();
    log_messages(&mut h, 3, |i| {
        if i == 1 {
            r#"{"city":"MÜNCHEN"}"#.to_owned()
        } else {
            format!(r#"{{"city":"Bonn {i}"}}"#)
        }
    });
    assert_eq!(rows(&h, '↓', "city"), 3);
    for needle in ["MÜNCHEN", "münchen"] {
        h.get_by_label("Search events")
            .set_text_value_accesskit(needle);
        run_until(&mut h, "the search applied", |h| {
            let rs = h.state().session(&selected_id(h)).unwrap();
            rs.view.filtering_progress(&rs.log).is_none()
        });
        assert_eq!(rows(&h, '↓', "MÜNCHEN"), 1, "{needle} finds MÜNCHEN");
        assert_eq!(rows(&h, '↓', "Bonn"), 0);
    }
}

fn press(h: &mut Harness<'_, App>, modifiers: egui::Modifiers, key: egui::Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

/// The palette's frame on screen.
fn palette_rect(h: &Harness<'_, App>) -> egui::Rect {
    h.ctx
        .memory(|m| m.area_rect(egui::Id::unique("command_palette")))
        .expect("the palette is shown")
}

#[test]
fn the_palette_sizes_to_its_rows_and_lists_every_menu_action() {
    let (_dir, mut h) = fresh();
    press(&mut h, egui::Modifiers::COMMAND, egui::Key::K);
    // Typed with a slip: "themex" matches nothing, Backspace brings the three back.
    h.get_by_label("Command").type_text("themex");
    h.run();
    h.get_by_label("Command").set_text_value_accesskit("theme");
    h.run();
    let frame = palette_rect(&h);
    for theme in ["Theme: follow the system", "Theme: light", "Theme: dark"] {
        let rect = h.get_by_label(theme).rect();
        assert!(
            frame.contains_rect(rect.shrink(0.5)),
            "{theme} is whole inside the palette: {rect:?} in {frame:?}"
        );
    }
    // No gap below the last row either (the list is as tall as its rows).
    let last = h.get_by_label("Theme: dark").rect();
    assert!(
        frame.bottom() - last.bottom() < 24.0,
        "{last:?} in {frame:?}"
    );

    // Every menu action is there, Export events and Quit included.
    h.get_by_label("Command").set_text_value_accesskit("");
    h.run();
    for label in [
        "Export events as JSON Lines…",
        "Export events as HAR…",
        "Quit",
        "Manage environments",
        "About wsprobe",
    ] {
        h.get_by_label("Command").set_text_value_accesskit(label);
        h.run();
        assert!(
            h.query_all_by_label(label)
                .any(|n| palette_rect(&h).contains_rect(n.rect())),
            "the palette lists {label}"
        );
    }
}

#[test]
fn the_palette_jumps_to_a_request_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    for name in ["Alpha feed", "Beta ticker"] {
        h.get_by_label("Add request").click();
        h.run();
        h.event(egui::Event::Text(name.to_owned()));
        h.key_press(egui::Key::Enter);
        h.run();
    }
    let alpha = h.state().workspace().requests[0].id.clone();
    let beta = h.state().workspace().requests[1].id.clone();
    assert_eq!(selected_id(&h), beta);
    press(&mut h, egui::Modifiers::COMMAND, egui::Key::K);
    h.get_by_label("Command").type_text("alpha");
    h.run();
    let names: Vec<String> = h
        .state()
        .workspace()
        .requests
        .iter()
        .map(|r| r.name.clone())
        .collect();
    assert!(
        h.query_by_label_contains("Go to Alpha feed").is_some(),
        "{names:?}"
    );
    press(&mut h, egui::Modifiers::NONE, egui::Key::Enter);
    assert!(!h.state().palette_open());
    assert_eq!(selected_id(&h), alpha);
}

fn open_settings(h: &mut Harness<'_, App>) {
    h.get_by_label("Settings").click();
    h.run();
}

#[test]
fn no_subprotocol_is_an_amber_warning_and_strict_is_a_setting() {
    let server = echo_server();
    let (_dir, mut h) = fresh();
    set_url(&mut h, &server.url());
    open_settings(&mut h);
    h.get_by_label("Subprotocols")
        .set_text_value_accesskit("chat");
    h.run();
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "the warning", |h| {
        rows(h, '•', "Warning: server accepted no subprotocol") == 1
    });
    assert_eq!(state_of(&h), ConnState::Connected);
    assert_eq!(rows(&h, '•', "Error:"), 0, "not shown as an error");
    h.get_by_role_and_label(Role::Button, "Disconnect").click();
    run_until(&mut h, "Disconnected", |h| {
        state_of(h) == ConnState::Disconnected
    });

    // Strict: the same server is refused, and that is an error.
    h.get_by_label("Strict subprotocol").click();
    h.run();
    let id = selected_id(&h);
    assert!(
        h.state()
            .workspace()
            .request(&id)
            .unwrap()
            .settings
            .strict_subprotocol
    );
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "the strict close", |h| {
        rows(h, '•', "Error: server accepted no subprotocol") == 1
            && state_of(h) == ConnState::Disconnected
    });
    assert!(has_label_containing(&h, "Disconnected: 1002"));
}

#[test]
fn escape_closes_the_shortcuts_and_environments_windows() {
    let (_dir, mut h) = fresh();
    h.state_mut().run_command(
        &egui::Context::default(),
        wsprobe::ui::commands::UiCommand::KeyboardShortcuts,
    );
    h.run();
    assert!(h.query_by_label("Keyboard shortcuts").is_some());
    assert!(has_label_containing(&h, "Rename: commit / cancel"));
    press(&mut h, egui::Modifiers::NONE, egui::Key::Escape);
    assert!(!has_label_containing(&h, "Rename: commit / cancel"));

    h.get_by_label("Manage environments").click();
    h.run();
    assert!(has_label_containing(
        &h,
        "Always applies, beneath the active environment"
    ));
    // Escape in one of its fields leaves the field first, then closes the window.
    h.get_by_label("+ Add variable").click();
    h.run();
    assert!(h.get_by_label("variable 1 name").is_focused());
    press(&mut h, egui::Modifiers::NONE, egui::Key::Escape);
    assert!(has_label_containing(
        &h,
        "Always applies, beneath the active environment"
    ));
    press(&mut h, egui::Modifiers::NONE, egui::Key::Escape);
    assert!(!has_label_containing(
        &h,
        "Always applies, beneath the active environment"
    ));
}

#[test]
fn escape_then_tab_leaves_the_message_editor() {
    let (_dir, mut h) = fresh();
    type_body(&mut h, "a");
    let focused = |h: &Harness<'_, App>| -> Vec<String> {
        h.query_all_by(|n| n.is_focused())
            .filter_map(|n| n.accesskit_node().label())
            .collect()
    };
    assert_eq!(focused(&h), ["Message body"]);
    // Tab alone types a tab (it is a code editor)...
    press(&mut h, egui::Modifiers::NONE, egui::Key::Tab);
    assert_eq!(focused(&h), ["Message body"]);
    assert!(value_of(&h, "Message body").contains('\t'));
    // ...Escape, then Tab, moves on to the next control, and types nothing.
    let before = value_of(&h, "Message body");
    press(&mut h, egui::Modifiers::NONE, egui::Key::Escape);
    press(&mut h, egui::Modifiers::NONE, egui::Key::Tab);
    let editor = h.get_by_label("Message body").rect();
    let next = h
        .query_all_by(|n| n.is_focused())
        .next()
        .expect("a control has the focus");
    assert!(
        next.rect().top() >= editor.bottom(),
        "the next control below the editor has the focus, not the top of the window: {:?}",
        next.accesskit_node().label()
    );
    assert_eq!(value_of(&h, "Message body"), before);
}

#[test]
fn deleting_the_active_environment_can_be_undone_with_its_secrets() {
    let (_dir, mut h) = fresh();
    let mut env = wsprobe::model::Environment::new("Staging").with_var("host", "127.0.0.1:1");
    env.variables.push(wsprobe::model::Variable {
        name: "token".into(),
        value: "s3cret".into(),
        secret: true,
    });
    let env_id = env.id.clone();
    h.state_mut().workspace_mut().environments.push(env);
    h.state_mut().workspace_mut().active_environment = Some(env_id.clone());
    h.run();
    h.get_by_label("Manage environments").click();
    h.run();
    h.get_by_label("🗑 Delete").click();
    h.run();
    assert!(h.state().workspace().environments.is_empty());
    assert!(has_label_containing(&h, "Deleted “Staging”."));
    h.get_by_role_and_label(Role::Button, "Undo").click();
    h.run();
    let ws = h.state().workspace();
    assert_eq!(ws.environments.len(), 1);
    assert_eq!(ws.active_environment.as_deref(), Some(env_id.as_str()));
    assert_eq!(
        ws.environments[0]
            .get("token")
            .map(|v| (v.value.as_str(), v.secret)),
        Some(("s3cret", true))
    );
    assert!(!has_label_containing(&h, "Deleted “Staging”."));

    // A variable, too.
    h.get_by_label("Remove variable 1").click();
    h.run();
    assert_eq!(h.state().workspace().environments[0].variables.len(), 1);
    h.get_by_role_and_label(Role::Button, "Undo").click();
    h.run();
    let names: Vec<String> = h.state().workspace().environments[0]
        .variables
        .iter()
        .map(|v| v.name.clone())
        .collect();
    assert_eq!(names, ["host", "token"]);
}

#[test]
fn duplicate_variable_names_are_flagged_on_the_row() {
    let (_dir, mut h) = fresh();
    h.get_by_label("Manage environments").click();
    h.run();
    for n in 1..=2 {
        h.get_by_label("+ Add variable").click();
        h.run();
        h.get_by_label(&format!("variable {n} name"))
            .set_text_value_accesskit("host");
        h.run();
    }
    assert_eq!(
        h.query_all_by_label_contains("duplicate name").count(),
        2,
        "both rows say so"
    );
    h.get_by_label("variable 2 name")
        .set_text_value_accesskit("port");
    h.run();
    assert!(!has_label_containing(&h, "duplicate name"));
}

#[test]
fn saved_messages_save_on_enter_and_deletes_can_be_undone() {
    let (_dir, mut h) = fresh();
    type_body(&mut h, "hello");
    h.get_by_label("Saved message name").focus();
    h.run();
    h.get_by_label("Saved message name").type_text("greeting");
    h.run();
    press(&mut h, egui::Modifiers::NONE, egui::Key::Enter);
    let saved = |h: &Harness<'_, App>| -> Vec<String> {
        h.state()
            .selected_request()
            .unwrap()
            .saved_messages
            .iter()
            .map(|m| m.name.clone())
            .collect()
    };
    assert_eq!(saved(&h), ["greeting"], "Enter saved it");

    h.get_by_label("Delete saved message greeting").click();
    h.run();
    assert!(saved(&h).is_empty());
    h.get_by_role_and_label(Role::Button, "Undo").click();
    h.run();
    assert_eq!(saved(&h), ["greeting"]);
}

/// Every file in the workspace folder that its `.gitignore` does not exclude, with its text.
fn git_tracked_files(root: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    let ignored: Vec<String> = std::fs::read_to_string(root.join(".gitignore"))
        .unwrap_or_default()
        .lines()
        .map(|l| l.trim().trim_start_matches('/').to_owned())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut out = Vec::new();
    let mut dirs = vec![root.to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if ignored.contains(&rel) {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
            } else {
                out.push((
                    path.clone(),
                    std::fs::read_to_string(&path).unwrap_or_default(),
                ));
            }
        }
    }
    out
}

fn choose_auth(h: &mut Harness<'_, App>, kind: &str) {
    h.get_by_label("Auth").click();
    h.run();
    h.get_by_label("Type").click();
    h.run();
    h.get_by_role_and_label(Role::Button, kind).click();
    h.run();
}

#[test]
fn auth_secrets_never_reach_a_git_tracked_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut h = open(root);
    add_request(&mut h);
    set_url(&mut h, "ws://127.0.0.1:1/");
    choose_auth(&mut h, "Basic");
    h.get_by_label("Username").set_text_value_accesskit("ann");
    h.get_by_label("Password")
        .set_text_value_accesskit("pa55-basic");
    h.run();
    add_request(&mut h);
    choose_auth(&mut h, "Bearer");
    h.get_by_label("Token")
        .set_text_value_accesskit("tok-bearer-1");
    h.run();
    add_request(&mut h);
    choose_auth(&mut h, "OAuth 1.0");
    h.get_by_label("Consumer secret")
        .set_text_value_accesskit("cs-oauth-1");
    h.get_by_label("Token secret")
        .set_text_value_accesskit("ts-oauth-1");
    h.get_by_label("Access token")
        .set_text_value_accesskit("<<access>>");
    h.run();
    h.state_mut().save_now();
    let before = h.state().workspace().clone();

    let files = git_tracked_files(root);
    assert!(
        files
            .iter()
            .any(|(p, _)| p.to_string_lossy().contains("requests"))
    );
    for (path, text) in &files {
        for secret in ["pa55-basic", "tok-bearer-1", "cs-oauth-1", "ts-oauth-1"] {
            assert!(!text.contains(secret), "{secret} is in {}", path.display());
        }
    }
    // The username and a variable reference are no secrets: they stay in the request file.
    assert!(files.iter().any(|(_, t)| t.contains("\"ann\"")));
    assert!(files.iter().any(|(_, t)| t.contains("<<access>>")));
    let secrets = std::fs::read_to_string(root.join(".secrets.json")).unwrap();
    assert!(secrets.contains("tok-bearer-1") && secrets.contains("pa55-basic"));

    // Reopened, the requests have their credentials back.
    drop(h);
    let h = open(root);
    assert_eq!(h.state().workspace().requests, before.requests);
}

#[test]
fn an_auth_secret_in_an_old_request_file_moves_out_on_the_next_save() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut h = open(root);
    add_request(&mut h);
    h.state_mut().save_now();
    drop(h);
    // As an older wsprobe wrote it: the token in the request file.
    let requests = root.join("requests");
    let file = std::fs::read_dir(&requests)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    json["auth"] = serde_json::json!({"type": "Bearer", "token": "old-tok-9"});
    std::fs::write(&file, serde_json::to_string_pretty(&json).unwrap()).unwrap();

    let mut h = open(root);
    let token = match &h.state().workspace().requests[0].auth {
        wsprobe::model::Auth::Bearer { token } => token.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(token, "old-tok-9", "loaded from the old file");
    h.state_mut().workspace_mut().requests[0].name = "Renamed".into();
    h.run();
    h.state_mut().save_now();
    assert!(
        !std::fs::read_to_string(&file)
            .unwrap()
            .contains("old-tok-9")
    );
    assert!(
        std::fs::read_to_string(root.join(".secrets.json"))
            .unwrap()
            .contains("old-tok-9")
    );
}

/// Runs frames (stepping: a spinner may keep repainting) until `condition` holds.
fn step_until(h: &mut Harness<'_, App>, what: &str, condition: impl Fn(&Harness<'_, App>) -> bool) {
    let deadline = std::time::Instant::now() + WAIT;
    while !condition(h) {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        h.step();
        // Not synchronisation: only not spinning while a worker reads or writes a file.
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    h.run_ok();
}

/// Answers the window's own file dialog with `path`.
fn answer_dialog(h: &mut Harness<'_, App>, button: &str, path: &std::path::Path) {
    step_until(h, "the file dialog", |h| {
        h.query_by_label("File path").is_some()
    });
    h.get_by_label("File path")
        .set_text_value_accesskit(&path.display().to_string());
    h.run_ok();
    h.get_by_role_and_label(Role::Button, button).click();
    h.run_ok();
}

fn click_menu(h: &mut Harness<'_, App>, menu: &str, item: &str) {
    h.get_by_role_and_label(Role::Button, menu).click();
    h.run_ok();
    h.get_by_role_and_label(Role::Button, item).click();
    h.run_ok();
}

#[test]
fn the_window_has_its_own_file_dialog_when_the_desktop_has_none() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    wsprobe::ui::path_prompt::set_builtin(&h.ctx, true);
    add_request(&mut h);

    // Import… : Open, an existing file.
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/insomnia_v4.yaml");
    click_menu(&mut h, "File", "Import…");
    // A path that is not there is refused in the dialog, which stays open.
    answer_dialog(&mut h, "Open", &dir.path().join("missing.yaml"));
    assert!(has_label_containing(&h, "No file"));
    answer_dialog(&mut h, "Open", &fixture);
    step_until(&mut h, "the import", |h| {
        h.state().workspace().requests.len() == 5 && h.state().busy().is_none()
    });
    assert!(h.query_by_label("File path").is_none(), "the dialog closed");

    // Export workspace… : Save, a new file.
    let out = dir.path().join("all.json");
    click_menu(&mut h, "File", "Export workspace…");
    answer_dialog(&mut h, "Save", &out);
    step_until(&mut h, "the export", |h| {
        out.exists() && h.state().busy().is_none()
    });
    assert_eq!(wsprobe::import::read_file(&out).unwrap().requests.len(), 5);

    // Settings → CA file Browse…
    let first = h.state().workspace().requests[0].id.clone();
    h.state_mut().workspace_mut().selected_request = Some(first.clone());
    h.run_ok();
    h.get_by_label("Settings").click();
    h.run_ok();
    let pem = dir.path().join("ca.pem");
    std::fs::write(&pem, "-----BEGIN CERTIFICATE-----\n").unwrap();
    h.get_by_role_and_label(Role::Button, "Browse…").click();
    h.run_ok();
    answer_dialog(&mut h, "Open", &pem);
    step_until(&mut h, "the CA path", |h| {
        h.state()
            .workspace()
            .request(&first)
            .unwrap()
            .settings
            .ca_cert_path
            .is_some()
    });

    // Send file… ; Cancel sends nothing.
    h.get_by_label("Message").click();
    h.run_ok();
    set_url(&mut h, &server.url());
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    h.get_by_role_and_label(Role::Button, "📎 Send file…")
        .click();
    h.run_ok();
    step_until(&mut h, "the file dialog", |h| {
        h.query_by_label("File path").is_some()
    });
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run_ok();
    assert!(h.query_by_label("File path").is_none());
    let file = dir.path().join("blob.bin");
    std::fs::write(&file, [1u8, 2, 3]).unwrap();
    h.get_by_role_and_label(Role::Button, "📎 Send file…")
        .click();
    h.run_ok();
    answer_dialog(&mut h, "Open", &file);
    step_until(&mut h, "the chosen file", |h| {
        h.state().composer().pending_file().is_some()
    });
}

#[test]
fn secret_values_are_masked_in_the_events_until_revealed() {
    let server = echo_server();
    let (_dir, mut h) = fresh();
    add_global(
        &mut h,
        wsprobe::model::Variable {
            name: "tok".into(),
            value: "s3cr3t-value".into(),
            secret: true,
        },
    );
    set_url(&mut h, &server.url_for("/feed?t=<<tok>>"));
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    type_body(&mut h, r#"{"auth": "<<tok>>"}"#);
    h.get_by_role_and_label(Role::Button, "Send").click();
    run_until(&mut h, "the echo", |h| rows(h, '↓', "auth") == 1);
    assert_eq!(
        server.requests()[0].uri,
        "/feed?t=s3cr3t-value",
        "sent for real"
    );

    let leaks = |h: &Harness<'_, App>| h.query_all_by_label_contains("s3cr3t-value").count();
    assert_eq!(leaks(&h), 0, "no row shows the secret");
    assert!(
        rows(&h, '•', "t=••••••") >= 1,
        "the Connecting line is masked"
    );
    assert_eq!(rows(&h, '↑', "••••••"), 1);

    // The detail of the sent message, and the timeline's request line.
    click_row(&mut h, '↑', "auth");
    let text = |h: &Harness<'_, App>| {
        let rs = h.state().session(&selected_id(h)).unwrap();
        rs.view.detail().text().unwrap_or_default().to_owned()
    };
    assert!(text(&h).contains("••••••") && !text(&h).contains("s3cr3t"));
    assert_eq!(leaks(&h), 0);
    click_row(&mut h, '•', "Connected");
    assert_eq!(leaks(&h), 0, "the timeline masks it too");

    // 👁 reveals it everywhere.
    h.get_by_label("Reveal secrets").click();
    h.run();
    assert!(leaks(&h) > 0);
    click_row(&mut h, '↑', "auth");
    assert!(text(&h).contains("s3cr3t-value"));
}

#[test]
fn smaller_things_a_postman_user_expects() {
    let server = SilentListener::start();
    let (_dir, mut h) = fresh();

    // Counts on the tabs.
    set_url(&mut h, "ws://127.0.0.1:1/?a=1&b=2");
    assert!(h.query_by_label("Params (2)").is_some());
    h.get_by_label("Headers").click();
    h.run();
    h.get_by_label("+ Add header").click();
    h.run();
    type_now(&mut h, "X-Trace");
    assert!(h.query_by_label("Headers (1)").is_some());

    // The error banner goes once what it complained about is fixed (here: another
    // environment defines the variable).
    set_url(&mut h, "ws://<<host>>/");
    h.get_by_role_and_label(Role::Button, "Connect").click();
    h.run();
    assert!(has_label_containing(&h, "undefined variable `host`"));
    let env = wsprobe::model::Environment::new("Local").with_var("host", "127.0.0.1:1");
    let env_id = env.id.clone();
    h.state_mut().workspace_mut().environments.push(env);
    h.state_mut().workspace_mut().active_environment = Some(env_id);
    h.run();
    assert!(!has_label_containing(&h, "undefined variable `host`"));

    // The Settings lock names the state it is in.
    set_url(&mut h, &server.url());
    h.get_by_role_and_label(Role::Button, "Connect").click();
    h.step();
    h.get_by_label("Settings").click();
    h.step();
    h.step();
    assert!(has_label_containing(
        &h,
        "🔒 Connecting: cancel to change these settings."
    ));
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    run_until(&mut h, "Disconnected", |h| {
        state_of(h) == ConnState::Disconnected
    });

    // The theme in use is checked in the View menu.
    h.get_by_role_and_label(Role::Button, "View").click();
    h.run();
    let checked: Vec<String> = h
        .query_all_by(|n| n.label().is_some_and(|l| l.starts_with("Theme: ")))
        .filter_map(|n| n.accesskit_node().label())
        .filter(|l| l.ends_with('✔'))
        .collect();
    assert_eq!(
        checked.len(),
        1,
        "exactly one theme is checked: {checked:?}"
    );
    h.get_by_label("Theme: light").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "View").click();
    h.run();
    assert!(h.query_by_label("Theme: light ✔").is_some());
    h.key_press(egui::Key::Escape);
    h.run();
    // Manage environments is under File (as well as beside the sidebar's picker).
    let sidebar: Vec<egui::Rect> = h
        .query_all_by_label("Manage environments")
        .map(|n| n.rect())
        .collect();
    h.get_by_role_and_label(Role::Button, "File").click();
    h.run();
    h.query_all_by_label("Manage environments")
        .find(|n| !sidebar.contains(&n.rect()))
        .expect("File has Manage environments")
        .click();
    h.run();
    assert!(
        h.query_by_label("Environment name").is_some(),
        "the window opened"
    );
}

#[test]
fn empty_messages_say_so_and_ticking_does_not_move_the_rows() {
    let (_dir, mut h) = fresh();
    log_messages(&mut h, 3, |i| {
        if i == 0 {
            String::new()
        } else {
            format!("m{i}")
        }
    });
    assert_eq!(rows(&h, '↓', "(empty)"), 1);
    let before = h.get_by_label("Tick event 1").rect();
    h.get_by_label("Tick event 2").click();
    h.run();
    assert!(has_label_containing(&h, "Tick a second event"));
    let after = h.get_by_label("Tick event 1").rect();
    assert_eq!(before, after, "the first tick moved the rows");
    h.get_by_label("Tick event 1").click();
    h.run();
    assert!(has_label_containing(&h, "between the ticked events"));
}

#[test]
fn resending_from_the_history_keeps_the_row_in_place() {
    let server = echo_server();
    let (_dir, mut h) = fresh();
    set_url(&mut h, &server.url());
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    for body in ["first", "second"] {
        type_body(&mut h, body);
        h.get_by_role_and_label(Role::Button, "Send").click();
        run_until(&mut h, "the echo", |h| rows(h, '↓', body) == 1);
    }
    let order = |h: &Harness<'_, App>| -> Vec<String> {
        h.state()
            .composer()
            .history(&selected_id(h))
            .iter()
            .map(|m| m.preview())
            .collect()
    };
    assert_eq!(order(&h), ["second", "first"]);
    h.query_all_by_label_contains("History")
        .find(|n| n.accesskit_node().role() == Role::Button)
        .unwrap()
        .click();
    h.run();
    h.get_by_label("Re-send: first").click();
    run_until(&mut h, "the second echo", |h| rows(h, '↓', "first") == 2);
    assert_eq!(
        order(&h),
        ["second", "first"],
        "the row stays under the pointer"
    );
}

#[test]
fn a_long_error_keeps_its_dismiss_button_beside_it() {
    let (_dir, mut h) = fresh();
    let long = format!("ws://127.0.0.1:1/{} end", "very/long/path/".repeat(20));
    set_url(&mut h, &long);
    h.get_by_role_and_label(Role::Button, "Connect").click();
    h.run();
    let message = h
        .query_all_by_label_contains("contains a space")
        .next()
        .expect("the error")
        .rect();
    let dismiss = h.get_by_label("Dismiss error").rect();
    assert!(
        dismiss.top() <= message.top() + 4.0,
        "the × is on the message's first line: {dismiss:?} vs {message:?}"
    );
    h.get_by_label("Dismiss error").click();
    h.run();
    assert!(h.query_by_label("Dismiss error").is_none());
}

#[test]
fn a_hexdump_is_never_wrapped_and_scrolls_sideways() {
    let (_dir, mut h) = fresh();
    log_messages(&mut h, 1, |_| "0123456789abcdef".repeat(8));
    click_row(&mut h, '↓', "0123");
    h.get_by_label("View as Hexdump").click();
    h.run();
    let panel_right = h.get_by_label("Close detail").rect().right();
    let text = h.get_by_label("Event detail").rect();
    assert!(
        text.right() > panel_right,
        "whole lines, wider than the pane (it scrolls): {text:?} vs {panel_right}"
    );
}
