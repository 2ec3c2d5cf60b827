//! A folder's auth credentials are secrets: the password, the bearer token and the OAuth
//! secrets are written to `.secrets.json` (under `<folder id>/auth`), never to the
//! git-tracked folder file, which keeps the fields empty. Loading puts them back. A value
//! still in a folder file (written by hand) is loaded from there and moved on the next save.

use std::collections::BTreeMap;

use crate::model::Auth;

/// Where a folder's auth secrets live in `.secrets.json`.
pub(super) fn key(folder_id: &str) -> String {
    format!("{folder_id}/auth")
}

/// The secret fields of `auth`, by name, with a mutable handle on each.
fn fields(auth: &mut Auth) -> Vec<(&'static str, &mut String)> {
    match auth {
        Auth::Basic { password, .. } => vec![("password", password)],
        Auth::Bearer { token } => vec![("token", token)],
        Auth::OAuth1(o) => vec![
            ("consumer_secret", &mut o.consumer_secret),
            ("token_secret", &mut o.token_secret),
        ],
        Auth::None | Auth::Inherit => Vec::new(),
    }
}

/// Empties the secret fields of `auth` (as written to its file) and returns their values.
pub(super) fn split(auth: &mut Auth) -> BTreeMap<String, String> {
    fields(auth)
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| (name.to_owned(), std::mem::take(value)))
        .collect()
}

/// Puts the values from `.secrets.json` back into `auth`.
pub(super) fn merge(auth: &mut Auth, values: Option<&BTreeMap<String, String>>) {
    let Some(values) = values else { return };
    for (name, value) in fields(auth) {
        if let Some(v) = values.get(name) {
            *value = v.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_merge_round_trip() {
        let mut auth = Auth::Basic {
            username: "ann".into(),
            password: "pw".into(),
        };
        let original = auth.clone();
        let values = split(&mut auth);
        assert_eq!(
            auth,
            Auth::Basic {
                username: "ann".into(),
                password: String::new()
            }
        );
        merge(&mut auth, Some(&values));
        assert_eq!(auth, original);
        assert!(split(&mut Auth::Inherit).is_empty());
    }
}
