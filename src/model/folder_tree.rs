//! The folder tree: where folders and requests are placed, their paths, and the settings a
//! folder shares with everything inside it ([`Folder`] is the plain data).
//!
//! The contract:
//! - A folder has at most one parent ([`Folder::parent`], `None` at the top level) and a
//!   request at most one folder ([`SavedRequest::folder`]). Order among siblings is the
//!   order of [`Workspace::folders`] and [`Workspace::requests`]; in the tree a parent shows
//!   its folders first, then its requests.
//! - A parent that does not exist (its file was deleted or cannot be read), or one that would
//!   make a loop (the folders of a loop all show at the top level), counts as the top level:
//!   nothing is ever hidden, and the stored field is kept so that fixing the file puts things
//!   back where they were.
//! - Inheritance walks from the request's folder outwards ("innermost first"):
//!   - headers: a folder's enabled header is sent unless a nearer folder or the request itself
//!     has an enabled row of the same name (names compare case-insensitively);
//!   - auth: a request (or folder) whose auth is [`Auth::Inherit`] takes the nearest folder's
//!     auth that is not `Inherit`; at the top it is no auth;
//!   - variables, in increasing precedence: Globals, the active environment, the folders from
//!     the outermost to the innermost, the request's own. [`VarSource`] says where each value
//!     came from.

use super::environment::Variable;
use super::folder::Folder;
use super::request::{Auth, KeyValue, SavedRequest};
use super::workspace::Workspace;

/// Where a variable's value comes from, for the hover on `<<name>>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarSource {
    Globals,
    Environment(String),
    /// The folder's path, e.g. "Home/Lights".
    Folder(String),
    /// The request's own Variables tab.
    Request,
}

impl std::fmt::Display for VarSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Globals => write!(f, "Globals"),
            Self::Environment(name) => write!(f, "environment “{name}”"),
            Self::Folder(path) => write!(f, "folder “{path}”"),
            Self::Request => write!(f, "this request"),
        }
    }
}

/// A header a request gets from one of its folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InheritedHeader {
    pub header: KeyValue,
    /// The folder's path, e.g. "Home/Lights".
    pub from: String,
}

impl Workspace {
    pub fn folder(&self, id: &str) -> Option<&Folder> {
        self.folders.iter().find(|f| f.id == id)
    }

    pub fn folder_mut(&mut self, id: &str) -> Option<&mut Folder> {
        self.folders.iter_mut().find(|f| f.id == id)
    }

    /// The folder `id`, if it exists.
    fn placed(&self, id: Option<&str>) -> Option<&Folder> {
        self.folder(id?)
    }

    /// The parent a folder is shown under (see the module's contract): its parent, unless
    /// that does not exist or the folder is among the parent's own ancestors (a loop).
    pub fn parent_of(&self, folder: &Folder) -> Option<&str> {
        let parent = self.placed(folder.parent.as_deref())?;
        // Walk the stored parents up from `parent`, stopping at the top or at a repeat.
        let mut seen: Vec<&str> = Vec::new();
        let mut at = Some(parent);
        while let Some(f) = at {
            if f.id == folder.id {
                return None;
            }
            if seen.contains(&f.id.as_str()) {
                break;
            }
            seen.push(&f.id);
            at = self.placed(f.parent.as_deref());
        }
        Some(parent.id.as_str())
    }

    /// The folder a request is shown under.
    pub fn folder_of(&self, request: &SavedRequest) -> Option<&str> {
        self.placed(request.folder.as_deref())
            .map(|f| f.id.as_str())
    }

    /// The folders directly in `parent` (`None`: the top level), in order.
    pub fn child_folders<'a>(
        &'a self,
        parent: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Folder> {
        self.folders
            .iter()
            .filter(move |f| self.parent_of(f) == parent)
    }

