//! The detail of one event. Messages: views as Text, JSON, XML, HTML (pretty + highlighted) or
//! Hexdump, chosen first by sniffing; wrap, copy, save, find in the body and an Info line.
//! Connected events show the connection's timeline, Closed events their code and reason.
//!
//! Derived views are computed once per (event, view) and cached; large payloads show their
//! first part with a "Show all" action, and anything big is computed on a background thread,
//! so no frame waits for it.

use std::ops::Range;
use std::path::Path;
use std::sync::mpsc;

use chrono::TimeZone as _;
use egui::text::{CCursor, LayoutJob};
use egui::{Color32, FontId, RichText, Ui};

use super::events_panel::{glyph, preview};
use super::pretty::{pretty_json, pretty_markup};
use super::timeline::{Timeline, closed_ui};
use super::widgets::VarContext;
use super::widgets::code_editor::highlight;
use crate::engine::{Direction, Event, EventKind, Opcode};
use crate::format::human_size;
use crate::format::{Sniffed, encode_base64, hexdump, mime_guess, sniff};
use crate::log::EventLog;
use crate::model::MessageFormat;

/// Text views of payloads up to this size show everything.
pub const TEXT_LIMIT: usize = 2 * 1024 * 1024;
/// Hexdumps of payloads up to this size show everything (a dump is ~5× the bytes).
pub const HEX_LIMIT: usize = 256 * 1024;
/// Above the limits, this much is shown until "Show all".
pub const PART: usize = 256 * 1024;
/// Payloads above this size are formatted on a background thread.
pub const BACKGROUND_ABOVE: usize = 512 * 1024;
/// Texts longer than this are drawn as virtual lines (only the visible ones are laid out).
pub const VIRTUAL_ABOVE: usize = 256 * 1024;
/// In the virtual view, longer lines are cut into pieces of this many characters.
pub const VIRTUAL_LINE_CHARS: usize = 240;
/// At most this many find matches are highlighted and counted.
pub const MAX_MATCHES: usize = 10_000;

/// How a payload is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViewAs {
    Text,
    Json,
    Xml,
    Html,
    Hexdump,
}

impl ViewAs {
    pub const ALL: [ViewAs; 5] = [Self::Text, Self::Json, Self::Xml, Self::Html, Self::Hexdump];

    pub fn label(self) -> &'static str {
        match self {
            Self::Text => "Text",
            Self::Json => "JSON",
            Self::Xml => "XML",
            Self::Html => "HTML",
            Self::Hexdump => "Hexdump",
        }
    }

    /// The view a payload opens in.
    pub fn sniffed(event: &Event) -> Self {
        let Some(payload) = event.payload() else {
            return Self::Text;
        };
        let binary_frame = matches!(
            event.kind,
            EventKind::Message {
                opcode: Opcode::Binary,
                ..
            }
        );
        match sniff(payload) {
            Sniffed::Json => Self::Json,
            Sniffed::Xml => Self::Xml,
            Sniffed::Html => Self::Html,
            // A binary frame opens as text only when it holds a structured document.
            Sniffed::Text if !binary_frame => Self::Text,
            _ => Self::Hexdump,
        }
    }
}

