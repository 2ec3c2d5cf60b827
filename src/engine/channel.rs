//! The event channel between the sessions and the consumer (the window or the CLI): batches
//! of events, one wake per drain cycle, and backpressure. Its contract is in the engine's
//! module doc (Batches, Waking the UI).

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use super::event::{Event, EventKind, SessionId};

/// A new channel: the sessions' sending half and the consumer's receiving half; `waker` is
/// called (throttled) when events are waiting.
pub(super) fn channel(waker: Box<dyn Fn() + Send + Sync>) -> (EventSender, EventReceiver) {
    let (tx, rx) = std_mpsc::channel();
    let wake = Arc::new(Wake {
        pending: AtomicBool::new(false),
        backlog: AtomicUsize::new(0),
        caught_up: tokio::sync::Notify::new(),
        waker,
    });
    let sender = EventSender {
        tx,
        wake: wake.clone(),
    };
    let receiver = EventReceiver {
        rx,
        wake,
        pending: RefCell::new(Vec::new().into_iter()),
    };
    (sender, receiver)
}

/// Where events arrive; drained by the UI each frame with `try_recv`.
pub struct EventReceiver {
    rx: std_mpsc::Receiver<Vec<Event>>,
    wake: Arc<Wake>,
    /// The rest of the batch `try_recv` is handing out.
    pending: RefCell<std::vec::IntoIter<Event>>,
}

struct Wake {
    pending: AtomicBool,
    waker: Box<dyn Fn() + Send + Sync>,
    /// Events sent but not yet taken by the receiver (see [`MAX_BACKLOG`]).
    backlog: AtomicUsize,
    /// Woken when the backlog falls to [`LOW_WATER`]: paused sessions read again.
    caught_up: tokio::sync::Notify,
}

/// Above this many events waiting for the consumer, sessions stop reading their sockets until
/// it catches up: TCP flow control then slows the server, nothing is dropped, and memory
/// stays bounded when the consumer (a busy window) is slower than the network.
pub const MAX_BACKLOG: usize = 256 * 1024;

/// A paused session reads again once the backlog has fallen to this (not at once below
/// [`MAX_BACKLOG`], so it does not flap around the mark).
pub(crate) const LOW_WATER: usize = MAX_BACKLOG / 2;

/// The sending half every session holds: pushes an event and wakes the consumer (throttled).
#[derive(Clone)]
pub(crate) struct EventSender {
    tx: std_mpsc::Sender<Vec<Event>>,
    wake: Arc<Wake>,
}

impl EventSender {
    pub(crate) fn emit(&self, session: SessionId, kind: EventKind) {
        self.emit_batch(vec![Event::now(session, kind)]);
    }

    /// Sends several events at once (in order); an empty batch sends nothing.
    pub(crate) fn emit_batch(&self, batch: Vec<Event>) {
        let len = batch.len();
        if len == 0 {
            return;
        }
        self.wake.backlog.fetch_add(len, Ordering::SeqCst);
        // A closed receiver means nobody listens any more; nothing useful to do then.
        if self.tx.send(batch).is_err() {
            self.wake.backlog.fetch_sub(len, Ordering::SeqCst);
            return;
        }
        if !self.wake.pending.swap(true, Ordering::SeqCst) {
            (self.wake.waker)();
        }
    }

    /// Whether the consumer is so far behind that sessions should pause reading.
    pub(crate) fn backlogged(&self) -> bool {
        self.wake.backlog.load(Ordering::SeqCst) > MAX_BACKLOG
    }

    /// Resolves once the backlog is at [`LOW_WATER`] or below (at once if it is already):
    /// a wait on a `Notify`, no polling. Cancel-safe.
    pub(crate) async fn caught_up(&self) {
        loop {
            let notified = self.wake.caught_up.notified();
            tokio::pin!(notified);
            // Registered before the check, so a drain between the check and the wait wakes it.
            notified.as_mut().enable();
            if self.wake.backlog.load(Ordering::SeqCst) <= LOW_WATER {
                return;
            }
            notified.await;
        }
    }
}

impl EventReceiver {
    /// The next waiting event, without blocking. `None` when the channel is empty.
    pub fn try_recv(&self) -> Option<Event> {
        if let Some(event) = self.pending.borrow_mut().next() {
            return Some(event);
        }
        let mut batch = self.try_recv_batch()?.into_iter();
        let first = batch.next();
        *self.pending.borrow_mut() = batch;
        first
    }

    /// The next waiting batch of events (or the rest of one `try_recv` began), without
    /// blocking. `None` when the channel is empty; then the waker is re-armed.
    pub fn try_recv_batch(&self) -> Option<Vec<Event>> {
        {
            let mut pending = self.pending.borrow_mut();
            if pending.len() > 0 {
                return Some(pending.by_ref().collect());
            }
        }
        if let Ok(batch) = self.rx.try_recv() {
            return Some(self.taken(batch));
        }
        // Empty: re-arm the waker, then look once more, so an event sent between the
        // first look and the re-arm is not left waiting without a wake.
        self.wake.pending.store(false, Ordering::SeqCst);
        self.rx.try_recv().ok().map(|batch| self.taken(batch))
    }

    /// Books a batch as taken off the channel.
    fn taken(&self, batch: Vec<Event>) -> Vec<Event> {
        let before = self.wake.backlog.fetch_sub(batch.len(), Ordering::SeqCst);
        if before > LOW_WATER && before - batch.len() <= LOW_WATER {
            self.wake.caught_up.notify_waiters();
        }
        batch
    }

    /// How many events wait in the channel (sent, not yet taken).
    pub fn backlog(&self) -> usize {
        self.wake.backlog.load(Ordering::SeqCst)
    }

    /// Waits up to `timeout` for the next event (for the CLI and tests).
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Event> {
        let mut pending = self.pending.borrow_mut();
        if let Some(event) = pending.next() {
            return Some(event);
        }
        let batch = self.taken(self.rx.recv_timeout(timeout).ok()?);
        *pending = batch.into_iter();
        pending.next()
    }
}
