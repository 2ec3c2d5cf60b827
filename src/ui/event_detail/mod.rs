//! The detail of one event. Messages: an info line, views (see [`views`]), wrap, copy,
//! Save… (a background job), find in the body ([`find`]) and the body itself ([`body`]).
//! Connected events show the connection's timeline, Closed events their code and reason.
//!
//! Derived views are computed once per (event, view) and cached; large payloads show their
//! first part with a "Show all" action, and anything big is computed on a background thread,
//! so no frame waits for it.

mod body;
mod find;
pub use find::find_box_id;
mod views;

use std::ops::Range;
use std::sync::mpsc;

use egui::text::LayoutJob;
use egui::{RichText, Ui};

pub use views::{
    BACKGROUND_ABOVE, Derived, HEX_LIMIT, PART, TEXT_LIMIT, VIRTUAL_ABOVE, VIRTUAL_LINE_CHARS,
    ViewAs, copy_text, derive_text, display_lines, full_time, info_line, save_payload,
};

use super::jobs::{FileDialog, Job, Task, poll_notice_task};
use super::secret_mask::SecretMask;
use super::text::{file_name, glyph, preview};
use super::timeline::{Timeline, closed_ui};
use super::widgets::{KeptGalley, Notice};
use crate::engine::{Event, EventKind};
use crate::log::{EventLog, Seq};
use views::{DerivedKey, derive, is_text, kind_title};

pub struct EventDetail {
    /// The event the choices below were made for.
    seq: Option<Seq>,
    pub view: ViewAs,
    pub wrap: bool,
    show_all: bool,
    pub find: String,
    find_current: usize,
    scroll_to_match: bool,
    derived: Option<(DerivedKey, Derived)>,
    pending: Option<(DerivedKey, mpsc::Receiver<Derived>)>,
    /// The derived job with find highlights, for (key, needle, current).
    shown_job: Option<(DerivedKey, String, usize, LayoutJob)>,
    matches: Vec<Range<usize>>,
    /// The body's galley for (view, find needle, current match, wrap).
    kept_galley: KeptGalley<(DerivedKey, String, usize, bool)>,
    /// How many derived views were computed (tests assert caching with it).
    renders: u64,
    timeline: Timeline,
    /// The outcome of the last Copy or Save….
    notice: Option<Notice>,
    /// A Save… running in the background (its dialog, then the writing).
    saving: Option<Task<Notice>>,
    /// The Info line of event `.0`.
    info: Option<(Seq, String)>,
    /// "Show the ping it answers" was clicked on a pong: the panel selects this event.
    pub go_to: Option<Seq>,
    /// Secret values are shown (the 👁 toggle); masked otherwise, everywhere in the panel.
    pub reveal: bool,
    /// The acknowledgement the shown Socket.IO event belongs to (the events panel sets it).
    pub ack_link: Option<crate::log::AckLink>,
}

impl Default for EventDetail {
    fn default() -> Self {
        Self {
            seq: None,
            view: ViewAs::Text,
            wrap: true,
            show_all: false,
            find: String::new(),
            find_current: 0,
            scroll_to_match: false,
            derived: None,
            pending: None,
            shown_job: None,
            matches: Vec::new(),
            kept_galley: KeptGalley::default(),
            renders: 0,
            timeline: Timeline::default(),
            notice: None,
            saving: None,
            info: None,
            go_to: None,
            reveal: false,
            ack_link: None,
        }
    }
}

/// How far back from a pong its ping is looked for (pings are answered within moments).
const PING_SEARCH: usize = 100_000;

/// Our newest ping before the pong at `seq` with the same payload (the one it answers).
fn ping_answered_by(log: &EventLog, seq: Seq, payload: &[u8]) -> Option<Seq> {
    std::iter::successors(seq.prev(), |s| s.prev())
        .take_while(|&s| s >= log.first_seq())
        .take(PING_SEARCH)
        .find(|&s| {
            log.get(s).is_some_and(|e| {
                matches!(&e.kind, EventKind::Ping {
                    direction: crate::engine::Direction::Sent,
                    payload: p,
                } if p[..] == *payload)
            })
        })
}

impl EventDetail {
    /// How many derived views (pretty text, highlighting, hexdump) were computed so far.
    pub fn renders(&self) -> u64 {
        self.renders
    }

