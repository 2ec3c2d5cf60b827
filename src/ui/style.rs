//! The look shared by every panel: spacing, fonts with a fallback for arrows and dots, and in
//! the light theme a visible border on inputs (text fields, the editor, check boxes, buttons):
//! egui's light theme draws them borderless, white on near-white.

/// Spacing and fonts shared by every panel.
pub fn setup_style(ctx: &egui::Context) {
    // The proportional font lacks arrows and the filled circle; fall back to the monospace
    // font (Hack) for them rather than drawing tofu.
    let mut fonts = egui::FontDefinitions::default();
    if let Some(mono) = fonts
        .families
        .get(&egui::FontFamily::Monospace)
        .and_then(|f| f.first())
        .cloned()
        && let Some(list) = fonts.families.get_mut(&egui::FontFamily::Proportional)
    {
        list.push(mono);
    }
    ctx.set_fonts(fonts);
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 3.0);
        style.spacing.interact_size.y = 22.0;
    });
    ctx.style_mut_of(egui::Theme::Light, |style| {
        style.visuals.widgets.inactive.bg_stroke = LIGHT_INPUT_BORDER;
    });
}

/// The border of an input at rest in the light theme (hover and focus have their own).
pub const LIGHT_INPUT_BORDER: egui::Stroke = egui::Stroke {
    width: 1.0,
    color: egui::Color32::from_gray(175),
};
