//! The Message tab: format selector, highlighted editor, Beautify, live validation, Send
//! (and Ctrl+Enter), Send file…, saved messages, and the history of sent messages.

use std::collections::HashMap;
use std::path::Path;

use bytes::Bytes;
use chrono::Local;
use egui::{Key, KeyboardShortcut, Modifiers, RichText, Sense, Ui};

use super::jobs::{FileDialog, Job, Task, TaskPoll};
pub use super::message_check::Validation;
use super::message_check::{Check, Size, byte_count, check};
use super::text::file_name;
use super::widgets::code_editor::large_text_note;
use super::widgets::undo_bar::{UndoChoice, undo_bar};
use super::widgets::{CodeEditor, ConnState, VarContext};
use crate::engine::{Outgoing, SocketIoOutgoing};
use crate::format::encode_base64;
use crate::format::pretty;
use crate::format::{error_chain, human_size};
use crate::model::{MessageFormat, SavedMessage, SavedRequest, Variable};
use crate::template::Resolver;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposerAction {
    /// Send the draft (the app expands its variables).
    Send,
    /// Send exactly this: a chosen file, or a message re-sent from the history.
    SendOutgoing(Outgoing),
    /// Emit the Socket.IO draft (the app expands its variables).
    Emit,
    /// Emit exactly this (a Socket.IO emit re-sent from the history).
    EmitOutgoing(Box<SocketIoOutgoing>),
}

/// The id of the message body's TextEdit (one editor is shown at a time): benchmarks and
/// tests focus it by this id.
pub fn message_editor_id() -> egui::Id {
    egui::Id::unique("message_body_editor")
}

pub use super::send_row::{body_editor, send_button, verdict_ui};
pub use super::sent_history::{HISTORY_LIMIT, SentBody, SentMessage};

/// The height of Saved messages / History until the user drags its divider.
const LISTS_HEIGHT: f32 = 140.0;

/// Larger files in the history can be re-sent but not loaded into the editor.
const MAX_LOADABLE_FILE: usize = 256 * 1024;

/// A file chosen with Send file…, waiting for Send or Cancel.
#[derive(Debug, Clone)]
pub struct PendingFile {
    pub request_id: String,
    pub name: String,
    pub bytes: Bytes,
}

impl PendingFile {
    /// "photo.png · 12.4 KiB"
    pub fn summary(&self) -> String {
        format!("{} · {}", self.name, human_size(self.bytes.len()))
    }
}

/// What live validation says about the draft.
/// Reads the file at `path` to send as one binary message of request `request_id`, refusing
/// it (with the words to show) when it cannot be read or is over `max` bytes (0: no limit).
/// The size is checked before a huge file is read into memory.
pub fn read_for_send(request_id: &str, max: u64, path: &Path) -> Result<PendingFile, String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    if let Ok(meta) = std::fs::metadata(path)
        && max > 0
        && meta.len() > max
    {
        return Err(too_large(&name, meta.len(), max));
    }
    match std::fs::read(path) {
        Err(e) => Err(format!("Cannot read {name}: {e}")),
        Ok(bytes) if max > 0 && bytes.len() as u64 > max => {
            Err(too_large(&name, bytes.len() as u64, max))
        }
        Ok(bytes) => Ok(PendingFile {
            request_id: request_id.to_owned(),
            name,
            bytes: Bytes::from(bytes),
        }),
    }
}

fn too_large(name: &str, len: u64, max: u64) -> String {
    format!(
        "{name} is {} ({len} bytes), over this request's max message size of {} ({max} bytes)",
        human_size(usize::try_from(len).unwrap_or(usize::MAX)),
        human_size(usize::try_from(max).unwrap_or(usize::MAX)),
    )
}

