//! Issue 5, inspecting messages: detail views, find, info, ticked time differences, regex and
//! JSON filters, follow-newest, the connection timeline, large payloads, and the JSON Lines
//! and HAR exports. GUI tests drive the real app with egui_kittest against in-process servers.

use crate::support;

use std::time::{Duration, Instant};

use bytes::Bytes;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use support::gui::*;
use support::*;
use wsprobe::engine::{ClosedBy, Direction, Event, EventKind, HandshakeInfo, Opcode};
use wsprobe::log::EventLog;
use wsprobe::ui::App;
use wsprobe::ui::event_detail::EventDetail;

fn send(h: &mut Harness<'_, App>, body: &str) {
    h.get_by_label("Message body")
        .set_text_value_accesskit(body);
    h.run_ok();
    h.get_by_role_and_label(Role::Button, "Send").click();
    // Events arriving from the network may keep it repainting: don't insist on settling.
    h.run_ok();
}

/// Sends `body` and waits for its echo (`count` echoes containing `needle` in all).
fn send_and_wait(h: &mut Harness<'_, App>, body: &str, needle: &str, count: usize) {
    send(h, body);
    run_until(h, "the echo", |h| rows(h, '↓', needle) >= count);
}

fn detail_text(h: &Harness<'_, App>) -> String {
    h.get_by_label("Event detail").value().unwrap_or_default()
}

/// The inspector needs room for the list, the detail and the toolbar.
fn open(dir: &std::path::Path) -> Harness<'static, App> {
    open_sized(dir, egui::vec2(1400.0, 900.0))
}

#[test]
fn detail_views_sniffing_find_and_info() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    connect_to(&mut h, &server.url());
    let body = r#"{"r":"sensors","state":{"on":true},"name":"hello Hello"}"#;
    send_and_wait(&mut h, body, "\"r\":\"sensors\"", 1);
    click_row(&mut h, '↓', "\"r\":\"sensors\"");

    // Valid JSON opens pretty-printed.
    assert_eq!(
        detail_text(&h),
        "{\n  \"r\": \"sensors\",\n  \"state\": {\n    \"on\": true\n  },\n  \"name\": \"hello Hello\"\n}"
    );
    assert!(has_label_containing(
        &h,
        &format!(
            "Received · text (opcode 1) · {} bytes · application/json",
            body.len()
        )
    ));
    let id = selected_id(&h);
    let renders = h.state().session(&id).unwrap().view.detail().renders();

    // Find: case-insensitive, counted, next wraps around.
    h.get_by_label("Find in body")
        .set_text_value_accesskit("HELLO");
    h.run();
    assert!(has_label_containing(&h, "1 of 2 matches"));
    h.get_by_label("Next match").click();
    h.run();
    assert!(has_label_containing(&h, "2 of 2 matches"));
    h.get_by_label("Next match").click();
    h.run();
    assert!(has_label_containing(&h, "1 of 2 matches"));
    h.get_by_label("Find in body")
        .set_text_value_accesskit("nowhere");
    h.run();
    assert!(has_label_containing(&h, "No matches"));
    // Frames and find edits do not recompute the view.
    for _ in 0..5 {
        h.step();
    }
    assert_eq!(
        h.state().session(&id).unwrap().view.detail().renders(),
        renders
    );

    // Raw text and the hexdump of the same bytes.
    h.get_by_label("View as Text").click();
    h.run();
    assert_eq!(detail_text(&h), body);
    h.get_by_label("View as Hexdump").click();
    h.run();
    let dump = detail_text(&h);
    assert!(
        dump.starts_with(
            "00000000  7b 22 72 22 3a 22 73 65  6e 73 6f 72 73 22 2c 22  |{\"r\":\"sensors\",\"|\n"
        ),
        "{dump}"
    );
    assert_eq!(dump.lines().count(), body.len().div_ceil(16));

    // A binary message opens as a hexdump: known bytes, known rows.
    h.get_by_role_and_label(Role::Button, "Hex").click();
    h.run();
    send(
        &mut h,
        "de ad be ef 00 01 02 03 04 05 06 07 08 09 0a 0b 41 42 7f",
    );
    run_until(&mut h, "the binary echo", |h| {
        rows(h, '↓', "Binary de ad be ef") == 1
    });
    click_row(&mut h, '↓', "Binary de ad be ef");
    assert_eq!(
        detail_text(&h),
        "00000000  de ad be ef 00 01 02 03  04 05 06 07 08 09 0a 0b  |................|\n\
         00000010  41 42 7f                                          |AB.|\n"
    );
    assert!(has_label_containing(
        &h,
        "Received · binary (opcode 2) · 19 bytes · application/octet-stream"
    ));
    // Binary copies offer hex and base64.
    h.get_by_role_and_label(Role::Button, "Copy").click();
    h.run();
    assert!(h.query_by_label("as base64").is_some());
}

