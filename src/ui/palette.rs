//! The Ctrl+K palette: every command of the menus, and every request by name (quick open).
//!
//! The contract: typing filters (every word must appear, case-insensitive); ↑/↓ choose,
//! Enter runs, a click runs, Escape closes. Commands come first, then requests ("Go to
//! request"). The list is as tall as its rows up to [`MAX_VISIBLE_ROWS`], then scrolls; the
//! chosen row is kept in view.

use egui::{Key, Modifiers};

use super::commands::UiCommand;

/// Rows shown before the list scrolls.
pub const MAX_VISIBLE_ROWS: usize = 12;

/// What the palette was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaletteChoice {
    Command(UiCommand),
    /// Select the request with this id.
    Request(String),
}

/// A request as the palette lists it.
#[derive(Debug, Clone)]
pub struct PaletteRequest {
    pub id: String,
    /// Its name, with its folder path when it has one.
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Command(UiCommand),
    Request(usize),
}

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
        let words = self.words();
        UiCommand::ALL
            .into_iter()
            .filter(|c| *c != UiCommand::CommandPalette)
            .filter(|c| matches_words(c.label(), &words))
            .collect()
    }

    fn words(&self) -> Vec<String> {
        self.filter
            .split_whitespace()
            .map(str::to_lowercase)
            .collect()
    }

    fn entries(&self, requests: &[PaletteRequest]) -> Vec<Entry> {
        let words = self.words();
        let mut out: Vec<Entry> = self.matches().into_iter().map(Entry::Command).collect();
        out.extend(
            requests
                .iter()
                .enumerate()
                .filter(|(_, r)| matches_words(&r.name, &words))
                .map(|(i, _)| Entry::Request(i)),
        );
        out
    }

    /// Draws the palette if open; returns what to do.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        requests: &[PaletteRequest],
    ) -> Option<PaletteChoice> {
        if !self.open {
            return None;
        }
        let entries = self.entries(requests);
        let (up, down, enter) = ctx.input_mut(|i| {
            (
                i.consume_key(Modifiers::NONE, Key::ArrowUp),
                i.consume_key(Modifiers::NONE, Key::ArrowDown),
                i.consume_key(Modifiers::NONE, Key::Enter),
            )
        });
        let last = entries.len().saturating_sub(1);
        if down {
            self.selected = (self.selected + 1).min(last);
        }
        if up {
            self.selected = self.selected.saturating_sub(1);
        }
        self.selected = self.selected.min(last);
        let choice = |entry: &Entry| match entry {
            Entry::Command(c) => PaletteChoice::Command(*c),
            Entry::Request(i) => PaletteChoice::Request(requests[*i].id.clone()),
        };
        let mut chosen = None;
        let modal = egui::Modal::new(egui::Id::unique("command_palette")).show(ctx, |ui| {
            ui.set_width(440.0);
            let label = ui.label(egui::RichText::new("Command palette").strong());
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter)
                        .hint_text("Type a command or a request's name…")
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
            if entries.is_empty() {
                ui.weak("No command or request matches");
                return;
            }
            // As tall as its rows (up to a limit), decided before drawing them: a height
            // remembered from another filter would cut rows off or leave a gap.
            let row_height = 22.0;
            let spacing = ui.spacing().item_spacing.y;
            let visible = entries.len().min(MAX_VISIBLE_ROWS) as f32;
            let height = visible * row_height + (visible - 1.0).max(0.0) * spacing;
            egui::ScrollArea::vertical()
                .min_scrolled_height(height)
                .max_height(height)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    for (i, entry) in entries.iter().enumerate() {
                        let (text, right) = match entry {
                            Entry::Command(c) => (c.label().to_owned(), c.shortcut_text(ui.ctx())),
                            Entry::Request(r) => {
                                (format!("Go to {}", requests[*r].name), "request".to_owned())
                            }
                        };
                        let button = egui::Button::selectable(i == self.selected, text);
                        let button = if right.is_empty() {
                            button
                        } else {
                            button.right_text(egui::RichText::new(right).weak())
                        };
                        let button = button.min_size(egui::vec2(ui.available_width(), row_height));
                        let response = ui.add(button);
                        if i == self.selected && (up || down) {
                            response.scroll_to_me(None);
                        }
                        if response.clicked() {
                            chosen = Some(choice(entry));
                        }
                    }
                });
        });
        if enter && chosen.is_none() {
            chosen = entries.get(self.selected).map(choice);
        }
        if chosen.is_some() || modal.should_close() {
            self.open = false;
        }
        chosen
    }
}

fn matches_words(text: &str, words: &[String]) -> bool {
    let text = text.to_lowercase();
    words.iter().all(|w| text.contains(w.as_str()))
}
