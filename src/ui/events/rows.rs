//! The rows of the events list: one line per event (glyph, local time, size, preview),
//! only the visible ones laid out (`show_rows`); ▸ expands a row inline (its first lines
//! below it), a tick box marks up to two events, a click selects one for the detail.

use egui::text::LayoutJob;
use egui::{Color32, FontId, TextFormat, Ui};

use super::EventsView;
use crate::engine::{Direction, Event, EventKind};
use crate::format::{local_time, size_on_wire};
use crate::log::{EventLog, Seq};
use crate::ui::event_detail::{ViewAs, derive_text};
use crate::ui::secret_mask::SecretMask;
use crate::ui::text::{PREVIEW_CHARS, glyph, preview};

impl EventsView {
    /// The list, scrolled as following newest (or not) asks; `added` rows arrived since the
    /// last drawing.
    pub(super) fn rows_ui(&mut self, ui: &mut Ui, log: &EventLog, added: usize, mask: &SecretMask) {
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
                                egui::RichText::new(mask.text(text))
                                    .font(font.clone())
                                    .color(weak),
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
                    let columns = self.socketio_columns(seq, event);
                    let job = row_job(
                        event,
                        columns.as_ref(),
                        font.clone(),
                        ui.visuals().text_color(),
                        dark,
                        mask,
                    );
                    let selected = self.selected == Some(seq);
                    let response = ui.add(
                        egui::Button::selectable(selected, (job, egui::Atom::grow()))
                            .truncate()
                            .min_size(egui::vec2(ui.available_width(), row_height)),
                    );
                    // The whole line on hover (the row may be cut to the panel's width); built
                    // only while hovered.
                    let response = response.on_hover_ui(|ui| {
                        ui.set_max_width(520.0);
                        let more = hover_text(event);
                        ui.label(mask.text(&more));
                    });
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

    /// shown, newest first. Display rows count from the top (newest).
    fn expansion_anchors(&self, total: usize) -> Vec<(usize, Seq, usize)> {
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
}

/// At most this many rows are expanded at once (the oldest expansion closes).
const MAX_EXPANDED: usize = 32;
/// An expanded row shows at most this many lines.
const EXPANDED_LINES: usize = 12;

/// Which event row (counting from the newest, without expansion lines) a display row is, and
/// which expansion line of it, if it is one.
fn locate_row(anchors: &[(usize, Seq, usize)], display_row: usize) -> (usize, Option<usize>) {
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
            let view = match ViewAs::sniffed(event) {
                ViewAs::Html => ViewAs::Xml,
                view => view,
            };
            derive_text(head, view, true).0
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

/// (received, sent) colours of the list and the rate plot.
pub(super) fn row_colors(dark: bool) -> (Color32, Color32) {
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

/// What hovering a row shows: its line with more of the payload (up to 400 characters).
fn hover_text(event: &Event) -> String {
    match &event.kind {
        EventKind::Message {
            opcode, payload, ..
        } if *opcode == crate::engine::Opcode::Text => {
            if payload.is_empty() {
                return "(empty)".to_owned();
            }
            crate::format::text_preview(payload, 400, crate::format::LineBreaks::Collapse)
        }
        _ => preview(event),
    }
}

/// One row's text; `socketio` is a Socket.IO event's name column and ack note.
fn row_job(
    event: &Event,
    socketio: Option<&(String, String)>,
    font: FontId,
    text_color: Color32,
    dark: bool,
    mask: &SecretMask,
) -> LayoutJob {
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
    let warning = if dark {
        Color32::from_rgb(0xff, 0xb0, 0x3b)
    } else {
        Color32::from_rgb(0xa8, 0x5d, 0x00)
    };
    let glyph_color = match (&event.kind, event.direction()) {
        (kind, _) if kind.is_warning() => warning,
        (EventKind::Error { .. } | EventKind::HandshakeFailed(_), _) => error,
        (EventKind::SocketIo(sio), _) => match sio.packet {
            crate::engine::SocketIoPacket::ConnectError { .. } => error,
            crate::engine::SocketIoPacket::AckTimeout { .. } => warning,
            _ if crate::log::is_connection_event(event) => conn,
            _ if event.direction() == Some(Direction::Sent) => sent,
            _ => received,
        },
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
    let size = if event.direction().is_some() && !crate::log::is_connection_event(event) {
        size_on_wire(event.size(), event.wire_size())
    } else {
        String::new()
    };
    job.append(
        &format!("{size:>8}"),
        6.0,
        TextFormat::simple(font.clone(), weak),
    );
    if let Some((name, note)) = socketio {
        job.append(name, 12.0, TextFormat::simple(font.clone(), glyph_color));
        if !note.is_empty() {
            let color = if note.starts_with("no ack") {
                warning
            } else {
                weak
            };
            job.append(note, 8.0, TextFormat::simple(font.clone(), color));
        }
    }
    let preview_color = if event.direction().is_none() || crate::log::is_connection_event(event) {
        glyph_color
    } else {
        text_color
    };
    job.append(
        &mask.preview(&preview(event)),
        12.0,
        TextFormat::simple(font, preview_color),
    );
    job
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::test_events::text as msg;

    #[test]
    fn expansion_lines_sit_below_their_row() {
        // Rows (newest first) 0..5; the event at row 1 has 2 lines, the one at row 3 has 1.
        let anchors = [(1, Seq(10), 2), (5, Seq(8), 1)];
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
        view.expanded
            .insert(Seq(1), expanded_lines(log.get(Seq(1)).unwrap()));
        assert_eq!(view.expanded[&Seq(1)], ["{", "  \"b\": 1", "}"]);
        // Seq 1 is the third newest: display row 2.
        assert_eq!(view.expansion_anchors(4), vec![(2, Seq(1), 3)]);
    }
}