#[test]
fn tick_two_events_shows_the_time_between_them() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    connect_to(&mut h, &server.url());
    send_and_wait(&mut h, "first", "first", 1);
    // Let some wall-clock time pass (frames run meanwhile; nothing waits on it).
    let later = Instant::now() + Duration::from_millis(30);
    while Instant::now() < later {
        h.step();
        std::thread::sleep(Duration::from_millis(2));
    }
    send_and_wait(&mut h, "second", "second", 1);

    let find = |h: &Harness<'_, App>, text: &str| {
        log_of(h)
            .iter()
            .find(|(_, e)| {
                e.direction() == Some(Direction::Received)
                    && e.payload().is_some_and(|p| p.as_ref() == text.as_bytes())
            })
            .map(|(seq, e)| (seq, e.at_ms))
            .expect("the echo is logged")
    };
    let (a, at_a) = find(&h, "first");
    let (b, at_b) = find(&h, "second");
    let diff = at_b - at_a;
    assert!(diff >= 30, "{diff}");

    h.get_by_label(&format!("Tick event {a}")).click();
    h.run();
    assert!(has_label_containing(&h, "Tick a second event"));
    h.get_by_label(&format!("Tick event {b}")).click();
    h.run();
    assert!(
        has_label_containing(&h, &format!("Δ {diff} ms")),
        "expected Δ {diff} ms"
    );
    h.get_by_label("Untick").click();
    h.run();
    assert!(!has_label_containing(&h, "Δ "));
}

