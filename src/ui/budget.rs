//! One time budget per frame for the work that can pile up: taking engine events off the
//! channel, filtering newly arrived events and re-filtering old ones after a filter change.
//!
//! All three read the same clock. Each stage may run until its share of the frame is used
//! (a stage that finishes early leaves its time to the next), and every stage always makes
//! some progress, so a flood slows the list down but never freezes a frame.

use std::time::{Duration, Instant};

/// The time a frame may spend on backlogs, in total.
pub const PER_FRAME: Duration = Duration::from_millis(18);
/// Engine events may be taken until this share of the frame is used...
pub const DRAIN_SHARE: f32 = 8.0 / 18.0;
/// ...newly arrived events filtered until this share, and old ones re-filtered until the end.
pub const NEW_EVENTS_SHARE: f32 = 12.0 / 18.0;

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

    /// The share of the budget used so far (may exceed 1).
    pub fn used(&self) -> f32 {
        if self.total.is_zero() {
            return f32::INFINITY;
        }
        self.start.elapsed().as_secs_f32() / self.total.as_secs_f32()
    }

    /// Whether more than `share` (0..=1) of the budget is used.
    pub fn past(&self, share: f32) -> bool {
        self.start.elapsed() > self.total.mul_f32(share.clamp(0.0, 1.0))
    }

    /// Whether the whole budget is used.
    pub fn spent(&self) -> bool {
        self.past(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_budget_is_spent_at_once_and_shares_are_ordered() {
        let zero = FrameBudget::with_total(Duration::ZERO);
        assert!(zero.spent() || zero.used() >= 1.0);
        let long = FrameBudget::with_total(Duration::from_secs(3600));
        assert!(!long.past(DRAIN_SHARE) && !long.spent());
        const { assert!(DRAIN_SHARE < NEW_EVENTS_SHARE && NEW_EVENTS_SHARE < 1.0) };
    }
}
