//! Comfort on the real app with egui_kittest: keyboard shortcuts (and not while typing), the
//! command palette, first-run examples, the window title, GUI import/export.

use crate::support;

use support::gui::*;

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use wsprobe::model::{MessageFormat, SavedRequest};
use wsprobe::ui::App;
use wsprobe::ui::app::ExportScope;

/// A workspace holding the given requests, the first selected.
fn open_with(dir: &std::path::Path, names: &[&str]) -> Harness<'static, App> {
    let mut app = App::new(dir).expect("workspace opens");
    for name in names {
        app.workspace_mut()
            .requests
            .push(SavedRequest::new(*name, "ws://127.0.0.1:1/x"));
    }
    app.workspace_mut().selected_request = app.workspace().requests.first().map(|r| r.id.clone());
    let mut h = harness(app);
    h.run();
    h
}

fn names(h: &Harness<'_, App>) -> Vec<String> {
    h.state()
        .workspace()
        .requests
        .iter()
        .map(|r| r.name.clone())
        .collect()
}

fn press(h: &mut Harness<'_, App>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

#[test]
fn ctrl_n_creates_a_request_and_starts_renaming_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_with(dir.path(), &[]);
    press(&mut h, Modifiers::COMMAND, Key::N);
    assert_eq!(names(&h), ["New request"]);
    // The name field has the keyboard with the old name selected: typing replaces it.
    h.get_by_label("Request name").type_text("Market feed");
    h.run();
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(names(&h), ["Market feed"]);
}

#[test]
fn f2_renames_ctrl_d_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_with(dir.path(), &["Alpha", "Beta"]);
    press(&mut h, Modifiers::NONE, Key::F2);
    h.get_by_label("Request name").type_text("Gamma");
    h.run();
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(names(&h), ["Gamma", "Beta"]);

    press(&mut h, Modifiers::COMMAND, Key::D);
    assert_eq!(names(&h), ["Gamma", "Gamma copy", "Beta"]);
    let selected = h.state().selected_request().unwrap().name.clone();
    assert_eq!(selected, "Gamma copy");
}

#[test]
fn delete_key_deletes_with_undo_but_not_inside_a_text_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_with(dir.path(), &["Alpha", "Beta"]);

    // In the URL field, Delete edits the text and leaves the requests alone.
    h.get_by_label("URL").focus();
    h.run();
    press(&mut h, Modifiers::NONE, Key::Delete);
    assert_eq!(names(&h), ["Alpha", "Beta"]);

    // With no text field focused, Delete removes the selected request...
    press(&mut h, Modifiers::NONE, Key::Escape);
    press(&mut h, Modifiers::NONE, Key::Delete);
    assert_eq!(names(&h), ["Beta"]);
    // ...and Undo brings it back where it was.
    h.get_by_role_and_label(Role::Button, "Undo").click();
    h.run();
    assert_eq!(names(&h), ["Alpha", "Beta"]);
}

#[test]
fn ctrl_k_palette_lists_actions_with_shortcuts_and_runs_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_with(dir.path(), &["Alpha"]);
    press(&mut h, Modifiers::COMMAND, Key::K);
    assert!(h.state().palette_open());
    for label in [
        "New request",
        "Duplicate request",
        "Connect / disconnect",
        "Clear events",
        "Import…",
        "Export workspace…",
        "Keyboard shortcuts",
    ] {
        assert!(
            h.query_by_label_contains(label).is_some(),
            "palette lists {label}"
        );
    }
    assert!(h.query_by_label_contains("Ctrl+Shift+Enter").is_some());

    // Type to filter, Enter runs the first match.
    h.get_by_label("Command").type_text("dup");
    h.run();
    assert!(h.query_by_label_contains("New request").is_none());
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert!(!h.state().palette_open());
    assert_eq!(names(&h), ["Alpha", "Alpha copy"]);

    // Escape closes it without running anything.
    press(&mut h, Modifiers::COMMAND, Key::K);
    assert!(h.state().palette_open());
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(!h.state().palette_open());
    assert_eq!(names(&h).len(), 2);
}

#[test]
fn help_menu_opens_the_shortcuts_window() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_with(dir.path(), &["Alpha"]);
    h.get_by_label("Help").click();
    h.run();
    h.get_by_label("Keyboard shortcuts").click();
    h.run();
    assert!(h.query_by_label("Ctrl+Shift+Enter").is_some());
    assert!(h.query_by_label("Delete request").is_some());
}

