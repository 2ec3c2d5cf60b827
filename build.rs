//! Records the commit the binary is built from, for `wsprobe --version` and Help → About.
//!
//! Sets `WSPROBE_COMMIT` (the short hash, or empty when unknown) and `WSPROBE_VERSION`
//! ("0.1.0 (abc1234)", or "0.1.0" when unknown). A build without git, or from a crate
//! tarball (no `.git` beside Cargo.toml), shows no commit and does not fail.
//!
//! It reruns only when HEAD or the branch it points to moves (not on every source edit), so
//! it never forces a rebuild by itself.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit = if manifest_dir.join(".git").exists() {
        watch_git_head(&manifest_dir);
        git(&manifest_dir, &["rev-parse", "--short", "HEAD"]).unwrap_or_default()
    } else {
        String::new()
    };
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let version = if commit.is_empty() {
        version
    } else {
        format!("{version} ({commit})")
    };
    println!("cargo:rustc-env=WSPROBE_COMMIT={commit}");
    println!("cargo:rustc-env=WSPROBE_VERSION={version}");
}

/// `git ARGS` in `dir`: its trimmed stdout, or None if git is missing or fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (output.status.success() && !text.is_empty()).then(|| text.to_owned())
}

/// Asks cargo to rerun this script when HEAD moves: the worktree's `HEAD` file, and the loose
/// ref it points to (or `packed-refs` while that ref is packed). Paths that do not exist are
/// never given to cargo, since a missing path would make it rerun on every build.
fn watch_git_head(dir: &Path) {
    let Some(git_dir) = git(dir, &["rev-parse", "--absolute-git-dir"]).map(PathBuf::from) else {
        return;
    };
    watch(&git_dir.join("HEAD"));
    // Branch refs live in the common dir, which differs from the git dir in a worktree.
    let common_dir = git(
        dir,
        &["rev-parse", "--path-format=absolute", "--git-common-dir"],
    )
    .map_or_else(|| git_dir.clone(), PathBuf::from);
    if let Some(reference) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        let loose = common_dir.join(&reference);
        if loose.exists() {
            watch(&loose);
        } else {
            // Packed: a new commit writes the loose file into this folder.
            watch(&common_dir.join("packed-refs"));
            if let Some(folder) = loose.parent() {
                watch(folder);
            }
        }
    }
}

fn watch(path: &Path) {
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
