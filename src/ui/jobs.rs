//! Background jobs: every file dialog and every file read or write runs on a worker thread,
//! never on the UI thread.
//!
//! A [`Job`] is some work with a label ("Exporting to events.jsonl…"); its owner polls it
//! once per frame ([`Job::poll`], from `App::logic`), draws [`Job::ui`] (spinner, label,
//! progress) while it runs, and turns the result into a [`Notice`].
//! A [`Task`] is the common shape "ask for a path in a dialog, then do the work on it".
//! Dialogs open through [`FileDialog`]; where the desktop's dialog cannot open (no portal,
//! under Xvfb) the window's own dialog asks instead (see [`super::path_prompt`]).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use super::path_prompt::{self, PromptRequest};
use super::widgets::Notice;

/// How often a running job is looked at when nothing else wakes the window.
pub const POLL: Duration = Duration::from_millis(100);

/// How far a job got, counted by its worker (e.g. events written of a total).
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
}

impl Progress {
    pub fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
    }

    pub fn add(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// (done, total); total is 0 when unknown.
    pub fn get(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}

/// What a poll found.
#[derive(Debug)]
pub enum Poll<T> {
    Running,
    Done(T),
    /// The worker ended without an answer (it panicked or could not start).
    Lost,
}

/// Work running on its own thread; its result arrives once.
pub struct Job<T> {
    label: String,
    done: mpsc::Receiver<T>,
    progress: Arc<Progress>,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a worker thread; `ctx` (if any) is woken when it ends.
    pub fn spawn(
        label: impl Into<String>,
        ctx: Option<&egui::Context>,
        work: impl FnOnce(&Progress) -> T + Send + 'static,
    ) -> Self {
        Self::spawn_gated(label, ctx, None, work)
    }

    /// [`Job::spawn`] whose worker waits until `gate` receives (or its sender is dropped)
    /// before it starts: lets a test see the running state deterministically.
    pub fn spawn_gated(
        label: impl Into<String>,
        ctx: Option<&egui::Context>,
        gate: Option<mpsc::Receiver<()>>,
        work: impl FnOnce(&Progress) -> T + Send + 'static,
    ) -> Self {
        let (tx, done) = mpsc::channel();
        let progress = Arc::new(Progress::default());
        let worker_progress = Arc::clone(&progress);
        let ctx = ctx.cloned();
        // If the thread cannot start, `tx` is dropped with the closure and the poll says Lost.
        let _ = std::thread::Builder::new()
            .name("wsprobe-job".into())
            .spawn(move || {
                if let Some(gate) = gate {
                    let _ = gate.recv();
                }
                let _ = tx.send(work(&worker_progress));
                if let Some(ctx) = ctx {
                    ctx.request_repaint();
                }
            });
        Self {
            label: label.into(),
            done,
            progress,
        }
    }

    /// The result, once there is one; while running, asks `ctx` (if any) to look again soon.
    pub fn poll(&self, ctx: Option<&egui::Context>) -> Poll<T> {
        match self.done.try_recv() {
            Ok(result) => Poll::Done(result),
            Err(mpsc::TryRecvError::Empty) => {
                if let Some(ctx) = ctx {
                    ctx.request_repaint_after(POLL);
                }
                Poll::Running
            }
            Err(mpsc::TryRecvError::Disconnected) => Poll::Lost,
        }
    }

    /// A job whose result arrives on `done` (sent by whoever answers).
    pub fn from_receiver(label: impl Into<String>, done: mpsc::Receiver<T>) -> Self {
        Self {
            label: label.into(),
            done,
            progress: Arc::new(Progress::default()),
        }
    }

    /// Waits (at most `timeout`) for the result: for direct calls and tests, never a frame.
    pub fn wait(self, timeout: Duration) -> Poll<T> {
        match self.done.recv_timeout(timeout) {
            Ok(result) => Poll::Done(result),
            Err(mpsc::RecvTimeoutError::Timeout) => Poll::Running,
            Err(mpsc::RecvTimeoutError::Disconnected) => Poll::Lost,
        }
    }
}

impl<T> Job<T> {
    /// "Exporting to events.jsonl…"
    pub fn label(&self) -> &str {
        &self.label
    }

    /// "Exporting to events.jsonl stopped before it finished"
    pub fn lost_text(&self) -> String {
        format!(
            "{} stopped before it finished",
            self.label.trim_end_matches('…')
        )
    }

    /// The spinner, the label and the progress so far.
    pub fn ui(&self, ui: &mut egui::Ui) {
        ui.spinner();
        ui.label(&self.label);
        match self.progress.get() {
            (done, total) if total > 0 => {
                ui.weak(format!("{:.0}%", done as f64 * 100.0 / total as f64));
            }
            (0, _) => {}
            (done, _) => {
                ui.weak(format!("{done}"));
            }
        }
    }
}

/// A native file dialog, opened on a helper thread so the window keeps drawing.
pub struct FileDialog {
    title: String,
    file_name: Option<String>,
    filters: Vec<(String, Vec<String>)>,
}

impl FileDialog {
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            file_name: None,
            filters: Vec::new(),
        }
    }

    /// A filter: its name and the file extensions it allows.
    pub fn filter(mut self, name: &str, extensions: &[&str]) -> Self {
        self.filters.push((
            name.to_owned(),
            extensions.iter().map(|e| (*e).to_owned()).collect(),
        ));
        self
    }

    /// The proposed file name of a save dialog.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// "Open": the chosen path, or `None` if cancelled.
    pub fn pick_file(self, ctx: Option<&egui::Context>) -> Job<Option<PathBuf>> {
        self.open(false, ctx)
    }

    /// "Save as": the chosen path, or `None` if cancelled.
    pub fn save_file(self, ctx: Option<&egui::Context>) -> Job<Option<PathBuf>> {
        self.open(true, ctx)
    }

    /// The native dialog on a helper thread; the window's own dialog instead when the native
    /// one is not wanted or not there, or after it, when it gave up at once (it never showed).
    fn open(self, save: bool, ctx: Option<&egui::Context>) -> Job<Option<PathBuf>> {
        let (tx, rx) = mpsc::channel();
        let label = self.title.clone();
        let request = PromptRequest {
            title: self.title.clone(),
            save,
            filters: self.filters.clone(),
            file_name: self.file_name.clone(),
            answer: tx,
        };
        let Some(ctx) = ctx.cloned() else {
            // No window to ask in (direct calls): the native dialog or nothing.
            let dialog = self.build();
            let _ = std::thread::Builder::new()
                .name("wsprobe-dialog".into())
                .spawn(move || {
                    let picked = if save {
                        dialog.save_file()
                    } else {
                        dialog.pick_file()
                    };
                    let _ = request.answer.send(picked);
                });
            return Job::from_receiver(label, rx);
        };
        if path_prompt::builtin_wanted(&ctx) {
            path_prompt::ask(&ctx, request);
            return Job::from_receiver(label, rx);
        }
        let dialog = self.build();
        // If the thread cannot start, the request is dropped with it: the job says Lost.
        let _ = std::thread::Builder::new()
            .name("wsprobe-dialog".into())
            .spawn({
                let ctx = ctx.clone();
                move || {
                    let started = std::time::Instant::now();
                    let picked = if save {
                        dialog.save_file()
                    } else {
                        dialog.pick_file()
                    };
                    if picked.is_none() && started.elapsed() < path_prompt::NO_DIALOG_WITHIN {
                        path_prompt::ask(&ctx, request);
                    } else {
                        let _ = request.answer.send(picked);
                        ctx.request_repaint();
                    }
                }
            });
        Job::from_receiver(label, rx)
    }

    fn build(&self) -> rfd::FileDialog {
        let mut dialog = rfd::FileDialog::new().set_title(&self.title);
        for (name, extensions) in &self.filters {
            dialog = dialog.add_filter(name, extensions);
        }
        if let Some(name) = &self.file_name {
            dialog = dialog.set_file_name(name);
        }
        dialog
    }
}

