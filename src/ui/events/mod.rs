//! The events panel of one request: the toolbar on top, the selected event's detail at the
//! bottom, the rows in between. Newest first; only visible rows are drawn.
//!
//! - [`filtering`]: the cached filtered list, kept up to date within the frame budget;
//! - [`toolbar`]: search modes, direction filter, counts, rate plot, follow, Export, Clear;
//! - [`rows`]: the list itself (expand a row inline, tick two rows for the time between);
//! - [`socketio`]: for Socket.IO requests, the event-name chips, the Raw frames toggle and the
//!   name and ack columns of the rows.
//!
//! Nothing here grows with the log except what is visible.

mod filtering;
mod rows;
mod socketio;
mod toolbar;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use egui::Ui;

use super::event_detail::EventDetail;
use super::jobs::{Job, Task};
use super::rate_plot::RateCounter;
use super::secret_mask::SecretMask;
use super::widgets::{ConnState, Notice, VarContext, empty_state};
use crate::export::ExportFormat;
use crate::log::{DirectionFilter, EventLog, Filter, SearchMode, Seq, SocketIoIndex};

/// The events panel of one request: filter inputs, the cached filtered list, selection,
/// ticks, follow state and the detail view.
pub struct EventsView {
    pub search: String,
    pub mode: SearchMode,
    pub direction: DirectionFilter,
    /// Show pings and pongs (the request's setting; the app keeps it in step).
    pub show_ping_pong: bool,
    /// The request is a Socket.IO request (the app keeps it in step): the chips and the Raw
    /// frames toggle show, and raw frames are hidden unless toggled on.
    pub socketio_request: bool,
    /// Socket.IO: show the raw WebSocket frames beside the decoded packets.
    pub raw_frames: bool,
    /// Socket.IO: the chosen event-name chips (none chosen: every event).
    pub event_names: BTreeSet<String>,
    /// Socket.IO: names seen and ack links, fed by the session as events are logged.
    pub socketio: SocketIoIndex,
    /// The inputs last parsed (so a regex is compiled once, not every frame).
    parsed: Option<FilterInputs>,
    /// Why the search cannot be used (shown inline); the previous filter stays applied.
    filter_error: Option<String>,
    /// The filter `shown` is built with.
    applied: Filter,
    /// Sequence numbers of the events the filter keeps, oldest first. Complete for
    /// `backfill_to..scanned_to`.
    shown: VecDeque<Seq>,
    /// The next sequence number not yet looked at (forward, as events arrive).
    scanned_to: Seq,
    /// Events below this (down to the log's first) are still to be re-filtered.
    backfill_to: Seq,
    /// Where the current re-filter started, for its progress.
    backfill_from: Seq,
    /// Events at or above this are counted in the rate plot during a re-filter.
    rate_from: Seq,
    pub selected: Option<Seq>,
    detail: EventDetail,
    /// Events expanded inline, with the lines shown below their row.
    expanded: BTreeMap<Seq, Vec<String>>,
    /// Up to two ticked events; their time difference is shown.
    ticked: Vec<Seq>,
    /// Keep the newest event in view. When off, new events don't move the list.
    pub follow: bool,
    /// Events that arrived while not following (the badge).
    unseen: usize,
    /// Scroll to the newest event on the next frame (follow was just turned on).
    jump_to_newest: bool,
    scroll_offset: f32,
    rates: RateCounter,
    /// Rows added at the newest end since the list was last drawn (by [`Self::refresh`]).
    arrived: usize,
    /// The outcome of the last export.
    notice: Option<Notice>,
    /// An export running in the background (its dialog, then the writing).
    export: Option<Task<Notice>>,
    /// The Export menu's save dialog while it is open: the format and the secret values to
    /// mask, chosen when the menu was clicked.
    export_dialog: Option<(Job<Option<std::path::PathBuf>>, ExportFormat, Vec<String>)>,
    /// Exports include credentials and secret values (the user asked to reveal them).
    export_reveal: bool,
}

/// What the applied filter was built from.
type FilterInputs = (DirectionFilter, SearchMode, String, bool, bool, Vec<String>);

impl Default for EventsView {
    fn default() -> Self {
        Self {
            search: String::new(),
            mode: SearchMode::Text,
            direction: DirectionFilter::All,
            show_ping_pong: true,
            socketio_request: false,
            raw_frames: false,
            event_names: BTreeSet::new(),
            socketio: SocketIoIndex::default(),
            parsed: None,
            filter_error: None,
            applied: Filter::default(),
            shown: VecDeque::new(),
            scanned_to: Seq(0),
            backfill_to: Seq(0),
            backfill_from: Seq(0),
            rate_from: Seq(0),
            selected: None,
            detail: EventDetail::default(),
            expanded: BTreeMap::new(),
            ticked: Vec::new(),
            follow: true,
            unseen: 0,
            jump_to_newest: false,
            scroll_offset: 0.0,
            rates: RateCounter::default(),
            arrived: 0,
            notice: None,
            export: None,
            export_dialog: None,
            export_reveal: false,
        }
    }
}

impl EventsView {
    /// How many events the filter shows (so far, while re-filtering).
    pub fn shown_len(&self) -> usize {
        self.shown.len()
    }

    /// Sequence numbers shown, oldest first.
    pub fn shown(&self) -> impl Iterator<Item = Seq> + '_ {
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

    /// Draws the panel; the list was brought up to date by [`Self::refresh`] (called by the
    /// app's logic step with the frame budget). `vars` are the variables in effect; exports
    /// mask the secret ones.
    pub fn ui(&mut self, ui: &mut Ui, log: &mut EventLog, state: ConnState, vars: &VarContext) {
        let added = std::mem::take(&mut self.arrived);
        self.toolbar(ui, log, vars);
        // Secret values are masked in everything shown, until revealed in the detail.
        let secrets = SecretMask::new(vars.secret_values());
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
                    self.detail.ack_link = self.socketio.link(seq).copied();
                    close = self.detail.ui(ui, log, seq, &secrets);
                    // egui keeps a panel as tall as what it drew: a short Connected or Closed
                    // detail, or a spinner while a view is formatted, would shrink the pane
                    // the user chose. Filling it keeps its height (remembered per window).
                    ui.expand_to_include_rect(ui.max_rect());
                });
            if close {
                self.selected = None;
            } else if let Some(ping) = self.detail.go_to.take() {
                self.selected = Some(ping);
            }
        }

        if log.is_empty() {
            empty_state(
                ui,
                if !state.is_active() {
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
        let mask = if self.detail.reveal {
            SecretMask::default()
        } else {
            secrets
        };
        self.rows_ui(ui, log, added, &mask);
    }
}
