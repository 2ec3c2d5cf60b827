//! Help → About: what this build is. The version line is the one `wsprobe --version` prints,
//! commit included, so a bug report can name the exact build.

/// The About window, while `open`.
pub fn about_window(ctx: &egui::Context, open: &mut bool) {
    crate::ui::widgets::info_window(ctx, "About wsprobe", open).show(ctx, |ui| {
        ui.heading("wsprobe");
        ui.label(crate::build_info::version_line());
        ui.add_space(4.0);
        ui.label(env!("CARGO_PKG_DESCRIPTION"));
        ui.weak(format!("License: {}", env!("CARGO_PKG_LICENSE")));
        ui.weak("wsprobe --help lists the command line; man wsprobe when installed.");
    });
}
