//! The events panel: toolbar (search with text/regex/JSON-filter modes, direction filter,
//! follow-newest, rate plot, export, Clear, counts), the event list (newest first, only visible
//! rows drawn, tick two rows for the time between them) and the detail of the selected event.
//!
//! The filtered list is cached as sequence numbers. New events are appended to it as they
//! arrive; after a filter change it is rebuilt from the newest event backwards with a time
//! budget per frame (the newest matches show at once, a progress note counts the rest), so
//! nothing on the UI thread grows with the log except what is visible.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use egui::text::LayoutJob;
use egui::{Color32, FontId, TextFormat, Ui};

use super::app::empty_state;
use super::event_detail::EventDetail;
use super::rate_plot::RateCounter;
use super::widgets::{ConnState, VarContext};
use crate::engine::{Direction, Event, EventKind, Opcode, close_code_meaning};
use crate::export::ExportFormat;
use crate::format::{LineBreaks, hex_preview, human_size, local_time, text_preview};
use crate::log::{DirectionFilter, EventLog, Filter, SearchMode};

/// Longest preview drawn in a row (characters).
const PREVIEW_CHARS: usize = 240;
/// Time a frame may spend re-filtering old events after a filter change.
const REFILTER_BUDGET: Duration = Duration::from_millis(6);
/// While re-filtering, the clock is read after this many events...
const CHECK_EVERY: u32 = 512;
/// ...or this many payload bytes, whichever comes first.
const CHECK_BYTES: usize = 64 * 1024;
/// More new events than this at once (a view shown again after a flood) are filtered like a
/// filter change: newest first, with a budget, instead of all in one frame.
const FORWARD_LIMIT: u64 = 100_000;
/// Time a frame may spend filtering newly arrived events.
const FORWARD_BUDGET: Duration = Duration::from_millis(4);

/// The events panel of one request: filter inputs, the cached filtered list, selection,
/// ticks, follow state and the detail view.
pub struct EventsView {
    pub search: String,
    pub mode: SearchMode,
    pub direction: DirectionFilter,
    /// The inputs last parsed (so a regex is compiled once, not every frame).
    parsed: Option<(DirectionFilter, SearchMode, String)>,
    /// Why the search cannot be used (shown inline); the previous filter stays applied.
    filter_error: Option<String>,
    /// The filter `shown` is built with.
    applied: Filter,
    /// Sequence numbers of the events the filter keeps, oldest first. Complete for
    /// `backfill_to..scanned_to`.
    shown: VecDeque<u64>,
    /// The next sequence number not yet looked at (forward, as events arrive).
    scanned_to: u64,
    /// Events below this (down to the log's first) are still to be re-filtered.
    backfill_to: u64,
    /// Where the current re-filter started, for its progress.
    backfill_from: u64,
    /// Events at or above this are counted in the rate plot during a re-filter.
    rate_from: u64,
    pub selected: Option<u64>,
    detail: EventDetail,
    /// Events expanded inline, with the lines shown below their row.
    expanded: BTreeMap<u64, Vec<String>>,
    /// Up to two ticked events; their time difference is shown.
    ticked: Vec<u64>,
    /// Keep the newest event in view. When off, new events don't move the list.
    pub follow: bool,
    /// Events that arrived while not following (the badge).
    unseen: usize,
    /// Scroll to the newest event on the next frame (follow was just turned on).
    jump_to_newest: bool,
    scroll_offset: f32,
    rates: RateCounter,
    export_status: Option<Result<String, String>>,
    /// Exports include credentials and secret values (the user asked to reveal them).
    export_reveal: bool,
}

impl Default for EventsView {
    fn default() -> Self {
        Self {
            search: String::new(),
            mode: SearchMode::Text,
            direction: DirectionFilter::All,
            parsed: None,
            filter_error: None,
            applied: Filter::default(),
            shown: VecDeque::new(),
            scanned_to: 0,
            backfill_to: 0,
            backfill_from: 0,
            rate_from: 0,
            selected: None,
            detail: EventDetail::default(),
            expanded: BTreeMap::new(),
            ticked: Vec::new(),
            follow: true,
            unseen: 0,
            jump_to_newest: false,
            scroll_offset: 0.0,
            rates: RateCounter::default(),
            export_status: None,
            export_reveal: false,
        }
    }
}