#[derive(Default)]
pub struct Composer {
    editor: CodeEditor,
    /// The format, body and variables last checked, and the verdict.
    validation: Option<(MessageFormat, String, u64, Check)>,
    save_name: String,
    renaming: Option<(usize, String)>,
    /// Focus the rename field on its first frame.
    focus_rename: bool,
    /// Sent messages per request id, most recent first.
    history: HashMap<String, Vec<SentMessage>>,
    /// The file dialog runs on its own thread; its answer arrives here.
    picking: Option<(String, Task<Result<PendingFile, String>>)>,
    pending_file: Option<PendingFile>,
    /// (request id, why the file or history entry could not be sent)
    file_error: Option<(String, String)>,
    /// The bottom of the tab shows the history instead of the saved messages.
    show_history: bool,
    /// The saved message deleted last, for Undo: (request id, where it was, it).
    deleted_message: Option<(String, usize, SavedMessage)>,
    /// The height of Saved messages / History below its divider (the user drags it; 0: not
    /// dragged yet, [`LISTS_HEIGHT`]).
    lists_height: f32,
    /// The Send rows' height last frame (the editor leaves room for them).
    send_rows_height: f32,
    /// `lists_height` when the divider was pressed.
    lists_height_at_press: f32,
}

impl Composer {
    /// Reads `path` and holds it for Send/Cancel, as if it had been chosen in the dialog, on
    /// this thread (tests; the dialog's choice is read by a background job). An unreadable
    /// file, or one larger than the request's max message size, is refused with an error line
    /// instead.
    pub fn choose_file(&mut self, request: &SavedRequest, path: &Path) {
        self.pending_file = None;
        self.file_error = None;
        let max = request.settings.max_message_size_bytes;
        self.took_file(&request.id, read_for_send(&request.id, max, path));
    }

    fn took_file(&mut self, request_id: &str, read: Result<PendingFile, String>) {
        match read {
            Ok(file) => self.pending_file = Some(file),
            Err(error) => self.file_error = Some((request_id.to_owned(), error)),
        }
    }

    /// Moves "Send file…" on (the dialog, then the read); called once per frame by the app's
    /// logic step.
    pub fn poll_jobs(&mut self, ctx: &egui::Context) {
        let Some((id, task)) = &mut self.picking else {
            return;
        };
        let id = id.clone();
        match task.poll(Some(ctx)) {
            TaskPoll::Running => return,
            TaskPoll::Done(read) => self.took_file(&id, read),
            TaskPoll::Cancelled => {}
            TaskPoll::Lost(text) => self.file_error = Some((id, text)),
        }
        self.picking = None;
    }

    /// The file waiting for Send/Cancel, if any.
    pub fn pending_file(&self) -> Option<&PendingFile> {
        self.pending_file.as_ref()
    }

    /// Sent messages of `request_id`, most recent first.
    pub fn history(&self, request_id: &str) -> &[SentMessage] {
        self.history.get(request_id).map_or(&[], Vec::as_slice)
    }

    /// Records a sent message: newest first, an equal older entry collapses into it, capped.
    pub fn record_sent(&mut self, request_id: &str, body: SentBody) {
        let list = self.history.entry(request_id.to_owned()).or_default();
        list.retain(|m| m.body != body);
        list.insert(
            0,
            SentMessage {
                at: Local::now(),
                body,
            },
        );
        list.truncate(HISTORY_LIMIT);
    }

