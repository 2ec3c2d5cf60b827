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
    Run(Box<wsprobe::cli::RunArgs>),
    /// A local demo server: /echo, /tick (deCONZ-like JSON events), /flood (as fast as possible).
    Serve(wsprobe::serve::ServeArgs),
    /// Add the WebSocket requests and environments of an Insomnia export (v4 JSON/YAML, v5 YAML)
    /// or a wsprobe export to the workspace. Nothing existing is replaced.
    ///
    /// Exit codes: 0 imported (the summary is printed); 1 the workspace could not be opened or
    /// saved; 2 the file is unreadable or not a supported export, with one line on stderr.
    Import {
        /// The export file to read.
        file: PathBuf,
    },
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
            ExitCode::from(wsprobe::cli::run(*args, cli.workspace) as u8)
        }
        Some(Command::Serve(args)) => ExitCode::from(wsprobe::serve::run(args) as u8),
        Some(Command::Import { file }) => import(&file, cli.workspace),
        None => match wsprobe::ui::run_app(cli.workspace) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("wsprobe: {err:#}");
                ExitCode::FAILURE
            }
        },
    }
}

fn import(file: &std::path::Path, workspace: Option<PathBuf>) -> ExitCode {
    use wsprobe::format::error_chain;
    use wsprobe::import::ImportError;
    let dir = match wsprobe::store::workspace_dir(workspace) {
        Ok(dir) => dir,
        Err(err) => {
            eprintln!("wsprobe: {}", error_chain(&err));
            return ExitCode::from(2);
        }
    };
    match wsprobe::import::import_into_folder(file, &dir) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(err @ ImportError::Workspace(_)) => {
            eprintln!("wsprobe: {err}");
            ExitCode::from(1)
        }
        Err(err) => {
            eprintln!(
                "wsprobe: cannot import {}: {}",
                file.display(),
                error_chain(&err)
            );
            ExitCode::from(2)
        }
    }
}
