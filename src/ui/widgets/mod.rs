//! Reusable widgets: templated field, key-value table, code editor, status badge.

pub mod code_editor;
pub mod kv_table;
pub mod status_badge;
pub mod template_field;

pub use code_editor::CodeEditor;
pub use kv_table::kv_table;
pub use status_badge::{ConnState, status_badge, status_badge_text};
pub use template_field::{VarContext, template_field};

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

/// Opens a native "open file" dialog on a helper thread, so the window keeps drawing; the
/// chosen path (or `None` if cancelled) arrives on the returned channel. `filter` is a name and
/// the file extensions it allows.
pub fn spawn_file_dialog(
    title: &'static str,
    filter: Option<(&'static str, &'static [&'static str])>,
) -> std::sync::mpsc::Receiver<Option<std::path::PathBuf>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let _ = std::thread::Builder::new()
        .name("wsprobe-file-dialog".into())
        .spawn(move || {
            let mut dialog = rfd::FileDialog::new().set_title(title);
            if let Some((name, extensions)) = filter {
                dialog = dialog.add_filter(name, extensions);
            }
            let _ = tx.send(dialog.pick_file());
        });
    rx
}
