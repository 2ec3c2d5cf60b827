//! The events panel: toolbar (search, direction filter, Clear, counts), the event list
//! (newest first, only visible rows drawn) and the detail of the selected event.
//!
//! The filtered list is cached as sequence numbers and extended incrementally as events
//! arrive; the whole log is re-filtered only when the filter itself changes.

use std::collections::VecDeque;

use chrono::TimeZone as _;
use egui::text::LayoutJob;
use egui::{Color32, FontId, TextFormat, Ui};

use super::app::empty_state;
use super::event_detail::EventDetail;
use super::widgets::ConnState;
use crate::engine::{Direction, Event, EventKind, Opcode, close_code_meaning};
use crate::log::{DirectionFilter, EventLog, Filter};

/// Longest preview drawn in a row (characters).
const PREVIEW_CHARS: usize = 240;

#[derive(Default)]
pub struct EventsView {
    pub search: String,
    pub direction: DirectionFilter,
    /// The filter `shown` was built with.
    applied: Option<Filter>,
    /// Sequence numbers of the events the filter keeps, oldest first.
    shown: VecDeque<u64>,
    /// The next sequence number not yet looked at.
    scanned_to: u64,
    pub selected: Option<u64>,
    detail: EventDetail,
}

impl EventsView {
    /// Brings the cached list up to date with `log` (cheap when only new events arrived).
    pub fn refresh(&mut self, log: &EventLog) {
        let filter = Filter::new(self.direction, &self.search);
        if self.applied.as_ref() != Some(&filter) || self.scanned_to > log.next_seq() {
            self.shown = log.filtered(&filter).into();
            self.applied = Some(filter);
        } else {
            let from = self.scanned_to.max(log.first_seq());
            for seq in from..log.next_seq() {
                if let Some(event) = log.get(seq)
                    && filter.matches(event)
                {
                    self.shown.push_back(seq);
                }
            }
        }
        self.scanned_to = log.next_seq();
        // Events dropped by the cap (or cleared) leave the view.
        while self.shown.front().is_some_and(|&s| s < log.first_seq()) {
            self.shown.pop_front();
        }
        if self.selected.is_some_and(|s| log.get(s).is_none()) {
            self.selected = None;
        }
    }

    /// How many events the filter shows.
    pub fn shown_len(&self) -> usize {
        self.shown.len()
    }

    pub fn ui(&mut self, ui: &mut Ui, log: &mut EventLog, state: ConnState) {
        self.refresh(log);
        self.toolbar(ui, log);
        ui.separator();

        if let Some(seq) = self.selected
            && let Some(event) = log.get(seq)
        {
            let mut close = false;
            egui::Panel::bottom("event_detail")
                .resizable(true)
                .default_size(ui.available_height() * 0.45)
                .size_range(80.0..=(ui.available_height() - 60.0).max(100.0))
                .show(ui, |ui| {
                    close = self.detail.ui(ui, seq, event);
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
            empty_state(ui, "No events match the filter");
            return;
        }

        let dark = ui.visuals().dark_mode;
        let font = egui::TextStyle::Monospace.resolve(ui.style());
        let row_height = ui.fonts_mut(|f| f.row_height(&font)) + 6.0;
        let total = self.shown.len();
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt("events_scroll")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, total, |ui, range| {
                ui.spacing_mut().item_spacing.y = 0.0;
                for row in range {
                    // Newest first.
                    let Some(&seq) = self.shown.get(total - 1 - row) else {
                        continue;
                    };
                    let Some(event) = log.get(seq) else {
                        continue;
                    };
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
                }
            });
        if let Some(seq) = clicked {
            self.selected = if self.selected == Some(seq) {
                None
            } else {
                Some(seq)
            };
        }
    }

    fn toolbar(&mut self, ui: &mut Ui, log: &mut EventLog) {
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.search)
                    .hint_text("🔍 Search events")
                    .desired_width(150.0),
            )
            .accessible_name("Search events");
            for d in DirectionFilter::ALL {
                ui.selectable_value(&mut self.direction, d, d.label());
            }
        });
        ui.horizontal(|ui| {
            let total = log.len();
            ui.label(format!("{total} events ({} shown)", self.shown.len()));
            if log.dropped() > 0 {
                ui.weak(format!("· {} oldest dropped", log.dropped()))
                    .on_hover_text(format!("The log keeps the newest {}", log.max_events()));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .add_enabled(total > 0, egui::Button::new("Clear"))
                    .on_hover_text("Remove every event from the list")
                    .clicked()
                {
                    log.clear();
                    self.selected = None;
                    self.refresh(log);
                }
            });
        });
    }
}

/// The glyph for an event: ↑ sent, ↓ received, • connection events.
pub fn glyph(event: &Event) -> &'static str {
    match event.direction() {
        Some(Direction::Sent) => "↑",
        Some(Direction::Received) => "↓",
        None => "•",
    }
}

/// Local wall-clock time with milliseconds.
pub fn local_time(at_ms: i64) -> String {
    match chrono::Local.timestamp_millis_opt(at_ms) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.format("%H:%M:%S%.3f").to_string()
        }
        chrono::LocalResult::None => "--:--:--.---".to_owned(),
    }
}

/// Bytes as a short human size.
pub fn human_size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
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
        EventKind::Ping { payload, .. } => format!("Ping {}", short_bytes(payload)),
        EventKind::Pong { payload, .. } => format!("Pong {}", short_bytes(payload)),
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
        Opcode::Text => {
            let head = &payload[..payload.len().min(PREVIEW_CHARS * 4)];
            let text = String::from_utf8_lossy(head);
            // One line: runs of whitespace (newlines, indentation) become one space.
            let mut out = String::with_capacity(PREVIEW_CHARS);
            let mut last_space = false;
            for c in text.trim().chars().take(PREVIEW_CHARS) {
                let space = c.is_whitespace() || c.is_control();
                if !(space && last_space) {
                    out.push(if space { ' ' } else { c });
                }
                last_space = space;
            }
            if text.chars().count() > PREVIEW_CHARS || head.len() < payload.len() {
                out.push('…');
            }
            out
        }
        Opcode::Binary => format!("Binary {}", short_bytes(payload)),
    }
}

fn short_bytes(payload: &[u8]) -> String {
    if payload.is_empty() {
        return String::new();
    }
    let mut s: Vec<String> = payload
        .iter()
        .take(24)
        .map(|b| format!("{b:02x}"))
        .collect();
    if payload.len() > 24 {
        s.push("…".into());
    }
    s.join(" ")
}

fn row_job(event: &Event, font: FontId, text_color: Color32, dark: bool) -> LayoutJob {
    let (sent, received, conn, error) = if dark {
        (
            Color32::from_rgb(0xe8, 0xb3, 0x39),
            Color32::from_rgb(0x4c, 0xc3, 0x6b),
            Color32::from_rgb(0x6c, 0xc0, 0xff),
            Color32::from_rgb(0xff, 0x6b, 0x6b),
        )
    } else {
        (
            Color32::from_rgb(0xb0, 0x6a, 0x00),
            Color32::from_rgb(0x1e, 0x8e, 0x3e),
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
    fn previews_are_one_line() {
        assert_eq!(preview(&msg(Direction::Received, "a\nb")), "a b");
        assert_eq!(human_size(2048), "2.0 KB");
    }
}
