//! Bringing requests in and out: Insomnia v4 (JSON/YAML) and v5 (YAML) exports, and wsprobe's
//! own one-file export ([`bundle`]).
//!
//! Every importer produces an [`Imported`]: plain model values with fresh ids, plus what was
//! skipped. [`Imported::add_to`] appends them to a workspace (it never replaces anything) and
//! returns the [`ImportSummary`] the GUI and the CLI show.

pub mod bundle;
mod insomnia;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::model::{Environment, SavedRequest, Variable, Workspace};

pub use bundle::{Bundle, export_requests, export_workspace};
pub use insomnia::convert_template;

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

/// `wsprobe import`: reads `file`, adds what it holds to the workspace folder `dir` (created if
/// missing) and saves it.
pub fn import_into_folder(file: &Path, dir: &Path) -> Result<ImportSummary, ImportError> {
    let imported = read_file(file)?;
    let (mut store, mut workspace, _problems) = crate::store::Store::open(dir)
        .map_err(|e| ImportError::Workspace(crate::format::error_chain(&e)))?;
    let summary = imported.add_to(&mut workspace);
    store
        .save(&workspace)
        .map_err(|e| ImportError::Workspace(crate::format::error_chain(&e)))?;
    Ok(summary)
}

/// Reads and converts a file: Insomnia v4 (JSON or YAML), Insomnia v5 (YAML) or a wsprobe
/// export, recognised by content.
pub fn read_file(path: &Path) -> Result<Imported, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| ImportError::Invalid("the file is not UTF-8 text".into()))?;
    parse(&text)
}

/// Converts the text of an export (see [`read_file`]).
pub fn parse(text: &str) -> Result<Imported, ImportError> {
    let looks_json = text.trim_start().starts_with(['{', '[']);
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(err) if looks_json => {
            return Err(ImportError::Invalid(format!("invalid JSON: {err}")));
        }
        Err(_) => serde_yaml_ng::from_str(text).map_err(|err| {
            ImportError::Invalid(format!(
                "neither JSON nor YAML: {}",
                one_line(&err.to_string())
            ))
        })?,
    };
    if bundle::is_bundle(&value) {
        return bundle::from_value(value);
    }
    if value.get("_type").and_then(|t| t.as_str()) == Some("export") {
        let format = value.get("__export_format").and_then(|f| f.as_u64());
        return match format {
            Some(4) => Ok(insomnia::from_v4(&value)),
            Some(other) => Err(ImportError::Invalid(format!(
                "Insomnia export format {other} is not supported (4 and 5 are)"
            ))),
            None => Err(ImportError::Invalid(
                "an Insomnia export without __export_format".into(),
            )),
        };
    }
    if let Some(kind) = value.get("type").and_then(|t| t.as_str())
        && kind.starts_with("collection.insomnia.rest/")
    {
        return if kind.starts_with("collection.insomnia.rest/5.") {
            Ok(insomnia::from_v5(&value))
        } else {
            Err(ImportError::Invalid(format!(
                "Insomnia `{kind}` is not supported (collection.insomnia.rest/5.x is)"
            )))
        };
    }
    Err(ImportError::Invalid(
        "not an Insomnia v4/v5 export or a wsprobe export".into(),
    ))
}

fn one_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_words() {
        let mut s = ImportSummary {
            requests: 12,
            environments: 3,
            ..Default::default()
        };
        s.skipped.insert("HTTP request".into(), 40);
        assert_eq!(
            s.to_string(),
            "Imported 12 WebSocket requests and 3 environments; skipped 40 HTTP requests"
        );
        let s = ImportSummary {
            requests: 1,
            environments: 1,
            globals_added: 2,
            ..Default::default()
        };
        assert_eq!(
            s.to_string(),
            "Imported 1 WebSocket request and 1 environment (2 variables added to Globals)"
        );
    }

    #[test]
    fn garbage_is_refused() {
        assert!(parse("{not json").is_err());
        assert!(parse("just: [a yaml").is_err());
        assert!(parse("{\"a\": 1}").is_err());
        assert!(parse("").is_err());
    }
}
