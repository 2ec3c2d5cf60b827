//! The application: owns the workspace, the engine and one session per request; drains engine
//! events each frame (with a budget) and saves the workspace in the background, debounced.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::engine::{Engine, Event, EventKind, EventReceiver, SessionId};
use crate::log::EventLog;
use crate::model::{SavedRequest, Workspace};
use crate::store::{Store, StoreError};
use crate::template::Resolver;

use super::composer::{Composer, ComposerAction};
use super::environments::EnvironmentsWindow;
use super::events_panel::EventsView;
use super::request_bar::{BarAction, request_bar};
use super::request_tabs::{RequestTabs, Tab};
use super::sidebar::{Sidebar, SidebarAction};
use super::widgets::{ConnState, VarContext};

/// How long after the last edit the workspace is written.
pub const SAVE_DEBOUNCE: Duration = Duration::from_millis(300);
/// At most this many events are taken from the engine per frame, so a flood cannot freeze it.
const EVENTS_PER_FRAME: usize = 20_000;
const DRAIN_TIME_BUDGET: Duration = Duration::from_millis(8);

/// The live state of one request: its current session, what it has logged, how it is viewed.
#[derive(Default)]
pub struct RequestSession {
    pub session: Option<SessionId>,
    pub state: ConnState,
    pub log: EventLog,
    pub view: EventsView,
    /// Why the last Connect or Send did not happen (e.g. an undefined variable).
    pub error: Option<String>,
}

/// Writes the workspace on a background thread so the UI never waits for the disk.
struct Saver {
    tx: Option<mpsc::Sender<SaveJob>>,
    errors: mpsc::Receiver<Result<(), String>>,
    thread: Option<thread::JoinHandle<()>>,
}

enum SaveJob {
    Save(Box<Workspace>),
    Flush(mpsc::Sender<()>),
}

/// How often a failed save (read-only folder, full disk) is tried again.
pub const SAVE_RETRY: Duration = Duration::from_secs(1);

impl Saver {
    fn new(mut store: Store) -> Self {
        let (tx, rx) = mpsc::channel::<SaveJob>();
        let (err_tx, errors) = mpsc::channel();
        let thread = thread::Builder::new()
            .name("wsprobe-save".into())
            .spawn(move || {
                // A workspace whose save failed: tried again every SAVE_RETRY (and on a flush)
                // until it works or a newer one replaces it, so edits are never dropped.
                let mut failed: Option<Box<Workspace>> = None;
                loop {
                    let job = if failed.is_some() {
                        match rx.recv_timeout(SAVE_RETRY) {
                            Ok(job) => Some(job),
                            Err(mpsc::RecvTimeoutError::Timeout) => None,
                            Err(mpsc::RecvTimeoutError::Disconnected) => break,
                        }
                    } else {
                        match rx.recv() {
                            Ok(job) => Some(job),
                            Err(_) => break,
                        }
                    };
                    let mut flushes = Vec::new();
                    let mut ws = match job {
                        Some(SaveJob::Save(ws)) => ws,
                        Some(SaveJob::Flush(done)) => {
                            flushes.push(done);
                            match failed.take() {
                                Some(ws) => ws,
                                None => {
                                    for done in flushes {
                                        let _ = done.send(());
                                    }
                                    continue;
                                }
                            }
                        }
                        None => match failed.take() {
                            Some(ws) => ws,
                            None => continue,
                        },
                    };
                    // Only the newest pending save matters.
                    while let Ok(next) = rx.try_recv() {
                        match next {
                            SaveJob::Save(newer) => ws = newer,
                            SaveJob::Flush(done) => flushes.push(done),
                        }
                    }
                    let result = store.save(&ws).map_err(|e| e.to_string());
                    if result.is_err() {
                        failed = Some(ws);
                    }
                    let _ = err_tx.send(result);
                    for done in flushes {
                        let _ = done.send(());
                    }
                }
            })
            .ok();
        Self {
            tx: Some(tx),
            errors,
            thread,
        }
    }

    fn save(&self, workspace: &Workspace) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(SaveJob::Save(Box::new(workspace.clone())));
        }
    }

    /// Waits until everything sent so far is on disk.
    fn flush(&self) {
        if let Some(tx) = &self.tx {
            let (done_tx, done_rx) = mpsc::channel();
            if tx.send(SaveJob::Flush(done_tx)).is_ok() {
                let _ = done_rx.recv_timeout(Duration::from_secs(10));
            }
        }
    }
}

