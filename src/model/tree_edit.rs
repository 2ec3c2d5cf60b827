//! Edits of the folder tree: add, move, remove (keeping what Undo needs), restore and
//! duplicate folders, and move requests between them.
//!
//! The contract: an edit never loses a request or a folder, and never makes a loop (a folder
//! moved into itself or one of its descendants is refused). Order among siblings is the order
//! of [`Workspace::folders`] and [`Workspace::requests`], so "before X" means "just before X in
//! that list" and "at the end of F" means "after the last one in F".

use super::folder::Folder;
use super::request::SavedRequest;
use super::workspace::Workspace;

/// What a removed folder took with it, with each item's index, for Undo.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Removed {
    pub folders: Vec<(usize, Folder)>,
    pub requests: Vec<(usize, SavedRequest)>,
}

impl Removed {
    /// The removed folder itself (the first one taken).
    pub fn name(&self) -> &str {
        self.folders.first().map_or("", |(_, f)| f.name.as_str())
    }
}

impl Workspace {
    /// Adds "New folder" (or "New folder 2", ...) at the end of `parent`; returns its id.
    pub fn add_folder(&mut self, parent: Option<&str>) -> String {
        let name = self.unique_folder_name("New folder", parent);
        let folder = Folder::new(name, parent.map(str::to_owned));
        let id = folder.id.clone();
        self.folders.push(folder);
        id
    }

    /// Moves request `id` into `folder` (`None`: the top level), just before request
    /// `before`, or after the last request there.
    pub fn move_request(&mut self, id: &str, folder: Option<&str>, before: Option<&str>) {
        let Some(from) = self.requests.iter().position(|r| r.id == id) else {
            return;
        };
        if before == Some(id) {
            self.requests[from].folder = folder.map(str::to_owned);
            return;
        }
        let mut request = self.requests.remove(from);
        request.folder = folder.map(str::to_owned);
        let to = match before.and_then(|b| self.requests.iter().position(|r| r.id == b)) {
            Some(at) => at,
            None => self
                .requests
                .iter()
                .rposition(|r| self.folder_of(r) == folder)
                .map_or(self.requests.len(), |last| last + 1),
        };
        self.requests.insert(to, request);
    }

    /// Moves folder `id` into `parent` (`None`: the top level), just before folder `before`
    /// or after the last folder there. Refused (false) when `parent` is `id` or inside it.
    pub fn move_folder(&mut self, id: &str, parent: Option<&str>, before: Option<&str>) -> bool {
        if parent.is_some_and(|p| self.is_within(p, id)) {
            return false;
        }
        let Some(from) = self.folders.iter().position(|f| f.id == id) else {
            return false;
        };
        let mut folder = self.folders.remove(from);
        folder.parent = parent.map(str::to_owned);
        let to = match before
            .filter(|b| *b != id)
            .and_then(|b| self.folders.iter().position(|f| f.id == b))
        {
            Some(at) => at,
            None => self
                .folders
                .iter()
                .rposition(|f| self.parent_of(f) == parent)
                .map_or(self.folders.len(), |last| last + 1),
        };
        self.folders.insert(to, folder);
        true
    }

    /// Removes folder `id` with every folder and request inside it.
    pub fn remove_folder(&mut self, id: &str) -> Removed {
        let folders = self.folder_and_descendants(id);
        let requests = self.requests_under(id);
        let mut removed = Removed::default();
        let mut i = 0;
        self.requests.retain(|r| {
            i += 1;
            if requests.contains(&r.id) {
                removed.requests.push((i - 1, r.clone()));
                false
            } else {
                true
            }
        });
        let mut i = 0;
        self.folders.retain(|f| {
            i += 1;
            if folders.contains(&f.id) {
                removed.folders.push((i - 1, f.clone()));
                false
            } else {
                true
            }
        });
        // The folder itself first, so `Removed::name` names it.
        if let Some(at) = removed.folders.iter().position(|(_, f)| f.id == id) {
            let root = removed.folders.remove(at);
            removed.folders.insert(0, root);
        }
        for id in &folders {
            self.collapsed_folders.remove(id);
        }
        if self
            .selected_folder
            .as_ref()
            .is_some_and(|s| folders.contains(s))
        {
            self.selected_folder = None;
        }
        if self
            .selected_request
            .as_ref()
            .is_some_and(|s| requests.contains(s))
        {
            self.selected_request = None;
        }
        removed
    }

