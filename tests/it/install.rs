//! Installing wsprobe like a desktop app (issue 19): the man pages and shell completions are
//! generated from the clap tree and must cover all of it, the binary prints them and its
//! version, the launcher entry is valid and matches the window, the icons have their sizes,
//! and Help → About shows the version line.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use clap_complete::Shell;
use support::gui::harness;
use wsprobe::cli::docs;

/// Every visible command of the tree, with its path ("wsprobe", "wsprobe run", …); clap's
/// `help` subcommand (which only repeats the others) left out.
fn commands() -> Vec<(String, clap::Command)> {
    fn walk(prefix: &str, command: &clap::Command, out: &mut Vec<(String, clap::Command)>) {
        let path = if prefix.is_empty() {
            command.get_name().to_owned()
        } else {
            format!("{prefix} {}", command.get_name())
        };
        out.push((path.clone(), command.clone()));
        for sub in visible_subcommands(command) {
            walk(&path, sub, out);
        }
    }
    let mut out = Vec::new();
    walk("", &docs::command(), &mut out);
    out
}

fn visible_subcommands(command: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help")
}

/// The long flags of `command` a user can type (hidden ones left out), clap's own --help and
/// --version included.
fn long_flags(command: &clap::Command) -> Vec<String> {
    command
        .get_arguments()
        .filter(|arg| !arg.is_hide_set())
        .filter_map(|arg| arg.get_long())
        .map(str::to_owned)
        .collect()
}

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wsprobe"));
    command.env("WSPROBE_WORKSPACE", "/nonexistent/wsprobe-test-workspace");
    command
}

fn manifest_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

#[test]
fn the_tree_has_the_subcommands_the_docs_are_checked_against() {
    let names: Vec<String> = commands().into_iter().map(|(path, _)| path).collect();
    for expected in [
        "wsprobe",
        "wsprobe run",
        "wsprobe serve",
        "wsprobe import",
        "wsprobe completions",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    assert!(
        !names.iter().any(|n| n.ends_with(docs::MAN_SUBCOMMAND)),
        "the man writer stays out of the documented tree: {names:?}"
    );
    assert!(long_flags(&docs::command()).contains(&"workspace".to_owned()));
}

#[test]
fn man_pages_cover_every_command_and_long_flag() {
    let pages = docs::man_pages();
    let page_of = |name: &str| {
        let page = pages
            .iter()
            .find(|p| p.file_name == name)
            .unwrap_or_else(|| panic!("a man page {name} among {:?}", file_names(&pages)));
        String::from_utf8(page.roff.clone()).expect("roff is UTF-8")
    };
    let top = page_of("wsprobe.1");
    assert!(
        top.starts_with(".ie") || top.starts_with(".TH"),
        "roff: {top:.80}"
    );
    assert!(top.contains(".TH wsprobe 1"), "{top:.200}");
    for (path, command) in commands() {
        let name = format!("{}.1", path.replace(' ', "-"));
        let page = page_of(&name);
        assert!(page.len() > 200, "{name} is not empty: {page}");
        for flag in long_flags(&command) {
            // roff writes "-" as "\-".
            let written = format!("\\-\\-{}", flag.replace('-', "\\-"));
            assert!(page.contains(&written), "{name} documents --{flag}");
        }
        for sub in visible_subcommands(&command) {
            let listed = format!("{}\\-{}(1)", path.replace(' ', "\\-"), sub.get_name());
            assert!(page.contains(&listed), "{name} lists {listed}");
        }
    }
    assert_eq!(
        pages.len(),
        commands()
            .iter()
            .filter(|(_, c)| c.get_name() != "help")
            .count(),
        "one page per command: {:?}",
        file_names(&pages)
    );
}

fn file_names(pages: &[docs::ManPage]) -> Vec<&str> {
    pages.iter().map(|p| p.file_name.as_str()).collect()
}

#[test]
fn completions_cover_every_subcommand_and_long_flag() {
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let script = docs::completions(shell);
        assert!(script.len() > 500, "{shell} script is not empty: {script}");
        for (path, command) in commands() {
            if path != "wsprobe" {
                assert!(
                    script.contains(command.get_name()),
                    "{shell} completes the subcommand {path}"
                );
            }
            for flag in long_flags(&command) {
                // fish spells a long flag `-l name`; bash and zsh as `--name`.
                let written = match shell {
                    Shell::Fish => format!("-l {flag}"),
                    _ => format!("--{flag}"),
                };
                assert!(
                    script.contains(&written),
                    "{shell} completes {path} --{flag}"
                );
            }
        }
        assert!(
            !script.contains("--dir"),
            "{shell} does not offer the hidden man writer"
        );
    }
}

#[test]
fn completions_subcommand_prints_the_script() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef wsprobe"),
        ("fish", "complete -c wsprobe"),
    ] {
        let out = binary()
            .args(["completions", shell])
            .output()
            .expect("wsprobe runs");
        assert!(out.status.success(), "exit: {out:?}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(stdout.contains(marker), "{shell}: {stdout:.300}");
        let shell_value: Shell = shell.parse().unwrap();
        assert_eq!(stdout, docs::completions(shell_value), "{shell}");
    }
    let out = binary().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "an unknown shell is bad usage");
}

