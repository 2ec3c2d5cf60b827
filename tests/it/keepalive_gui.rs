//! The window's Ping button, pongs with their round trip, heartbeats (start, count, stop,
//! invalid input, reconnects), Settings → Keep-alive and the Control filter, driven through
//! egui_kittest against the real tungstenite server of `support`.

use crate::keepalive::all_distinct;
use crate::support;

use std::time::Instant;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use support::gui::*;
use support::*;
use wsprobe::model::MessageFormat;
use wsprobe::ui::widgets::ConnState;

fn heartbeat_sent(h: &egui_kittest::Harness<'_, wsprobe::ui::App>) -> u64 {
    let id = selected_id(h);
    h.state().session(&id).map_or(0, |s| s.heartbeat.sent)
}

fn heartbeat_running(h: &egui_kittest::Harness<'_, wsprobe::ui::App>) -> bool {
    let id = selected_id(h);
    h.state().session(&id).is_some_and(|s| s.heartbeat.running)
}

/// The saved message the selected request's heartbeat repeats (None: the draft).
fn heartbeat_message(h: &egui_kittest::Harness<'_, wsprobe::ui::App>) -> Option<String> {
    let id = selected_id(h);
    h.state()
        .workspace()
        .request(&id)?
        .heartbeat
        .message
        .clone()
}

/// Runs frames until the UI settles, or a few when a live connection keeps it repainting.
fn settle(h: &mut egui_kittest::Harness<'_, wsprobe::ui::App>) {
    let _ = h.run_ok();
}

fn set_draft(h: &mut egui_kittest::Harness<'_, wsprobe::ui::App>, format: &str, body: &str) {
    h.get_by_role_and_label(Role::Button, format).click();
    h.run();
    h.get_by_label("Message body")
        .set_text_value_accesskit(body);
    h.run();
}

#[test]
fn ping_shows_the_pong_with_its_round_trip_linked_to_the_ping() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    assert!(
        h.get_by_role_and_label(Role::Button, "Ping")
            .accesskit_node()
            .is_disabled(),
        "no ping before connecting"
    );
    set_url(&mut h, &server.url());
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);

    h.get_by_label("Ping payload")
        .set_text_value_accesskit("hi");
    h.run();
    assert!(has_label_containing(&h, "2 B"));
    h.get_by_role_and_label(Role::Button, "Ping").click();
    run_until(&mut h, "the pong", |h| rows(h, '↓', "Pong · 2 B · ") == 1);
    assert_eq!(rows(&h, '↑', "Ping · 2 B · hi"), 1);
    let pong = h
        .query_all_by_label_contains("Pong · 2 B · ")
        .next()
        .and_then(|n| n.accesskit_node().label())
        .expect("the pong row");
    // "Pong · 2 B · 0.41 ms · hi"
    assert!(pong.contains(" ms · hi"), "{pong}");
    click_row(&mut h, '↓', "Pong · 2 B");
    assert!(has_label_containing(&h, "answers our ping of"));
    h.get_by_label("↑ Show the ping it answers").click();
    h.run();
    let id = selected_id(&h);
    let rs = h.state().session(&id).unwrap();
    let selected = rs.view.selected.expect("an event is selected");
    assert!(
        matches!(&rs.log.get(selected).unwrap().kind, wsprobe::engine::EventKind::Ping { payload, .. } if payload == "hi"),
        "the ping is selected"
    );
    assert!(has_label_containing(&h, "Sent · ping (opcode 9) · 2 bytes"));

    // Hex payloads, and the 125-byte limit of a control frame.
    h.get_by_label("Ping payload as hex").click();
    h.get_by_label("Ping payload")
        .set_text_value_accesskit("de ad");
    h.run();
    h.get_by_role_and_label(Role::Button, "Ping").click();
    run_until(&mut h, "the binary pong", |h| {
        rows(h, '↓', "Pong · 2 B · ") == 2
    });
    h.get_by_label("Ping payload")
        .set_text_value_accesskit(&"ab".repeat(126));
    h.run();
    assert!(has_label_containing(&h, "a ping carries at most 125"));
    assert!(
        h.get_by_role_and_label(Role::Button, "Ping")
            .accesskit_node()
            .is_disabled()
    );
    h.get_by_label("Ping payload")
        .set_text_value_accesskit("zz");
    h.run();
    assert!(has_label_containing(&h, "Cannot ping:"));
}

