//! A 1 MB JSON message in the Message tab's editor, driven with egui_kittest: the large-message
//! note is shown, typing changes the text (nothing truncated), Beautify re-indents all of it.
//! (How fast this is is measured by `cargo bench --bench editor`, not here.)

use crate::support;
use wsprobe::ui::message_check::thousands;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use support::gui::*;
use wsprobe::model::{MessageFormat, SavedRequest};
use wsprobe::ui::App;

/// Compact JSON of at least `bytes` bytes.
fn big_json(bytes: usize) -> String {
    let mut items = Vec::new();
    let mut size = 0;
    let mut i = 0u64;
    while size < bytes {
        let item = serde_json::json!({ "id": i, "name": format!("sensor-{i}"), "on": i.is_multiple_of(2) });
        size += item.to_string().len() + 1;
        items.push(item);
        i += 1;
    }
    serde_json::json!({ "items": items }).to_string()
}

fn app_with_body(dir: &std::path::Path, body: String) -> (App, String) {
    let mut app = App::new(dir).expect("workspace opens");
    let mut request = SavedRequest::new("Big", "ws://127.0.0.1:1/");
    request.draft.format = MessageFormat::Json;
    request.draft.body = body;
    let id = request.id.clone();
    app.workspace_mut().requests.push(request);
    app.workspace_mut().selected_request = Some(id.clone());
    (app, id)
}

fn body_of(h: &egui_kittest::Harness<'_, App>, id: &str) -> String {
    h.state()
        .workspace()
        .requests
        .iter()
        .find(|r| r.id == id)
        .expect("the request")
        .draft
        .body
        .clone()
}

#[test]
fn one_megabyte_json_can_be_typed_into_and_beautified() {
    let dir = tempfile::tempdir().expect("temp dir");
    let compact = big_json(1024 * 1024);
    assert!(compact.len() >= 1024 * 1024);
    let (app, id) = app_with_body(dir.path(), compact.clone());
    let mut h = harness(app);
    h.run();
    assert!(
        has_label_containing(&h, "Large message: highlighting off above 256 KiB"),
        "the large-message note is shown"
    );

    // Beautify re-indents the whole message, nothing cut off.
    h.get_by_role_and_label(Role::Button, "✨ Beautify").click();
    h.run();
    let pretty = body_of(&h, &id);
    assert!(pretty.len() > compact.len(), "indented");
    assert!(pretty.contains("\n  \"items\": ["), "pretty");
    let reparsed: serde_json::Value = serde_json::from_str(&pretty).expect("still JSON");
    let original: serde_json::Value = serde_json::from_str(&compact).expect("JSON");
    assert_eq!(reparsed, original, "nothing lost");

    // Typing reaches the text: one character more, everything else kept.
    h.get_by_label("Message body").focus();
    h.run();
    h.get_by_label("Message body").type_text("x");
    h.run();
    let typed = body_of(&h, &id);
    assert_eq!(typed.len(), pretty.len() + 1, "one character added");
    assert_eq!(typed.matches('x').count(), pretty.matches('x').count() + 1);
    assert!(has_label_containing(&h, "Large message"));
}

/// A changed search over many events is applied a few milliseconds per frame: while it runs,
/// "filtering… N%" is shown, and the newest matches show before it ends.
#[test]
fn a_search_over_many_events_shows_its_progress() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut app, id) = app_with_body(dir.path(), String::new());
    let events = 300_000;
    app.session_mut(&id)
        .log
        .extend(received_events(events, |i| {
            format!("{{\"id\":\"{}\",\"n\":{i}}}", i % 40)
        }));
    let mut h = harness(app);
    run_until(&mut h, "the list is filtered", |h| {
        let rs = h.state().session(&selected_id(h)).expect("session");
        rs.view.filtering_progress(&rs.log).is_none()
    });
    assert!(has_label_containing(
        &h,
        &format!("{n} events ({n} shown)", n = thousands(events))
    ));

    h.get_by_label("Search events")
        .set_text_value_accesskit("\"id\":\"7\"");
    h.step();
    h.step();
    assert!(
        has_label_containing(&h, "filtering…"),
        "the progress note is shown while filtering"
    );
    let rs = h.state().session(&id).expect("session");
    assert!(rs.view.shown_len() > 0, "the newest matches show first");
    run_until(&mut h, "filtering finishes", |h| {
        !has_label_containing(h, "filtering…")
    });
    assert!(has_label_containing(
        &h,
        &format!(
            "{} events ({} shown)",
            thousands(events),
            thousands(events / 40)
        )
    ));
}
