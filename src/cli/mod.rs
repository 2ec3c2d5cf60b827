//! `wsprobe run`: resolve a request, connect with the engine, print events.
//!
//! The rules, for scripts that rely on them:
//! - TARGET containing `://` is a URL (`ws://`, `wss://`; `http(s)://` are rewritten); anything
//!   else is the name of a saved request (exact, then case-insensitive). An unknown name is an
//!   error that lists similar names. The workspace is only read, never created or written.
//! - Variables: Globals, then the active environment (or `--env NAME`), then `--var K=V`. They
//!   expand in the URL, params, headers, auth, open message and `--send`/`--send-hex` texts
//!   (not in `--send-file` contents).
//! - Options add to a saved request: `-H`/`--param` replace saved rows of the same name,
//!   `--subprotocol` adds to the offered list, `--basic`/`--bearer`/`--open-message` and the
//!   settings flags replace. A saved request's draft is sent after connecting when no
//!   `--send*` is given.
//! - `--send`, `--send-hex`, `--send-file` are sent once, after the first successful connect
//!   (after the engine's open message), in the order given on the command line across the
//!   three flags. Not again after a reconnect.
//! - The run ends: after `--count N` incoming messages (disconnect, exit 0; later messages are
//!   not printed); when `--duration` ends (disconnect; 0, or 1 if not connected then); when the
//!   server closes with 1000 (0); on Ctrl+C/SIGTERM (disconnect, 0; a second Ctrl+C exits
//!   at once with 130). Without any of these it keeps running (like websocat), also with only
//!   `--send`. A failed connection or an abnormal end once reconnects are exhausted exits 1;
//!   bad input exits 2 before connecting. Either way, with one line on stderr.
//! - Output goes to stdout, warnings and errors to stderr. See [`crate::schema`] for the jsonl
//!   schema and [`output::text_line`] for text mode (no headers shown; a password in a URL is
//!   masked). In both, the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie
//!   headers and of secret variables are shown as `***` ([`crate::schema::Redaction`]) unless
//!   `--reveal-secrets` is given.

mod output;
mod request;
mod session;
mod signal;

pub use output::{Printer, summary_line, text_line};
pub use request::{Prepared, apply_options, parse_header, parse_param, prepare, target_is_url};
pub use session::{Step, Tracker};

use std::path::{Path, PathBuf};

use clap::{ArgMatches, FromArgMatches as _};

/// Options of `wsprobe run`. These names are a contract (scripts depend on them).
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// A URL (anything containing ://; http(s):// is rewritten to ws(s)://), or else the name
    /// of a saved request in the workspace.
    pub target: String,
    /// Environment to use (by name) instead of the workspace's active one.
    #[arg(long)]
    pub env: Option<String>,
    /// Set a variable, overriding the environment (repeatable).
    #[arg(long = "var", value_name = "KEY=VALUE")]
    pub vars: Vec<String>,
    /// Add a header (repeatable).
    #[arg(short = 'H', long = "header", value_name = "'K: V'")]
    pub headers: Vec<String>,
    /// Add a query parameter (repeatable).
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// Basic auth.
    #[arg(long, value_name = "USER:PASS", conflicts_with = "bearer")]
    pub basic: Option<String>,
    /// Bearer token auth.
    #[arg(long, value_name = "TOKEN")]
    pub bearer: Option<String>,
    /// Offer a subprotocol (repeatable).
    #[arg(long = "subprotocol", value_name = "P")]
    pub subprotocols: Vec<String>,
    /// Text sent right after every connect.
    #[arg(long, value_name = "TEXT")]
    pub open_message: Option<String>,
    /// Send a text message after connecting (repeatable, in order with the other --send*).
    #[arg(long = "send", value_name = "TEXT")]
    pub send: Vec<String>,
    /// Send a binary message written in hex (repeatable).
    #[arg(long = "send-hex", value_name = "HEX")]
    pub send_hex: Vec<String>,
    /// Send a file's bytes as a binary message (repeatable).
    #[arg(long = "send-file", value_name = "PATH")]
    pub send_file: Vec<PathBuf>,
    /// The order of the --send* flags on the command line (see [`RunArgs::capture_send_order`]).
    #[arg(skip)]
    pub send_order: Option<Vec<SendFlag>>,
    /// End after N incoming messages (disconnect, exit 0; 0 = right after connecting and sending).
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// End after this many seconds (disconnect; exit 0 if connected then, else 1).
    #[arg(long, value_name = "SECS")]
    pub duration: Option<f64>,
    /// Limit for TCP connect + TLS + HTTP upgrade together (default 10000).
    #[arg(long, value_name = "MS")]
    pub handshake_timeout: Option<u64>,
    /// Largest incoming message or frame; 0 = unlimited (default 64 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_message_size: Option<u64>,
    /// Reconnect attempts after an abnormal end (default 0).
    #[arg(long, value_name = "N")]
    pub reconnect_attempts: Option<u32>,
    /// Wait before each reconnect attempt (default 5000).
    #[arg(long, value_name = "MS")]
    pub reconnect_interval: Option<u64>,
    /// Do not follow HTTP redirects.
    #[arg(long)]
    pub no_redirects: bool,
    /// Most redirects followed (default 5).
    #[arg(long, value_name = "N")]
    pub max_redirects: Option<u32>,
    /// Accept invalid TLS certificates.
    #[arg(long)]
    pub insecure: bool,
    /// Show credentials (Authorization, Cookie... headers, secret variables) instead of ***.
    #[arg(long)]
    pub reveal_secrets: bool,
    /// text (default), jsonl, or quiet.
    #[arg(long, value_enum, default_value_t = OutputMode::Text)]
    pub output: OutputMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputMode {
    Text,
    Jsonl,
    Quiet,
}