#[test]
fn heartbeat_sends_every_interval_with_fresh_variables_and_stops() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    connect_to(&mut h, &server.url());
    let id = selected_id(&h);
    set_draft(&mut h, "Text", "beat <<$randomUUID>>");
    h.state_mut()
        .workspace_mut()
        .request_mut(&id)
        .unwrap()
        .heartbeat
        .interval_ms = 40;
    h.run();

    let started = Instant::now();
    h.get_by_label("Start heartbeat").click();
    run_until(&mut h, "6 heartbeats", |h| heartbeat_sent(h) >= 6);
    let took = started.elapsed();
    // The first goes at once, then one every 40 ms: six take at least five intervals.
    assert!(took.as_millis() >= 5 * 40 - 5, "{took:?}");
    assert!(has_label_containing(&h, "● Running"));
    assert!(has_label_containing(&h, " sent"));
    run_until(&mut h, "the echoes", |h| rows(h, '↓', "beat ") >= 6);
    let texts: Vec<String> = server
        .received()
        .iter()
        .map(|m| String::from_utf8_lossy(&m.data).into_owned())
        .collect();
    assert!(all_distinct(&texts), "a fresh UUID per send: {texts:?}");

    h.get_by_label("Stop heartbeat").click();
    h.run();
    assert!(!heartbeat_running(&h));
    let sent = heartbeat_sent(&h);
    assert!(has_label_containing(&h, &format!("stopped · {sent} sent")));
    let rs = h.state().session(&id).unwrap();
    assert_eq!(rs.heartbeat.schedule.next_at(), None, "nothing more is due");

    // The interval and the message are saved with the request.
    h.state_mut().save_now();
    let reopened = wsprobe::ui::App::new(dir.path()).unwrap();
    let saved = reopened.workspace().request(&id).unwrap();
    assert_eq!(saved.heartbeat.interval_ms, 40);
    assert_eq!(saved.heartbeat.message, None);
}

#[test]
fn heartbeat_of_a_saved_message_stops_with_the_error_on_invalid_input() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    connect_to(&mut h, &server.url());
    let id = selected_id(&h);

    // A draft that is not JSON: nothing starts, nothing is sent.
    set_draft(&mut h, "JSON", "{oops");
    h.get_by_label("Start heartbeat").click();
    h.run();
    assert!(has_label_containing(&h, "Heartbeat stopped:"));
    assert!(has_label_containing(&h, "not valid JSON"));
    assert!(!heartbeat_running(&h));
    assert_eq!(rows(&h, '↑', "oops"), 0);

    // An undefined variable: named, nothing sent.
    set_draft(&mut h, "Text", "hello <<nobody>>");
    h.get_by_label("Start heartbeat").click();
    h.run();
    assert!(has_label_containing(&h, "undefined variable `nobody`"));
    h.get_by_label("Dismiss heartbeat error").click();
    h.run();
    assert!(!has_label_containing(&h, "Heartbeat stopped:"));

    // A saved message, picked in the list.
    {
        let request = h.state_mut().workspace_mut().request_mut(&id).unwrap();
        request.saved_messages.push(wsprobe::model::SavedMessage {
            name: "tick".into(),
            format: MessageFormat::Hex,
            body: "01 02".into(),
            ..Default::default()
        });
        request.heartbeat.interval_ms = 30;
    }
    h.run();
    h.get_by_label("send").click();
    h.run();
    // The option in the open list, under the Heartbeat row (the saved messages at the
    // bottom of the tab list a "tick" button too).
    h.query_all_by(|n| n.role() == Role::Button && n.label().as_deref() == Some("tick"))
        .min_by(|a, b| a.rect().top().total_cmp(&b.rect().top()))
        .expect("the list's option")
        .click();
    h.run();
    assert_eq!(heartbeat_message(&h), Some("tick".into()));
    // Renaming the saved message keeps it the heartbeat's message.
    h.get_by_label("Rename saved message tick").click();
    h.run();
    h.get_by_label("Saved message new name")
        .set_text_value_accesskit("tock");
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(heartbeat_message(&h), Some("tock".into()));
    h.get_by_label("Start heartbeat").click();
    run_until(&mut h, "binary heartbeats", |h| {
        rows(h, '↓', "Binary 01 02") >= 2
    });

    // The saved message turns invalid while running: the heartbeat stops with the reason.
    h.state_mut()
        .workspace_mut()
        .request_mut(&id)
        .unwrap()
        .saved_messages[0]
        .body = "zz".into();
    run_until(&mut h, "the heartbeat to stop", |h| !heartbeat_running(h));
    assert!(has_label_containing(&h, "Heartbeat stopped:"));
    let sent = heartbeat_sent(&h);
    assert_eq!(
        server.received().len() as u64,
        sent,
        "the invalid message was never sent"
    );
}

#[test]
fn heartbeat_goes_on_after_a_reconnect_and_stops_on_disconnect() {
    // Each connection echoes two messages, then drops without a close frame.
    let server = TestServer::start(Behavior::DropAfter { messages: 2 });
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    let id = selected_id(&h);
    {
        let request = h.state_mut().workspace_mut().request_mut(&id).unwrap();
        request.settings.reconnect_attempts = 1000;
        request.settings.reconnect_interval_ms = 20;
        request.heartbeat.interval_ms = 30;
        request.draft.body = "beat".into();
    }
    set_url(&mut h, &server.url());
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    h.get_by_label("Start heartbeat").click();
    run_until(&mut h, "a heartbeat on the second connection", |_| {
        server.received().iter().any(|m| m.connection >= 1)
    });
    assert!(
        heartbeat_running(&h),
        "it kept running through the reconnect"
    );

    // Connected or between attempts (the server drops every connection soon): the bar's
    // button is Disconnect or Cancel, and either ends the session.
    h.query_all_by(|n| {
        n.role() == Role::Button && matches!(n.label().as_deref(), Some("Disconnect" | "Cancel"))
    })
    .next()
    .expect("Disconnect or Cancel")
    .click();
    run_until(&mut h, "Disconnected", |h| {
        state_of(h) == ConnState::Disconnected
    });
    h.run();
    assert!(!heartbeat_running(&h), "a disconnect stops it");
    assert!(
        h.get_by_label("Start heartbeat")
            .accesskit_node()
            .is_disabled()
    );
}

