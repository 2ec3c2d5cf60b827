//! What a Socket.IO session's events say about each other, kept as they arrive: the event
//! names seen so far (the events panel's chips) and which acknowledgement answers which emit
//! (the "ack 12 ms" of an emit's row, the "answers emit" of an ack's).
//!
//! The contract:
//! - [`SocketIoIndex::observe`] is called once per event, in log order, with the sequence
//!   number the log gives it; it costs O(1) (a map update), never a walk of the log.
//! - An EVENT with an ack id, sent or received, waits for the ACK with that id going the other
//!   way in the same engine session; the newest such emit is the one answered (ids may start
//!   again after a reconnect). Our emit's `AckTimeout` closes it as timed out.
//! - Links whose emit left the log (the cap) are forgotten as the log's first event moves
//!   (a split of an ordered map, not a walk), so the index stays as big as what the log holds;
//!   names are kept until [`SocketIoIndex::clear`].
//! - Names are capped at [`MAX_NAMES`]; beyond that they are counted, not kept.

use std::collections::{BTreeMap, HashMap};

use std::time::Duration;

use super::Seq;
use crate::engine::{Direction, Event, EventKind, SessionId, SocketIoPacket};

/// At most this many distinct event names are kept for the chips.
pub const MAX_NAMES: usize = 200;

/// How an emit that asked for an acknowledgement ended (so far).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckOutcome {
    /// Still waiting.
    Pending,
    /// Answered by the ack at `answer`, `rtt` after the emit (when the engine measured it).
    Answered { answer: Seq, rtt: Option<Duration> },
    /// No ack within `after_ms` (the note is the event at `note`).
    TimedOut { note: Seq, after_ms: u64 },
}

/// Both ends of an acknowledgement, as seen from either of its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AckLink {
    pub ack_id: u64,
    /// The emit that asked for the ack.
    pub emit: Seq,
    /// Who emitted: `Sent` for our emits, `Received` for the server's.
    pub emitted: Direction,
    pub outcome: AckOutcome,
}

/// Event names and ack links of one request's events (see the module doc).
#[derive(Debug, Clone, Default)]
pub struct SocketIoIndex {
    names: BTreeMap<String, u64>,
    /// Names not kept because [`MAX_NAMES`] was reached.
    names_left_out: u64,
    /// Emits waiting for their ack: (session, who emitted, ack id) → emit.
    waiting: HashMap<WaitKey, Seq>,
    /// The same, by emit (to forget the ones that left the log).
    waiting_at: BTreeMap<Seq, WaitKey>,
    /// Every link, under its emit and under its answer (or timeout note).
    links: BTreeMap<Seq, AckLink>,
    /// Everything older than this was forgotten.
    forgotten_to: Seq,
}

/// An emit waiting for its ack: its session, who emitted it, its ack id.
type WaitKey = (SessionId, Direction, u64);

impl SocketIoIndex {
    /// Takes note of `event`, which the log numbers `seq`; `first` is the log's oldest event
    /// still stored (older links are dropped now and then).
    pub fn observe(&mut self, seq: Seq, event: &Event, first: Seq) {
        self.forget_before(first);
        let EventKind::SocketIo(sio) = &event.kind else {
            return;
        };
        match &sio.packet {
            SocketIoPacket::Event {
                event: name,
                ack_id,
                ..
            } => {
                if let Some(count) = self.names.get_mut(name) {
                    *count += 1;
                } else if self.names.len() < MAX_NAMES {
                    self.names.insert(name.clone(), 1);
                } else {
                    self.names_left_out += 1;
                }
                if let Some(id) = *ack_id {
                    let key = (event.session, sio.direction, id);
                    self.waiting.insert(key, seq);
                    self.waiting_at.insert(seq, key);
                    self.links.insert(
                        seq,
                        AckLink {
                            ack_id: id,
                            emit: seq,
                            emitted: sio.direction,
                            outcome: AckOutcome::Pending,
                        },
                    );
                }
            }
            SocketIoPacket::Ack { ack_id, rtt, .. } => {
                let emitted = opposite(sio.direction);
                let outcome = AckOutcome::Answered {
                    answer: seq,
                    rtt: *rtt,
                };
                self.close(event.session, emitted, *ack_id, seq, outcome);
            }
            SocketIoPacket::AckTimeout { ack_id, after_ms } => {
                let outcome = AckOutcome::TimedOut {
                    note: seq,
                    after_ms: *after_ms,
                };
                self.close(event.session, Direction::Sent, *ack_id, seq, outcome);
            }
            _ => {}
        }
    }

