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
    // 42["chat","hi",{"from": "ann"}]
    assert!(has_label_containing(&h, "31 bytes"), "the packet's size");
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

/// A Socket.IO request to `url` made with the + menu, connected, with the server's welcome in.
fn connect_socketio(h: &mut Harness<'_, App>, url: &str) {
    add_socketio_request(h);
    set_url(h, url);
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(h, "Connected", |h| state_of(h) == ConnState::Connected);
    run_until(h, "the welcome event", |h| rows(h, '↓', "welcome") == 1);
}

/// Fills the emit form.
fn set_emit(h: &mut Harness<'_, App>, event: &str, args: &str, ack: bool) {
    h.get_by_label("Event").set_text_value_accesskit(event);
    h.step();
    h.get_by_label("Arguments").set_text_value_accesskit(args);
    h.step();
    let id = selected_id(h);
    if h.state().workspace().request(&id).unwrap().draft.expect_ack != ack {
        h.get_by_label("Expect acknowledgement").click();
        h.step();
    }
}

fn send(h: &mut Harness<'_, App>) {
    h.get_by_role_and_label(Role::Button, "Send").click();
    h.step();
}

#[test]
fn an_emit_with_an_ack_shows_its_event_name_and_round_trip_against_python_socketio() {
    let server = support::socketio::python(None);
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    connect_socketio(&mut h, &support::socketio::http_url(&server));

    set_emit(&mut h, "chat.message", "\"hi\"\n{\"from\": \"ann\"}", true);
    send(&mut h);
    // The server echoes the event and acks it with ("got", 2).
    run_until(&mut h, "the ack", |h| rows(h, '↑', " ack ") == 1);
    run_until(&mut h, "the echo", |h| rows(h, '↓', "chat.message") == 1);
    // The emit's row: event name column, ack note with the round trip, the arguments.
    let emit = h
        .query_all_by_label_contains(" ack ")
        .next()
        .and_then(|n| n.accesskit_node().label())
        .expect("the emit row");
    assert!(emit.contains("chat.message"), "{emit}");
    // As written: the arguments keep the user's spacing.
    assert!(emit.contains("[\"hi\",{\"from\": \"ann\"}]"), "{emit}");
    assert!(emit.contains(" ms"), "{emit}");
    // The ack's row: `ack N` with the round trip, and what the server answered.
    let ack = h
        .query_all_by_label_contains("[\"got\",2]")
        .next()
        .and_then(|n| n.accesskit_node().label())
        .expect("the ack row");
    assert!(
        ack.starts_with('↓') && ack.contains("ack 0") && ack.contains(" ms"),
        "{ack}"
    );

    // The emit's detail links to the answer.
    click_row(&mut h, '↑', " ack ");
    assert!(has_label_containing(&h, "Acknowledged by the server after"));
    h.get_by_label("↓ Show the answer").click();
    h.run_ok();
    let id = selected_id(&h);
    let selected = h.state().session(&id).unwrap().view.selected.unwrap();
    let answer = log_of(&h).get(selected).unwrap();
    assert!(
        matches!(&answer.kind, wsprobe::engine::EventKind::SocketIo(sio)
            if matches!(sio.packet, wsprobe::engine::SocketIoPacket::Ack { .. })),
        "{answer:?}"
    );
    assert!(has_label_containing(&h, "Answers emit "));

    // The history remembers the event name and the ack choice.
    h.get_by_role_and_label(Role::Button, "History (1)").click();
    h.run_ok();
    assert!(has_label_containing(&h, "Emit + ack"));
    assert!(has_label_containing(&h, "chat.message \"hi\""));
}

