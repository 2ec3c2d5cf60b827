//! What every saved thing shares: a fresh id, the fields of a newer version kept as they
//! were ([`Unknown`]), and telling a secret from a reference to one ([`is_reference`]).

/// Fields this version does not know (written by a newer wsprobe, or by hand): kept as they
/// were and written back, so saving never drops what another version stored.
pub type Unknown = std::collections::BTreeMap<String, serde_json::Value>;

/// A fresh random id for a request or an environment: short, file-name safe, stable once made.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_string()
}

/// Whether `value` is nothing but one `<<variable>>` reference (no secret in itself).
pub fn is_reference(value: &str) -> bool {
    let v = value.trim();
    v.starts_with("<<") && v.ends_with(">>") && v[2..].find(">>") == Some(v.len() - 4)
}
