//! What File → Import… and File → Export… are made of: the scope, the errors, the outcome of a
//! job, and the jobs that do the file work (reading and parsing, or serialising and writing)
//! on a worker. Applying an outcome to the workspace is `import_export.rs`, on the UI thread.

use std::path::PathBuf;
use std::sync::mpsc;

use crate::import::{self, Bundle, ImportError, Imported};
use crate::ui::jobs::{Job, Task};
use crate::ui::text::file_name;

/// What File → Export... writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportScope {
    /// The selected request, or those picked with Ctrl+click in the sidebar; the selected
    /// folder when a folder is selected.
    Selection,
    Workspace,
    /// A folder with everything in it (the folder's "Export folder…").
    Folder(String),
}

/// Why an import or export did not happen.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("{running} Wait for it to finish before starting another import or export.")]
    Busy { running: String },
    #[error("Cannot import {}", path.display())]
    Import {
        path: PathBuf,
        #[source]
        source: ImportError,
    },
    #[error("Cannot export to {}", path.display())]
    Export {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The outcome of an import or export job, applied on the UI thread.
pub(super) enum Transfer {
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

/// The running import or export, and whether another one was asked for meanwhile.
#[derive(Default)]
pub(super) struct Transfers {
    pub task: Option<Task<Transfer>>,
    /// The user asked for another import or export meanwhile (it was refused).
    pub refused: bool,
}

pub(super) fn import_job(
    path: PathBuf,
    ctx: Option<&egui::Context>,
    gate: Option<mpsc::Receiver<()>>,
) -> Job<Transfer> {
    let label = format!("Importing {}…", file_name(&path));
    Job::spawn_gated(label, ctx, gate, move |_| {
        let result = import::read_file(&path);
        Transfer::Import { path, result }
    })
}

pub(super) fn export_job(
    path: PathBuf,
    bundle: Bundle,
    ctx: Option<&egui::Context>,
) -> Job<Transfer> {
    let label = format!("Exporting to {}…", file_name(&path));
    Job::spawn(label, ctx, move |_| {
        let requests = bundle.requests.len();
        let result = bundle.write(&path);
        Transfer::Export {
            path,
            requests,
            result,
        }
    })
}