#[test]
fn regex_and_json_filters_explain_bad_input() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    connect_to(&mut h, &server.url());
    send_and_wait(
        &mut h,
        r#"{"r":"sensors","e":"changed","state":{"on":true}}"#,
        "sensors",
        1,
    );
    send_and_wait(&mut h, r#"{"r":"lights","e":"deleted"}"#, "lights", 1);
    send_and_wait(&mut h, "plain text r=sensors", "plain text", 1);
    // Connecting + connected + 3 sent + 3 echoes.
    assert!(has_label_containing(&h, "8 events (8 shown)"));

    h.get_by_label("Regex search").click();
    h.get_by_label("Search events")
        .set_text_value_accesskit(r#""E":"(changed|DELETED)""#);
    h.run();
    assert!(has_label_containing(&h, "(4 shown)"));
    h.get_by_label("Search events")
        .set_text_value_accesskit("(unclosed");
    h.run();
    assert!(has_label_containing(&h, "⚠ invalid regex"));
    // The last good filter stays applied.
    assert!(has_label_containing(&h, "(4 shown)"));

    h.get_by_label("JSON filter").click();
    h.get_by_label("Search events")
        .set_text_value_accesskit("r=sensors");
    h.run();
    assert!(!has_label_containing(&h, "⚠"));
    assert!(has_label_containing(&h, "(2 shown)"));
    h.get_by_role_and_label(Role::Button, "Received").click();
    h.run();
    assert!(has_label_containing(&h, "(1 shown)"));
    assert_eq!(rows(&h, '↓', "\"r\":\"sensors\""), 1);
    h.get_by_label("Search events")
        .set_text_value_accesskit("state.on=true e!=deleted");
    h.run();
    assert!(has_label_containing(&h, "(1 shown)"));
    h.get_by_label("Search events")
        .set_text_value_accesskit("sensors");
    h.run();
    assert!(has_label_containing(
        &h,
        "expected path=value or path!=value"
    ));

    h.get_by_label("Text search").click();
    h.run();
    assert!(!has_label_containing(&h, "⚠"));
    // Received and containing "sensors": the JSON echo and the plain-text echo.
    assert!(has_label_containing(&h, "(2 shown)"));
}

/// The rect of the received row whose preview is `text` (a row's label ends with its size
/// and preview, e.g. `↓15:01:02.123     2 B79`).
fn row_rect(h: &Harness<'_, App>, text: &str) -> egui::Rect {
    h.query_all_by(|n| {
        n.role() == Role::Button
            && n.label()
                .is_some_and(|l| l.starts_with('↓') && l.ends_with(&format!("B{text}")))
    })
    .next()
    .unwrap_or_else(|| panic!("row {text} is drawn"))
    .rect()
}

#[test]
fn follow_newest_off_keeps_the_view_and_counts_unseen() {
    let server = TestServer::start(Behavior::Burst { count: 80 });
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    connect_to(&mut h, &server.url());
    run_until(&mut h, "the burst", |h| log_of(h).len() >= 82);
    // Following: the newest is at the top.
    let top = row_rect(&h, "79");

    h.get_by_role_and_label(Role::Button, "Follow newest")
        .click();
    h.run();
    for body in ["one more", "and another"] {
        send(&mut h, body);
        // Not drawn (above the view): wait on the log.
        run_until(&mut h, "the echo", |h| {
            log_of(h).iter().any(|(_, e)| {
                e.direction() == Some(Direction::Received)
                    && e.payload().is_some_and(|p| p.as_ref() == body.as_bytes())
            })
        });
    }
    // Four new rows (two sent, two echoes) arrived above; what we read did not move.
    let after = row_rect(&h, "79");
    assert!((after.top() - top.top()).abs() < 1.0, "{top:?} → {after:?}");
    assert_eq!(rows(&h, '↓', "and another"), 0, "not drawn: above the view");
    assert!(has_label_containing(&h, "↑ 4 new"));
    let id = selected_id(&h);
    assert_eq!(h.state().session(&id).unwrap().view.unseen(), 4);

    // The badge jumps back to the newest and follows again.
    h.get_by_label("↑ 4 new").click();
    h.run();
    assert!(rows(&h, '↓', "and another") == 1);
    assert!(h.state().session(&id).unwrap().view.follow);
    assert!(!has_label_containing(&h, "↑ 4 new"));
}

#[test]
fn timeline_masks_authorization_until_revealed_and_shows_redirects() {
    let server = TestServer::start(Behavior::Redirect {
        status: 302,
        location: "/final".into(),
    });
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    h.get_by_label("Add request").click();
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label("Auth").click();
    h.run();
    h.get_by_label("Type").click();
    h.run();
    h.get_by_label("Bearer").click();
    h.run();
    h.get_by_label("Token")
        .set_text_value_accesskit("t0ps3cret");
    h.run();
    h.get_by_label("URL")
        .set_text_value_accesskit(&server.url_for("/start"));
    h.run();
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| rows(h, '•', "Connected to") == 1);
    click_row(&mut h, '•', "Connected to");

    assert!(has_label_containing(&h, "GET /final HTTP/1.1"));
    assert!(has_label_containing(&h, "Authorization: ••••••••"));
    assert!(!has_label_containing(&h, "t0ps3cret"));
    assert!(has_label_containing(&h, "1. 302 → "));
    assert!(has_label_containing(&h, "HTTP/1.1 101 Switching Protocols"));
    assert!(has_label_containing(&h, "Handshake (TCP + TLS + upgrade)"));
    assert!(has_label_containing(&h, "none (ws://)"));

    h.get_by_label("👁 Reveal masked headers").click();
    h.run();
    assert!(has_label_containing(&h, "Authorization: Bearer t0ps3cret"));

    // A Closed event shows its code, meaning and reason.
    h.get_by_role_and_label(Role::Button, "Disconnect").click();
    run_until(&mut h, "Disconnected", |h| {
        rows(h, '•', "Disconnected: 1000") == 1
    });
    click_row(&mut h, '•', "Disconnected: 1000");
    assert!(has_label_containing(&h, "1000 Normal closure"));
    assert!(has_label_containing(&h, "client"));
}

/// A large payload shows its first part, computed once (off the UI thread), and all of it
/// after "Show all" — again computed once, however many frames are drawn.
#[test]
fn large_payload_is_cut_and_computed_once() {
    let mut body = String::from("[");
    while body.len() < 3 * 1024 * 1024 {
        body.push_str("{\"sensor\":\"temperature\",\"value\":21.5},");
    }
    body.push_str("{}]");
    let size = body.len();
    let mut log = EventLog::default();
    log.push(Event::now(
        wsprobe::engine::SessionId(1),
        EventKind::Message {
            direction: Direction::Received,
            opcode: Opcode::Text,
            payload: Bytes::from(body),
            wire_size: None,
        },
    ));
    let mut h = Harness::builder()
        .with_size(egui::vec2(900.0, 700.0))
        .build_ui_state(
            |ui, state: &mut (EventDetail, EventLog)| {
                let (detail, log) = state;
                wsprobe::ui::style::setup_style(ui.ctx());
                detail.ui(ui, log, wsprobe::log::Seq(0), &Default::default());
            },
            (EventDetail::default(), log),
        );
    run_until(&mut h, "the first part", |h| h.state().0.text().is_some());
    assert_eq!(h.state().0.renders(), 1);
    assert!(
        h.query_all_by_label_contains("Showing the first 256.0 KiB of 3.0 MiB")
            .next()
            .is_some()
    );
    for _ in 0..10 {
        h.step();
    }
    assert_eq!(h.state().0.renders(), 1);

    h.get_by_label("Show all (3.0 MiB)").click();
    h.step();
    run_until(&mut h, "everything", |h| {
        h.state().0.text().is_some_and(|t| t.len() > size)
    });
    for _ in 0..10 {
        h.step();
    }
    assert_eq!(h.state().0.renders(), 2);
    assert!(h.query_all_by_label_contains("Show all").next().is_none());
}

