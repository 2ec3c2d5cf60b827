//! `WSPROBE_FRAME_STATS=1`: once a second, print frames/s and the p50/p99 time our UI code took
//! per frame to stderr — how to see that a flood keeps the window drawing.

use std::time::{Duration, Instant};

/// Frame times of the current one-second window.
pub struct FrameStats {
    window_start: Instant,
    samples: Vec<Duration>,
}

impl FrameStats {
    /// `Some` when the environment variable asks for stats.
    pub fn from_env() -> Option<Self> {
        match std::env::var("WSPROBE_FRAME_STATS") {
            Ok(v) if !v.is_empty() && v != "0" => Some(Self::new(Instant::now())),
            _ => None,
        }
    }

    pub fn new(now: Instant) -> Self {
        Self {
            window_start: now,
            samples: Vec::with_capacity(256),
        }
    }

    /// Records one frame; returns the report line when a second has passed since the last.
    pub fn record(&mut self, frame: Duration, now: Instant) -> Option<String> {
        self.samples.push(frame);
        let elapsed = now.duration_since(self.window_start);
        if elapsed < Duration::from_secs(1) {
            return None;
        }
        self.samples.sort_unstable();
        let pick = |q: f64| {
            let i = ((self.samples.len() - 1) as f64 * q).round() as usize;
            self.samples[i].as_secs_f64() * 1000.0
        };
        let line = format!(
            "wsprobe frame stats: {:.1} frames/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.samples.len() as f64 / elapsed.as_secs_f64(),
            pick(0.5),
            pick(0.99),
            pick(1.0),
        );
        self.samples.clear();
        self.window_start = now;
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_once_a_second_with_percentiles() {
        let t0 = Instant::now();
        let mut stats = FrameStats::new(t0);
        for i in 0..99u64 {
            let at = t0 + Duration::from_millis(i * 10);
            assert_eq!(stats.record(Duration::from_millis(2), at), None);
        }
        let line = stats
            .record(Duration::from_millis(40), t0 + Duration::from_millis(1000))
            .expect("a report after one second");
        assert_eq!(
            line,
            "wsprobe frame stats: 100.0 frames/s, p50 2.00 ms, p99 2.00 ms, max 40.00 ms"
        );
        // The next window starts empty.
        assert_eq!(
            stats.record(Duration::from_millis(1), t0 + Duration::from_millis(1500)),
            None
        );
    }
}
