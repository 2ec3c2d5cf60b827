use super::environment::{Environment, Variable};
use super::request::SavedRequest;

/// Everything the user has saved: requests in sidebar order, environments, and which is active.
#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    pub requests: Vec<SavedRequest>,
    /// The sidebar's folders, in order among their siblings (see [`super::folder`]).
    pub folders: Vec<super::folder::Folder>,
    /// Folders shown collapsed in the sidebar.
    pub collapsed_folders: std::collections::BTreeSet<String>,
    /// The folder selected in the sidebar, if a folder (not a request) is selected: its
    /// settings show instead of the request.
    pub selected_folder: Option<String>,
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
            folders: Vec::new(),
            collapsed_folders: std::collections::BTreeSet::new(),
            selected_folder: None,
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
    /// Sets a variable as a script's `vars.set` does: where it is defined (the active
    /// environment, then Globals), else in the active environment, else in Globals. A
    /// secret stays secret.
    pub fn set_variable(&mut self, name: &str, value: &str) {
        let active = self
            .active_environment
            .as_deref()
            .and_then(|id| self.environments.iter().position(|e| e.id == id));
        let in_active = active.is_some_and(|i| self.environments[i].get(name).is_some());
        let env = match active {
            Some(i) if in_active || self.globals.get(name).is_none() => &mut self.environments[i],
            _ => &mut self.globals,
        };
        match env.variables.iter_mut().rev().find(|v| v.name == name) {
            Some(variable) => variable.value = value.to_owned(),
            None => env.variables.push(Variable::new(name, value)),
        }
    }

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
pub(super) fn unique_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_variable_writes_where_the_name_is_defined() {
        let mut ws = Workspace {
            globals: Environment::globals().with_var("g", "1"),
            ..Default::default()
        };
        let mut env = Environment::new("dev").with_var("e", "1");
        env.variables[0].secret = true;
        ws.active_environment = Some(env.id.clone());
        ws.environments.push(env);
        ws.set_variable("g", "2");
        ws.set_variable("e", "2");
        ws.set_variable("new", "3");
        assert_eq!(ws.globals.get("g").unwrap().value, "2");
        let env = &ws.environments[0];
        assert_eq!(env.get("e").unwrap().value, "2");
        assert!(env.get("e").unwrap().secret, "a secret stays secret");
        assert_eq!(
            env.get("new").unwrap().value,
            "3",
            "new names go to the active environment"
        );
        ws.active_environment = None;
        ws.set_variable("other", "4");
        assert_eq!(ws.globals.get("other").unwrap().value, "4");
    }
}
