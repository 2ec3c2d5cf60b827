//! The workspace on disk: a folder of pretty-printed JSON files that diff well in git.
//!
//! ```text
//! workspace.json            format version, request order, environment order, active env
//! requests/<id>.json        one file per saved request (its folder is a field in it)
//! folders/<id>.json         one file per folder: name, parent, headers, auth, variables
//! environments/<id>.json    one file per environment (globals.json for Globals)
//! .secrets.json             values of variables marked secret (not for git)
//! .gitignore                lists .secrets.json (written with it, added to if it exists)
//! ```
//!
//! A secret variable is written to its environment file with an empty value; its value goes
//! to `.secrets.json` (`{"<environment id>": {"<name>": "<value>"}}`, mode 0600 on Unix) and
//! is merged back on load. A folder's secret variables go there the same way, under the
//! folder's id, and a request's under `<request id>/variables`. A folder's auth credentials
//! too (see [`auth_secrets`]).
//!
//! Why folders are files beside the requests, not directories holding them: moving a request
//! is then a one-line change of its `folder` field (plus its line in the order), renaming a
//! folder changes one file, no path ever depends on a name, and an older wsprobe still loads
//! every request (it keeps the `folder` field it does not know and writes it back). A secret whose value is still in an environment file (written by an
//! older wsprobe, or by hand) is loaded from there and moved on the next save.
//!
//! Auth secrets (the Basic password, the Bearer token, the OAuth consumer and token secrets)
//! and a client certificate's passphrase are kept the same way: written to the request file
//! empty, their values in `.secrets.json` under `"request:<request id>"`
//! (`{"bearer.token": "..."}`), merged back on load, and moved
//! out of a request file that still holds one on its next save. A value that is only a
//! `<<variable>>` reference is no secret itself and stays in the request file.
//!
//! Every write is atomic (temp file in the same folder, fsync, rename). Loading skips a file
//! that cannot be read or parsed, reports it by path, and never overwrites it afterwards.

mod auth_secrets;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::model::{Environment, Folder, GLOBALS_ID, SavedRequest, Variable, Workspace};

/// The format version written to workspace.json.
pub const FORMAT_VERSION: u32 = 1;

const WORKSPACE_FILE: &str = "workspace.json";
const REQUESTS_DIR: &str = "requests";
const ENVIRONMENTS_DIR: &str = "environments";
const FOLDERS_DIR: &str = "folders";
/// Values of secret variables; kept out of git by the workspace's `.gitignore`.
pub const SECRETS_FILE: &str = ".secrets.json";
const GITIGNORE: &str = ".gitignore";

/// Secret values by environment id, then variable name (sorted: stable diffs if shared).
type Secrets = std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the workspace folder {path}")]
    Create { path: PathBuf, source: io::Error },
    #[error("the workspace folder {path} is not writable")]
    NotWritable { path: PathBuf, source: io::Error },
    #[error("{path} is not a folder")]
    NotAFolder { path: PathBuf },
    #[error("cannot write {path}")]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot remove {path}")]
    Remove { path: PathBuf, source: io::Error },
    #[error(
        "{path} was written by a newer wsprobe (format {found}, this one reads {FORMAT_VERSION}); not touching it"
    )]
    TooNew { path: PathBuf, found: u32 },
    #[error("no workspace folder: set --workspace DIR or WSPROBE_WORKSPACE")]
    NoDefaultDir,
}

/// A file that could not be loaded; everything else was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadProblem {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// The contents of workspace.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct Manifest {
    format_version: u32,
    /// Request ids in sidebar order.
    requests: Vec<String>,
    /// Environment ids in picker order (Globals not included).
    environments: Vec<String>,
    /// Folder ids in order (among siblings); absent in a workspace without folders.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    folders: Vec<String>,
    /// Folders collapsed in the sidebar.
    #[serde(skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    collapsed_folders: std::collections::BTreeSet<String>,
    active_environment: Option<String>,
    selected_request: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    selected_folder: Option<String>,
    /// The workspace-wide proxy; left out while empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    proxy: String,
    #[serde(flatten)]
    unknown: crate::model::Unknown,
}

impl Default for Manifest {
    fn default() -> Self {
        Self {
            format_version: FORMAT_VERSION,
            requests: Vec::new(),
            environments: Vec::new(),
            folders: Vec::new(),
            collapsed_folders: std::collections::BTreeSet::new(),
            active_environment: None,
            selected_request: None,
            selected_folder: None,
            proxy: String::new(),
            unknown: crate::model::Unknown::new(),
        }
    }
}

