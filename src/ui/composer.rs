//! The Message tab: format selector, highlighted editor, Beautify, live validation, Send
//! (and Ctrl+Enter), and saved messages.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};

use super::pretty;
use super::widgets::{CodeEditor, ConnState, VarContext};
use crate::format::{decode_base64, parse_hex};
use crate::model::{MessageFormat, SavedMessage, SavedRequest};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComposerAction {
    Send,
}

/// What live validation says about the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validation {
    Ok,
    /// Can still be sent (e.g. JSON that does not parse: it may be meant that way).
    Warning(String),
    /// Cannot be sent as written (bad hex or base64).
    Error(String),
}

/// Checks a body in `format`. Bodies with `<<variables>>` are checked as far as possible.
pub fn validate(format: MessageFormat, body: &str) -> Validation {
    if body.trim().is_empty() {
        return Validation::Ok;
    }
    // Variables expand at send time; don't flag the `<<` syntax itself.
    let templated = body.contains("<<") || body.contains("<%");
    match format {
        MessageFormat::Json if !templated => {
            match serde_json::from_str::<serde::de::IgnoredAny>(body) {
                Ok(_) => Validation::Ok,
                Err(e) => Validation::Warning(format!(
                    "Invalid JSON at line {}, column {}: {}",
                    e.line(),
                    e.column(),
                    strip_position(&e.to_string())
                )),
            }
        }
        MessageFormat::Hex if !templated => match parse_hex(body) {
            Ok(_) => Validation::Ok,
            Err(e) => Validation::Error(format!("Cannot send: {e}")),
        },
        MessageFormat::Base64 if !templated => match decode_base64(body) {
            Ok(_) => Validation::Ok,
            Err(e) => Validation::Error(format!("Cannot send: {e}")),
        },
        _ => Validation::Ok,
    }
}

fn strip_position(message: &str) -> String {
    message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_owned()
}

#[derive(Default)]
pub struct Composer {
    editor: CodeEditor,
    validation: Option<(u64, Validation)>,
    save_name: String,
    renaming: Option<(usize, String)>,
    /// Focus the rename field on its first frame.
    focus_rename: bool,
}

