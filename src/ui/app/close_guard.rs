//! The close guard: closing the window while the workspace cannot be saved (read-only
//! folder, full disk) would lose the edits, so the close is cancelled (in the logic step) and
//! a dialog (drawn in the frame) offers to try again, to export a copy elsewhere, or to close
//! anyway.

use crate::ui::commands::UiCommand;

use super::App;

impl App {
    /// Logic step: a close asked for in this frame's input is held back while the workspace
    /// cannot be saved. Looked at once per input frame (a hidden window's input is stale).
    pub(super) fn hold_close_if_unsaved(&mut self, ctx: &egui::Context) {
        let pass = ctx.cumulative_pass_nr();
        if self.close_checked_pass == Some(pass) {
            return;
        }
        self.close_checked_pass = Some(pass);
        if ctx.input(|i| i.viewport().close_requested()) && !self.close_anyway {
            self.save_now();
            if self.save_error.is_some() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.close_blocked = true;
            }
        }
    }

    /// The dialog while a close is held back. Returns a command the dialog asked for.
    pub(super) fn close_dialog(&mut self, ctx: &egui::Context) -> Option<UiCommand> {
        if !self.close_blocked {
            return None;
        }
        let mut command = None;
        let mut close = false;
        let error = self.save_error.clone().unwrap_or_default();
        let modal = egui::Modal::new(egui::Id::unique("unsaved_close")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.heading("Your changes are not saved");
            ui.label(format!("Saving the workspace failed: {error}"));
            ui.label("Closing now loses the changes since the last save.");
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui.button("Try again").clicked() {
                    self.save_now();
                    close = self.save_error.is_none();
                }
                if ui
                    .button("Export a copy…")
                    .on_hover_text("Write the whole workspace to a file you choose")
                    .clicked()
                {
                    command = Some(UiCommand::ExportWorkspace);
                    self.close_blocked = false;
                }
                if ui.button("Keep open").clicked() {
                    self.close_blocked = false;
                }
                if ui.button("Close without saving").clicked() {
                    close = true;
                }
            });
        });
        // Escape or a click beside the dialog: keep the window open, as the button does.
        if modal.should_close() && !close && command.is_none() {
            self.close_blocked = false;
        }
        if close {
            self.close_blocked = false;
            self.close_anyway = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        command
    }

    /// Whether the close dialog for unsaved changes is showing.
    pub fn close_blocked(&self) -> bool {
        self.close_blocked
    }
}
