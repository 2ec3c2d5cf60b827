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
mod gui;
mod gui_perf;
mod hostile;
mod import;
mod inspect;
mod install;
mod interop;
mod limits;
mod properties;
mod proxies;
mod saves;
mod serve;

mod store;
mod writes;
