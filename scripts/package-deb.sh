#!/usr/bin/env bash
# Builds the Debian package: target/debian/wsprobe_<version>-1_<arch>.deb (under
# $CARGO_TARGET_DIR when that is set). Install it with `sudo apt install ./target/debian/wsprobe_*.deb`.
#
# Steps: install cargo-deb if it is missing; build the release binary; let that binary write
# its man pages (gzipped) and shell completions into <target>/release/deb-docs; then
# `cargo deb --no-build` packs them with the assets listed in Cargo.toml's
# [package.metadata.deb]. Not part of .ci/run: a release build from scratch takes ~17 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo deb --version >/dev/null 2>&1; then
    echo "package-deb: installing cargo-deb (cargo install cargo-deb --locked)" >&2
    cargo install cargo-deb --locked
fi

cargo build --release --locked

target_dir=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release/wsprobe"
docs="$target_dir/release/deb-docs"
rm -rf "$docs"
mkdir -p "$docs/man" "$docs/completions"

"$bin" man --dir "$docs/man" >/dev/null
# -n: no name or time stamp in the gzip header, so the same pages give the same bytes.
gzip -9n "$docs"/man/*.1
"$bin" completions bash >"$docs/completions/wsprobe.bash"
"$bin" completions zsh >"$docs/completions/_wsprobe"
"$bin" completions fish >"$docs/completions/wsprobe.fish"

cargo deb --no-build
