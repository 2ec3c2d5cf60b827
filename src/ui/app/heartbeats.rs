//! Pings and heartbeats of the Message tab: the two rows above the composer, Ping, and the
//! heartbeats' clock in the logic step. A heartbeat sends only while its request is
//! connected: it pauses while connecting again and goes on after a reconnect (first send at
//! once), stops when the session ends, and stops with the reason when its message cannot be
//! sent (nothing is sent then). Sends are the engine's `Message{Sent}` events like any other.

use std::time::Instant;

use bytes::Bytes;
use egui::Ui;

use crate::heartbeat::{self, Schedule};
use crate::model::SavedRequest;
use crate::template::Resolver;
use crate::ui::heartbeat::{HeartbeatAction, heartbeat_row};
use crate::ui::ping::ping_row;
use crate::ui::session::RequestSession;
use crate::ui::widgets::ConnState;

use super::App;

/// What the rows above the composer ask for.
pub(super) enum ControlAction {
    Ping(Bytes),
    Heartbeat(HeartbeatAction),
}

/// The Ping row and the Heartbeat row, then a separator.
pub(super) fn control_rows(
    ui: &mut Ui,
    request: &mut SavedRequest,
    rs: &mut RequestSession,
) -> Option<ControlAction> {
    let connected = rs.state == ConnState::Connected;
    let mut action = ping_row(ui, &mut rs.ping, connected).map(ControlAction::Ping);
    let heartbeat = heartbeat_row(
        ui,
        &mut request.heartbeat,
        &request.saved_messages,
        &mut rs.heartbeat,
        connected,
    );
    if let Some(h) = heartbeat {
        action = Some(ControlAction::Heartbeat(h));
    }
    ui.separator();
    action
}

impl App {
    pub(super) fn control_action(&mut self, request_id: &str, action: ControlAction) {
        match action {
            ControlAction::Ping(payload) => self.ping(request_id, payload),
            ControlAction::Heartbeat(HeartbeatAction::Start) => self.start_heartbeat(request_id),
            ControlAction::Heartbeat(HeartbeatAction::Stop) => self.stop_heartbeat(request_id),
        }
    }

    /// Sends a ping on the request's session (when connected).
    pub fn ping(&mut self, request_id: &str, payload: Bytes) {
        if let Some(rs) = self.sessions.get(request_id)
            && let (Some(session), Some((engine, _))) = (rs.session, &self.engine)
            && rs.state == ConnState::Connected
        {
            engine.ping(session, payload);
        }
    }

    /// Starts the request's heartbeat and sends its first message now; an invalid message is
    /// shown instead, and nothing is sent or started.
    pub fn start_heartbeat(&mut self, request_id: &str) {
        let Some(request) = self.workspace.request(request_id) else {
            return;
        };
        let checked = heartbeat::resolve(request, &Resolver::for_workspace(&self.workspace));
        let every = request.heartbeat.interval_ms;
        let Some(rs) = self.sessions.get_mut(request_id) else {
            return;
        };
        if rs.state != ConnState::Connected {
            return;
        }
        let run = &mut rs.heartbeat;
        match checked {
            Err(error) => {
                run.running = false;
                run.error = Some(error);
            }
            Ok(message) => {
                let (Some(session), Some((engine, _))) = (rs.session, &self.engine) else {
                    return;
                };
                engine.send(session, message);
                run.running = true;
                run.sent = 1;
                run.error = None;
                run.schedule = Schedule::every_ms(every);
                run.schedule.start(Instant::now(), false);
                if let Some(ctx) = &self.ctx {
                    ctx.request_repaint_after(run.schedule.every());
                }
            }
        }
    }

    pub fn stop_heartbeat(&mut self, request_id: &str) {
        if let Some(rs) = self.sessions.get_mut(request_id) {
            rs.heartbeat.running = false;
            rs.heartbeat.schedule.pause();
        }
    }

    /// The logic step's part: sends what is due, pauses and stops with the connection, and
    /// asks for a wake-up at the next send.
    pub(super) fn run_heartbeats(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        let mut resolver = None;
        for (id, rs) in &mut self.sessions {
            let run = &mut rs.heartbeat;
            if !run.running {
                continue;
            }
            match rs.state {
                ConnState::Connected => {}
                ConnState::Disconnected | ConnState::Failed => {
                    // The session is over (a disconnect, or reconnects exhausted).
                    run.running = false;
                    run.schedule.pause();
                    continue;
                }
                _ => {
                    run.schedule.pause();
                    continue;
                }
            }
            if !run.schedule.is_armed() {
                // Connected again after a reconnect: go on at once.
                run.schedule.start(now, true);
            }
            if run.schedule.due(now) {
                let Some(request) = self.workspace.request(id) else {
                    run.running = false;
                    continue;
                };
                let resolver =
                    resolver.get_or_insert_with(|| Resolver::for_workspace(&self.workspace));
                match heartbeat::resolve(request, resolver) {
                    Ok(message) => {
                        if let (Some(session), Some((engine, _))) = (rs.session, &self.engine) {
                            engine.send(session, message);
                            run.sent += 1;
                        }
                    }
                    Err(error) => {
                        run.running = false;
                        run.schedule.pause();
                        run.error = Some(error);
                        ctx.request_repaint();
                        continue;
                    }
                }
            }
            if let Some(next) = run.schedule.next_at() {
                ctx.request_repaint_after(next.saturating_duration_since(now));
            }
        }
    }
}
