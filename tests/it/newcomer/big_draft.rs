//! Issue 18 item 15: a 3 MB message pasted into the editor stays whole and editable, and a
//! window with it focused (or with a find box focused over a big detail view) asks for no
//! frames while nothing happens. How fast it is is measured by `cargo bench --bench editor`.

use super::*;

/// About `bytes` of pretty JSON with many short lines, like real data.
fn pretty_json(bytes: usize) -> String {
    let mut out = String::from("{\n  \"items\": [\n");
    let mut i = 0u64;
    while out.len() < bytes {
        out.push_str(&format!(
            "    {{\n      \"id\": {i},\n      \"name\": \"sensor-{i}\",\n      \"on\": {}\n    }},\n",
            i.is_multiple_of(2)
        ));
        i += 1;
    }
    out.push_str("    {}\n  ]\n}\n");
    out
}

fn draft(h: &Harness<'_, App>) -> String {
    let id = selected_id(h);
    h.state()
        .workspace()
        .request(&id)
        .unwrap()
        .draft
        .body
        .clone()
}

/// How long the last frame asked egui to wait before the next one (MAX: no frame at all).
fn repaint_delay(h: &Harness<'_, App>) -> std::time::Duration {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map_or(std::time::Duration::ZERO, |v| v.repaint_delay)
}

#[test]
fn a_3_mb_paste_stays_whole_and_editable_and_idles_without_frames() {
    let (_dir, mut h) = fresh();
    choose_format(&mut h, "JSON");
    let pasted = pretty_json(3 * 1024 * 1024);
    h.get_by_label("Message body").focus();
    h.run();
    // Each frame over 3 MB is slow in a debug build with AccessKit on (every row becomes a
    // node): one frame per action.
    h.event(egui::Event::Paste(pasted.clone()));
    h.step();
    assert_eq!(draft(&h).len(), pasted.len(), "the whole paste arrived");
    assert!(draft(&h) == pasted, "exactly the pasted text");

    // Editable: typing lands at the cursor (the end of the paste), Backspace takes it back.
    h.event(egui::Event::Text("x".to_owned()));
    h.step();
    assert!(draft(&h).len() == pasted.len() + 1 && draft(&h).ends_with("}\nx"));
    h.key_press(egui::Key::Backspace);
    h.step();
    assert!(draft(&h) == pasted, "back to the paste");

    // Idle with the editor focused: no frame is asked for (no cursor blink over 3 MB).
    h.run();
    assert!(has_label_containing(&h, "Large message"));
    assert!(h.get_by_label("Message body").is_focused());
    assert_eq!(
        repaint_delay(&h),
        std::time::Duration::MAX,
        "an idle window with a focused 3 MB draft asks for no frames"
    );
}

#[test]
fn a_small_draft_still_blinks() {
    let (_dir, mut h) = fresh();
    type_body(&mut h, "{\"a\": 1}");
    h.run();
    assert!(h.get_by_label("Message body").is_focused());
    assert!(
        repaint_delay(&h) < std::time::Duration::from_secs(2),
        "the cursor of a small draft blinks"
    );
}