/// An open workspace folder.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    /// What each file we manage holds on disk now, so `save` writes only what changed.
    on_disk: HashMap<PathBuf, String>,
    /// Files that failed to load: never written or removed by us.
    protected: HashSet<PathBuf>,
    /// Whether `.gitignore` was seen to list the secrets file.
    gitignore_checked: bool,
}

/// The default workspace folder: `--workspace`/`WSPROBE_WORKSPACE` if given, else the OS data dir.
pub fn workspace_dir(explicit: Option<PathBuf>) -> Result<PathBuf, StoreError> {
    if let Some(dir) = explicit {
        return Ok(dir);
    }
    directories::ProjectDirs::from("", "", "wsprobe")
        .map(|dirs| dirs.data_dir().join("workspace"))
        .ok_or(StoreError::NoDefaultDir)
}

impl Store {
    /// Opens (creating if missing) the folder and loads what it holds.
    pub fn open(
        dir: impl Into<PathBuf>,
    ) -> Result<(Store, Workspace, Vec<LoadProblem>), StoreError> {
        let root: PathBuf = dir.into();
        if root.exists() && !root.is_dir() {
            return Err(StoreError::NotAFolder { path: root });
        }
        for sub in [
            root.clone(),
            root.join(REQUESTS_DIR),
            root.join(ENVIRONMENTS_DIR),
        ] {
            fs::create_dir_all(&sub).map_err(|source| StoreError::Create {
                path: sub.clone(),
                source,
            })?;
        }
        check_writable(&root)?;
        remove_stale_temps(&root);
        let mut store = Store {
            root,
            on_disk: HashMap::new(),
            protected: HashSet::new(),
            gitignore_checked: false,
        };
        let (workspace, problems) = store.load()?;
        Ok((store, workspace, problems))
    }

