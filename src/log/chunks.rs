//! The storage under [`super::EventLog`]: events in shared chunks of [`CHUNK`], so a copy of a
//! million-event log (what an export takes to its worker) costs one reference per full chunk
//! and a copy of the open one (fewer than [`CHUNK`] events), not one clone per event.
//!
//! Full chunks never change again and are shared by every copy; new events go to the open
//! chunk, a plain `Vec` of the log's own, so appending (the hot path of a flood) is a push.
//! The oldest events are dropped from the front: a dead prefix of the first chunk (`head`)
//! until the whole chunk is dead and goes. A dead event's payload is let go at once unless a
//! copy still shares its chunk, so memory follows the live events; only the event's fixed-size
//! slot waits for its chunk: at most two chunks of slots beyond the live events per log.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::engine::{Event, EventKind, SessionId};

/// Events per chunk.
pub const CHUNK: usize = 4096;

#[derive(Debug, Clone, Default)]
pub struct Chunks {
    /// Full chunks, oldest first, shared with copies of the log.
    sealed: VecDeque<Arc<Vec<Event>>>,
    /// The open chunk: the newest events, fewer than [`CHUNK`] (a copy of the log copies it).
    tail: Vec<Event>,
    /// Dead events at the front of the first chunk (`sealed[0]`, or `tail` when none is
    /// sealed).
    head: usize,
    /// Live events.
    len: usize,
}

impl Chunks {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `index`-th live event, oldest first.
    pub fn get(&self, index: usize) -> Option<&Event> {
        if index >= self.len {
            return None;
        }
        let at = self.head + index;
        match self.sealed.get(at / CHUNK) {
            Some(chunk) => chunk.get(at % CHUNK),
            None => self.tail.get(at - self.sealed.len() * CHUNK),
        }
    }

    pub fn front(&self) -> Option<&Event> {
        self.get(0)
    }

    /// Appends `event`. A log that may hold a chunk or more (`max_events`) gets its open chunk
    /// whole at once; a smaller one grows it geometrically up to [`CHUNK`]. Either way a full
    /// log (every push also drops the oldest) appends without reallocating.
    pub fn push_back(&mut self, event: Event, max_events: usize) {
        if self.tail.len() == CHUNK {
            self.sealed
                .push_back(Arc::new(std::mem::take(&mut self.tail)));
        }
        if self.tail.len() == self.tail.capacity() {
            let grow = if self.tail.is_empty() && max_events >= CHUNK {
                CHUNK
            } else {
                self.tail.len().max(16).min(CHUNK - self.tail.len())
            };
            self.tail.reserve_exact(grow);
        }
        self.tail.push(event);
        self.len += 1;
    }

    /// Drops the oldest event; false if there is none.
    pub fn pop_front(&mut self) -> bool {
        if self.len == 0 {
            return false;
        }
        // Let go of the payload now, unless a copy of the log shares the chunk.
        let dead = match self.sealed.front_mut() {
            Some(first) => Arc::get_mut(first).and_then(|events| events.get_mut(self.head)),
            None => self.tail.get_mut(self.head),
        };
        if let Some(dead) = dead {
            *dead = Event {
                at_ms: 0,
                session: SessionId(0),
                kind: EventKind::Error {
                    message: String::new(),
                },
            };
        }
        self.head += 1;
        self.len -= 1;
        if self.len == 0 {
            // All dead: let the slots go too.
            *self = Self::default();
        } else if !self.sealed.is_empty() && self.head == CHUNK {
            self.sealed.pop_front();
            self.head = 0;
        }
        true
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Slots held for events, live or dead (for tests of the memory bound).
    #[cfg(test)]
    pub fn slots(&self) -> usize {
        self.sealed.iter().map(|c| c.capacity()).sum::<usize>() + self.tail.capacity()
    }

    /// Oldest first.
    pub fn iter(&self) -> Iter<'_> {
        let mut slices: Vec<&[Event]> = self.sealed.iter().map(|c| c.as_slice()).collect();
        slices.push(&self.tail);
        // The first chunk's dead prefix is not part of the log.
        if let Some(first) = slices.first_mut() {
            *first = &first[self.head.min(first.len())..];
        }
        Iter {
            events: slices.into_iter().flatten(),
            left: self.len,
        }
    }
}

/// The live events in order, from either end: a walk over the chunks' slices.
pub struct Iter<'a> {
    events: std::iter::Flatten<std::vec::IntoIter<&'a [Event]>>,
    left: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Event;

    fn next(&mut self) -> Option<&'a Event> {
        let event = self.events.next()?;
        self.left -= 1;
        Some(event)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let event = self.events.next_back()?;
        self.left -= 1;
        Some(event)
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Direction;
    use crate::engine::test_events::text;

    fn texts(chunks: &Chunks) -> Vec<String> {
        chunks
            .iter()
            .map(|e| String::from_utf8_lossy(e.payload().unwrap()).into_owned())
            .collect()
    }

    #[test]
    fn pushes_and_drops_across_chunk_edges_keep_order() {
        let mut chunks = Chunks::default();
        let n = CHUNK * 2 + 10;
        for i in 0..n {
            chunks.push_back(text(Direction::Received, &i.to_string()), usize::MAX);
        }
        for _ in 0..CHUNK + 5 {
            assert!(chunks.pop_front());
        }
        assert_eq!(chunks.len(), n - CHUNK - 5);
        let got = texts(&chunks);
        assert_eq!(got.first().unwrap(), &(CHUNK + 5).to_string());
        assert_eq!(got.last().unwrap(), &(n - 1).to_string());
        assert_eq!(got.len(), chunks.iter().rev().count());
        assert_eq!(chunks.sealed.len(), 1, "the dead chunk went");
        while chunks.pop_front() {}
        assert!(chunks.is_empty() && chunks.slots() == 0);
    }

    #[test]
    fn a_copy_keeps_its_events_while_the_original_moves_on() {
        let mut original = Chunks::default();
        for i in 0..CHUNK + 3 {
            original.push_back(text(Direction::Received, &i.to_string()), usize::MAX);
        }
        let copy = original.clone();
        for _ in 0..CHUNK + 3 {
            original.pop_front();
        }
        original.push_back(text(Direction::Sent, "new"), usize::MAX);
        assert_eq!(copy.len(), CHUNK + 3);
        assert_eq!(texts(&copy)[0], "0", "the copy's payloads were not let go");
        assert_eq!(texts(&original), ["new"]);
    }
}
