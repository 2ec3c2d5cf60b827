//! Heartbeats: a message sent again and again while connected. The window's heartbeat (Start /
//! Stop in the Message tab) and `wsprobe run --every` share the clock, [`Schedule`]; what the
//! window's heartbeat sends is resolved by [`resolve`], afresh for every send.
//!
//! # Contract
//!
//! - A [`Schedule`] only runs while connected: [`Schedule::start`] arms it (the first send due
//!   at once, or after one interval), [`Schedule::pause`] stops the clock. Each send is due
//!   one interval after the one before; a late wake-up (a busy or hidden window) sends once
//!   and goes on from then, never a burst to catch up.
//! - [`resolve`] takes the saved message named in the request's [`HeartbeatSettings`] (or the
//!   draft when none is named), expands its variables (so `<<$timestamp>>` changes from send
//!   to send) and encodes it. Unlike Send, it refuses JSON that does not parse, besides what
//!   cannot be sent at all (bad hex or base64, an undefined variable, a saved message that is
//!   gone): a heartbeat runs unattended, so a mistake stops it instead of repeating.

use std::time::{Duration, Instant};

use crate::format::error_chain;
use crate::model::{HeartbeatSettings, MessageFormat, Outgoing, SavedRequest};
use crate::template::Resolver;

/// The shortest interval a heartbeat takes (a typo of 1 ms would flood the server).
pub const MIN_INTERVAL_MS: u64 = 10;

/// The clock of a repeated send.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    every: Duration,
    next: Option<Instant>,
}

impl Schedule {
    /// A stopped schedule of one send per `every_ms` (at least [`MIN_INTERVAL_MS`]).
    pub fn every_ms(every_ms: u64) -> Self {
        Self {
            every: Duration::from_millis(every_ms.max(MIN_INTERVAL_MS)),
            next: None,
        }
    }

    pub fn every(&self) -> Duration {
        self.every
    }

    /// Arms the clock at `now`: the first send is due at once (`at_once`) or an interval later.
    pub fn start(&mut self, now: Instant, at_once: bool) {
        self.next = Some(if at_once { now } else { now + self.every });
    }

    /// Stops the clock (disconnected, or stopped).
    pub fn pause(&mut self) {
        self.next = None;
    }

    pub fn is_armed(&self) -> bool {
        self.next.is_some()
    }

    /// When the next send is due, while armed.
    pub fn next_at(&self) -> Option<Instant> {
        self.next
    }

    /// Whether a send is due at `now`; if so the clock moves on by one interval.
    pub fn due(&mut self, now: Instant) -> bool {
        match self.next {
            Some(at) if now >= at => {
                let next = at + self.every;
                self.next = Some(if next <= now { now + self.every } else { next });
                true
            }
            _ => false,
        }
    }
}

/// What the heartbeat of `request` sends now, or why it cannot (the words to show).
pub fn resolve(request: &SavedRequest, resolver: &Resolver) -> Result<Outgoing, String> {
    let (format, body) = source(request, &request.heartbeat)?;
    let text = resolver
        .render("heartbeat message", body)
        .map_err(|e| error_chain(&e))?;
    if format == MessageFormat::Json
        && let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&text)
    {
        return Err(format!("the heartbeat message is not valid JSON: {e}"));
    }
    crate::format::encode_message(format, &text)
        .map_err(|e| format!("the heartbeat message: {}", error_chain(&e)))
}

/// The saved message the heartbeat names, or the draft.
fn source<'a>(
    request: &'a SavedRequest,
    heartbeat: &HeartbeatSettings,
) -> Result<(MessageFormat, &'a str), String> {
    match &heartbeat.message {
        None => Ok((request.draft.format, &request.draft.body)),
        Some(name) => request
            .saved_messages
            .iter()
            .find(|m| m.name == *name)
            .map(|m| (m.format, m.body.as_str()))
            .ok_or_else(|| format!("the saved message `{name}` no longer exists")),
    }
}

/// "the draft" or "saved message `ping`": what the heartbeat repeats, for labels.
pub fn source_label(heartbeat: &HeartbeatSettings) -> String {
    match &heartbeat.message {
        None => "the draft".to_owned(),
        Some(name) => format!("saved message `{name}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SavedMessage, Variable};

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn a_schedule_ticks_every_interval_without_bursts() {
        let t0 = Instant::now();
        let mut s = Schedule::every_ms(100);
        assert!(!s.due(t0), "a stopped schedule sends nothing");
        s.start(t0, true);
        assert!(s.due(t0));
        assert!(!s.due(t0 + 99 * MS));
        assert!(s.due(t0 + 100 * MS));
        assert_eq!(s.next_at(), Some(t0 + 200 * MS));
        // Woken 1 s late: one send, then the clock goes on from now.
        assert!(s.due(t0 + 1200 * MS));
        assert!(!s.due(t0 + 1201 * MS));
        assert_eq!(s.next_at(), Some(t0 + 1300 * MS));
        s.pause();
        assert!(!s.due(t0 + 5000 * MS));
        s.start(t0, false);
        assert_eq!(s.next_at(), Some(t0 + 100 * MS));
        assert_eq!(
            Schedule::every_ms(0).every(),
            Duration::from_millis(MIN_INTERVAL_MS)
        );
    }

    fn request(format: MessageFormat, body: &str) -> SavedRequest {
        let mut r = SavedRequest::new("r", "ws://h/");
        r.draft.format = format;
        r.draft.body = body.to_owned();
        r
    }

    #[test]
    fn resolves_the_draft_or_a_saved_message_afresh() {
        let resolver = Resolver::new(&[Variable::new("who", "me")]);
        let mut r = request(
            MessageFormat::Json,
            r#"{"from":"<<who>>","n":<<$randomInt>>}"#,
        );
        let Ok(Outgoing::Text(text)) = resolve(&r, &resolver) else {
            panic!("resolves")
        };
        assert!(text.starts_with(r#"{"from":"me","n":"#), "{text}");
        r.saved_messages.push(SavedMessage {
            name: "beat".into(),
            format: MessageFormat::Hex,
            body: "01 02".into(),
            ..SavedMessage::default()
        });
        r.heartbeat.message = Some("beat".into());
        assert_eq!(
            resolve(&r, &resolver),
            Ok(Outgoing::Binary(vec![1, 2].into()))
        );
        r.heartbeat.message = Some("gone".into());
        assert_eq!(
            resolve(&r, &resolver),
            Err("the saved message `gone` no longer exists".into())
        );
    }

    #[test]
    fn invalid_input_is_refused_with_the_reason() {
        let resolver = Resolver::new(&[]);
        let err = resolve(&request(MessageFormat::Json, "{oops"), &resolver).unwrap_err();
        assert!(err.contains("not valid JSON"), "{err}");
        let err = resolve(&request(MessageFormat::Hex, "zz"), &resolver).unwrap_err();
        assert!(err.contains("hex"), "{err}");
        let err = resolve(&request(MessageFormat::Text, "hi <<nobody>>"), &resolver).unwrap_err();
        assert!(err.contains("undefined variable `nobody`"), "{err}");
    }
}