#[test]
fn first_run_creates_examples_once() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("new-workspace");
    {
        let mut h = harness(App::open_with_examples(&ws).unwrap());
        h.run();
        assert_eq!(
            names(&h),
            [
                "Echo (wsprobe serve)",
                "Sensor events",
                "Flood (100,000 msg/s)"
            ]
        );
        let w = h.state().workspace();
        assert_eq!(w.requests[0].url, "ws://127.0.0.1:8765/echo");
        assert_eq!(w.requests[1].url, "ws://<<host>>:<<port>>/tick");
        assert_eq!(
            w.requests[2].url,
            "ws://<<host>>:<<port>>/flood?rate=100000"
        );
        let local = w.active_environment().expect("Local is active");
        assert_eq!(local.name, "Local");
        assert_eq!(local.get("host").unwrap().value, "127.0.0.1");
        assert_eq!(local.get("port").unwrap().value, "8765");
        let saved = &w.requests[0].saved_messages[0];
        assert_eq!(saved.format, MessageFormat::Json);
        assert!(serde_json::from_str::<serde_json::Value>(&saved.body).is_ok());
        // The user deletes all three.
        for _ in 0..3 {
            press(&mut h, Modifiers::NONE, Key::Delete);
        }
        assert!(names(&h).is_empty());
        h.state_mut().save_now();
    }
    let mut h = harness(App::open_with_examples(&ws).unwrap());
    h.run();
    assert!(names(&h).is_empty(), "examples are not added again");
}

#[test]
fn window_title_shows_request_and_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_with(dir.path(), &[]);
    assert_eq!(h.state().window_title(), "wsprobe");

    let server = support::echo_server();
    let mut app = App::new(dir.path().join("two")).unwrap();
    app.workspace_mut().requests.push(SavedRequest::new(
        "Market feed",
        format!("ws://{}/", server.addr),
    ));
    app.workspace_mut().selected_request = Some(app.workspace().requests[0].id.clone());
    h = harness(app);
    h.run();
    assert_eq!(
        h.state().window_title(),
        "Market feed — Disconnected — wsprobe"
    );
    // Ctrl+Shift+Enter connects. (Stepped, not run to rest: the connection's events keep
    // the window repainting for as long as the socket takes.)
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Enter);
    h.step();
    let deadline = Instant::now() + Duration::from_secs(10);
    while h.state().window_title() != "Market feed — Connected — wsprobe" {
        assert!(Instant::now() < deadline, "{}", h.state().window_title());
        h.step();
        // Not synchronisation: only not spinning while the socket connects.
        std::thread::sleep(Duration::from_millis(5));
    }
    // Ctrl+L clears the events of the request (its log held Connecting and Connected).
    let id = h.state().workspace().requests[0].id.clone();
    assert!(!h.state().session(&id).unwrap().log.is_empty());
    press(&mut h, Modifiers::COMMAND, Key::L);
    assert!(h.state().session(&id).unwrap().log.is_empty());
    // And again disconnects.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Enter);
    h.step();
    let deadline = Instant::now() + Duration::from_secs(10);
    while h.state().window_title() != "Market feed — Disconnected — wsprobe" {
        assert!(Instant::now() < deadline, "{}", h.state().window_title());
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn gui_import_and_export_use_the_same_code_as_the_menu() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_with(dir.path(), &["Alpha"]);
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/insomnia_v4.yaml");
    let summary = h
        .state_mut()
        .import_file(&fixture)
        .unwrap()
        .expect("nothing to ask");
    h.run();
    assert_eq!(summary.requests, 4);
    assert!(
        h.query_by_label_contains("Imported 4 WebSocket requests")
            .is_some()
    );
    assert_eq!(names(&h).len(), 5);

    let out = dir.path().join("all.json");
    h.state_mut()
        .export_to(&out, ExportScope::Workspace)
        .unwrap();
    let back = wsprobe::import::read_file(&out).unwrap();
    assert_eq!(back.requests, h.state().workspace().requests);

    // Ctrl+click adds to the selection (the import selected its first request); Export
    // selected writes just those, in sidebar order.
    h.get_by_role_and_label(Role::Button, "Key in query")
        .click_modifiers(Modifiers::COMMAND);
    h.run();
    let out = dir.path().join("some.json");
    h.state_mut()
        .export_to(&out, ExportScope::Selection)
        .unwrap();
    let back = wsprobe::import::read_file(&out).unwrap();
    let picked: Vec<&str> = back.requests.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(picked, ["Market feed", "Key in query"]);
    assert_eq!(
        back.folders.len(),
        1,
        "the folder the request is in comes along"
    );
    // A plain click ends the multi-selection.
    h.get_by_role_and_label(Role::Button, "Alpha").click();
    h.run();
    h.state_mut()
        .export_to(&out, ExportScope::Selection)
        .unwrap();
    let back = wsprobe::import::read_file(&out).unwrap();
    assert_eq!(back.requests.len(), 1);
    assert_eq!(back.requests[0].name, "Alpha");

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{").unwrap();
    assert!(h.state_mut().import_file(&bad).is_err());
    h.run();
    assert!(h.query_by_label_contains("Cannot import").is_some());
}

#[test]
fn ctrl_f_focuses_the_event_search() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_with(dir.path(), &["Alpha"]);
    assert!(!h.get_by_label("Search events").is_focused());
    press(&mut h, Modifiers::COMMAND, Key::F);
    assert!(h.get_by_label("Search events").is_focused());
    // Typing now goes into the search field, not into a request.
    h.event(egui::Event::Text("tick".into()));
    h.run();
    assert_eq!(
        h.get_by_label("Search events").value().as_deref(),
        Some("tick")
    );
    assert_eq!(names(&h), ["Alpha"]);
}

