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
    pub const ALL: [UiCommand; 23] = [
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

/// The Ctrl+K palette: type to filter, arrows to choose, Enter runs, Escape closes.
#[derive(Default)]
pub struct CommandPalette {
    pub open: bool,
    filter: String,
    selected: usize,
    just_opened: bool,
}

impl CommandPalette {
    pub fn show(&mut self) {
        self.open = true;
        self.filter.clear();
        self.selected = 0;
        self.just_opened = true;
    }

    /// The commands matching the filter: every word must appear in the label.
    pub fn matches(&self) -> Vec<UiCommand> {
        let words: Vec<String> = self
            .filter
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        UiCommand::ALL
            .into_iter()
            .filter(|c| c.label() != UiCommand::CommandPalette.label())
            .filter(|c| {
                let label = c.label().to_lowercase();
                words.iter().all(|w| label.contains(w.as_str()))
            })
            .collect()
    }

    /// Draws the palette if open; returns the command to run.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<UiCommand> {
        if !self.open {
            return None;
        }
        let matches = self.matches();
        let (up, down, enter) = ctx.input_mut(|i| {
            (
                i.consume_key(Modifiers::NONE, Key::ArrowUp),
                i.consume_key(Modifiers::NONE, Key::ArrowDown),
                i.consume_key(Modifiers::NONE, Key::Enter),
            )
        });
        if down {
            self.selected = (self.selected + 1).min(matches.len().saturating_sub(1));
        }
        if up {
            self.selected = self.selected.saturating_sub(1);
        }
        self.selected = self.selected.min(matches.len().saturating_sub(1));
        let mut chosen = None;
        let modal = egui::Modal::new(egui::Id::unique("command_palette")).show(ctx, |ui| {
            ui.set_width(420.0);
            let label = ui.label(egui::RichText::new("Command palette").strong());
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter)
                        .hint_text("Type a command…")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id)
                .accessible_name("Command");
            if self.just_opened {
                field.request_focus();
                self.just_opened = false;
            }
            if field.changed() {
                self.selected = 0;
            }
            ui.separator();
            if matches.is_empty() {
                ui.weak("No command matches");
            }
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| {
                    for (i, command) in matches.iter().enumerate() {
                        let shortcut = command.shortcut_text(ui.ctx());
                        let button = egui::Button::selectable(i == self.selected, command.label());
                        let button = if shortcut.is_empty() {
                            button
                        } else {
                            button.right_text(egui::RichText::new(shortcut).weak())
                        };
                        let button = button.min_size(egui::vec2(ui.available_width(), 22.0));
                        let response = ui.add(button);
                        if i == self.selected && (up || down) {
                            response.scroll_to_me(None);
                        }
                        if response.clicked() {
                            chosen = Some(*command);
                        }
                    }
                });
        });
        if enter && chosen.is_none() {
            chosen = matches.get(self.selected).copied();
        }
        if chosen.is_some() || modal.should_close() {
            self.open = false;
        }
        chosen
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
