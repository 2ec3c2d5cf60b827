//! Plain data shared by the GUI, the engine and the CLI: serde only, no I/O, no egui, no tokio.

mod environment;
mod message;
mod request;
pub mod url_params;
mod workspace;

pub use environment::{Environment, GLOBALS_ID, Variable};
pub use message::{Opcode, Outgoing};
pub use request::{
    Auth, ConnectionSettings, KeyValue, MessageDraft, MessageFormat, OAuth1, SavedMessage,
    SavedRequest, SignatureMethod,
};
pub use workspace::Workspace;

/// Fields this version does not know (written by a newer wsprobe, or by hand): kept as they
/// were and written back, so saving never drops what another version stored.
pub type Unknown = std::collections::BTreeMap<String, serde_json::Value>;

/// A fresh random id for a request or an environment: short, file-name safe, stable once made.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_string()
}
