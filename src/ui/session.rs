//! The live state of one request while the app runs: its current engine session, its
//! connection state, the events it has logged and how they are viewed. Engine events are
//! applied here ([`RequestSession::apply`]); the state machine is [`next_state`].

use std::time::{Duration, Instant};

use crate::engine::{Event, EventKind, SessionId};
use crate::log::EventLog;

use super::events::EventsView;
use super::heartbeat::HeartbeatRun;
use super::ping::PingDraft;
use super::scripting::ScriptRun;
use super::widgets::{ConnState, VarContext};
use crate::model::SavedRequest;

/// A digest of what a Connect or Send error can be about.
fn error_context(request: &SavedRequest, vars: &VarContext) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    request.url.hash(&mut h);
    for row in request.params.iter().chain(&request.headers) {
        (&row.key, &row.value, row.enabled).hash(&mut h);
    }
    format!("{:?}", request.auth).hash(&mut h);
    (request.draft.format.label(), &request.draft.body).hash(&mut h);
    // Socket.IO: the emit's event name and the settings Connect checks (auth, namespace...).
    let sio = &request.socketio;
    (request.kind, &request.draft.event, sio.version).hash(&mut h);
    (&sio.path, &sio.namespace, &sio.auth, sio.ack_timeout_ms).hash(&mut h);
    vars.fingerprint().hash(&mut h);
    h.finish()
}

/// The live state of one request: its current session, what it has logged, how it is viewed.
#[derive(Default)]
pub struct RequestSession {
    pub session: Option<SessionId>,
    pub state: ConnState,
    pub log: EventLog,
    pub view: EventsView,
    /// Why the last Connect or Send did not happen (e.g. an undefined variable).
    pub error: Option<String>,
    /// When the engine will try again, while it waits between reconnect attempts.
    pub reconnect_at: Option<Instant>,
    /// When the user asked to disconnect the current session (until its `Closed`).
    pub disconnect_asked: Option<Instant>,
    /// How long the last Disconnect took, from the click to the session's `Closed`.
    pub disconnect_took: Option<Duration>,
    /// The Ping row's payload.
    pub ping: PingDraft,
    /// The request's heartbeat while wsprobe runs.
    pub heartbeat: HeartbeatRun,
    /// The request's script and its test results.
    pub script: ScriptRun,
    /// The events panel shows the Tests list instead of the events.
    pub show_tests: bool,
    /// Why the current session's last handshake failed ("Handshake failed: 401
    /// Unauthorized"): the Failed badge's hover, from its `HandshakeFailed` until the next
    /// Connect or a successful attempt.
    pub failure: Option<String>,
    /// What the request and the variables were when `error` was first shown.
    error_context: Option<u64>,
}

impl RequestSession {
    /// Drops the error banner once what it complained about changed: the request (its URL,
    /// params, headers, auth or draft) or the variables in effect (another environment).
    pub fn forget_stale_error(&mut self, request: &SavedRequest, vars: &VarContext) {
        if self.error.is_none() {
            self.error_context = None;
            return;
        }
        let context = error_context(request, vars);
        match self.error_context {
            Some(seen) if seen != context => {
                self.error = None;
                self.error_context = None;
            }
            Some(_) => {}
            None => self.error_context = Some(context),
        }
    }

    /// Logs a batch of one engine session's events; events of the current session also move
    /// the connection state (a batch of an older session is only logged).
    pub fn apply(&mut self, batch: Vec<Event>) {
        let Some(session) = batch.first().map(|e| e.session) else {
            return;
        };
        let current = self.session == Some(session);
        // The script sees the events with the sequence numbers they get in the log.
        let for_script = (current && self.script.active()).then(|| {
            let first = self.log.next_seq().0;
            batch
                .iter()
                .enumerate()
                .map(|(i, e)| (first + i as u64, e.clone()))
                .collect::<Vec<_>>()
        });
        for event in batch {
            debug_assert_eq!(event.session, session, "a batch holds one session's events");
            if current {
                self.follow(&event.kind);
            }
            let seq = self.log.next_seq();
            self.view
                .socketio
                .observe(seq, &event, self.log.first_seq());
            self.log.push(event);
        }
        if let Some(events) = for_script {
            self.script.feed(events);
        }
    }

