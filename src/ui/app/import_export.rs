//! File → Import… and File → Export… of requests and environments, on the App. The dialog
//! and the file work run as a background [`Task`] (jobs in `transfer.rs`); only the result
//! comes back and is applied to the workspace here, on the UI thread, so the workspace is never
//! touched from two threads. One import or export runs at a time.

use std::path::Path;
use std::sync::mpsc;

use crate::format::error_chain;
use crate::import::{self, Bundle, ImportError, ImportSummary, Imported, OnConflict};
use crate::ui::jobs::{FileDialog, Task, TaskPoll};
use crate::ui::text::{file_name, file_stem};
use crate::ui::widgets::Notice;

use super::App;
use super::import_conflict::PendingImport;
use super::transfer::{ExportScope, Transfer, TransferError, Transfers, export_job, import_job};

impl App {
    /// "Importing insomnia_v4.json…" (or "Exporting …") while an import or export runs in
    /// the background; `None` when none does.
    pub fn busy(&self) -> Option<&str> {
        self.transfers.task.as_ref().and_then(Task::busy)
    }

    /// Adds the requests and environments of an export file, reading it on this thread (for
    /// tests and scripts). The window uses [`App::start_import`], which reads the file on a
    /// worker and then applies it with the same code. `None`: the file holds items already in
    /// the workspace, and the window now asks whether to skip, replace or keep them.
    pub fn import_file(&mut self, path: &Path) -> Result<Option<ImportSummary>, TransferError> {
        self.refuse_if_busy()?;
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
        if self.refuse_if_busy().is_err() {
            return false;
        }
        let job = import_job(path.to_owned(), self.ctx.as_ref(), gate);
        self.start_transfer(Task::Working(job));
        true
    }

    /// Writes the selected request or the whole workspace to `path` as a wsprobe export, on
    /// this thread (for tests and scripts; the window uses [`App::start_export`]).
    pub fn export_to(&mut self, path: &Path, scope: ExportScope) -> Result<(), TransferError> {
        self.refuse_if_busy()?;
        let bundle = self.export_bundle(&scope);
        let result = bundle.write(path);
        self.finish_export(path, bundle.requests.len(), result)
    }

    /// File → Export... after the dialog: takes a copy of what to export now, then serialises
    /// and writes it (atomically) on a worker thread while the window shows a spinner. Returns
    /// false, and says so in the window, if an import or export is already running.
    pub fn start_export(&mut self, path: &Path, scope: ExportScope) -> bool {
        if self.refuse_if_busy().is_err() {
            return false;
        }
        let job = export_job(
            path.to_owned(),
            self.export_bundle(&scope),
            self.ctx.as_ref(),
        );
        self.start_transfer(Task::Working(job));
        true
    }

    /// File → Import…: the dialog, then the import, both off the UI thread.
    pub(super) fn import_with_dialog(&mut self) {
        if self.refuse_if_busy().is_err() {
            return;
        }
        let dialog = FileDialog::new("Import requests")
            .filter("Insomnia or wsprobe export", &["json", "yaml", "yml"])
            .filter("All files", &["*"])
            .pick_file(self.ctx.as_ref());
        let ctx = self.ctx.clone();
        self.start_transfer(Task::after_dialog(dialog, move |path| {
            import_job(path, ctx.as_ref(), None)
        }));
    }

    /// File → Export…: the dialog, then the export of what `scope` holds now.
    pub(super) fn export_with_dialog(&mut self, scope: ExportScope) {
        if self.refuse_if_busy().is_err() {
            return;
        }
        let name = match &self.scope_of(&scope) {
            ExportScope::Workspace => "workspace".to_owned(),
            ExportScope::Selection => match self.selected_request() {
                Some(r) => file_stem(&r.name),
                None => return,
            },
            ExportScope::Folder(id) => match self.workspace.folder(id) {
                Some(f) => file_stem(&f.name),
                None => return,
            },
        };
        let dialog = FileDialog::new("Export")
            .file_name(format!("{name}.wsprobe.json"))
            .filter("wsprobe export", &["json"])
            .save_file(self.ctx.as_ref());
        let (bundle, ctx) = (self.export_bundle(&scope), self.ctx.clone());
        self.start_transfer(Task::after_dialog(dialog, move |path| {
            export_job(path, bundle, ctx.as_ref())
        }));
    }

