//! Plain data shared by the GUI, the engine and the CLI: serde only, no I/O, no egui, no tokio.

mod client_cert;
mod compression;
mod environment;
mod fields;
mod folder;
mod folder_tree;
mod lookup;
mod message;
mod proxy;
mod request;
mod socketio;
mod tree_edit;
pub mod url_params;
mod workspace;

pub use client_cert::{ClientCertSource, ClientCertificate};
pub use compression::{Compression, WINDOW_BITS};
pub use environment::{Environment, GLOBALS_ID, Variable};
pub use fields::{Unknown, is_reference, new_id};
pub use folder::Folder;
pub use folder_tree::{InheritedHeader, VarSource};
pub use lookup::Lookup;
pub use message::{Opcode, Outgoing};
pub use proxy::ProxyChoice;
pub use request::{
    Auth, ConnectionSettings, HeartbeatSettings, KeyValue, MessageDraft, MessageFormat, OAuth1,
    SavedMessage, SavedRequest, SignatureMethod,
};
pub use socketio::{
    DEFAULT_ACK_TIMEOUT_MS, DEFAULT_SOCKETIO_PATH, EngineIoVersion, RequestKind, SocketIoSettings,
};
pub use tree_edit::Removed;
pub use workspace::Workspace;