impl EventsView {
    /// Brings the cached list up to date with `log` and returns how many rows were added at
    /// the newest end. Cheap when only new events arrived; after a filter change the old
    /// events are re-filtered over several calls ([`Self::filtering_progress`]).
    pub fn refresh(&mut self, log: &EventLog) -> usize {
        self.refresh_with_budget(log, REFILTER_BUDGET)
    }

    /// [`Self::refresh`] with an explicit time budget for re-filtering old events.
    pub fn refresh_with_budget(&mut self, log: &EventLog, budget: Duration) -> usize {
        let key = (self.direction, self.mode, self.search.clone());
        if self.parsed.as_ref() != Some(&key) {
            match Filter::parse(self.direction, self.mode, &self.search) {
                Ok(filter) => {
                    self.filter_error = None;
                    if filter != self.applied {
                        self.applied = filter;
                        self.restart(log, self.scanned_to.max(log.first_seq()));
                    }
                }
                Err(err) => self.filter_error = Some(err.to_string()),
            }
            self.parsed = Some(key);
        }
        let next = log.next_seq();
        if next.saturating_sub(self.scanned_to) > FORWARD_LIMIT {
            let rate_from = self.scanned_to.max(log.first_seq());
            self.restart(log, rate_from);
        }
        // New events, oldest first, within their own budget: under a flood with a search on,
        // what is left waits for the next frame (which the panel asks for).
        let mut added = 0;
        let started = Instant::now();
        let mut seq = self.scanned_to.max(log.first_seq());
        let mut bytes = 0usize;
        while seq < next {
            if let Some(event) = log.get(seq) {
                self.rates.add(event);
                if self.applied.matches(event) {
                    self.shown.push_back(seq);
                    added += 1;
                }
                bytes += event.size();
            }
            seq += 1;
            if (seq.is_multiple_of(u64::from(CHECK_EVERY)) || bytes >= CHECK_BYTES)
                && started.elapsed() > FORWARD_BUDGET
            {
                break;
            }
            if bytes >= CHECK_BYTES {
                bytes = 0;
            }
        }
        self.scanned_to = seq;

        // Re-filter older events, newest first, within the budget. The clock is read every
        // CHECK_EVERY events or CHECK_BYTES of payload, whichever comes first, and before a big
        // event, so one slow event (a 1 MB JSON message) starts a frame of its own instead of
        // landing on top of a spent budget.
        self.backfill_to = self.backfill_to.max(log.first_seq());
        let started = Instant::now();
        let mut looked = 0u32;
        let mut bytes = 0usize;
        while self.backfill_to > log.first_seq() {
            let seq = self.backfill_to - 1;
            if let Some(event) = log.get(seq) {
                let size = event.size();
                if size >= CHECK_BYTES && looked > 0 && started.elapsed() > budget / 2 {
                    break;
                }
                if seq >= self.rate_from {
                    self.rates.add(event);
                }
                if self.applied.matches(event) {
                    self.shown.push_front(seq);
                }
                bytes += size;
            }
            self.backfill_to = seq;
            looked += 1;
            if looked.is_multiple_of(CHECK_EVERY) || bytes >= CHECK_BYTES {
                bytes = 0;
                if started.elapsed() > budget {
                    break;
                }
            }
        }

        // Events dropped by the cap (or cleared) leave the view.
        while self.shown.front().is_some_and(|&s| s < log.first_seq()) {
            self.shown.pop_front();
        }
        if self.selected.is_some_and(|s| log.get(s).is_none()) {
            self.selected = None;
        }
        self.ticked.retain(|&s| log.get(s).is_some());
        let first = log.first_seq();
        self.expanded.retain(|&s, _| s >= first);
        added
    }

    /// Starts re-filtering everything: newest events first, `rate_from..` also counted.
    fn restart(&mut self, log: &EventLog, rate_from: u64) {
        self.shown.clear();
        self.scanned_to = log.next_seq();
        self.backfill_to = log.next_seq();
        self.backfill_from = log.next_seq();
        self.rate_from = rate_from;
        self.scroll_offset = 0.0;
        self.unseen = 0;
    }

