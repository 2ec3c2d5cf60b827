//! The storage under [`super::EventLog`]: events in shared chunks of [`CHUNK`], so a copy of a
//! million-event log (what an export takes to its worker) costs one reference per chunk, not
//! one clone per event.
//!
//! Every chunk but the last is full and never changes again; the last one is open and takes
//! new events (copied once, on the first push after a copy of the log was taken, if that copy
//! still shares it). The oldest events are dropped from the front: a dead prefix of the first
//! chunk (`head`) until the whole chunk is dead and goes. A dead event's payload is let go at
//! once unless a copy still shares its chunk, so memory follows the live events; only the
//! event's fixed-size slot waits for its chunk, at most [`CHUNK`] slots per log.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::engine::{Event, EventKind, SessionId};

/// Events per chunk.
pub const CHUNK: usize = 4096;

#[derive(Debug, Clone, Default)]
pub struct Chunks {
    chunks: VecDeque<Arc<Vec<Event>>>,
    /// Dead events at the front of `chunks[0]`.
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
        self.chunks.get(at / CHUNK)?.get(at % CHUNK)
    }

    pub fn front(&self) -> Option<&Event> {
        self.get(0)
    }

    /// Appends `event`. `room` is how many more events the log may hold (at least 1): the open
    /// chunk grows geometrically but never past it, so a full log has no spare slots beyond
    /// its open chunk's.
    pub fn push_back(&mut self, event: Event, room: usize) {
        if self.chunks.back().is_none_or(|last| last.len() == CHUNK) {
            self.chunks.push_back(Arc::new(Vec::new()));
        }
        if let Some(last) = self.chunks.back_mut() {
            let open = Arc::make_mut(last);
            if open.len() == open.capacity() {
                let grow = open.len().max(16).min(CHUNK - open.len()).min(room.max(1));
                open.reserve_exact(grow);
            }
            open.push(event);
            self.len += 1;
        }
    }

    /// Drops the oldest event; false if there is none.
    pub fn pop_front(&mut self) -> bool {
        if self.len == 0 {
            return false;
        }
        let Some(first) = self.chunks.front_mut() else {
            return false;
        };
        // Let go of the payload now when no copy shares the chunk.
        if let Some(events) = Arc::get_mut(first)
            && let Some(dead) = events.get_mut(self.head)
        {
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
        if self.head == CHUNK || self.len == 0 {
            // A whole chunk is dead (or the log is empty): drop what is dead.
            if self.len == 0 {
                self.chunks.clear();
            } else {
                self.chunks.pop_front();
            }
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
        self.chunks.iter().map(|c| c.capacity()).sum()
    }

    /// Oldest first.
    pub fn iter(&self) -> Iter<'_> {
        let head = self.head;
        let slices: Slices<'_> = self
            .chunks
            .iter()
            .enumerate()
            .map(Box::new(
                move |(i, chunk)| {
                    if i == 0 { &chunk[head..] } else { &chunk[..] }
                },
            ));
        Iter {
            events: slices.flatten(),
            left: self.len,
        }
    }
}

type Slices<'a> = std::iter::Map<
    std::iter::Enumerate<std::collections::vec_deque::Iter<'a, Arc<Vec<Event>>>>,
    SliceOf<'a>,
>;
type SliceOf<'a> = Box<dyn Fn((usize, &'a Arc<Vec<Event>>)) -> &'a [Event] + 'a>;

/// The live events in order, from either end: a walk over the chunks' slices.
pub struct Iter<'a> {
    events: std::iter::Flatten<Slices<'a>>,
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
        assert_eq!(chunks.chunks.len(), 2, "the dead chunk went");
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
