#!/usr/bin/env bash
# End-to-end tests: the real desktop binary in a real window under Xvfb, driven
# through tauri-driver and WebKitWebDriver. Screenshots go to target/e2e-screens/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v tauri-driver >/dev/null || cargo install tauri-driver --version '^2' --locked
# Always rebuilt: a dist/ left from an earlier run would test a stale UI.
(cd ui && npm run build)
# The UI is served from the binary (custom protocol), as in a release.
cargo build -p kopa-cli -p kopa-desktop --features kopa-desktop/custom-protocol
rm -rf target/e2e-screens
xvfb-run -a -s "-screen 0 1280x860x24" node --test --test-concurrency=1 tests/e2e/
