//! Find in the body: case-insensitive matches (at most [`MAX_MATCHES`]), their highlight laid
//! over the view's text, the virtual view's per-line highlight, and the find bar (count,
//! previous/next, Enter for the next match).

use std::ops::Range;

use egui::text::LayoutJob;
use egui::{Color32, FontId, Ui};

use super::EventDetail;

/// At most this many find matches are highlighted and counted.
pub const MAX_MATCHES: usize = 10_000;

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
pub(super) fn overlay(
    job: &LayoutJob,
    matches: &[Range<usize>],
    current: usize,
    dark: bool,
) -> LayoutJob {
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
pub(super) fn line_job(
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

/// The id of the find box (one detail is shown at a time): benchmarks focus it.
pub fn find_box_id() -> egui::Id {
    egui::Id::unique("event_detail_find")
}

impl EventDetail {
    pub(super) fn find_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut self.find)
                        .id(find_box_id())
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
