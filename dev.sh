#!/usr/bin/env bash
# Kopā developer entry point. On a fresh Debian machine:
#   ./dev.sh app    install what is missing, build, and open Kopā (a demo branch when no data exists)
#   ./dev.sh test   install what is missing and run every check and test
set -euo pipefail
cd "$(dirname "$0")"

need_apt() {
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

core_packages() {
    # SQLCipher is compiled from source and links OpenSSL's libcrypto.
    need_apt build-essential pkg-config libssl-dev poppler-utils
}

desktop_packages() {
    need_apt libwebkit2gtk-4.1-dev libsoup-3.0-dev librsvg2-dev libayatana-appindicator3-dev \
        xvfb webkit2gtk-driver imagemagick fonts-dejavu-core
    command -v npm >/dev/null || need_apt nodejs npm
}

# The UI: dependencies exactly as the lock file records them (it lists every
# platform's optional packages, rollup's and esbuild's, so `npm ci` works anywhere and
# never rewrites it), a type check, and the bundle the app embeds.
build_ui() {
    (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
}

# Each fuzzer for a bounded time (FUZZ_SECONDS, default 30) from the committed
# corpus, on the stable toolchain (RUSTC_BOOTSTRAP lets cargo-fuzz pass its flags).
# New corpus entries go to a scratch folder; a crash fails the run, and its input
# (fuzz/artifacts/) is to be copied to fuzz/regressions/<target>/, which
# `cargo test -p kopa-fuzz` replays from then on.
fuzz() {
    command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version '^0.13' --locked
    # The fuzz workspace has its own lock; a stale one would be rewritten in a clean
    # checkout, so it fails here instead, saying what to do.
    if ! cargo metadata --locked --format-version 1 --manifest-path fuzz/Cargo.toml >/dev/null; then
        echo "fuzz/Cargo.lock is out of date: run 'cargo update --workspace --manifest-path fuzz/Cargo.toml' and commit it" >&2
        exit 1
    fi
    local scratch
    scratch="$(mktemp -d)"
    for t in sync_file hub_message import_list; do
        mkdir -p "$scratch/$t"
        if ! (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -s none "$t" "$scratch/$t" "corpus/$t" -- \
            -max_total_time="${FUZZ_SECONDS:-30}" -seed=2026 -rss_limit_mb=2048 \
            -print_final_stats=1 >"$scratch/$t.log" 2>&1); then
            tail -40 "$scratch/$t.log" >&2
            echo "fuzzer $t failed; the input is in fuzz/artifacts/$t" >&2
            exit 1
        fi
        grep -E "stat::number_of_executed_units|^Done [0-9]+ runs" "$scratch/$t.log" | sed "s/^/fuzz $t: /" || true
    done
    rm -rf "$scratch"
    # On CI the instrumented build (1.6 GB) is not needed again.
    if [ -n "${CI:-}" ]; then rm -rf fuzz/target; fi
}

case "${1:-}" in
    app)
        core_packages
        desktop_packages
        build_ui
        # With no data yet, the app opens a generated demo branch.
        KOPA_OPEN_DEMO=1 cargo run -p kopa-desktop --features custom-protocol
        ;;
    test)
        core_packages
        desktop_packages
        build_ui
        cargo fmt --all -- --check
        cargo clippy --workspace --all-targets -- -D warnings
        cargo test --workspace
        fuzz
        .ci/e2e.sh
        ;;
    fuzz)
        core_packages
        fuzz
        ;;
    *)
        echo "usage: ./dev.sh app | ./dev.sh test | ./dev.sh fuzz" >&2
        exit 2
        ;;
esac
