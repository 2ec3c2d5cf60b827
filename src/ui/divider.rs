//! Where the user put a panel's divider, kept as a share of the room the panel divides.
//!
//! Contract: a divider moves only when the user drags it. A zoom (Ctrl+plus, Ctrl+minus,
//! Ctrl+0) or a window resize keeps the panel at the same share of its room; in particular
//! zooming in and back with Ctrl+0 puts the divider back where it was.
//!
//! Why: egui remembers a resizable panel's last drawn size only. Zoomed in, the room (in
//! points) shrinks and the panel is clamped to what fits; that clamped size was then kept after
//! Ctrl+0. Here the share is remembered separately (in egui's persisted memory, so it survives
//! restarts as the panel sizes do), updated only on frames where neither the room nor the zoom
//! changed (a drag), and imposed for one frame whenever either does.

use serde::{Deserialize, Serialize};

/// One divider's remembered position; load it, ask [`Divider::forced_size`] before showing
/// the panel, and report what was drawn with [`Divider::drawn`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Divider {
    /// The panel's size as a share of its room, as the user left it.
    share: Option<f32>,
    /// The room, zoom and size of the last frame drawn.
    room: f32,
    zoom: f32,
    size: f32,
}

impl Divider {
    /// The divider remembered under `id` (a fresh one if none).
    pub fn load(ctx: &egui::Context, id: egui::Id) -> Self {
        ctx.data_mut(|d| d.get_persisted(id)).unwrap_or_default()
    }

    /// The size the panel must have this frame because its room or the zoom changed since
    /// the last frame (clamped to `range`), or None to let egui keep (and the user drag) it.
    pub fn forced_size(&self, room: f32, zoom: f32, range: egui::Rangef) -> Option<f32> {
        let share = self.share?;
        let changed = (room - self.room).abs() > 0.5 || zoom != self.zoom;
        changed.then(|| range.clamp(share * room))
    }

    /// Records the size drawn this frame. A new size with the same room and zoom is the
    /// user's drag: its share is remembered. Then stores the divider under `id`.
    pub fn drawn(
        mut self,
        ctx: &egui::Context,
        id: egui::Id,
        room: f32,
        zoom: f32,
        size: f32,
        forced: bool,
    ) {
        let same_room = (room - self.room).abs() <= 0.5 && zoom == self.zoom;
        let moved = (size - self.size).abs() > 0.5;
        if room > 0.0 && !forced && (self.share.is_none() || (same_room && moved)) {
            self.share = Some(size / room);
        }
        self.room = room;
        self.zoom = zoom;
        self.size = size;
        ctx.data_mut(|d| d.insert_persisted(id, self));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zoom_and_back_restores_the_share() {
        let ctx = egui::Context::default();
        let id = egui::Id::unique("test_divider");
        let range = egui::Rangef::new(100.0, 10_000.0);
        // First frame at 1000 points: the default 500 becomes the share.
        let d = Divider::load(&ctx, id);
        assert_eq!(d.forced_size(1000.0, 1.0, range), None);
        d.drawn(&ctx, id, 1000.0, 1.0, 500.0, false);
        // The user drags to 700.
        Divider::load(&ctx, id).drawn(&ctx, id, 1000.0, 1.0, 700.0, false);
        // Zoomed in: the room is 600 points, clamped to 300 by what fits.
        let d = Divider::load(&ctx, id);
        let range_zoomed = egui::Rangef::new(100.0, 300.0);
        assert_eq!(d.forced_size(600.0, 1.5, range_zoomed), Some(300.0));
        d.drawn(&ctx, id, 600.0, 1.5, 300.0, true);
        // A frame later nothing is forced, and the clamp is not taken for a drag.
        let d = Divider::load(&ctx, id);
        assert_eq!(d.forced_size(600.0, 1.5, range_zoomed), None);
        d.drawn(&ctx, id, 600.0, 1.5, 300.0, false);
        // Ctrl+0: back to 700.
        let d = Divider::load(&ctx, id);
        assert_eq!(d.forced_size(1000.0, 1.0, range), Some(700.0));
    }
}
