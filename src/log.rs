//! [`EventLog`]: the events of one session (or one request across its sessions), capped,
//! with filtered views. One type serves the GUI, the CLI and the benchmarks.

use std::collections::VecDeque;

use crate::engine::{Direction, Event, EventKind};

/// Default cap on stored events; the oldest are dropped beyond it.
pub const DEFAULT_MAX_EVENTS: usize = 1_000_000;
/// Default cap on the log's memory (payloads plus the fixed size of each event).
pub const DEFAULT_MAX_BYTES: u64 = 512 * 1024 * 1024;
/// The memory one event is counted as, beyond its payload.
const EVENT_COST: u64 = std::mem::size_of::<Event>() as u64;

/// An append-only, capped list of events.
///
/// Every event gets a sequence number that never changes, even when older events are dropped,
/// so a selection or a filtered view can refer to events by number.
#[derive(Debug, Clone)]
pub struct EventLog {
    events: VecDeque<Event>,
    /// Sequence number of `events[0]`.
    first_seq: u64,
    max_events: usize,
    max_bytes: u64,
    /// What the stored events count as against `max_bytes`.
    stored_bytes: u64,
    dropped: u64,
    received_messages: u64,
    received_bytes: u64,
    sent_messages: u64,
    sent_bytes: u64,
}

impl Default for EventLog {
    fn default() -> Self {
        Self::with_cap(DEFAULT_MAX_EVENTS)
    }
}

impl EventLog {
    pub fn with_cap(max_events: usize) -> Self {
        Self::with_limits(max_events, DEFAULT_MAX_BYTES)
    }

    /// A log keeping at most `max_events` events and about `max_bytes` bytes of memory.
    pub fn with_limits(max_events: usize, max_bytes: u64) -> Self {
        Self {
            events: VecDeque::new(),
            first_seq: 0,
            max_events: max_events.max(1),
            max_bytes: max_bytes.max(1),
            stored_bytes: 0,
            dropped: 0,
            received_messages: 0,
            received_bytes: 0,
            sent_messages: 0,
            sent_bytes: 0,
        }
    }

    pub fn push(&mut self, event: Event) {
        if let EventKind::Message {
            direction, payload, ..
        } = &event.kind
        {
            match direction {
                Direction::Received => {
                    self.received_messages += 1;
                    self.received_bytes += payload.len() as u64;
                }
                Direction::Sent => {
                    self.sent_messages += 1;
                    self.sent_bytes += payload.len() as u64;
                }
            }
        }
        let cost = cost(&event);
        while !self.events.is_empty()
            && (self.events.len() >= self.max_events || self.stored_bytes + cost > self.max_bytes)
        {
            self.drop_oldest();
        }
        if self.events.len() == self.events.capacity() {
            // Grow geometrically, but never past the cap: a full log has no spare slots.
            let room = self.max_events - self.events.len();
            self.events
                .reserve_exact(self.events.len().clamp(1024, 1 << 24).min(room).max(1));
        }
        self.stored_bytes += cost;
        self.events.push_back(event);
    }

    fn drop_oldest(&mut self) {
        if let Some(old) = self.events.pop_front() {
            self.stored_bytes -= cost(&old);
            self.first_seq += 1;
            self.dropped += 1;
        }
    }

    /// Changes the caps; a log over the new ones drops its oldest events now.
    pub fn set_limits(&mut self, max_events: usize, max_bytes: u64) {
        self.max_events = max_events.max(1);
        self.max_bytes = max_bytes.max(1);
        while !self.events.is_empty()
            && (self.events.len() > self.max_events || self.stored_bytes > self.max_bytes)
        {
            self.drop_oldest();
        }
        if self.events.capacity() > self.max_events {
            self.events.shrink_to(self.max_events);
        }
    }

    pub fn extend(&mut self, events: impl IntoIterator<Item = Event>) {
        for e in events {
            self.push(e);
        }
    }

    /// Removes every stored event (counters of what was received stay).
    pub fn clear(&mut self) {
        self.first_seq += self.events.len() as u64;
        self.events.clear();
        self.stored_bytes = 0;
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// How many events were dropped because the cap was reached.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    pub fn max_events(&self) -> usize {
        self.max_events
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// The memory the stored events count as: payloads plus a fixed size per event.
    pub fn stored_bytes(&self) -> u64 {
        self.stored_bytes
    }

    pub fn received(&self) -> (u64, u64) {
        (self.received_messages, self.received_bytes)
    }

    pub fn sent(&self) -> (u64, u64) {
        (self.sent_messages, self.sent_bytes)
    }

    /// Sequence number the next pushed event will get.
    pub fn next_seq(&self) -> u64 {
        self.first_seq + self.events.len() as u64
    }

    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }

