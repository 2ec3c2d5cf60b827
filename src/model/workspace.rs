use super::environment::{Environment, Variable};
use super::request::SavedRequest;

/// Everything the user has saved: requests in sidebar order, environments, and which is active.
#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    pub requests: Vec<SavedRequest>,
    /// User environments, in picker order (Globals is kept apart).
    pub environments: Vec<Environment>,
    /// Always present; applies beneath the active environment.
    pub globals: Environment,
    /// The id of the active environment, if any.
    pub active_environment: Option<String>,
    /// The id of the request selected in the sidebar, restored on the next start.
    pub selected_request: Option<String>,
    /// The workspace-wide proxy (`http://`, `socks5://`, `socks5h://`; may use
    /// `<<variables>>`), for requests set to use it; empty: the system's (environment).
    pub proxy: String,
    /// Fields of workspace.json that a newer version added, kept as they were.
    pub unknown: super::fields::Unknown,
}

impl Default for Workspace {
    fn default() -> Self {
        Self {
            requests: Vec::new(),
            environments: Vec::new(),
            globals: Environment::globals(),
            active_environment: None,
            selected_request: None,
            proxy: String::new(),
            unknown: super::fields::Unknown::new(),
        }
    }
}

impl Workspace {
    pub fn request(&self, id: &str) -> Option<&SavedRequest> {
        self.requests.iter().find(|r| r.id == id)
    }

    pub fn request_mut(&mut self, id: &str) -> Option<&mut SavedRequest> {
        self.requests.iter_mut().find(|r| r.id == id)
    }

    /// A request by name (exact first, then case-insensitive), as the CLI's TARGET names it.
    pub fn request_by_name(&self, name: &str) -> Option<&SavedRequest> {
        self.requests.iter().find(|r| r.name == name).or_else(|| {
            self.requests
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(name))
        })
    }

    pub fn environment(&self, id: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.id == id)
    }

    pub fn environment_by_name(&self, name: &str) -> Option<&Environment> {
        self.environments
            .iter()
            .find(|e| e.name == name)
            .or_else(|| {
                self.environments
                    .iter()
                    .find(|e| e.name.eq_ignore_ascii_case(name))
            })
    }

    pub fn active_environment(&self) -> Option<&Environment> {
        self.active_environment
            .as_deref()
            .and_then(|id| self.environment(id))
    }

    /// The variables in effect: Globals first, then the active environment overriding them.
    pub fn effective_variables(&self) -> Vec<Variable> {
        merge_variables(&self.globals, self.active_environment())
    }

    /// A name not yet used by any request: "New request", then "New request 2", ...
    pub fn unique_request_name(&self, base: &str) -> String {
        unique_name(base, |name| self.requests.iter().any(|r| r.name == name))
    }

    /// A name not yet used by any environment: "New environment", then "New environment 2", ...
    pub fn unique_environment_name(&self, base: &str) -> String {
        unique_name(base, |name| {
            self.environments.iter().any(|e| e.name == name)
        })
    }
}

/// `base`, or `base 2`, `base 3`, ... : the first that `taken` says is free.
fn unique_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base} {n}"))
        .find(|name| !taken(name))
        .unwrap_or_else(|| base.to_owned())
}

/// Globals beneath `active`: a name defined in both takes the active environment's value.
pub fn merge_variables(globals: &Environment, active: Option<&Environment>) -> Vec<Variable> {
    let mut out: Vec<Variable> = Vec::new();
    for var in globals
        .variables
        .iter()
        .chain(active.into_iter().flat_map(|e| e.variables.iter()))
    {
        if var.name.is_empty() {
            continue;
        }
        if let Some(existing) = out.iter_mut().find(|v| v.name == var.name) {
            *existing = var.clone();
        } else {
            out.push(var.clone());
        }
    }
    out
}
