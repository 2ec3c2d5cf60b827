//! The body of a payload in the chosen view: a spinner while a big one is formatted on a
//! worker, the "truncated" note with Show all, find highlights, and either one laid-out
//! text (selectable, wrapped or not) or, for very long texts, only the visible lines.

use egui::Ui;
use egui::text::CCursor;

use super::EventDetail;
use super::find::MAX_MATCHES;
use super::find::{find_matches, line_job, overlay};
use super::views::{DerivedKey, HEX_LIMIT, TEXT_LIMIT, ViewAs};
use crate::format::human_size;
use crate::ui::secret_mask::SecretMask;

impl EventDetail {
    /// Draws the body of event `seq` (its `payload`) in the current view.
    pub(super) fn body_ui(
        &mut self,
        ui: &mut Ui,
        seq: crate::log::Seq,
        payload: &bytes::Bytes,
        mask: &SecretMask,
    ) {
        let dark = ui.visuals().dark_mode;
        let key = DerivedKey {
            seq,
            view: self.view,
            show_all: self.show_all,
            dark,
            mask: mask.fingerprint(),
        };
        self.update_derived(ui, key, payload, mask);
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
        // A hexdump's columns only read in one piece: never wrapped, scrolled sideways.
        let wrap = self.wrap && self.view != ViewAs::Hexdump;
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
        let kept = &mut self.kept_galley;
        let kept_key = (key, self.find.clone(), self.find_current, wrap);
        let scroll = if wrap {
            egui::ScrollArea::vertical()
        } else {
            egui::ScrollArea::both()
        };
        scroll
            .id_salt("event_detail_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                // Kept while the view, the find highlights and the width stay: a blink of the
                // focused find box must not lay out (or even copy) 256 KB of text again.
                let font = egui::TextStyle::Monospace.resolve(ui.style());
                let mut layouter = |ui: &Ui, _buf: &dyn egui::TextBuffer, width: f32| {
                    let width = if wrap { width } else { f32::INFINITY };
                    kept.get(ui, kept_key.clone(), width, &font, || {
                        let mut job = job.clone();
                        job.wrap.max_width = width;
                        ui.fonts_mut(|f| f.layout_job(job))
                    })
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
}