/// What a view of a payload looks like, ready to lay out.
pub struct Derived {
    pub text: String,
    /// The laid-out text, for texts up to [`VIRTUAL_ABOVE`].
    pub job: LayoutJob,
    /// Byte ranges of display lines, for texts above [`VIRTUAL_ABOVE`].
    pub lines: Option<Vec<Range<usize>>>,
    pub note: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
struct DerivedKey {
    seq: u64,
    view: ViewAs,
    show_all: bool,
    dark: bool,
}

/// The text of `payload` in `view`, cut to the limits unless `show_all`; with a note saying
/// what was cut or why the view is approximate. Pure: also used on a background thread.
pub fn derive_text(payload: &[u8], view: ViewAs, show_all: bool) -> (String, Option<String>) {
    if view == ViewAs::Hexdump {
        let cut = !show_all && payload.len() > HEX_LIMIT;
        let shown = if cut {
            PART.min(payload.len())
        } else {
            payload.len()
        };
        let note = cut.then(|| {
            format!(
                "Hexdump of the first {} of {}",
                human_size(shown),
                human_size(payload.len())
            )
        });
        return (hexdump(&payload[..shown]), note);
    }
    let cut = !show_all && payload.len() > TEXT_LIMIT;
    let shown = if cut { PART } else { payload.len() };
    let text = String::from_utf8_lossy(&payload[..shown]);
    let mut note = cut.then(|| {
        format!(
            "Showing the first {} of {}",
            human_size(shown),
            human_size(payload.len())
        )
    });
    let text = match view {
        ViewAs::Json => {
            if !cut && serde_json::from_slice::<serde::de::IgnoredAny>(payload).is_err() {
                note = Some("Not valid JSON: re-indented as far as it goes".to_owned());
            }
            pretty_json(&text)
        }
        ViewAs::Xml => pretty_markup(&text, false),
        ViewAs::Html => pretty_markup(&text, true),
        _ => text.into_owned(),
    };
    (text, note)
}

fn derive(
    payload: &[u8],
    view: ViewAs,
    show_all: bool,
    dark: bool,
    font: FontId,
    color: Color32,
) -> Derived {
    let (text, note) = derive_text(payload, view, show_all);
    if text.len() > VIRTUAL_ABOVE {
        let lines = display_lines(&text, VIRTUAL_LINE_CHARS);
        return Derived {
            text,
            job: LayoutJob::default(),
            lines: Some(lines),
            note,
        };
    }
    let format = match view {
        ViewAs::Json => Some(MessageFormat::Json),
        ViewAs::Xml => Some(MessageFormat::Xml),
        ViewAs::Html => Some(MessageFormat::Html),
        _ => None,
    };
    let job = match format {
        // `highlight` shows texts above its limit plain.
        Some(format) => highlight(&text, format, dark, font, color, &VarContext::default()),
        None => LayoutJob::simple(text.clone(), font, color, f32::INFINITY),
    };
    Derived {
        text,
        job,
        lines: None,
        note,
    }
}

/// Byte ranges of the lines of `text` (without their line breaks), lines longer than
/// `max_chars` cut into pieces at character boundaries.
pub fn display_lines(text: &str, max_chars: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let end = start + line.len();
        let mut piece_start = start;
        let mut chars = 0;
        for (i, _) in line.char_indices() {
            if chars == max_chars {
                out.push(piece_start..start + i);
                piece_start = start + i;
                chars = 0;
            }
            chars += 1;
        }
        out.push(piece_start..end);
        start = end + 1;
    }
    out
}

