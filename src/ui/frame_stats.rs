//! `WSPROBE_FRAME_STATS=1`: once a second, print frames/s and the p50/p99 time our UI code took
//! per frame to stderr — how to see that a flood keeps the window drawing. Also printed once:
//! the time from the process's start to the end of its first frame.

use std::time::{Duration, Instant};

/// Frame times of the current one-second window.
pub struct FrameStats {
    window_start: Instant,
    samples: Vec<Duration>,
}

impl FrameStats {
    /// `Some` when the environment variable asks for stats.
    pub fn from_env() -> Option<Self> {
        Self::enabled().then(|| Self::new(Instant::now()))
    }

    /// Whether `WSPROBE_FRAME_STATS` asks for stats (set, not empty, not `0`).
    pub fn enabled() -> bool {
        std::env::var("WSPROBE_FRAME_STATS").is_ok_and(|v| !v.is_empty() && v != "0")
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

/// How long ago this process started, from the kernel's bookkeeping (Linux: `/proc/self/stat`
/// field 22 against `/proc/uptime`, in clock ticks, so to about 10 ms). `None` elsewhere or if
/// the files cannot be read.
pub fn process_age() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
        // SAFETY: sysconf has no preconditions; it only reads a constant.
        let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        age_from_proc(&stat, &uptime, ticks_per_second)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// The process's age from the text of `/proc/self/stat` and `/proc/uptime`.
fn age_from_proc(stat: &str, uptime: &str, ticks_per_second: i64) -> Option<Duration> {
    // The command name (field 2) may contain spaces and parentheses: count after its last ')'.
    let after_name = &stat[stat.rfind(')')? + 1..];
    // Field 3 is the first after the name; the start time is field 22.
    let start_ticks: f64 = after_name.split_whitespace().nth(22 - 3)?.parse().ok()?;
    let up: f64 = uptime.split_whitespace().next()?.parse().ok()?;
    if ticks_per_second <= 0 {
        return None;
    }
    let age = up - start_ticks / ticks_per_second as f64;
    (age >= 0.0).then(|| Duration::from_secs_f64(age))
}

/// Measures the time from process start to the first frame: created as early as possible in
/// `run_app`, asked once when the first frame is done.
pub struct StartClock {
    /// The process's age when the clock was created (0 if unknown).
    age_at_creation: Duration,
    created: Instant,
    reported: bool,
}

impl StartClock {
    pub fn new() -> Self {
        Self {
            age_at_creation: process_age().unwrap_or_default(),
            created: Instant::now(),
            reported: false,
        }
    }

    /// The first time it is called: "first frame after 212 ms (from process start)".
    pub fn first_frame_line(&mut self) -> Option<String> {
        if std::mem::replace(&mut self.reported, true) {
            return None;
        }
        let age = self.age_at_creation + self.created.elapsed();
        Some(format!(
            "wsprobe frame stats: first frame after {:.0} ms (from process start)",
            age.as_secs_f64() * 1000.0
        ))
    }
}

impl Default for StartClock {
    fn default() -> Self {
        Self::new()
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

    #[test]
    fn process_age_reads_proc() {
        // A command name with spaces and a parenthesis; start time 1000 ticks = 10 s at 100/s.
        let mut stat = String::from("4242 (my (odd) app) S");
        for field in 4..=21 {
            stat.push_str(&format!(" {field}"));
        }
        stat.push_str(" 1000 0 0");
        let age = age_from_proc(&stat, "12.50 40.00\n", 100).expect("parsed");
        assert_eq!(age, Duration::from_millis(2500));
        assert_eq!(age_from_proc("garbage", "1.0 2.0", 100), None);
        #[cfg(target_os = "linux")]
        assert!(process_age().is_some_and(|a| a < Duration::from_secs(3600)));
    }

    #[test]
    fn first_frame_is_reported_once() {
        let mut clock = StartClock::new();
        let line = clock.first_frame_line().expect("the first time");
        assert!(
            line.starts_with("wsprobe frame stats: first frame after "),
            "{line}"
        );
        assert_eq!(clock.first_frame_line(), None);
    }
}