#[test]
fn chips_filter_by_event_name_and_raw_frames_show_the_packets_underneath() {
    let server = support::socketio::python(None);
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    connect_socketio(&mut h, &support::socketio::http_url(&server));
    set_emit(&mut h, "chat.message", "\"hi\"", false);
    send(&mut h);
    run_until(&mut h, "the echo", |h| rows(h, '↓', "chat.message") == 1);

    // Decoded packets only by default: no raw 42[...] frames, the connect is a • row.
    assert_eq!(rows(&h, '↓', "42["), 0);
    assert_eq!(rows(&h, '•', "Namespace / connected"), 1);
    // A chip per name seen so far.
    assert!(h.query_by_label("Event name welcome").is_some());
    assert!(h.query_by_label("Event name chat.message").is_some());
    h.get_by_label("Event name welcome").click();
    h.run_ok();
    assert_eq!(rows(&h, '↓', "welcome"), 1);
    assert_eq!(rows(&h, '↓', "chat.message"), 0);
    assert_eq!(rows(&h, '↑', "chat.message"), 0);
    // A second chip shows either name; All events clears them.
    h.get_by_label("Event name chat.message").click();
    h.run_ok();
    assert_eq!(rows(&h, '↓', "chat.message"), 1);
    assert_eq!(rows(&h, '↓', "welcome"), 1);
    h.get_by_label("All events").click();
    h.run_ok();

    // Raw frames: the Engine.IO open packet, our 40 and the 42[...] frames appear beside.
    h.get_by_label("Raw frames").click();
    h.run_ok();
    let open_packets = rows(&h, '↓', "0{\"sid\"") - rows(&h, '↓', "40{\"sid\"");
    assert_eq!(open_packets, 1, "the open packet");
    assert!(rows(&h, '↓', "42[\"welcome\"") == 1);
    assert!(rows(&h, '↑', "42[\"chat.message\"") == 1);
    assert!(rows(&h, '↓', "welcome") >= 2, "the decoded event stays");
    h.get_by_label("Raw frames").click();
    h.run_ok();
    assert_eq!(rows(&h, '↓', "42["), 0);

    // The Connection filter keeps the namespace's connect packets.
    h.get_by_role_and_label(Role::Button, "Connection").click();
    h.run_ok();
    assert_eq!(rows(&h, '•', "Namespace / connected"), 1);
    assert_eq!(rows(&h, '↓', "welcome"), 0);
}

#[test]
fn a_connect_error_shows_the_servers_message() {
    let server = support::socketio::python(None);
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_socketio_request(&mut h);
    set_url(&mut h, &support::socketio::http_url(&server));
    open_tab(&mut h, "Settings");
    h.get_by_label("Namespace")
        .set_text_value_accesskit("/admin");
    h.get_by_label("Auth payload (JSON)")
        .set_text_value_accesskit("{\"token\": \"wrong\"}");
    h.run();
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "the connect error", |h| {
        rows(h, '•', "Namespace /admin refused: bad token") == 1
    });
    // Red, in the Connection filter, and its detail has the message.
    h.get_by_role_and_label(Role::Button, "Connection").click();
    h.run_ok();
    click_row(&mut h, '•', "refused: bad token");
    assert!(has_label_containing(&h, "Socket.IO connect error"));
    assert!(
        h.query_all_by_label_contains("bad token").count() >= 2,
        "row and detail"
    );
}

#[test]
fn binary_arguments_go_out_and_attachments_show_as_hex_against_node_socketio_4() {
    let server = support::socketio::node_v4(None);
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    connect_socketio(&mut h, &support::socketio::http_url(&server));
    // Two binary arguments, written as hex and as base64.
    set_emit(&mut h, "bin", "\"file\"\nhex: 01 02\nbase64: AAEC", true);
    send(&mut h);
    // The server answers `bin <01 02 03 ff> {"sizes": [-1, 2, 3]}` and acks with the sizes
    // and two bytes.
    run_until(&mut h, "the ack", |h| rows(h, '↑', " ack ") == 1);
    run_until(&mut h, "the answer", |h| rows(h, '↓', "[-1,2,3]") == 2);
    let answer = h
        .query_all_by(|n| {
            n.role() == Role::Button
                && n.label().is_some_and(|l| {
                    l.starts_with('↓') && l.contains("bin") && l.contains("+ 1 binary")
                })
        })
        .count();
    assert_eq!(answer, 2, "the event and the ack each carry one attachment");
    click_row(&mut h, '↓', "{\"sizes\":[-1,2,3]}");
    assert!(has_label_containing(&h, "Socket.IO event"));
    assert!(has_label_containing(&h, "Attachment 1 · 4 bytes"));
    assert!(
        has_label_containing(&h, "01 02 03 ff"),
        "the attachment's hexdump"
    );
}

