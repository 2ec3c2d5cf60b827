//! wsprobe: a native desktop WebSocket request tester.
//!
//! The map: [`model`] is plain data (requests, environments, the workspace) with no I/O;
//! [`store`] keeps a workspace as a folder of pretty JSON files; [`template`] expands
//! `<<variables>>` and turns a saved request into a [`template::ResolvedRequest`]; [`engine`]
//! runs every connection on a background tokio runtime and reports [`engine::Event`]s;
//! [`log::EventLog`] keeps and filters those events for the GUI ([`ui`]) and the CLI ([`cli`]);
//! [`format`] turns text into bytes and bytes into readable views; [`export`] writes a session's
//! events as JSON Lines or HAR; [`import`] reads Insomnia and wsprobe exports; [`examples`] seeds
//! a new workspace; [`serve`] is the local demo server.

pub mod cli;
pub mod engine;
pub mod examples;
pub mod export;
pub mod format;
pub mod import;
pub mod log;
pub mod model;
pub mod schema;
pub mod serve;
pub mod store;
pub mod template;
pub mod ui;
