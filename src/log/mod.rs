//! The events log shared by the window, the CLI and the benchmarks: [`EventLog`] stores a
//! session's events (`store.rs`), [`Filter`] decides which of them a view shows (`filter.rs`,
//! with JSON conditions in `json_filter.rs`); [`SocketIoIndex`] keeps the event names and ack
//! links of a Socket.IO session's events as they arrive (`socketio.rs`).

mod chunks;
mod filter;
mod filter_error;
mod json_filter;
mod socketio;
#[cfg(test)]
pub(crate) use socketio::tests as socketio_tests;
mod store;

pub use filter::{DirectionFilter, Filter, SearchMode, contains_ignore_case, is_connection_event};
pub use filter_error::FilterError;
pub use json_filter::{JsonCondition, parse_json_conditions};
pub use socketio::{AckLink, AckOutcome, MAX_NAMES, SocketIoIndex};
pub use store::{DEFAULT_MAX_BYTES, DEFAULT_MAX_EVENTS, EventLog, Seq};
