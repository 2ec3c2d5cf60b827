//! The eframe/egui GUI. Never awaits, never blocks: sends engine Commands, drains Events.

use std::path::PathBuf;

/// Opens the main window on the workspace in `workspace_dir` (or the default folder).
pub fn run_app(workspace_dir: Option<PathBuf>) -> anyhow::Result<()> {
    let _ = workspace_dir;
    anyhow::bail!("the window is being written")
}
