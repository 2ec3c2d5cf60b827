//! The events panel of a Socket.IO request: a line under the toolbar with the **Raw frames**
//! toggle and one chip per event name seen so far (click chips to show only those events;
//! "All events" clears them), and the rows' extra columns: the event name (or `ack N`) and,
//! on an emit that asked for one, how its acknowledgement went ("ack 12 ms", "waiting for
//! ack", "no ack in 5000 ms"); an ack (named `ack N` after the emit's id) shows the round trip.
//!
//! Per frame this costs O(names shown) for the chips (the names are kept by
//! [`crate::log::SocketIoIndex`] as events arrive) and O(1) per visible row for the columns.

use egui::Ui;

use super::EventsView;
use crate::engine::{Event, EventKind, SocketIoPacket};
use crate::log::{AckOutcome, Seq};
use crate::ui::socketio::detail::round_trip;

/// Chips shown inline; the other names are in the "+N more" menu.
const INLINE_CHIPS: usize = 24;

/// The event-name column's width in characters (longer names are cut with …).
pub(super) const NAME_COLUMN: usize = 16;

impl EventsView {
    /// The Raw frames toggle and the event-name chips (Socket.IO requests only).
    pub(super) fn socketio_bar(&mut self, ui: &mut Ui) {
        if !self.socketio_request {
            return;
        }
        ui.horizontal_wrapped(|ui| {
            ui.toggle_value(&mut self.raw_frames, "Raw frames")
                .on_hover_text(
                    "Also show the WebSocket frames that carried the packets (0{…}, 40, \
                     42[…], 2, 3): for debugging the Engine.IO and Socket.IO layers",
                );
            ui.separator();
            let names = self.socketio.names();
            if names.len() == 0 {
                ui.weak("Event names appear here as events arrive");
                return;
            }
            if ui
                .selectable_label(self.event_names.is_empty(), "All events")
                .on_hover_text("Show events of every name")
                .clicked()
            {
                self.event_names.clear();
            }
            let mut toggled = None;
            let mut more = Vec::new();
            for (i, (name, count)) in names.enumerate() {
                if i >= INLINE_CHIPS {
                    more.push((name, count));
                    continue;
                }
                let on = self.event_names.contains(name);
                if ui
                    .selectable_label(on, name)
                    .on_hover_text(format!(
                        "{count} events named {name}: click to show only these (several chips \
                         show any of them)"
                    ))
                    .accessible_name(format!("Event name {name}"))
                    .clicked()
                {
                    toggled = Some(name.to_owned());
                }
            }
            if !more.is_empty() {
                ui.menu_button(format!("+{} more", more.len()), |ui| {
                    egui::ScrollArea::vertical()
                        .max_height(300.0)
                        .show(ui, |ui| {
                            for (name, count) in &more {
                                let on = self.event_names.contains(*name);
                                if ui
                                    .selectable_label(on, format!("{name} ({count})"))
                                    .clicked()
                                {
                                    toggled = Some((*name).to_owned());
                                }
                            }
                        });
                });
            }
            let left_out = self.socketio.names_left_out();
            if left_out > 0 {
                ui.weak(format!(
                    "· {left_out} events of further names: use the search box"
                ));
            }
            if let Some(name) = toggled
                && !self.event_names.remove(&name)
            {
                self.event_names.insert(name);
            }
        });
    }

    /// The name column and the ack note of a Socket.IO event's row; `None` for other events.
    pub(super) fn socketio_columns(&self, seq: Seq, event: &Event) -> Option<(String, String)> {
        let EventKind::SocketIo(sio) = &event.kind else {
            return None;
        };
        let name = match &sio.packet {
            SocketIoPacket::Event { event, .. } => event.clone(),
            SocketIoPacket::Ack { ack_id, .. } => format!("ack {ack_id}"),
            SocketIoPacket::AckTimeout { ack_id, .. } => format!("ack {ack_id}"),
            _ => return None,
        };
        let note = match self.socketio.link(seq) {
            Some(link) if link.emit == seq => match link.outcome {
                AckOutcome::Pending => "waiting for ack".to_owned(),
                AckOutcome::Answered { rtt: Some(d), .. } => format!("ack {}", round_trip(d)),
                AckOutcome::Answered { rtt: None, .. } => "acked".to_owned(),
                AckOutcome::TimedOut { after_ms, .. } => format!("no ack in {after_ms} ms"),
            },
            // The answer: its name column already says `ack N`.
            Some(link) => match link.outcome {
                AckOutcome::Answered { rtt: Some(d), .. } => round_trip(d),
                _ => String::new(),
            },
            None => String::new(),
        };
        Some((fit(&name, NAME_COLUMN), note))
    }
}

/// `text` in exactly `width` characters: padded, or cut with …
pub(super) fn fit(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        format!("{text:<width$}")
    } else {
        let mut cut: String = text.chars().take(width - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Direction;
    use crate::log::EventLog;
    use bytes::Bytes;
    use std::time::Duration;

    fn sio(direction: Direction, packet: SocketIoPacket) -> Event {
        crate::log::socketio_tests::sio(1, direction, packet)
    }

    #[test]
    fn rows_show_the_name_and_how_the_ack_went_and_chips_filter() {
        let mut log = EventLog::default();
        let mut view = EventsView {
            socketio_request: true,
            ..EventsView::default()
        };
        let events = [
            sio(
                Direction::Sent,
                SocketIoPacket::Event {
                    event: "a.rather.long.event.name".into(),
                    args: Bytes::from_static(b"[1]"),
                    attachments: Vec::new(),
                    ack_id: Some(0),
                },
            ),
            sio(
                Direction::Received,
                SocketIoPacket::Ack {
                    ack_id: 0,
                    args: Bytes::from_static(b"[\"ok\"]"),
                    attachments: Vec::new(),
                    rtt: Some(Duration::from_millis(12)),
                },
            ),
            sio(
                Direction::Received,
                SocketIoPacket::Event {
                    event: "tick".into(),
                    args: Bytes::new(),
                    attachments: Vec::new(),
                    ack_id: None,
                },
            ),
        ];
        for e in events {
            view.socketio.observe(log.next_seq(), &e, log.first_seq());
            log.push(e);
        }
        let (name, note) = view
            .socketio_columns(Seq(0), log.get(Seq(0)).unwrap())
            .unwrap();
        assert_eq!(name, "a.rather.long.e…");
        assert_eq!(note, "ack 12 ms");
        let (name, note) = view
            .socketio_columns(Seq(1), log.get(Seq(1)).unwrap())
            .unwrap();
        assert_eq!(name.trim_end(), "ack 0");
        assert_eq!(note, "12 ms");
        view.refresh(&log);
        assert_eq!(view.shown_len(), 3);
        view.event_names.insert("tick".into());
        view.refresh(&log);
        assert_eq!(view.shown().collect::<Vec<_>>(), [Seq(2)]);
    }
}