    pub fn ui(
        &mut self,
        ui: &mut Ui,
        request: &mut SavedRequest,
        state: ConnState,
        vars: &VarContext,
    ) -> Option<ComposerAction> {
        let mut action = None;
        let draft = &mut request.draft;

        // Wrapped: a narrow pane (or a zoom) puts Beautify on a second line, never cuts it.
        ui.horizontal_wrapped(|ui| {
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

        // Checked again only when the body, the format or the variables change (against a
        // copy of the checked body: a memory compare, cheaper than hashing 1 MB every frame).
        let fingerprint = vars.fingerprint();
        let checked = match &mut self.validation {
            Some((format, body, vars_seen, c))
                if *format == draft.format && *vars_seen == fingerprint && *body == draft.body =>
            {
                c.clone()
            }
            cached => {
                let c = check(draft.format, &draft.body, || resolver(vars));
                let mut body = cached.take().map(|(_, b, _, _)| b).unwrap_or_default();
                body.clear();
                body.push_str(&draft.body);
                *cached = Some((draft.format, body, fingerprint, c.clone()));
                c
            }
        };
        let validation = checked.verdict.clone();
        if let Some(note) = large_text_note(draft.body.len()) {
            ui.weak(note).on_hover_text(
                "The whole message is kept, edited and sent; only the colours are left out",
            );
        }

        let connected = state == ConnState::Connected;
        let can_send = connected && !matches!(validation, Validation::Error(_));
        // Ctrl+Enter sends; take it before the editor turns it into a newline.
        let shortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
        if ui.input_mut(|i| i.consume_shortcut(&shortcut)) && can_send {
            action = Some(ComposerAction::Send);
        }

        // The editor first (so Tab goes on from it to Send), as tall as leaves room for the Send
        // rows (as tall as last frame) and the lists below the divider (the user's height; the
        // lists give way first when the window is short or zoomed).
        let lists_max = (ui.available_height() - self.send_rows_height - 120.0).max(50.0);
        let chosen = if self.lists_height > 0.0 {
            self.lists_height
        } else {
            LISTS_HEIGHT
        };
        let lists = chosen.clamp(50.0, lists_max);
        let editor_max = (ui.available_height() - self.send_rows_height - lists - 10.0).max(40.0);
        let rows = ((editor_max - 12.0) / 16.0).clamp(2.0, 40.0) as usize;
        let editor_top = ui.cursor().top();
        egui::ScrollArea::vertical()
            .id_salt("message_editor_scroll")
            .max_height(editor_max)
            .show(ui, |ui| {
                self.editor.ui(
                    ui,
                    message_editor_id(),
                    &mut request.draft.body,
                    request.draft.format,
                    vars,
                    "Message body",
                    rows,
                );
            });
        // Whole rows leave a few points over: the divider stays exactly where it was put.
        let used = ui.cursor().top() - editor_top;
        if used < editor_max {
            ui.add_space(editor_max - used);
        }
        let send_top = ui.cursor().top();
        ui.horizontal_wrapped(|ui| {
            if send_button(
                ui,
                can_send,
                connected,
                "Send (Ctrl+Enter)",
                "Fix the message first",
            ) {
                action = Some(ComposerAction::Send);
            }
            let pick = ui
                .add_enabled(
                    connected && self.picking.is_none(),
                    egui::Button::new("📎 Send file…"),
                )
                .on_hover_text("Choose a file to send as one binary message")
                .on_disabled_hover_text(if connected {
                    "The file dialog is open"
                } else {
                    "Connect first"
                });
            if pick.clicked() {
                self.pending_file = None;
                self.file_error = None;
                let dialog =
                    FileDialog::new("Send file as a binary message").pick_file(Some(ui.ctx()));
                let (id, max, ctx) = (
                    request.id.clone(),
                    request.settings.max_message_size_bytes,
                    ui.ctx().clone(),
                );
                let task = Task::after_dialog(dialog, move |path| {
                    let label = format!("Reading {}…", file_name(&path));
                    Job::spawn(label, Some(&ctx), move |_| read_for_send(&id, max, &path))
                });
                self.picking = Some((request.id.clone(), task));
            }
            if !request.draft.body.is_empty() {
                match &checked.size {
                    Size::Bytes(n) => {
                        ui.weak(byte_count(*n))
                            .on_hover_text("What Send sends: variables resolved, then encoded");
                    }
                    Size::Unknown(why) => {
                        ui.weak(format!("size unknown: {why}"));
                    }
                }
            }
            verdict_ui(ui, &validation, connected);
        });

        if let Some(a) = self.pending_file_row(ui, &request.id, connected) {
            action = Some(a);
        }
        self.error_row(ui, &request.id);
        self.send_rows_height = ui.cursor().top() - send_top;
        if let Some(a) = self.library_ui(ui, request, connected, vars, Some((lists, lists_max))) {
            action = Some(a);
        }
        action
    }

    /// The divider above Saved messages / History: drag it to give the lists more room.
    fn lists_divider(&mut self, ui: &mut Ui, lists: f32, lists_max: f32) {
        let (rect, handle) =
            ui.allocate_exact_size(egui::vec2(ui.available_width(), 8.0), Sense::drag());
        let handle = handle
            .on_hover_cursor(egui::CursorIcon::ResizeVertical)
            .accessible_name("Resize saved messages");
        let stroke = if handle.hovered() || handle.dragged() {
            ui.visuals().widgets.hovered.fg_stroke
        } else {
            ui.visuals().widgets.noninteractive.bg_stroke
        };
        ui.painter().hline(rect.x_range(), rect.center().y, stroke);
        // The divider follows the pointer from where it was pressed.
        if handle.drag_started() {
            self.lists_height_at_press = lists;
        }
        if handle.dragged()
            && let (Some(origin), Some(now)) = (
                ui.input(|i| i.pointer.press_origin()),
                handle.interact_pointer_pos(),
            )
        {
            let wanted = self.lists_height_at_press + origin.y - now.y;
            self.lists_height = wanted.clamp(50.0, lists_max);
        }
    }

    /// Why a file or a history entry could not be sent, with its ✖.
    pub fn error_row(&mut self, ui: &mut Ui, request_id: &str) {
        if let Some((id, error)) = &self.file_error
            && *id == request_id
        {
            let error = error.clone();
            // The ✖ first, the message wrapping in the width left (never cut off).
            ui.horizontal_top(|ui| {
                if ui.small_button("✖").on_hover_text("Dismiss").clicked() {
                    self.file_error = None;
                }
                ui.add(
                    egui::Label::new(
                        RichText::new(format!("⛔ {error}")).color(ui.visuals().error_fg_color),
                    )
                    .wrap(),
                );
            });
        }
    }

    /// The bottom of the Message tab: Saved messages | History (WebSocket and Socket.IO
    /// requests share it). `sizing` is the lists' height and the most they may take when the
    /// caller laid the tab out around them: a divider above them then resizes them.
    pub fn library_ui(
        &mut self,
        ui: &mut Ui,
        request: &mut SavedRequest,
        connected: bool,
        vars: &VarContext,
        sizing: Option<(f32, f32)>,
    ) -> Option<ComposerAction> {
        let mut action = None;
        match sizing {
            Some((lists, lists_max)) => self.lists_divider(ui, lists, lists_max),
            None => {
                ui.separator();
            }
        }
        ui.horizontal(|ui| {
            ui.selectable_value(
                &mut self.show_history,
                false,
                RichText::new("Saved messages").strong(),
            );
            let count = self.history(&request.id).len();
            let label = if count == 0 {
                "History".to_owned()
            } else {
                format!("History ({count})")
            };
            ui.selectable_value(&mut self.show_history, true, RichText::new(label).strong())
                .on_hover_text(
                    "Messages sent from here, newest first (last 50). Kept in memory only: \
                     not saved with the workspace.",
                );
        });
        if self.show_history {
            if let Some(a) = self.history_ui(ui, request, connected, vars) {
                action = Some(a);
            }
        } else {
            self.saved_messages(ui, request);
        }
        action
    }

    /// "📎 photo.png · 12.4 KiB  [Send] [Cancel]" once a file is chosen.
    fn pending_file_row(
        &mut self,
        ui: &mut Ui,
        request_id: &str,
        connected: bool,
    ) -> Option<ComposerAction> {
        let pending = self.pending_file.as_ref()?;
        if pending.request_id != request_id {
            return None;
        }
        let mut send = false;
        let mut cancel = false;
        ui.horizontal(|ui| {
            ui.label(format!("📎 {}", pending.summary()))
                .on_hover_text(format!(
                    "{} bytes, sent as one binary message",
                    pending.bytes.len()
                ));
            send = ui
                .add_enabled(connected, egui::Button::new("Send"))
                .on_disabled_hover_text("Connect first")
                .accessible_name("Send the chosen file")
                .clicked();
            cancel = ui
                .button("Cancel")
                .accessible_name("Cancel sending the file")
                .clicked();
        });
        if cancel {
            self.pending_file = None;
            return None;
        }
        if send {
            let file = self.pending_file.take()?;
            self.record_sent(
                request_id,
                SentBody::File {
                    name: file.name,
                    bytes: file.bytes.clone(),
                },
            );
            return Some(ComposerAction::SendOutgoing(Outgoing::Binary(file.bytes)));
        }
        None
    }

    fn history_ui(
        &mut self,
        ui: &mut Ui,
        request: &mut SavedRequest,
        connected: bool,
        vars: &VarContext,
    ) -> Option<ComposerAction> {
        let entries = self.history(&request.id);
        if entries.is_empty() {
            ui.weak("Sent messages appear here (kept until wsprobe closes, not saved).");
            return None;
        }
        let mut resend = None;
        let mut load = None;
        egui::ScrollArea::vertical()
            .id_salt("sent_history")
            .max_height(ui.available_height().max(40.0))
            .show(ui, |ui| {
                for (i, m) in entries.iter().enumerate() {
                    let preview = m.preview();
                    ui.horizontal(|ui| {
                        if ui
                            .add_enabled(connected, egui::Button::new("Resend").small())
                            .on_hover_text("Send again")
                            .on_disabled_hover_text("Connect first")
                            .accessible_name(format!("Re-send: {preview}"))
                            .clicked()
                        {
                            resend = Some(i);
                        }
                        // A big file as base64 would make the editor crawl: re-send it instead.
                        let loadable = match &m.body {
                            SentBody::File { bytes, .. } => bytes.len() <= MAX_LOADABLE_FILE,
                            SentBody::Draft { .. } | SentBody::Emit { .. } => true,
                        };
                        if ui
                            .add_enabled(loadable, egui::Button::new("Load").small())
                            .on_hover_text(match m.body {
                                SentBody::File { .. } => "Load into the editor (as Base64)",
                                SentBody::Draft { .. } | SentBody::Emit { .. } => {
                                    "Load into the editor"
                                }
                            })
                            .on_disabled_hover_text("Too large to edit: use Resend")
                            .accessible_name(format!("Load into editor: {preview}"))
                            .clicked()
                        {
                            load = Some(i);
                        }
                        ui.weak(m.at.format("%H:%M:%S").to_string());
                        ui.weak(m.format_label());
                        // More of the message on hover (the row shows 60 characters).
                        ui.add(egui::Label::new(preview).truncate())
                            .on_hover_ui(|ui| {
                                ui.set_max_width(520.0);
                                ui.label(m.line(400));
                            });
                    });
                }
            });
        if let Some(i) = load
            && let Some(m) = entries.get(i)
        {
            match &m.body {
                SentBody::Draft { format, body } => {
                    request.draft.format = *format;
                    request.draft.body = body.clone();
                }
                SentBody::File { bytes, .. } => {
                    request.draft.format = MessageFormat::Base64;
                    request.draft.body = encode_base64(bytes);
                }
                SentBody::Emit {
                    event,
                    body,
                    expect_ack,
                } => {
                    request.draft.event = event.clone();
                    request.draft.body = body.clone();
                    request.draft.expect_ack = *expect_ack;
                }
            }
        }
        let i = resend?;
        let sent = entries.get(i)?.body.clone();
        let outgoing = match &sent {
            SentBody::Draft { format, body } => {
                match resolver(vars).resolve_message(*format, body) {
                    Ok(o) => o,
                    Err(e) => {
                        self.file_error = Some((request.id.clone(), error_chain(&e)));
                        return None;
                    }
                }
            }
            SentBody::File { bytes, .. } => Outgoing::Binary(bytes.clone()),
            SentBody::Emit {
                event,
                body,
                expect_ack,
            } => match super::socketio::emit_outgoing(&resolver(vars), event, body, *expect_ack) {
                Ok(emit) => {
                    self.touch_history(&request.id, i, &sent);
                    return Some(ComposerAction::EmitOutgoing(Box::new(emit)));
                }
                Err(e) => {
                    self.file_error = Some((request.id.clone(), e));
                    return None;
                }
            },
        };
        self.touch_history(&request.id, i, &sent);
        Some(ComposerAction::SendOutgoing(outgoing))
    }

    /// A history entry was re-sent: it stays where it is (under the pointer), with its new
    /// time.
    fn touch_history(&mut self, request_id: &str, i: usize, body: &SentBody) {
        if let Some(entry) = self.history.get_mut(request_id).and_then(|l| l.get_mut(i)) {
            entry.at = Local::now();
        } else {
            self.record_sent(request_id, body.clone());
        }
    }

    fn saved_messages(&mut self, ui: &mut Ui, request: &mut SavedRequest) {
        ui.horizontal(|ui| {
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.save_name)
                        .hint_text("Name for this message")
                        .desired_width(160.0),
                )
                .accessible_name("Saved message name");
            // Enter in the name box saves, as the button does.
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
            let can_save = !self.save_name.trim().is_empty();
            if ui
                .add_enabled(can_save, egui::Button::new("Save draft"))
                .clicked()
                || (entered && can_save)
            {
                let name = self.save_name.trim().to_owned();
                let message = SavedMessage {
                    name: name.clone(),
                    format: request.draft.format,
                    body: request.draft.body.clone(),
                    event: request.draft.event.clone(),
                    expect_ack: request.draft.expect_ack,
                };
                if let Some(existing) = request.saved_messages.iter_mut().find(|m| m.name == name) {
                    *existing = message;
                } else {
                    request.saved_messages.push(message);
                }
                self.save_name.clear();
            }
        });
        if let Some((id, index, m)) = &self.deleted_message
            && *id == request.id
        {
            match undo_bar(ui, &m.name) {
                Some(UndoChoice::Undo) => {
                    let index = (*index).min(request.saved_messages.len());
                    request.saved_messages.insert(index, m.clone());
                    self.deleted_message = None;
                }
                Some(UndoChoice::Dismiss) => self.deleted_message = None,
                None => {}
            }
        }
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
                                    let name = text.trim().to_owned();
                                    // A heartbeat repeating this message follows its new name.
                                    let heartbeat = &mut request.heartbeat.message;
                                    if heartbeat.as_ref() == Some(&m.name) {
                                        *heartbeat = Some(name.clone());
                                    }
                                    m.name = name;
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
                        if m.event.is_empty() {
                            ui.weak(m.format.label());
                        } else {
                            // A Socket.IO emit: its event name says more than a format.
                            ui.weak(format!("event {}", m.event));
                        }
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
            request.draft.event = m.event.clone();
            request.draft.expect_ack = m.expect_ack;
        }
        if let Some(i) = remove {
            let m = request.saved_messages.remove(i);
            self.deleted_message = Some((request.id.clone(), i, m));
        }
    }
}

/// Expands variables the way the app does for the draft.
pub(crate) fn resolver(vars: &VarContext) -> Resolver {
    let variables: Vec<Variable> = vars.names().filter_map(|n| vars.get(n).cloned()).collect();
    Resolver::new(&variables)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_newest_first_collapses_duplicates_and_is_capped() {
        let mut c = Composer::default();
        let text = |body: &str| SentBody::Draft {
            format: MessageFormat::Text,
            body: body.to_owned(),
        };
        c.record_sent("r", text("a"));
        c.record_sent("r", text("b"));
        c.record_sent("r", text("a"));
        let previews: Vec<String> = c.history("r").iter().map(SentMessage::preview).collect();
        assert_eq!(previews, ["a", "b"]);
        // Same body in another format is another message.
        c.record_sent(
            "r",
            SentBody::Draft {
                format: MessageFormat::Json,
                body: "a".into(),
            },
        );
        assert_eq!(c.history("r").len(), 3);
        assert!(c.history("other").is_empty());
        for i in 0..100 {
            c.record_sent("r", text(&i.to_string()));
        }
        assert_eq!(c.history("r").len(), HISTORY_LIMIT);
        assert_eq!(c.history("r")[0].preview(), "99");
    }
}