/// Runs frames until the background import/export is done and its result applied. The file
/// work happens on a worker thread, so frames are stepped (a spinner keeps requesting them).
fn step_until_idle(h: &mut Harness<'_, App>) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while h.state().busy().is_some() {
        assert!(Instant::now() < deadline, "still {:?}", h.state().busy());
        h.step();
        // Not synchronisation: only not spinning while the worker reads or writes the file.
        std::thread::sleep(Duration::from_millis(5));
    }
    h.run();
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn import_runs_in_the_background_with_a_spinner_and_refuses_a_second_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_with(dir.path(), &["Alpha"]);
    let file = fixture("insomnia_v4.json");
    // The worker waits for this gate before it reads the file, so the busy state below is
    // what the window shows, not a race with the parse.
    let (release, gate) = std::sync::mpsc::channel::<()>();
    assert!(h.state_mut().start_import_gated(&file, Some(gate)));
    assert_eq!(h.state().busy(), Some("Importing insomnia_v4.json…"));
    assert_eq!(names(&h), ["Alpha"]);

    // The first frame after starting shows the busy line; the window keeps working.
    h.step();
    assert!(h.query_by_label("Importing insomnia_v4.json…").is_some());
    assert_eq!(names(&h), ["Alpha"]);
    h.key_press_modifiers(Modifiers::COMMAND, Key::D);
    h.step();
    assert_eq!(names(&h), ["Alpha", "Alpha copy"], "edits while importing");

    // A second import is refused politely: the menu item is disabled, and asking anyway
    // (palette, API) says to wait.
    h.get_by_label("File").click();
    h.step();
    h.step();
    assert!(h.get_by_label("Import…").accesskit_node().is_disabled());
    assert!(
        h.get_by_label("Export workspace…")
            .accesskit_node()
            .is_disabled()
    );
    h.key_press(Key::Escape);
    h.step();
    assert!(!h.state_mut().start_import(&file));
    assert!(h.state_mut().import_file(&file).is_err());
    h.step();
    assert!(h.query_by_label_contains("Wait for it to finish").is_some());
    assert_eq!(names(&h), ["Alpha", "Alpha copy"]);

    // Released, the parse finishes on the worker; a frame applies it and the summary
    // replaces the spinner.
    release.send(()).unwrap();
    step_until_idle(&mut h);
    assert!(
        h.query_by_label_contains("Imported 4 WebSocket requests")
            .is_some()
    );
    assert!(h.query_by_label_contains("Importing").is_none());
    assert!(h.query_by_label_contains("Wait for it to finish").is_none());
    let names = names(&h);
    assert_eq!(names.len(), 6, "{names:?}");
    assert_eq!(&names[..2], ["Alpha", "Alpha copy"]);
    assert!(names.iter().any(|n| n == "Key in query"), "{names:?}");

    // A broken file: the error shows as before.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{").unwrap();
    assert!(h.state_mut().start_import(&bad));
    step_until_idle(&mut h);
    assert!(h.query_by_label_contains("Cannot import").is_some());
    assert_eq!(h.state().workspace().requests.len(), 6);
}

#[test]
fn export_runs_in_the_background_and_reports_when_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_with(dir.path(), &["Alpha", "Beta"]);
    let out = dir.path().join("all.json");
    assert!(h.state_mut().start_export(&out, ExportScope::Workspace));
    assert_eq!(h.state().busy(), Some("Exporting to all.json…"));
    // Refused while the first one runs.
    assert!(!h.state_mut().start_export(&out, ExportScope::Selection));
    step_until_idle(&mut h);
    assert!(
        h.query_by_label_contains("Exported 2 requests to")
            .is_some()
    );
    let back = wsprobe::import::read_file(&out).unwrap();
    assert_eq!(back.requests, h.state().workspace().requests);

    // A folder that does not exist: the error shows.
    let nowhere = dir.path().join("missing/dir/x.json");
    assert!(h.state_mut().start_export(&nowhere, ExportScope::Selection));
    step_until_idle(&mut h);
    assert!(h.query_by_label_contains("Cannot export to").is_some());
}
