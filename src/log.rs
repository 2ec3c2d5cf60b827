//! [`EventLog`]: the events of one session (or one request across its sessions), capped,
//! with filtered views. One type serves the GUI, the CLI and the benchmarks.

use std::collections::VecDeque;

use crate::engine::{Direction, Event, EventKind};

/// Default cap on stored events; the oldest are dropped beyond it.
pub const DEFAULT_MAX_EVENTS: usize = 1_000_000;

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
        Self {
            events: VecDeque::new(),
            first_seq: 0,
            max_events: max_events.max(1),
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
        if self.events.len() == self.max_events {
            self.events.pop_front();
            self.first_seq += 1;
            self.dropped += 1;
        }
        self.events.push_back(event);
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

/// A direction filter and a case-insensitive substring search, combined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub direction: DirectionFilter,
    /// Lower-cased search text; empty matches everything.
    needle: String,
}

impl Filter {
    pub fn new(direction: DirectionFilter, search: &str) -> Self {
        Self {
            direction,
            needle: search.to_lowercase(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.direction == DirectionFilter::All && self.needle.is_empty()
    }

    pub fn matches(&self, event: &Event) -> bool {
        let direction_ok = match self.direction {
            DirectionFilter::All => true,
            DirectionFilter::Received => event.direction() == Some(Direction::Received),
            DirectionFilter::Sent => event.direction() == Some(Direction::Sent),
            DirectionFilter::Connection => event.direction().is_none(),
        };
        direction_ok && (self.needle.is_empty() || self.text_matches(event))
    }

    fn text_matches(&self, event: &Event) -> bool {
        match &event.kind {
            EventKind::Message { payload, .. }
            | EventKind::Ping { payload, .. }
            | EventKind::Pong { payload, .. } => contains_ignore_case(payload, &self.needle),
            EventKind::Connecting { url, .. } => contains_ignore_case(url.as_bytes(), &self.needle),
            EventKind::Redirected { location, .. } => {
                contains_ignore_case(location.as_bytes(), &self.needle)
            }
            EventKind::Connected(info) => contains_ignore_case(info.url.as_bytes(), &self.needle),
            EventKind::Closed { reason, .. } => {
                contains_ignore_case(reason.as_bytes(), &self.needle)
            }
            EventKind::Error { message } => contains_ignore_case(message.as_bytes(), &self.needle),
            EventKind::Reconnecting { .. } => "reconnecting".contains(self.needle.as_str()),
        }
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
