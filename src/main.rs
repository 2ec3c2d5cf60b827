use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _};
use wsprobe::cli::{Cli, Command, docs};

fn main() -> ExitCode {
    let matches = Cli::command()
        .subcommand(docs::man_subcommand())
        .get_matches();
    if let Some((docs::MAN_SUBCOMMAND, man_matches)) = matches.subcommand() {
        return ExitCode::from(docs::run_man_subcommand(man_matches) as u8);
    }
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    match cli.command {
        Some(Command::Run(mut args)) => {
            // The derive API keeps one list per --send* flag; the order across them matters.
            if let Some(("run", run_matches)) = matches.subcommand() {
                args.capture_send_order(run_matches);
            }
            ExitCode::from(wsprobe::cli::run(*args, cli.workspace) as u8)
        }
        Some(Command::Test(args)) => {
            ExitCode::from(wsprobe::cli::run_tests(*args, cli.workspace) as u8)
        }
        Some(Command::Serve(args)) => ExitCode::from(wsprobe::serve::run(args) as u8),
        Some(Command::Import { file, on_conflict }) => import(&file, &on_conflict, cli.workspace),
        Some(Command::Completions { shell }) => {
            use std::io::Write as _;
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = std::io::stdout().write_all(docs::completions(shell).as_bytes());
            ExitCode::SUCCESS
        }
        None => match wsprobe::ui::run_app(cli.workspace) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("wsprobe: {err:#}");
                ExitCode::FAILURE
            }
        },
    }
}
fn import(file: &std::path::Path, on_conflict: &str, workspace: Option<PathBuf>) -> ExitCode {
    use wsprobe::format::error_chain;
    use wsprobe::import::{ImportError, OnConflict};
    // clap allows only these words.
    let on_conflict = OnConflict::parse(on_conflict).unwrap_or_default();
    let dir = match wsprobe::store::workspace_dir(workspace) {
        Ok(dir) => dir,
        Err(err) => {
            eprintln!("wsprobe: {}", error_chain(&err));
            return ExitCode::from(2);
        }
    };
    match wsprobe::import::import_into_folder(file, &dir, on_conflict) {
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
