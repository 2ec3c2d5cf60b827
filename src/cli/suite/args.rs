//! `wsprobe test`'s command line. These names are a contract (CI jobs depend on them).

use std::path::PathBuf;

/// Options of `wsprobe test`.
#[derive(Debug, Clone, clap::Args)]
pub struct TestArgs {
    /// Saved requests (by name) or URLs (anything containing ://), run one after another.
    #[arg(required = true, value_name = "TARGET")]
    pub targets: Vec<String>,
    /// Environment to use (by name) instead of the workspace's active one.
    #[arg(long)]
    pub env: Option<String>,
    /// Set a variable, overriding the environment (repeatable).
    #[arg(long = "var", value_name = "KEY=VALUE")]
    pub vars: Vec<String>,
    /// A JavaScript file to run instead of the saved request's script (required for a URL).
    #[arg(long, value_name = "FILE")]
    pub script: Option<PathBuf>,
    /// Seconds each target may run before it is disconnected (default 30).
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub timeout: f64,
    /// How results are written: text (default), junit (JUnit XML) or json.
    #[arg(long, value_enum, default_value_t = Reporter::Text)]
    pub reporter: Reporter,
    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the variables the scripts set back into the workspace (by default they last for
    /// the run only).
    #[arg(long)]
    pub save_vars: bool,
    /// Show secret variable values in console lines and the report instead of ***.
    #[arg(long)]
    pub reveal_secrets: bool,
    /// Client certificate and CA options, as `wsprobe run` takes them.
    #[command(flatten)]
    pub tls: crate::cli::TlsArgs,
    /// URL targets speak Socket.IO (saved Socket.IO requests need no flag).
    #[arg(long)]
    pub socketio: bool,
    /// The Socket.IO namespace of URL targets (default /).
    #[arg(long, value_name = "NS", requires = "socketio")]
    pub namespace: Option<String>,
}

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Reporter {
    Text,
    Junit,
    Json,
}