/// Byte ranges of the ASCII-case-insensitive matches of `needle` in `text` (at most `max`).
pub fn find_matches(text: &str, needle: &str, max: usize) -> Vec<Range<usize>> {
    let (hay, needle) = (text.as_bytes(), needle.as_bytes());
    let mut out = Vec::new();
    if needle.is_empty() || needle.len() > hay.len() {
        return out;
    }
    let mut i = 0;
    while i + needle.len() <= hay.len() && out.len() < max {
        if hay[i..i + needle.len()].eq_ignore_ascii_case(needle) {
            out.push(i..i + needle.len());
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

/// `job` with a background on each match (a stronger one on `current`).
fn overlay(job: &LayoutJob, matches: &[Range<usize>], current: usize, dark: bool) -> LayoutJob {
    if matches.is_empty() {
        return job.clone();
    }
    let (bg, bg_current) = if dark {
        (
            Color32::from_rgba_unmultiplied(0xe8, 0xb3, 0x39, 0x50),
            Color32::from_rgb(0xb0, 0x7a, 0x10),
        )
    } else {
        (
            Color32::from_rgb(0xff, 0xee, 0x99),
            Color32::from_rgb(0xff, 0xb8, 0x30),
        )
    };
    let mut out = LayoutJob {
        text: job.text.clone(),
        wrap: job.wrap.clone(),
        halign: job.halign,
        justify: job.justify,
        break_on_newline: job.break_on_newline,
        ..Default::default()
    };
    // Cut points: section edges and match edges, walked in order.
    let mut m = 0;
    for section in &job.sections {
        let (start, end) = (section.byte_range.start.0, section.byte_range.end.0);
        let mut at = start;
        while at < end {
            while m < matches.len() && matches[m].end <= at {
                m += 1;
            }
            let (next, background) = match matches.get(m) {
                Some(r) if r.start <= at => (
                    r.end.min(end),
                    Some(if m == current { bg_current } else { bg }),
                ),
                Some(r) => (r.start.min(end), None),
                None => (end, None),
            };
            let mut format = section.format.clone();
            if let Some(background) = background {
                format.background = background;
            }
            out.sections.push(egui::text::LayoutSection {
                leading_space: if at == start {
                    section.leading_space
                } else {
                    0.0
                },
                byte_range: egui::text::ByteIndex(at)..egui::text::ByteIndex(next),
                format,
            });
            at = next;
        }
    }
    out
}

/// One display line of the virtual view, with the find matches inside it highlighted.
fn line_job(
    text: &str,
    line: Range<usize>,
    matches: &[Range<usize>],
    current: usize,
    font: &FontId,
    color: Color32,
    dark: bool,
) -> LayoutJob {
    let job = LayoutJob::simple_singleline(text[line.clone()].to_owned(), font.clone(), color);
    let first = matches.partition_point(|m| m.end <= line.start);
    let local: Vec<Range<usize>> = matches[first..]
        .iter()
        .take_while(|m| m.start < line.end)
        .map(|m| m.start.max(line.start) - line.start..m.end.min(line.end) - line.start)
        .collect();
    let current = current.wrapping_sub(first);
    overlay(&job, &local, current, dark)
}

/// The raw payload as text to copy: UTF-8 text as is, binary as hex or base64.
pub fn copy_text(payload: &[u8], binary_as_base64: bool, is_text: bool) -> String {
    if is_text {
        String::from_utf8_lossy(payload).into_owned()
    } else if binary_as_base64 {
        encode_base64(payload)
    } else {
        let mut s = String::with_capacity(payload.len() * 3);
        for (i, b) in payload.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

/// Writes the raw payload to `path` atomically (the Save button's work, without the dialog).
pub fn save_payload(path: &Path, payload: &[u8]) -> std::io::Result<()> {
    crate::store::atomic_write(path, payload)
}

pub struct EventDetail {
    /// The event the choices below were made for.
    seq: Option<u64>,
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
    /// How many derived views were computed (tests assert caching with it).
    renders: u64,
    timeline: Timeline,
    status: Option<Result<String, String>>,
    /// The Info line of event `.0`.
    info: Option<(u64, String)>,
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
            renders: 0,
            timeline: Timeline::default(),
            status: None,
            info: None,
        }
    }
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

    /// Shows the detail of event `seq`; returns true when the user closes it.
    pub fn ui(&mut self, ui: &mut Ui, log: &EventLog, seq: u64) -> bool {
        let Some(event) = log.get(seq) else {
            return true;
        };
        if self.seq != Some(seq) {
            self.seq = Some(seq);
            self.view = ViewAs::sniffed(event);
            self.show_all = false;
            self.find_current = 0;
            self.status = None;
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
                if ui
                    .small_button("Copy as JSON")
                    .on_hover_text("Copy this event as one JSON object (the jsonl schema)")
                    .clicked()
                {
                    ui.ctx().copy_text(crate::schema::event_json_line(event));
                }
            });
        });
        match &event.kind {
            EventKind::Message { .. } | EventKind::Ping { .. } | EventKind::Pong { .. } => {
                self.payload_ui(ui, seq, event);
            }
            EventKind::Connected(_) => {
                ui.separator();
                self.timeline.connected_ui(ui, log, seq, event);
            }
            EventKind::Closed { code, reason, by } => {
                ui.separator();
                closed_ui(ui, *code, reason, *by);
            }
            _ => {
                ui.separator();
                ui.add(egui::Label::new(preview(event)).selectable(true).wrap());
            }
        }
        close
    }

    fn payload_ui(&mut self, ui: &mut Ui, seq: u64, event: &Event) {
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
            ui.toggle_value(&mut self.wrap, "Wrap")
                .on_hover_text("Wrap long lines");
            if is_text {
                if ui
                    .button("Copy")
                    .on_hover_text("Copy the raw payload")
                    .clicked()
                {
                    ui.ctx().copy_text(copy_text(payload, false, true));
                    self.status = Some(Ok("Copied".into()));
                }
            } else {
                ui.menu_button("Copy", |ui| {
                    if ui.button("as hex").clicked() {
                        ui.ctx().copy_text(copy_text(payload, false, false));
                        self.status = Some(Ok("Copied as hex".into()));
                    }
                    if ui.button("as base64").clicked() {
                        ui.ctx().copy_text(copy_text(payload, true, false));
                        self.status = Some(Ok("Copied as base64".into()));
                    }
                });
            }
            if ui
                .button("Save…")
                .on_hover_text("Save the raw payload to a file")
                .clicked()
            {
                let name = match ViewAs::sniffed(event) {
                    ViewAs::Json => "message.json",
                    ViewAs::Xml => "message.xml",
                    ViewAs::Html => "message.html",
                    ViewAs::Text => "message.txt",
                    ViewAs::Hexdump => "message.bin",
                };
                if let Some(path) = rfd::FileDialog::new().set_file_name(name).save_file() {
                    self.status = Some(
                        save_payload(&path, payload)
                            .map(|()| format!("Saved to {}", path.display()))
                            .map_err(|e| format!("Could not save {}: {e}", path.display())),
                    );
                }
            }
            match &self.status {
                Some(Ok(text)) => {
                    ui.weak(text);
                }
                Some(Err(text)) => {
                    ui.colored_label(ui.visuals().error_fg_color, text);
                }
                None => {}
            }
        });
        self.find_bar(ui);
        ui.separator();

        let dark = ui.visuals().dark_mode;
        let key = DerivedKey {
            seq,
            view: self.view,
            show_all: self.show_all,
            dark,
        };
        self.update_derived(ui, key, payload);
        let Some((_, derived)) = self.derived.as_ref().filter(|(k, _)| *k == key) else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Formatting {}…", human_size(payload.len())));
            });
            return;
        };
        if let Some(note) = &derived.note {
            let mut show_all = false;
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(ui.visuals().warn_fg_color, note);
                let cut = if self.view == ViewAs::Hexdump {
                    payload.len() > HEX_LIMIT
                } else {
                    payload.len() > TEXT_LIMIT
                };
                if cut && !self.show_all {
                    show_all = ui
                        .button(format!("Show all ({})", human_size(payload.len())))
                        .clicked();
                }
            });
            if show_all {
                self.show_all = true;
                return;
            }
        }

        // Find highlights, recomputed only when the needle or the current match changes.
        let needle = self.find.clone();
        if self
            .shown_job
            .as_ref()
            .is_none_or(|(k, n, c, _)| *k != key || *n != needle || *c != self.find_current)
        {
            if self
                .shown_job
                .as_ref()
                .is_none_or(|(k, n, _, _)| *k != key || *n != needle)
            {
                self.matches = find_matches(&derived.text, &needle, MAX_MATCHES);
                if self.find_current >= self.matches.len() {
                    self.find_current = 0;
                }
            }
            let job = overlay(&derived.job, &self.matches, self.find_current, dark);
            self.shown_job = Some((key, needle, self.find_current, job));
        }
        let Some((_, _, _, job)) = &self.shown_job else {
            return;
        };
        let wrap = self.wrap;
        let scroll_target = if std::mem::take(&mut self.scroll_to_match) {
            self.matches
                .get(self.find_current)
                .map(|r| derived.text[..r.start].chars().count())
        } else {
            None
        };
        if let Some(lines) = &derived.lines {
            let font = egui::TextStyle::Monospace.resolve(ui.style());
            let color = ui.visuals().text_color();
            let row_height = ui.fonts_mut(|f| f.row_height(&font));
            let mut area = egui::ScrollArea::both()
                .id_salt("event_detail_lines")
                .auto_shrink([false, false]);
            if scroll_target.is_some()
                && let Some(m) = self.matches.get(self.find_current)
            {
                let line = lines.partition_point(|l| l.end < m.start);
                area = area.vertical_scroll_offset((line as f32 - 3.0).max(0.0) * row_height);
            }
            let (matches, current) = (&self.matches, self.find_current);
            ui.spacing_mut().item_spacing.y = 0.0;
            area.show_rows(ui, row_height, lines.len(), |ui, range| {
                for line in &lines[range] {
                    let job = line_job(
                        &derived.text,
                        line.clone(),
                        matches,
                        current,
                        &font,
                        color,
                        dark,
                    );
                    ui.add(egui::Label::new(job).extend().selectable(true));
                }
            });
            return;
        }
        let scroll = if wrap {
            egui::ScrollArea::vertical()
        } else {
            egui::ScrollArea::both()
        };
        scroll
            .id_salt("event_detail_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let mut layouter = |ui: &Ui, _buf: &dyn egui::TextBuffer, width: f32| {
                    let mut job = job.clone();
                    job.wrap.max_width = if wrap { width } else { f32::INFINITY };
                    ui.fonts_mut(|f| f.layout_job(job))
                };
                let mut view: &str = &derived.text;
                let output = egui::TextEdit::multiline(&mut view)
                    .font(egui::TextStyle::Monospace)
                    .desired_width(f32::INFINITY)
                    .frame(egui::Frame::NONE)
                    .layouter(&mut layouter)
                    .show(ui);
                output
                    .response
                    .response
                    .clone()
                    .accessible_name("Event detail");
                if let Some(char_index) = scroll_target {
                    let rect = output
                        .galley
                        .pos_from_cursor(CCursor::new(char_index))
                        .translate(output.galley_pos.to_vec2());
                    ui.scroll_to_rect(rect.expand(8.0), Some(egui::Align::Center));
                }
            });
    }

    fn find_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut self.find)
                        .hint_text("Find in body")
                        .desired_width(160.0),
                )
                .accessible_name("Find in body");
            if response.changed() {
                self.find_current = 0;
                self.scroll_to_match = true;
            }
            let n = self.matches.len();
            let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let prev = ui
                .add_enabled(n > 0, egui::Button::new("▲").small())
                .on_hover_text("Previous match")
                .accessible_name("Previous match")
                .clicked();
            let next = ui
                .add_enabled(n > 0, egui::Button::new("▼").small())
                .on_hover_text("Next match (Enter)")
                .accessible_name("Next match")
                .clicked();
            if n > 0 && (next || enter) {
                self.find_current = (self.find_current + 1) % n;
                self.scroll_to_match = true;
                if enter {
                    response.request_focus();
                }
            }
            if n > 0 && prev {
                self.find_current = (self.find_current + n - 1) % n;
                self.scroll_to_match = true;
            }
            if !self.find.is_empty() {
                let count = if n == 0 {
                    "No matches".to_owned()
                } else if n >= MAX_MATCHES {
                    format!("{} of {MAX_MATCHES}+ matches", self.find_current + 1)
                } else {
                    format!("{} of {n} matches", self.find_current + 1)
                };
                ui.label(count);
            }
        });
    }

    /// Makes `self.derived` hold `key`'s view: at once for small payloads, on a background
    /// thread for big ones (polled each frame).
    fn update_derived(&mut self, ui: &Ui, key: DerivedKey, payload: &bytes::Bytes) {
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

/// `Received · text (opcode 1) · 1234 bytes (1.2 KiB) · application/json`
pub fn info_line(event: &Event, payload: &[u8]) -> String {
    let direction = match event.direction() {
        Some(Direction::Received) => "Received",
        Some(Direction::Sent) => "Sent",
        None => "",
    };
    let opcode = match &event.kind {
        EventKind::Message {
            opcode: Opcode::Text,
            ..
        } => "text (opcode 1)",
        EventKind::Message { .. } => "binary (opcode 2)",
        EventKind::Ping { .. } => "ping (opcode 9)",
        _ => "pong (opcode 10)",
    };
    let size = if payload.len() < 1024 {
        format!("{} bytes", payload.len())
    } else {
        format!("{} bytes ({})", payload.len(), human_size(payload.len()))
    };
    format!(
        "{direction} · {opcode} · {size} · {}",
        mime_guess(&payload[..payload.len().min(TEXT_LIMIT)])
    )
}

fn is_text(event: &Event) -> bool {
    matches!(
        event.kind,
        EventKind::Message {
            opcode: Opcode::Text,
            ..
        }
    )
}

fn kind_title(event: &Event) -> &'static str {
    match &event.kind {
        EventKind::Message {
            opcode: Opcode::Text,
            ..
        } => "Text message",
        EventKind::Message { .. } => "Binary message",
        EventKind::Ping { .. } => "Ping",
        EventKind::Pong { .. } => "Pong",
        EventKind::Connecting { .. } => "Connecting",
        EventKind::Redirected { .. } => "Redirected",
        EventKind::Connected(_) => "Connected",
        EventKind::Closed { .. } => "Disconnected",
        EventKind::Error { .. } => "Error",
        EventKind::Reconnecting { .. } => "Reconnecting",
    }
}

