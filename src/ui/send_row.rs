//! The pieces of the Message tab both composers (WebSocket messages and Socket.IO emits)
//! share: the body editor sized to the tab, the Send button, and the live verdict beside it.

use egui::{RichText, Ui};

use super::message_check::Validation;
use super::widgets::{CodeEditor, VarContext};
use crate::model::MessageFormat;

/// The editor of the message (or emit arguments), as tall as the tab leaves room for above
/// the Send row and the saved messages.
pub fn body_editor(
    ui: &mut Ui,
    editor: &mut CodeEditor,
    id: egui::Id,
    body: &mut String,
    format: MessageFormat,
    vars: &VarContext,
    name: &str,
) {
    let bottom_height = 170.0;
    let rows = ((ui.available_height() - bottom_height) / 16.0).clamp(3.0, 40.0) as usize;
    egui::ScrollArea::vertical()
        .id_salt(("editor_scroll", name))
        .max_height((ui.available_height() - bottom_height).max(70.0))
        .show(ui, |ui| {
            editor.ui(ui, id, body, format, vars, name, rows);
        });
}

/// The Send button (filled when it can send); true when clicked.
pub fn send_button(ui: &mut Ui, can_send: bool, connected: bool, hover: &str, fix: &str) -> bool {
    let button = egui::Button::new(RichText::new("Send").strong()).min_size(egui::vec2(80.0, 24.0));
    let button = if can_send {
        button.fill(ui.visuals().selection.bg_fill)
    } else {
        button
    };
    ui.add_enabled(can_send, button)
        .on_hover_text(hover)
        .on_disabled_hover_text(if connected { fix } else { "Connect first" })
        .clicked()
}

/// The live verdict beside Send: amber ⚠ or red ⛔ with why, else "Not connected" when so.
pub fn verdict_ui(ui: &mut Ui, verdict: &Validation, connected: bool) {
    match verdict {
        Validation::Ok => {
            if !connected {
                ui.weak("Not connected: press Connect");
            }
        }
        Validation::Warning(w) => {
            ui.colored_label(ui.visuals().warn_fg_color, format!("⚠ {w}"));
        }
        Validation::Error(e) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("⛔ {e}"));
        }
    }
}