impl Composer {
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        request: &mut SavedRequest,
        state: ConnState,
        vars: &VarContext,
    ) -> Option<ComposerAction> {
        let mut action = None;
        let draft = &mut request.draft;

        ui.horizontal(|ui| {
            ui.weak("Format");
            for f in MessageFormat::ALL {
                ui.selectable_value(&mut draft.format, f, f.label());
            }
            if matches!(
                draft.format,
                MessageFormat::Json | MessageFormat::Xml | MessageFormat::Html
            ) && ui
                .button("✨ Beautify")
                .on_hover_text("Re-indent the message")
                .clicked()
            {
                draft.body = match draft.format {
                    MessageFormat::Json => pretty::pretty_json(&draft.body),
                    MessageFormat::Xml => pretty::pretty_markup(&draft.body, false),
                    _ => pretty::pretty_markup(&draft.body, true),
                };
            }
        });

        // Validation is recomputed only when the body or format changes.
        let key = {
            let mut h = DefaultHasher::new();
            draft.body.hash(&mut h);
            draft.format.hash(&mut h);
            h.finish()
        };
        let validation = match &self.validation {
            Some((k, v)) if *k == key => v.clone(),
            _ => {
                let v = validate(draft.format, &draft.body);
                self.validation = Some((key, v.clone()));
                v
            }
        };

        let connected = state == ConnState::Connected;
        let can_send = connected && !matches!(validation, Validation::Error(_));
        // Ctrl+Enter sends; take it before the editor turns it into a newline.
        let shortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
        if ui.input_mut(|i| i.consume_shortcut(&shortcut)) && can_send {
            action = Some(ComposerAction::Send);
        }

        let bottom_height = 150.0;
        let rows = ((ui.available_height() - bottom_height) / 16.0).clamp(4.0, 40.0) as usize;
        egui::ScrollArea::vertical()
            .id_salt("message_editor_scroll")
            .max_height((ui.available_height() - bottom_height).max(90.0))
            .show(ui, |ui| {
                self.editor.ui(
                    ui,
                    &mut draft.body,
                    draft.format,
                    vars,
                    "Message body",
                    rows,
                );
            });

        ui.horizontal(|ui| {
            let send = ui
                .add_enabled(can_send, {
                    let button = egui::Button::new(RichText::new("Send").strong())
                        .min_size(egui::vec2(80.0, 24.0));
                    if can_send {
                        button.fill(ui.visuals().selection.bg_fill)
                    } else {
                        button
                    }
                })
                .on_hover_text("Send (Ctrl+Enter)")
                .on_disabled_hover_text(if connected {
                    "Fix the message first"
                } else {
                    "Connect first"
                });
            if send.clicked() {
                action = Some(ComposerAction::Send);
            }
            match &validation {
                Validation::Ok => {
                    if !connected {
                        ui.weak("Not connected: press Connect");
                    } else if !draft.body.is_empty() {
                        ui.weak(format!("{} bytes", draft.body.len()));
                    }
                }
                Validation::Warning(w) => {
                    ui.colored_label(ui.visuals().warn_fg_color, format!("⚠ {w}"));
                }
                Validation::Error(e) => {
                    ui.colored_label(ui.visuals().error_fg_color, format!("⛔ {e}"));
                }
            }
        });

        ui.separator();
        self.saved_messages(ui, request);
        action
    }

    fn saved_messages(&mut self, ui: &mut Ui, request: &mut SavedRequest) {
        ui.horizontal(|ui| {
            ui.label(RichText::new("Saved messages").strong());
            ui.add(
                egui::TextEdit::singleline(&mut self.save_name)
                    .hint_text("Name for this message")
                    .desired_width(160.0),
            )
            .accessible_name("Saved message name");
            let can_save = !self.save_name.trim().is_empty();
            if ui
                .add_enabled(can_save, egui::Button::new("Save draft"))
                .clicked()
            {
                let name = self.save_name.trim().to_owned();
                let message = SavedMessage {
                    name: name.clone(),
                    format: request.draft.format,
                    body: request.draft.body.clone(),
                };
                if let Some(existing) = request.saved_messages.iter_mut().find(|m| m.name == name) {
                    *existing = message;
                } else {
                    request.saved_messages.push(message);
                }
                self.save_name.clear();
            }
        });
        if request.saved_messages.is_empty() {
            ui.weak("None yet: name the draft and press Save draft.");
            return;
        }
        let mut remove = None;
        let mut load = None;
        egui::ScrollArea::vertical()
            .id_salt("saved_messages")
            .max_height(ui.available_height().max(40.0))
            .show(ui, |ui| {
                for (i, m) in request.saved_messages.iter_mut().enumerate() {
                    ui.horizontal(|ui| {
                        if let Some((index, text)) = &mut self.renaming
                            && *index == i
                        {
                            let r = ui
                                .add(egui::TextEdit::singleline(text).desired_width(160.0))
                                .accessible_name("Saved message new name");
                            if std::mem::take(&mut self.focus_rename) {
                                r.request_focus();
                            }
                            let escape = ui.input(|i| i.key_pressed(Key::Escape));
                            let enter = ui.input(|i| i.key_pressed(Key::Enter));
                            if escape {
                                self.renaming = None;
                            } else if r.lost_focus() || enter {
                                if !text.trim().is_empty() {
                                    m.name = text.trim().to_owned();
                                }
                                self.renaming = None;
                            }
                            return;
                        }
                        if ui
                            .button(&m.name)
                            .on_hover_text(format!("Load into the editor ({})", m.format.label()))
                            .clicked()
                        {
                            load = Some(i);
                        }
                        ui.weak(m.format.label());
                        if ui
                            .small_button("✏")
                            .on_hover_text("Rename")
                            .accessible_name(format!("Rename saved message {}", m.name))
                            .clicked()
                        {
                            self.renaming = Some((i, m.name.clone()));
                            self.focus_rename = true;
                        }
                        if ui
                            .small_button("🗑")
                            .on_hover_text("Delete")
                            .accessible_name(format!("Delete saved message {}", m.name))
                            .clicked()
                        {
                            remove = Some(i);
                        }
                    });
                }
            });
        if let Some(i) = load
            && let Some(m) = request.saved_messages.get(i)
        {
            request.draft.format = m.format;
            request.draft.body = m.body.clone();
        }
        if let Some(i) = remove {
            request.saved_messages.remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_warning_has_line_and_column() {
        let v = validate(MessageFormat::Json, "{\n  \"a\": 1,\n  oops\n}");
        let Validation::Warning(w) = v else {
            panic!("{v:?}")
        };
        assert!(w.contains("line 3, column 3"), "{w}");
    }

    #[test]
    fn bad_hex_and_base64_are_errors_with_position() {
        let Validation::Error(e) = validate(MessageFormat::Hex, "de ad zz") else {
            panic!()
        };
        assert!(e.contains("character 7"), "{e}");
        assert!(matches!(
            validate(MessageFormat::Base64, "ab!d"),
            Validation::Error(_)
        ));
        assert_eq!(validate(MessageFormat::Hex, "de ad"), Validation::Ok);
        assert_eq!(validate(MessageFormat::Text, "<<x"), Validation::Ok);
    }
}
