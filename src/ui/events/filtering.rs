//! Keeping the filtered list up to date: new events are checked as they arrive; after a
//! filter change the old ones are re-filtered from the newest back. Both share the frame's
//! [`FrameBudget`] (new events until [`NEW_EVENTS_SHARE`], re-filtering until the end), so a
//! flood or a million events never stretch a frame; the rest waits for the next one.

use std::time::Duration;

use super::EventsView;
use crate::log::{EventLog, Filter, Seq};
use crate::ui::budget::{FrameBudget, NEW_EVENTS_SHARE, REFILTER_AT_MOST};

/// While re-filtering, the clock is read after this many events...
const CHECK_EVERY: u32 = 512;
/// ...or this many payload bytes, whichever comes first.
const CHECK_BYTES: usize = 64 * 1024;
/// More new events than this at once (a view shown again after a flood) are filtered like a
/// filter change: newest first, with a budget, instead of all in one frame.
const FORWARD_LIMIT: u64 = 100_000;

impl EventsView {
    /// Brings the cached list up to date with `log` within a budget of its own and returns
    /// how many rows were added at the newest end (also kept for the next drawing).
    pub fn refresh(&mut self, log: &EventLog) -> usize {
        self.refresh_within(log, &FrameBudget::new())
    }

    /// [`Self::refresh`] with an explicit total budget (tests use zero).
    pub fn refresh_with_budget(&mut self, log: &EventLog, budget: Duration) -> usize {
        self.refresh_within(log, &FrameBudget::with_total(budget))
    }

    /// Brings the cached list up to date with `log`, within what is left of this frame's
    /// `budget`. Cheap when only new events arrived; after a filter change the old events are
    /// re-filtered over several calls ([`Self::filtering_progress`]).
    pub fn refresh_within(&mut self, log: &EventLog, budget: &FrameBudget) -> usize {
        let hide_raw = self.socketio_request && !self.raw_frames;
        let names_changed = self
            .parsed
            .as_ref()
            .is_none_or(|p| !p.5.iter().eq(self.event_names.iter()));
        let same = self.parsed.as_ref().is_some_and(|p| {
            p.0 == self.direction
                && p.1 == self.mode
                && p.2 == self.search
                && p.3 == self.show_ping_pong
                && p.4 == hide_raw
        });
        if !same || names_changed {
            let key = (
                self.direction,
                self.mode,
                self.search.clone(),
                self.show_ping_pong,
                hide_raw,
                self.event_names.iter().cloned().collect(),
            );
            match Filter::parse(self.direction, self.mode, &self.search) {
                Ok(filter) => {
                    let filter = filter
                        .hiding_ping_pong(!self.show_ping_pong)
                        .hiding_raw_frames(hide_raw)
                        .with_event_names(self.event_names.iter().cloned());
                    self.filter_error = None;
                    if filter != self.applied {
                        self.applied = filter;
                        self.restart(log, self.scanned_to.max(log.first_seq()));
                    }
                }
                Err(err) => self.filter_error = Some(crate::format::error_chain(&err)),
            }
            self.parsed = Some(key);
        }
        let next = log.next_seq();
        if next.since(self.scanned_to) > FORWARD_LIMIT {
            let rate_from = self.scanned_to.max(log.first_seq());
            self.restart(log, rate_from);
        }
        // New events, oldest first, within their own budget: under a flood with a search on,
        // what is left waits for the next frame (which the panel asks for).
        let mut added = 0;
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
            seq = seq.next();
            if (seq.0.is_multiple_of(u64::from(CHECK_EVERY)) || bytes >= CHECK_BYTES)
                && budget.past(NEW_EVENTS_SHARE)
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
        let budget = budget.stage(REFILTER_AT_MOST);
        let mut looked = 0u32;
        let mut bytes = 0usize;
        while let Some(seq) = self
            .backfill_to
            .prev()
            .filter(|&seq| seq >= log.first_seq())
        {
            if let Some(event) = log.get(seq) {
                let size = event.size();
                // A big event after half of the stage waits for the next frame.
                if size >= CHECK_BYTES && looked > 0 && budget.past(0.5) {
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
                if budget.spent() {
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
        self.arrived += added;
        added
    }

    /// Whether events arrived that are not looked at yet (more work for the next frame).
    pub fn behind(&self, log: &EventLog) -> bool {
        self.scanned_to < log.next_seq()
    }

    /// Starts re-filtering everything: newest events first, `rate_from..` also counted.
    fn restart(&mut self, log: &EventLog, rate_from: Seq) {
        self.shown.clear();
        self.scanned_to = log.next_seq();
        self.backfill_to = log.next_seq();
        self.backfill_from = log.next_seq();
        self.rate_from = rate_from;
        self.scroll_offset = 0.0;
        self.unseen = 0;
    }

    /// While old events are being re-filtered: the fraction done (0..1).
    pub fn filtering_progress(&self, log: &EventLog) -> Option<f32> {
        let first = log.first_seq();
        (self.backfill_to > first).then(|| {
            let total = self.backfill_from.since(first).max(1);
            1.0 - self.backfill_to.since(first) as f32 / total as f32
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Direction;
    use crate::engine::test_events::text as msg;
    use crate::log::{DirectionFilter, SearchMode};

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
        let naive: Vec<Seq> = log
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
}
