//! Issue 18's layout and smaller items.

use super::*;

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
