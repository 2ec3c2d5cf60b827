//! The application: owns the workspace, the engine and one session per request; drains engine
//! events each frame (with a budget) and saves the workspace in the background, debounced.
//! File → Import/Export read, parse and write their file on a worker thread (a spinner shows
//! meanwhile); only the result is applied to the workspace, here on the UI thread.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::engine::{Engine, Event, EventKind, EventReceiver, SessionId};
use crate::import::{self, Bundle, ImportError, ImportSummary, Imported};
use crate::log::EventLog;
use crate::model::{SavedRequest, Workspace};
use crate::store::{Store, StoreError};
use crate::template::Resolver;

use super::commands::{self, CommandPalette, EVENT_SEARCH_ID, UiCommand};
use super::composer::{Composer, ComposerAction, SentBody};
use super::environments::EnvironmentsWindow;
use super::events_panel::EventsView;
use super::request_bar::{BarAction, request_bar};
use super::request_tabs::{RequestTabs, Tab};
use super::sidebar::{Sidebar, SidebarAction};
use super::widgets::{ConnState, VarContext};

/// How long after the last edit the workspace is written.
pub const SAVE_DEBOUNCE: Duration = Duration::from_millis(300);
/// At most this many events are taken from the engine per frame, so a flood cannot freeze it.
const EVENTS_PER_FRAME: usize = 500_000;
const DRAIN_TIME_BUDGET: Duration = Duration::from_millis(8);
/// How often the window looks for a finished import/export while one runs.
const FILE_JOB_POLL: Duration = Duration::from_millis(100);

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
    palette: CommandPalette,
    shortcuts_open: bool,
    /// The outcome of the last import or export: (text, is an error).
    notice: Option<(String, bool)>,
    /// The import or export running on a worker thread; its spinner replaces the notice.
    file_job: Option<FileJob>,
    /// The window title last sent to the viewport.
    title: String,
    /// `WSPROBE_FRAME_STATS`: also report how long each Disconnect took, on stderr.
    report_disconnects: bool,
    /// The window was asked to close while the workspace could not be saved: the close was
    /// cancelled and a dialog asks what to do.
    close_blocked: bool,
    /// The user chose to close without saving (or the save finally worked).
    close_anyway: bool,
}

/// An import or export whose file work (reading and parsing, or serialising and writing) runs
/// on a worker thread. Only the result comes back; it is applied to the workspace on the UI
/// thread, so the workspace is never touched from two threads.
struct FileJob {
    /// "Importing insomnia_v4.json…", shown next to the spinner.
    label: String,
    done: mpsc::Receiver<FileJobResult>,
    /// The user asked for another import or export meanwhile (it was refused).
    refused: bool,
}

enum FileJobResult {
    Import {
        path: PathBuf,
        result: Result<Imported, ImportError>,
    },
    Export {
        path: PathBuf,
        requests: usize,
        result: std::io::Result<()>,
    },
}

