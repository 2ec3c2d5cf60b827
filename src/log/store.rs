//! [`EventLog`]: the events of one session (or one request across its sessions), capped by
//! count and by memory, each with a sequence number that never changes. Appending is the hot
//! path of a flood; reading is by sequence number or in order.

use super::chunks::Chunks;
use super::filter::Filter;
use crate::engine::{Direction, Event, EventKind};

/// Default cap on stored events; the oldest are dropped beyond it.
pub const DEFAULT_MAX_EVENTS: usize = 1_000_000;
/// Default cap on the log's memory (payloads plus the fixed size of each event).
pub const DEFAULT_MAX_BYTES: u64 = 512 * 1024 * 1024;
/// The memory one event is counted as, beyond its payload.
const EVENT_COST: u64 = std::mem::size_of::<Event>() as u64;

/// An event's sequence number in its log: 0 for the first event ever pushed, counting up, and
/// never reused or renumbered when older events are dropped. A type of its own, so it is never
/// confused with a [`crate::engine::SessionId`] or an index into a filtered view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Seq(pub u64);

impl Seq {
    /// The sequence number after this one.
    pub fn next(self) -> Seq {
        Seq(self.0 + 1)
    }

    /// The one before, if any.
    pub fn prev(self) -> Option<Seq> {
        self.0.checked_sub(1).map(Seq)
    }

    /// How many events lie from `earlier` up to this one (0 if `earlier` is not earlier).
    pub fn since(self, earlier: Seq) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl std::fmt::Display for Seq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// An append-only, capped list of events.
///
/// Every event gets a sequence number that never changes, even when older events are dropped,
/// so a selection or a filtered view can refer to events by number. A clone is cheap (the
/// events live in shared chunks, see `chunks.rs`): it is how a worker gets its own copy.
#[derive(Debug, Clone)]
pub struct EventLog {
    events: Chunks,
    /// Sequence number of `events[0]`.
    first_seq: Seq,
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
            events: Chunks::default(),
            first_seq: Seq(0),
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
        self.stored_bytes += cost;
        self.events.push_back(event, self.max_events);
    }

    fn drop_oldest(&mut self) {
        if let Some(old) = self.events.front() {
            self.stored_bytes -= cost(old);
            self.events.pop_front();
            self.first_seq.0 += 1;
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
    }

    pub fn extend(&mut self, events: impl IntoIterator<Item = Event>) {
        for e in events {
            self.push(e);
        }
    }

    /// Removes every stored event (counters of what was received stay).
    pub fn clear(&mut self) {
        self.first_seq.0 += self.events.len() as u64;
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
    pub fn next_seq(&self) -> Seq {
        Seq(self.first_seq.0 + self.events.len() as u64)
    }

    pub fn first_seq(&self) -> Seq {
        self.first_seq
    }

    /// The event with sequence number `seq`, if still stored.
    pub fn get(&self, seq: Seq) -> Option<&Event> {
        let index = seq.0.checked_sub(self.first_seq.0)?;
        self.events.get(usize::try_from(index).ok()?)
    }

    /// Oldest first, with sequence numbers.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (Seq, &Event)> + ExactSizeIterator {
        let first = self.first_seq;
        self.events
            .iter()
            .enumerate()
            .map(move |(i, e)| (Seq(first.0 + i as u64), e))
    }

    /// Sequence numbers of the events `filter` keeps, oldest first.
    pub fn filtered(&self, filter: &Filter) -> Vec<Seq> {
        self.iter()
            .filter(|(_, e)| filter.matches(e))
            .map(|(seq, _)| seq)
            .collect()
    }
}

fn cost(event: &Event) -> u64 {
    event.size() as u64 + EVENT_COST
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EventKind;
    use crate::engine::Opcode;
    use bytes::Bytes;

    fn msg(direction: Direction, text: &'static str) -> Event {
        crate::engine::test_events::text(direction, text)
    }

    #[test]
    fn memory_cap_drops_oldest_and_limits_can_change() {
        let big = |n: usize| {
            Event::now(
                crate::engine::SessionId(1),
                EventKind::Message {
                    direction: Direction::Received,
                    opcode: Opcode::Binary,
                    payload: Bytes::from(vec![0u8; n]),
                    wire_size: None,
                },
            )
        };
        // Room for three 1000-byte events (each also counts its fixed size), not four.
        let per = 1000 + EVENT_COST;
        let mut log = EventLog::with_limits(1000, 3 * per + 10);
        for _ in 0..5 {
            log.push(big(1000));
        }
        assert_eq!((log.len(), log.dropped(), log.first_seq().0), (3, 2, 2));
        assert_eq!(log.stored_bytes(), 3 * per);
        // One event bigger than the whole cap is still kept (alone).
        log.push(big(10_000));
        assert_eq!(log.len(), 1);
        assert_eq!(log.get(Seq(5)).map(Event::size), Some(10_000));
        // Lowering the event cap drops the oldest at once; counters stay.
        let mut log = EventLog::with_limits(100, u64::MAX);
        for _ in 0..50 {
            log.push(big(1));
        }
        log.set_limits(10, u64::MAX);
        assert_eq!((log.len(), log.dropped(), log.next_seq().0), (10, 40, 50));
        assert_eq!(log.received(), (50, 50));
        assert_eq!(log.stored_bytes(), 10 * (1 + EVENT_COST));
    }

    #[test]
    fn a_full_log_has_no_spare_slots() {
        let mut log = EventLog::with_cap(5000);
        for _ in 0..20_000 {
            log.push(msg(Direction::Received, "x"));
        }
        assert_eq!(log.len(), 5000);
        // Beyond the live events, at most two chunks of (payload-free) slots: the dead head
        // of the oldest chunk and the open chunk's room.
        assert!(
            log.events.slots() <= 5000 + 2 * super::super::chunks::CHUNK,
            "{}",
            log.events.slots()
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
        assert_eq!(log.first_seq().0, 2);
        assert!(log.get(Seq(1)).is_none());
        assert_eq!(log.get(Seq(4)).unwrap().payload().unwrap().as_ref(), b"e");
        assert_eq!(log.received(), (5, 5));
    }

    #[test]
    fn clear_keeps_sequence_numbers_growing() {
        let mut log = EventLog::default();
        log.push(msg(Direction::Sent, "a"));
        log.clear();
        assert!(log.is_empty());
        log.push(msg(Direction::Sent, "b"));
        assert_eq!(log.iter().next().unwrap().0.0, 1);
    }
}
