//! The small message-rate plot in the events toolbar: received and sent messages per second
//! over the last 60 s. Counted incrementally as events are first seen (never by rescanning
//! the log), in 60 one-second buckets.

use egui::{Color32, Sense, Stroke, Ui, pos2, vec2};

use crate::engine::{Direction, Event, EventKind};

/// The width of the label and the plot together, in points.
const WIDTH: f32 = 120.0;

/// How many seconds the plot shows.
pub const WINDOW_SECS: usize = 60;

#[derive(Clone, Copy, Default)]
struct Bucket {
    second: i64,
    received: u32,
    sent: u32,
}

/// Messages per second, received and sent, for the last [`WINDOW_SECS`] seconds.
pub struct RateCounter {
    buckets: [Bucket; WINDOW_SECS],
}

impl Default for RateCounter {
    fn default() -> Self {
        Self {
            buckets: [Bucket {
                second: i64::MIN,
                ..Bucket::default()
            }; WINDOW_SECS],
        }
    }
}

impl RateCounter {
    /// Counts a text or binary message; other events are ignored.
    pub fn add(&mut self, event: &Event) {
        let EventKind::Message { direction, .. } = &event.kind else {
            return;
        };
        let second = event.at_ms.div_euclid(1000);
        let bucket = &mut self.buckets[second.rem_euclid(WINDOW_SECS as i64) as usize];
        if bucket.second < second {
            *bucket = Bucket {
                second,
                received: 0,
                sent: 0,
            };
        } else if bucket.second > second {
            // Older than the window this bucket now holds.
            return;
        }
        match direction {
            Direction::Received => bucket.received += 1,
            Direction::Sent => bucket.sent += 1,
        }
    }

    /// (received, sent) per second, oldest first, the last entry being the second of `now_ms`.
    pub fn series(&self, now_ms: i64) -> [(u32, u32); WINDOW_SECS] {
        let now = now_ms.div_euclid(1000);
        let mut out = [(0, 0); WINDOW_SECS];
        for (i, slot) in out.iter_mut().enumerate() {
            let second = now - (WINDOW_SECS - 1 - i) as i64;
            let b = &self.buckets[second.rem_euclid(WINDOW_SECS as i64) as usize];
            if b.second == second {
                *slot = (b.received, b.sent);
            }
        }
        out
    }

    /// Draws the plot (with its label, [`WIDTH`] × 22 points) as a plot: a "msg/s" label,
    /// axes (a time axis at zero and a value axis) and, once there is traffic, the peak's
    /// value at the top of the value axis; no filled box or frame that reads as an input.
    /// Hover shows the numbers.
    pub fn ui(&self, ui: &mut Ui, received_color: Color32, sent_color: Color32) {
        // Up to the last complete second (the current one is still filling).
        let now = crate::engine::now_ms() - 1000;
        let series = self.series(now);
        let peak = series.iter().map(|(r, s)| (*r).max(*s)).max().unwrap_or(0);
        let label = ui
            .label(egui::RichText::new("msg/s").small().weak())
            .on_hover_text("Messages per second over the last 60 s: received and sent");
        // The label and the plot together take the width the plot alone used to, so the
        // toolbar around them does not wrap differently.
        let width = (WIDTH - label.rect.width() - ui.spacing().item_spacing.x).max(60.0);
        let (rect, response) = ui.allocate_exact_size(vec2(width, 22.0), Sense::hover());
        let painter = ui.painter_at(rect);
        let axis = ui.visuals().weak_text_color();
        // The value axis (left, a tick at the peak) and the time axis at zero (bottom).
        let origin = pos2(rect.left() + 1.0, rect.bottom() - 1.5);
        let top = rect.top() + 1.0;
        let stroke = Stroke::new(1.0, axis);
        painter.line_segment([origin, pos2(origin.x, top)], stroke);
        painter.line_segment([origin, pos2(rect.right() - 1.0, origin.y)], stroke);
        painter.line_segment([pos2(origin.x, top), pos2(origin.x + 3.0, top)], stroke);
        if peak > 0 {
            painter.text(
                pos2(origin.x + 5.0, top - 1.0),
                egui::Align2::LEFT_TOP,
                peak.to_string(),
                egui::FontId::proportional(9.0),
                axis,
            );
        }
        if peak > 0 {
            let scale = (rect.height() - 3.0) / peak as f32;
            let x = |i: usize| rect.left() + 1.0 + i as f32 * (rect.width() - 2.0) / 59.0;
            let y = |v: u32| rect.bottom() - 1.5 - v as f32 * scale;
            for (pick, color) in [(0, sent_color), (1, received_color)] {
                let points = series
                    .iter()
                    .enumerate()
                    .map(|(i, (r, s))| pos2(x(i), y(if pick == 0 { *s } else { *r })))
                    .collect();
                painter.line(points, Stroke::new(1.2, color));
            }
            // Keep the plot sliding while it has something to show.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs(1));
        }
        let (r_now, s_now) = series[WINDOW_SECS - 1];
        let text = format!(
            "Messages per second, last 60 s\nreceived: {r_now}/s (peak {})\nsent: {s_now}/s (peak {})",
            series.iter().map(|p| p.0).max().unwrap_or(0),
            series.iter().map(|p| p.1).max().unwrap_or(0),
        );
        response
            .on_hover_text(text)
            .accessible_name(format!("Message rate: {r_now} received/s, {s_now} sent/s"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Opcode;
    use bytes::Bytes;

    fn at(at_ms: i64, direction: Direction) -> Event {
        Event {
            at_ms,
            session: crate::engine::SessionId(1),
            kind: EventKind::Message {
                direction,
                opcode: Opcode::Text,
                payload: Bytes::new(),
                wire_size: None,
            },
        }
    }

    #[test]
    fn buckets_per_second_and_forgets_old_ones() {
        let mut r = RateCounter::default();
        r.add(&at(10_000, Direction::Received));
        r.add(&at(10_999, Direction::Received));
        r.add(&at(11_000, Direction::Sent));
        let s = r.series(11_500);
        assert_eq!(s[59], (0, 1));
        assert_eq!(s[58], (2, 0));
        // 60 s later the same bucket holds a new second.
        r.add(&at(70_000, Direction::Received));
        r.add(&at(10_500, Direction::Received)); // too old: ignored
        let s = r.series(70_000);
        assert_eq!(s[59], (1, 0));
        assert_eq!(s.iter().map(|p| p.0).sum::<u32>(), 1);
    }
}
