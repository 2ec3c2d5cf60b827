//! Keeps the URL's query string and the Params table in sync, both ways, and is the one rule
//! for how a query parameter is written into a URL.
//!
//! The contract:
//! - The table holds *decoded* text (`a b&c`), the URL holds it *encoded* with the
//!   `application/x-www-form-urlencoded` rule (`a+b%26c`), which is also what `wsprobe run
//!   --param` and the resolver use ([`encode_component`]).
//! - `<<variables>>` are never encoded or decoded: they stay as written until they are
//!   resolved, and the resolved value is then encoded (see `template::Resolver`).
//! - The URL holds the enabled params; disabled rows live only in the table.
//! - A URL typed by hand is not rewritten: `?q=one%20two` stays so in the URL bar, and the
//!   table shows `one two`.

use std::borrow::Cow;
use std::ops::Range;

use super::request::KeyValue;

/// Splits `url` into (everything before `?`, the query if any, the `#fragment` if any).
/// A `?` or `#` inside a `<<variable>>` does not count.
pub fn split(url: &str) -> (&str, Option<&str>, &str) {
    let spans = var_ranges(url);
    let outside = |i: &usize| !spans.iter().any(|r| r.contains(i));
    let hash = url.match_indices('#').map(|(i, _)| i).find(outside);
    let (before_fragment, fragment) = match hash {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    match before_fragment
        .match_indices('?')
        .map(|(i, _)| i)
        .find(outside)
    {
        Some(i) => (
            &before_fragment[..i],
            Some(&before_fragment[i + 1..]),
            fragment,
        ),
        None => (before_fragment, None, fragment),
    }
}

/// The byte ranges of the complete `<<...>>` spans in `text`, delimiters included.
fn var_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = text[at..].find("<<").map(|i| at + i) {
        match text[open + 2..].find(">>") {
            Some(close) => {
                let end = open + 2 + close + 2;
                out.push(open..end);
                at = end;
            }
            None => break,
        }
    }
    out
}

/// `text` cut into (is a variable, piece) runs.
fn pieces(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in var_ranges(text) {
        if r.start > at {
            out.push((false, &text[at..r.start]));
        }
        out.push((true, &text[r.clone()]));
        at = r.end;
    }
    if at < text.len() {
        out.push((false, &text[at..]));
    }
    out
}

/// One query component (a name or a value, no variables in it) encoded: the form rule,
/// space as `+`, everything but `A-Z a-z 0-9 * - . _` percent-encoded.
pub fn encode_component(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// One query component decoded (`+` is a space, `%XX` a byte; invalid sequences stay).
pub fn decode_component(text: &str) -> String {
    let plus_as_space: Cow<str> = if text.contains('+') {
        Cow::Owned(text.replace('+', " "))
    } else {
        Cow::Borrowed(text)
    };
    percent_encoding::percent_decode_str(&plus_as_space)
        .decode_utf8_lossy()
        .into_owned()
}

/// `text` with `f` applied to its literal pieces, `<<variables>>` left as they are.
fn map_literals(text: &str, f: impl Fn(&str) -> String) -> String {
    pieces(text)
        .into_iter()
        .map(|(var, piece)| if var { piece.to_owned() } else { f(piece) })
        .collect()
}

/// Encodes the literal text of `text`, leaving `<<variables>>` as they are.
pub fn encode_template(text: &str) -> String {
    map_literals(text, encode_component)
}

/// Decodes the literal text of `text`, leaving `<<variables>>` as they are.
pub fn decode_template(text: &str) -> String {
    map_literals(text, decode_component)
}

/// The query's pairs as written (still encoded), in order; the value is `None` for a bare
/// `name` with no `=`. `&` and `=` inside a `<<variable>>` do not split.
pub fn raw_query_pairs(query: &str) -> Vec<(&str, Option<&str>)> {
    let spans = var_ranges(query);
    let outside = |i: usize| !spans.iter().any(|r| r.contains(&i));
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, _) in query.match_indices('&').filter(|(i, _)| outside(*i)) {
        parts.push(start..i);
        start = i + 1;
    }
    parts.push(start..query.len());
    parts
        .into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| {
            let part = &query[r.clone()];
            match part
                .match_indices('=')
                .map(|(i, _)| i)
                .find(|i| outside(r.start + i))
            {
                Some(eq) => (&part[..eq], Some(&part[eq + 1..])),
                None => (part, None),
            }
        })
        .collect()
}

/// The query pairs of `url`, decoded (variables kept as written), in order.
pub fn query_pairs(url: &str) -> Vec<(String, String)> {
    let (_, query, _) = split(url);
    raw_query_pairs(query.unwrap_or(""))
        .into_iter()
        .map(|(k, v)| (decode_template(k), decode_template(v.unwrap_or(""))))
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

/// The URL after the table was edited: its query rebuilt from the enabled rows, encoded.
pub fn url_with_params(url: &str, params: &[KeyValue]) -> String {
    let (base, _, fragment) = split(url);
    let query: Vec<String> = params
        .iter()
        .filter(|p| p.enabled && !(p.key.is_empty() && p.value.is_empty()))
        .map(|p| format!("{}={}", encode_template(&p.key), encode_template(&p.value)))
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
    fn table_shows_decoded_and_url_encoded() {
        let rows = vec![
            KeyValue::new("probe", "a b&c"),
            KeyValue::new("t", "<<tok>>"),
        ];
        let url = url_with_params("ws://h/p", &rows);
        assert_eq!(url, "ws://h/p?probe=a+b%26c&t=<<tok>>");
        assert!(in_sync(&url, &rows));
        let rows = params_from_url("ws://h/?q=one%20two&r=x+y", &[]);
        assert_eq!(
            rows,
            vec![KeyValue::new("q", "one two"), KeyValue::new("r", "x y")]
        );
        // A variable's expression may hold `&`, `=`, `?` and `#`: they don't split.
        let url = "ws://h/?a=<<v | default('x&y=z?#')>>&b=1";
        assert_eq!(
            query_pairs(url),
            vec![
                ("a".to_owned(), "<<v | default('x&y=z?#')>>".to_owned()),
                ("b".to_owned(), "1".to_owned())
            ]
        );
        assert_eq!(decode_component("%zz%41"), "%zzA");
    }

    #[test]
    fn round_trip_is_stable() {
        let url = "wss://<<host>>/feed?token=<<token>>&q=a%20b&flag";
        let rows = params_from_url(url, &[]);
        assert!(in_sync(url, &rows));
        assert_eq!(
            url_with_params(url, &rows),
            "wss://<<host>>/feed?token=<<token>>&q=a+b&flag="
        );
        assert_eq!(query_pairs("ws://h"), Vec::<(String, String)>::new());
    }
}
