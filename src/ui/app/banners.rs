//! The bars under the menu: the notice of the last import or export (or the spinner of the
//! running one), and the problems banner (a failed save, files that could not be loaded).

use super::App;
use super::saver::SAVE_RETRY;

impl App {
    /// The last import/export outcome shown under the menu bar.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_ref().map(|n| n.text.as_str())
    }

    pub(super) fn notice_ui(&mut self, ui: &mut egui::Ui) {
        if let Some(task) = &self.transfers.task
            && task.busy().is_some()
        {
            ui.horizontal_wrapped(|ui| {
                task.ui(ui);
                if self.transfers.refused {
                    ui.weak("Wait for it to finish before starting another import or export.");
                }
            });
            return;
        }
        let dismissed = self.notice.as_ref().is_some_and(|notice| {
            ui.horizontal_wrapped(|ui| notice.ui(ui, Some("Dismiss notice")))
                .inner
        });
        if dismissed {
            self.notice = None;
        }
    }

    pub(super) fn problems_ui(&mut self, ui: &mut egui::Ui) {
        let red = ui.visuals().error_fg_color;
        if let Some(err) = &self.save_error {
            ui.colored_label(
                red,
                format!("⚠ Could not save: {err}. Your edits are kept and saving is retried."),
            );
            // The saver retries on its own; look again so the banner goes when it succeeds.
            ui.ctx().request_repaint_after(SAVE_RETRY);
        }
        let mut dismiss = false;
        if !self.load_problems.is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(
                    red,
                    "⚠ Some files could not be loaded and are left untouched:",
                );
                dismiss = ui.small_button("Dismiss").clicked();
            });
            for p in &self.load_problems {
                ui.monospace(p);
            }
        }
        if dismiss {
            self.load_problems.clear();
        }
    }
}
