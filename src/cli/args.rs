//! `wsprobe run`'s command line: [`RunArgs`] (the flags, as clap reads them), the output
//! modes, and the order of the `--send*` flags as given.

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
    /// Send a ping after connecting, with an optional text payload of at most 125 bytes
    /// (repeatable, in order with the --send*).
    #[arg(long = "ping", value_name = "PAYLOAD", num_args = 0..=1, default_missing_value = "")]
    pub ping: Vec<String>,
    /// The order of the --send* and --ping flags on the command line (see
    /// [`RunArgs::capture_send_order`]).
    #[arg(skip)]
    pub send_order: Option<Vec<SendFlag>>,
    /// After the first round, send the --send* messages again every MS while connected.
    #[arg(long, value_name = "MS")]
    pub every: Option<u64>,
    /// Keep-alive: send a ping every MS while connected (default 0 = off).
    #[arg(long, value_name = "MS")]
    pub ping_interval: Option<u64>,
    /// End the connection (1006) when a ping of ours gets no pong within MS (default 5000;
    /// 0 = never).
    #[arg(long, value_name = "MS")]
    pub pong_timeout: Option<u64>,
    /// Do not answer the server's pings (to test its idle timeout).
    #[arg(long)]
    pub no_auto_pong: bool,
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
    /// Do not offer permessage-deflate (it is offered by default, as browsers do).
    #[arg(long)]
    pub no_deflate: bool,
    #[command(flatten)]
    pub tls: TlsArgs,
    /// Connect through this proxy: http://, socks5:// or socks5h://, with optional user:pass@
    /// (default: the workspace's proxy, else HTTPS_PROXY/HTTP_PROXY/ALL_PROXY).
    #[arg(long, value_name = "URL", conflicts_with = "no_proxy")]
    pub proxy: Option<String>,
    /// Connect directly, ignoring the workspace's proxy and the proxy environment variables.
    #[arg(long)]
    pub no_proxy: bool,
    /// Show credentials (Authorization, Cookie... headers, secret variables) instead of ***.
    #[arg(long)]
    pub reveal_secrets: bool,
    /// text (default), jsonl, or quiet.
    #[arg(long, value_enum, default_value_t = OutputMode::Text)]
    pub output: OutputMode,
    /// Socket.IO options (`cli/socketio.rs`).
    #[command(flatten)]
    pub sio: SocketIoArgs,
}

/// `wsprobe run`'s Socket.IO options. These names are a contract too.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Socket.IO")]
pub struct SocketIoArgs {
    /// Speak Socket.IO to the URL (http(s):// or ws(s)://) instead of plain WebSocket (a saved
    /// Socket.IO request needs no flag).
    #[arg(long)]
    pub socketio: bool,
    /// The namespace to connect to (default /, or the URL's path).
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    /// The CONNECT auth payload, a JSON object (variables allowed).
    #[arg(long, value_name = "JSON")]
    pub auth_json: Option<String>,
    /// Emit EVENT with the arguments ARGS_JSON (a JSON array) once the namespace is connected
    /// (repeatable, in order).
    #[arg(long, num_args = 2, value_names = ["EVENT", "ARGS_JSON"])]
    pub emit: Vec<String>,
    /// Every --emit asks for an acknowledgement and waits for it up to MS; none in time ends
    /// the run with exit code 1.
    #[arg(long, value_name = "MS")]
    pub ack_timeout: Option<u64>,
    /// The Engine.IO protocol: 4 (Socket.IO servers v3 and v4, the default) or 3 (v2 servers).
    #[arg(long, value_name = "3|4", value_parser = clap::value_parser!(u8).range(3..=4))]
    pub eio: Option<u8>,
    /// The Engine.IO path (default /socket.io/).
    #[arg(long, value_name = "P")]
    pub path: Option<String>,
    /// Also show the WebSocket frames under the Socket.IO packets (`0{...}`, `40`, `42[...]`,
    /// `2`, `3`).
    #[arg(long)]
    pub raw_frames: bool,
}

/// The TLS options of `wsprobe run` and `wsprobe test` (names are a contract, curl's).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TlsArgs {
    /// Client certificate (PEM; its chain may follow it) offered on wss:// (mutual TLS).
    #[arg(long, value_name = "FILE", conflicts_with = "pkcs12")]
    pub cert: Option<String>,
    /// The client certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1); default: in --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<String>,
    /// The passphrase of an encrypted PEM key (ENCRYPTED PRIVATE KEY); also replaces a saved
    /// request's.
    #[arg(
        long,
        value_name = "PASS",
        env = "WSPROBE_KEY_PASSWORD",
        hide_env_values = true
    )]
    pub key_password: Option<String>,
    /// Client certificate and key as a PKCS#12 file (.p12/.pfx).
    #[arg(long, value_name = "FILE")]
    pub pkcs12: Option<String>,
    /// The PKCS#12 file's passphrase (may be a <<variable>>); also replaces a saved
    /// request's.
    #[arg(
        long,
        value_name = "PASS",
        env = "WSPROBE_PKCS12_PASSWORD",
        hide_env_values = true
    )]
    pub pkcs12_password: Option<String>,
    /// A PEM file of extra trusted CA certificates for the server's certificate.
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<String>,
}

