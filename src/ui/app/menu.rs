//! The menu bar (File, Request, View, Help) and the keyboard shortcuts: both only say which
//! [`UiCommand`]s were chosen this frame; `dispatch` runs them.

use crate::ui::commands::UiCommand;

use super::App;

impl App {
    /// The commands whose shortcuts were pressed this frame (taken from the input so no
    /// widget sees them). Keys a text field uses are left to it while it has the keyboard.
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context) -> Vec<UiCommand> {
        let typing = ctx.text_edit_focused();
        let mut pressed = Vec::new();
        for command in UiCommand::ALL {
            if !command.handled_by_app()
                || (typing && !command.fires_while_typing())
                || (self.palette.open && command != UiCommand::CommandPalette)
                || self.path_prompt.is_open()
            {
                continue;
            }
            if let Some(shortcut) = command.shortcut()
                && ctx.input_mut(|i| i.consume_shortcut(&shortcut))
            {
                pressed.push(command);
            }
        }
        pressed
    }

    /// Escape closes the window on top (Keyboard shortcuts, About, Environments), one per
    /// press, unless a text field has the keyboard (Escape leaves the field first) or the
    /// palette is open (it closes itself).
    pub(super) fn close_window_on_escape(&mut self, ctx: &egui::Context) {
        // egui drops the focus on Escape before this runs: ask about the last frame.
        let typing = std::mem::replace(&mut self.typing_last_frame, ctx.text_edit_focused());
        if self.palette.open
            || self.path_prompt.is_open()
            || typing
            || !ctx.input(|i| i.key_pressed(egui::Key::Escape))
        {
            return;
        }
        for open in [
            &mut self.shortcuts_open,
            &mut self.about_open,
            &mut self.environments.open,
        ] {
            if std::mem::take(open) {
                return;
            }
        }
    }

    pub(super) fn menu_bar(&mut self, ui: &mut egui::Ui) -> Vec<UiCommand> {
        let mut chosen = Vec::new();
        let busy = self.transfers.task.is_some();
        egui::MenuBar::new().ui(ui, |ui| {
            let mut item = |ui: &mut egui::Ui, command: UiCommand| {
                let shortcut = command.shortcut_text(ui.ctx());
                let button = match theme_of(command) {
                    // The active theme is marked (selected, with a check mark).
                    Some(theme) if ui.ctx().options(|o| o.theme_preference) == theme => {
                        egui::Button::selectable(true, command.label()).right_text("✔")
                    }
                    Some(_) => egui::Button::selectable(false, command.label()),
                    None => egui::Button::new(command.label()),
                };
                let button = if shortcut.is_empty() {
                    button
                } else {
                    button.shortcut_text(shortcut)
                };
                let file_command = matches!(
                    command,
                    UiCommand::Import | UiCommand::ExportRequest | UiCommand::ExportWorkspace
                );
                let response = ui.add_enabled(!(busy && file_command), button);
                let response = response
                    .on_disabled_hover_text("Wait for the running import or export to finish");
                if response.clicked() {
                    chosen.push(command);
                }
            };
            ui.menu_button("File", |ui| {
                item(ui, UiCommand::NewRequest);
                item(ui, UiCommand::ManageEnvironments);
                ui.separator();
                item(ui, UiCommand::Import);
                item(ui, UiCommand::ExportRequest);
                item(ui, UiCommand::ExportWorkspace);
                item(ui, UiCommand::ExportEventsJsonl);
                item(ui, UiCommand::ExportEventsHar);
                ui.separator();
                item(ui, UiCommand::Quit);
            });
            ui.menu_button("Request", |ui| {
                for command in [
                    UiCommand::RenameRequest,
                    UiCommand::DuplicateRequest,
                    UiCommand::DeleteRequest,
                ] {
                    item(ui, command);
                }
                ui.separator();
                for command in [
                    UiCommand::ToggleConnect,
                    UiCommand::Send,
                    UiCommand::Ping,
                    UiCommand::ToggleHeartbeat,
                    UiCommand::FocusEventSearch,
                    UiCommand::ClearEvents,
                ] {
                    item(ui, command);
                }
            });
            ui.menu_button("View", |ui| {
                item(ui, UiCommand::CommandPalette);
                ui.separator();
                for command in [UiCommand::ZoomIn, UiCommand::ZoomOut, UiCommand::ZoomReset] {
                    item(ui, command);
                }
                ui.separator();
                for command in [
                    UiCommand::ThemeSystem,
                    UiCommand::ThemeLight,
                    UiCommand::ThemeDark,
                ] {
                    item(ui, command);
                }
            });
            ui.menu_button("Help", |ui| {
                item(ui, UiCommand::KeyboardShortcuts);
                item(ui, UiCommand::CommandPalette);
                ui.separator();
                item(ui, UiCommand::About);
            });
        });
        chosen
    }
}

/// The theme a theme command picks.
fn theme_of(command: UiCommand) -> Option<egui::ThemePreference> {
    match command {
        UiCommand::ThemeSystem => Some(egui::ThemePreference::System),
        UiCommand::ThemeLight => Some(egui::ThemePreference::Light),
        UiCommand::ThemeDark => Some(egui::ThemePreference::Dark),
        _ => None,
    }
}