#[test]
fn man_subcommand_writes_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("man");
    let out = binary()
        .args(["man", "--dir"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    for page in docs::man_pages() {
        let written = std::fs::read(out_dir.join(&page.file_name)).unwrap();
        assert_eq!(written, page.roff, "{}", page.file_name);
    }
    let help = binary().arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("completions"), "{help}");
    assert!(!help.contains("  man "), "the man writer is hidden: {help}");
}

#[test]
fn version_names_the_package_version_and_the_commit_when_known() {
    let out = binary().arg("--version").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("wsprobe {} ", env!("CARGO_PKG_VERSION")))
            || first == format!("wsprobe {}", env!("CARGO_PKG_VERSION")),
        "{first}"
    );
    assert_eq!(first, wsprobe::build_info::version_line());
    // Built from a git checkout with git on PATH: the commit is HEAD's.
    let head = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if let Ok(head) = head
        && head.status.success()
        && manifest_path(".git").exists()
    {
        let head = String::from_utf8(head.stdout).unwrap();
        assert_eq!(
            first,
            format!("wsprobe {} ({})", env!("CARGO_PKG_VERSION"), head.trim())
        );
        assert_eq!(wsprobe::build_info::commit(), Some(head.trim()));
    }
}

/// The `.desktop` entry's `key=value` lines.
fn desktop_entry() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(manifest_path("assets/wsprobe.desktop")).unwrap();
    text.lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn desktop_entry_passes_desktop_file_validate() {
    let path = manifest_path("assets/wsprobe.desktop");
    let out = match Command::new("desktop-file-validate").arg(&path).output() {
        Ok(out) => out,
        Err(err) => panic!(
            "desktop-file-validate is needed to check {} ({err}): \
             apt-get install desktop-file-utils (.ci/run installs it)",
            path.display()
        ),
    };
    let report =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "desktop-file-validate: {report}");
    assert!(
        !report.contains("error:") && !report.contains("warning:"),
        "{report}"
    );
}

#[test]
fn desktop_entry_matches_the_window_and_the_icons() {
    let entry = desktop_entry();
    let value = |key: &str| {
        entry
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("{key} in the .desktop entry"))
    };
    // Launchers group the window with its entry by WM_CLASS (X11) / app id (Wayland).
    assert_eq!(value("StartupWMClass"), wsprobe::ui::APP_ID);
    assert_eq!(value("Icon"), wsprobe::ui::APP_ID);
    assert_eq!(value("Exec"), "wsprobe");
    assert_eq!(value("Categories"), "Development;Network;");
    assert_eq!(value("Terminal"), "false");
    assert_eq!(value("Type"), "Application");
    for key in ["Name", "Comment", "GenericName", "Keywords"] {
        assert!(!value(key).is_empty(), "{key}");
    }
}

/// The (width, height) in a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn icons_come_in_the_theme_sizes_the_package_installs() {
    for size in [48, 128, 256] {
        let path = manifest_path(&format!(
            "assets/icons/hicolor/{size}x{size}/apps/{}.png",
            wsprobe::ui::APP_ID
        ));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(png_size(&bytes), (size, size), "{}", path.display());
    }
    let svg = std::fs::read_to_string(manifest_path(
        "assets/icons/hicolor/scalable/apps/wsprobe.svg",
    ))
    .unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("viewBox"), "{svg}");
}

#[test]
fn package_assets_from_the_repository_exist() {
    // The [package.metadata.deb] assets that are not generated into target/ by the script.
    let manifest = std::fs::read_to_string(manifest_path("Cargo.toml")).unwrap();
    let deb = manifest
        .split("[package.metadata.deb]")
        .nth(1)
        .expect("a [package.metadata.deb] table");
    let sources: Vec<&str> = deb
        .lines()
        .filter_map(|line| line.trim().strip_prefix("[\""))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(sources.len() >= 10, "{sources:?}");
    for source in sources.iter().filter(|s| !s.starts_with("target/")) {
        assert!(manifest_path(source).is_file(), "{source} exists");
    }
    for needed in [
        "target/release/wsprobe",
        "assets/wsprobe.desktop",
        "target/release/deb-docs/man/*.1.gz",
    ] {
        assert!(sources.contains(&needed), "{needed} is packaged");
    }
}

#[test]
fn help_about_shows_the_version_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(wsprobe::ui::App::new(dir.path()).unwrap());
    h.run();
    use egui_kittest::kittest::Queryable as _;
    h.get_by_label("Help").click();
    h.run();
    h.get_by_label("About wsprobe").click();
    h.run();
    let line = wsprobe::build_info::version_line();
    assert!(h.query_by_label(&line).is_some(), "About shows {line}");
}
