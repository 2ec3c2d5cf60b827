//! A session's outgoing bytes: the write queue that lets reads and writes proceed on their own.
//!
//! Contract:
//! - Everything a session sends (messages, pings, pongs, close frames) is appended to one
//!   [`Outbox`] as whole encoded frames, in order; nothing is written from a command handler.
//! - The session's `select!` loop writes from [`Outbox::pending`] whenever the socket takes
//!   bytes (a `write` is cancel-safe: bytes are either taken or not), advances the cursor with
//!   [`Outbox::wrote`], and flushes when [`Outbox::needs_flush`]. A server that stops reading
//!   therefore stalls only the queue: the session keeps reading, answering commands and
//!   honouring Disconnect.
//! - The event that reports a frame (`Message{Sent}`, `Ping{Sent}`) is handed back by
//!   [`Outbox::wrote`] once the socket took the frame's last byte, never before.
//! - Memory: the queue holds what was sent and not yet written; a drained queue keeps at most
//!   [`KEEP_CAPACITY`] of its buffer.

use std::collections::VecDeque;

use super::event::EventKind;

/// The most buffer capacity an empty queue keeps (a big message's buffer is let go).
pub(crate) const KEEP_CAPACITY: usize = 1 << 20;

/// Encoded frames waiting to be written, and the events to report once they are.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    buf: Vec<u8>,
    /// How much of `buf` the socket has taken.
    written: usize,
    /// Taken since the last flush.
    unflushed: bool,
    /// Each event with the end offset (in `buf`) of the frame it reports.
    waiting: VecDeque<(usize, EventKind)>,
}

impl Outbox {
    /// Appends frames with `encode` (which appends to the buffer it is given); `event` is
    /// reported once they are written.
    pub(crate) fn push(&mut self, encode: impl FnOnce(&mut Vec<u8>), event: Option<EventKind>) {
        encode(&mut self.buf);
        if let Some(event) = event {
            self.waiting.push_back((self.buf.len(), event));
        }
    }

    /// Reports `event` once everything queued so far is written (a Socket.IO packet after
    /// its last frame).
    pub(crate) fn report(&mut self, event: EventKind) {
        self.waiting.push_back((self.buf.len(), event));
    }

    /// The bytes still to write.
    pub(crate) fn pending(&self) -> &[u8] {
        &self.buf[self.written..]
    }

    pub(crate) fn has_pending(&self) -> bool {
        self.written < self.buf.len()
    }

    /// The socket took `n` more bytes: the events of the frames now written, in order.
    pub(crate) fn wrote(&mut self, n: usize) -> Vec<EventKind> {
        self.written = (self.written + n).min(self.buf.len());
        self.unflushed |= n > 0;
        let mut done = Vec::new();
        while self
            .waiting
            .front()
            .is_some_and(|(end, _)| *end <= self.written)
        {
            if let Some((_, event)) = self.waiting.pop_front() {
                done.push(event);
            }
        }
        self.compact();
        done
    }

    /// Whether bytes were written since the last flush.
    pub(crate) fn needs_flush(&self) -> bool {
        self.unflushed
    }

    /// A flush completed.
    pub(crate) fn flushed(&mut self) {
        self.unflushed = false;
    }

    /// Drops what was written (once all of it is, or when it is most of a big buffer).
    fn compact(&mut self) {
        if self.written == self.buf.len() && self.waiting.is_empty() {
            self.buf.clear();
            self.written = 0;
            if self.buf.capacity() > KEEP_CAPACITY {
                self.buf = Vec::new();
            }
        } else if self.written > KEEP_CAPACITY && self.written * 2 > self.buf.len() {
            let gone = self.written;
            self.buf.drain(..gone);
            self.written = 0;
            for (end, _) in &mut self.waiting {
                *end -= gone;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Direction;
    use bytes::Bytes;

    fn ping(tag: &'static [u8]) -> Option<EventKind> {
        Some(EventKind::Ping {
            direction: Direction::Sent,
            payload: Bytes::from_static(tag),
        })
    }

    #[test]
    fn events_come_back_once_their_frame_is_written() {
        let mut out = Outbox::default();
        out.push(|b| b.extend_from_slice(b"aaaa"), ping(b"a"));
        out.push(|b| b.extend_from_slice(b"bb"), None);
        out.push(|b| b.extend_from_slice(b"cc"), ping(b"c"));
        assert_eq!(out.pending(), b"aaaabbcc");
        assert!(out.wrote(3).is_empty());
        assert_eq!(out.wrote(2), vec![ping(b"a").unwrap()]);
        assert!(out.needs_flush());
        out.flushed();
        assert!(!out.needs_flush());
        assert_eq!(out.pending(), b"bcc");
        assert_eq!(out.wrote(3), vec![ping(b"c").unwrap()]);
        assert!(!out.has_pending());
        assert_eq!(out.buf.len(), 0);
    }

    #[test]
    fn a_big_written_prefix_is_let_go() {
        let mut out = Outbox::default();
        out.push(|b| b.resize(3 * KEEP_CAPACITY, 1), ping(b"big"));
        out.push(|b| b.extend_from_slice(b"tail"), ping(b"tail"));
        assert_eq!(out.wrote(3 * KEEP_CAPACITY), vec![ping(b"big").unwrap()]);
        assert_eq!(out.pending(), b"tail");
        assert_eq!(out.buf.len(), 4);
        assert_eq!(out.wrote(4), vec![ping(b"tail").unwrap()]);
        assert!(out.buf.capacity() <= KEEP_CAPACITY);
    }
}
