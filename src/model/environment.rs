use serde::{Deserialize, Serialize};

/// The id of the Globals environment, which always exists and applies beneath the active one.
pub const GLOBALS_ID: &str = "globals";

/// A named set of variables expanded as `<<name>>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Environment {
    pub id: String,
    pub name: String,
    pub variables: Vec<Variable>,
    /// Fields a newer version added, kept as they were.
    #[serde(flatten)]
    pub unknown: super::fields::Unknown,
}

impl Default for Environment {
    fn default() -> Self {
        Self {
            id: super::fields::new_id(),
            name: "New environment".to_owned(),
            variables: Vec::new(),
            unknown: super::fields::Unknown::new(),
        }
    }
}

impl Environment {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    pub fn globals() -> Self {
        Self {
            id: GLOBALS_ID.to_owned(),
            name: "Globals".to_owned(),
            variables: Vec::new(),
            unknown: super::fields::Unknown::new(),
        }
    }

    pub fn with_var(mut self, name: &str, value: &str) -> Self {
        self.variables.push(Variable::new(name, value));
        self
    }

    /// The value of a variable; the last row wins when a name is repeated.
    pub fn get(&self, name: &str) -> Option<&Variable> {
        self.variables.iter().rev().find(|v| v.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Variable {
    pub name: String,
    pub value: String,
    /// Masked in the UI and in logs unless revealed.
    pub secret: bool,
}

impl Variable {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
            secret: false,
        }
    }
}
