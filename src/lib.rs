//! wsprobe: a native desktop WebSocket request tester.
//!
//! The map, lowest layer first; each imports only the ones above it in this list, and no
//! module imports one that imports it back:
//! - [`model`]: plain data (requests, environments, the workspace, a message to send, the
//!   URL ↔ Params syncing), no I/O, nothing else of ours.
//! - [`format`]: text ↔ bytes (hex, base64), sniffing, pretty-printing, and the one place for
//!   short renderings (sizes, times, previews, error chains).
//! - [`template`]: `<<variables>>` expanded once, into a [`template::ResolvedRequest`].
//! - [`heartbeat`]: a message repeated while connected: its clock and what it sends (the
//!   window's heartbeat and `wsprobe run --every`).
//! - [`engine`]: every connection on a background tokio runtime, reported as
//!   [`engine::Event`]s (its doc states the ordering contract); own RFC 6455 framing.
//! - [`log`]: [`log::EventLog`] keeps a session's events, [`log::Filter`] picks what a view
//!   shows; one type for the window, the CLI and the benchmarks.
//! - [`schema`]: the event JSON schema and the masking of credentials, shared by the CLI, the
//!   exports and the window.
//! - [`store`] (the workspace folder: atomic, streamed saves), [`import`] (Insomnia, wsprobe
//!   exports), [`examples`] (a new workspace's requests), beside the layers: they read and
//!   write model data as files.
//! - [`export`]: a session's events as JSON Lines or HAR.
//! - [`cli`]: `wsprobe run`, the command line's definition, its man pages and completions;
//!   [`serve`]: the local demo server; [`ui`]: the window.
//! - [`build_info`]: the version and commit, for `--version` and Help → About.

pub mod build_info;
pub mod cli;
pub mod engine;
pub mod examples;
pub mod export;
pub mod format;
pub mod heartbeat;
pub mod import;
pub mod log;
pub mod model;
pub mod schema;
pub mod script;
pub mod serve;
pub mod store;
pub mod template;
pub mod ui;