#[test]
fn an_unanswered_emit_times_out_and_saved_messages_keep_the_event() {
    let server = support::socketio::python(None);
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_socketio_request(&mut h);
    let id = selected_id(&h);
    // Set up directly: a DragValue takes no typed text through accesskit.
    h.state_mut()
        .workspace_mut()
        .requests
        .iter_mut()
        .find(|r| r.id == id)
        .unwrap()
        .socketio
        .ack_timeout_ms = 300;
    set_url(&mut h, &support::socketio::http_url(&server));
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "the welcome event", |h| {
        rows(h, '↓', "welcome") == 1
    });

    set_emit(&mut h, "nobody.listens", "1", true);
    send(&mut h);
    run_until(&mut h, "the timeout", |h| {
        rows(h, '↑', "no ack in 300 ms") == 1
    });
    assert_eq!(rows(&h, '↑', "no acknowledgement of emit"), 1, "its note");

    // Saved with its event name and ack choice; Load brings both back.
    h.get_by_label("Saved message name")
        .set_text_value_accesskit("probe");
    h.step();
    h.get_by_role_and_label(Role::Button, "Save draft").click();
    h.step();
    assert!(has_label_containing(&h, "event nobody.listens"));
    set_emit(&mut h, "other", "2", false);
    h.get_by_role_and_label(Role::Button, "probe").click();
    h.step();
    let draft = &h.state().workspace().request(&id).unwrap().draft;
    assert_eq!(
        (draft.event.as_str(), draft.body.as_str(), draft.expect_ack),
        ("nobody.listens", "1", true)
    );
}

#[test]
fn the_emit_form_fits_a_narrow_window() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_sized(dir.path(), egui::vec2(860.0, 560.0));
    add_socketio_request(&mut h);
    // The events panel starts where the search box does: nothing of the form may reach it
    // (the event row used to widen the tab, cutting off the checkbox, the editor and Send).
    let events_left = h.get_by_label("Search events").rect().min.x;
    for label in ["Expect acknowledgement", "Arguments"] {
        let right = h.get_by_label(label).rect().max.x;
        assert!(
            right <= events_left,
            "{label} ends at {right}, past {events_left}"
        );
    }
    let send = h.get_by_role_and_label(Role::Button, "Send").rect().max.x;
    assert!(send <= events_left);
}

/// A script's `io.on` handler answers the server's question, not the engine's automatic empty
/// ack (which the server would take first, and ignore the script's).
#[test]
fn a_scripts_ack_answers_the_servers_emit_in_the_window() {
    let server = support::socketio::node_v4(None);
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_socketio_request(&mut h);
    set_url(&mut h, &support::socketio::http_url(&server));
    let id = selected_id(&h);
    h.state_mut()
        .workspace_mut()
        .request_mut(&id)
        .unwrap()
        .script = "io.on(\"connect\", () => io.emit(\"ask\", \"ready?\"));\n\
                   io.on(\"question\", (q, ack) => ack(\"yes from the script\"));\n"
        .to_owned();
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    // The server tells what it was answered: the script's words, not an empty ack.
    run_until(&mut h, "the server's 'answered'", |h| {
        rows(h, '↓', "answered") == 1
    });
    assert_eq!(rows(&h, '↓', "yes from the script"), 1);
}
