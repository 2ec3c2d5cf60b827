//! Issue 18 item 18, the remaining smaller things: the rate plot reads as a plot, the URL
//! placeholder as a placeholder, the light theme draws borders on inputs, and hovering a
//! `<<variable>>` in the message editor shows its value as it does in the URL bar.

use super::*;

#[test]
fn the_rate_plot_is_labelled_as_a_plot() {
    let (_dir, mut h) = fresh();
    log_messages(&mut h, 3, |i| format!("m{i}"));
    assert!(h.query_by_label_contains("Message rate:").is_some());
    assert!(
        h.query_by_label("msg/s").is_some(),
        "the plot says what it plots"
    );
}

#[test]
fn the_url_placeholder_reads_as_a_hint() {
    let (_dir, h) = fresh();
    let url = h.get_by_label("URL");
    assert_eq!(url.value().unwrap_or_default(), "");
    let hint = url
        .accesskit_node()
        .placeholder()
        .unwrap_or_default()
        .to_owned();
    assert!(
        hint.starts_with("Enter a URL, e.g. "),
        "an example is worded as one, not as a value: {hint:?}"
    );
}

#[test]
fn the_light_theme_draws_borders_on_inputs() {
    let (_dir, mut h) = fresh();
    click_menu(&mut h, "View", "Theme: light");
    assert_eq!(h.ctx.theme(), egui::Theme::Light, "the light theme is on");
    let visuals = h.ctx.style_of(egui::Theme::Light).visuals.clone();
    let border = visuals.widgets.inactive.bg_stroke;
    assert!(border.width >= 1.0, "inputs at rest have a border");
    // Visible against both the panel and the field's own background.
    let contrast = |a: egui::Color32, b: egui::Color32| {
        let luma = |c: egui::Color32| (c.r() as i32 + c.g() as i32 + c.b() as i32) / 3;
        (luma(a) - luma(b)).abs()
    };
    assert!(
        contrast(border.color, visuals.panel_fill) >= 50,
        "{border:?}"
    );
    assert!(
        contrast(border.color, visuals.text_edit_bg_color()) >= 50,
        "{border:?}"
    );
}

#[test]
fn hovering_a_variable_in_the_message_shows_its_value() {
    let (_dir, mut h) = fresh();
    add_global(&mut h, wsprobe::model::Variable::new("room", "lobby-7"));
    type_body(&mut h, "<<room>> joined");
    assert!(!has_label_containing(&h, "room = lobby-7"));
    // The pointer on the first characters of the first line.
    let editor = h.get_by_label("Message body").rect();
    h.event(egui::Event::PointerMoved(
        editor.left_top() + egui::vec2(14.0, 10.0),
    ));
    run_until(&mut h, "the variable's value on hover", |h| {
        has_label_containing(h, "room = lobby-7")
    });
}
