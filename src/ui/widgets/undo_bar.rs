//! The "Deleted “X”. [Undo] [×]" line shown after a delete, as requests have in the sidebar.
//!
//! The contract: the owner keeps what was deleted (one item, the last) and shows this bar
//! while it does; Undo puts it back where it was, × forgets it. Nothing is asked before a
//! delete: the bar is the safety net.

use egui::Ui;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UndoChoice {
    Undo,
    Dismiss,
}

/// Shows the bar for `what` (its name); returns what was clicked.
pub fn undo_bar(ui: &mut Ui, what: &str) -> Option<UndoChoice> {
    let mut choice = None;
    ui.horizontal_wrapped(|ui| {
        ui.weak(format!("Deleted “{what}”."));
        if ui.small_button("Undo").clicked() {
            choice = Some(UndoChoice::Undo);
        }
        if ui
            .small_button("×")
            .on_hover_text("Dismiss")
            .accessible_name("Dismiss undo")
            .clicked()
        {
            choice = Some(UndoChoice::Dismiss);
        }
    });
    choice
}