impl Drop for Saver {
    fn drop(&mut self) {
        self.tx = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The wsprobe window.
pub struct App {
    workspace: Workspace,
    saver: Saver,
    /// Started on the first Connect (no runtime, threads or memory until then).
    engine: Option<(Engine, EventReceiver)>,
    sessions: HashMap<String, RequestSession>,
    by_session: HashMap<SessionId, String>,
    sidebar: Sidebar,
    tabs: RequestTabs,
    composer: Composer,
    environments: EnvironmentsWindow,
    /// The workspace as of the last frame, to notice edits.
    last_seen: Workspace,
    /// The workspace as last handed to the saver.
    last_saved: Workspace,
    last_change: Option<Instant>,
    load_problems: Vec<String>,
    save_error: Option<String>,
    style_set: bool,
    /// For the engine's waker: repaint when events arrive.
    ctx: Option<egui::Context>,
}

impl App {
    /// Opens (or creates) the workspace folder `dir`. Usable without eframe (tests).
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let (store, mut workspace, problems) = Store::open(dir)?;
        if workspace.selected_request.is_none() {
            workspace.selected_request = workspace.requests.first().map(|r| r.id.clone());
        }
        Ok(Self {
            last_seen: workspace.clone(),
            last_saved: workspace.clone(),
            workspace,
            saver: Saver::new(store),
            engine: None,
            sessions: HashMap::new(),
            by_session: HashMap::new(),
            sidebar: Sidebar::default(),
            tabs: RequestTabs::default(),
            composer: Composer::default(),
            environments: EnvironmentsWindow::default(),
            last_change: None,
            load_problems: problems.iter().map(ToString::to_string).collect(),
            save_error: None,
            style_set: false,
            ctx: None,
        })
    }

    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    pub fn workspace_mut(&mut self) -> &mut Workspace {
        &mut self.workspace
    }

    /// The live session of a request, if it ever connected.
    pub fn session(&self, request_id: &str) -> Option<&RequestSession> {
        self.sessions.get(request_id)
    }

    pub fn selected_request(&self) -> Option<&SavedRequest> {
        self.workspace
            .selected_request
            .as_deref()
            .and_then(|id| self.workspace.request(id))
    }

    /// The open tab of the request view.
    pub fn tab(&self) -> Tab {
        self.tabs.tab
    }

    /// Saves now and waits for the disk (on exit, and for tests).
    pub fn save_now(&mut self) {
        if self.workspace != self.last_saved {
            self.saver.save(&self.workspace);
            self.last_saved = self.workspace.clone();
        }
        self.saver.flush();
        self.collect_save_results();
    }

    fn collect_save_results(&mut self) {
        while let Ok(result) = self.saver.errors.try_recv() {
            self.save_error = result.err();
        }
    }

    /// Draws one frame. kittest drives this directly; eframe calls it through [`eframe::App`].
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if !self.style_set {
            setup_style(&ctx);
            self.style_set = true;
        }
        self.drain_events(&ctx);
        let vars = VarContext::new(self.workspace.effective_variables());

        egui::Panel::left("sidebar")
            .resizable(true)
            .default_size(250.0)
            .size_range(190.0..=480.0)
            .show(ui, |ui| {
                let actions = self.sidebar.ui(
                    ui,
                    &mut self.workspace,
                    &self.sessions,
                    &mut self.environments.open,
                );
                for action in actions {
                    self.handle_sidebar(action);
                }
            });

        if !self.load_problems.is_empty() || self.save_error.is_some() {
            egui::Panel::top("problems").show(ui, |ui| self.problems_ui(ui));
        }

        egui::CentralPanel::default().show(ui, |ui| self.request_view(ui, &vars));

        self.environments.ui(&ctx, &mut self.workspace);
        self.autosave(&ctx);
    }

