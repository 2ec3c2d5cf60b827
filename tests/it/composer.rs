//! The Message tab's additions, driven like a user would with egui_kittest against a real echo
//! server on 127.0.0.1: Send file… (the dialog's code path, fed a path), and the history of sent
//! messages (re-send with one click, load into the editor).

use crate::support;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use support::gui::*;
use support::*;
use wsprobe::model::MessageFormat;
use wsprobe::ui::App;
use wsprobe::ui::composer::SentBody;
use wsprobe::ui::widgets::ConnState;

fn add_request(h: &mut Harness<'_, App>, url: &str) {
    h.get_by_label("Add request").click();
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label("URL").set_text_value_accesskit(url);
    h.run();
}

fn connect(h: &mut Harness<'_, App>) {
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(h, "Connected", |h| state_of(h) == ConnState::Connected);
}

fn is_disabled(h: &Harness<'_, App>, label: &str) -> bool {
    h.get_by_role_and_label(Role::Button, label)
        .accesskit_node()
        .is_disabled()
}

fn send_text(h: &mut Harness<'_, App>, text: &str) {
    h.get_by_label("Message body").focus();
    h.run();
    h.get_by_label("Message body")
        .set_text_value_accesskit(text);
    h.run();
    h.get_by_role_and_label(Role::Button, "Send").click();
    // Echoes may arrive meanwhile and keep it repainting: don't require it to settle.
    h.run_ok();
}

/// Shows the History list (instead of the saved messages).
fn open_history(h: &mut Harness<'_, App>) {
    h.query_all_by_label_contains("History")
        .find(|n| n.accesskit_node().role() == Role::Button)
        .expect("the History switch")
        .click();
    h.run();
}

fn choose_file(h: &mut Harness<'_, App>, path: &std::path::Path) {
    let request = h.state().selected_request().expect("selected").clone();
    h.state_mut().composer_mut().choose_file(&request, path);
    h.run();
}

#[test]
fn send_file_is_disabled_until_connected() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h, &server.url());
    assert!(is_disabled(&h, "📎 Send file…"));
    connect(&mut h);
    assert!(!is_disabled(&h, "📎 Send file…"));

    // A file chosen while connected can't be sent once the connection is gone.
    let file = dir.path().join("later.bin");
    std::fs::write(&file, [1u8, 2, 3]).unwrap();
    choose_file(&mut h, &file);
    h.get_by_role_and_label(Role::Button, "Disconnect").click();
    run_until(&mut h, "Disconnected", |h| {
        state_of(h) == ConnState::Disconnected
    });
    assert!(is_disabled(&h, "📎 Send file…"));
    assert!(is_disabled(&h, "Send the chosen file"));
}

#[test]
fn send_file_shows_size_then_sends_exact_bytes() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h, &server.url());
    connect(&mut h);

    // Every byte value, and more than a KB, so the size reads in KB.
    let bytes: Vec<u8> = (0..2600u32).map(|i| (i % 256) as u8).collect();
    let file = dir.path().join("photo.png");
    std::fs::write(&file, &bytes).unwrap();
    choose_file(&mut h, &file);

    // Shown before anything is sent.
    assert!(has_label_containing(&h, "photo.png · 2.5 KiB"));
    assert!(server.received().is_empty());

    h.get_by_role_and_label(Role::Button, "Send the chosen file")
        .click();
    run_until(&mut h, "the echo of the file", |h| {
        rows(h, '↓', "Binary") == 1
    });
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert!(!received[0].text, "sent as a binary message");
    assert_eq!(received[0].data.as_ref(), bytes.as_slice());
    assert_eq!(rows(&h, '↑', "Binary"), 1);
    // The row is gone after sending; the history has it.
    assert!(h.state().composer().pending_file().is_none());
    let id = selected_id(&h);
    let history = h.state().composer().history(&id);
    assert_eq!(history.len(), 1);
    assert!(matches!(&history[0].body, SentBody::File { name, .. } if name == "photo.png"));

    // Loading it into the editor gives the same bytes as Base64.
    open_history(&mut h);
    h.get_by_label("Load into editor: photo.png · 2.5 KiB")
        .click();
    h.run();
    let draft = h.state().selected_request().unwrap().draft.clone();
    assert_eq!(draft.format, MessageFormat::Base64);
    assert_eq!(
        wsprobe::format::decode_base64(&draft.body).unwrap(),
        bytes.as_slice()
    );
}

