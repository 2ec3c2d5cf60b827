//! Plain data shared by the GUI, the engine and the CLI: serde only, no I/O, no egui, no tokio.

mod compression;
mod environment;
mod fields;
mod message;
mod proxy;
mod request;
pub mod url_params;
mod workspace;

pub use compression::{Compression, WINDOW_BITS};
pub use environment::{Environment, GLOBALS_ID, Variable};
pub use fields::{Unknown, new_id};
pub use message::{Opcode, Outgoing};
pub use proxy::ProxyChoice;
pub use request::{
    Auth, ConnectionSettings, KeyValue, MessageDraft, MessageFormat, OAuth1, SavedMessage,
    SavedRequest, SignatureMethod,
};
pub use workspace::Workspace;
