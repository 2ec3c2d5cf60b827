//! The command line: its definition ([`Cli`], every subcommand and flag), the man pages and
//! completions generated from it ([`docs`]), and `wsprobe run`: resolve a request, connect
//! with the engine, print events.
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
//! - `--send`, `--send-hex`, `--send-file` and `--ping [PAYLOAD]` are sent once, after the
//!   first successful connect (after the engine's open message), in the order given on the
//!   command line across the four flags. Not again after a reconnect, unless `--every MS`:
//!   then the `--send*` messages (not the pings) go again every MS while connected, their
//!   variables expanded afresh each round (the clock starts over one interval after a
//!   reconnect). A ping payload over 125 bytes, or `--every` under 10 ms or with nothing to
//!   repeat, is bad input.
//! - `--ping-interval MS`, `--pong-timeout MS`, `--no-auto-pong` set the request's keep-alive
//!   (see `engine::keepalive`); a pong timeout ends the connection as 1006 (exit 1 once
//!   reconnects are exhausted).
//! - The run ends: after `--count N` incoming messages (disconnect, exit 0; later messages are
//!   not printed); when `--duration` ends (disconnect; 0, or 1 if not connected then); when the
//!   server closes with 1000 (0); on Ctrl+C/SIGTERM (disconnect, 0; a second Ctrl+C exits
//!   at once with 130). Without any of these it keeps running (like websocat), also with only
//!   `--send`. A failed connection or an abnormal end once reconnects are exhausted exits 1;
//!   bad input exits 2 before connecting. Either way, with one line on stderr.
//! - Socket.IO (`socketio.rs`): `--socketio` or a saved Socket.IO request; the `--send*`
//!   and `--emit`s go once the namespace is connected; `--count` counts received Socket.IO
//!   events; raw frames are printed only with `--raw-frames`; a CONNECT_ERROR or a missing
//!   ack (`--ack-timeout`) is exit 1; the run waits for outstanding acks before a
//!   `--count` stop.
//! - Output goes to stdout, warnings and errors to stderr. See [`crate::schema`] for the jsonl
//!   schema and [`output::text_line`] for text mode (no headers shown; a password in a URL is
//!   masked). In both, the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie
//!   headers and of secret variables are shown as `***` ([`crate::schema::Redaction`]) unless
//!   `--reveal-secrets` is given.

mod args;
mod definition;
pub mod docs;
mod output;
mod repeat;
mod request;
mod session;
mod signal;
mod socketio;
mod suite;

pub use args::{OutputMode, RunArgs, SendFlag, SendSpec, TlsArgs, parse_run_args};
pub use definition::{Cli, Command};
pub use output::{Printer, error_line, summary_line, text_line};
pub use request::{Prepared, apply_options, parse_header, parse_param, prepare, target_is_url};
pub use session::{Step, Tracker};
pub use suite::{Reporter, TestArgs, run as run_tests};

use std::path::PathBuf;

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
            "--ping",
            "--send",
            "c",
            "--ping",
            "p",
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
                SendSpec::Ping(""),
                SendSpec::Text("c"),
                SendSpec::Ping("p"),
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
            "--ping-interval",
            "1000",
            "--pong-timeout",
            "500",
            "--no-auto-pong",
            "--every",
            "250",
        ])
        .unwrap();
        assert_eq!(args.headers, vec!["K: V", "L: W"]);
        assert_eq!(
            (args.ping_interval, args.pong_timeout, args.every),
            (Some(1000), Some(500), Some(250))
        );
        assert!(args.no_auto_pong);
        assert_eq!(args.output, OutputMode::Jsonl);
        assert_eq!(args.duration, Some(1.5));
        assert!(parse_run_args(["x", "--basic", "u:p", "--bearer", "t"]).is_err());
        assert!(parse_run_args(["x", "--output", "yaml"]).is_err());
    }

    #[test]
    fn tls_contract_names_parse_and_apply() {
        use crate::model::{ClientCertSource, ConnectionSettings};
        let args = parse_run_args([
            "x", "--cert", "c.pem", "--key", "k.pem", "--cacert", "ca.pem",
        ])
        .unwrap();
        let mut settings = ConnectionSettings::default();
        args.tls.apply(&mut settings);
        let cert = &settings.client_certificate;
        assert_eq!(cert.source, ClientCertSource::Pem);
        assert_eq!(
            (cert.cert_path.as_str(), cert.key_path.as_str()),
            ("c.pem", "k.pem")
        );
        assert_eq!(settings.ca_cert_path.as_deref(), Some("ca.pem"));
        let args = parse_run_args(["x", "--pkcs12", "a.p12", "--pkcs12-password", "pw"]).unwrap();
        args.tls.apply(&mut settings);
        let cert = &settings.client_certificate;
        assert_eq!(cert.source, ClientCertSource::Pkcs12);
        assert_eq!(
            (cert.pkcs12_path.as_str(), cert.passphrase.as_str()),
            ("a.p12", "pw")
        );
        assert_eq!(
            args.tls.to_argv(),
            ["--pkcs12", "a.p12", "--pkcs12-password", "pw"]
        );
        assert!(parse_run_args(["x", "--cert", "c", "--pkcs12", "p"]).is_err());
        assert!(parse_run_args(["x", "--key", "k"]).is_err());
        let args = parse_run_args(["x", "--cert", "c", "--key-password", "kp"]).unwrap();
        args.tls.apply(&mut settings);
        assert_eq!(settings.client_certificate.passphrase, "kp");
        assert_eq!(args.tls.to_argv(), ["--cert", "c", "--key-password", "kp"]);
    }
}
