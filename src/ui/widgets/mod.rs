//! Reusable widgets: templated field, key-value table, code editor, status badge, notice,
//! a labelled text field, the empty-area hint and the Help menu's small windows.

pub mod code_editor;
pub mod kept_galley;
pub mod kv_table;
pub mod new_row_focus;
pub mod notice;
pub mod status_badge;
pub mod template_field;
pub mod undo_bar;
pub mod var_table;

pub use code_editor::CodeEditor;
pub use kept_galley::{FontEpoch, KeptGalley};
pub use kv_table::kv_table;
pub use notice::{Notice, NoticeLevel};
pub use status_badge::{ConnState, status_badge, status_badge_text};
pub use template_field::{VarContext, template_field};
pub use var_table::var_table;

/// A text field with a visible label on its left, tied to it for screen readers and tests.
pub fn labelled_text(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    password: bool,
) -> egui::Response {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(egui::TextEdit::singleline(text).password(password))
            .labelled_by(l.id)
    })
    .inner
}

/// A centred, calm hint for an empty area.
pub fn empty_state(ui: &mut egui::Ui, text: &str) {
    ui.centered_and_justified(|ui| {
        ui.label(egui::RichText::new(text).size(15.0).weak());
    });
}

/// A fixed-size window centred on the screen, closed by its × (Help → Keyboard shortcuts,
/// Help → About).
pub fn info_window<'open>(
    ctx: &egui::Context,
    title: &str,
    open: &'open mut bool,
) -> egui::Window<'open> {
    egui::Window::new(title)
        .open(open)
        .resizable(false)
        .collapsible(false)
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
}
