//! The look shared by every panel: spacing, and fonts with a fallback for arrows and dots.

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
}