    /// (display row of the event's own row, seq, extra lines) of each expanded event that is
    /// shown, newest first. Display rows count from the top (newest).
    fn expansion_anchors(&self, total: usize) -> Vec<(usize, u64, usize)> {
        let mut anchors = Vec::new();
        let mut extra_above = 0;
        for (&seq, lines) in self.expanded.iter().rev() {
            if let Ok(pos) = self.shown.binary_search(&seq) {
                anchors.push((total - 1 - pos + extra_above, seq, lines.len()));
                extra_above += lines.len();
            }
        }
        anchors
    }

    /// While old events are being re-filtered: the fraction done (0..1).
    pub fn filtering_progress(&self, log: &EventLog) -> Option<f32> {
        let first = log.first_seq();
        (self.backfill_to > first).then(|| {
            let total = self.backfill_from.saturating_sub(first).max(1);
            1.0 - (self.backfill_to - first) as f32 / total as f32
        })
    }

    /// How many events the filter shows (so far, while re-filtering).
    pub fn shown_len(&self) -> usize {
        self.shown.len()
    }

    /// Sequence numbers shown, oldest first.
    pub fn shown(&self) -> impl Iterator<Item = u64> + '_ {
        self.shown.iter().copied()
    }

    /// Why the current search cannot be used, if it cannot.
    pub fn filter_error(&self) -> Option<&str> {
        self.filter_error.as_deref()
    }

    /// Events that arrived while not following newest.
    pub fn unseen(&self) -> usize {
        self.unseen
    }

    pub fn detail(&self) -> &EventDetail {
        &self.detail
    }

    /// The time from the earlier to the later ticked event, when two are ticked.
    pub fn ticked_difference_ms(&self, log: &EventLog) -> Option<i64> {
        let [a, b] = self.ticked[..] else {
            return None;
        };
        let (a, b) = (log.get(a)?, log.get(b)?);
        Some((a.at_ms - b.at_ms).abs())
    }

    /// `vars` are the variables in effect; exports mask the secret ones.
    pub fn ui(&mut self, ui: &mut Ui, log: &mut EventLog, state: ConnState, vars: &VarContext) {
        let added = self.refresh(log);
        if self.filtering_progress(log).is_some() || self.scanned_to < log.next_seq() {
            ui.ctx().request_repaint();
        }
        self.toolbar(ui, log, vars);
        ui.separator();

        if let Some(seq) = self.selected
            && log.get(seq).is_some()
        {
            let mut close = false;
            egui::Panel::bottom("event_detail")
                .resizable(true)
                .default_size(ui.available_height() * 0.5)
                .size_range(80.0..=(ui.available_height() - 60.0).max(100.0))
                .show(ui, |ui| {
                    close = self.detail.ui(ui, log, seq);
                });
            if close {
                self.selected = None;
            }
        }

        if log.is_empty() {
            empty_state(
                ui,
                if state == ConnState::Disconnected {
                    "Not connected: press Connect"
                } else {
                    "No events yet"
                },
            );
            return;
        }
        if self.shown.is_empty() {
            if self.filtering_progress(log).is_none() {
                empty_state(ui, "No events match the filter");
            }
            return;
        }

        let dark = ui.visuals().dark_mode;
        let font = egui::TextStyle::Monospace.resolve(ui.style());
        // Every row is exactly this tall (the tick box included), as show_rows assumes.
        let row_height =
            (ui.fonts_mut(|f| f.row_height(&font)) + 6.0).max(ui.spacing().interact_size.y);
        let total = self.shown.len();
        let mut clicked = None;
        let mut ticked_changed = None;
        let mut area = egui::ScrollArea::vertical()
            .id_salt("events_scroll")
            .auto_shrink([false, false]);
        let jump = std::mem::take(&mut self.jump_to_newest);
        if self.follow && (added > 0 || jump) {
            area = area.vertical_scroll_offset(0.0);
        } else if added > 0 {
            // Newest first: rows arrive above; move down with them so nothing shifts.
            self.unseen += added;
            area = area.vertical_scroll_offset(self.scroll_offset + added as f32 * row_height);
        }
        // No spacing between rows, also in show_rows' own arithmetic.
        ui.spacing_mut().item_spacing.y = 0.0;
        // Expanded rows add their lines below them; rows stay one height for show_rows.
        let anchors = self.expansion_anchors(total);
        let extra: usize = anchors.iter().map(|a| a.2).sum();
        let weak = ui.visuals().weak_text_color();
        let mut toggle_expand = None;
        let output = area.show_rows(ui, row_height, total + extra, |ui, range| {
            for display_row in range {
                let (row, line) = locate_row(&anchors, display_row);
                let Some(&seq) = self.shown.get(total.wrapping_sub(1).wrapping_sub(row)) else {
                    continue;
                };
                if let Some(line) = line {
                    let text = self
                        .expanded
                        .get(&seq)
                        .and_then(|lines| lines.get(line))
                        .map_or("", String::as_str);
                    ui.horizontal(|ui| {
                        ui.set_height(row_height);
                        ui.add_space(56.0);
                        ui.add(
                            egui::Label::new(
                                egui::RichText::new(text).font(font.clone()).color(weak),
                            )
                            .truncate()
                            .selectable(true),
                        );
                    });
                    continue;
                }
                let Some(event) = log.get(seq) else {
                    continue;
                };
                ui.horizontal(|ui| {
                    ui.spacing_mut().item_spacing.x = 2.0;
                    let expanded = self.expanded.contains_key(&seq);
                    if ui
                        .add(
                            egui::Button::new(if expanded { "▾" } else { "▸" })
                                .frame(false)
                                .min_size(egui::vec2(16.0, row_height)),
                        )
                        .on_hover_text(if expanded {
                            "Collapse"
                        } else {
                            "Expand: more of this event in the list"
                        })
                        .accessible_name(format!(
                            "{} event {seq}",
                            if expanded { "Collapse" } else { "Expand" }
                        ))
                        .clicked()
                    {
                        toggle_expand = Some(seq);
                    }
                    let mut ticked = self.ticked.contains(&seq);
                    if ui
                        .add(egui::Checkbox::without_text(&mut ticked))
                        .on_hover_text("Tick two events to see the time between them")
                        .accessible_name(format!("Tick event {seq}"))
                        .changed()
                    {
                        ticked_changed = Some((seq, ticked));
                    }
                    let job = row_job(event, font.clone(), ui.visuals().text_color(), dark);
                    let selected = self.selected == Some(seq);
                    let response = ui.add(
                        egui::Button::selectable(selected, (job, egui::Atom::grow()))
                            .truncate()
                            .min_size(egui::vec2(ui.available_width(), row_height)),
                    );
                    if response.clicked() {
                        clicked = Some(seq);
                    }
                });
            }
        });
        if let Some(seq) = toggle_expand
            && self.expanded.remove(&seq).is_none()
            && let Some(event) = log.get(seq)
        {
            if self.expanded.len() >= MAX_EXPANDED
                && let Some(&oldest) = self.expanded.keys().next()
            {
                self.expanded.remove(&oldest);
            }
            self.expanded.insert(seq, expanded_lines(event));
        }
        let offset = output.state.clamped_offset().y;
        if added == 0 && !jump && self.follow && offset > row_height * 0.5 {
            // Scrolling away from the newest stops following it.
            self.follow = false;
        } else if !self.follow && offset < 1.0 {
            // At the top (or the list fits): every event is in view.
            self.unseen = 0;
        }
        self.scroll_offset = offset;
        if let Some((seq, on)) = ticked_changed {
            if on {
                if self.ticked.len() == 2 {
                    self.ticked.remove(0);
                }
                self.ticked.push(seq);
            } else {
                self.ticked.retain(|&s| s != seq);
            }
        }
        if let Some(seq) = clicked {
            self.selected = if self.selected == Some(seq) {
                None
            } else {
                Some(seq)
            };
        }
    }

    fn toolbar(&mut self, ui: &mut Ui, log: &mut EventLog, vars: &VarContext) {
        ui.horizontal(|ui| {
            let hint = match self.mode {
                SearchMode::Text => "🔍 Search events",
                SearchMode::Regex => "🔍 Regex, e.g. temp.*20\\d\\d",
                SearchMode::Json => "🔍 JSON filter, e.g. r=sensors",
            };
            ui.add(
                egui::TextEdit::singleline(&mut self.search)
                    // Ctrl+F focuses this field by id (see ui::commands).
                    .id(egui::Id::unique(super::commands::EVENT_SEARCH_ID))
                    .hint_text(hint)
                    .desired_width(170.0),
            )
            .accessible_name("Search events");
            ui.spacing_mut().item_spacing.x = 2.0;
            for mode in SearchMode::ALL {
                let name = match mode {
                    SearchMode::Text => "Text search",
                    SearchMode::Regex => "Regex search",
                    SearchMode::Json => "JSON filter",
                };
                ui.selectable_value(
                    &mut self.mode,
                    mode,
                    egui::RichText::new(mode.label()).monospace(),
                )
                .on_hover_text(mode.description())
                .accessible_name(name);
            }
            ui.add_space(6.0);
            for d in DirectionFilter::ALL {
                ui.selectable_value(&mut self.direction, d, d.label());
            }
        });
        if let Some(err) = &self.filter_error {
            ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {err}"));
        }
        ui.horizontal_wrapped(|ui| {
            let total = log.len();
            ui.label(format!("{total} events ({} shown)", self.shown.len()));
            if let Some(done) = self.filtering_progress(log) {
                ui.spinner();
                ui.weak(format!("filtering… {:.0}%", done * 100.0));
            }
            if log.dropped() > 0 {
                ui.weak(format!("· {} oldest dropped", log.dropped()))
                    .on_hover_text(format!(
                        "The log keeps the newest {} events and at most about {} MiB \
                         (Settings: Keep newest events, Events log memory)",
                        log.max_events(),
                        log.max_bytes() / (1024 * 1024)
                    ));
            }
            let (received, sent) = row_colors(ui.visuals().dark_mode);
            self.rates.ui(ui, received, sent);
            if ui
                .toggle_value(&mut self.follow, "Follow newest")
                .on_hover_text("Keep the newest event in view; off: new events don't move the list")
                .changed()
                && self.follow
            {
                self.unseen = 0;
                self.jump_to_newest = true;
            }
            if !self.follow && self.unseen > 0 {
                let badge = egui::Button::new(
                    egui::RichText::new(format!("↑ {} new", self.unseen))
                        .color(ui.visuals().selection.stroke.color)
                        .strong(),
                )
                .fill(ui.visuals().selection.bg_fill);
                if ui
                    .add(badge)
                    .on_hover_text("Events that arrived while not following: show them")
                    .clicked()
                {
                    self.follow = true;
                    self.unseen = 0;
                    self.jump_to_newest = true;
                }
            }
            self.export_menu(ui, log, vars);
            if ui
                .add_enabled(total > 0, egui::Button::new("Clear"))
                .on_hover_text("Remove every event from the list")
                .clicked()
            {
                log.clear();
                self.selected = None;
                self.ticked.clear();
                self.refresh(log);
            }
        });
        if self.ticked.len() == 2
            && let Some(ms) = self.ticked_difference_ms(log)
        {
            ui.horizontal(|ui| {
                let seconds = if ms >= 1000 {
                    format!(" ({:.3} s)", ms as f64 / 1000.0)
                } else {
                    String::new()
                };
                ui.label(
                    egui::RichText::new(format!("Δ {ms} ms{seconds} between the ticked events"))
                        .strong(),
                );
                if ui.small_button("Untick").clicked() {
                    self.ticked.clear();
                }
            });
        } else if self.ticked.len() == 1 {
            ui.weak("Tick a second event to see the time between them");
        }
        if let Some(status) = self.export_status.clone() {
            ui.horizontal(|ui| {
                match &status {
                    Ok(text) => ui.weak(text),
                    Err(text) => ui.colored_label(ui.visuals().error_fg_color, text),
                };
                if ui
                    .small_button("×")
                    .accessible_name("Dismiss export note")
                    .clicked()
                {
                    self.export_status = None;
                }
            });
        }
    }

    fn export_menu(&mut self, ui: &mut Ui, log: &EventLog, vars: &VarContext) {
        ui.add_enabled_ui(!log.is_empty(), |ui| {
            ui.menu_button("Export", |ui| {
                let jsonl = ui
                    .button("JSON Lines…")
                    .on_hover_text("One JSON object per event, as `wsprobe run --output jsonl`")
                    .clicked();
                let har = ui
                    .button("HAR 1.2…")
                    .on_hover_text(
                        "HTTP Archive with _webSocketMessages, as Chrome DevTools writes",
                    )
                    .clicked();
                ui.separator();
                ui.checkbox(&mut self.export_reveal, "Include credentials and secrets")
                    .on_hover_text(
                        "Off: Authorization, cookies and secret variable values are written as ***",
                    );
                let format = if jsonl {
                    ExportFormat::JsonLines
                } else if har {
                    ExportFormat::Har
                } else {
                    return;
                };
                let (ext, name) = format.file_name();
                let Some(path) = rfd::FileDialog::new()
                    .add_filter(ext, &[ext])
                    .set_file_name(name)
                    .save_file()
                else {
                    return;
                };
                // Only now, on export, are the secret values gathered.
                self.export_to(&path, format, log, &vars.secret_values());
            });
        });
    }

    /// What the Export menu does once a path is chosen (tests call it with a temp path).
    pub fn export_to(
        &mut self,
        path: &std::path::Path,
        format: ExportFormat,
        log: &EventLog,
        secrets: &[String],
    ) {
        let events = log.iter().map(|(_, e)| e);
        let result = format.write(path, events, secrets.iter().cloned(), self.export_reveal);
        self.export_status = Some(
            result
                .map(|what| format!("Exported {what} to {}", path.display()))
                .map_err(|e| format!("Could not export to {}: {e}", path.display())),
        );
    }

    /// Whether exports include credentials and secret values (off by default).
    pub fn set_export_reveal(&mut self, reveal: bool) {
        self.export_reveal = reveal;
    }
}

