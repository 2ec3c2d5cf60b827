//! The application: owns the workspace, the engine and one [`RequestSession`] per request,
//! composes the panels of a frame and routes their actions. The rooms around it:
//!
//! - [`logic`]: the per-frame work that is not drawing (runs also while hidden);
//! - [`routing`]: engine events into the requests' logs, within the frame budget;
//! - [`connections`]: Connect, Disconnect, Send; [`heartbeats`]: Ping and heartbeats;
//! - [`dispatch`]: running a [`UiCommand`]; [`menu`]: the menu bar and shortcuts;
//! - [`transfer`]: File → Import/Export as background jobs ([`import_conflict`]: Skip,
//!   Replace or Keep both on a re-import); [`saver`]: debounced saving;
//! - [`close_guard`]: no close while the workspace cannot be saved; [`banners`]: notices.

mod banners;
mod close_guard;
mod connections;
mod dispatch;
mod heartbeats;
mod import_conflict;
mod import_export;
mod logic;
mod menu;
mod routing;
mod saver;
mod transfer;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crate::engine::{Engine, EventReceiver, SessionId};
use crate::model::{SavedRequest, Workspace};
use crate::store::{Store, StoreError};

use super::commands;
use super::composer::{Composer, ComposerAction};
use super::divider::Divider;
use super::environments::EnvironmentsWindow;
use super::folder_view::FolderView;
use super::palette::{CommandPalette, PaletteChoice, PaletteRequest};
use super::path_prompt::PathPrompt;
use super::request_bar::{BarAction, request_bar};
use super::request_tabs::{Inherited, RequestTabs, Tab};
use super::session::RequestSession;
use super::sidebar::Sidebar;
use super::text::state_text;
use super::widgets::{CodeEditor, Notice, VarContext, empty_state};
use crate::log::Seq;

pub use saver::{SAVE_DEBOUNCE, SAVE_RETRY};
pub use transfer::{ExportScope, TransferError};

