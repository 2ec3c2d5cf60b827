//! The background tokio runtime that runs every connection. Knows nothing of egui.

mod event;

pub use event::*;

use bytes::Bytes;

use crate::template::ResolvedRequest;

/// What the UI or the CLI asks of the engine.
#[derive(Debug, Clone)]
pub enum Command {
    Connect {
        session: SessionId,
        request: Box<ResolvedRequest>,
    },
    Send {
        session: SessionId,
        message: Outgoing,
    },
    Ping {
        session: SessionId,
        payload: Bytes,
    },
    Disconnect {
        session: SessionId,
    },
}

/// Owns the runtime; cheap to call from the UI thread (never blocks).
pub struct Engine {}

/// Where events arrive; drained by the UI each frame with `try_recv`.
pub struct EventReceiver {}

impl Engine {
    /// Starts the runtime. `waker` is called (throttled) when events are waiting.
    pub fn new(waker: impl Fn() + Send + Sync + 'static) -> (Engine, EventReceiver) {
        let _ = waker;
        unimplemented!("engine: being written")
    }

    pub fn execute(&self, command: Command) {
        let _ = command;
        unimplemented!("engine: being written")
    }

    /// Starts a connection and returns its session id.
    pub fn connect(&self, request: ResolvedRequest) -> SessionId {
        let _ = request;
        unimplemented!("engine: being written")
    }

    pub fn send(&self, session: SessionId, message: Outgoing) {
        self.execute(Command::Send { session, message });
    }

    pub fn ping(&self, session: SessionId, payload: Bytes) {
        self.execute(Command::Ping { session, payload });
    }

    pub fn disconnect(&self, session: SessionId) {
        self.execute(Command::Disconnect { session });
    }
}

impl EventReceiver {
    pub fn try_recv(&self) -> Option<Event> {
        unimplemented!("engine: being written")
    }

    pub fn recv_timeout(&self, timeout: std::time::Duration) -> Option<Event> {
        let _ = timeout;
        unimplemented!("engine: being written")
    }
}