    fn close(
        &mut self,
        session: SessionId,
        emitted: Direction,
        ack_id: u64,
        at: Seq,
        outcome: AckOutcome,
    ) {
        let Some(emit) = self.waiting.remove(&(session, emitted, ack_id)) else {
            return;
        };
        self.waiting_at.remove(&emit);
        let link = AckLink {
            ack_id,
            emit,
            emitted,
            outcome,
        };
        self.links.insert(emit, link);
        self.links.insert(at, link);
    }

    /// The acknowledgement an event (an emit, its answer or its timeout note) belongs to.
    pub fn link(&self, seq: Seq) -> Option<&AckLink> {
        self.links.get(&seq)
    }

    /// The event names seen so far, in name order, with how many events had each.
    pub fn names(&self) -> impl ExactSizeIterator<Item = (&str, u64)> {
        self.names.iter().map(|(n, c)| (n.as_str(), *c))
    }

    /// Events whose names were not kept ([`MAX_NAMES`] reached).
    pub fn names_left_out(&self) -> u64 {
        self.names_left_out
    }

    /// Forgets links and waiting emits older than `first` (they left the log). Costs what is
    /// forgotten, not what is kept.
    pub fn forget_before(&mut self, first: Seq) {
        if first <= self.forgotten_to {
            return;
        }
        self.forgotten_to = first;
        let kept = self.links.split_off(&first);
        self.links = kept;
        let kept = self.waiting_at.split_off(&first);
        for (emit, key) in std::mem::replace(&mut self.waiting_at, kept) {
            // A newer emit may have taken the key over (an id used again).
            if self.waiting.get(&key) == Some(&emit) {
                self.waiting.remove(&key);
            }
        }
    }