/// What a [`Task`] found when polled.
#[derive(Debug)]
pub enum TaskPoll<T> {
    Running,
    Done(T),
    /// The dialog was cancelled (or could not open): nothing was done.
    Cancelled,
    /// The worker ended without an answer; the text says which work.
    Lost(String),
}

type Then<T> = Box<dyn FnOnce(PathBuf) -> Job<T> + Send>;

/// "Choose a path, then work on it": a dialog job, then the job it starts.
pub enum Task<T> {
    Choosing {
        dialog: Job<Option<PathBuf>>,
        /// Taken when the dialog answers.
        then: Option<Then<T>>,
    },
    Working(Job<T>),
}

impl<T: Send + 'static> Task<T> {
    /// Opens `dialog`; once a path is chosen, `then` starts the work on it.
    pub fn after_dialog(
        dialog: Job<Option<PathBuf>>,
        then: impl FnOnce(PathBuf) -> Job<T> + Send + 'static,
    ) -> Self {
        Self::Choosing {
            dialog,
            then: Some(Box::new(then)),
        }
    }

    /// Moves the task on: starts the work when the dialog answers, returns its result.
    pub fn poll(&mut self, ctx: Option<&egui::Context>) -> TaskPoll<T> {
        match self {
            Self::Choosing { dialog, then } => match dialog.poll(ctx) {
                Poll::Running => TaskPoll::Running,
                Poll::Lost | Poll::Done(None) => TaskPoll::Cancelled,
                Poll::Done(Some(path)) => match then.take() {
                    Some(then) => {
                        *self = Self::Working(then(path));
                        TaskPoll::Running
                    }
                    None => TaskPoll::Cancelled,
                },
            },
            Self::Working(job) => match job.poll(ctx) {
                Poll::Running => TaskPoll::Running,
                Poll::Done(result) => TaskPoll::Done(result),
                Poll::Lost => TaskPoll::Lost(job.lost_text()),
            },
        }
    }

    /// The work's label once it runs (not while the dialog is open).
    pub fn busy(&self) -> Option<&str> {
        match self {
            Self::Working(job) => Some(job.label()),
            Self::Choosing { .. } => None,
        }
    }

    /// The spinner line while the work runs; nothing while the dialog is open.
    pub fn ui(&self, ui: &mut egui::Ui) {
        if let Self::Working(job) = self {
            job.ui(ui);
        }
    }
}

/// Moves a task whose result is a notice on: once it ends, the task is gone and the notice
/// (the result, or why it was lost) is returned; a cancelled dialog gives none.
pub fn poll_notice_task(
    task: &mut Option<Task<Notice>>,
    ctx: Option<&egui::Context>,
) -> Option<Notice> {
    let notice = match task.as_mut()?.poll(ctx) {
        TaskPoll::Running => return None,
        TaskPoll::Done(notice) => Some(notice),
        TaskPoll::Cancelled => None,
        TaskPoll::Lost(text) => Some(Notice::error(text)),
    };
    *task = None;
    notice
}
