//! A re-import: the file holds requests, folders or environments that are already in the
//! workspace (same ids). Nothing is added until the user chooses, in a small window: Skip
//! them (keep what is here), Replace them, Keep both (the imported ones get new ids), or
//! Cancel the import. The outcome shows as the import's notice, saying what happened.

use crate::import::{Conflicts, ImportSummary, Imported, OnConflict};
use crate::ui::widgets::Notice;

use super::App;

/// An import waiting for the user's choice.
pub(super) struct PendingImport {
    /// The file's name, for the question.
    pub file: String,
    pub imported: Imported,
    pub conflicts: Conflicts,
}

impl App {
    /// Whether an import waits for Skip / Replace / Keep both.
    pub fn import_pending(&self) -> bool {
        self.pending_import.is_some()
    }

    /// Adds `imported` and shows what happened.
    pub(super) fn apply_import(
        &mut self,
        imported: Imported,
        on_conflict: OnConflict,
    ) -> ImportSummary {
        let summary = imported.add_to(&mut self.workspace, on_conflict);
        self.notice = Some(Notice::success(summary.to_string()));
        summary
    }

    /// The question, while an import waits for it.
    pub(super) fn import_conflict_ui(&mut self, ctx: &egui::Context) {
        let Some(pending) = &self.pending_import else {
            return;
        };
        let mut choice: Option<Option<OnConflict>> = None;
        egui::Window::new("Already imported")
            .collapsible(false)
            .resizable(false)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .show(ctx, |ui| {
                ui.label(format!(
                    "{} holds {} already in this workspace (imported before).",
                    pending.file, pending.conflicts
                ));
                ui.weak("Everything else in the file is added in any case.");
                ui.add_space(6.0);
                ui.horizontal(|ui| {
                    if ui
                        .button("Skip")
                        .on_hover_text("Keep the workspace's; don't add the imported ones")
                        .clicked()
                    {
                        choice = Some(Some(OnConflict::Skip));
                    }
                    if ui
                        .button("Replace")
                        .on_hover_text("Put the imported ones in their place")
                        .clicked()
                    {
                        choice = Some(Some(OnConflict::Replace));
                    }
                    if ui
                        .button("Keep both")
                        .on_hover_text("Add the imported ones as copies, with new ids")
                        .clicked()
                    {
                        choice = Some(Some(OnConflict::Keep));
                    }
                    if ui
                        .button("Cancel")
                        .on_hover_text("Import nothing")
                        .clicked()
                    {
                        choice = Some(None);
                    }
                });
            });
        match choice {
            Some(Some(on_conflict)) => {
                if let Some(pending) = self.pending_import.take() {
                    self.apply_import(pending.imported, on_conflict);
                }
            }
            Some(None) => {
                self.pending_import = None;
                self.notice = Some(Notice::info(
                    "Import cancelled: nothing was added".to_owned(),
                ));
            }
            None => {}
        }
    }
}