    /// "Export selected requests…" while a folder is selected (its page showing) exports that
    /// folder.
    fn scope_of(&self, scope: &ExportScope) -> ExportScope {
        match (scope, &self.workspace.selected_folder) {
            (ExportScope::Selection, Some(folder)) if self.workspace.folder(folder).is_some() => {
                ExportScope::Folder(folder.clone())
            }
            _ => scope.clone(),
        }
    }

    fn start_transfer(&mut self, task: Task<Transfer>) {
        self.notice = None;
        self.transfers = Transfers {
            task: Some(task),
            refused: false,
        };
    }

    fn export_bundle(&self, scope: &ExportScope) -> Bundle {
        match &self.scope_of(scope) {
            ExportScope::Workspace => import::export_workspace(&self.workspace),
            ExportScope::Folder(id) => import::export_folder(&self.workspace, id),
            ExportScope::Selection => {
                let ids = self.sidebar.selection(&self.workspace);
                import::export_requests(&self.workspace, &ids)
            }
        }
    }

    /// Refuses (and the busy line says so) if an import or export is already running.
    fn refuse_if_busy(&mut self) -> Result<(), TransferError> {
        if self.transfers.task.is_none() {
            return Ok(());
        }
        self.transfers.refused = true;
        Err(TransferError::Busy {
            running: self.busy().unwrap_or_default().to_owned(),
        })
    }

    /// Applies a finished import or export (on the UI thread); called by the logic step.
    pub(super) fn poll_transfer(&mut self, ctx: &egui::Context) {
        let Some(task) = &mut self.transfers.task else {
            return;
        };
        let outcome = task.poll(Some(ctx));
        if matches!(outcome, TaskPoll::Running) {
            return;
        }
        self.transfers = Transfers::default();
        match outcome {
            TaskPoll::Done(Transfer::Import { path, result }) => {
                let _ = self.finish_import(&path, result);
            }
            TaskPoll::Done(Transfer::Export {
                path,
                requests,
                result,
            }) => {
                let _ = self.finish_export(&path, requests, result);
            }
            TaskPoll::Lost(text) => self.notice = Some(Notice::error(text)),
            TaskPoll::Running | TaskPoll::Cancelled => {}
        }
    }

    fn finish_import(
        &mut self,
        path: &Path,
        result: Result<Imported, ImportError>,
    ) -> Result<Option<ImportSummary>, TransferError> {
        match result {
            Ok(imported) => {
                let conflicts = imported.conflicts(&self.workspace);
                if conflicts.total() > 0 {
                    // A re-import: the user chooses (see `import_conflict`).
                    self.pending_import = Some(PendingImport {
                        file: file_name(path),
                        imported,
                        conflicts,
                    });
                    return Ok(None);
                }
                Ok(Some(self.apply_import(imported, OnConflict::Skip)))
            }
            Err(source) => Err(self.report(TransferError::Import {
                path: path.to_owned(),
                source,
            })),
        }
    }

    fn finish_export(
        &mut self,
        path: &Path,
        requests: usize,
        result: std::io::Result<()>,
    ) -> Result<(), TransferError> {
        match result {
            Ok(()) => {
                let what = match requests {
                    1 => "1 request".to_owned(),
                    n => format!("{n} requests"),
                };
                self.notice = Some(Notice::success(format!(
                    "Exported {what} to {}",
                    path.display()
                )));
                Ok(())
            }
            Err(source) => Err(self.report(TransferError::Export {
                path: path.to_owned(),
                source,
            })),
        }
    }

    /// Shows `err` (with its causes) as the notice and hands it back.
    fn report(&mut self, err: TransferError) -> TransferError {
        self.notice = Some(Notice::error(error_chain(&err)));
        err
    }
}
