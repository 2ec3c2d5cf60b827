//! The detail of one event: full text (pretty JSON when it parses), or a hexdump for binary,
//! with time and size. Computed once per selected event and size-limited.

use chrono::TimeZone as _;
use egui::{RichText, Ui};

use super::events_panel::{glyph, human_size, preview};
use super::pretty::pretty_json;
use crate::engine::{Event, EventKind, Opcode};
use crate::format::hexdump;

/// Larger payloads are shown truncated, with a note.
pub const DETAIL_LIMIT: usize = 512 * 1024;

pub struct EventDetail {
    /// (sequence number, rendered text, note) for the selected event.
    cache: Option<(u64, String, Option<String>)>,
    pretty: bool,
}

impl Default for EventDetail {
    fn default() -> Self {
        Self {
            cache: None,
            pretty: true,
        }
    }
}

impl EventDetail {
    /// Returns true when the user closes the detail.
    pub fn ui(&mut self, ui: &mut Ui, seq: u64, event: &Event) -> bool {
        let mut close = false;
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("{} {}", glyph(event), kind_title(event))).strong());
            ui.weak(full_time(event.at_ms));
            if event.payload().is_some() {
                ui.weak(format!(
                    "{} ({} bytes)",
                    human_size(event.size()),
                    event.size()
                ));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                close = ui
                    .small_button("×")
                    .on_hover_text("Close the detail")
                    .accessible_name("Close detail")
                    .clicked();
                if is_text(event) && ui.toggle_value(&mut self.pretty, "Pretty").changed() {
                    self.cache = None;
                }
            });
        });
        ui.separator();
        if self.cache.as_ref().is_none_or(|(s, _, _)| *s != seq) {
            let (text, note) = render(event, self.pretty);
            self.cache = Some((seq, text, note));
        }
        if let Some((_, text, note)) = &self.cache {
            if let Some(note) = note {
                ui.colored_label(ui.visuals().warn_fg_color, note);
            }
            egui::ScrollArea::both()
                .id_salt("event_detail_scroll")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    let mut view: &str = text;
                    ui.add(
                        egui::TextEdit::multiline(&mut view)
                            .font(egui::TextStyle::Monospace)
                            .desired_width(f32::INFINITY)
                            .frame(egui::Frame::NONE),
                    )
                    .accessible_name("Event detail");
                });
        }
        close
    }
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

fn full_time(at_ms: i64) -> String {
    match chrono::Local.timestamp_millis_opt(at_ms) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.format("%Y-%m-%d %H:%M:%S%.3f").to_string()
        }
        chrono::LocalResult::None => String::new(),
    }
}

/// The detail text and an optional note (truncation, invalid UTF-8).
pub fn render(event: &Event, pretty: bool) -> (String, Option<String>) {
    match &event.kind {
        EventKind::Message {
            opcode: Opcode::Text,
            payload,
            ..
        } => {
            let truncated = payload.len() > DETAIL_LIMIT;
            let bytes = &payload[..payload.len().min(DETAIL_LIMIT)];
            let text = String::from_utf8_lossy(bytes).into_owned();
            let text = if pretty
                && !truncated
                && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
            {
                pretty_json(&text)
            } else {
                text
            };
            let note = truncated.then(|| {
                format!(
                    "Showing the first {} of {}",
                    human_size(DETAIL_LIMIT),
                    human_size(payload.len())
                )
            });
            (text, note)
        }
        EventKind::Message { payload, .. }
        | EventKind::Ping { payload, .. }
        | EventKind::Pong { payload, .. } => {
            let limit = DETAIL_LIMIT / 8;
            let dump = hexdump(&payload[..payload.len().min(limit)]);
            let note = (payload.len() > limit).then(|| {
                format!(
                    "Hexdump of the first {} of {}",
                    human_size(limit),
                    human_size(payload.len())
                )
            });
            (dump, note)
        }
        EventKind::Connected(info) => {
            let mut s = format!("{}\n\n", preview(event));
            s.push_str(&format!("{}\n", info.request_line));
            for (k, v) in &info.request_headers {
                s.push_str(&format!("{k}: {v}\n"));
            }
            s.push_str(&format!("\nHTTP/1.1 {}\n", info.status));
            for (k, v) in &info.response_headers {
                s.push_str(&format!("{k}: {v}\n"));
            }
            if let Some(tls) = &info.tls_version {
                s.push_str(&format!("\nTLS: {tls}\n"));
            }
            (s, None)
        }
        _ => (preview(event), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Direction;
    use bytes::Bytes;

    #[test]
    fn json_is_pretty_and_binary_is_hexdumped() {
        let text = Event::now(
            1,
            EventKind::Message {
                direction: Direction::Received,
                opcode: Opcode::Text,
                payload: Bytes::from_static(b"{\"a\":1}"),
            },
        );
        assert_eq!(render(&text, true).0, "{\n  \"a\": 1\n}");
        assert_eq!(render(&text, false).0, "{\"a\":1}");
        let bin = Event::now(
            1,
            EventKind::Message {
                direction: Direction::Received,
                opcode: Opcode::Binary,
                payload: Bytes::from_static(&[0xde, 0xad]),
            },
        );
        assert!(render(&bin, true).0.contains("de ad"));
    }
}