    /// The requests directly in `folder` (`None`: the top level), in order.
    pub fn requests_in<'a>(
        &'a self,
        folder: Option<&'a str>,
    ) -> impl Iterator<Item = &'a SavedRequest> {
        self.requests
            .iter()
            .filter(move |r| self.folder_of(r) == folder)
    }

    /// `folder` and its enclosing folders, innermost first.
    pub fn folder_chain(&self, folder: Option<&str>) -> Vec<&Folder> {
        let mut chain: Vec<&Folder> = Vec::new();
        let mut at = self.placed(folder);
        while let Some(f) = at {
            if chain.iter().any(|c| c.id == f.id) {
                break;
            }
            chain.push(f);
            at = self.placed(self.parent_of(f));
        }
        chain
    }

    /// "Home/Lights": the names from the top level down to `folder`.
    pub fn folder_path(&self, folder: &str) -> String {
        let mut names: Vec<&str> = self
            .folder_chain(Some(folder))
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        names.reverse();
        names.join("/")
    }

    /// "Home/Lights/Feed": the request's folder path and its name.
    pub fn request_path(&self, request: &SavedRequest) -> String {
        match self.folder_of(request) {
            Some(folder) => format!("{}/{}", self.folder_path(folder), request.name),
            None => request.name.clone(),
        }
    }

    /// Whether `folder` is `ancestor` or lies somewhere inside it.
    pub fn is_within(&self, folder: &str, ancestor: &str) -> bool {
        self.folder_chain(Some(folder))
            .iter()
            .any(|f| f.id == ancestor)
    }

    /// The ids of `folder` and every folder inside it, in workspace order.
    pub fn folder_and_descendants(&self, folder: &str) -> Vec<String> {
        self.folders
            .iter()
            .filter(|f| self.is_within(&f.id, folder))
            .map(|f| f.id.clone())
            .collect()
    }

    /// The ids of every request inside `folder`, at any depth, in workspace order.
    pub fn requests_under(&self, folder: &str) -> Vec<String> {
        self.requests
            .iter()
            .filter(|r| self.folder_of(r).is_some_and(|f| self.is_within(f, folder)))
            .map(|r| r.id.clone())
            .collect()
    }

    /// A folder name not used yet by a sibling in `parent`.
    pub fn unique_folder_name(&self, base: &str, parent: Option<&str>) -> String {
        super::workspace::unique_name(base, |name| {
            self.child_folders(parent).any(|f| f.name == name)
        })
    }

    /// The headers `request` gets from its folders, outermost folder first, without those a
    /// nearer folder or the request itself overrides.
    pub fn inherited_headers(&self, request: &SavedRequest) -> Vec<InheritedHeader> {
        self.headers_inherited_in(self.folder_of(request), &request.headers)
    }

    /// The headers something in `folder` with its own rows `own` gets from `folder` and the
    /// folders around it (see [`Workspace::inherited_headers`]).
    pub fn headers_inherited_in(
        &self,
        folder: Option<&str>,
        own: &[KeyValue],
    ) -> Vec<InheritedHeader> {
        let mut seen: Vec<String> = enabled_names(own);
        let mut out = Vec::new();
        for folder in self.folder_chain(folder) {
            let path = self.folder_path(&folder.id);
            for header in folder.headers.iter().filter(|h| is_sent(h)) {
                let name = header.key.trim().to_ascii_lowercase();
                if !seen.contains(&name) {
                    out.push(InheritedHeader {
                        header: header.clone(),
                        from: path.clone(),
                    });
                }
            }
            seen.extend(enabled_names(&folder.headers));
        }
        out.reverse();
        out
    }

    /// The auth a request or folder with `auth` in `folder` ends up with, and the path of the
    /// folder it comes from (`None` when it is its own).
    pub fn effective_auth(&self, auth: &Auth, folder: Option<&str>) -> (Auth, Option<String>) {
        if *auth != Auth::Inherit {
            return (auth.clone(), None);
        }
        for f in self.folder_chain(folder) {
            if f.auth != Auth::Inherit {
                return (f.auth.clone(), Some(self.folder_path(&f.id)));
            }
        }
        (Auth::None, None)
    }

    /// The request as Connect sends it: its folders' headers before its own, and its auth
    /// with "Inherit from folder" replaced by the folder's.
    pub fn effective_request(&self, request: &SavedRequest) -> SavedRequest {
        let mut out = request.clone();
        let mut headers: Vec<KeyValue> = self
            .inherited_headers(request)
            .into_iter()
            .map(|h| h.header)
            .collect();
        headers.append(&mut out.headers);
        out.headers = headers;
        out.auth = self
            .effective_auth(&request.auth, self.folder_of(request))
            .0;
        out
    }

    /// Every variable in effect for something in `folder`, in increasing precedence (a later
    /// row of the same name wins), each with where it comes from.
    pub fn sourced_variables(&self, folder: Option<&str>) -> Vec<(Variable, VarSource)> {
        let mut out: Vec<(Variable, VarSource)> = self
            .globals
            .variables
            .iter()
            .map(|v| (v.clone(), VarSource::Globals))
            .collect();
        if let Some(env) = self.active_environment() {
            out.extend(
                env.variables
                    .iter()
                    .map(|v| (v.clone(), VarSource::Environment(env.name.clone()))),
            );
        }
        let mut chain = self.folder_chain(folder);
        chain.reverse();
        for f in chain {
            let path = self.folder_path(&f.id);
            out.extend(
                f.variables
                    .iter()
                    .map(|v| (v.clone(), VarSource::Folder(path.clone()))),
            );
        }
        out.retain(|(v, _)| !v.name.is_empty());
        out
    }

    /// The variables in effect for something in `folder`, each name once (the winning row).
    pub fn variables_in(&self, folder: Option<&str>) -> Vec<(Variable, VarSource)> {
        winners(self.sourced_variables(folder))
    }

    /// The variables in effect for `request`, with its own over its folders', each name once.
    pub fn variables_of(&self, request: &SavedRequest) -> Vec<(Variable, VarSource)> {
        let mut all = self.sourced_variables(self.folder_of(request));
        all.extend(
            request
                .variables
                .iter()
                .filter(|v| !v.name.is_empty())
                .map(|v| (v.clone(), VarSource::Request)),
        );
        winners(all)
    }

    /// The variables in effect for `request` (see [`Workspace::variables_of`]).
    pub fn variables_for(&self, request: &SavedRequest) -> Vec<Variable> {
        self.variables_of(request)
            .into_iter()
            .map(|(v, _)| v)
            .collect()
    }
}

