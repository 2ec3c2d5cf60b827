//! Issue 18 items 16 and 17: dividers the user drags stay where they were put (view switches,
//! other events, zoom and Ctrl+0), a narrow or zoomed pane wraps instead of cutting buttons
//! and errors off, big counts keep Clear on the toolbar's line.

use super::*;
use egui::{Pos2, pos2, vec2};

/// The divider (a panel's resize handle) that `near` is next to or on: as thin as a line
/// across `near`'s side of it. Tests grab it where a user would, in its middle.
fn divider_near(h: &Harness<'_, App>, near: Pos2, vertical: bool) -> Pos2 {
    h.query_all_by_label("Resize panel")
        .map(|n| n.rect())
        .filter(|r| (r.width() < r.height()) == vertical)
        .filter(|r| {
            if vertical {
                r.y_range().contains(near.y)
            } else {
                r.x_range().contains(near.x)
            }
        })
        .min_by(|a, b| {
            let d = |r: &egui::Rect| r.distance_to_pos(near);
            d(a).total_cmp(&d(b))
        })
        .map(|r| {
            if vertical {
                pos2(r.center().x, near.y)
            } else {
                pos2(near.x, r.center().y)
            }
        })
        .unwrap_or_else(|| panic!("no divider near {near:?}"))
}

/// Presses at `from`, moves to `to` in a few steps, releases.
fn drag(h: &mut Harness<'_, App>, from: Pos2, to: Pos2) {
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    h.event(egui::Event::PointerMoved(from));
    h.step();
    h.event(button(from, true));
    h.step();
    for i in 1..=4 {
        h.event(egui::Event::PointerMoved(
            from + (to - from) * (i as f32 / 4.0),
        ));
        h.step();
    }
    h.event(button(to, false));
    h.step();
    h.event(egui::Event::PointerGone);
    h.run();
}

fn top_of(h: &Harness<'_, App>, label: &str) -> f32 {
    h.get_by_label(label).rect().top()
}

/// The x of the editor/events divider: just left of the events search box.
fn events_divider(h: &Harness<'_, App>) -> Pos2 {
    let search = h.get_by_label("Search events").rect();
    divider_near(h, pos2(search.left(), search.center().y + 40.0), true)
}

#[test]
fn the_detail_pane_opens_tall_and_keeps_the_height_it_was_given() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    connect_to(&mut h, &server.url());
    let window_bottom = SIZE.y;

    // A Connected event's detail (a short timeline) opens at a useful height.
    click_row(&mut h, '•', "Connected to");
    let opened = top_of(&h, "Close detail");
    assert!(
        window_bottom - opened > 250.0,
        "the pane opened {} px tall",
        window_bottom - opened
    );

    // Dragged taller, it keeps that height: on view switches, other events, Closed events.
    let edge = divider_near(&h, pos2(300.0 + SIZE.x / 2.0, opened), false);
    drag(&mut h, edge, edge - vec2(0.0, 120.0));
    let dragged = top_of(&h, "Close detail");
    assert!(
        opened - dragged > 100.0,
        "dragged taller: {opened} -> {dragged}"
    );
    type_body(&mut h, "{\"echo\": 1}");
    h.get_by_role_and_label(Role::Button, "Send").click();
    run_until(&mut h, "the echo", |h| rows(h, '↓', "echo") == 1);
    click_row(&mut h, '↓', "echo");
    assert_eq!(top_of(&h, "Close detail"), dragged, "another event");
    for view in ["View as Hexdump", "View as Text", "View as JSON"] {
        h.get_by_label(view).click();
        h.run();
        assert_eq!(top_of(&h, "Close detail"), dragged, "{view}");
    }
    h.get_by_role_and_label(Role::Button, "Disconnect").click();
    run_until(&mut h, "Disconnected", |h| {
        state_of(h) == ConnState::Disconnected
    });
    click_row(&mut h, '•', "Disconnected: 1000");
    assert_eq!(top_of(&h, "Close detail"), dragged, "a Closed event");
}

#[test]
fn zoom_and_ctrl_0_leave_the_divider_where_it_was_put() {
    let (_dir, mut h) = fresh();
    let divider = events_divider(&h);
    drag(&mut h, divider, divider - vec2(120.0, 0.0));
    let put = h.get_by_label("Search events").rect().left();
    assert!((divider.x - 120.0 - put).abs() < 20.0, "dragged: {put}");

    h.ctx.set_zoom_factor(1.5);
    h.run();
    press(&mut h, egui::Modifiers::COMMAND, egui::Key::Num0);
    assert_eq!(h.ctx.zoom_factor(), 1.0, "Ctrl+0 resets the zoom");
    let after = h.get_by_label("Search events").rect().left();
    assert!(
        (after - put).abs() < 1.0,
        "the divider moved from {put} to {after}"
    );
}