    /// Forgets everything (the events panel's Clear).
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

fn opposite(direction: Direction) -> Direction {
    match direction {
        Direction::Sent => Direction::Received,
        Direction::Received => Direction::Sent,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::SocketIoEvent;
    use bytes::Bytes;

    /// A Socket.IO packet of session `session` in namespace `/` (other tests use it too).
    pub(crate) fn sio(session: u64, direction: Direction, packet: SocketIoPacket) -> Event {
        Event::now(
            SessionId(session),
            EventKind::SocketIo(Box::new(SocketIoEvent {
                direction,
                namespace: "/".into(),
                packet,
            })),
        )
    }

    fn emit(name: &str, ack_id: Option<u64>) -> SocketIoPacket {
        SocketIoPacket::Event {
            event: name.into(),
            args: Bytes::from_static(b"[]"),
            attachments: Vec::new(),
            ack_id,
        }
    }

    fn ack(ack_id: u64, ms: u64) -> SocketIoPacket {
        SocketIoPacket::Ack {
            ack_id,
            args: Bytes::from_static(b"[\"ok\"]"),
            attachments: Vec::new(),
            rtt: Some(Duration::from_millis(ms)),
        }
    }

    #[test]
    fn acks_link_to_their_emits_both_ways_and_timeouts_close_them() {
        let mut index = SocketIoIndex::default();
        let events = [
            sio(1, Direction::Sent, emit("chat", Some(0))),
            sio(1, Direction::Received, emit("chat", None)),
            sio(1, Direction::Received, emit("ask", Some(0))),
            sio(1, Direction::Received, ack(0, 12)),
            sio(1, Direction::Sent, emit("slow", Some(1))),
            sio(1, Direction::Sent, ack(0, 0)),
            sio(
                1,
                Direction::Sent,
                SocketIoPacket::AckTimeout {
                    ack_id: 1,
                    after_ms: 500,
                },
            ),
            // An ack nobody waits for (another session) links nothing.
            sio(2, Direction::Received, ack(1, 3)),
        ];
        for (i, e) in events.iter().enumerate() {
            index.observe(Seq(i as u64), e, Seq(0));
        }
        let answered = AckOutcome::Answered {
            answer: Seq(3),
            rtt: Some(Duration::from_millis(12)),
        };
        assert_eq!(index.link(Seq(0)).unwrap().outcome, answered);
        assert_eq!(index.link(Seq(3)).unwrap().emit, Seq(0));
        assert_eq!(index.link(Seq(1)), None);
        // The server's emit, answered by our ack.
        let theirs = index.link(Seq(2)).unwrap();
        assert_eq!(theirs.emitted, Direction::Received);
        assert!(matches!(
            theirs.outcome,
            AckOutcome::Answered { answer: Seq(5), .. }
        ));
        assert_eq!(
            index.link(Seq(4)).unwrap().outcome,
            AckOutcome::TimedOut {
                note: Seq(6),
                after_ms: 500
            }
        );
        assert_eq!(index.link(Seq(7)), None);
        let names: Vec<_> = index.names().collect();
        assert_eq!(names, [("ask", 1), ("chat", 2), ("slow", 1)]);
    }

    #[test]
    fn a_reused_ack_id_answers_the_newest_emit_and_old_links_are_forgotten() {
        let mut index = SocketIoIndex::default();
        index.observe(Seq(0), &sio(1, Direction::Sent, emit("a", Some(0))), Seq(0));
        index.observe(Seq(1), &sio(1, Direction::Sent, emit("b", Some(0))), Seq(0));
        index.observe(Seq(2), &sio(1, Direction::Received, ack(0, 1)), Seq(0));
        assert_eq!(index.link(Seq(0)).unwrap().outcome, AckOutcome::Pending);
        assert_eq!(index.link(Seq(2)).unwrap().emit, Seq(1));
        index.forget_before(Seq(1));
        assert_eq!(index.link(Seq(0)), None);
        assert!(index.link(Seq(2)).is_some());
        // A waiting emit that left the log is forgotten; one that took its id over is not.
        index.observe(Seq(3), &sio(1, Direction::Sent, emit("c", Some(5))), Seq(1));
        index.observe(Seq(4), &sio(1, Direction::Sent, emit("d", Some(5))), Seq(1));
        index.forget_before(Seq(4));
        index.observe(Seq(5), &sio(1, Direction::Received, ack(5, 1)), Seq(4));
        assert_eq!(index.link(Seq(5)).unwrap().emit, Seq(4));
        index.clear();
        assert_eq!(index.names().len(), 0);
    }

    #[test]
    fn names_are_capped() {
        let mut index = SocketIoIndex::default();
        for i in 0..(MAX_NAMES as u64 + 5) {
            let e = sio(1, Direction::Received, emit(&format!("n{i:04}"), None));
            index.observe(Seq(i), &e, Seq(0));
        }
        assert_eq!(index.names().len(), MAX_NAMES);
        assert_eq!(index.names_left_out(), 5);
    }
}

#[cfg(test)]
mod filter_tests {
    use super::*;
    use crate::engine::Opcode;
    use crate::log::{DirectionFilter, EventLog, Filter, SearchMode};
    use bytes::Bytes;

    fn packet(direction: Direction, packet: SocketIoPacket) -> Event {
        super::tests::sio(1, direction, packet)
    }

    fn named(direction: Direction, name: &str, args: &'static str) -> Event {
        packet(
            direction,
            SocketIoPacket::Event {
                event: name.into(),
                args: Bytes::from_static(args.as_bytes()),
                attachments: Vec::new(),
                ack_id: None,
            },
        )
    }

    fn raw(direction: Direction, text: &'static str) -> Event {
        Event::now(
            SessionId(1),
            EventKind::Message {
                direction,
                opcode: Opcode::Text,
                payload: Bytes::from_static(text.as_bytes()),
                wire_size: None,
            },
        )
    }

    fn log() -> EventLog {
        let mut log = EventLog::default();
        log.extend([
            raw(Direction::Received, "0{\"sid\":\"x\"}"),
            raw(Direction::Sent, "40"),
            packet(Direction::Sent, SocketIoPacket::Connect { data: None }),
            packet(
                Direction::Received,
                SocketIoPacket::Connect {
                    data: Some("{\"sid\":\"y\"}".into()),
                },
            ),
            raw(Direction::Received, "42[\"chat\",\"hi\"]"),
            named(Direction::Received, "chat", "[\"hi\"]"),
            raw(Direction::Received, "42[\"news\",{\"n\":1}]"),
            named(Direction::Received, "news", "[{\"n\":1}]"),
            named(Direction::Sent, "chat", "[\"back\"]"),
            packet(
                Direction::Received,
                SocketIoPacket::ConnectError {
                    message: "bad token".into(),
                    data: None,
                },
            ),
            packet(Direction::Received, SocketIoPacket::Disconnect),
        ]);
        log
    }

    fn seqs(log: &EventLog, filter: &Filter) -> Vec<u64> {
        log.filtered(filter).into_iter().map(|s| s.0).collect()
    }

    #[test]
    fn event_names_raw_frames_and_connection_packets_filter_as_documented() {
        let log = log();
        let all = Filter::new(DirectionFilter::All, "");
        assert_eq!(seqs(&log, &all).len(), 11);
        let decoded = all.clone().hiding_raw_frames(true);
        assert_ne!(decoded, all);
        assert!(!decoded.is_empty());
        assert_eq!(seqs(&log, &decoded), [2, 3, 5, 7, 8, 9, 10]);
        let chat = decoded.clone().with_event_names(["chat"]);
        assert_eq!(seqs(&log, &chat), [5, 8]);
        assert_eq!(chat.event_names(), ["chat"]);
        let both = decoded.clone().with_event_names(["news", "chat", "news"]);
        assert_eq!(both.event_names(), ["chat", "news"]);
        assert_eq!(seqs(&log, &both), [5, 7, 8]);
        // Names combine with the direction and the search box.
        let received = Filter::new(DirectionFilter::Received, "")
            .hiding_raw_frames(true)
            .with_event_names(["chat"]);
        assert_eq!(seqs(&log, &received), [5]);
        let searched = Filter::parse(DirectionFilter::All, SearchMode::Text, "back")
            .unwrap()
            .with_event_names(["chat"]);
        assert_eq!(seqs(&log, &searched), [8]);
        // The search box finds an event by its name too.
        let by_name = Filter::parse(DirectionFilter::All, SearchMode::Text, "news")
            .unwrap()
            .hiding_raw_frames(true);
        assert_eq!(seqs(&log, &by_name), [7]);
        // CONNECT, CONNECT_ERROR and DISCONNECT are connection events, not Received/Sent.
        let connection = Filter::new(DirectionFilter::Connection, "").hiding_raw_frames(true);
        assert_eq!(seqs(&log, &connection), [2, 3, 9, 10]);
        let sent = Filter::new(DirectionFilter::Sent, "").hiding_raw_frames(true);
        assert_eq!(seqs(&log, &sent), [8]);
        // Raw frames shown: they are ordinary messages beside the packets.
        let sent_raw = Filter::new(DirectionFilter::Sent, "");
        assert_eq!(seqs(&log, &sent_raw), [1, 8]);
    }
}
