//! Which events a view shows: a [`DirectionFilter`] and a search read as text (case-insensitive
//! substring), a regex, or JSON conditions ([`JsonCondition`], in `json_filter.rs`), combined
//! in one [`Filter`]. A bad search is a [`FilterError`] saying why, shown beside the field.
//!
//! Socket.IO sessions add two things: a set of event names (only Socket.IO events of those
//! names pass; empty: no such condition), and hiding the raw frames (the WebSocket `Message`
//! events that carried the decoded packets). Their CONNECT, CONNECT_ERROR and DISCONNECT
//! packets are connection events: the Connection filter keeps them, Received and Sent don't.

use super::filter_error::FilterError;
use super::json_filter::{JsonCondition, parse_json_conditions};
use crate::engine::{Direction, Event, EventKind};

/// Which events a view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DirectionFilter {
    #[default]
    All,
    Received,
    Sent,
    /// Connecting, connected, closed, errors, redirects, reconnects.
    Connection,
    /// Lines from the request's script: console output and script errors.
    Script,
    /// Control frames: pings, pongs and closes.
    Control,
}

impl DirectionFilter {
    pub const ALL: [DirectionFilter; 6] = [
        Self::All,
        Self::Received,
        Self::Sent,
        Self::Connection,
        Self::Script,
        Self::Control,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All",
            Self::Received => "Received",
            Self::Sent => "Sent",
            Self::Connection => "Connection",
            Self::Script => "Script",
            Self::Control => "Control",
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

#[derive(Debug, Clone, Default)]
enum Query {
    #[default]
    None,
    /// A plain-text search, case-insensitive.
    Text(TextQuery),
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
    /// Leave pings and pongs out (Settings: Show ping/pong events off).
    hide_ping_pong: bool,
    /// Leave the WebSocket messages out (a Socket.IO request with Raw frames off).
    hide_raw_frames: bool,
    /// Only Socket.IO events with one of these names (sorted, no duplicates); empty: any.
    event_names: Vec<String>,
}

impl PartialEq for Filter {
    fn eq(&self, other: &Self) -> bool {
        self.direction == other.direction
            && self.mode == other.mode
            && self.source == other.source
            && self.hide_ping_pong == other.hide_ping_pong
            && self.hide_raw_frames == other.hide_raw_frames
            && self.event_names == other.event_names
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
                Query::Text(text_query(search))
            },
            hide_ping_pong: false,
            hide_raw_frames: false,
            event_names: Vec::new(),
        }
    }

    /// The same filter, also leaving pings and pongs out when `hide` is set.
    pub fn hiding_ping_pong(mut self, hide: bool) -> Self {
        self.hide_ping_pong = hide;
        self
    }

    /// The same filter, also leaving the raw WebSocket messages of a Socket.IO session out
    /// when `hide` is set (the decoded Socket.IO events stay).
    pub fn hiding_raw_frames(mut self, hide: bool) -> Self {
        self.hide_raw_frames = hide;
        self
    }