/// Local date and time with milliseconds.
pub fn full_time(at_ms: i64) -> String {
    match chrono::Local.timestamp_millis_opt(at_ms) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.format("%Y-%m-%d %H:%M:%S%.3f").to_string()
        }
        chrono::LocalResult::None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn message(opcode: Opcode, payload: &'static [u8]) -> Event {
        Event::now(
            1,
            EventKind::Message {
                direction: Direction::Received,
                opcode,
                payload: Bytes::from_static(payload),
            },
        )
    }

    #[test]
    fn views_sniffed_and_derived() {
        let json = message(Opcode::Text, b"{\"a\":1}");
        assert_eq!(ViewAs::sniffed(&json), ViewAs::Json);
        assert_eq!(
            derive_text(b"{\"a\":1}", ViewAs::Json, false).0,
            "{\n  \"a\": 1\n}"
        );
        assert_eq!(
            derive_text(b"{\"a\":1}", ViewAs::Text, false).0,
            "{\"a\":1}"
        );
        assert!(derive_text(b"{\"a\":", ViewAs::Json, false).1.is_some());
        let bin = message(Opcode::Binary, &[0xde, 0xad]);
        assert_eq!(ViewAs::sniffed(&bin), ViewAs::Hexdump);
        // A binary frame holding text opens as that text.
        assert_eq!(
            ViewAs::sniffed(&message(Opcode::Binary, b"<a/>")),
            ViewAs::Xml
        );
        assert_eq!(ViewAs::sniffed(&message(Opcode::Text, b"hi")), ViewAs::Text);
        assert_eq!(
            ViewAs::sniffed(&message(Opcode::Binary, b"hi")),
            ViewAs::Hexdump
        );
        assert_eq!(
            derive_text(&[0xde, 0xad], ViewAs::Hexdump, false).0,
            "00000000  de ad                                             |..|\n"
        );
    }

    #[test]
    fn large_payloads_are_cut_until_show_all() {
        let big = vec![b'x'; TEXT_LIMIT + 1];
        let (text, note) = derive_text(&big, ViewAs::Text, false);
        assert_eq!(text.len(), PART);
        assert!(
            note.unwrap()
                .starts_with("Showing the first 256.0 KiB of 2.0 MiB")
        );
        let (text, note) = derive_text(&big, ViewAs::Text, true);
        assert_eq!(text.len(), big.len());
        assert!(note.is_none());
        let (dump, note) = derive_text(&big, ViewAs::Hexdump, false);
        assert_eq!(dump.lines().count(), PART / 16);
        assert!(note.is_some());
    }

    #[test]
    fn find_is_case_insensitive_and_overlay_keeps_text() {
        let m = find_matches("Hello hello HELLO", "hello", 100);
        assert_eq!(m, vec![0..5, 6..11, 12..17]);
        assert_eq!(find_matches("aaaa", "aa", 100).len(), 2);
        assert_eq!(find_matches("é hello", "HELLO", 100), vec![3..8]);
        let job = LayoutJob::simple(
            "Hello hello".into(),
            FontId::monospace(12.0),
            Color32::WHITE,
            100.0,
        );
        let out = overlay(&job, &m[..2], 1, true);
        assert_eq!(out.text, job.text);
        let ranges: Vec<_> = out
            .sections
            .iter()
            .map(|s| s.byte_range.start.0..s.byte_range.end.0)
            .collect();
        assert_eq!(ranges, vec![0..5, 5..6, 6..11]);
        assert_ne!(
            out.sections[0].format.background,
            out.sections[2].format.background
        );
    }

    #[test]
    fn display_lines_split_and_cut_long_lines() {
        let text = "ab\n\nécdef\n";
        let lines = display_lines(text, 2);
        let pieces: Vec<&str> = lines.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(pieces, ["ab", "", "éc", "de", "f", ""]);
    }

    #[test]
    fn copy_binary_as_hex_or_base64() {
        assert_eq!(copy_text(&[0xde, 0xad], false, false), "de ad");
        assert_eq!(
            copy_text(&[0xde, 0xad, 0xbe, 0xef], true, false),
            "3q2+7w=="
        );
        assert_eq!(copy_text(b"hi", false, true), "hi");
    }
}