    /// Puts back what [`Workspace::remove_folder`] took, where it was.
    pub fn restore(&mut self, mut removed: Removed) {
        removed.folders.sort_by_key(|(i, _)| *i);
        for (i, folder) in removed.folders {
            let at = i.min(self.folders.len());
            self.folders.insert(at, folder);
        }
        for (i, request) in removed.requests {
            let at = i.min(self.requests.len());
            self.requests.insert(at, request);
        }
    }

    /// Copies folder `id` with everything inside it (fresh ids), named "<name> copy", right
    /// after it. Returns the copy's id.
    pub fn duplicate_folder(&mut self, id: &str) -> Option<String> {
        let original = self.folder(id)?;
        let parent = self.parent_of(original).map(str::to_owned);
        let name = self.unique_folder_name(&format!("{} copy", original.name), parent.as_deref());
        let folders = self.folder_and_descendants(id);
        let requests = self.requests_under(id);
        let new_ids: std::collections::HashMap<String, String> = folders
            .iter()
            .map(|f| (f.clone(), super::fields::new_id()))
            .collect();
        let remap = |old: &Option<String>| old.as_ref().and_then(|o| new_ids.get(o)).cloned();
        let mut copies: Vec<Folder> = Vec::new();
        for fid in &folders {
            let Some(f) = self.folder(fid) else { continue };
            let mut copy = f.clone();
            copy.id = new_ids[fid].clone();
            if fid == id {
                copy.name = name.clone();
                copy.parent = parent.clone();
            } else {
                copy.parent = remap(&f.parent);
            }
            copies.push(copy);
        }
        let request_copies: Vec<SavedRequest> = requests
            .iter()
            .filter_map(|rid| self.request(rid))
            .map(|r| {
                let mut copy = r.clone();
                copy.id = super::fields::new_id();
                copy.folder = remap(&r.folder);
                copy
            })
            .collect();
        let at = self.folders.iter().position(|f| f.id == id)? + 1;
        let root = new_ids[id].clone();
        self.folders.splice(at..at, copies);
        self.requests.extend(request_copies);
        Some(root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws() -> (Workspace, String, String) {
        let mut ws = Workspace::default();
        let home = ws.add_folder(None);
        let lights = ws.add_folder(Some(&home));
        for (name, folder) in [("a", Some(&home)), ("b", Some(&lights)), ("c", None)] {
            let mut r = SavedRequest::new(name, "ws://x");
            r.folder = folder.cloned();
            ws.requests.push(r);
        }
        (ws, home, lights)
    }

    fn names(ws: &Workspace, folder: Option<&str>) -> Vec<String> {
        ws.requests_in(folder).map(|r| r.name.clone()).collect()
    }

    #[test]
    fn move_requests_and_folders() {
        let (mut ws, home, lights) = ws();
        let c = ws.requests[2].id.clone();
        let a = ws.requests[0].id.clone();
        ws.move_request(&c, Some(&home), Some(&a));
        assert_eq!(names(&ws, Some(&home)), ["c", "a"]);
        ws.move_request(&c, Some(&lights), None);
        assert_eq!(names(&ws, Some(&lights)), ["b", "c"]);
        assert!(!ws.move_folder(&home, Some(&lights), None), "no loops");
        assert!(ws.move_folder(&lights, None, Some(&home)));
        let top: Vec<&str> = ws.child_folders(None).map(|f| f.id.as_str()).collect();
        assert_eq!(top, [lights.as_str(), home.as_str()]);
    }

    #[test]
    fn remove_restore_and_duplicate() {
        let (mut ws, home, _) = ws();
        let before = ws.clone();
        let removed = ws.remove_folder(&home);
        assert_eq!((removed.folders.len(), removed.requests.len()), (2, 2));
        assert_eq!(removed.name(), "New folder");
        assert_eq!(ws.requests.len(), 1);
        ws.restore(removed);
        assert_eq!(ws, before);

        let copy = ws.duplicate_folder(&home).unwrap();
        assert_eq!(ws.folder(&copy).unwrap().name, "New folder copy");
        assert_eq!(ws.requests_under(&copy).len(), 2);
        assert_eq!(ws.requests_under(&home).len(), 2);
        assert_eq!(ws.folders.len(), 4);
    }
}
