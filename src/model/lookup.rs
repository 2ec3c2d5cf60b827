//! Finding a saved request by what a user types: its folder path (`Home/Lights feed`) or its
//! bare name.
//!
//! The contract, first rule that matches anything wins:
//! 1. the whole path, exactly (`Home/Lights feed`);
//! 2. the request's name, exactly (also a name that itself contains `/`);
//! 3. the end of a path, at a `/` (`Lights/Feed` for `Home/Lights/Feed`);
//! 4. the same three ignoring case.
//!
//! A target without `/` is a bare name: only rule 2 (and its case-insensitive twin) apply, so
//! "Feed" is ambiguous when both `Feed` and `Home/Feed` exist.
//!
//! One match is the request; several are [`Lookup::Ambiguous`], with every matching path, so
//! the user can type one of them.

use super::request::SavedRequest;
use super::workspace::Workspace;

/// What a lookup found.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup<'a> {
    Found(&'a SavedRequest),
    /// Several requests match: their full paths, in sidebar order.
    Ambiguous(Vec<String>),
    NotFound,
}

#[derive(Clone, Copy)]
enum Rule {
    Path,
    Name,
    Suffix,
}

impl Workspace {
    /// The request `target` names (see the module's contract).
    pub fn find_request(&self, target: &str) -> Lookup<'_> {
        let target = target.trim().trim_matches('/');
        let paths: Vec<(String, &SavedRequest)> = self
            .requests
            .iter()
            .map(|r| (self.request_path(r), r))
            .collect();
        for fold in [false, true] {
            let norm = |s: &str| if fold { s.to_lowercase() } else { s.to_owned() };
            let t = norm(target);
            let suffix = format!("/{t}");
            // A bare name is looked up as a name only, so that a top-level request does not
            // hide others of the same name in folders.
            let rules: &[Rule] = if target.contains('/') {
                &[Rule::Path, Rule::Name, Rule::Suffix]
            } else {
                &[Rule::Name]
            };
            for rule in rules.iter().copied() {
                let matches: Vec<&(String, &SavedRequest)> = paths
                    .iter()
                    .filter(|(path, r)| match rule {
                        Rule::Path => norm(path) == t,
                        Rule::Name => norm(&r.name) == t,
                        Rule::Suffix => norm(path).ends_with(&suffix),
                    })
                    .collect();
                match matches.as_slice() {
                    [] => {}
                    [(_, r)] => return Lookup::Found(r),
                    many => {
                        return Lookup::Ambiguous(many.iter().map(|(p, _)| p.clone()).collect());
                    }
                }
            }
        }
        Lookup::NotFound
    }

    /// The request `target` names when exactly one does.
    pub fn request_by_name(&self, target: &str) -> Option<&SavedRequest> {
        match self.find_request(target) {
            Lookup::Found(r) => Some(r),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Folder;

    fn ws() -> Workspace {
        let mut ws = Workspace::default();
        let home = Folder::new("Home", None);
        let office = Folder::new("Office", None);
        for (name, folder) in [
            ("Lights feed", Some(&home)),
            ("Lights feed", Some(&office)),
            ("Doors", Some(&home)),
            ("Old / style", None),
        ] {
            let mut r = SavedRequest::new(name, "ws://x");
            r.folder = folder.map(|f| f.id.clone());
            ws.requests.push(r);
        }
        ws.folders = vec![home, office];
        ws
    }

    fn found(ws: &Workspace, target: &str) -> String {
        match ws.find_request(target) {
            Lookup::Found(r) => ws.request_path(r),
            other => panic!("{target}: {other:?}"),
        }
    }

    #[test]
    fn paths_names_and_suffixes() {
        let ws = ws();
        assert_eq!(found(&ws, "Home/Lights feed"), "Home/Lights feed");
        assert_eq!(found(&ws, "office/lights FEED"), "Office/Lights feed");
        assert_eq!(found(&ws, "Doors"), "Home/Doors");
        assert_eq!(found(&ws, "Old / style"), "Old / style");
        let mut top = SavedRequest::new("Doors", "ws://y");
        top.folder = None;
        let mut ws2 = ws.clone();
        ws2.requests.push(top);
        assert_eq!(
            ws2.find_request("Doors"),
            Lookup::Ambiguous(vec!["Home/Doors".into(), "Doors".into()])
        );
        assert_eq!(found(&ws2, "Home/Doors"), "Home/Doors");
        assert_eq!(
            ws.find_request("Lights feed"),
            Lookup::Ambiguous(vec!["Home/Lights feed".into(), "Office/Lights feed".into()])
        );
        assert_eq!(ws.find_request("Nope"), Lookup::NotFound);
    }
}
