//! Event routing: engine events are taken off the channel in whole batches (one socket read
//! each) within the frame budget's drain share, and each batch is handed to the request whose
//! session it belongs to. Each request's log follows the caps in its Settings tab.

use std::collections::HashMap;

use crate::engine::{Event, SessionId};
use crate::ui::budget::{DRAIN_SHARE, FrameBudget};
use crate::ui::session::RequestSession;

use super::App;

/// At most this many events are taken from the engine per frame, so a flood cannot freeze it.
const EVENTS_PER_FRAME: usize = 500_000;

impl App {
    /// Takes engine events within `budget`; asks for another frame when some are left.
    pub(super) fn drain_events(&mut self, ctx: &egui::Context, budget: &FrameBudget) {
        self.apply_log_limits();
        let Some((_, rx)) = &self.engine else {
            return;
        };
        let mut taken = 0;
        // Whole batches (everything one socket read brought): one lookup per batch.
        while let Some(batch) = rx.try_recv_batch() {
            taken += batch.len();
            route_events(&mut self.sessions, &self.by_session, batch);
            if taken >= EVENTS_PER_FRAME || budget.past(DRAIN_SHARE) {
                // More may be waiting: come back next frame rather than freeze this one.
                ctx.request_repaint();
                break;
            }
        }
        if self.report_disconnects && taken > 0 {
            self.report_disconnect_times();
        }
    }

    /// `WSPROBE_FRAME_STATS`: how long each Disconnect took, on stderr.
    fn report_disconnect_times(&mut self) {
        for (id, rs) in &mut self.sessions {
            if let Some(took) = rs.disconnect_took.take() {
                let name = self.workspace.request(id).map_or("?", |r| r.name.as_str());
                eprintln!(
                    "wsprobe: Disconnect of \"{name}\" took {:.1} ms (click to Closed)",
                    took.as_secs_f64() * 1000.0
                );
            }
        }
    }

    /// Each request's log follows the caps in its Settings tab.
    fn apply_log_limits(&mut self) {
        for request in &self.workspace.requests {
            if let Some(rs) = self.sessions.get_mut(&request.id) {
                let (events, bytes) = request.settings.log_limits();
                if rs.log.max_events() != events || rs.log.max_bytes() != bytes {
                    rs.log.set_limits(events, bytes);
                }
            }
        }
    }
}

/// Applies a batch of engine events to the request it belongs to (a batch is always one
/// session's: one lookup for all of it).
fn route_events(
    sessions: &mut HashMap<String, RequestSession>,
    by_session: &HashMap<SessionId, String>,
    batch: Vec<Event>,
) {
    let Some(session) = batch.first().map(|e| e.session) else {
        return;
    };
    if let Some(rs) = by_session.get(&session).and_then(|id| sessions.get_mut(id)) {
        rs.apply(batch);
    }
}