    fn problems_ui(&mut self, ui: &mut egui::Ui) {
        let red = ui.visuals().error_fg_color;
        if let Some(err) = &self.save_error {
            ui.colored_label(
                red,
                format!("⚠ Could not save: {err}. Your edits are kept and saving is retried."),
            );
            // The saver retries on its own; look again so the banner goes when it succeeds.
            ui.ctx().request_repaint_after(SAVE_RETRY);
        }
        let mut dismiss = false;
        if !self.load_problems.is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(
                    red,
                    "⚠ Some files could not be loaded and are left untouched:",
                );
                dismiss = ui.small_button("Dismiss").clicked();
            });
            for p in &self.load_problems {
                ui.monospace(p);
            }
        }
        if dismiss {
            self.load_problems.clear();
        }
    }

    fn handle_sidebar(&mut self, action: SidebarAction) {
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
        }
    }

    fn request_view(&mut self, ui: &mut egui::Ui, vars: &VarContext) {
        let Some(id) = self.workspace.selected_request.clone() else {
            empty_state(
                ui,
                if self.workspace.requests.is_empty() {
                    "No requests yet: press + to create one"
                } else {
                    "Select a request in the sidebar"
                },
            );
            return;
        };
        let Some(index) = self.workspace.requests.iter().position(|r| r.id == id) else {
            self.workspace.selected_request = None;
            return;
        };
        let rs = self.sessions.entry(id.clone()).or_default();
        let state = rs.state;

        // Header: name, URL, status, Connect.
        let mut bar_action = None;
        egui::Panel::top("request_header")
            .frame(egui::Frame::new().inner_margin(egui::Margin::symmetric(4, 6)))
            .show(ui, |ui| {
                let request = &mut self.workspace.requests[index];
                bar_action = request_bar(ui, request, state, vars, rs.error.as_deref());
            });
        match bar_action {
            Some(BarAction::Connect) => self.connect(&id),
            Some(BarAction::Disconnect) => self.disconnect(&id),
            Some(BarAction::DismissError) => {
                if let Some(rs) = self.sessions.get_mut(&id) {
                    rs.error = None;
                }
            }
            None => {}
        }

        let Some(rs) = self.sessions.get_mut(&id) else {
            return;
        };
        let state = rs.state;
        let full_width = ui.available_width();
        egui::Panel::right("events_panel")
            .resizable(true)
            .default_size((full_width * 0.52).max(320.0))
            .size_range(280.0..=(full_width - 260.0).max(300.0))
            .show(ui, |ui| {
                rs.view.ui(ui, &mut rs.log, state);
            });

        let mut composer_action = None;
        egui::CentralPanel::default()
            .frame(egui::Frame::new().inner_margin(egui::Margin::symmetric(4, 4)))
            .show(ui, |ui| {
                let request = &mut self.workspace.requests[index];
                self.tabs.tabs_row(ui);
                ui.separator();
                match self.tabs.tab {
                    Tab::Message => {
                        composer_action = self.composer.ui(ui, request, state, vars);
                    }
                    _ => self.tabs.ui(ui, request, state, vars),
                }
            });
        if let Some(ComposerAction::Send) = composer_action {
            self.send(&id);
        }
    }

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
        let resolved = Resolver::for_workspace(&self.workspace).resolve_request(&request);
        let rs = self.sessions.entry(request_id.to_owned()).or_default();
        if rs.state.is_active() {
            return;
        }
        match resolved {
            Err(err) => rs.error = Some(err.to_string()),
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
        }
    }

    fn send(&mut self, request_id: &str) {
        let Some(request) = self.workspace.request(request_id) else {
            return;
        };
        let message = Resolver::for_workspace(&self.workspace)
            .resolve_message(request.draft.format, &request.draft.body);
        let Some(rs) = self.sessions.get_mut(request_id) else {
            return;
        };
        match message {
            Err(err) => rs.error = Some(err.to_string()),
            Ok(message) => {
                if let (Some(session), Some((engine, _))) = (rs.session, &self.engine)
                    && rs.state == ConnState::Connected
                {
                    rs.error = None;
                    engine.send(session, message);
                }
            }
        }
    }

    fn drain_events(&mut self, ctx: &egui::Context) {
        if self.ctx.is_none() {
            self.ctx = Some(ctx.clone());
        }
        let Some((_, rx)) = &self.engine else {
            return;
        };
        let started = Instant::now();
        let mut taken = 0;
        while let Some(event) = rx.try_recv() {
            route_event(&mut self.sessions, &self.by_session, event);
            taken += 1;
            if taken >= EVENTS_PER_FRAME || started.elapsed() > DRAIN_TIME_BUDGET {
                // More may be waiting: come back next frame rather than freeze this one.
                ctx.request_repaint();
                break;
            }
        }
    }

    fn autosave(&mut self, ctx: &egui::Context) {
        self.collect_save_results();
        if self.workspace != self.last_seen {
            self.last_seen = self.workspace.clone();
            self.last_change = Some(Instant::now());
        }
        if let Some(changed_at) = self.last_change {
            let waited = changed_at.elapsed();
            if waited >= SAVE_DEBOUNCE {
                self.last_change = None;
                if self.workspace != self.last_saved {
                    self.saver.save(&self.workspace);
                    self.last_saved = self.workspace.clone();
                }
            } else {
                ctx.request_repaint_after(SAVE_DEBOUNCE - waited);
            }
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.save_now();
        if let Some((engine, _)) = &self.engine {
            for rs in self.sessions.values() {
                if let Some(session) = rs.session
                    && rs.state.is_active()
                {
                    engine.disconnect(session);
                }
            }
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        App::ui(self, ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.save_now();
    }
}

/// Applies one engine event to the request it belongs to.
fn route_event(
    sessions: &mut HashMap<String, RequestSession>,
    by_session: &HashMap<SessionId, String>,
    event: Event,
) {
    let Some(request_id) = by_session.get(&event.session) else {
        return;
    };
    let Some(rs) = sessions.get_mut(request_id) else {
        return;
    };
    if rs.session == Some(event.session) {
        rs.state = next_state(rs.state, &event.kind);
    }
    rs.log.push(event);
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

/// A centred, calm hint for an empty area.
pub fn empty_state(ui: &mut egui::Ui, text: &str) {
    ui.centered_and_justified(|ui| {
        ui.label(egui::RichText::new(text).size(15.0).weak());
    });
}

/// Spacing and fonts shared by every panel.
pub fn setup_style(ctx: &egui::Context) {
    // The proportional font lacks arrows and the filled circle; fall back to the monospace
    // font (Hack) for them rather than drawing tofu.
    let mut fonts = egui::FontDefinitions::default();
    if let Some(mono) = fonts
        .families
        .get(&egui::FontFamily::Monospace)
        .and_then(|f| f.first())
        .cloned()
        && let Some(list) = fonts.families.get_mut(&egui::FontFamily::Proportional)
    {
        list.push(mono);
    }
    ctx.set_fonts(fonts);
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 3.0);
        style.spacing.interact_size.y = 22.0;
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ClosedBy;

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
