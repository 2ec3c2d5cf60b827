//! Command dispatch: runs one [`UiCommand`] as its shortcut, the menu or the palette would,
//! on the UI thread (file dialogs and file work go to background jobs).

use crate::ui::commands::{EVENT_SEARCH_ID, UiCommand};

use super::App;
use super::transfer::ExportScope;
use crate::export::ExportFormat;
use crate::ui::widgets::{Notice, VarContext};

impl App {
    /// Runs one command, as its shortcut, the menu or the palette would.
    pub fn run_command(&mut self, ctx: &egui::Context, command: UiCommand) {
        let selected = self.workspace.selected_request.clone();
        match command {
            UiCommand::NewRequest => self.sidebar.new_request(&mut self.workspace),
            // On the selected folder when a folder is selected.
            UiCommand::RenameRequest => self.sidebar.rename_selected(&mut self.workspace),
            UiCommand::DuplicateRequest => self.sidebar.duplicate_selected(&mut self.workspace),
            UiCommand::DeleteRequest => {
                for action in self.sidebar.delete_selected(&mut self.workspace) {
                    self.handle_sidebar(action);
                }
            }
            UiCommand::Send => {
                if let Some(id) = selected {
                    self.send(&id);
                }
            }
            UiCommand::Ping => {
                if let Some(id) = selected
                    && let Some(Ok(payload)) = self.sessions.get(&id).map(|s| s.ping.bytes())
                {
                    self.ping(&id, payload);
                }
            }
            UiCommand::ToggleHeartbeat => {
                if let Some(id) = selected {
                    if self.sessions.get(&id).is_some_and(|s| s.heartbeat.running) {
                        self.stop_heartbeat(&id);
                    } else {
                        self.start_heartbeat(&id);
                    }
                }
            }
            UiCommand::ToggleConnect => {
                if let Some(id) = selected {
                    let active = self.sessions.get(&id).is_some_and(|s| s.state.is_active());
                    if active {
                        self.disconnect(&id);
                    } else {
                        self.connect(&id);
                    }
                }
            }
            UiCommand::FocusEventSearch => {
                ctx.memory_mut(|m| m.request_focus(egui::Id::unique(EVENT_SEARCH_ID)));
            }
            UiCommand::ClearEvents => {
                if let Some(rs) = selected.and_then(|id| self.sessions.get_mut(&id)) {
                    rs.log.clear();
                    rs.view.selected = None;
                }
            }
            UiCommand::CommandPalette => {
                if self.palette.open {
                    self.palette.open = false;
                } else {
                    self.palette.show();
                }
            }
            UiCommand::ManageEnvironments => self.environments.open = true,
            UiCommand::Import => self.import_with_dialog(),
            UiCommand::ExportRequest => self.export_with_dialog(ExportScope::Selection),
            UiCommand::ExportWorkspace => self.export_with_dialog(ExportScope::Workspace),
            UiCommand::ExportEventsJsonl | UiCommand::ExportEventsHar => {
                let format = if command == UiCommand::ExportEventsHar {
                    ExportFormat::Har
                } else {
                    ExportFormat::JsonLines
                };
                let vars = VarContext::new(self.workspace.effective_variables());
                match selected.and_then(|id| self.sessions.get_mut(&id)) {
                    Some(rs) if !rs.log.is_empty() => {
                        rs.view.export_with_dialog(ctx, format, &vars);
                    }
                    _ => self.notice = Some(Notice::info("No events to export")),
                }
            }
            UiCommand::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            UiCommand::KeyboardShortcuts => self.shortcuts_open = true,
            UiCommand::About => self.about_open = true,
            UiCommand::ZoomIn => egui::gui_zoom::zoom_in(ctx),
            UiCommand::ZoomOut => egui::gui_zoom::zoom_out(ctx),
            UiCommand::ZoomReset => ctx.set_zoom_factor(1.0),
            UiCommand::ThemeSystem => ctx.set_theme(egui::ThemePreference::System),
            UiCommand::ThemeLight => ctx.set_theme(egui::ThemePreference::Light),
            UiCommand::ThemeDark => ctx.set_theme(egui::ThemePreference::Dark),
        }
    }
}
