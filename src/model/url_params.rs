//! Keeps the URL's query string and the Params table in sync, both ways.
//!
//! The text is kept exactly as typed (no percent-decoding), so `<<variables>>` and `%20`
//! round-trip untouched. The URL holds the enabled params; disabled rows live only in the table.

use super::request::KeyValue;

/// Splits `url` into (everything before `?`, the query if any, the `#fragment` if any).
fn split(url: &str) -> (&str, Option<&str>, &str) {
    let (before_fragment, fragment) = match url.find('#') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    match before_fragment.find('?') {
        Some(i) => (
            &before_fragment[..i],
            Some(&before_fragment[i + 1..]),
            fragment,
        ),
        None => (before_fragment, None, fragment),
    }
}

/// The query pairs of `url`, raw, in order.
pub fn query_pairs(url: &str) -> Vec<(String, String)> {
    let (_, query, _) = split(url);
    query
        .unwrap_or("")
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (part.to_owned(), String::new()),
        })
        .collect()
}

/// The table after the URL was edited: the URL's pairs become the enabled rows (reusing
/// existing rows in order), disabled rows stay where they were relative to each other.
pub fn params_from_url(url: &str, old: &[KeyValue]) -> Vec<KeyValue> {
    let pairs = query_pairs(url);
    let mut out: Vec<KeyValue> = Vec::with_capacity(pairs.len() + old.len());
    let mut pairs = pairs.into_iter();
    for row in old {
        if row.enabled {
            if let Some((key, value)) = pairs.next() {
                out.push(KeyValue::new(key, value));
            }
        } else {
            out.push(row.clone());
        }
    }
    out.extend(pairs.map(|(k, v)| KeyValue::new(k, v)));
    out
}

/// The URL after the table was edited: its query rebuilt from the enabled rows.
pub fn url_with_params(url: &str, params: &[KeyValue]) -> String {
    let (base, _, fragment) = split(url);
    let query: Vec<String> = params
        .iter()
        .filter(|p| p.enabled && !(p.key.is_empty() && p.value.is_empty()))
        .map(|p| {
            if p.value.is_empty() {
                format!("{}=", p.key)
            } else {
                format!("{}={}", p.key, p.value)
            }
        })
        .collect();
    if query.is_empty() {
        format!("{base}{fragment}")
    } else {
        format!("{base}?{}{fragment}", query.join("&"))
    }
}

/// Whether the table already says what the URL says (so no sync is needed).
pub fn in_sync(url: &str, params: &[KeyValue]) -> bool {
    let enabled: Vec<(String, String)> = params
        .iter()
        .filter(|p| p.enabled && !(p.key.is_empty() && p.value.is_empty()))
        .map(|p| (p.key.clone(), p.value.clone()))
        .collect();
    enabled == query_pairs(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_to_table_keeps_disabled_rows() {
        let mut off = KeyValue::new("debug", "1");
        off.enabled = false;
        let old = vec![KeyValue::new("a", "1"), off.clone()];
        let rows = params_from_url("ws://h/p?a=2&b=<<x>>#frag", &old);
        assert_eq!(
            rows,
            vec![KeyValue::new("a", "2"), off, KeyValue::new("b", "<<x>>")]
        );
    }

    #[test]
    fn table_to_url_rebuilds_query_only() {
        let mut off = KeyValue::new("c", "3");
        off.enabled = false;
        let rows = vec![KeyValue::new("a", "1"), off, KeyValue::new("b", "")];
        assert_eq!(
            url_with_params("ws://h:1/p?old=1#top", &rows),
            "ws://h:1/p?a=1&b=#top"
        );
        assert_eq!(url_with_params("ws://h/p?x=1", &[]), "ws://h/p");
    }

    #[test]
    fn round_trip_is_stable() {
        let url = "wss://<<host>>/feed?token=<<token>>&q=a%20b&flag";
        let rows = params_from_url(url, &[]);
        assert!(in_sync(url, &rows));
        assert_eq!(
            url_with_params(url, &rows),
            "wss://<<host>>/feed?token=<<token>>&q=a%20b&flag="
        );
        assert_eq!(query_pairs("ws://h"), Vec::<(String, String)>::new());
    }
}