/// What File → Export... writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportScope {
    /// The selected request, or those picked with Ctrl+click in the sidebar.
    Selection,
    Workspace,
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
            palette: CommandPalette::default(),
            shortcuts_open: false,
            notice: None,
            file_job: None,
            title: String::new(),
            report_disconnects: crate::ui::frame_stats::FrameStats::enabled(),
            close_blocked: false,
            close_anyway: false,
        })
    }

    /// Like [`App::new`], but a brand-new (missing or empty) folder starts with the example
    /// requests and the "Local" environment (see [`crate::examples`]). What the window uses.
    pub fn open_with_examples(dir: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let dir = dir.into();
        crate::examples::seed_if_new(&dir)?;
        Self::new(dir)
    }

    /// "Market feed — Connected — wsprobe", or "wsprobe" with nothing selected.
    pub fn window_title(&self) -> String {
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

    /// The last import/export outcome shown under the menu bar.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_ref().map(|(text, _)| text.as_str())
    }

    /// "Importing insomnia_v4.json…" (or "Exporting …") while an import or export runs in
    /// the background; `None` when none does.
    pub fn busy(&self) -> Option<&str> {
        self.file_job.as_ref().map(|job| job.label.as_str())
    }

    /// Adds the requests and environments of an export file, reading it on this thread (for
    /// tests and scripts). The window uses [`App::start_import`], which reads the file on a
    /// worker and then applies it with the same code.
    pub fn import_file(&mut self, path: &Path) -> Result<ImportSummary, String> {
        if self.refuse_if_busy() {
            return Err(self.busy_refusal());
        }
        let result = import::read_file(path);
        self.finish_import(path, result)
    }

    /// File → Import... after the dialog: reads and parses `path` on a worker thread while the
    /// window shows a spinner; the result is added to the workspace by a later frame (see
    /// [`App::busy`]). Returns false, and says so in the window, if an import or export is
    /// already running.
    pub fn start_import(&mut self, path: &Path) -> bool {
        self.start_import_gated(path, None)
    }

    /// [`App::start_import`] whose worker waits until `gate` receives (or its sender is
    /// dropped) before it reads the file: lets a test see the busy state deterministically.
    #[doc(hidden)]
    pub fn start_import_gated(&mut self, path: &Path, gate: Option<mpsc::Receiver<()>>) -> bool {
        let label = format!("Importing {}…", file_name(path));
        let path = path.to_owned();
        self.start_file_job(label, move || {
            if let Some(gate) = gate {
                let _ = gate.recv();
            }
            let result = import::read_file(&path);
            FileJobResult::Import { path, result }
        })
    }

    /// Writes the selected request or the whole workspace to `path` as a wsprobe export, on
    /// this thread (for tests and scripts; the window uses [`App::start_export`]).
    pub fn export_to(&mut self, path: &Path, scope: ExportScope) -> Result<(), String> {
        if self.refuse_if_busy() {
            return Err(self.busy_refusal());
        }
        let bundle = self.export_bundle(scope);
        let result = bundle.write(path);
        self.finish_export(path, bundle.requests.len(), result)
    }

    /// File → Export... after the dialog: takes a copy of what to export now, then serialises
    /// and writes it (atomically) on a worker thread while the window shows a spinner. Returns
    /// false, and says so in the window, if an import or export is already running.
    pub fn start_export(&mut self, path: &Path, scope: ExportScope) -> bool {
        if self.refuse_if_busy() {
            return false;
        }
        let bundle = self.export_bundle(scope);
        let label = format!("Exporting to {}…", file_name(path));
        let path = path.to_owned();
        self.start_file_job(label, move || {
            let requests = bundle.requests.len();
            let result = bundle.write(&path);
            FileJobResult::Export {
                path,
                requests,
                result,
            }
        })
    }

    fn export_bundle(&self, scope: ExportScope) -> Bundle {
        match scope {
            ExportScope::Workspace => import::export_workspace(&self.workspace),
            ExportScope::Selection => {
                let ids = self.sidebar.selection(&self.workspace);
                import::export_requests(&self.workspace, &ids)
            }
        }
    }

    /// True (and the busy line says so) if an import or export is already running.
    fn refuse_if_busy(&mut self) -> bool {
        match &mut self.file_job {
            Some(job) => {
                job.refused = true;
                true
            }
            None => false,
        }
    }

    fn busy_refusal(&self) -> String {
        format!(
            "{} Wait for it to finish before starting another import or export.",
            self.busy().unwrap_or_default()
        )
    }

    fn start_file_job(
        &mut self,
        label: String,
        work: impl FnOnce() -> FileJobResult + Send + 'static,
    ) -> bool {
        if self.refuse_if_busy() {
            return false;
        }
        let (tx, done) = mpsc::channel();
        let ctx = self.ctx.clone();
        // If the thread cannot start, `tx` is dropped with the closure and the next frame
        // reports the failure (see `poll_file_job`).
        let _ = thread::Builder::new()
            .name("wsprobe-file".into())
            .spawn(move || {
                let _ = tx.send(work());
                if let Some(ctx) = ctx {
                    ctx.request_repaint();
                }
            });
        self.notice = None;
        self.file_job = Some(FileJob {
            label,
            done,
            refused: false,
        });
        true
    }

    /// Applies a finished import or export (on the UI thread); while one runs, looks again
    /// soon so its result shows without any input.
    fn poll_file_job(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.file_job else {
            return;
        };
        match job.done.try_recv() {
            Ok(FileJobResult::Import { path, result }) => {
                self.file_job = None;
                let _ = self.finish_import(&path, result);
            }
            Ok(FileJobResult::Export {
                path,
                requests,
                result,
            }) => {
                self.file_job = None;
                let _ = self.finish_export(&path, requests, result);
            }
            Err(mpsc::TryRecvError::Empty) => ctx.request_repaint_after(FILE_JOB_POLL),
            Err(mpsc::TryRecvError::Disconnected) => {
                let text = format!(
                    "{} stopped before it finished",
                    job.label.trim_end_matches('…')
                );
                self.file_job = None;
                self.notice = Some((text, true));
            }
        }
    }

    fn finish_import(
        &mut self,
        path: &Path,
        result: Result<Imported, ImportError>,
    ) -> Result<ImportSummary, String> {
        match result {
            Ok(imported) => {
                let summary = imported.add_to(&mut self.workspace);
                self.notice = Some((summary.to_string(), false));
                Ok(summary)
            }
            Err(err) => {
                let text = format!("Cannot import {}: {err}", path.display());
                self.notice = Some((text.clone(), true));
                Err(text)
            }
        }
    }

    fn finish_export(
        &mut self,
        path: &Path,
        requests: usize,
        result: std::io::Result<()>,
    ) -> Result<(), String> {
        let result = result.map_err(|err| format!("Cannot export to {}: {err}", path.display()));
        self.notice = Some(match &result {
            Ok(()) => (
                format!(
                    "Exported {} to {}",
                    match requests {
                        1 => "1 request".to_owned(),
                        n => format!("{n} requests"),
                    },
                    path.display()
                ),
                false,
            ),
            Err(err) => (err.clone(), true),
        });
        result
    }

    /// Runs one command, as its shortcut, the menu or the palette would.
    pub fn run_command(&mut self, ctx: &egui::Context, command: UiCommand) {
        let selected = self.workspace.selected_request.clone();
        match command {
            UiCommand::NewRequest => self.sidebar.new_request(&mut self.workspace),
            UiCommand::RenameRequest => {
                if let Some(id) = selected {
                    self.sidebar.start_rename(&self.workspace, &id);
                }
            }
            UiCommand::DuplicateRequest => {
                if let Some(id) = selected {
                    self.sidebar.duplicate(&mut self.workspace, &id);
                }
            }
            UiCommand::DeleteRequest => {
                if let Some(id) = selected {
                    for action in self.sidebar.delete(&mut self.workspace, &id) {
                        self.handle_sidebar(action);
                    }
                }
            }
            UiCommand::Send => {
                if let Some(id) = selected {
                    self.send(&id);
                }
            }
            UiCommand::ToggleConnect => {
                if let Some(id) = selected {
                    let active = self.sessions.get(&id).is_some_and(|s| s.state.is_active());
                    if active {
                        self.disconnect(&id);
                    } else {
                        self.connect(&id);
                    }
                }
            }
            UiCommand::FocusEventSearch => {
                ctx.memory_mut(|m| m.request_focus(egui::Id::unique(EVENT_SEARCH_ID)));
            }
            UiCommand::ClearEvents => {
                if let Some(rs) = selected.and_then(|id| self.sessions.get_mut(&id)) {
                    rs.log.clear();
                    rs.view.selected = None;
                }
            }
            UiCommand::CommandPalette => {
                if self.palette.open {
                    self.palette.open = false;
                } else {
                    self.palette.show();
                }
            }
            UiCommand::ManageEnvironments => self.environments.open = true,
            UiCommand::Import => {
                if self.refuse_if_busy() {
                    return;
                }
                if let Some(path) = rfd::FileDialog::new()
                    .set_title("Import requests")
                    .add_filter("Insomnia or wsprobe export", &["json", "yaml", "yml"])
                    .add_filter("All files", &["*"])
                    .pick_file()
                {
                    self.start_import(&path);
                }
            }
            UiCommand::ExportRequest | UiCommand::ExportWorkspace => {
                if self.refuse_if_busy() {
                    return;
                }
                let scope = if command == UiCommand::ExportWorkspace {
                    ExportScope::Workspace
                } else {
                    ExportScope::Selection
                };
                let name = match scope {
                    ExportScope::Workspace => "workspace".to_owned(),
                    ExportScope::Selection => self
                        .selected_request()
                        .map(|r| file_stem(&r.name))
                        .unwrap_or_else(|| "request".to_owned()),
                };
                if (scope == ExportScope::Workspace || self.selected_request().is_some())
                    && let Some(path) = rfd::FileDialog::new()
                        .set_title("Export")
                        .set_file_name(format!("{name}.wsprobe.json"))
                        .add_filter("wsprobe export", &["json"])
                        .save_file()
                {
                    self.start_export(&path, scope);
                }
            }
            UiCommand::KeyboardShortcuts => self.shortcuts_open = true,
            UiCommand::ZoomIn => egui::gui_zoom::zoom_in(ctx),
            UiCommand::ZoomOut => egui::gui_zoom::zoom_out(ctx),
            UiCommand::ZoomReset => ctx.set_zoom_factor(1.0),
            UiCommand::ThemeSystem => ctx.set_theme(egui::ThemePreference::System),
            UiCommand::ThemeLight => ctx.set_theme(egui::ThemePreference::Light),
            UiCommand::ThemeDark => ctx.set_theme(egui::ThemePreference::Dark),
        }
    }

    /// The commands whose shortcuts were pressed this frame (taken from the input so no
    /// widget sees them). Keys a text field uses are left to it while it has the keyboard.
    fn shortcuts(&mut self, ctx: &egui::Context) -> Vec<UiCommand> {
        let typing = ctx.text_edit_focused();
        let mut pressed = Vec::new();
        for command in UiCommand::ALL {
            if !command.handled_by_app()
                || (typing && !command.fires_while_typing())
                || (self.palette.open && command != UiCommand::CommandPalette)
            {
                continue;
            }
            if let Some(shortcut) = command.shortcut()
                && ctx.input_mut(|i| i.consume_shortcut(&shortcut))
            {
                pressed.push(command);
            }
        }
        pressed
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui) -> Vec<UiCommand> {
        let mut chosen = Vec::new();
        let busy = self.file_job.is_some();
        egui::MenuBar::new().ui(ui, |ui| {
            let mut item = |ui: &mut egui::Ui, command: UiCommand| {
                let shortcut = command.shortcut_text(ui.ctx());
                let button = if shortcut.is_empty() {
                    egui::Button::new(command.label())
                } else {
                    egui::Button::new(command.label()).shortcut_text(shortcut)
                };
                let file_command = matches!(
                    command,
                    UiCommand::Import | UiCommand::ExportRequest | UiCommand::ExportWorkspace
                );
                let response = ui.add_enabled(!(busy && file_command), button);
                let response = response
                    .on_disabled_hover_text("Wait for the running import or export to finish");
                if response.clicked() {
                    chosen.push(command);
                }
            };
            ui.menu_button("File", |ui| {
                item(ui, UiCommand::NewRequest);
                ui.separator();
                item(ui, UiCommand::Import);
                item(ui, UiCommand::ExportRequest);
                item(ui, UiCommand::ExportWorkspace);
                ui.separator();
                if ui.button("Quit").clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("Request", |ui| {
                for command in [
                    UiCommand::RenameRequest,
                    UiCommand::DuplicateRequest,
                    UiCommand::DeleteRequest,
                ] {
                    item(ui, command);
                }
                ui.separator();
                for command in [
                    UiCommand::ToggleConnect,
                    UiCommand::Send,
                    UiCommand::FocusEventSearch,
                    UiCommand::ClearEvents,
                ] {
                    item(ui, command);
                }
                ui.separator();
                item(ui, UiCommand::ManageEnvironments);
            });
            ui.menu_button("View", |ui| {
                item(ui, UiCommand::CommandPalette);
                ui.separator();
                for command in [UiCommand::ZoomIn, UiCommand::ZoomOut, UiCommand::ZoomReset] {
                    item(ui, command);
                }
                ui.separator();
                for command in [
                    UiCommand::ThemeSystem,
                    UiCommand::ThemeLight,
                    UiCommand::ThemeDark,
                ] {
                    item(ui, command);
                }
            });
            ui.menu_button("Help", |ui| {
                item(ui, UiCommand::KeyboardShortcuts);
                item(ui, UiCommand::CommandPalette);
            });
        });
        chosen
    }

    fn notice_ui(&mut self, ui: &mut egui::Ui) {
        if let Some(job) = &self.file_job {
            ui.horizontal_wrapped(|ui| {
                ui.spinner();
                ui.label(&job.label);
                if job.refused {
                    ui.weak("Wait for it to finish before starting another import or export.");
                }
            });
            return;
        }
        let mut dismiss = false;
        if let Some((text, is_error)) = &self.notice {
            ui.horizontal_wrapped(|ui| {
                if *is_error {
                    ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {text}"));
                } else {
                    ui.label(format!("✔ {text}"));
                }
                dismiss = ui
                    .small_button("×")
                    .on_hover_text("Dismiss")
                    .accessible_name("Dismiss notice")
                    .clicked();
            });
        }
        if dismiss {
            self.notice = None;
        }
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
        self.poll_file_job(&ctx);
        let mut commands = self.shortcuts(&ctx);
        // Drawn first so it takes Enter and the arrows before any panel sees them.
        if let Some(command) = self.palette.ui(&ctx) {
            commands.push(command);
        }
        let vars = VarContext::new(self.workspace.effective_variables());

        egui::Panel::top("menu_bar").show(ui, |ui| {
            commands.extend(self.menu_bar(ui));
        });
        if self.notice.is_some() || self.file_job.is_some() {
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
        commands::shortcuts_window(&ctx, &mut self.shortcuts_open);
        for command in commands {
            self.run_command(&ctx, command);
        }
        self.update_title(&ctx);
        self.autosave(&ctx);
        if let Some(command) = self.guard_close(&ctx) {
            self.run_command(&ctx, command);
        }
    }

    /// Closing the window while the workspace cannot be saved (read-only folder, full disk)
    /// would lose the edits: the close is cancelled and a dialog offers to try again, to export
    /// a copy elsewhere, or to close anyway. Returns a command the dialog asked for.
    fn guard_close(&mut self, ctx: &egui::Context) -> Option<UiCommand> {
        if ctx.input(|i| i.viewport().close_requested()) && !self.close_anyway {
            self.save_now();
            if self.save_error.is_some() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.close_blocked = true;
            }
        }
        if !self.close_blocked {
            return None;
        }
        let mut command = None;
        let mut close = false;
        let error = self.save_error.clone().unwrap_or_default();
        let modal = egui::Modal::new(egui::Id::unique("unsaved_close")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.heading("Your changes are not saved");
            ui.label(format!("Saving the workspace failed: {error}"));
            ui.label("Closing now loses the changes since the last save.");
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui.button("Try again").clicked() {
                    self.save_now();
                    close = self.save_error.is_none();
                }
                if ui
                    .button("Export a copy…")
                    .on_hover_text("Write the whole workspace to a file you choose")
                    .clicked()
                {
                    command = Some(UiCommand::ExportWorkspace);
                    self.close_blocked = false;
                }
                if ui.button("Keep open").clicked() {
                    self.close_blocked = false;
                }
                if ui.button("Close without saving").clicked() {
                    close = true;
                }
            });
        });
        // Escape or a click beside the dialog: keep the window open, as the button does.
        if modal.should_close() && !close && command.is_none() {
            self.close_blocked = false;
        }
        if close {
            self.close_blocked = false;
            self.close_anyway = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        command
    }

    /// Whether the close dialog for unsaved changes is showing.
    pub fn close_blocked(&self) -> bool {
        self.close_blocked
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = self.window_title();
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        // The reconnect countdown ticks.
        if self.sessions.values().any(|s| s.reconnect_at.is_some()) {
            ctx.request_repaint_after(Duration::from_millis(250));
        }
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
        let reconnect_in = rs.reconnect_at;

        // Header: name, URL, status, Connect.
        let mut bar_action = None;
        egui::Panel::top("request_header")
            .frame(egui::Frame::new().inner_margin(egui::Margin::symmetric(4, 6)))
            .show(ui, |ui| {
                let request = &mut self.workspace.requests[index];
                bar_action =
                    request_bar(ui, request, state, reconnect_in, vars, rs.error.as_deref());
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
                rs.view.ui(ui, &mut rs.log, state, vars);
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
        match composer_action {
            Some(ComposerAction::Send) => self.send(&id),
            Some(ComposerAction::SendOutgoing(message)) => {
                if let Some(rs) = self.sessions.get_mut(&id)
                    && let (Some(session), Some((engine, _))) = (rs.session, &self.engine)
                    && rs.state == ConnState::Connected
                {
                    rs.error = None;
                    engine.send(session, message);
                }
            }
            None => {}
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
            rs.disconnect_asked = Some(Instant::now());
        }
    }

    fn send(&mut self, request_id: &str) {
        let Some(request) = self.workspace.request(request_id) else {
            return;
        };
        let message = Resolver::for_workspace(&self.workspace)
            .resolve_message(request.draft.format, &request.draft.body);
        let sent = SentBody::Draft {
            format: request.draft.format,
            body: request.draft.body.clone(),
        };
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
                    // The history holds what really went out, however the send was asked for
                    // (button, Ctrl+Enter, the palette).
                    self.composer.record_sent(request_id, sent);
                }
            }
        }
    }

    fn drain_events(&mut self, ctx: &egui::Context) {
        if self.ctx.is_none() {
            self.ctx = Some(ctx.clone());
        }
        self.apply_log_limits();
        let Some((_, rx)) = &self.engine else {
            return;
        };
        let started = Instant::now();
        let mut taken = 0;
        // Whole batches (everything one socket read brought): one lookup per batch.
        while let Some(batch) = rx.try_recv_batch() {
            taken += batch.len();
            route_events(&mut self.sessions, &self.by_session, batch);
            if taken >= EVENTS_PER_FRAME || started.elapsed() > DRAIN_TIME_BUDGET {
                // More may be waiting: come back next frame rather than freeze this one.
                ctx.request_repaint();
                break;
            }
        }
        if self.report_disconnects && taken > 0 {
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

    // Theme, zoom, window and panel sizes are in egui's memory, which eframe's persistence
    // saves by itself: nothing of ours to add.

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.save_now();
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
    let Some(rs) = by_session.get(&session).and_then(|id| sessions.get_mut(id)) else {
        return;
    };
    let current = rs.session == Some(session);
    for event in batch {
        debug_assert_eq!(event.session, session, "a batch holds one session's events");
        if current {
            rs.state = next_state(rs.state, &event.kind);
            match &event.kind {
                EventKind::Reconnecting { delay_ms, .. } => {
                    rs.reconnect_at = Some(Instant::now() + Duration::from_millis(*delay_ms));
                }
                EventKind::Connecting { .. } | EventKind::Connected(_) => {
                    rs.reconnect_at = None;
                }
                EventKind::Closed { .. } => {
                    rs.reconnect_at = None;
                    if let Some(asked) = rs.disconnect_asked.take() {
                        rs.disconnect_took = Some(asked.elapsed());
                    }
                }
                _ => {}
            }
        }
        rs.log.push(event);
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

/// The state in words, with the countdown while waiting to reconnect:
/// "Reconnecting in 3 s (2/5)".
pub fn state_text(state: ConnState, reconnect_at: Option<Instant>) -> String {
    match (state, reconnect_at) {
        (ConnState::Reconnecting { attempt, of }, Some(at)) => {
            let left = at.saturating_duration_since(Instant::now());
            format!(
                "Reconnecting in {} s ({attempt}/{of})",
                left.as_secs_f64().ceil() as u64
            )
        }
        _ => state.label(),
    }
}

/// "insomnia_v4.json" of a path, for the busy line.
fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}

/// A request name made safe as a file name.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-').to_owned();
    if stem.is_empty() {
        "request".to_owned()
    } else {
        stem
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