    fn follow(&mut self, kind: &EventKind) {
        let before = self.state;
        self.state = next_state(self.state, kind);
        match kind {
            EventKind::HandshakeFailed(failed) => {
                self.failure = Some(format!("Handshake failed: {}", failed.summary()));
            }
            EventKind::Connecting { attempt: 1, .. } | EventKind::Connected(_) => {
                self.failure = None;
            }
            // A session that ends on a failed handshake (not on a cancel) shows as Failed.
            EventKind::Closed {
                by: crate::engine::ClosedBy::Network,
                ..
            } if self.failure.is_some()
                && matches!(
                    before,
                    ConnState::Connecting | ConnState::Reconnecting { .. }
                ) =>
            {
                self.state = ConnState::Failed;
            }
            EventKind::Closed { .. } => self.failure = None,
            _ => {}
        }
        match kind {
            EventKind::Reconnecting { delay_ms, .. } => {
                self.reconnect_at = Some(Instant::now() + Duration::from_millis(*delay_ms));
            }
            EventKind::Connecting { .. } | EventKind::Connected(_) => {
                self.reconnect_at = None;
            }
            EventKind::Closed { .. } => {
                self.reconnect_at = None;
                if let Some(asked) = self.disconnect_asked.take() {
                    self.disconnect_took = Some(asked.elapsed());
                }
            }
            _ => {}
        }
    }
}

/// The status after `kind` happened in state `state`.
pub fn next_state(state: ConnState, kind: &EventKind) -> ConnState {
    match kind {
        EventKind::Connecting { attempt, .. } => match state {
            // Attempts after the first show as Reconnecting n/N until they succeed.
            ConnState::Reconnecting { .. } if *attempt > 1 => state,
            _ => ConnState::Connecting,
        },
        EventKind::Connected(_) => ConnState::Connected,
        EventKind::Reconnecting { attempt, of, .. } => ConnState::Reconnecting {
            attempt: *attempt,
            of: *of,
        },
        // The engine ends every session with exactly one Closed; errors never end it alone.
        EventKind::Closed { .. } => ConnState::Disconnected,
        _ => state,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ClosedBy;

    fn batch(kinds: Vec<EventKind>) -> Vec<Event> {
        kinds
            .into_iter()
            .map(|kind| Event::now(SessionId(1), kind))
            .collect()
    }

    fn failed_attempt() -> Vec<EventKind> {
        vec![
            EventKind::Connecting {
                attempt: 1,
                url: "ws://x".into(),
            },
            EventKind::HandshakeFailed(Box::new(crate::engine::FailedHandshake {
                message: "handshake timed out after 10 s".into(),
                response: None,
            })),
        ]
    }

    /// A session that saw `kinds`, then the `Closed` ending it.
    fn ended(mut kinds: Vec<EventKind>, code: u16, reason: &str, by: ClosedBy) -> RequestSession {
        let mut rs = RequestSession {
            session: Some(SessionId(1)),
            ..RequestSession::default()
        };
        kinds.push(EventKind::Closed {
            code,
            reason: reason.into(),
            by,
        });
        rs.apply(batch(kinds));
        rs
    }

    #[test]
    fn a_session_that_ends_on_a_failed_handshake_is_failed_until_the_next_connect() {
        let reason = "handshake timed out after 10 s";
        let rs = ended(failed_attempt(), 1006, reason, ClosedBy::Network);
        assert_eq!(rs.state, ConnState::Failed);
        assert!(!rs.state.is_active());
        assert_eq!(
            rs.failure.as_deref(),
            Some("Handshake failed: timed out after 10 s")
        );

        // Cancelled while waiting to reconnect after a failure: a plain disconnect.
        let mut kinds = failed_attempt();
        kinds.push(EventKind::Reconnecting {
            attempt: 1,
            of: 3,
            delay_ms: 1000,
        });
        let reason = "cancelled while waiting to reconnect";
        let rs = ended(kinds, 1000, reason, ClosedBy::Client);
        assert_eq!(rs.state, ConnState::Disconnected);
        assert_eq!(rs.failure, None);
    }

    #[test]
    fn states_follow_events() {
        let connecting = EventKind::Connecting {
            attempt: 1,
            url: "ws://x".into(),
        };
        let s = next_state(ConnState::Disconnected, &connecting);
        assert_eq!(s, ConnState::Connecting);
        let s = next_state(s, &EventKind::Connected(Box::default()));
        assert_eq!(s, ConnState::Connected);
        let s = next_state(
            s,
            &EventKind::Error {
                message: "x".into(),
            },
        );
        assert_eq!(s, ConnState::Connected);
        let s = next_state(
            s,
            &EventKind::Closed {
                code: 1006,
                reason: String::new(),
                by: ClosedBy::Network,
            },
        );
        assert_eq!(s, ConnState::Disconnected);
        let s = next_state(
            s,
            &EventKind::Reconnecting {
                attempt: 2,
                of: 5,
                delay_ms: 5000,
            },
        );
        assert_eq!(s, ConnState::Reconnecting { attempt: 2, of: 5 });
        let s = next_state(
            s,
            &EventKind::Connecting {
                attempt: 2,
                url: "ws://x".into(),
            },
        );
        assert_eq!(s, ConnState::Reconnecting { attempt: 2, of: 5 });
    }
}
