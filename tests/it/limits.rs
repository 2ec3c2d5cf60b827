//! The events log's caps (Settings: "Keep newest events", "Events log memory (MiB)") as a
//! user meets them: a burst bigger than the cap keeps the newest events and says how many
//! were dropped. Real server on 127.0.0.1, the real app through egui_kittest.

use crate::support;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use support::gui::*;
use support::*;

#[test]
fn a_burst_over_the_cap_keeps_the_newest_and_shows_the_dropped_count() {
    let server = TestServer::start(Behavior::Burst { count: 3000 });
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);

    // The Settings tab shows both caps with their defaults.
    h.get_by_label("Settings").click();
    h.run();
    assert!(has_label_containing(&h, "Keep newest events"));
    assert!(has_label_containing(&h, "Events log memory (MiB)"));
    let id = selected_id(&h);
    let settings = |h: &egui_kittest::Harness<'_, wsprobe::ui::App>| {
        h.state()
            .workspace()
            .requests
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.settings.clone())
            .unwrap()
    };
    assert_eq!(settings(&h).max_log_events, 1_000_000);
    assert_eq!(settings(&h).max_log_mib, 512);

    // What the form edits: keep 1000 events.
    let set_cap = |h: &mut egui_kittest::Harness<'_, wsprobe::ui::App>, cap: u64| {
        let request = h.state_mut().workspace_mut().requests.iter_mut();
        request
            .filter(|r| r.id == id)
            .for_each(|r| r.settings.max_log_events = cap);
    };
    set_cap(&mut h, 1000);
    h.get_by_label("Message").click();
    h.run();
    set_url(&mut h, &server.url());
    h.get_by_label("Connect").click();
    // 3000 messages plus Connecting and Connected: 2002 dropped, the newest 1000 kept.
    run_until(&mut h, "the whole burst", |h| {
        log_of(h).received().0 == 3000
    });
    let log = log_of(&h);
    assert_eq!(log.len(), 1000);
    assert_eq!(log.dropped(), 2002);
    let newest = log
        .get(log.next_seq().prev().expect("not empty"))
        .and_then(|e| e.payload().cloned());
    assert_eq!(newest.as_deref(), Some(&b"2999"[..]));
    assert!(has_label_containing(&h, "2,002 oldest dropped"));

    // The caps stay editable while connected (the connection settings are locked), and a
    // lower cap applies at once.
    assert_eq!(state_of(&h), wsprobe::ui::widgets::ConnState::Connected);
    h.get_by_label("Settings").click();
    h.run();
    assert!(has_label_containing(
        &h,
        "disconnect to change these settings"
    ));
    let editable = |h: &egui_kittest::Harness<'_, wsprobe::ui::App>, label: &str| {
        h.query_all_by_label(label).any(|n| {
            let node = n.accesskit_node();
            node.role() == Role::SpinButton && !node.is_disabled()
        })
    };
    assert!(editable(&h, "Keep newest events"));
    assert!(editable(&h, "Events log memory (MiB)"));
    assert!(!editable(&h, "Reconnect attempts"));
    set_cap(&mut h, 100);
    h.run();
    assert_eq!(log_of(&h).len(), 100);
    assert_eq!(log_of(&h).dropped(), 2902);
    // The saved workspace keeps the setting.
    h.state_mut().save_now();
    let saved = std::fs::read_dir(dir.path().join("requests"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>();
    assert!(saved.contains("\"max_log_events\": 1000"), "{saved}");
}