// --- Export ---

fn session_events() -> Vec<Event> {
    let at = 1_764_000_000_000;
    let ev = |offset: i64, session, kind| Event {
        at_ms: at + offset,
        session,
        kind,
    };
    vec![
        ev(
            0,
            wsprobe::engine::SessionId(7),
            EventKind::Connecting {
                attempt: 1,
                url: "ws://127.0.0.1:9/feed?x=1".into(),
            },
        ),
        ev(
            12,
            wsprobe::engine::SessionId(7),
            EventKind::Connected(Box::new(HandshakeInfo {
                url: "ws://127.0.0.1:9/feed?x=1".into(),
                request_line: "GET /feed?x=1 HTTP/1.1".into(),
                request_headers: vec![
                    ("Host".into(), "127.0.0.1:9".into()),
                    ("Authorization".into(), "Bearer abc".into()),
                ],
                status: 101,
                response_headers: vec![("Upgrade".into(), "websocket".into())],
                subprotocol: Some("v1.json".into()),
                elapsed_ms: 10,
                tls_version: None,
                compression: None,
                proxy: None,
                ..Default::default()
            })),
        ),
        ev(
            20,
            wsprobe::engine::SessionId(7),
            EventKind::Message {
                direction: Direction::Sent,
                opcode: Opcode::Text,
                payload: Bytes::from_static(b"{\"hello\":1}"),
                wire_size: None,
            },
        ),
        ev(
            31,
            wsprobe::engine::SessionId(7),
            EventKind::Message {
                direction: Direction::Received,
                opcode: Opcode::Binary,
                payload: Bytes::from_static(&[0xde, 0xad, 0xbe, 0xef]),
                wire_size: None,
            },
        ),
        ev(
            40,
            wsprobe::engine::SessionId(7),
            EventKind::Ping {
                direction: Direction::Received,
                payload: Bytes::new(),
            },
        ),
        ev(
            50,
            wsprobe::engine::SessionId(7),
            EventKind::Closed {
                code: 1000,
                reason: "bye".into(),
                by: ClosedBy::Client,
            },
        ),
        // A second session that never connected: no HAR entry, still in the jsonl.
        ev(
            60,
            wsprobe::engine::SessionId(8),
            EventKind::Error {
                message: "connection refused".into(),
            },
        ),
    ]
}

#[test]
fn jsonl_export_matches_the_cli_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.jsonl");
    let events = session_events();
    let n = wsprobe::export::write_jsonl(&path, &events).unwrap();
    assert_eq!(n, events.len());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.ends_with('\n'));
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), events.len());
    for (line, event) in lines.iter().zip(&events) {
        assert_eq!(*line, wsprobe::schema::EventJson::new(event).to_value());
    }
    assert_eq!(lines[2]["kind"], "outgoing");
    assert_eq!(lines[3]["base64"], "3q2+7w==");
    // Written atomically: no temp file is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("events.jsonl")]);
}

#[test]
fn har_export_has_websocket_messages_like_devtools() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.har");
    let events = session_events();
    let entries = wsprobe::export::write_har(&path, &events).unwrap();
    assert_eq!(entries, 1);
    let har: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).expect("HAR is JSON");
    assert_eq!(har["log"]["version"], "1.2");
    assert_eq!(har["log"]["creator"]["name"], "wsprobe");
    let entry = &har["log"]["entries"][0];
    assert_eq!(entry["request"]["method"], "GET");
    assert_eq!(entry["request"]["url"], "ws://127.0.0.1:9/feed?x=1");
    assert_eq!(entry["request"]["httpVersion"], "HTTP/1.1");
    assert_eq!(
        entry["request"]["headers"][1],
        serde_json::json!({"name": "Authorization", "value": "Bearer abc"})
    );
    assert_eq!(
        entry["request"]["queryString"][0],
        serde_json::json!({"name": "x", "value": "1"})
    );
    assert_eq!(entry["response"]["status"], 101);
    assert_eq!(entry["response"]["headers"][0]["name"], "Upgrade");
    assert_eq!(entry["startedDateTime"], "2025-11-24T16:00:00.000Z");
    assert_eq!(entry["_resourceType"], "websocket");
    let messages = entry["_webSocketMessages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "text and binary messages only");
    assert_eq!(messages[0]["type"], "send");
    assert_eq!(messages[0]["opcode"], 1);
    assert_eq!(messages[0]["data"], "{\"hello\":1}");
    assert_eq!(messages[1]["type"], "receive");
    assert_eq!(messages[1]["opcode"], 2);
    assert_eq!(messages[1]["data"], "3q2+7w==");
    let t0 = messages[0]["time"].as_f64().unwrap();
    let t1 = messages[1]["time"].as_f64().unwrap();
    assert!((t0 - 1_764_000_000.020).abs() < 1e-6, "{t0}");
    assert!((t1 - t0 - 0.011).abs() < 1e-6);
}

