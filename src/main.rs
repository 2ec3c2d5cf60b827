use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    Run(wsprobe::cli::RunArgs),
    /// A local demo server: /echo, /tick (deCONZ-like JSON events), /flood (as fast as possible).
    Serve(wsprobe::serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Run(args)) => ExitCode::from(wsprobe::cli::run(args, cli.workspace) as u8),
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