    /// The number of find matches in the current view.
    pub fn match_count(&self) -> usize {
        self.matches.len()
    }

    /// The text of the current view, once computed.
    pub fn text(&self) -> Option<&str> {
        self.derived.as_ref().map(|(_, d)| d.text.as_str())
    }

    /// Shows the detail of event `seq`, `secrets` masked unless revealed; returns true when
    /// the user closes it.
    pub fn ui(&mut self, ui: &mut Ui, log: &EventLog, seq: Seq, secrets: &SecretMask) -> bool {
        let Some(event) = log.get(seq) else {
            return true;
        };
        if self.seq != Some(seq) {
            self.seq = Some(seq);
            self.view = ViewAs::sniffed(event);
            self.show_all = false;
            self.find_current = 0;
            self.notice = None;
        }
        let mut close = false;
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("{} {}", glyph(event), kind_title(event))).strong());
            ui.weak(full_time(event.at_ms));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                close = ui
                    .small_button("×")
                    .on_hover_text("Close the detail")
                    .accessible_name("Close detail")
                    .clicked();
                if !secrets.is_empty() {
                    ui.toggle_value(&mut self.reveal, "👁")
                        .on_hover_text("Reveal secret variable values in the events")
                        .accessible_name("Reveal secrets");
                }
                if ui
                    .small_button("Copy as JSON")
                    .on_hover_text("Copy this event as one JSON object (the jsonl schema)")
                    .clicked()
                {
                    ui.ctx().copy_text(crate::schema::event_json_line(event));
                }
            });
        });
        let none = SecretMask::default();
        let mask = if self.reveal { &none } else { secrets };
        match &event.kind {
            EventKind::Message { .. } | EventKind::Ping { .. } | EventKind::Pong { .. } => {
                if let EventKind::Pong {
                    rtt: Some(_),
                    payload,
                    ..
                } = &event.kind
                    && ui
                        .link("↑ Show the ping it answers")
                        .on_hover_text("Select our ping this pong answers")
                        .clicked()
                {
                    self.go_to = ping_answered_by(log, seq, payload);
                }
                self.payload_ui(ui, seq, event, mask);
            }
            EventKind::Connected(_) | EventKind::HandshakeFailed(_) => {
                ui.separator();
                // One 👁: the timeline's toggle and this panel's are the same.
                self.timeline.reveal = self.reveal;
                self.timeline.attempt_ui(ui, log, seq, event, mask);
                self.reveal = self.timeline.reveal;
            }
            EventKind::Closed { code, reason, by } => {
                ui.separator();
                closed_ui(ui, *code, reason, *by);
            }
            EventKind::SocketIo(sio) => {
                ui.separator();
                let link = self.ack_link.as_ref();
                if let Some(other) =
                    super::socketio::detail::socketio_info(ui, seq, sio, link, mask)
                {
                    self.go_to = Some(other);
                }
                if event.payload().is_some() {
                    self.payload_ui(ui, seq, event, mask);
                }
            }
            _ => {
                ui.separator();
                ui.add(
                    egui::Label::new(mask.text(&preview(event)))
                        .selectable(true)
                        .wrap(),
                );
            }
        }
        close
    }

    fn payload_ui(&mut self, ui: &mut Ui, seq: Seq, event: &Event, mask: &SecretMask) {
        let Some(payload) = event.payload() else {
            return;
        };
        let is_text = is_text(event);
        // Info: direction, opcode, size, MIME guess (computed once per event).
        if self.info.as_ref().is_none_or(|(s, _)| *s != seq) {
            self.info = Some((seq, info_line(event, payload)));
        }
        if let Some((_, info)) = &self.info {
            ui.weak(info);
        }
        // View, wrap, copy, save.
        ui.horizontal_wrapped(|ui| {
            for view in ViewAs::ALL {
                if ui
                    .selectable_label(self.view == view, view.label())
                    .accessible_name(format!("View as {}", view.label()))
                    .clicked()
                {
                    self.view = view;
                }
            }
            ui.separator();
            ui.add_enabled_ui(self.view != ViewAs::Hexdump, |ui| {
                ui.toggle_value(&mut self.wrap, "Wrap")
                    .on_hover_text("Wrap long lines")
                    .on_disabled_hover_text("A hexdump is never wrapped: it scrolls sideways");
            });
            if is_text {
                if ui
                    .button("Copy")
                    .on_hover_text("Copy the raw payload")
                    .clicked()
                {
                    ui.ctx().copy_text(copy_text(payload, false, true));
                    self.notice = Some(Notice::info("Copied"));
                }
            } else {
                ui.menu_button("Copy", |ui| {
                    if ui.button("as hex").clicked() {
                        ui.ctx().copy_text(copy_text(payload, false, false));
                        self.notice = Some(Notice::info("Copied as hex"));
                    }
                    if ui.button("as base64").clicked() {
                        ui.ctx().copy_text(copy_text(payload, true, false));
                        self.notice = Some(Notice::info("Copied as base64"));
                    }
                });
            }
            let save = ui
                .add_enabled(self.saving.is_none(), egui::Button::new("Save…"))
                .on_hover_text("Save the raw payload to a file")
                .on_disabled_hover_text("Saving…");
            if save.clicked() {
                let name = match ViewAs::sniffed(event) {
                    ViewAs::Json => "message.json",
                    ViewAs::Xml => "message.xml",
                    ViewAs::Html => "message.html",
                    ViewAs::Text => "message.txt",
                    ViewAs::Hexdump => "message.bin",
                };
                let dialog = FileDialog::new("Save the payload")
                    .file_name(name)
                    .save_file(Some(ui.ctx()));
                // A Bytes clone shares the payload; the write happens on the job's thread.
                let (payload, ctx) = (payload.clone(), ui.ctx().clone());
                self.saving = Some(Task::after_dialog(dialog, move |path| {
                    let label = format!("Saving {}…", file_name(&path));
                    Job::spawn(label, Some(&ctx), move |_| {
                        Notice::from_result(
                            save_payload(&path, &payload)
                                .map(|()| format!("Saved to {}", path.display()))
                                .map_err(|e| format!("Could not save {}: {e}", path.display())),
                        )
                    })
                }));
            }
            if let Some(saving) = &self.saving {
                saving.ui(ui);
            } else if let Some(notice) = &self.notice {
                notice.ui(ui, None);
            }
        });
        self.find_bar(ui);
        ui.separator();
        self.body_ui(ui, seq, payload, mask);
    }

    /// Moves a running Save… on; called once per frame by the app's logic step.
    pub fn poll_jobs(&mut self, ctx: Option<&egui::Context>) {
        if let Some(notice) = poll_notice_task(&mut self.saving, ctx) {
            self.notice = Some(notice);
        }
    }

    /// Makes `self.derived` hold `key`'s view: at once for small payloads, on a background
    /// thread for big ones (polled each frame).
    fn update_derived(
        &mut self,
        ui: &Ui,
        key: DerivedKey,
        payload: &bytes::Bytes,
        mask: &SecretMask,
    ) {
        if self.derived.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        if let Some((pending_key, rx)) = &self.pending
            && *pending_key == key
        {
            match rx.try_recv() {
                Ok(derived) => {
                    self.derived = Some((key, derived));
                    self.pending = None;
                    self.shown_job = None;
                }
                Err(mpsc::TryRecvError::Empty) => {}
                Err(mpsc::TryRecvError::Disconnected) => self.pending = None,
            }
            return;
        }
        let font = egui::TextStyle::Monospace.resolve(ui.style());
        let color = ui.visuals().text_color();
        // Shared, not copied, unless a secret is in it.
        let payload = &mask.bytes(payload);
        self.renders += 1;
        self.shown_job = None;
        if payload.len() <= BACKGROUND_ABOVE {
            let derived = derive(payload, key.view, key.show_all, key.dark, font, color);
            self.derived = Some((key, derived));
            return;
        }
        let (tx, rx) = mpsc::channel();
        let payload = payload.clone();
        let ctx = ui.ctx().clone();
        let spawned = std::thread::Builder::new()
            .name("wsprobe-format".into())
            .spawn(move || {
                let derived = derive(&payload, key.view, key.show_all, key.dark, font, color);
                let _ = tx.send(derived);
                ctx.request_repaint();
            });
        if spawned.is_ok() {
            self.pending = Some((key, rx));
        }
    }
}
