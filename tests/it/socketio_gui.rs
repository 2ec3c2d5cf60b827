//! The window side of Socket.IO requests, driven through egui_kittest: creating one with the +
//! menu and switching its type, Settings → Socket.IO (a bad auth payload is red and blocks
//! Connect), and against real Socket.IO servers (python-socketio, see `support::peers`):
//! emit with an ack and see its round trip, the event-name column and chips, the Raw frames
//! toggle, a CONNECT_ERROR's message.

use crate::support;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use support::gui::*;
use wsprobe::model::RequestKind;
use wsprobe::ui::App;
use wsprobe::ui::widgets::ConnState;

/// The + menu → New Socket.IO request, its proposed name accepted.
fn add_socketio_request(h: &mut Harness<'_, App>) {
    h.get_by_label("Add menu").click();
    h.run();
    h.get_by_label("New Socket.IO request").click();
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
}

fn kind_of_selected(h: &Harness<'_, App>) -> RequestKind {
    let id = selected_id(h);
    h.state().workspace().request(&id).expect("selected").kind
}

fn open_tab(h: &mut Harness<'_, App>, tab: &str) {
    h.get_by_role_and_label(Role::Button, tab).click();
    h.run();
}

#[test]
fn the_plus_menu_makes_a_socketio_request_and_the_request_bar_switches_its_type() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_socketio_request(&mut h);
    assert_eq!(kind_of_selected(&h), RequestKind::SocketIo);
    // The request bar says so, and the Message tab is the emit form.
    assert!(h.query_by_label("Event").is_some(), "the event name field");
    assert!(h.query_by_label("Expect acknowledgement").is_some());
    assert!(h.query_by_label("Arguments").is_some());
    assert!(h.query_by_label("Message body").is_none());
    assert!(h.query_by_label("Ping payload").is_none(), "no Ping row");

    // Switched to WebSocket in the request bar: the ordinary composer is back.
    h.get_by_label("Request type").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "WebSocket").click();
    h.run();
    assert_eq!(kind_of_selected(&h), RequestKind::WebSocket);
    assert!(h.query_by_label("Message body").is_some());
    h.get_by_label("Request type").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Socket.IO").click();
    h.run();
    assert_eq!(kind_of_selected(&h), RequestKind::SocketIo);

    // The type is saved with the request.
    h.state_mut().save_now();
    drop(h);
    let app = App::new(dir.path()).expect("reopens");
    assert_eq!(app.workspace().requests[0].kind, RequestKind::SocketIo);
}

#[test]
fn a_bad_auth_payload_is_red_and_blocks_connect() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_socketio_request(&mut h);
    // Nothing listens there: a Connect that went ahead would show Connecting.
    set_url(&mut h, "http://127.0.0.1:9/");
    open_tab(&mut h, "Settings");
    assert!(h.query_by_label("Namespace").is_some());
    assert!(h.query_by_label("Protocol version").is_some());
    h.get_by_label("Auth payload (JSON)")
        .set_text_value_accesskit("{\"token\": ");
    h.run();
    let red = "Auth payload: invalid JSON at line 1";
    assert!(has_label_containing(&h, red), "the red verdict in Settings");

    h.get_by_role_and_label(Role::Button, "Connect").click();
    h.run();
    assert_eq!(state_of(&h), ConnState::Disconnected);
    let id = selected_id(&h);
    assert!(
        h.state().session(&id).and_then(|s| s.session).is_none(),
        "nothing was started"
    );
    let error = h.state().session(&id).and_then(|s| s.error.clone());
    assert!(
        error.is_some_and(|e| e.starts_with(red)),
        "Connect says why"
    );

    // Not an object: red too. A valid object clears it.
    h.get_by_label("Auth payload (JSON)")
        .set_text_value_accesskit("[\"token\"]");
    h.run();
    assert!(has_label_containing(&h, "must be a JSON object"));
    h.get_by_label("Auth payload (JSON)")
        .set_text_value_accesskit("{\"token\": \"abc\"}");
    h.run();
    assert!(!has_label_containing(&h, "Auth payload: invalid JSON"));
    assert!(!has_label_containing(&h, "must be a JSON object"));
    let saved = &h.state().workspace().request(&id).unwrap().socketio.auth;
    assert_eq!(saved, "{\"token\": \"abc\"}");
}

#[test]
fn the_emit_form_is_checked_as_you_type() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_socketio_request(&mut h);
    h.get_by_label("Event").set_text_value_accesskit("chat");
    h.run();
    h.get_by_label("Arguments")
        .set_text_value_accesskit("\"hi\"\n{\"from\": ");
    h.run();
    assert!(has_label_containing(&h, "Invalid JSON at line 2, column 9"));
    h.get_by_label("Arguments")
        .set_text_value_accesskit("\"hi\"\n{\"from\": \"ann\"}");
    h.run();
    assert!(!has_label_containing(&h, "Invalid JSON"));
    // 42["chat","hi",{"from":"ann"}]
    assert!(has_label_containing(&h, "30 bytes"), "the packet's size");
    h.get_by_label("Event")
        .set_text_value_accesskit("disconnect");
    h.run();
    assert!(has_label_containing(&h, "reserved event name"));
    assert!(
        h.get_by_role_and_label(Role::Button, "Send")
            .accesskit_node()
            .is_disabled()
    );
}
