use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _, Parser, Subcommand};

/// wsprobe: a native desktop WebSocket request tester. With no command, opens the window.
#[derive(Debug, Parser)]
#[command(name = "wsprobe", version, about)]
struct Cli {
    /// The workspace folder (default: the OS data folder for wsprobe).
    #[arg(long, global = true, env = "WSPROBE_WORKSPACE", value_name = "DIR")]
    workspace: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Connect headless, send messages, print events (for scripts and CI).
    ///
    /// Exit codes: 0 the run ended as asked (--count or --duration reached, the server closed
    /// with 1000, Ctrl+C); 1 connection failure or abnormal end (after reconnects); 2 bad usage
    /// or input, with one line on stderr. Without --count/--duration it runs until the server
    /// closes or Ctrl+C.
    Run(wsprobe::cli::RunArgs),
    /// A local demo server: /echo, /tick (deCONZ-like JSON events), /flood (as fast as possible).
    Serve(wsprobe::serve::ServeArgs),
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    match cli.command {
        Some(Command::Run(mut args)) => {
            // The derive API keeps one list per --send* flag; the order across them matters.
            if let Some(("run", run_matches)) = matches.subcommand() {
                args.capture_send_order(run_matches);
            }
            ExitCode::from(wsprobe::cli::run(args, cli.workspace) as u8)
        }
        Some(Command::Serve(args)) => ExitCode::from(wsprobe::serve::run(args) as u8),
        None => match wsprobe::ui::run_app(cli.workspace) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("wsprobe: {err:#}");
                ExitCode::FAILURE
            }
        },
    }
}
