#!/usr/bin/env bash
# Builds the previous release's kopa-hub package from this repository's history, for
# .ci/packages.sh to upgrade from: 0.1.0 as it was before personal unlock (commit
# 255ad38: one passphrase per replica, no keyring). Prints the folder holding the
# package, or nothing when the history is not there (a shallow clone).
# Usage: previous-release.sh OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
previous=255ad38
out="$(realpath -m "${1:?the folder for the previous package}")"
if ! git rev-parse --verify -q "$previous^{commit}" >/dev/null; then
    echo "previous-release: commit $previous is not in this clone's history; no upgrade test" >&2
    exit 0
fi
src="$(mktemp -d)/kopa-$previous"
git worktree add -q --detach "$src" "$previous"
trap 'git worktree remove --force "$src"' EXIT
# Its own sources in this build's target folder, so the dependencies already built
# are reused (a folder of its own rebuilt them all: 12 minutes instead of 2). It
# writes target/debug/kopa, so this runs before the current build puts its own back.
CARGO_TARGET_DIR="$PWD/target" cargo build -q --locked -p kopa-cli \
    --manifest-path "$src/Cargo.toml" >&2
mkdir -p target/previous-release
cp target/debug/kopa target/previous-release/kopa
rm -f target/debug/kopa
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$src/Cargo.toml" | head -1)"
KOPA_DEB_VERSION="$version" packaging/kopa-hub/build-deb.sh target/previous-release/kopa "$out" >&2
echo "$out"
