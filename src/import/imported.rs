//! What an import yields before it touches a workspace ([`Imported`]), what adding it did
//! ([`ImportSummary`], "Imported 12 WebSocket requests and 3 environments; …"), and why an
//! import failed ([`ImportError`]).
//!
//! Re-imports: an imported request, folder or environment keeps the id it had in its source
//! (a wsprobe id, or Insomnia's `_id`), so importing the same file again finds the same ids in
//! the workspace. What happens to those is the user's choice, [`OnConflict`]: skip them (the
//! default), replace them in place, or keep both (the imported ones get fresh ids).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::model::{Environment, Folder, SavedRequest, Variable, Workspace};

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
    /// Folders, parents before their children; requests name theirs in `folder`.
    pub folders: Vec<Folder>,
    pub environments: Vec<Environment>,
    /// Variables for Globals (Insomnia's base environment, or an exported workspace's Globals).
    pub globals: Vec<Variable>,
    /// Skipped items by kind ("HTTP request", "gRPC request", ...) and how many.
    pub skipped: BTreeMap<String, usize>,
}

/// What to do with an imported item whose id the workspace already has (a re-import).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnConflict {
    /// Leave the workspace's item as it is and drop the imported one.
    #[default]
    Skip,
    /// Put the imported item in place of the workspace's (same id, same place).
    Replace,
    /// Add the imported item as well, with a fresh id.
    Keep,
}

impl OnConflict {
    /// The CLI's `--on-conflict` words.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "skip" => Some(Self::Skip),
            "replace" => Some(Self::Replace),
            "keep" => Some(Self::Keep),
            _ => None,
        }
    }
}

/// How many imported items are already in a workspace, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Conflicts {
    pub requests: usize,
    pub folders: usize,
    pub environments: usize,
}

impl Conflicts {
    pub fn total(&self) -> usize {
        self.requests + self.folders + self.environments
    }
}

impl fmt::Display for Conflicts {
    /// "3 requests, 1 folder and 1 environment"
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        for (n, one) in [
            (self.requests, "request"),
            (self.folders, "folder"),
            (self.environments, "environment"),
        ] {
            if n > 0 {
                parts.push(plural(n, one));
            }
        }
        write!(f, "{}", join_and(&parts))
    }
}

/// What an import added, in words: "Imported 12 WebSocket requests and 3 environments;
/// skipped 40 HTTP requests".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub requests: usize,
    pub folders: usize,
    pub environments: usize,
    pub globals_added: usize,
    pub skipped: BTreeMap<String, usize>,
    /// Items already in the workspace, and what was done with them.
    pub conflicts: Conflicts,
    pub on_conflict: OnConflict,
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
        let requests = plural(self.requests, "WebSocket request");
        let environments = plural(self.environments, "environment");
        if self.folders > 0 {
            let folders = plural(self.folders, "folder");
            write!(f, "Imported {requests}, {folders} and {environments}")?;
        } else {
            write!(f, "Imported {requests} and {environments}")?;
        }
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
        let n = self.conflicts.total();
        if n > 0 {
            let were = if n == 1 { "was" } else { "were" };
            let done = match self.on_conflict {
                OnConflict::Skip => "left as they were (skipped)",
                OnConflict::Replace => "replaced",
                OnConflict::Keep => "kept, and the imported ones added beside them",
            };
            write!(f, "; {} {were} already here: {done}", self.conflicts)?;
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

    /// The imported items whose ids `workspace` already has.
    pub fn conflicts(&self, workspace: &Workspace) -> Conflicts {
        Conflicts {
            requests: self
                .requests
                .iter()
                .filter(|r| workspace.request(&r.id).is_some())
                .count(),
            folders: self
                .folders
                .iter()
                .filter(|f| workspace.folder(&f.id).is_some())
                .count(),
            environments: self
                .environments
                .iter()
                .filter(|e| {
                    e.id != crate::model::GLOBALS_ID && workspace.environment(&e.id).is_some()
                })
                .count(),
        }
    }

    /// Adds everything to `workspace`; an item whose id is already there is skipped, replaced
    /// or added with a fresh id as `on_conflict` says. A Globals variable whose name is already
    /// defined keeps its value, unless replacing. Selects the first imported request.
    pub fn add_to(self, workspace: &mut Workspace, on_conflict: OnConflict) -> ImportSummary {
        let conflicts = self.conflicts(workspace);
        let mut summary = ImportSummary {
            skipped: self.skipped,
            conflicts,
            on_conflict,
            ..ImportSummary::default()
        };
        // Folder ids given fresh ids (Keep, or none at all), for their children.
        let mut renamed: std::collections::HashMap<String, String> = Default::default();
        for mut folder in self.folders {
            if let Some(parent) = folder.parent.as_ref().and_then(|p| renamed.get(p)) {
                folder.parent = Some(parent.clone());
            }
            let placed = place(
                folder,
                on_conflict,
                &mut workspace.folders,
                |f| &mut f.id,
                &mut renamed,
            );
            if placed.is_some() {
                summary.folders += 1;
            }
        }
        let mut first = None;
        for mut request in self.requests {
            if let Some(folder) = request.folder.as_ref().and_then(|f| renamed.get(f)) {
                request.folder = Some(folder.clone());
            }
            let mut ignored = Default::default();
            if let Some(id) = place(
                request,
                on_conflict,
                &mut workspace.requests,
                |r| &mut r.id,
                &mut ignored,
            ) {
                first.get_or_insert(id);
                summary.requests += 1;
            }
        }
        if let Some(first) = first {
            workspace.selected_request = Some(first);
            workspace.selected_folder = None;
        }
        for env in self.environments {
            let mut env = env;
            if env.id == crate::model::GLOBALS_ID {
                env.id = String::new();
            }
            let mut ignored = Default::default();
            if place(
                env,
                on_conflict,
                &mut workspace.environments,
                |e| &mut e.id,
                &mut ignored,
            )
            .is_some()
            {
                summary.environments += 1;
            }
        }
        for var in self.globals {
            if var.name.is_empty() {
                continue;
            }
            match workspace
                .globals
                .variables
                .iter_mut()
                .find(|v| v.name == var.name)
            {
                Some(existing) if on_conflict == OnConflict::Replace => *existing = var,
                Some(_) => {}
                None => {
                    workspace.globals.variables.push(var);
                    summary.globals_added += 1;
                }
            }
        }
        summary
    }
}

/// Puts `item` into `list` as `on_conflict` says when its id is taken (an empty id is always
/// given a fresh one); returns the id it got, or `None` when skipped. Fresh ids given to an
/// item that had one are recorded in `renamed`.
fn place<T>(
    mut item: T,
    on_conflict: OnConflict,
    list: &mut Vec<T>,
    id: impl Fn(&mut T) -> &mut String,
    renamed: &mut std::collections::HashMap<String, String>,
) -> Option<String> {
    let current = id(&mut item).clone();
    let existing = if current.is_empty() {
        None
    } else {
        list.iter_mut().position(|other| *id(other) == current)
    };
    match (existing, on_conflict) {
        (None, _) if !current.is_empty() => {
            list.push(item);
            Some(current)
        }
        (Some(_), OnConflict::Skip) => None,
        (Some(at), OnConflict::Replace) => {
            list[at] = item;
            Some(current)
        }
        _ => {
            let fresh = crate::model::new_id();
            *id(&mut item) = fresh.clone();
            if !current.is_empty() {
                renamed.insert(current, fresh.clone());
            }
            list.push(item);
            Some(fresh)
        }
    }
}
