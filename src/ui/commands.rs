//! Every user action with a name and a shortcut, in one list: the menu bar, the command
//! palette (Ctrl+K), the keyboard shortcuts window and the shortcut handling all read it.

use egui::{Key, KeyboardShortcut, Modifiers};

/// The id the events panel gives its search field, so Ctrl+F can focus it.
pub const EVENT_SEARCH_ID: &str = "event_search";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UiCommand {
    NewRequest,
    RenameRequest,
    DuplicateRequest,
    DeleteRequest,
    Send,
    Ping,
    ToggleHeartbeat,
    ToggleConnect,
    FocusEventSearch,
    ClearEvents,
    CommandPalette,
    ManageEnvironments,
    Import,
    ExportRequest,
    ExportWorkspace,
    ExportEventsJsonl,
    ExportEventsHar,
    Quit,
    KeyboardShortcuts,
    About,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    ThemeSystem,
    ThemeLight,
    ThemeDark,
}

const fn ctrl(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

impl UiCommand {
    /// In palette order. Ctrl+Shift+Enter comes before Ctrl+Enter so the longer chord wins.
    pub const ALL: [UiCommand; 26] = [
        Self::NewRequest,
        Self::RenameRequest,
        Self::DuplicateRequest,
        Self::DeleteRequest,
        Self::ToggleConnect,
        Self::Send,
        Self::Ping,
        Self::ToggleHeartbeat,
        Self::FocusEventSearch,
        Self::ClearEvents,
        Self::ManageEnvironments,
        Self::Import,
        Self::ExportRequest,
        Self::ExportWorkspace,
        Self::ExportEventsJsonl,
        Self::ExportEventsHar,
        Self::Quit,
        Self::CommandPalette,
        Self::KeyboardShortcuts,
        Self::About,
        Self::ZoomIn,
        Self::ZoomOut,
        Self::ZoomReset,
        Self::ThemeSystem,
        Self::ThemeLight,
        Self::ThemeDark,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::NewRequest => "New request",
            Self::RenameRequest => "Rename request",
            Self::DuplicateRequest => "Duplicate request",
            Self::DeleteRequest => "Delete request",
            Self::Send => "Send message",
            Self::Ping => "Send ping",
            Self::ToggleHeartbeat => "Start / stop heartbeat",
            Self::ToggleConnect => "Connect / disconnect",
            Self::FocusEventSearch => "Search events",
            Self::ClearEvents => "Clear events",
            Self::CommandPalette => "Command palette",
            Self::ManageEnvironments => "Manage environments",
            Self::Import => "Import…",
            Self::ExportRequest => "Export selected requests…",
            Self::ExportWorkspace => "Export workspace…",
            Self::ExportEventsJsonl => "Export events as JSON Lines…",
            Self::ExportEventsHar => "Export events as HAR…",
            Self::Quit => "Quit",
            Self::KeyboardShortcuts => "Keyboard shortcuts",
            Self::About => "About wsprobe",
            Self::ZoomIn => "Zoom in",
            Self::ZoomOut => "Zoom out",
            Self::ZoomReset => "Reset zoom",
            Self::ThemeSystem => "Theme: follow the system",
            Self::ThemeLight => "Theme: light",
            Self::ThemeDark => "Theme: dark",
        }
    }

    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        Some(match self {
            Self::NewRequest => ctrl(Key::N),
            Self::RenameRequest => KeyboardShortcut::new(Modifiers::NONE, Key::F2),
            Self::DuplicateRequest => ctrl(Key::D),
            Self::DeleteRequest => KeyboardShortcut::new(Modifiers::NONE, Key::Delete),
            Self::Send => ctrl(Key::Enter),
            Self::ToggleConnect => {
                KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Enter)
            }
            Self::FocusEventSearch => ctrl(Key::F),
            Self::ClearEvents => ctrl(Key::L),
            Self::CommandPalette => ctrl(Key::K),
            Self::ZoomIn => egui::gui_zoom::kb_shortcuts::ZOOM_IN,
            Self::ZoomOut => egui::gui_zoom::kb_shortcuts::ZOOM_OUT,
            Self::ZoomReset => egui::gui_zoom::kb_shortcuts::ZOOM_RESET,
            _ => return None,
        })
    }

    /// "Ctrl+N", "F2", "Ctrl+Shift+Enter" (⌘ on macOS), or "" without a shortcut.
    pub fn shortcut_text(self, ctx: &egui::Context) -> String {
        self.shortcut()
            .map(|s| ctx.format_shortcut(&s))
            .unwrap_or_default()
    }

    /// Whether the app itself listens for the shortcut. Ctrl+Enter belongs to the message
    /// editor, and egui handles the zoom keys.
    pub fn handled_by_app(self) -> bool {
        !matches!(
            self,
            Self::Send | Self::ZoomIn | Self::ZoomOut | Self::ZoomReset
        )
    }

    /// Whether the shortcut may fire while a text field has the keyboard: never for keys a
    /// text field uses itself (Delete deletes text, F2 and Ctrl+D are left alone too).
    pub fn fires_while_typing(self) -> bool {
        !matches!(
            self,
            Self::RenameRequest | Self::DuplicateRequest | Self::DeleteRequest
        )
    }
}

/// Help → Keyboard shortcuts.
pub fn shortcuts_window(ctx: &egui::Context, open: &mut bool) {
    crate::ui::widgets::info_window(ctx, "Keyboard shortcuts", open).show(ctx, |ui| {
            egui::Grid::new("shortcuts_grid")
                .num_columns(2)
                .spacing([24.0, 6.0])
                .striped(true)
                .show(ui, |ui| {
                    for command in UiCommand::ALL {
                        if command.shortcut().is_none() {
                            continue;
                        }
                        ui.label(command.label());
                        ui.monospace(command.shortcut_text(ui.ctx()));
                        ui.end_row();
                    }
                    ui.label("Rename: commit / cancel");
                    ui.monospace("Enter / Escape");
                    ui.end_row();
                });
            ui.add_space(4.0);
            ui.weak("F2, Ctrl+D and Delete act on the selected request or folder when no text field has the keyboard.");
        });
}