impl TlsArgs {
    /// Puts these options into a request's settings (over what it saved).
    pub fn apply(&self, settings: &mut crate::model::ConnectionSettings) {
        use crate::model::ClientCertSource;
        let cert = &mut settings.client_certificate;
        if let Some(path) = &self.cert {
            cert.source = ClientCertSource::Pem;
            cert.cert_path = path.clone();
            cert.key_path = self.key.clone().unwrap_or_default();
            cert.passphrase.clear();
        }
        if let Some(path) = &self.pkcs12 {
            cert.source = ClientCertSource::Pkcs12;
            cert.pkcs12_path = path.clone();
            cert.passphrase.clear();
        }
        // Each passphrase goes with its kind of file.
        let passphrase = match cert.source {
            ClientCertSource::Pem => &self.key_password,
            ClientCertSource::Pkcs12 => &self.pkcs12_password,
            ClientCertSource::None => &None,
        };
        if let Some(passphrase) = passphrase {
            cert.passphrase = passphrase.clone();
        }
        if let Some(path) = &self.cacert {
            settings.ca_cert_path = Some(path.clone());
        }
    }

    /// The same options as command-line words (for `wsprobe test`, which runs targets
    /// through `run`'s parser).
    pub fn to_argv(&self) -> Vec<String> {
        let mut argv = Vec::new();
        for (flag, value) in [
            ("--cert", &self.cert),
            ("--key", &self.key),
            ("--key-password", &self.key_password),
            ("--pkcs12", &self.pkcs12),
            ("--pkcs12-password", &self.pkcs12_password),
            ("--cacert", &self.cacert),
        ] {
            if let Some(value) = value {
                argv.extend([flag.to_owned(), value.clone()]);
            }
        }
        argv
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputMode {
    Text,
    Jsonl,
    Quiet,
}

/// Which of the `--send*` and `--ping` flags a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendFlag {
    Text,
    Hex,
    File,
    Ping,
}

/// One `--send*` or `--ping` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendSpec<'a> {
    Text(&'a str),
    Hex(&'a str),
    File(&'a Path),
    Ping(&'a str),
}

impl RunArgs {
    /// Records the command-line order of `--send`, `--send-hex`, `--send-file` and `--ping`
    /// from the `run` subcommand's matches (clap's derive keeps one Vec per flag and loses it).
    pub fn capture_send_order(&mut self, matches: &ArgMatches) {
        let mut order: Vec<(usize, SendFlag)> = Vec::new();
        for (id, flag) in [
            ("send", SendFlag::Text),
            ("send_hex", SendFlag::Hex),
            ("send_file", SendFlag::File),
            ("ping", SendFlag::Ping),
        ] {
            if let Some(indices) = matches.indices_of(id) {
                order.extend(indices.map(|i| (i, flag)));
            }
        }
        order.sort_by_key(|(i, _)| *i);
        self.send_order = Some(order.into_iter().map(|(_, flag)| flag).collect());
    }

    /// Every `--send*` and `--ping` value in command-line order (texts, hexes, files, pings
    /// when the order was not captured).
    pub fn sends(&self) -> Vec<SendSpec<'_>> {
        let default_order: Vec<SendFlag>;
        let order = match &self.send_order {
            Some(order) => order,
            None => {
                default_order = std::iter::repeat_n(SendFlag::Text, self.send.len())
                    .chain(std::iter::repeat_n(SendFlag::Hex, self.send_hex.len()))
                    .chain(std::iter::repeat_n(SendFlag::File, self.send_file.len()))
                    .chain(std::iter::repeat_n(SendFlag::Ping, self.ping.len()))
                    .collect();
                &default_order
            }
        };
        let (mut texts, mut hexes, mut files, mut pings) = (
            self.send.iter(),
            self.send_hex.iter(),
            self.send_file.iter(),
            self.ping.iter(),
        );
        order
            .iter()
            .filter_map(|flag| match flag {
                SendFlag::Text => texts.next().map(|t| SendSpec::Text(t)),
                SendFlag::Hex => hexes.next().map(|h| SendSpec::Hex(h)),
                SendFlag::File => files.next().map(|f| SendSpec::File(f)),
                SendFlag::Ping => pings.next().map(|p| SendSpec::Ping(p)),
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
