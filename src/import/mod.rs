//! Bringing requests in and out: Insomnia v4 (JSON/YAML) and v5 (YAML) exports, and wsprobe's
//! own one-file export ([`bundle`]).
//!
//! Every importer produces an [`Imported`]: plain model values with fresh ids, plus what was
//! skipped. [`Imported::add_to`] adds them to a workspace (what it does with a re-import is
//! the user's [`OnConflict`]) and
//! returns the [`ImportSummary`] the GUI and the CLI show.

pub mod bundle;
mod imported;
mod insomnia;

use std::path::Path;

pub use bundle::{Bundle, export_folder, export_requests, export_workspace};
pub use imported::{Conflicts, ImportError, ImportSummary, Imported, OnConflict};
pub use insomnia::convert_template;

/// `wsprobe import`: reads `file`, adds what it holds to the workspace folder `dir` (created if
/// missing) and saves it; items already there (a re-import) are handled as `on_conflict` says.
pub fn import_into_folder(
    file: &Path,
    dir: &Path,
    on_conflict: OnConflict,
) -> Result<ImportSummary, ImportError> {
    let imported = read_file(file)?;
    let (mut store, mut workspace, _problems) = crate::store::Store::open(dir)
        .map_err(|e| ImportError::Workspace(crate::format::error_chain(&e)))?;
    let summary = imported.add_to(&mut workspace, on_conflict);
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
