//! A folder of the sidebar, as plain data: its name, its parent and what it shares with the
//! requests and folders inside it. The tree's rules (placing, paths, inheritance) are in
//! `folder_tree.rs`.

use serde::{Deserialize, Serialize};

use super::environment::Variable;
use super::request::{Auth, KeyValue};

/// A folder of the sidebar, with what it shares with its requests and subfolders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Folder {
    pub id: String,
    pub name: String,
    /// The enclosing folder; `None` at the top level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Sent with every request inside, unless a nearer row of the same name exists.
    pub headers: Vec<KeyValue>,
    /// What requests set to "Inherit from folder" use; `Inherit` asks the parent.
    pub auth: Auth,
    /// `<<name>>` values for everything inside, over the environment's.
    pub variables: Vec<Variable>,
    /// Fields a newer version added, kept as they were.
    #[serde(flatten)]
    pub unknown: super::fields::Unknown,
}

impl Default for Folder {
    fn default() -> Self {
        Self {
            id: super::fields::new_id(),
            name: "New folder".to_owned(),
            parent: None,
            headers: Vec::new(),
            auth: Auth::Inherit,
            variables: Vec::new(),
            unknown: super::fields::Unknown::new(),
        }
    }
}

impl Folder {
    pub fn new(name: impl Into<String>, parent: Option<String>) -> Self {
        Self {
            name: name.into(),
            parent,
            ..Self::default()
        }
    }
}