/// At most this many rows are expanded at once (the oldest expansion closes).
const MAX_EXPANDED: usize = 32;
/// An expanded row shows at most this many lines.
const EXPANDED_LINES: usize = 12;

/// Which event row (counting from the newest, without expansion lines) a display row is, and
/// which expansion line of it, if it is one.
fn locate_row(anchors: &[(usize, u64, usize)], display_row: usize) -> (usize, Option<usize>) {
    let mut extra = 0;
    for &(at, _, lines) in anchors {
        if display_row <= at {
            break;
        }
        if display_row <= at + lines {
            return (at - extra, Some(display_row - at - 1));
        }
        extra += lines;
    }
    (display_row - extra, None)
}

/// The lines an expanded row shows: pretty JSON or text (first lines), a hexdump for binary,
/// the one-line description for connection events.
fn expanded_lines(event: &Event) -> Vec<String> {
    let text = match event.payload() {
        Some(payload) => {
            let head = &payload[..payload.len().min(16 * 1024)];
            let view = super::event_detail::ViewAs::sniffed(event);
            let view = if view == super::event_detail::ViewAs::Html {
                super::event_detail::ViewAs::Xml
            } else {
                view
            };
            super::event_detail::derive_text(head, view, true).0
        }
        None => preview(event),
    };
    let mut lines: Vec<String> = text
        .lines()
        .take(EXPANDED_LINES)
        .map(|l| l.chars().take(PREVIEW_CHARS).collect())
        .collect();
    if text.lines().nth(EXPANDED_LINES).is_some() {
        lines.push("… (select the event for all of it)".to_owned());
    }
    if lines.is_empty() {
        lines.push("(empty)".to_owned());
    }
    lines
}

