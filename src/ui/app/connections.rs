//! Connect, Disconnect and Send: resolve the request's variables, then hand Commands to the
//! engine (started on the first Connect). A problem (an undefined variable) is shown on the
//! request instead, and nothing is sent.

use std::sync::Arc;
use std::time::Instant;

use crate::engine::{Command, Engine, Event, EventKind, Outgoing, ScriptLevel};
use crate::format::error_chain;
use crate::model::KeyValue;
use crate::script::ScriptInit;
use crate::template::Resolver;
use crate::ui::composer::SentBody;
use crate::ui::scripting::StartPoll;
use crate::ui::sidebar::SidebarAction;
use crate::ui::widgets::ConnState;

use super::App;

impl App {
    fn engine(&mut self, ctx_for_waker: Option<egui::Context>) -> &Arc<Engine> {
        let (engine, _) = self.engine.get_or_insert_with(|| {
            let (engine, events) = Engine::new(move || {
                if let Some(ctx) = &ctx_for_waker {
                    ctx.request_repaint();
                }
            });
            (Arc::new(engine), events)
        });
        engine
    }

    /// Resolves the selected request's variables and connects. An undefined variable is shown
    /// as an error naming it and nothing connects. A request with a script starts the script
    /// first (on a worker thread): its `before` hooks may set headers and variables, and the
    /// connection follows in [`App::poll_scripts`].
    pub fn connect(&mut self, request_id: &str) {
        let Some(request) = self.workspace.request(request_id) else {
            return;
        };
        // The URL already holds the enabled params (the table mirrors it): don't add them twice.
        let mut request = request.clone();
        request.params.clear();
        let rs = self.sessions.entry(request_id.to_owned()).or_default();
        if rs.state.is_active() || rs.script.is_starting() {
            return;
        }
        // The request's folders add their variables, headers and auth.
        let resolver = Resolver::for_request(&self.workspace, &request);
        // A Socket.IO auth payload that is not a JSON object never reaches the server.
        if request.kind.is_socketio()
            && let Some(why) =
                crate::ui::socketio::settings::connect_problem(&request.socketio, || {
                    Resolver::for_request(&self.workspace, &request)
                })
        {
            rs.error = Some(why);
            return;
        }
        if !request.script.trim().is_empty() {
            let init = ScriptInit {
                vars: resolver.values(),
                headers: self
                    .workspace
                    .effective_request(&request)
                    .headers
                    .iter()
                    .filter(|h| h.enabled && !h.key.trim().is_empty())
                    .map(|h| (h.key.trim().to_owned(), h.value.clone()))
                    .collect(),
                url: request.url.clone(),
                request_name: request.name.clone(),
            };
            let ctx = self.ctx.clone();
            let engine = Arc::clone(self.engine(ctx.clone()));
            let session = engine.new_session_id();
            let rs = self.sessions.entry(request_id.to_owned()).or_default();
            rs.error = None;
            rs.session = Some(session);
            rs.state = ConnState::Connecting;
            rs.script
                .start(&request, init, engine, session, ctx.as_ref());
            self.by_session.insert(session, request_id.to_owned());
            return;
        }
        match resolver.resolve_in(&self.workspace, &request) {
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

    /// Moves the scripts on: a started script's connection, its output into the log, the
    /// Tests list and the workspace's variables.
    pub(super) fn poll_scripts(&mut self, ctx: &egui::Context) {
        for (id, rs) in &mut self.sessions {
            match rs.script.poll_start(Some(ctx)) {
                StartPoll::Waiting => {}
                StartPoll::Ready(prepared) => {
                    let resolved = self.workspace.request(id).map(|request| {
                        let mut request = request.clone();
                        request.params.clear();
                        for (name, value) in &prepared.headers {
                            for row in &mut request.headers {
                                if row.key.trim().eq_ignore_ascii_case(name) {
                                    row.enabled = false;
                                }
                            }
                            request.headers.push(KeyValue::new(name, value));
                        }
                        let mut resolver = Resolver::for_request(&self.workspace, &request);
                        for (name, value) in &prepared.vars_set {
                            resolver.set(name, value);
                        }
                        // The script acks the server's Socket.IO emits (its `io.on` handlers,
                        // or at once when none takes the event): the engine must not as well.
                        resolver
                            .resolve_in(&self.workspace, &request)
                            .map(|mut resolved| {
                                if let Some(sio) = &mut resolved.socketio {
                                    sio.auto_ack = false;
                                }
                                resolved
                            })
                    });
                    match (resolved, rs.session, &self.engine) {
                        (Some(Ok(request)), Some(session), Some((engine, _))) => {
                            engine.execute(Command::Connect {
                                session,
                                request: Box::new(request),
                            });
                        }
                        (Some(Err(err)), _, _) => {
                            rs.error = Some(error_chain(&err));
                            rs.state = ConnState::Disconnected;
                            rs.script.stop();
                        }
                        _ => {
                            rs.state = ConnState::Disconnected;
                            rs.script.stop();
                        }
                    }
                }
                StartPoll::Failed(error) => {
                    rs.error = Some(format!("Script: {error}"));
                    rs.state = ConnState::Disconnected;
                    if let Some(session) = rs.session {
                        rs.log.push(Event::now(
                            session,
                            EventKind::Script {
                                level: ScriptLevel::Error,
                                text: format!("Script error: {error}"),
                            },
                        ));
                    }
                }
            }
            rs.script.pump();
            let drained = rs.script.drain();
            rs.log.extend(drained.lines);
            for (name, value) in drained.var_sets {
                self.workspace.set_variable(&name, &value);
            }
            if rs.script.behind() {
                ctx.request_repaint();
            }
        }
    }

    pub fn disconnect(&mut self, request_id: &str) {
        let Some(rs) = self.sessions.get_mut(request_id) else {
            return;
        };
        if rs.script.is_starting() {
            // Nothing has connected yet: the start is abandoned.
            rs.script.stop();
            rs.state = ConnState::Disconnected;
            return;
        }
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
        // The palette's Send message on a Socket.IO request emits its draft.
        if request.kind.is_socketio() {
            self.emit(request_id);
            return;
        }
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

    /// Emits the Socket.IO draft: its arguments resolved and read (see `ui::socketio::args`);
    /// what cannot be sent is shown on the request instead. The history keeps the emit as
    /// written.
    pub(super) fn emit(&mut self, request_id: &str) {
        let Some(request) = self.workspace.request(request_id) else {
            return;
        };
        let draft = &request.draft;
        let emit = crate::ui::socketio::emit_outgoing(
            &Resolver::for_request(&self.workspace, request),
            &draft.event,
            &draft.body,
            draft.expect_ack,
        );
        let sent = SentBody::Emit {
            event: draft.event.clone(),
            body: draft.body.clone(),
            expect_ack: draft.expect_ack,
        };
        match emit {
            Err(why) => {
                if let Some(rs) = self.sessions.get_mut(request_id) {
                    rs.error = Some(why);
                }
            }
            Ok(emit) => {
                if self.emit_outgoing(request_id, emit) {
                    self.composer.record_sent(request_id, sent);
                }
            }
        }
    }

    /// Hands an emit to the request's Socket.IO session; false when it is not connected.
    pub(super) fn emit_outgoing(
        &mut self,
        request_id: &str,
        message: crate::engine::SocketIoOutgoing,
    ) -> bool {
        if let Some(rs) = self.sessions.get_mut(request_id)
            && let (Some(session), Some((engine, _))) = (rs.session, &self.engine)
            && rs.state == ConnState::Connected
        {
            rs.error = None;
            engine.execute(Command::SocketIo {
                session,
                message: Box::new(message),
            });
            return true;
        }
        false
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
                if let Some(rs) = self.sessions.get_mut(&id) {
                    rs.script.stop();
                }
                self.sessions.remove(&id);
            }
            SidebarAction::ExportFolder(id) => {
                self.export_with_dialog(super::transfer::ExportScope::Folder(id));
            }
        }
    }
}
