//! Auth credentials are secrets: the Basic password, the Bearer token and the OAuth secrets
//! of a request (under `request:<id>` in `.secrets.json`) or of a folder (under
//! `<folder id>/auth`) are written to `.secrets.json`, never to the git-tracked file, which
//! keeps the fields empty. In a request file a field holding nothing but one `<<variable>>`
//! is no secret in itself and stays (folders move every non-empty value). Loading puts the values back; a value still in a file (from
//! an older wsprobe, or written by hand) is kept when `.secrets.json` has none, and moves on
//! the next save. The fields are [`Auth::secret_fields_mut`], the one list of them; a
//! request's client-certificate passphrase ([`ClientCertificate::secret_fields_mut`]) is kept
//! beside them, the same way.

use std::collections::BTreeMap;

use crate::model::{Auth, ClientCertificate, SavedRequest, is_reference};

/// Where a folder's auth secrets live in `.secrets.json`.
pub(super) fn key(folder_id: &str) -> String {
    format!("{folder_id}/auth")
}

/// Where a request's auth secrets live in `.secrets.json` (environment ids never start so).
pub(super) fn request_key(request_id: &str) -> String {
    format!("request:{request_id}")
}

/// Whether a field that is only a `<<variable>>` stays in the file when split.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum References {
    Keep,
    Move,
}

/// Empties the secret fields of `auth` (as written to its file) and returns their values.
pub(super) fn split(auth: &mut Auth, references: References) -> BTreeMap<String, String> {
    split_fields(auth.secret_fields_mut(), references)
}

/// A request's secret fields: its auth's and its client certificate's.
fn request_fields(request: &mut SavedRequest) -> Vec<(&'static str, &mut String)> {
    let mut fields = request.auth.secret_fields_mut();
    let cert: &mut ClientCertificate = &mut request.settings.client_certificate;
    fields.extend(cert.secret_fields_mut());
    fields
}

/// Empties a request's secret fields (auth and client certificate) and returns their values.
pub(super) fn split_request(
    request: &mut SavedRequest,
    references: References,
) -> BTreeMap<String, String> {
    split_fields(request_fields(request), references)
}

/// Puts a request's secret values from `.secrets.json` back.
pub(super) fn merge_request(request: &mut SavedRequest, values: Option<&BTreeMap<String, String>>) {
    merge_fields(request_fields(request), values);
}

fn split_fields(
    fields: Vec<(&'static str, &mut String)>,
    references: References,
) -> BTreeMap<String, String> {
    fields
        .into_iter()
        .filter(|(_, value)| {
            let kept = references == References::Keep && is_reference(value);
            !value.is_empty() && !kept
        })
        .map(|(name, value)| (name.to_owned(), std::mem::take(value)))
        .collect()
}

/// Puts the values from `.secrets.json` back into `auth`. Folder secrets written before the
/// names were shared (`password` for `basic.password`) are read too.
pub(super) fn merge(auth: &mut Auth, values: Option<&BTreeMap<String, String>>) {
    merge_fields(auth.secret_fields_mut(), values);
}

fn merge_fields(
    fields: Vec<(&'static str, &mut String)>,
    values: Option<&BTreeMap<String, String>>,
) {
    let Some(values) = values else { return };
    for (name, value) in fields {
        let short = name.rsplit('.').next().unwrap_or(name);
        if let Some(v) = values.get(name).or_else(|| values.get(short)) {
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
        let values = split(&mut auth, References::Move);
        assert_eq!(
            auth,
            Auth::Basic {
                username: "ann".into(),
                password: String::new()
            }
        );
        merge(&mut auth, Some(&values));
        assert_eq!(auth, original);
        assert!(split(&mut Auth::Inherit, References::Move).is_empty());
        // A reference is no secret; the older folder name is still read.
        let mut auth = Auth::Bearer {
            token: "<<token>>".into(),
        };
        assert!(split(&mut auth, References::Keep).is_empty());
        merge(
            &mut auth,
            Some(&[("token".to_owned(), "t1".to_owned())].into()),
        );
        assert_eq!(auth, Auth::Bearer { token: "t1".into() });
    }
}