/// The glyph for an event: ↑ sent, ↓ received, • connection events.
pub fn glyph(event: &Event) -> &'static str {
    match event.direction() {
        Some(Direction::Sent) => "↑",
        Some(Direction::Received) => "↓",
        None => "•",
    }
}

/// One line describing the event, the way Insomnia words connection events.
pub fn preview(event: &Event) -> String {
    match &event.kind {
        EventKind::Connecting { attempt, url } => {
            if *attempt > 1 {
                format!("Connecting to {url} (attempt {attempt})")
            } else {
                format!("Connecting to {url}")
            }
        }
        EventKind::Redirected { status, location } => {
            format!("Redirected ({status}) to {location}")
        }
        EventKind::Connected(info) => {
            let mut s = format!("Connected to {} in {} ms", info.url, info.elapsed_ms);
            if let Some(p) = &info.subprotocol {
                s.push_str(&format!(" (subprotocol {p})"));
            }
            s
        }
        EventKind::Message {
            opcode, payload, ..
        } => payload_preview(*opcode, payload),
        EventKind::Ping { payload, .. } => format!("Ping {}", hex_preview(payload, 24)),
        EventKind::Pong { payload, .. } => format!("Pong {}", hex_preview(payload, 24)),
        EventKind::Closed { code, reason, by } => {
            let mut s = format!("Disconnected: {code} {}", close_code_meaning(*code));
            if !reason.is_empty() {
                s.push_str(&format!(" ({reason})"));
            }
            s.push_str(&format!(" by {}", by.as_str()));
            s
        }
        EventKind::Error { message } => format!("Error: {message}"),
        EventKind::Reconnecting {
            attempt,
            of,
            delay_ms,
        } => {
            let secs = *delay_ms as f64 / 1000.0;
            let secs = if delay_ms % 1000 == 0 {
                format!("{}", delay_ms / 1000)
            } else {
                format!("{secs:.1}")
            };
            format!("Reconnecting in {secs} s ({attempt}/{of})")
        }
    }
}