/// Each name once: the last row of that name, in the place of its first.
fn winners(all: Vec<(Variable, VarSource)>) -> Vec<(Variable, VarSource)> {
    let mut out: Vec<(Variable, VarSource)> = Vec::new();
    for (var, source) in all {
        match out.iter_mut().find(|(v, _)| v.name == var.name) {
            Some(slot) => *slot = (var, source),
            None => out.push((var, source)),
        }
    }
    out
}

fn is_sent(header: &KeyValue) -> bool {
    header.enabled && !header.key.trim().is_empty()
}

fn enabled_names(headers: &[KeyValue]) -> Vec<String> {
    headers
        .iter()
        .filter(|h| is_sent(h))
        .map(|h| h.key.trim().to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Environment;

    /// Home (header X-Home, bearer auth, var host=home) / Lights (header X-Lights, var
    /// host=lights), with a request "Feed" in Lights.
    fn tree() -> (Workspace, String) {
        let mut ws = Workspace::default();
        let mut home = Folder::new("Home", None);
        home.headers = vec![
            KeyValue::new("X-Home", "1"),
            KeyValue::new("X-Both", "home"),
        ];
        home.auth = Auth::Bearer { token: "t".into() };
        home.variables = vec![Variable::new("host", "home"), Variable::new("h", "1")];
        let mut lights = Folder::new("Lights", Some(home.id.clone()));
        lights.headers = vec![KeyValue::new("x-both", "lights")];
        lights.variables = vec![Variable::new("host", "lights")];
        let mut feed = SavedRequest::new("Feed", "ws://x");
        feed.folder = Some(lights.id.clone());
        feed.auth = Auth::Inherit;
        let id = feed.id.clone();
        ws.folders = vec![home, lights];
        ws.requests.push(feed);
        (ws, id)
    }

    #[test]
    fn paths_and_children() {
        let (ws, id) = tree();
        let feed = ws.request(&id).unwrap();
        assert_eq!(ws.request_path(feed), "Home/Lights/Feed");
        assert_eq!(ws.child_folders(None).count(), 1);
        let home = ws.folders[0].id.clone();
        assert_eq!(ws.requests_under(&home), vec![id]);
        assert_eq!(ws.folder_and_descendants(&home).len(), 2);
    }

    #[test]
    fn a_missing_parent_or_a_loop_counts_as_the_top_level() {
        let (mut ws, id) = tree();
        let lights = ws.folders[1].id.clone();
        ws.folders[0].parent = Some(lights.clone()); // Home inside Lights inside Home
        assert_eq!(ws.child_folders(None).count(), 2);
        assert_eq!(ws.request_path(ws.request(&id).unwrap()), "Lights/Feed");
        ws.folders.clear();
        assert_eq!(ws.folder_of(ws.request(&id).unwrap()), None);
    }

    #[test]
    fn a_long_loop_and_deep_nesting_are_handled() {
        let mut ws = Workspace::default();
        let ids: Vec<String> = (0..150).map(|i| format!("f{i}")).collect();
        for (i, id) in ids.iter().enumerate() {
            let mut f = Folder::new(id.clone(), Some(ids[(i + 1) % ids.len()].clone()));
            f.id = id.clone();
            ws.folders.push(f);
        }
        // A loop of 150: every one of them at the top level.
        assert_eq!(ws.child_folders(None).count(), 150);
        // Unlooped, 150 deep: the whole path.
        ws.folders[149].parent = None;
        assert_eq!(ws.folder_chain(Some("f0")).len(), 150);
        assert_eq!(ws.child_folders(None).count(), 1);
    }

    #[test]
    fn headers_auth_and_variables_are_inherited_innermost_first() {
        let (mut ws, id) = tree();
        ws.globals = Environment::globals()
            .with_var("host", "g")
            .with_var("g", "1");
        let feed = ws.request(&id).unwrap().clone();
        let inherited = ws.inherited_headers(&feed);
        let names: Vec<(&str, &str, &str)> = inherited
            .iter()
            .map(|h| {
                (
                    h.header.key.as_str(),
                    h.header.value.as_str(),
                    h.from.as_str(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [("X-Home", "1", "Home"), ("x-both", "lights", "Home/Lights")]
        );
        let effective = ws.effective_request(&feed);
        assert_eq!(effective.auth, Auth::Bearer { token: "t".into() });
        let vars = ws.variables_in(ws.folder_of(&feed));
        let host = vars.iter().find(|(v, _)| v.name == "host").unwrap();
        assert_eq!(host.0.value, "lights");
        assert_eq!(host.1, VarSource::Folder("Home/Lights".into()));

        // The request's own variable wins over its folders'.
        let mut own_var = feed.clone();
        own_var.variables = vec![Variable::new("host", "mine")];
        let vars = ws.variables_of(&own_var);
        let host = vars.iter().find(|(v, _)| v.name == "host").unwrap();
        assert_eq!(
            (host.0.value.as_str(), &host.1),
            ("mine", &VarSource::Request)
        );

        // The request's own row wins, whatever its case.
        let mut own = feed.clone();
        own.headers.push(KeyValue::new("X-HOME", "mine"));
        assert_eq!(ws.inherited_headers(&own).len(), 1);
        // Inheriting at the top level is no auth.
        ws.folders[0].auth = Auth::Inherit;
        assert_eq!(ws.effective_request(&feed).auth, Auth::None);
    }
}