    /// The event with sequence number `seq`, if still stored.
    pub fn get(&self, seq: u64) -> Option<&Event> {
        let index = seq.checked_sub(self.first_seq)?;
        self.events.get(usize::try_from(index).ok()?)
    }

    /// Oldest first, with sequence numbers.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (u64, &Event)> + ExactSizeIterator {
        let first = self.first_seq;
        self.events
            .iter()
            .enumerate()
            .map(move |(i, e)| (first + i as u64, e))
    }

    /// Sequence numbers of the events `filter` keeps, oldest first.
    pub fn filtered(&self, filter: &Filter) -> Vec<u64> {
        self.iter()
            .filter(|(_, e)| filter.matches(e))
            .map(|(seq, _)| seq)
            .collect()
    }
}

fn cost(event: &Event) -> u64 {
    event.size() as u64 + EVENT_COST
}

/// Which events a view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DirectionFilter {
    #[default]
    All,
    Received,
    Sent,
    /// Connecting, connected, closed, errors, redirects, reconnects.
    Connection,
}

impl DirectionFilter {
    pub const ALL: [DirectionFilter; 4] = [Self::All, Self::Received, Self::Sent, Self::Connection];

    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All",
            Self::Received => "Received",
            Self::Sent => "Sent",
            Self::Connection => "Connection",
        }
    }
}

/// How the search text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum SearchMode {
    /// Case-insensitive substring (the default).
    #[default]
    Text,
    /// A regular expression (case-insensitive), matched against the payload bytes.
    Regex,
    /// Structured conditions on JSON payloads: `path=value` / `path!=value`, several separated
    /// by spaces (all must hold), e.g. `r=sensors state.on=true e!=deleted`.
    Json,
}

impl SearchMode {
    pub const ALL: [SearchMode; 3] = [Self::Text, Self::Regex, Self::Json];

    pub fn label(self) -> &'static str {
        match self {
            Self::Text => "Aa",
            Self::Regex => ".*",
            Self::Json => "{ }",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::Text => "Text search (case-insensitive substring)",
            Self::Regex => "Regex search (case-insensitive)",
            Self::Json => "JSON filter: path=value or path!=value, e.g. r=sensors state.on=true",
        }
    }
}

/// Why a search cannot be used; shown inline next to the search field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("invalid regex: {0}")]
    Regex(String),
    #[error("`{0}`: expected path=value or path!=value, e.g. r=sensors")]
    NoOperator(String),
    #[error("`{0}`: the path before the operator is empty")]
    EmptyPath(String),
    #[error("`{0}`: empty segment in the path (two dots in a row?)")]
    EmptySegment(String),
    #[error("unclosed quote in the filter")]
    UnclosedQuote,
}

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

#[derive(Debug, Clone, Default)]
enum Query {
    #[default]
    None,
    /// Lower-cased needle.
    Text(String),
    Regex(regex::bytes::Regex),
    Json(Vec<JsonCondition>),
}

/// A direction filter and a search (substring, regex or JSON conditions), combined.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub direction: DirectionFilter,
    mode: SearchMode,
    /// The search as typed (the key for equality).
    source: String,
    query: Query,
}

impl PartialEq for Filter {
    fn eq(&self, other: &Self) -> bool {
        self.direction == other.direction && self.mode == other.mode && self.source == other.source
    }
}

impl Eq for Filter {}

impl Filter {
    /// A case-insensitive substring search (never fails).
    pub fn new(direction: DirectionFilter, search: &str) -> Self {
        Self {
            direction,
            mode: SearchMode::Text,
            source: search.to_owned(),
            query: if search.is_empty() {
                Query::None
            } else {
                Query::Text(search.to_lowercase())
            },
        }
    }

    /// A search read as `mode`; a bad regex or JSON filter is an error saying why.
    pub fn parse(
        direction: DirectionFilter,
        mode: SearchMode,
        search: &str,
    ) -> Result<Self, FilterError> {
        let query = if search.trim().is_empty() {
            Query::None
        } else {
            match mode {
                SearchMode::Text => Query::Text(search.to_lowercase()),
                SearchMode::Regex => regex::bytes::RegexBuilder::new(search)
                    .case_insensitive(true)
                    .build()
                    .map(Query::Regex)
                    .map_err(|e| FilterError::Regex(regex_error_line(&e)))?,
                SearchMode::Json => Query::Json(parse_json_conditions(search)?),
            }
        };
        Ok(Self {
            direction,
            mode,
            source: search.to_owned(),
            query,
        })
    }

