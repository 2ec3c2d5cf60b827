//! One time budget per frame for the work that can pile up: taking engine events off the
//! channel, filtering newly arrived events and re-filtering old ones after a filter change.
//!
//! All three read the same clock. Taking events may run until [`DRAIN_SHARE`] of the frame is
//! used, filtering new ones until [`NEW_EVENTS_SHARE`] (time the drain leaves unused goes to
//! them), and re-filtering gets a [`FrameBudget::stage`] of at most [`REFILTER_AT_MOST`] of what
//! is left: a search change alone costs a frame about 6 ms, and the three together never more
//! than [`PER_FRAME`]. Every stage always makes some progress, so a flood slows the list down
//! but never freezes a frame.

use std::time::{Duration, Instant};

/// The time a frame may spend on backlogs, in total.
pub const PER_FRAME: Duration = Duration::from_millis(18);
/// Engine events may be taken until this share of the frame is used...
pub const DRAIN_SHARE: f32 = 8.0 / 18.0;
/// ...newly arrived events filtered until this share...
pub const NEW_EVENTS_SHARE: f32 = 12.0 / 18.0;
/// ...and old ones re-filtered for at most this long (and not past the frame's total).
pub const REFILTER_AT_MOST: Duration = Duration::from_millis(6);

/// The clock and the total of one frame's budget (see the module doc).
#[derive(Debug, Clone, Copy)]
pub struct FrameBudget {
    start: Instant,
    total: Duration,
}

impl Default for FrameBudget {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameBudget {
    /// A budget of [`PER_FRAME`], starting now.
    pub fn new() -> Self {
        Self::with_total(PER_FRAME)
    }

    /// A budget of `total`, starting now (tests use zero: one batch per stage).
    pub fn with_total(total: Duration) -> Self {
        Self {
            start: Instant::now(),
            total,
        }
    }

    /// Whether more than `share` (0..=1) of the budget is used.
    pub fn past(&self, share: f32) -> bool {
        self.start.elapsed() > self.total.mul_f32(share.clamp(0.0, 1.0))
    }

    /// Whether the whole budget is used.
    pub fn spent(&self) -> bool {
        self.past(1.0)
    }

    /// A budget for one stage, starting now: at most `at_most`, and never past this budget's
    /// end.
    pub fn stage(&self, at_most: Duration) -> FrameBudget {
        let left = self.total.saturating_sub(self.start.elapsed());
        FrameBudget::with_total(left.min(at_most))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_budget_is_spent_at_once_and_shares_are_ordered() {
        let zero = FrameBudget::with_total(Duration::ZERO);
        assert!(zero.spent());
        let long = FrameBudget::with_total(Duration::from_secs(3600));
        assert!(!long.past(DRAIN_SHARE) && !long.spent());
        // A stage never outlasts its budget, and is capped by its own ceiling.
        assert!(zero.stage(Duration::from_secs(1)).spent());
        let stage = long.stage(Duration::ZERO);
        assert!(stage.spent() && !long.spent());
        const { assert!(DRAIN_SHARE < NEW_EVENTS_SHARE && NEW_EVENTS_SHARE < 1.0) };
    }
}