#[test]
fn a_row_expands_inline_and_collapses() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    connect_to(&mut h, &server.url());
    send_and_wait(&mut h, r#"{"r":"sensors","id":"5"}"#, "\"id\":\"5\"", 1);
    let seq = log_of(&h)
        .iter()
        .find(|(_, e)| e.direction() == Some(Direction::Received))
        .map(|(seq, _)| seq)
        .expect("the echo");
    assert!(!has_label_containing(&h, "\"r\": \"sensors\","));
    h.get_by_label(&format!("Expand event {seq}")).click();
    h.run();
    // The pretty lines show in the list, below the row, without opening the detail.
    assert!(has_label_containing(&h, "\"r\": \"sensors\","));
    assert!(h.query_by_label("Event detail").is_none());
    let row = h
        .query_all_by(|n| {
            n.role() == Role::Button
                && n.label()
                    .is_some_and(|l| l.starts_with('↓') && l.contains("\"id\":\"5\""))
        })
        .next()
        .unwrap()
        .rect();
    let line = h
        .query_all_by_label_contains("\"r\": \"sensors\",")
        .next()
        .unwrap()
        .rect();
    assert!(line.top() >= row.bottom() - 1.0, "{row:?} {line:?}");
    h.get_by_label(&format!("Collapse event {seq}")).click();
    h.run();
    assert!(!has_label_containing(&h, "\"r\": \"sensors\","));
}

#[test]
fn save_payload_writes_the_raw_bytes_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("message.bin");
    std::fs::write(&path, b"old").unwrap();
    let payload = [0xde, 0xad, 0xbe, 0xef, 0x00];
    wsprobe::ui::event_detail::save_payload(&path, &payload).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), payload);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn exports_mask_credentials_and_secrets_unless_revealed() {
    use wsprobe::export::ExportFormat;
    let dir = tempfile::tempdir().unwrap();
    let mut events = session_events();
    // A secret variable's value inside a sent message.
    events[2].kind = EventKind::Message {
        direction: Direction::Sent,
        opcode: Opcode::Text,
        payload: Bytes::from_static(b"{\"token\":\"s3cr3t-value\"}"),
        wire_size: None,
    };
    let secrets = || vec!["s3cr3t-value".to_owned()];
    for format in [ExportFormat::JsonLines, ExportFormat::Har] {
        let masked = dir.path().join(format.file_name().1);
        let what = format.write(&masked, &events, secrets(), false).unwrap();
        assert!(
            what.ends_with("events") || what.ends_with("connections"),
            "{what}"
        );
        let text = std::fs::read_to_string(&masked).unwrap();
        assert!(!text.contains("Bearer abc"), "{format:?}: {text}");
        assert!(!text.contains("s3cr3t-value"), "{format:?}: {text}");
        assert!(text.contains("Bearer ***"), "{format:?}: {text}");

        let revealed = dir
            .path()
            .join(format!("revealed-{}", format.file_name().1));
        format.write(&revealed, &events, secrets(), true).unwrap();
        let text = std::fs::read_to_string(&revealed).unwrap();
        assert!(text.contains("Bearer abc"), "{format:?}");
        assert!(text.contains("s3cr3t-value"), "{format:?}");
    }
}

#[test]
fn the_events_panel_exports_masked_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = EventLog::default();
    log.extend(session_events());
    let mut view = wsprobe::ui::events::EventsView::default();
    let path = dir.path().join("out.jsonl");
    view.export_to(&path, wsprobe::export::ExportFormat::JsonLines, &log, &[]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("Bearer ***") && !text.contains("Bearer abc"),
        "{text}"
    );
    view.set_export_reveal(true);
    view.export_to(&path, wsprobe::export::ExportFormat::JsonLines, &log, &[]);
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("Bearer abc")
    );
}