    /// Loads the folder without creating, probing or writing anything (for `wsprobe run`).
    /// A missing folder is an empty workspace; missing `requests/` or `environments/` are empty.
    pub fn load_read_only(dir: &Path) -> Result<(Workspace, Vec<LoadProblem>), StoreError> {
        if dir.exists() && !dir.is_dir() {
            return Err(StoreError::NotAFolder {
                path: dir.to_owned(),
            });
        }
        if !dir.exists() {
            return Ok((Workspace::default(), Vec::new()));
        }
        let mut store = Store {
            root: dir.to_owned(),
            on_disk: HashMap::new(),
            protected: HashSet::new(),
            gitignore_checked: false,
        };
        store.load()
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Files that failed to load and are left alone.
    pub fn protected_files(&self) -> impl Iterator<Item = &Path> {
        self.protected.iter().map(PathBuf::as_path)
    }

    fn load(&mut self) -> Result<(Workspace, Vec<LoadProblem>), StoreError> {
        let mut problems = Vec::new();
        let manifest_path = self.root.join(WORKSPACE_FILE);
        let manifest: Manifest = if manifest_path.exists() {
            match self.read_json::<Manifest>(&manifest_path) {
                Ok(m) if m.format_version > FORMAT_VERSION => {
                    // Still usable for the order; but never overwritten by this older version.
                    self.protected.insert(manifest_path.clone());
                    problems.push(LoadProblem {
                        path: manifest_path.clone(),
                        message: format!(
                            "written by a newer wsprobe (format {}, this one reads {FORMAT_VERSION}); not touching it",
                            m.format_version
                        ),
                    });
                    m
                }
                Ok(m) => m,
                Err(message) => {
                    problems.push(LoadProblem {
                        path: manifest_path.clone(),
                        message,
                    });
                    Manifest::default()
                }
            }
        } else {
            Manifest::default()
        };

        let mut requests: Vec<SavedRequest> =
            self.load_dir(REQUESTS_DIR, &mut problems, |r: &SavedRequest| r.id.clone());
        order_by(&mut requests, &manifest.requests, |r| &r.id);
        let mut folders: Vec<Folder> =
            self.load_dir(FOLDERS_DIR, &mut problems, |f: &Folder| f.id.clone());
        order_by(&mut folders, &manifest.folders, |f| &f.id);

        let mut environments: Vec<Environment> =
            self.load_dir(ENVIRONMENTS_DIR, &mut problems, |e: &Environment| {
                e.id.clone()
            });
        let secrets_path = self.root.join(SECRETS_FILE);
        if secrets_path.exists() {
            match self.read_json::<Secrets>(&secrets_path) {
                Ok(secrets) => {
                    for env in &mut environments {
                        merge_secrets(&mut env.variables, secrets.get(&env.id));
                    }
                    for folder in &mut folders {
                        merge_secrets(&mut folder.variables, secrets.get(&folder.id));
                        let auth = secrets.get(&auth_secrets::key(&folder.id));
                        auth_secrets::merge(&mut folder.auth, auth);
                    }
                    for request in &mut requests {
                        let key = request_vars_key(&request.id);
                        merge_secrets(&mut request.variables, secrets.get(&key));
                    }
                    for request in &mut requests {
                        let values = secrets.get(&auth_secrets::request_key(&request.id));
                        auth_secrets::merge_request(request, values);
                    }
                }
                Err(message) => problems.push(LoadProblem {
                    path: secrets_path,
                    message,
                }),
            }
        }
        let globals = match environments.iter().position(|e| e.id == GLOBALS_ID) {
            Some(i) => environments.remove(i),
            None => Environment::globals(),
        };
        order_by(&mut environments, &manifest.environments, |e| &e.id);

        let workspace = Workspace {
            active_environment: manifest
                .active_environment
                .filter(|id| environments.iter().any(|e| &e.id == id)),
            selected_request: manifest
                .selected_request
                .filter(|id| requests.iter().any(|r| &r.id == id)),
            selected_folder: manifest
                .selected_folder
                .filter(|id| folders.iter().any(|f| &f.id == id)),
            collapsed_folders: manifest.collapsed_folders,
            requests,
            folders,
            environments,
            globals,
            proxy: manifest.proxy,
            unknown: manifest.unknown,
        };
        Ok((workspace, problems))
    }

    /// Loads every `*.json` in `sub`; a file's id is its file name, whatever the JSON says, so
    /// a copied file cannot silently replace another.
    fn load_dir<T>(
        &mut self,
        sub: &str,
        problems: &mut Vec<LoadProblem>,
        id_of: impl Fn(&T) -> String,
    ) -> Vec<T>
    where
        T: DeserializeOwned + WithId,
    {
        let dir = self.root.join(sub);
        let mut paths: Vec<PathBuf> = match fs::read_dir(&dir) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.extension().is_some_and(|e| e == "json")
                        && !p
                            .file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with('.'))
                })
                .collect(),
            // Only possible for a read-only load: `open` creates the folders first.
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Vec::new(),
            Err(err) => {
                problems.push(LoadProblem {
                    path: dir,
                    message: err.to_string(),
                });
                return Vec::new();
            }
        };
        paths.sort();
        let mut out = Vec::new();
        for path in paths {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            match self.read_json::<T>(&path) {
                Ok(mut item) => {
                    if id_of(&item) != stem {
                        item.set_id(stem);
                    }
                    out.push(item);
                }
                Err(message) => problems.push(LoadProblem { path, message }),
            }
        }
        out
    }

    /// Reads and parses one file, remembering its text; a failure protects the file.
    fn read_json<T: DeserializeOwned>(&mut self, path: &Path) -> Result<T, String> {
        let result = fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                serde_json::from_str::<T>(&text)
                    .map(|v| (v, text))
                    .map_err(|e| e.to_string())
            });
        match result {
            Ok((value, text)) => {
                self.on_disk.insert(path.to_owned(), text);
                Ok(value)
            }
            Err(message) => {
                self.protected.insert(path.to_owned());
                Err(message)
            }
        }
    }

    /// Writes what changed since the last load or save, and removes the files of requests and
    /// environments that were deleted. Files that failed to load are left untouched.
    pub fn save(&mut self, workspace: &Workspace) -> Result<(), StoreError> {
        let mut wanted: Vec<(PathBuf, String)> = Vec::new();
        // Files written here, outside `wanted`, that are not stale either.
        let mut kept: Vec<PathBuf> = Vec::new();
        let mut secrets = Secrets::new();
        for request in &workspace.requests {
            // Auth credentials and secret variables go to .secrets.json, under keys of their own.
            let mut public = request.clone();
            let values = auth_secrets::split_request(&mut public, auth_secrets::References::Keep);
            if !values.is_empty() {
                secrets.insert(auth_secrets::request_key(&request.id), values);
            }
            let var_values = split_secrets(&mut public.variables);
            if !var_values.is_empty() {
                secrets.insert(request_vars_key(&request.id), var_values);
            }
            wanted.push((
                self.file_for(REQUESTS_DIR, &request.id),
                to_pretty_json(&public),
            ));
        }
        for env in std::iter::once(&workspace.globals).chain(&workspace.environments) {
            let mut public = env.clone();
            let values = split_secrets(&mut public.variables);
            if !values.is_empty() {
                secrets.insert(env.id.clone(), values);
            }
            wanted.push((
                self.file_for(ENVIRONMENTS_DIR, &env.id),
                to_pretty_json(&public),
            ));
        }
        if !workspace.folders.is_empty() {
            let dir = self.root.join(FOLDERS_DIR);
            fs::create_dir_all(&dir).map_err(|source| StoreError::Create { path: dir, source })?;
        }
        for folder in &workspace.folders {
            let mut public = folder.clone();
            let values = split_secrets(&mut public.variables);
            if !values.is_empty() {
                secrets.insert(folder.id.clone(), values);
            }
            let auth = auth_secrets::split(&mut public.auth, auth_secrets::References::Move);
            if !auth.is_empty() {
                secrets.insert(auth_secrets::key(&folder.id), auth);
            }
            wanted.push((
                self.file_for(FOLDERS_DIR, &folder.id),
                to_pretty_json(&public),
            ));
        }
        let secrets_path = self.root.join(SECRETS_FILE);
        if !secrets.is_empty() || self.on_disk.contains_key(&secrets_path) {
            // Before the environment files: a secret moved out of one is never only in memory.
            if !self.protected.contains(&secrets_path) {
                self.ensure_gitignore()?;
            }
            self.write_if_changed(secrets_path.clone(), to_pretty_json(&secrets))?;
            kept.push(secrets_path);
        }
        let manifest = Manifest {
            format_version: FORMAT_VERSION,
            requests: workspace.requests.iter().map(|r| r.id.clone()).collect(),
            environments: workspace
                .environments
                .iter()
                .map(|e| e.id.clone())
                .collect(),
            folders: workspace.folders.iter().map(|f| f.id.clone()).collect(),
            collapsed_folders: workspace.collapsed_folders.clone(),
            active_environment: workspace.active_environment.clone(),
            selected_request: workspace.selected_request.clone(),
            selected_folder: workspace.selected_folder.clone(),
            proxy: workspace.proxy.clone(),
            unknown: workspace.unknown.clone(),
        };
        let manifest_path = self.root.join(WORKSPACE_FILE);

        let wanted_paths: HashSet<PathBuf> =
            wanted.iter().map(|(p, _)| p.clone()).chain(kept).collect();
        for (path, text) in wanted {
            self.write_if_changed(path, text)?;
        }
        // Written last: it names files that now exist.
        self.write_if_changed(manifest_path.clone(), to_pretty_json(&manifest))?;

        let stale: Vec<PathBuf> = self
            .on_disk
            .keys()
            .filter(|p| **p != manifest_path && !wanted_paths.contains(*p))
            .cloned()
            .collect();
        for path in stale {
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(source) => return Err(StoreError::Remove { path, source }),
            }
            self.on_disk.remove(&path);
        }
        Ok(())
    }

    fn file_for(&self, sub: &str, id: &str) -> PathBuf {
        self.root
            .join(sub)
            .join(format!("{}.json", safe_file_stem(id)))
    }

    fn write_if_changed(&mut self, path: PathBuf, text: String) -> Result<(), StoreError> {
        if self.protected.contains(&path) || self.on_disk.get(&path) == Some(&text) {
            return Ok(());
        }
        let private = path.file_name().is_some_and(|n| n == SECRETS_FILE);
        let result = if private {
            write_temp(&path, text.as_bytes())
                .and_then(|temp| {
                    make_private(&temp)?;
                    Ok(temp)
                })
                .and_then(|temp| commit_temp(&temp, &path))
        } else {
            atomic_write(&path, text.as_bytes())
        };
        result.map_err(|source| StoreError::Write {
            path: path.clone(),
            source,
        })?;
        self.on_disk.insert(path, text);
        Ok(())
    }

    /// Makes sure the workspace's `.gitignore` lists the secrets file (adding a line to an
    /// existing one, never removing anything).
    fn ensure_gitignore(&mut self) -> Result<(), StoreError> {
        if self.gitignore_checked {
            return Ok(());
        }
        let path = self.root.join(GITIGNORE);
        let current = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == io::ErrorKind::NotFound => String::new(),
            Err(source) => return Err(StoreError::Write { path, source }),
        };
        let listed = current
            .lines()
            .any(|l| matches!(l.trim(), ".secrets.json" | "/.secrets.json"));
        if !listed {
            let mut text = current;
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str("# Values of secret variables: never commit them.\n/.secrets.json\n");
            atomic_write(&path, text.as_bytes())
                .map_err(|source| StoreError::Write { path, source })?;
        }
        self.gitignore_checked = true;
        Ok(())
    }
}