fn payload_preview(opcode: Opcode, payload: &[u8]) -> String {
    match opcode {
        Opcode::Text => text_preview(payload, PREVIEW_CHARS, LineBreaks::Collapse),
        Opcode::Binary => format!("Binary {}", hex_preview(payload, 24)),
    }
}

/// (received, sent) colours of the list and the rate plot.
fn row_colors(dark: bool) -> (Color32, Color32) {
    if dark {
        (
            Color32::from_rgb(0x4c, 0xc3, 0x6b),
            Color32::from_rgb(0xe8, 0xb3, 0x39),
        )
    } else {
        (
            Color32::from_rgb(0x1e, 0x8e, 0x3e),
            Color32::from_rgb(0xb0, 0x6a, 0x00),
        )
    }
}

fn row_job(event: &Event, font: FontId, text_color: Color32, dark: bool) -> LayoutJob {
    let (received, sent) = row_colors(dark);
    let (conn, error) = if dark {
        (
            Color32::from_rgb(0x6c, 0xc0, 0xff),
            Color32::from_rgb(0xff, 0x6b, 0x6b),
        )
    } else {
        (
            Color32::from_rgb(0x0b, 0x5c, 0xad),
            Color32::from_rgb(0xc6, 0x28, 0x28),
        )
    };
    let glyph_color = match (&event.kind, event.direction()) {
        (EventKind::Error { .. }, _) => error,
        (EventKind::Closed { code, .. }, _) if *code != 1000 => error,
        (_, Some(Direction::Sent)) => sent,
        (_, Some(Direction::Received)) => received,
        (_, None) => conn,
    };
    let weak = text_color.gamma_multiply(0.6);
    let mut job = LayoutJob::default();
    job.append(
        glyph(event),
        0.0,
        TextFormat::simple(font.clone(), glyph_color),
    );
    job.append(
        &local_time(event.at_ms),
        10.0,
        TextFormat::simple(font.clone(), weak),
    );
    let size = if event.direction().is_some() {
        human_size(event.size())
    } else {
        String::new()
    };
    job.append(
        &format!("{size:>8}"),
        6.0,
        TextFormat::simple(font.clone(), weak),
    );
    let preview_color = if event.direction().is_none() {
        glyph_color
    } else {
        text_color
    };
    job.append(
        &preview(event),
        12.0,
        TextFormat::simple(font, preview_color),
    );
    job
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{ClosedBy, HandshakeInfo};
    use bytes::Bytes;

    fn msg(direction: Direction, text: &str) -> Event {
        Event::now(
            1,
            EventKind::Message {
                direction,
                opcode: Opcode::Text,
                payload: Bytes::from(text.to_owned()),
            },
        )
    }

    #[test]
    fn connection_events_read_like_insomnia() {
        let connected = Event::now(
            1,
            EventKind::Connected(Box::new(HandshakeInfo {
                url: "ws://h/x".into(),
                elapsed_ms: 35,
                ..Default::default()
            })),
        );
        assert_eq!(preview(&connected), "Connected to ws://h/x in 35 ms");
        let closed = Event::now(
            1,
            EventKind::Closed {
                code: 1000,
                reason: String::new(),
                by: ClosedBy::Client,
            },
        );
        assert!(preview(&closed).starts_with("Disconnected: 1000 Normal closure"));
        let re = Event::now(
            1,
            EventKind::Reconnecting {
                attempt: 2,
                of: 5,
                delay_ms: 5000,
            },
        );
        assert_eq!(preview(&re), "Reconnecting in 5 s (2/5)");
    }

    #[test]
    fn view_updates_incrementally_and_refilters_on_change() {
        let mut log = EventLog::with_cap(3);
        let mut view = EventsView::default();
        log.push(msg(Direction::Sent, "hello"));
        log.push(msg(Direction::Received, "world"));
        view.refresh(&log);
        assert_eq!(view.shown_len(), 2);
        view.direction = DirectionFilter::Received;
        view.refresh(&log);
        assert_eq!(view.shown_len(), 1);
        log.push(msg(Direction::Received, "again"));
        log.push(msg(Direction::Received, "more")); // drops "hello" (cap 3)
        view.refresh(&log);
        assert_eq!(view.shown_len(), 3);
        view.search = "AGAIN".into();
        view.refresh(&log);
        assert_eq!(view.shown_len(), 1);
        log.clear();
        view.refresh(&log);
        assert_eq!(view.shown_len(), 0);
    }

    #[test]
    fn refilter_is_bounded_per_frame_newest_first_and_equals_a_naive_filter() {
        let mut log = EventLog::default();
        for i in 0..200_000u32 {
            let d = if i % 3 == 0 {
                Direction::Sent
            } else {
                Direction::Received
            };
            log.push(msg(
                d,
                &format!(
                    "{{\"n\":{},\"r\":\"{}\"}}",
                    i,
                    if i % 7 == 0 { "sensors" } else { "lights" }
                ),
            ));
        }
        let mut view = EventsView::default();
        // Shown for the first time with 200k events: not all in one frame.
        view.refresh_with_budget(&log, Duration::ZERO);
        assert!(view.filtering_progress(&log).is_some());
        while view.filtering_progress(&log).is_some() {
            view.refresh(&log);
        }
        assert_eq!(view.shown_len(), 200_000);
        view.mode = SearchMode::Json;
        view.search = "r=sensors".into();
        view.direction = DirectionFilter::Received;
        // A budget of zero still makes progress (one batch) but never finishes in one call.
        view.refresh_with_budget(&log, Duration::ZERO);
        let progress = view.filtering_progress(&log).expect("still filtering");
        assert!(progress > 0.0 && progress < 1.0, "{progress}");
        // The newest matches come first.
        let newest = view.shown().last().unwrap();
        assert_eq!(Some(newest), log.filtered(&view.applied).last().copied());
        // Events arriving meanwhile are appended.
        log.push(msg(Direction::Received, "{\"r\":\"sensors\"}"));
        let mut calls = 0;
        while view.filtering_progress(&log).is_some() {
            view.refresh_with_budget(&log, Duration::ZERO);
            calls += 1;
        }
        assert!(calls > 10, "{calls}");
        let naive: Vec<u64> = log
            .iter()
            .filter(|(_, e)| {
                e.direction() == Some(Direction::Received)
                    && serde_json::from_slice::<serde_json::Value>(e.payload().unwrap())
                        .is_ok_and(|v| v["r"] == "sensors")
            })
            .map(|(s, _)| s)
            .collect();
        assert_eq!(view.shown().collect::<Vec<_>>(), naive);
        // A bad filter is explained and leaves the list as it was.
        view.mode = SearchMode::Regex;
        view.search = "(".into();
        view.refresh(&log);
        assert!(view.filter_error().unwrap().starts_with("invalid regex"));
        assert_eq!(view.shown_len(), naive.len());
    }

    #[test]
    fn expansion_lines_sit_below_their_row() {
        // Rows (newest first) 0..5; the event at row 1 has 2 lines, the one at row 3 has 1.
        let anchors = [(1, 10, 2), (5, 8, 1)];
        let got: Vec<_> = (0..8).map(|r| locate_row(&anchors, r)).collect();
        assert_eq!(
            got,
            [
                (0, None),
                (1, None),
                (1, Some(0)),
                (1, Some(1)),
                (2, None),
                (3, None),
                (3, Some(0)),
                (4, None),
            ]
        );
        let mut log = EventLog::default();
        for t in ["a", "{\"b\":1}", "c", "d"] {
            log.push(msg(Direction::Received, t));
        }
        let mut view = EventsView::default();
        view.refresh(&log);
        view.expanded.insert(1, expanded_lines(log.get(1).unwrap()));
        assert_eq!(view.expanded[&1], ["{", "  \"b\": 1", "}"]);
        // Seq 1 is the third newest: display row 2.
        assert_eq!(view.expansion_anchors(4), vec![(2, 1, 3)]);
    }

    #[test]
    fn previews_are_one_line() {
        assert_eq!(preview(&msg(Direction::Received, "a\nb")), "a b");
    }
}
