//! The events log shared by the window, the CLI and the benchmarks: [`EventLog`] stores a
//! session's events (`store.rs`), [`Filter`] decides which of them a view shows (`filter.rs`,
//! with JSON conditions in `json_filter.rs`).

mod chunks;
mod filter;
mod filter_error;
mod json_filter;
mod store;

pub use filter::{DirectionFilter, Filter, SearchMode, contains_ignore_case};
pub use filter_error::FilterError;
pub use json_filter::{JsonCondition, parse_json_conditions};
pub use store::{DEFAULT_MAX_BYTES, DEFAULT_MAX_EVENTS, EventLog, Seq};