/// Where a request's secret variables are kept in `.secrets.json`.
fn request_vars_key(id: &str) -> String {
    format!("{id}/variables")
}

/// Puts values from `.secrets.json` into the secret variables of an environment, a folder or
/// a request.
fn merge_secrets(
    variables: &mut [Variable],
    values: Option<&std::collections::BTreeMap<String, String>>,
) {
    let Some(values) = values else { return };
    for var in variables.iter_mut().filter(|v| v.secret) {
        if let Some(value) = values.get(&var.name) {
            var.value = value.clone();
        }
    }
}

/// Blanks the secret values in `variables` (as written to a git-tracked file) and returns
/// them by name.
fn split_secrets(variables: &mut [Variable]) -> std::collections::BTreeMap<String, String> {
    let mut values = std::collections::BTreeMap::new();
    for var in variables.iter_mut().filter(|v| v.secret) {
        values.insert(var.name.clone(), std::mem::take(&mut var.value));
    }
    values
}

#[cfg(unix)]
fn make_private(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn make_private(_path: &Path) -> io::Result<()> {
    Ok(())
}

/// Lets the loader correct an id to match its file name.
trait WithId {
    fn set_id(&mut self, id: String);
}

impl WithId for SavedRequest {
    fn set_id(&mut self, id: String) {
        self.id = id;
    }
}

impl WithId for Environment {
    fn set_id(&mut self, id: String) {
        self.id = id;
    }
}

impl WithId for Folder {
    fn set_id(&mut self, id: String) {
        self.id = id;
    }
}

/// Sorts `items` by their position in `order`; items not listed keep their (file name) order
/// after the listed ones, so a request added by hand or by a git merge still shows up.
fn order_by<T>(items: &mut [T], order: &[String], id: impl Fn(&T) -> &String) {
    let rank: HashMap<&String, usize> = order.iter().enumerate().map(|(i, id)| (id, i)).collect();
    items.sort_by_key(|item| rank.get(id(item)).copied().unwrap_or(usize::MAX));
}

/// Ids come from us, but a hand-edited file could carry anything: keep file names tame.
fn safe_file_stem(id: &str) -> String {
    let stem: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        "_".to_owned()
    } else {
        stem
    }
}