/// What must stay whole in the left pane: its tabs, Beautify, an error line, Browse….
fn assert_left_pane_not_cut(h: &mut Harness<'_, App>, what: &str) {
    let right = h.get_by_label("Search events").rect().left() - 4.0;
    let whole = |rect: egui::Rect, name: &str| {
        assert!(
            rect.right() <= right,
            "{what}: {name} is cut off at the divider ({} > {right})",
            rect.right()
        );
    };
    h.get_by_label("Message").click();
    h.run();
    choose_format(h, "JSON");
    whole(h.get_by_label("Settings").rect(), "the Settings tab");
    whole(
        h.get_by_role_and_label(Role::Button, "✨ Beautify").rect(),
        "Beautify",
    );
    choose_format(h, "Hex");
    type_body(
        h,
        "48 65 zz this is not hex at all, and a long way from being hex",
    );
    let error = h
        .query_all_by_label_contains("Cannot send")
        .next()
        .expect("the error line")
        .rect();
    whole(error, "the error line");
    h.get_by_label("Settings").click();
    h.run();
    whole(h.get_by_label("Browse…").rect(), "Browse…");
    h.get_by_label("Message").click();
    h.run();
}

#[test]
fn a_narrow_or_zoomed_left_pane_wraps_instead_of_cutting_off() {
    let (_dir, mut h) = fresh();
    let divider = events_divider(&h);
    drag(&mut h, divider, pos2(200.0, divider.y));
    assert_left_pane_not_cut(&mut h, "narrow divider");

    let (_dir, mut h) = fresh();
    h.ctx.set_zoom_factor(1.5);
    h.run();
    assert_left_pane_not_cut(&mut h, "zoom 150%");
}

#[test]
fn six_digit_counts_keep_clear_on_the_toolbar_line() {
    let (_dir, mut h) = fresh();
    let id = selected_id(&h);
    h.state_mut()
        .session_mut(&id)
        .log
        .extend(received_events(123_456, |i| format!("m{i}")));
    step_until(&mut h, "the list to be filtered", |h| {
        let rs = h.state().session(&selected_id(h)).unwrap();
        rs.view.filtering_progress(&rs.log).is_none() && rs.view.shown_len() == 123_456
    });
    let counts = h.get_by_label("123,456 events (123,456 shown)").rect();
    let clear = h.get_by_role_and_label(Role::Button, "Clear").rect();
    assert!(
        clear.top() < counts.bottom(),
        "Clear {clear:?} is on the line of the counts {counts:?}"
    );
}

#[test]
fn the_sidebar_keeps_its_width_whatever_environment_is_picked() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    let env = wsprobe::model::Environment::new("Local");
    let env_id = env.id.clone();
    h.state_mut().workspace_mut().environments.push(env);
    h.state_mut().workspace_mut().active_environment = Some(env_id);
    h.run();
    // The sidebar at its narrowest.
    let tab = h.get_by_label("Message").rect();
    let edge = divider_near(&h, pos2(tab.left(), tab.center().y), true);
    drag(&mut h, edge, pos2(20.0, edge.y));
    let narrow = h.get_by_label("Message").rect().left();
    assert!(narrow < tab.left(), "narrowed: {narrow} < {}", tab.left());
    h.state_mut().workspace_mut().active_environment = None;
    h.run();
    assert_eq!(
        h.get_by_label("Message").rect().left(),
        narrow,
        "the sidebar did not jump wider"
    );
}

#[test]
fn the_saved_messages_list_can_be_made_taller() {
    let (_dir, mut h) = fresh();
    let tab = h.get_by_label("Saved messages").rect();
    let edge = h.get_by_label("Resize saved messages").rect().center();
    drag(&mut h, edge, edge - vec2(0.0, 100.0));
    let moved = h.get_by_label("Saved messages").rect().top();
    assert!(
        (tab.top() - moved - 100.0).abs() < 6.0,
        "the list grew by 100: {} -> {moved}",
        tab.top()
    );
    // It keeps that size on the History side and back.
    h.query_all_by_label_contains("History")
        .find(|n| n.accesskit_node().role() == Role::Button)
        .unwrap()
        .click();
    h.run();
    h.get_by_label("Saved messages").click();
    h.run();
    assert_eq!(h.get_by_label("Saved messages").rect().top(), moved);
}

#[test]
fn a_cut_history_preview_shows_more_on_hover() {
    let server = echo_server();
    let (_dir, mut h) = fresh();
    set_url(&mut h, &server.url());
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    let long = format!("{}tail-end-marker", "word ".repeat(30));
    type_body(&mut h, &long);
    h.get_by_role_and_label(Role::Button, "Send").click();
    run_until(&mut h, "the echo", |h| rows(h, '↓', "word") == 1);
    h.query_all_by_label_contains("History")
        .find(|n| n.accesskit_node().role() == Role::Button)
        .unwrap()
        .click();
    h.run();
    // Text shown as a label (the event rows are buttons holding their whole line).
    let label_with = |h: &Harness<'_, App>, text: &str| {
        h.query_all_by(|n| n.role() == Role::Label)
            .any(|n| n.accesskit_node().value().is_some_and(|v| v.contains(text)))
    };
    assert!(!label_with(&h, "tail-end-marker"), "cut in the row");
    let preview = h
        .query_all_by(|n| n.role() == Role::Label)
        .find(|n| {
            n.accesskit_node()
                .value()
                .is_some_and(|v| v.starts_with("word word") && v.ends_with('…'))
        })
        .expect("the history row's preview");
    preview.hover();
    step_until(&mut h, "the hover", |h| label_with(h, "tail-end-marker"));
}
