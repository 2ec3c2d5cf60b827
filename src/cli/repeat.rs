//! `wsprobe run --every MS`: the `--send*` messages (or a saved request's draft) as written,
//! sent again in rounds. Each round expands their variables afresh (so `<<$timestamp>>`
//! changes); files are read once. The first round is the run's first send (see `request.rs`);
//! the clock of the later ones is [`crate::heartbeat::Schedule`], driven by `session.rs`
//! while connected.

use anyhow::Context as _;
use bytes::Bytes;

use crate::engine::Outgoing;
use crate::model::MessageFormat;
use crate::template::Resolver;

/// `--every MS`: the `--send*` messages again, every interval, each round expanded afresh.
pub struct Repeat {
    pub every_ms: u64,
    messages: Vec<Repeated>,
    resolver: Resolver,
}

/// One message of a repeated round, as written (variables expand in every round).
#[derive(Debug, Clone)]
pub(super) enum Repeated {
    Text(String),
    Hex(String),
    Bytes(Bytes),
    Draft(MessageFormat, String),
}

impl std::fmt::Debug for Repeat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repeat")
            .field("every_ms", &self.every_ms)
            .field("messages", &self.messages)
            .finish_non_exhaustive()
    }
}

impl Repeat {
    pub(super) fn new(every_ms: u64, messages: Vec<Repeated>, resolver: Resolver) -> Self {
        Self {
            every_ms,
            messages,
            resolver,
        }
    }

    /// The messages of one more round, or why one of them cannot be sent.
    pub fn round(&self) -> anyhow::Result<Vec<Outgoing>> {
        self.messages
            .iter()
            .map(|message| render(&self.resolver, message))
            .collect()
    }
}

pub(super) fn render(resolver: &Resolver, message: &Repeated) -> anyhow::Result<Outgoing> {
    Ok(match message {
        Repeated::Text(text) => Outgoing::Text(resolver.render("--send", text)?),
        Repeated::Hex(hex) => {
            let hex = resolver.render("--send-hex", hex)?;
            let bytes = crate::format::parse_hex(&hex)
                .with_context(|| format!("--send-hex `{hex}`: invalid hex"))?;
            Outgoing::Binary(bytes.into())
        }
        Repeated::Bytes(bytes) => Outgoing::Binary(bytes.clone()),
        Repeated::Draft(format, body) => resolver
            .resolve_message(*format, body)
            .context("the saved draft")?,
    })
}
