//! The events log shared by the window, the CLI and the benchmarks: [`EventLog`] stores a
//! session's events (`store.rs`), [`Filter`] decides which of them a view shows (`filter.rs`,
//! with JSON conditions in `json_filter.rs`).

mod filter;
mod json_filter;
mod store;

pub use filter::{DirectionFilter, Filter, FilterError, SearchMode, contains_ignore_case};
pub use json_filter::{JsonCondition, parse_json_conditions};
pub use store::{DEFAULT_MAX_BYTES, DEFAULT_MAX_EVENTS, EventLog, Seq};
