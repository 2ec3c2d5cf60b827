//! What an import yields before it touches a workspace ([`Imported`]), what adding it did
//! ([`ImportSummary`], "Imported 12 WebSocket requests and 3 environments; …"), and why an
//! import failed ([`ImportError`]).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::model::{Environment, SavedRequest, Variable, Workspace};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read the file")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
    /// The file was fine; the workspace could not be opened or saved.
    #[error("{0}")]
    Workspace(String),
}

/// What a file held, converted, before it is added to a workspace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Imported {
    pub requests: Vec<SavedRequest>,
    pub environments: Vec<Environment>,
    /// Variables for Globals (Insomnia's base environment, or an exported workspace's Globals).
    pub globals: Vec<Variable>,
    /// Skipped items by kind ("HTTP request", "gRPC request", ...) and how many.
    pub skipped: BTreeMap<String, usize>,
}

/// What an import added, in words: "Imported 12 WebSocket requests and 3 environments;
/// skipped 40 HTTP requests".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub requests: usize,
    pub environments: usize,
    pub globals_added: usize,
    pub skipped: BTreeMap<String, usize>,
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {one}s")
    }
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Imported {} and {}",
            plural(self.requests, "WebSocket request"),
            plural(self.environments, "environment")
        )?;
        if self.globals_added > 0 {
            write!(
                f,
                " ({} added to Globals)",
                plural(self.globals_added, "variable")
            )?;
        }
        if !self.skipped.is_empty() {
            let parts: Vec<String> = self
                .skipped
                .iter()
                .map(|(kind, n)| plural(*n, kind))
                .collect();
            write!(f, "; skipped {}", join_and(&parts))?;
        }
        Ok(())
    }
}

fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl Imported {
    pub(crate) fn skip(&mut self, kind: &str) {
        *self.skipped.entry(kind.to_owned()).or_default() += 1;
    }

    /// Appends everything to `workspace`. Ids already taken there are replaced by fresh ones,
    /// so nothing existing is ever overwritten; a Globals variable whose name is already
    /// defined keeps its current value. Selects the first imported request.
    pub fn add_to(self, workspace: &mut Workspace) -> ImportSummary {
        let mut summary = ImportSummary {
            requests: self.requests.len(),
            environments: self.environments.len(),
            globals_added: 0,
            skipped: self.skipped,
        };
        let first_index = workspace.requests.len();
        for mut request in self.requests {
            if request.id.is_empty() || workspace.request(&request.id).is_some() {
                request.id = crate::model::new_id();
            }
            workspace.requests.push(request);
        }
        if let Some(first) = workspace.requests.get(first_index) {
            workspace.selected_request = Some(first.id.clone());
        }
        for mut env in self.environments {
            if env.id.is_empty()
                || env.id == crate::model::GLOBALS_ID
                || workspace.environment(&env.id).is_some()
            {
                env.id = crate::model::new_id();
            }
            workspace.environments.push(env);
        }
        for var in self.globals {
            if var.name.is_empty() || workspace.globals.get(&var.name).is_some() {
                continue;
            }
            workspace.globals.variables.push(var);
            summary.globals_added += 1;
        }
        summary
    }
}