#[test]
fn cancel_unreadable_and_too_large_files_send_nothing() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h, &server.url());
    connect(&mut h);

    let file = dir.path().join("notes.txt");
    std::fs::write(&file, b"not this one").unwrap();
    choose_file(&mut h, &file);
    assert!(has_label_containing(&h, "notes.txt · 12 B"));
    h.get_by_label("Cancel sending the file").click();
    h.run();
    assert!(!has_label_containing(&h, "notes.txt · 12 B"));

    // Unreadable: a clear error line naming the file.
    choose_file(&mut h, &dir.path().join("missing.bin"));
    assert!(has_label_containing(&h, "Cannot read missing.bin"));
    assert!(h.state().composer().pending_file().is_none());

    // Over the request's max message size: refused, naming both sizes.
    let id = selected_id(&h);
    h.state_mut()
        .workspace_mut()
        .request_mut(&id)
        .unwrap()
        .settings
        .max_message_size_bytes = 1000;
    h.run();
    let big = dir.path().join("big.bin");
    std::fs::write(&big, vec![7u8; 2048]).unwrap();
    choose_file(&mut h, &big);
    assert!(has_label_containing(
        &h,
        "big.bin is 2.0 KiB (2048 bytes), over this request's max message size of 1000 B (1000 bytes)"
    ));
    assert!(h.state().composer().pending_file().is_none());

    // Nothing reached the server (an echo of a sent text proves the connection still works).
    send_text(&mut h, "still here");
    run_until(&mut h, "echo", |h| rows(h, '↓', "still here") == 1);
    assert_eq!(server.received().len(), 1);
}

#[test]
fn history_lists_newest_first_resends_and_loads() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h, &server.url());
    open_history(&mut h);
    assert!(has_label_containing(&h, "Sent messages appear here"));
    connect(&mut h);

    send_text(&mut h, "first message");
    send_text(&mut h, "second message");
    run_until(&mut h, "both echoes", |h| rows(h, '↓', "message") == 2);

    let id = selected_id(&h);
    let previews: Vec<String> = h
        .state()
        .composer()
        .history(&id)
        .iter()
        .map(|m| m.preview())
        .collect();
    assert_eq!(previews, ["second message", "first message"]);
    assert!(has_label_containing(&h, "History (2)"));
    // Listed in the Message tab with format and preview, newest on top.
    let resend_buttons: Vec<String> = h
        .query_all_by(|n| n.label().is_some_and(|l| l.starts_with("Re-send: ")))
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .collect();
    assert_eq!(
        resend_buttons,
        ["Re-send: second message", "Re-send: first message"]
    );
    assert!(has_label_containing(&h, "Text"));

    // One click re-sends the older one: the server receives it twice, and its row stays where
    // it is, under the pointer (issue 18: it used to jump to the top).
    h.get_by_label("Re-send: first message").click();
    run_until(&mut h, "the re-sent echo", |h| {
        rows(h, '↓', "first message") == 2
    });
    let texts: Vec<Vec<u8>> = server.received().iter().map(|m| m.data.to_vec()).collect();
    assert_eq!(
        texts,
        [
            b"first message".to_vec(),
            b"second message".to_vec(),
            b"first message".to_vec()
        ]
    );
    let history = h.state().composer().history(&id);
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].preview(), "first message");

    // Load into the editor puts the body and its format back.
    h.get_by_label("Message body").set_text_value_accesskit("");
    h.run();
    h.state_mut()
        .workspace_mut()
        .request_mut(&id)
        .unwrap()
        .draft
        .format = MessageFormat::Json;
    h.run();
    h.get_by_label("Load into editor: second message").click();
    h.run();
    let draft = &h.state().selected_request().unwrap().draft;
    assert_eq!(draft.body, "second message");
    assert_eq!(draft.format, MessageFormat::Text);
    assert_eq!(
        h.get_by_label("Message body").value().as_deref(),
        Some("second message")
    );

    // Disconnected: re-send is disabled, loading still works.
    h.get_by_role_and_label(Role::Button, "Disconnect").click();
    run_until(&mut h, "Disconnected", |h| {
        state_of(h) == ConnState::Disconnected
    });
    assert!(
        h.get_by_label("Re-send: first message")
            .accesskit_node()
            .is_disabled()
    );
}

#[test]
fn history_is_per_request_and_not_saved() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h, &server.url());
    connect(&mut h);
    send_text(&mut h, "only here");
    run_until(&mut h, "echo", |h| rows(h, '↓', "only here") == 1);
    open_history(&mut h);
    assert!(h.query_by_label("Re-send: only here").is_some());
    // The draft is saved with the workspace; the history is not.
    h.get_by_label("Message body")
        .set_text_value_accesskit("draft now");
    h.run();
    h.state_mut().save_now();
    let saved = all_text(dir.path());
    assert!(saved.contains("draft now"), "the workspace was saved");
    assert!(!saved.contains("only here"), "history is memory-only");

    // Another request has its own (empty) history.
    add_request(&mut h, &server.url());
    assert!(h.query_by_label("Re-send: only here").is_none());
    assert!(has_label_containing(&h, "Sent messages appear here"));
}

/// Everything saved under `dir`, concatenated.
fn all_text(dir: &std::path::Path) -> String {
    let mut out = String::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.push_str(&all_text(&path));
        } else {
            out.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
    out
}
