//! Which proxy a request's connection goes through. Plain data; the engine's `proxy` room
//! parses the URL and connects through it.

use serde::{Deserialize, Serialize};

/// Settings → Proxy, per request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "use", rename_all = "snake_case")]
pub enum ProxyChoice {
    /// The workspace's proxy; when the workspace has none, the system's, read from the
    /// environment the way curl reads it (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`).
    #[default]
    Default,
    /// Straight to the server, whatever the workspace or the environment say.
    None,
    /// This proxy: `http://[user:pass@]host:port`, `socks5://…` or `socks5h://…`; may use
    /// `<<variables>>`.
    Custom { url: String },
}

impl ProxyChoice {
    pub const LABELS: [&'static str; 3] = ["Workspace / system", "None", "Custom"];

    pub fn label(&self) -> &'static str {
        match self {
            Self::Default => Self::LABELS[0],
            Self::None => Self::LABELS[1],
            Self::Custom { .. } => Self::LABELS[2],
        }
    }
}
