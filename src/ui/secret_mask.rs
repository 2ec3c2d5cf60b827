//! Secret variable values hidden in what the events panel shows.
//!
//! The contract: every text the events panel draws from an event (row previews, expanded
//! lines, the detail's body in every view, the timeline's request line and headers, the
//! Connecting/Error lines) goes through a [`SecretMask`] built from the secret variables in
//! effect, which writes [`MASK`] over each value (and its URL-encoded form), until the user
//! reveals secrets with the detail's 👁 toggle. The log itself keeps the real bytes; Copy and
//! Save… of a payload give them as received. A preview cut in the middle of a secret masks
//! the part that shows.

use std::borrow::Cow;

use bytes::Bytes;

/// What a secret value is shown as.
pub const MASK: &str = "••••••";

/// A cut-off tail this long that starts a secret is masked too.
const MIN_TAIL: usize = 3;

#[derive(Debug, Clone, Default)]
pub struct SecretMask {
    /// Longest first, so a secret containing another is masked whole.
    values: Vec<String>,
    fingerprint: u64,
}

impl SecretMask {
    /// A mask for these values (empty ones are ignored), with their URL-encoded forms.
    pub fn new(values: impl IntoIterator<Item = String>) -> Self {
        let mut all: Vec<String> = Vec::new();
        for value in values.into_iter().filter(|v| !v.is_empty()) {
            let encoded = crate::model::url_params::encode_component(&value);
            if encoded != value {
                all.push(encoded);
            }
            all.push(value);
        }
        all.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        all.dedup();
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            all.hash(&mut h);
            h.finish() | 1
        };
        Self {
            fingerprint: if all.is_empty() { 0 } else { fingerprint },
            values: all,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Differs between masks that hide different values (0 when hiding nothing).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// `text` with every secret value masked.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for value in &self.values {
            if out.contains(value.as_str()) {
                out = Cow::Owned(out.replace(value.as_str(), MASK));
            }
        }
        out
    }

    /// A preview (possibly cut, ending in `…`) with secrets masked, a cut-off start of one
    /// included.
    pub fn preview(&self, text: &str) -> String {
        let mut out = self.text(text).into_owned();
        let (body, ellipsis) = match out.strip_suffix('…') {
            Some(body) => (body.to_owned(), "…"),
            None => return out,
        };
        for value in &self.values {
            let tail = (MIN_TAIL..value.len())
                .rev()
                .filter(|n| value.is_char_boundary(*n))
                .find(|n| body.ends_with(&value[..*n]));
            if let Some(n) = tail {
                out = format!("{}{MASK}{ellipsis}", &body[..body.len() - n]);
                break;
            }
        }
        out
    }

    /// `bytes` with every secret value masked (shared, not copied, when none is in it).
    pub fn bytes(&self, bytes: &Bytes) -> Bytes {
        let contains = |v: &str| {
            let v = v.as_bytes();
            bytes.windows(v.len()).any(|w| w == v)
        };
        if !self.values.iter().any(|v| contains(v)) {
            return bytes.clone();
        }
        let mut out = bytes.to_vec();
        for value in &self.values {
            out = replace_bytes(&out, value.as_bytes(), MASK.as_bytes());
        }
        Bytes::from(out)
    }
}

fn replace_bytes(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_values_and_their_url_forms() {
        let m = SecretMask::new(["s3cret".to_owned(), "a b".to_owned(), String::new()]);
        assert_eq!(
            m.text("ws://h/?t=s3cret&u=a+b"),
            "ws://h/?t=••••••&u=••••••"
        );
        assert_eq!(m.text("nothing"), "nothing");
        assert_eq!(m.preview("token s3c…"), "token ••••••…");
        assert_eq!(m.preview("token s…"), "token s…");
        assert_eq!(
            m.bytes(&Bytes::from_static(b"{\"k\":\"s3cret\"}")).as_ref(),
            "{\"k\":\"••••••\"}".as_bytes()
        );
        assert_ne!(m.fingerprint(), 0);
        assert_eq!(SecretMask::new(Vec::new()).fingerprint(), 0);
        assert!(SecretMask::default().is_empty());
    }
}
