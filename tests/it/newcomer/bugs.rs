//! Issue 18's bugs: params, add-row focus, the message check, search, the palette,
//! subprotocols, keyboard, undo.

use super::*;

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
