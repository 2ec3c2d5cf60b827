//! The command line's definition: every subcommand and flag of `wsprobe`, in one tree.
//!
//! The binary parses it, and the man pages and shell completions ([`super::docs`]) are
//! generated from it, so what they document cannot drift from what the binary accepts.
//! Names here are a contract for scripts: add, never rename.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// wsprobe: a native desktop WebSocket request tester. With no command, opens the window.
#[derive(Debug, Parser)]
#[command(name = "wsprobe", version = crate::build_info::VERSION, about)]
pub struct Cli {
    /// The workspace folder (default: the OS data folder for wsprobe).
    #[arg(long, global = true, env = "WSPROBE_WORKSPACE", value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Connect headless, send messages, print events (for scripts and CI).
    ///
    /// Exit codes: 0 the run ended as asked (--count or --duration reached, the server closed
    /// with 1000, Ctrl+C); 1 connection failure or abnormal end (after reconnects); 2 bad usage
    /// or input, with one line on stderr. Without --count/--duration it runs until the server
    /// closes or Ctrl+C.
    Run(Box<super::RunArgs>),
    /// Run requests with their scripts and report the tests (for CI).
    ///
    /// Each TARGET is a saved request's name or a URL (a URL needs --script). Exit codes: 0
    /// every test passed and at least one ran; 1 a test failed, a script threw, or a
    /// connection failed; 2 bad input (unknown request, unreadable script, a syntax error in a
    /// script), nothing sent.
    Test(Box<super::TestArgs>),
    /// A local demo server: /echo, /tick (deCONZ-like JSON events), /flood (as fast as possible).
    Serve(crate::serve::ServeArgs),
    /// Add the WebSocket requests, folders and environments of an Insomnia export (v4
    /// JSON/YAML, v5 YAML) or a wsprobe export to the workspace. Items already there (the
    /// same file imported before, recognised by their ids) are skipped unless --on-conflict
    /// says otherwise.
    ///
    /// Exit codes: 0 imported (the summary is printed); 1 the workspace could not be opened or
    /// saved; 2 the file is unreadable or not a supported export, with one line on stderr.
    Import {
        /// The export file to read.
        file: PathBuf,
        /// What to do with requests, folders and environments already in the workspace: skip
        /// them (keep yours), replace them with the imported ones, or keep both (the imported
        /// ones are added with new ids).
        #[arg(long, value_name = "MODE", default_value = "skip", value_parser = ["skip", "replace", "keep"])]
        on_conflict: String,
    },
    /// Print a shell completion script to stdout.
    ///
    /// For example: `wsprobe completions bash > ~/.local/share/bash-completion/completions/wsprobe`,
    /// `wsprobe completions zsh > ~/.zfunc/_wsprobe` (with ~/.zfunc in fpath), or
    /// `wsprobe completions fish > ~/.config/fish/completions/wsprobe.fish`. The Debian package
    /// installs all three.
    Completions {
        /// The shell to complete for.
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
}
