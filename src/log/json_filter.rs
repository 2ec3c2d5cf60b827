//! JSON filters: `path=value` / `path!=value` conditions, several separated by spaces (all
//! must hold), e.g. `r=sensors state.on=true e!=deleted`. A condition reads only the value at
//! its path; the rest of the document is skipped while parsing, not built.

use super::filter_error::FilterError;

/// One `path=value` / `path!=value` condition of a JSON filter.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonCondition {
    pub path: Vec<String>,
    pub negate: bool,
    /// The wanted value as written (quotes removed).
    pub value: String,
    /// The value read as a JSON literal (number, true/false/null), when it is one.
    literal: Option<serde_json::Value>,
}

impl JsonCondition {
    /// Whether the JSON document `payload` satisfies this condition (`None`: it is not JSON).
    /// Only the value at the path is built; everything else is skipped while parsing, so a
    /// big document costs a scan, not a tree of allocations.
    pub fn holds_in(&self, payload: &[u8]) -> Option<bool> {
        use serde::de::DeserializeSeed as _;
        let mut de = serde_json::Deserializer::from_slice(payload);
        let found = json_path::PathSeed(&self.path).deserialize(&mut de).ok()?;
        de.end().ok()?;
        Some(match found {
            Some(value) => self.equals(&value) != self.negate,
            None => self.negate,
        })
    }

    /// Whether `root` satisfies this condition. A missing path is "not equal".
    pub fn holds(&self, root: &serde_json::Value) -> bool {
        let mut at = root;
        for key in &self.path {
            let next = match at {
                serde_json::Value::Object(map) => map.get(key.as_str()),
                serde_json::Value::Array(items) => {
                    key.parse::<usize>().ok().and_then(|i| items.get(i))
                }
                _ => None,
            };
            match next {
                Some(v) => at = v,
                None => return self.negate,
            }
        }
        self.equals(at) != self.negate
    }

    fn equals(&self, found: &serde_json::Value) -> bool {
        use serde_json::Value;
        match found {
            Value::String(s) => *s == self.value,
            Value::Number(n) => match &self.literal {
                Some(Value::Number(want)) => n.as_f64() == want.as_f64(),
                _ => n.to_string() == self.value,
            },
            Value::Bool(b) => self.literal == Some(Value::Bool(*b)),
            Value::Null => self.literal == Some(Value::Null),
            // Objects and arrays: the value must be the same JSON.
            other => serde_json::from_str::<Value>(&self.value).is_ok_and(|v| v == *other),
        }
    }
}

/// Splits on whitespace outside double quotes and parses each `path=value` / `path!=value`.
pub fn parse_json_conditions(text: &str) -> Result<Vec<JsonCondition>, FilterError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_quotes = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_quotes {
            word.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_quotes = false;
            }
        } else if c.is_whitespace() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
        } else {
            if c == '"' {
                in_quotes = true;
            }
            word.push(c);
        }
    }
    if in_quotes {
        return Err(FilterError::UnclosedQuote);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words.iter().map(|w| parse_condition(w)).collect()
}

fn parse_condition(word: &str) -> Result<JsonCondition, FilterError> {
    let (path, negate, value) = if let Some(at) = word.find("!=") {
        (&word[..at], true, &word[at + 2..])
    } else if let Some(at) = word.find('=') {
        (&word[..at], false, &word[at + 1..])
    } else {
        return Err(FilterError::NoOperator(word.to_owned()));
    };
    if path.is_empty() {
        return Err(FilterError::EmptyPath(word.to_owned()));
    }
    let path: Vec<String> = path.split('.').map(str::to_owned).collect();
    if path.iter().any(String::is_empty) {
        return Err(FilterError::EmptySegment(word.to_owned()));
    }
    let (value, literal) = if value.starts_with('"') {
        match serde_json::from_str::<String>(value) {
            Ok(s) => (s, None),
            Err(_) => (value.trim_matches('"').to_owned(), None),
        }
    } else {
        let literal = serde_json::from_str::<serde_json::Value>(value)
            .ok()
            .filter(|v| v.is_number() || v.is_boolean() || v.is_null());
        (value.to_owned(), literal)
    };
    Ok(JsonCondition {
        path,
        negate,
        value,
        literal,
    })
}

/// Finding one value in a JSON document without building the rest of it.
mod json_path {
    use std::fmt;

    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde_json::Value;

    /// Deserializes to the value at the path (`None` when the path is not there).
    pub struct PathSeed<'p>(pub &'p [String]);

    impl<'de> DeserializeSeed<'de> for PathSeed<'_> {
        type Value = Option<Value>;

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            if self.0.is_empty() {
                return serde::Deserialize::deserialize(d).map(Some);
            }
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for PathSeed<'_> {
        type Value = Option<Value>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("JSON")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let (key, rest) = (&self.0[0], &self.0[1..]);
            let mut found = None;
            while let Some(is_key) = map.next_key_seed(KeyIs(key))? {
                if is_key {
                    // A repeated key: the last one wins, as in a parsed document.
                    found = map.next_value_seed(PathSeed(rest))?;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let want = self.0[0].parse::<usize>().ok();
            let mut found = None;
            let mut index = 0usize;
            loop {
                if Some(index) == want {
                    match seq.next_element_seed(PathSeed(&self.0[1..]))? {
                        Some(value) => found = value,
                        None => break,
                    }
                } else if seq.next_element::<IgnoredAny>()?.is_none() {
                    break;
                }
                index += 1;
            }
            Ok(found)
        }

        // A scalar where the path goes on: the path is not there.
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }

    /// A map key compared with the wanted one, without allocating it.
    struct KeyIs<'k>(&'k str);

    impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
        type Value = bool;

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_str(self)
        }
    }

    impl Visitor<'_> for KeyIs<'_> {
        type Value = bool;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a key")
        }

        fn visit_str<E>(self, key: &str) -> Result<bool, E> {
            Ok(key == self.0)
        }
    }
}
