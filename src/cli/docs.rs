//! Man pages and shell completions, generated from the clap definition ([`super::Cli`]).
//!
//! The contract:
//! - [`man_pages`] gives one roff page per visible command: `wsprobe.1`, then
//!   `wsprobe-run.1`, `wsprobe-serve.1`, … (one per subcommand, recursively), each listing
//!   the command's flags and, for `wsprobe.1`, its subcommands.
//! - [`completions`] gives the completion script for a shell, completing every visible
//!   subcommand and flag.
//! - `wsprobe completions SHELL` prints [`completions`]; the hidden `wsprobe man --dir DIR`
//!   ([`man_subcommand`], kept out of the pages and completions) writes [`man_pages`] for
//!   `scripts/package-deb.sh`. The tests check the same functions, so the package, the binary
//!   and the tests cannot disagree.

use std::io;
use std::path::{Path, PathBuf};

use clap::CommandFactory as _;

use super::Cli;

/// The name of the hidden subcommand that writes the man pages.
pub const MAN_SUBCOMMAND: &str = "man";

/// One generated man page.
#[derive(Debug, Clone)]
pub struct ManPage {
    /// The file name, e.g. `wsprobe-run.1`.
    pub file_name: String,
    /// The page, in roff.
    pub roff: Vec<u8>,
}

/// The command tree as clap completes it: `wsprobe` with every subcommand and flag, and the
/// generated `--help`/`--version` flags and `help` subcommand.
pub fn command() -> clap::Command {
    let mut command = Cli::command();
    command.build();
    command
}

/// A man page for `wsprobe` and for each visible subcommand, parents first.
pub fn man_pages() -> Vec<ManPage> {
    fn collect(command: &clap::Command, pages: &mut Vec<ManPage>) {
        let man = clap_mangen::Man::new(command.clone());
        let mut roff = Vec::new();
        man.render(&mut roff)
            .expect("rendering into memory cannot fail");
        pages.push(ManPage {
            file_name: man.get_filename(),
            roff,
        });
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            collect(sub, pages);
        }
    }
    // A page for `help` would only repeat `wsprobe.1`.
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    collect(&command, &mut pages);
    pages
}

/// Writes [`man_pages`] into `dir` (created if missing); returns the files written.
pub fn write_man_pages(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    man_pages()
        .into_iter()
        .map(|page| {
            let path = dir.join(&page.file_name);
            std::fs::write(&path, &page.roff)?;
            Ok(path)
        })
        .collect()
}

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "wsprobe", &mut script);
    String::from_utf8_lossy(&script).into_owned()
}

/// The hidden `man --dir DIR` subcommand, to add to [`Cli`]'s command in `main`. It is not
/// part of [`Cli`] itself, so the pages and completions do not mention it.
pub fn man_subcommand() -> clap::Command {
    clap::Command::new(MAN_SUBCOMMAND)
        .hide(true)
        .about("Write the man pages (wsprobe.1, wsprobe-run.1, …) into DIR")
        .arg(
            clap::Arg::new("dir")
                .long("dir")
                .value_name("DIR")
                .required(true)
                .value_parser(clap::value_parser!(PathBuf)),
        )
}

/// Runs `wsprobe man --dir DIR`: writes the pages, prints their paths; exit code 0, or 1 if a
/// file could not be written (with one line on stderr).
pub fn run_man_subcommand(matches: &clap::ArgMatches) -> i32 {
    let Some(dir) = matches.get_one::<PathBuf>("dir") else {
        return 2;
    };
    match write_man_pages(dir) {
        Ok(paths) => {
            for path in paths {
                println!("{}", path.display());
            }
            0
        }
        Err(err) => {
            eprintln!(
                "wsprobe: cannot write man pages to {}: {err}",
                dir.display()
            );
            1
        }
    }
}