/// Pretty JSON, two-space indent, trailing newline: one edit is a one- or two-line diff.
pub fn to_pretty_json<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// Writes `bytes` to `path` atomically: a reader sees the old file or the new one, never a mix,
/// even if the process dies half way.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temp = write_temp(path, bytes)?;
    commit_temp(&temp, path)
}

/// [`atomic_write`] for content that is produced as it is written (an export of a million
/// events): `write` streams into a buffered temp file beside `path`, which replaces `path`
/// only when `write` succeeded and the data is synced. Returns what `write` returned.
pub fn atomic_write_with<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<T>,
) -> io::Result<T> {
    let (temp, value) = write_temp_with(path, write)?;
    commit_temp(&temp, path)?;
    Ok(value)
}

/// First half of [`atomic_write`]: the new content, synced, in a hidden temp file beside `path`.
pub fn write_temp(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    write_temp_with(path, |out| out.write_all(bytes)).map(|(temp, ())| temp)
}

fn write_temp_with<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<T>,
) -> io::Result<(PathBuf, T)> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temp = dir.join(format!(".{name}.{}.tmp", crate::model::new_id()));
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)?;
    let mut out = io::BufWriter::with_capacity(256 * 1024, file);
    let result = write(&mut out).and_then(|value| {
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        Ok(value)
    });
    match result {
        Ok(value) => Ok((temp, value)),
        Err(err) => {
            let _ = fs::remove_file(&temp);
            Err(err)
        }
    }
}

/// Second half of [`atomic_write`]: rename over `path`, then sync the folder so the rename lasts.
pub fn commit_temp(temp: &Path, path: &Path) -> io::Result<()> {
    if let Err(err) = fs::rename(temp, path) {
        let _ = fs::remove_file(temp);
        return Err(err);
    }
    if let Some(dir) = path.parent()
        && let Ok(d) = fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Temp files of [`write_temp`] that a crash (or a kill) left before their rename: they are
/// never read (hidden), only removed here, when a workspace is opened for editing.
fn remove_stale_temps(root: &Path) {
    for dir in [
        root.to_owned(),
        root.join(REQUESTS_DIR),
        root.join(ENVIRONMENTS_DIR),
        root.join(FOLDERS_DIR),
    ] {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') && name.ends_with(".tmp") {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

fn check_writable(root: &Path) -> Result<(), StoreError> {
    let probe = root.join(format!(".write-test-{}", crate::model::new_id()));
    match fs::write(&probe, b"") {
        Ok(()) => {
            let _ = fs::remove_file(&probe);
            Ok(())
        }
        Err(source) => Err(StoreError::NotWritable {
            path: root.to_owned(),
            source,
        }),
    }
}