    pub fn mode(&self) -> SearchMode {
        self.mode
    }

    pub fn is_empty(&self) -> bool {
        self.direction == DirectionFilter::All && matches!(self.query, Query::None)
    }

    pub fn matches(&self, event: &Event) -> bool {
        let direction_ok = match self.direction {
            DirectionFilter::All => true,
            DirectionFilter::Received => event.direction() == Some(Direction::Received),
            DirectionFilter::Sent => event.direction() == Some(Direction::Sent),
            DirectionFilter::Connection => event.direction().is_none(),
        };
        direction_ok
            && match &self.query {
                Query::None => true,
                Query::Text(needle) => with_text(event, |t| contains_ignore_case(t, needle)),
                Query::Regex(re) => with_text(event, |t| re.is_match(t)),
                Query::Json(conditions) => match event.payload() {
                    Some(payload) if event.direction().is_some() => conditions
                        .iter()
                        .all(|c| c.holds_in(payload).unwrap_or(false)),
                    _ => false,
                },
            }
    }
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

/// The regex crate's message is several lines with a caret diagram; keep its last line.
fn regex_error_line(err: &regex::Error) -> String {
    let text = err.to_string();
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.trim().trim_start_matches("error: ").to_owned())
        .unwrap_or(text)
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

/// Calls `f` with the searchable text of an event: the payload, or the words of its line.
fn with_text<R>(event: &Event, f: impl FnOnce(&[u8]) -> R) -> R {
    match &event.kind {
        EventKind::Message { payload, .. }
        | EventKind::Ping { payload, .. }
        | EventKind::Pong { payload, .. } => f(payload),
        EventKind::Connecting { url, .. } => f(url.as_bytes()),
        EventKind::Redirected { location, .. } => f(location.as_bytes()),
        EventKind::Connected(info) => f(info.url.as_bytes()),
        EventKind::Closed { reason, .. } => f(reason.as_bytes()),
        EventKind::Error { message } => f(message.as_bytes()),
        EventKind::Reconnecting { .. } => f(b"reconnecting"),
    }
}

/// ASCII case-insensitive substring test on raw bytes; `needle` must be lower-case.
/// Non-ASCII text still matches exactly (the common case for search in payloads).
pub fn contains_ignore_case(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    if needle.is_empty() {
        return true;
    }
    if needle.len() > haystack.len() {
        return false;
    }
    let first = needle[0];
    let first_upper = first.to_ascii_uppercase();
    haystack
        .windows(needle.len())
        .any(|w| (w[0] == first || w[0] == first_upper) && w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Opcode;
    use bytes::Bytes;

    fn msg(direction: Direction, text: &'static str) -> Event {
        Event::now(
            1,
            EventKind::Message {
                direction,
                opcode: Opcode::Text,
                payload: Bytes::from_static(text.as_bytes()),
            },
        )
    }

    #[test]
    fn memory_cap_drops_oldest_and_limits_can_change() {
        let big = |n: usize| {
            Event::now(
                1,
                EventKind::Message {
                    direction: Direction::Received,
                    opcode: Opcode::Binary,
                    payload: Bytes::from(vec![0u8; n]),
                },
            )
        };
        // Room for three 1000-byte events (each also counts its fixed size), not four.
        let per = 1000 + EVENT_COST;
        let mut log = EventLog::with_limits(1000, 3 * per + 10);
        for _ in 0..5 {
            log.push(big(1000));
        }
        assert_eq!((log.len(), log.dropped(), log.first_seq()), (3, 2, 2));
        assert_eq!(log.stored_bytes(), 3 * per);
        // One event bigger than the whole cap is still kept (alone).
        log.push(big(10_000));
        assert_eq!(log.len(), 1);
        assert_eq!(log.get(5).map(Event::size), Some(10_000));
        // Lowering the event cap drops the oldest at once; counters stay.
        let mut log = EventLog::with_limits(100, u64::MAX);
        for _ in 0..50 {
            log.push(big(1));
        }
        log.set_limits(10, u64::MAX);
        assert_eq!((log.len(), log.dropped(), log.next_seq()), (10, 40, 50));
        assert_eq!(log.received(), (50, 50));
        assert_eq!(log.stored_bytes(), 10 * (1 + EVENT_COST));
    }

    #[test]
    fn json_conditions_read_in_place_agree_with_a_parsed_document() {
        let docs = [
            r#"{"t":"event","r":"sensors","state":{"on":true,"bri":127,"xy":[0.5,0.25]},"id":"5"}"#,
            r#"{"r":"lights","r":"groups","state":null}"#,
            r#"[{"a":1},{"a":2}]"#,
            r#"{"k\"ey":"v","n":1e3,"big":18446744073709551615}"#,
            r#""just a string""#,
            r#"{"a":1} trailing"#,
            r#"{"a":[1,2"#,
        ];
        let filters = [
            "r=sensors",
            "r=groups",
            "r!=lights",
            "state.on=true",
            "state.bri=127",
            "state.xy.1=0.25",
            "state.xy.2=0.25",
            "state=null",
            "0.a=1",
            "1.a=2",
            "k\"ey=v",
            "n=1000",
            "big=18446744073709551615",
            "t.x=1",
            "missing!=1",
            "a=1",
        ];
        for filter in filters {
            let Ok(conditions) = parse_json_conditions(filter) else {
                continue;
            };
            for doc in docs {
                let parsed = serde_json::from_str::<serde_json::Value>(doc).ok();
                for c in &conditions {
                    let expected = parsed.as_ref().map(|root| c.holds(root));
                    assert_eq!(c.holds_in(doc.as_bytes()), expected, "{filter} on {doc}");
                }
            }
        }
    }

    #[test]
    fn a_full_log_has_no_spare_slots() {
        let mut log = EventLog::with_cap(5000);
        for _ in 0..20_000 {
            log.push(msg(Direction::Received, "x"));
        }
        assert_eq!(log.len(), 5000);
        assert!(
            log.events.capacity() <= 5000 + 16,
            "{}",
            log.events.capacity()
        );
    }

    #[test]
    fn cap_drops_oldest_and_counts() {
        let mut log = EventLog::with_cap(3);
        for t in ["a", "b", "c", "d", "e"] {
            log.push(msg(Direction::Received, t));
        }
        assert_eq!(log.len(), 3);
        assert_eq!(log.dropped(), 2);
        assert_eq!(log.first_seq(), 2);
        assert!(log.get(1).is_none());
        assert_eq!(log.get(4).unwrap().payload().unwrap().as_ref(), b"e");
        assert_eq!(log.received(), (5, 5));
    }

    #[test]
    fn filter_by_direction_and_text() {
        let mut log = EventLog::default();
        log.push(Event::now(
            1,
            EventKind::Connecting {
                attempt: 1,
                url: "ws://x".into(),
            },
        ));
        log.push(msg(Direction::Sent, "Hello"));
        log.push(msg(Direction::Received, "HELLO back"));
        log.push(msg(Direction::Received, "other"));
        assert_eq!(
            log.filtered(&Filter::new(DirectionFilter::All, "hello")),
            vec![1, 2]
        );
        assert_eq!(
            log.filtered(&Filter::new(DirectionFilter::Received, "hello")),
            vec![2]
        );
        assert_eq!(
            log.filtered(&Filter::new(DirectionFilter::Connection, "")),
            vec![0]
        );
        assert_eq!(
            log.filtered(&Filter::new(DirectionFilter::Sent, "")),
            vec![1]
        );
    }

    fn json_log() -> EventLog {
        let mut log = EventLog::default();
        for (d, t) in [
            (
                Direction::Received,
                r#"{"t":"event","e":"changed","r":"sensors","id":"5","state":{"on":true,"temperature":2003}}"#,
            ),
            (
                Direction::Received,
                r#"{"t":"event","e":"deleted","r":"sensors","id":"6"}"#,
            ),
            (
                Direction::Received,
                r#"{"t":"event","e":"changed","r":"lights","state":{"on":false,"bri":1.5},"tags":["a","b"]}"#,
            ),
            (Direction::Sent, r#"{"r":"sensors","note":"a b"}"#),
            (Direction::Received, "not json r=sensors"),
            (Direction::Received, r#"{"r":null,"n":10}"#),
        ] {
            log.push(msg(d, t));
        }
        log.push(Event::now(
            1,
            EventKind::Error {
                message: "r=sensors".into(),
            },
        ));
        log
    }

    fn json(direction: DirectionFilter, text: &str) -> Vec<u64> {
        let log = json_log();
        let filter = Filter::parse(direction, SearchMode::Json, text).unwrap();
        let naive: Vec<u64> = log
            .iter()
            .filter(|(_, e)| filter.matches(e))
            .map(|(s, _)| s)
            .collect();
        let got = log.filtered(&filter);
        assert_eq!(got, naive);
        got
    }

    #[test]
    fn json_filter_paths_values_and_negation() {
        assert_eq!(json(DirectionFilter::All, "r=sensors"), vec![0, 1, 3]);
        assert_eq!(json(DirectionFilter::Received, "r=sensors"), vec![0, 1]);
        assert_eq!(json(DirectionFilter::Sent, "r=sensors"), vec![3]);
        assert_eq!(json(DirectionFilter::All, "state.on=true"), vec![0]);
        assert_eq!(json(DirectionFilter::All, "state.on=false"), vec![2]);
        assert_eq!(
            json(DirectionFilter::All, "state.temperature=2003"),
            vec![0]
        );
        assert_eq!(json(DirectionFilter::All, "state.bri=1.50"), vec![2]);
        assert_eq!(json(DirectionFilter::All, "id=\"5\""), vec![0]);
        assert_eq!(json(DirectionFilter::All, "id=5"), vec![0]);
        assert_eq!(json(DirectionFilter::All, "tags.1=b"), vec![2]);
        assert_eq!(json(DirectionFilter::All, r#"tags=["a","b"]"#), vec![2]);
        assert_eq!(json(DirectionFilter::All, "r=null"), vec![5]);
        assert_eq!(json(DirectionFilter::All, "note=\"a b\""), vec![3]);
        // `!=`: a missing path counts as different; non-JSON payloads never match.
        assert_eq!(json(DirectionFilter::All, "e!=deleted"), vec![0, 2, 3, 5]);
        assert_eq!(
            json(DirectionFilter::All, "r=sensors e!=deleted"),
            vec![0, 3]
        );
        assert_eq!(
            json(DirectionFilter::All, "state.on=yes"),
            Vec::<u64>::new()
        );
        assert_eq!(json(DirectionFilter::All, ""), (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn bad_filters_say_why() {
        let err = |mode, text| Filter::parse(DirectionFilter::All, mode, text).unwrap_err();
        assert!(matches!(
            err(SearchMode::Json, "sensors"),
            FilterError::NoOperator(_)
        ));
        assert!(matches!(
            err(SearchMode::Json, "=x"),
            FilterError::EmptyPath(_)
        ));
        assert!(matches!(
            err(SearchMode::Json, "a..b=1"),
            FilterError::EmptySegment(_)
        ));
        assert!(matches!(
            err(SearchMode::Json, "a=\"x"),
            FilterError::UnclosedQuote
        ));
        let e = err(SearchMode::Regex, "(unclosed");
        assert!(e.to_string().starts_with("invalid regex: "), "{e}");
        assert!(!e.to_string().contains('\n'), "{e}");
    }

    #[test]
    fn regex_search_is_case_insensitive_and_combines_with_direction() {
        let log = json_log();
        let f = Filter::parse(
            DirectionFilter::All,
            SearchMode::Regex,
            r#""E":"(changed|deleted)""#,
        )
        .unwrap();
        assert_eq!(log.filtered(&f), vec![0, 1, 2]);
        let f = Filter::parse(DirectionFilter::Sent, SearchMode::Regex, "^\\{\"r\"").unwrap();
        assert_eq!(log.filtered(&f), vec![3]);
        // Connection events are searched by their text too.
        let f = Filter::parse(DirectionFilter::Connection, SearchMode::Regex, "r=sens").unwrap();
        assert_eq!(log.filtered(&f), vec![6]);
        // Text mode equals the old substring filter.
        let f = Filter::parse(DirectionFilter::All, SearchMode::Text, "SENSORS").unwrap();
        assert_eq!(
            f,
            Filter::parse(DirectionFilter::All, SearchMode::Text, "SENSORS").unwrap()
        );
        assert_eq!(
            log.filtered(&f),
            log.filtered(&Filter::new(DirectionFilter::All, "SENSORS"))
        );
        assert_eq!(log.filtered(&f), vec![0, 1, 3, 4, 6]);
    }

    #[test]
    fn clear_keeps_sequence_numbers_growing() {
        let mut log = EventLog::default();
        log.push(msg(Direction::Sent, "a"));
        log.clear();
        assert!(log.is_empty());
        log.push(msg(Direction::Sent, "b"));
        assert_eq!(log.iter().next().unwrap().0, 1);
    }
}
