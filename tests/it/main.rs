//! The integration tests, one binary (as ripgrep does): a module per area, plus `support`
//! (real servers on 127.0.0.1, event waits, the GUI harness). One binary links egui, eframe,
//! syntect and rustls once instead of once per file.
//!
//! Run one area with `cargo test --test it engine::` (module paths filter as usual).

mod support;

mod background;
mod cli;
mod comfort;
mod composer;
mod deflate;
mod engine;
mod folders;
mod folders_io;
mod gui;
mod gui_perf;
mod hostile;
mod import;
mod inspect;
mod install;
mod interop;
mod keepalive;
mod keepalive_cli;
mod keepalive_gui;
mod limits;
mod mtls;
mod newcomer;
mod properties;
mod proxies;
mod saves;
mod scripts;
mod scripts_gui;
mod serve;
mod socketio;
mod socketio_gui;
mod socketio_packets;
mod socketio_scripts;

mod store;
mod writes;