/// The wsprobe window.
pub struct App {
    workspace: Workspace,
    saver: saver::Saver,
    /// Started on the first Connect (no runtime, threads or memory until then). Shared with
    /// the scripts' threads, which send on their sessions.
    engine: Option<(Arc<Engine>, EventReceiver)>,
    sessions: HashMap<String, RequestSession>,
    by_session: HashMap<SessionId, String>,
    sidebar: Sidebar,
    tabs: RequestTabs,
    folder_view: FolderView,
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
    palette: CommandPalette,
    /// The file dialog inside the window (when the desktop's cannot open).
    path_prompt: PathPrompt,
    shortcuts_open: bool,
    about_open: bool,
    /// A text field had the keyboard at the end of the last frame (Escape leaves it first).
    typing_last_frame: bool,
    /// The outcome of the last import or export.
    notice: Option<Notice>,
    /// The import or export running in the background; its spinner replaces the notice.
    transfers: transfer::Transfers,
    /// A re-import waiting for Skip / Replace / Keep both.
    pending_import: Option<import_conflict::PendingImport>,
    /// The window title last sent to the viewport.
    title: String,
    /// `WSPROBE_FRAME_STATS`: also report how long each Disconnect took, on stderr.
    report_disconnects: bool,
    /// The window was asked to close while the workspace could not be saved: the close was
    /// cancelled and a dialog asks what to do.
    close_blocked: bool,
    /// The user chose to close without saving (or the save finally worked).
    close_anyway: bool,
    /// The input frame whose close request was looked at last (see `close_guard`).
    close_checked_pass: Option<u64>,
    /// The Script tab's editor.
    script_editor: CodeEditor,
    /// The Tests list shows the previous run's outcome beside each result.
    compare_tests: bool,
    /// The Message tab of Socket.IO requests.
    emit_composer: super::socketio::composer::EmitComposer,
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
            saver: saver::Saver::new(store),
            engine: None,
            sessions: HashMap::new(),
            by_session: HashMap::new(),
            sidebar: Sidebar::default(),
            tabs: RequestTabs::default(),
            folder_view: FolderView::default(),
            composer: Composer::default(),
            environments: EnvironmentsWindow::default(),
            last_change: None,
            load_problems: problems.iter().map(ToString::to_string).collect(),
            save_error: None,
            style_set: false,
            ctx: None,
            palette: CommandPalette::default(),
            path_prompt: PathPrompt::default(),
            shortcuts_open: false,
            about_open: false,
            typing_last_frame: false,
            notice: None,
            transfers: transfer::Transfers::default(),
            pending_import: None,
            title: String::new(),
            report_disconnects: crate::ui::frame_stats::FrameStats::enabled(),
            close_blocked: false,
            close_anyway: false,
            close_checked_pass: None,
            script_editor: CodeEditor::default(),
            compare_tests: false,
            emit_composer: Default::default(),
        })
    }

    /// Like [`App::new`], but a brand-new (missing or empty) folder starts with the example
    /// requests and the "Local" environment (see [`crate::examples`]). What the window uses.
    pub fn open_with_examples(dir: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let dir = dir.into();
        crate::examples::seed_if_new(&dir)?;
        Self::new(dir)
    }

    /// "Market feed — Connected — wsprobe", "Home/Lights — wsprobe" for a folder, or
    /// "wsprobe" with nothing selected.
    pub fn window_title(&self) -> String {
        // A folder's page: "Home/Lights — wsprobe".
        if let Some(folder) = &self.workspace.selected_folder
            && self.workspace.folder(folder).is_some()
        {
            return format!("{} — wsprobe", self.workspace.folder_path(folder));
        }
        match self.selected_request() {
            Some(r) => {
                let rs = self.sessions.get(&r.id);
                let state = rs.map(|s| s.state).unwrap_or_default();
                let reconnect_in = rs.and_then(|s| s.reconnect_at);
                format!("{} — {} — wsprobe", r.name, state_text(state, reconnect_in))
            }
            None => "wsprobe".to_owned(),
        }
    }

    /// Whether the command palette is open.
    pub fn palette_open(&self) -> bool {
        self.palette.open
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

    /// The live state of a request, created if it has none yet (benchmarks fill its log).
    pub fn session_mut(&mut self, request_id: &str) -> &mut RequestSession {
        self.sessions.entry(request_id.to_owned()).or_default()
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

    /// Runs one whole frame: the logic step, then drawing. kittest drives this directly;
    /// eframe calls the two halves itself (see the [`eframe::App`] impl).
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.logic(ui.ctx());
        self.draw(ui);
    }

    /// Draws one frame and runs what was chosen in it (no logic step: see [`App::logic`]).
    pub fn draw(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.close_window_on_escape(&ctx);
        let mut commands = self.shortcuts(&ctx);
        // Drawn first so it takes Enter and the arrows before any panel sees them.
        let requests: Vec<PaletteRequest> = if self.palette.open {
            self.workspace
                .requests
                .iter()
                .map(|r| PaletteRequest {
                    id: r.id.clone(),
                    name: r.name.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        match self.palette.ui(&ctx, &requests) {
            Some(PaletteChoice::Command(command)) => commands.push(command),
            Some(PaletteChoice::Request(id)) => self.workspace.selected_request = Some(id),
            None => {}
        }
        // The variables in effect where the selection is: the request's own over its folders'
        // over the environment's.
        let vars = match (&self.workspace.selected_folder, self.selected_request()) {
            (Some(folder), _) => self.workspace.variables_in(Some(folder)),
            (None, Some(request)) => self.workspace.variables_of(request),
            (None, None) => self.workspace.variables_in(None),
        };
        let vars = VarContext::with_sources(vars);

        egui::Panel::top("menu_bar").show(ui, |ui| {
            commands.extend(self.menu_bar(ui));
        });
        if self.notice.is_some() || self.busy().is_some() {
            egui::Panel::top("notice").show(ui, |ui| self.notice_ui(ui));
        }

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
        self.import_conflict_ui(&ctx);
        commands::shortcuts_window(&ctx, &mut self.shortcuts_open);
        super::about::about_window(&ctx, &mut self.about_open);
        self.path_prompt.ui(&ctx);
        for command in commands {
            self.run_command(&ctx, command);
        }
        if let Some(command) = self.close_dialog(&ctx) {
            self.run_command(&ctx, command);
        }
        self.typing_last_frame = ctx.text_edit_focused();
        // Edits of this frame are saved (and the title follows) by the next logic step.
        if self.workspace != self.last_seen {
            ctx.request_repaint();
        }
    }

    fn request_view(&mut self, ui: &mut egui::Ui, vars: &VarContext) {
        if let Some(folder) = self.workspace.selected_folder.clone() {
            if self.workspace.folder(&folder).is_some() {
                self.folder_view.ui(ui, &mut self.workspace, &folder, vars);
                return;
            }
            self.workspace.selected_folder = None;
        }
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
        let reconnect_in = rs.reconnect_at;

        // Header: name, URL, status, Connect.
        rs.forget_stale_error(&self.workspace.requests[index], vars);
        let mut bar_action = None;
        egui::Panel::top("request_header")
            .frame(egui::Frame::new().inner_margin(egui::Margin::symmetric(4, 6)))
            .show(ui, |ui| {
                let request = &mut self.workspace.requests[index];
                bar_action = request_bar(
                    ui,
                    request,
                    state,
                    reconnect_in,
                    vars,
                    rs.error.as_deref(),
                    rs.failure.as_deref(),
                );
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
        // The events panel takes its place (and its divider) first, empty: its contents are
        // drawn after the editor, below, because egui's Tab order is drawing order and Tab
        // should visit the request's tabs and editor before the events toolbar and rows.
        // The editor/events divider stays where the user put it through zooms (Ctrl+0).
        let divider_id = egui::Id::unique("events_panel_divider");
        let divider = Divider::load(ui.ctx(), divider_id);
        let zoom = ui.ctx().zoom_factor();
        let range = egui::Rangef::new(280.0, (full_width - 260.0).max(300.0));
        let forced = divider.forced_size(full_width, zoom, range);
        let mut panel = egui::Panel::right("events_panel")
            .resizable(true)
            .default_size((full_width * 0.52).max(320.0))
            .size_range(range);
        if let Some(size) = forced {
            panel = panel.exact_size(size);
        }
        let shown = panel.show(ui, |ui| {
            // Claim the whole width, or the empty panel shrinks to its minimum.
            let rect = ui.max_rect();
            ui.expand_to_include_rect(rect);
            rect
        });
        let events_rect = shown.inner;
        divider.drawn(
            ui.ctx(),
            divider_id,
            full_width,
            zoom,
            shown.response.rect.width(),
            forced.is_some(),
        );

        let inherited = {
            let request = &self.workspace.requests[index];
            Inherited {
                headers: self.workspace.inherited_headers(request),
                auth: self
                    .workspace
                    .effective_auth(&request.auth, self.workspace.folder_of(request)),
            }
        };
        let mut composer_action = None;
        let mut control_action = None;
        egui::CentralPanel::default()
            .frame(egui::Frame::new().inner_margin(egui::Margin::symmetric(4, 4)))
            .show(ui, |ui| {
                let request = &mut self.workspace.requests[index];
                self.tabs.tabs_row(ui, request);
                ui.separator();
                match self.tabs.tab {
                    Tab::Message if request.kind.is_socketio() => {
                        // No Ping row or heartbeat: the engine answers Engine.IO's heartbeats,
                        // and raw frames would break the Socket.IO stream.
                        if self.emit_composer.ui(ui, request, state, vars) {
                            composer_action = Some(ComposerAction::Emit);
                        }
                        self.composer.error_row(ui, &request.id);
                        let connected = state == crate::ui::widgets::ConnState::Connected;
                        if let Some(a) =
                            self.composer.library_ui(ui, request, connected, vars, None)
                        {
                            composer_action = Some(a);
                        }
                    }
                    Tab::Message => {
                        control_action = heartbeats::control_rows(ui, request, rs);
                        composer_action = self.composer.ui(ui, request, state, vars);
                    }
                    Tab::Script => super::script_tab::script_tab(
                        ui,
                        request,
                        &rs.script,
                        &mut self.script_editor,
                    ),
                    _ => self.tabs.ui(ui, request, state, &inherited, vars),
                }
            });

        let mut events_ui = ui.new_child(
            egui::UiBuilder::new()
                .id_salt("events_panel_content")
                .max_rect(events_rect)
                .layout(egui::Layout::top_down(egui::Align::Min)),
        );
        events_ui.shrink_clip_rect(events_rect);
        let ui = &mut events_ui;
        let has_script = !self.workspace.requests[index].script.trim().is_empty();
        if has_script || !rs.script.tests.is_empty() {
            ui.horizontal(|ui| {
                ui.selectable_value(&mut rs.show_tests, false, "Events");
                let label = super::script_tab::tests_label(&rs.script);
                ui.selectable_value(&mut rs.show_tests, true, label);
            });
        } else {
            rs.show_tests = false;
        }
        if rs.show_tests {
            let clicked = super::script_tab::tests_panel(ui, &rs.script, &mut self.compare_tests);
            if let Some(seq) = clicked {
                rs.view.selected = Some(Seq(seq));
                rs.show_tests = false;
            }
        } else {
            rs.view.ui(ui, &mut rs.log, state, vars);
        }

        match composer_action {
            Some(ComposerAction::Send) => self.send(&id),
            Some(ComposerAction::SendOutgoing(message)) => self.send_outgoing(&id, message),
            Some(ComposerAction::Emit) => self.emit(&id),
            Some(ComposerAction::EmitOutgoing(message)) => {
                self.emit_outgoing(&id, *message);
            }
            None => {}
        }
        if let Some(action) = control_action {
            self.control_action(&id, action);
        }
    }

    /// The Message tab: its history and a chosen file.
    pub fn composer(&self) -> &Composer {
        &self.composer
    }

    /// The Message tab (tests use it to choose a file without the dialog).
    pub fn composer_mut(&mut self) -> &mut Composer {
        &mut self.composer
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
    /// Before every frame, and while the window is hidden: events keep being drained.
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        App::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }

    // Theme, zoom, window and panel sizes are in egui's memory, which eframe's persistence
    // saves by itself: nothing of ours to add.

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.save_now();
    }
}