/// Which of the three `--send*` flags a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendFlag {
    Text,
    Hex,
    File,
}

/// One `--send*` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendSpec<'a> {
    Text(&'a str),
    Hex(&'a str),
    File(&'a Path),
}

impl RunArgs {
    /// Records the command-line order of `--send`, `--send-hex` and `--send-file` from the
    /// `run` subcommand's matches (clap's derive keeps one Vec per flag and loses it).
    pub fn capture_send_order(&mut self, matches: &ArgMatches) {
        let mut order: Vec<(usize, SendFlag)> = Vec::new();
        for (id, flag) in [
            ("send", SendFlag::Text),
            ("send_hex", SendFlag::Hex),
            ("send_file", SendFlag::File),
        ] {
            if let Some(indices) = matches.indices_of(id) {
                order.extend(indices.map(|i| (i, flag)));
            }
        }
        order.sort_by_key(|(i, _)| *i);
        self.send_order = Some(order.into_iter().map(|(_, flag)| flag).collect());
    }

    /// Every `--send*` value in command-line order (texts, hexes, files when the order was not
    /// captured).
    pub fn sends(&self) -> Vec<SendSpec<'_>> {
        let default_order: Vec<SendFlag>;
        let order = match &self.send_order {
            Some(order) => order,
            None => {
                default_order = std::iter::repeat_n(SendFlag::Text, self.send.len())
                    .chain(std::iter::repeat_n(SendFlag::Hex, self.send_hex.len()))
                    .chain(std::iter::repeat_n(SendFlag::File, self.send_file.len()))
                    .collect();
                &default_order
            }
        };
        let (mut texts, mut hexes, mut files) = (
            self.send.iter(),
            self.send_hex.iter(),
            self.send_file.iter(),
        );
        order
            .iter()
            .filter_map(|flag| match flag {
                SendFlag::Text => texts.next().map(|t| SendSpec::Text(t)),
                SendFlag::Hex => hexes.next().map(|h| SendSpec::Hex(h)),
                SendFlag::File => files.next().map(|f| SendSpec::File(f)),
            })
            .collect()
    }
}

/// Parses `run`'s arguments (without the program and `run` words), keeping the send order:
/// what `main` does, for tests and embedding.
pub fn parse_run_args<I, T>(argv: I) -> Result<RunArgs, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::Args as _;
    let command = RunArgs::augment_args(clap::Command::new("run").no_binary_name(true));
    let matches = command.try_get_matches_from(argv)?;
    let mut args = RunArgs::from_arg_matches(&matches)?;
    args.capture_send_order(&matches);
    Ok(args)
}

/// Runs `wsprobe run` and returns the process exit code: 0 ended as asked, 1 connection
/// failure or abnormal end, 2 bad usage or input (one line on stderr).
pub fn run(args: RunArgs, workspace: Option<PathBuf>) -> i32 {
    let prepared = match prepare(&args, workspace) {
        Ok(prepared) => prepared,
        Err(err) => {
            eprintln!("wsprobe: {}", error_line(&err));
            return 2;
        }
    };
    for warning in &prepared.warnings {
        eprintln!("wsprobe: warning: {warning}");
    }
    session::execute(prepared, &args)
}

/// An error and its causes on one line, `context: error: cause`.
pub fn error_line(err: &anyhow::Error) -> String {
    crate::format::error_chain(err.as_ref()).replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_order_follows_the_command_line() {
        let args = parse_run_args([
            "ws://h/",
            "--send-file",
            "f1",
            "--send",
            "a",
            "--send-hex",
            "00",
            "--send",
            "b",
            "--send-file",
            "f2",
        ])
        .unwrap();
        assert_eq!(
            args.sends(),
            vec![
                SendSpec::File(Path::new("f1")),
                SendSpec::Text("a"),
                SendSpec::Hex("00"),
                SendSpec::Text("b"),
                SendSpec::File(Path::new("f2")),
            ]
        );
        let mut unordered = args.clone();
        unordered.send_order = None;
        assert_eq!(unordered.sends()[0], SendSpec::Text("a"));
        assert!(parse_run_args(["ws://h/"]).unwrap().sends().is_empty());
    }

    #[test]
    fn contract_names_parse() {
        let args = parse_run_args([
            "name",
            "--env",
            "e",
            "--var",
            "a=b",
            "-H",
            "K: V",
            "--header",
            "L: W",
            "--param",
            "p=1",
            "--bearer",
            "t",
            "--subprotocol",
            "s",
            "--open-message",
            "o",
            "--count",
            "3",
            "--duration",
            "1.5",
            "--handshake-timeout",
            "100",
            "--max-message-size",
            "10",
            "--reconnect-attempts",
            "2",
            "--reconnect-interval",
            "5",
            "--no-redirects",
            "--max-redirects",
            "1",
            "--insecure",
            "--output",
            "jsonl",
        ])
        .unwrap();
        assert_eq!(args.headers, vec!["K: V", "L: W"]);
        assert_eq!(args.output, OutputMode::Jsonl);
        assert_eq!(args.duration, Some(1.5));
        assert!(parse_run_args(["x", "--basic", "u:p", "--bearer", "t"]).is_err());
        assert!(parse_run_args(["x", "--output", "yaml"]).is_err());
    }
}
