//! wsprobe's own export: one pretty JSON file holding requests (and, for a whole workspace,
//! its environments and Globals), in the same shapes as the workspace folder's files.
//!
//! ```json
//! { "format": "wsprobe-export", "version": 1, "requests": [...], "environments": [...], "globals": [...] }
//! ```
//!
//! Importing adds everything with the ids it had unless they are taken (then fresh ones), so an
//! export imported into a new workspace comes back exactly as it was.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::imported::{ImportError, Imported};
use crate::model::{Environment, SavedRequest, Variable, Workspace};

pub const FORMAT: &str = "wsprobe-export";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub format: String,
    pub version: u32,
    pub requests: Vec<SavedRequest>,
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
            environments: Vec::new(),
            globals: Vec::new(),
        }
    }

    pub fn to_json(&self) -> String {
        crate::store::to_pretty_json(self)
    }

    /// Writes the bundle atomically to `path`.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        crate::store::atomic_write(path, self.to_json().as_bytes())
    }
}

/// The requests with these ids, in sidebar order (no environments).
pub fn export_requests(workspace: &Workspace, ids: &[String]) -> Bundle {
    let mut bundle = Bundle::new();
    bundle.requests = workspace
        .requests
        .iter()
        .filter(|r| ids.contains(&r.id))
        .cloned()
        .collect();
    bundle
}

/// Every request, every environment and the Globals variables.
pub fn export_workspace(workspace: &Workspace) -> Bundle {
    let mut bundle = Bundle::new();
    bundle.requests = workspace.requests.clone();
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
        environments: bundle.environments,
        globals: bundle.globals,
        skipped: Default::default(),
    })
}
