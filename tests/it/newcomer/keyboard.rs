//! Issue 18 item 14, the keyboard: Tab goes from the URL bar through the request's tabs and
//! its editor before it reaches the events toolbar and the event rows.

use super::*;

/// The accessible names of the focused widgets.
fn focused(h: &Harness<'_, App>) -> Vec<String> {
    h.query_all_by(|n| n.is_focused())
        .map(|n| {
            n.accesskit_node()
                .label()
                .or_else(|| n.accesskit_node().value())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn tab_visits_the_request_before_the_events() {
    let (_dir, mut h) = fresh();
    // Nine events, as in the report (39 presses before the editor).
    log_messages(&mut h, 9, |i| format!("{{\"n\":{i}}}"));
    h.get_by_label("URL").focus();
    h.run();
    let mut visited = Vec::new();
    for _ in 0..40 {
        press(&mut h, egui::Modifiers::NONE, egui::Key::Tab);
        let now = focused(&h);
        if now.iter().any(|l| l == "Message body") {
            break;
        }
        visited.extend(now);
    }
    assert!(
        focused(&h).iter().any(|l| l == "Message body"),
        "Tab reaches the message editor: {visited:?}"
    );
    assert!(
        !visited
            .iter()
            .any(|l| l.starts_with('↓') || l == "Search events"),
        "no event row or events toolbar control comes before the editor: {visited:?}"
    );
    assert!(
        visited.iter().any(|l| l.starts_with("Message")),
        "the request's tabs come before it: {visited:?}"
    );
    assert!(visited.len() < 25, "{} presses: {visited:?}", visited.len());
}