#[test]
fn keepalive_settings_control_filter_and_hiding_ping_pong() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    // Tall enough that Settings shows its Keep-alive section without scrolling.
    let mut h = open_sized(dir.path(), egui::vec2(1300.0, 1500.0));
    add_request(&mut h);
    let id = selected_id(&h);
    h.get_by_label("Settings").click();
    h.run();
    h.get_by_label("Answer pings automatically").click();
    h.run();
    assert!(has_label_containing(&h, "it may drop the connection"));
    h.get_by_label("Answer pings automatically").click();
    h.run();
    assert!(!has_label_containing(&h, "it may drop the connection"));
    let settings = &h.state().workspace().request(&id).unwrap().settings;
    assert!(settings.auto_pong && settings.show_ping_pong);
    assert_eq!(settings.ping_interval_ms, 0, "keep-alive is off by default");
    assert_eq!(settings.pong_timeout_ms, 5000);
    h.state_mut()
        .workspace_mut()
        .request_mut(&id)
        .unwrap()
        .settings
        .ping_interval_ms = 60;

    set_url(&mut h, &server.url());
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "three keep-alive pongs", |h| {
        rows(h, '↓', "Pong · 1 B") >= 3
    });
    assert!(
        h.get_by_label("Ping every (ms)")
            .accesskit_node()
            .is_disabled(),
        "locked while connected"
    );

    // Control: pings, pongs and closes only.
    h.get_by_label("Message").click();
    settle(&mut h);
    h.get_by_label("Message body")
        .set_text_value_accesskit("data");
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Send").click();
    run_until(&mut h, "the echo", |h| rows(h, '↓', "data") == 1);
    h.get_by_role_and_label(Role::Button, "Control").click();
    settle(&mut h);
    assert_eq!(rows(&h, '↓', "data"), 0);
    assert_eq!(rows(&h, '•', "Connected"), 0);
    assert!(rows(&h, '↑', "Ping · ") >= 1);

    // Show ping/pong events off: they leave the list at once (still connected).
    h.get_by_role_and_label(Role::Button, "All").click();
    h.get_by_label("Settings").click();
    settle(&mut h);
    h.get_by_label("Show ping/pong events").click();
    settle(&mut h);
    assert_eq!(rows(&h, '↓', "Pong ·"), 0);
    assert_eq!(rows(&h, '↑', "Ping ·"), 0);
    assert_eq!(rows(&h, '↓', "data"), 1);
    assert!(
        log_of(&h).iter().any(|(_, e)| e.kind.name() == "pong"),
        "still logged"
    );
    h.get_by_role_and_label(Role::Button, "Disconnect").click();
    run_until(&mut h, "Disconnected", |h| {
        state_of(h) == ConnState::Disconnected
    });
}

#[test]
fn no_pong_in_time_shows_in_the_log_and_ends_the_connection() {
    // Stall: the handshake, then silence: our keep-alive pings are never answered.
    let server = TestServer::start(Behavior::Stall);
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    let id = selected_id(&h);
    {
        let settings = &mut h
            .state_mut()
            .workspace_mut()
            .request_mut(&id)
            .unwrap()
            .settings;
        settings.ping_interval_ms = 30;
        settings.pong_timeout_ms = 100;
    }
    set_url(&mut h, &server.url());
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "the end of the connection", |h| {
        rows(
            h,
            '•',
            "Disconnected: 1006 Abnormal closure (no pong within 100 ms)",
        ) == 1
    });
    assert_eq!(state_of(&h), ConnState::Disconnected);
    assert!(rows(&h, '↑', "Ping · 1 B · 1") == 1);
}

/// Ctrl+K, type `filter`, Enter: runs the palette's first match.
fn palette(h: &mut egui_kittest::Harness<'_, wsprobe::ui::App>, filter: &str) {
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    h.run();
    h.get_by_label("Command").type_text(filter);
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
}

#[test]
fn the_palette_pings_and_starts_and_stops_the_heartbeat() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    connect_to(&mut h, &server.url());
    h.get_by_label("Ping payload").set_text_value_accesskit("k");
    h.run();
    palette(&mut h, "send ping");
    run_until(&mut h, "the pong", |h| rows(h, '↓', "Pong · 1 B · ") == 1);

    set_draft(&mut h, "Text", "tick");
    palette(&mut h, "heartbeat");
    assert!(heartbeat_running(&h));
    run_until(&mut h, "the first echo", |h| rows(h, '↓', "tick") >= 1);
    palette(&mut h, "heartbeat");
    assert!(!heartbeat_running(&h));
}
