//! wsprobe's own export: one pretty JSON file holding requests (and, for a whole workspace,
//! its environments and Globals), in the same shapes as the workspace folder's files.
//!
//! ```json
//! { "format": "wsprobe-export", "version": 1, "requests": [...], "folders": [...],
//!   "environments": [...], "globals": [...] }
//! ```
//!
//! `folders` (absent when there are none) holds the folders the requests are in, parents
//! first: all of them for a workspace, the enclosing ones for a selection, and for "Export
//! folder…" that folder (put at the top level) with everything inside it.
//!
//! Importing adds everything with the ids it had unless they are taken (then fresh ones), so an
//! export imported into a new workspace comes back exactly as it was.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::imported::{ImportError, Imported};
use crate::model::{Environment, Folder, SavedRequest, Variable, Workspace};

pub const FORMAT: &str = "wsprobe-export";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub format: String,
    pub version: u32,
    pub requests: Vec<SavedRequest>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub folders: Vec<Folder>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<Environment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub globals: Vec<Variable>,
}

impl Bundle {
    fn new() -> Self {
        Self {
            format: FORMAT.into(),
            version: VERSION,
            requests: Vec::new(),
            folders: Vec::new(),
            environments: Vec::new(),
            globals: Vec::new(),
        }
    }

    /// The bundle as written: a typed client-certificate passphrase is left out.
    pub fn to_json(&self) -> String {
        let mut public = self.clone();
        for request in &mut public.requests {
            let cert = &mut request.settings.client_certificate;
            *cert = cert.for_export();
        }
        crate::store::to_pretty_json(&public)
    }

    /// Writes the bundle atomically to `path`.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        crate::store::atomic_write(path, self.to_json().as_bytes())
    }
}

/// The requests with these ids, in sidebar order, and the folders they are in (no
/// environments).
pub fn export_requests(workspace: &Workspace, ids: &[String]) -> Bundle {
    let mut bundle = Bundle::new();
    bundle.requests = workspace
        .requests
        .iter()
        .filter(|r| ids.contains(&r.id))
        .cloned()
        .collect();
    let mut folders: Vec<String> = Vec::new();
    for r in &bundle.requests {
        for f in workspace.folder_chain(workspace.folder_of(r)) {
            if !folders.contains(&f.id) {
                folders.push(f.id.clone());
            }
        }
    }
    bundle.folders = parents_first(folders_among(workspace, &folders));
    bundle
}

/// The workspace's folders whose ids are in `ids`, in workspace order.
fn folders_among(workspace: &Workspace, ids: &[String]) -> Vec<Folder> {
    workspace
        .folders
        .iter()
        .filter(|f| ids.contains(&f.id))
        .cloned()
        .collect()
}

/// Folder `id` (at the top level in the export) with every folder and request inside it.
pub fn export_folder(workspace: &Workspace, id: &str) -> Bundle {
    let mut bundle = Bundle::new();
    let folders = workspace.folder_and_descendants(id);
    let requests = workspace.requests_under(id);
    bundle.requests = workspace
        .requests
        .iter()
        .filter(|r| requests.contains(&r.id))
        .cloned()
        .collect();
    bundle.folders = parents_first(
        folders_among(workspace, &folders)
            .into_iter()
            .map(|mut f| {
                if f.id == id {
                    f.parent = None;
                }
                f
            })
            .collect(),
    );
    bundle
}

/// `folders` ordered so that a parent comes before its children (siblings keep their order).
pub(super) fn parents_first(folders: Vec<Folder>) -> Vec<Folder> {
    let ids: Vec<String> = folders.iter().map(|f| f.id.clone()).collect();
    let mut out: Vec<Folder> = Vec::with_capacity(folders.len());
    let mut rest = folders;
    while !rest.is_empty() {
        let before = rest.len();
        let (ready, waiting): (Vec<Folder>, Vec<Folder>) = rest.into_iter().partition(|f| {
            f.parent
                .as_ref()
                .is_none_or(|p| !ids.contains(p) || out.iter().any(|o| o.id == *p))
        });
        out.extend(ready);
        rest = waiting;
        if rest.len() == before {
            // A loop (a hand-edited file): take them as they are.
            out.append(&mut rest);
        }
    }
    out
}

/// Every request, its folders, every environment and the Globals variables.
pub fn export_workspace(workspace: &Workspace) -> Bundle {
    let mut bundle = Bundle::new();
    bundle.requests = workspace.requests.clone();
    bundle.folders = parents_first(workspace.folders.clone());
    bundle.environments = workspace.environments.clone();
    bundle.globals = workspace.globals.variables.clone();
    bundle
}

pub(super) fn is_bundle(value: &serde_json::Value) -> bool {
    value.get("format").and_then(|f| f.as_str()) == Some(FORMAT)
}

pub(super) fn from_value(value: serde_json::Value) -> Result<Imported, ImportError> {
    let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
    if version > u64::from(VERSION) {
        return Err(ImportError::Invalid(format!(
            "a wsprobe export version {version} from a newer wsprobe (this one reads {VERSION})"
        )));
    }
    let bundle: Bundle = serde_json::from_value(value)
        .map_err(|err| ImportError::Invalid(format!("invalid wsprobe export: {err}")))?;
    Ok(Imported {
        requests: bundle.requests,
        folders: bundle.folders,
        environments: bundle.environments,
        globals: bundle.globals,
        skipped: Default::default(),
    })
}
