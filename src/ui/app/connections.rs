//! Connect, Disconnect and Send: resolve the request's variables, then hand Commands to the
//! engine (started on the first Connect). A problem (an undefined variable) is shown on the
//! request instead, and nothing is sent.

use std::time::Instant;

use crate::engine::{Engine, Outgoing};
use crate::format::error_chain;
use crate::template::Resolver;
use crate::ui::composer::SentBody;
use crate::ui::sidebar::SidebarAction;
use crate::ui::widgets::ConnState;

use super::App;

impl App {
    fn engine(&mut self, ctx_for_waker: Option<egui::Context>) -> &Engine {
        let (engine, _) = self.engine.get_or_insert_with(|| {
            Engine::new(move || {
                if let Some(ctx) = &ctx_for_waker {
                    ctx.request_repaint();
                }
            })
        });
        engine
    }

    /// Resolves the selected request's variables and connects. An undefined variable is shown
    /// as an error naming it and nothing connects.
    pub fn connect(&mut self, request_id: &str) {
        let Some(request) = self.workspace.request(request_id) else {
            return;
        };
        // The URL already holds the enabled params (the table mirrors it): don't add them twice.
        let mut request = request.clone();
        request.params.clear();
        let resolved =
            Resolver::for_request(&self.workspace, &request).resolve_in(&self.workspace, &request);
        let rs = self.sessions.entry(request_id.to_owned()).or_default();
        if rs.state.is_active() {
            return;
        }
        match resolved {
            Err(err) => rs.error = Some(error_chain(&err)),
            Ok(resolved) => {
                rs.error = None;
                let ctx = self.ctx.clone();
                let session = self.engine(ctx).connect(resolved);
                let rs = self.sessions.entry(request_id.to_owned()).or_default();
                rs.session = Some(session);
                rs.state = ConnState::Connecting;
                self.by_session.insert(session, request_id.to_owned());
            }
        }
    }

    pub fn disconnect(&mut self, request_id: &str) {
        let Some(rs) = self.sessions.get_mut(request_id) else {
            return;
        };
        if let (Some(session), Some((engine, _))) = (rs.session, &self.engine)
            && rs.state.is_active()
        {
            engine.disconnect(session);
            rs.state = ConnState::Disconnecting;
            rs.disconnect_asked = Some(Instant::now());
        }
    }

    pub(super) fn send(&mut self, request_id: &str) {
        let Some(request) = self.workspace.request(request_id) else {
            return;
        };
        let message = Resolver::for_request(&self.workspace, request)
            .resolve_message(request.draft.format, &request.draft.body);
        let sent = SentBody::Draft {
            format: request.draft.format,
            body: request.draft.body.clone(),
        };
        let Some(rs) = self.sessions.get_mut(request_id) else {
            return;
        };
        match message {
            Err(err) => rs.error = Some(error_chain(&err)),
            Ok(message) => {
                if let (Some(session), Some((engine, _))) = (rs.session, &self.engine)
                    && rs.state == ConnState::Connected
                {
                    rs.error = None;
                    engine.send(session, message);
                    // The history holds what really went out, however the send was asked for
                    // (button, Ctrl+Enter, the palette).
                    self.composer.record_sent(request_id, sent);
                }
            }
        }
    }

    /// Sends an already built message (a file, a history entry) on the request's session.
    pub(super) fn send_outgoing(&mut self, request_id: &str, message: Outgoing) {
        if let Some(rs) = self.sessions.get_mut(request_id)
            && let (Some(session), Some((engine, _))) = (rs.session, &self.engine)
            && rs.state == ConnState::Connected
        {
            rs.error = None;
            engine.send(session, message);
        }
    }

    pub(super) fn handle_sidebar(&mut self, action: SidebarAction) {
        match action {
            SidebarAction::Deleted(id) => {
                if let Some(rs) = self.sessions.get(&id)
                    && let Some(session) = rs.session
                    && rs.state.is_active()
                    && let Some((engine, _)) = &self.engine
                {
                    engine.disconnect(session);
                }
                self.sessions.remove(&id);
            }
            SidebarAction::ExportFolder(id) => {
                self.export_with_dialog(super::transfer::ExportScope::Folder(id));
            }
        }
    }
}