    /// The same filter, keeping only Socket.IO events named one of `names` (none: any event).
    pub fn with_event_names<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        let mut names: Vec<String> = names.into_iter().map(Into::into).collect();
        names.sort();
        names.dedup();
        self.event_names = names;
        self
    }

    /// The event names this filter keeps (empty: any).
    pub fn event_names(&self) -> &[String] {
        &self.event_names
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
                SearchMode::Text => Query::Text(text_query(search)),
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
            hide_ping_pong: false,
            hide_raw_frames: false,
            event_names: Vec::new(),
        })
    }

    pub fn mode(&self) -> SearchMode {
        self.mode
    }

    pub fn is_empty(&self) -> bool {
        self.direction == DirectionFilter::All
            && matches!(self.query, Query::None)
            && !self.hide_ping_pong
            && !self.hide_raw_frames
            && self.event_names.is_empty()
    }

    pub fn matches(&self, event: &Event) -> bool {
        let ping_pong = matches!(event.kind, EventKind::Ping { .. } | EventKind::Pong { .. });
        if self.hide_ping_pong && ping_pong {
            return false;
        }
        if self.hide_raw_frames && matches!(event.kind, EventKind::Message { .. }) {
            return false;
        }
        if !self.event_names.is_empty() && !self.named(event) {
            return false;
        }
        let connection = is_connection_event(event);
        let direction_ok = match self.direction {
            DirectionFilter::All => true,
            DirectionFilter::Received => {
                event.direction() == Some(Direction::Received) && !connection
            }
            DirectionFilter::Sent => event.direction() == Some(Direction::Sent) && !connection,
            DirectionFilter::Connection => connection,
            DirectionFilter::Script => matches!(event.kind, EventKind::Script { .. }),
            DirectionFilter::Control => ping_pong || matches!(event.kind, EventKind::Closed { .. }),
        };
        direction_ok
            && match &self.query {
                Query::None => true,
                Query::Text(needle) => with_text(event, |t| needle.is_match(t)),
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

impl Filter {
    /// Whether `event` is a Socket.IO event with one of the chosen names.
    fn named(&self, event: &Event) -> bool {
        match &event.kind {
            EventKind::SocketIo(sio) => match &sio.packet {
                crate::engine::SocketIoPacket::Event { event: name, .. } => self
                    .event_names
                    .binary_search_by(|n| n.as_str().cmp(name))
                    .is_ok(),
                _ => false,
            },
            _ => false,
        }
    }
}

/// Connecting, connected, closed, errors, redirects, reconnects, and the CONNECT,
/// CONNECT_ERROR and DISCONNECT packets of a Socket.IO session.
pub fn is_connection_event(event: &Event) -> bool {
    use crate::engine::SocketIoPacket as P;
    match &event.kind {
        EventKind::Script { .. } => false,
        EventKind::SocketIo(sio) => matches!(
            sio.packet,
            P::Connect { .. } | P::ConnectError { .. } | P::Disconnect
        ),
        _ => event.direction().is_none(),
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
        EventKind::HandshakeFailed(failed) => f(failed.message.as_bytes()),
        EventKind::Reconnecting { .. } => f(b"reconnecting"),
        EventKind::Script { text, .. } => f(text.as_bytes()),
        EventKind::SocketIo(sio) => {
            let mut text = sio.packet.label().into_bytes();
            text.push(b' ');
            text.extend_from_slice(sio.packet.args());
            f(&text)
        }
    }
}

/// A plain-text search. An ASCII needle is compared byte by byte, folding ASCII case (the
/// common case, and the fastest); any other needle becomes an escaped regex that folds case
/// by Unicode's rules (`MÜNCHEN` finds `München`). The one difference: an ASCII `k` or `s`
/// does not find the Kelvin sign or the long s, whose case folds to them.
#[derive(Debug, Clone)]
pub enum TextQuery {
    /// Lower-cased ASCII.
    Ascii(String),
    Unicode(regex::bytes::Regex),
}

impl TextQuery {
    pub fn new(needle: &str) -> Self {
        if needle.is_ascii() {
            return Self::Ascii(needle.to_ascii_lowercase());
        }
        let escaped = regex::escape(needle);
        let regex = regex::bytes::RegexBuilder::new(&escaped)
            .case_insensitive(true)
            // A long needle's case-folded automaton can be large: give it room.
            .size_limit(64 << 20)
            .build()
            // Only an absurdly long needle gets here: it is matched exactly instead.
            .or_else(|_| regex::bytes::Regex::new(&escaped));
        match regex {
            Ok(regex) => Self::Unicode(regex),
            Err(_) => Self::Ascii(needle.to_owned()),
        }
    }

    pub fn is_match(&self, haystack: &[u8]) -> bool {
        match self {
            Self::Ascii(needle) => contains_ascii_ignore_case(haystack, needle.as_bytes()),
            Self::Unicode(regex) => regex.is_match(haystack),
        }
    }
}

fn text_query(needle: &str) -> TextQuery {
    TextQuery::new(needle)
}

/// Case-insensitive substring test on raw bytes, as the events search does it (Unicode case
/// folding for non-ASCII needles, see [`TextQuery`]).
pub fn contains_ignore_case(haystack: &[u8], needle: &str) -> bool {
    TextQuery::new(needle).is_match(haystack)
}

/// ASCII case-insensitive substring test; `needle` must be lower-case ASCII.
fn contains_ascii_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
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
    use crate::log::EventLog;

    /// Sequence numbers as plain numbers, to compare with literals.
    fn seq_numbers(seqs: Vec<crate::log::Seq>) -> Vec<u64> {
        seqs.into_iter().map(|s| s.0).collect()
    }

    fn msg(direction: Direction, text: &'static str) -> Event {
        crate::engine::test_events::text(direction, text)
    }

    #[test]
    fn control_keeps_pings_pongs_and_closes_and_ping_pong_can_be_hidden() {
        use crate::engine::test_events::ev;
        use bytes::Bytes;
        let mut log = EventLog::default();
        log.extend([
            msg(Direction::Received, "data"),
            ev(EventKind::Ping {
                direction: Direction::Received,
                payload: Bytes::from_static(b"p"),
            }),
            ev(EventKind::Pong {
                direction: Direction::Sent,
                payload: Bytes::from_static(b"p"),
                rtt: None,
            }),
            ev(EventKind::Error {
                message: "x".into(),
            }),
            ev(EventKind::Closed {
                code: 1000,
                reason: String::new(),
                by: crate::engine::ClosedBy::Server,
            }),
        ]);
        let control = Filter::new(DirectionFilter::Control, "");
        assert_eq!(seq_numbers(log.filtered(&control)), [1, 2, 4]);
        let hidden = Filter::new(DirectionFilter::All, "").hiding_ping_pong(true);
        assert!(!hidden.is_empty());
        assert_ne!(hidden, Filter::new(DirectionFilter::All, ""));
        assert_eq!(seq_numbers(log.filtered(&hidden)), [0, 3, 4]);
        let received = Filter::new(DirectionFilter::Received, "").hiding_ping_pong(true);
        assert_eq!(seq_numbers(log.filtered(&received)), [0]);
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
    fn filter_by_direction_and_text() {
        let mut log = EventLog::default();
        log.push(Event::now(
            crate::engine::SessionId(1),
            EventKind::Connecting {
                attempt: 1,
                url: "ws://x".into(),
            },
        ));
        log.push(msg(Direction::Sent, "Hello"));
        log.push(msg(Direction::Received, "HELLO back"));
        log.push(msg(Direction::Received, "other"));
        assert_eq!(
            seq_numbers(log.filtered(&Filter::new(DirectionFilter::All, "hello"))),
            vec![1, 2]
        );
        assert_eq!(
            seq_numbers(log.filtered(&Filter::new(DirectionFilter::Received, "hello"))),
            vec![2]
        );
        assert_eq!(
            seq_numbers(log.filtered(&Filter::new(DirectionFilter::Connection, ""))),
            vec![0]
        );
        assert_eq!(
            seq_numbers(log.filtered(&Filter::new(DirectionFilter::Sent, ""))),
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
            crate::engine::SessionId(1),
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
            .map(|(s, _)| s.0)
            .collect();
        let got = seq_numbers(log.filtered(&filter));
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
        assert_eq!(seq_numbers(log.filtered(&f)), vec![0, 1, 2]);
        let f = Filter::parse(DirectionFilter::Sent, SearchMode::Regex, "^\\{\"r\"").unwrap();
        assert_eq!(seq_numbers(log.filtered(&f)), vec![3]);
        // Connection events are searched by their text too.
        let f = Filter::parse(DirectionFilter::Connection, SearchMode::Regex, "r=sens").unwrap();
        assert_eq!(seq_numbers(log.filtered(&f)), vec![6]);
        // Text mode equals the old substring filter.
        let f = Filter::parse(DirectionFilter::All, SearchMode::Text, "SENSORS").unwrap();
        assert_eq!(
            f,
            Filter::parse(DirectionFilter::All, SearchMode::Text, "SENSORS").unwrap()
        );
        assert_eq!(
            seq_numbers(log.filtered(&f)),
            seq_numbers(log.filtered(&Filter::new(DirectionFilter::All, "SENSORS")))
        );
        assert_eq!(seq_numbers(log.filtered(&f)), vec![0, 1, 3, 4, 6]);
    }
}
