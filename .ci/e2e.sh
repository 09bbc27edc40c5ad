#!/usr/bin/env bash
# End-to-end tests: the real desktop binary in a real window under Xvfb, driven
# through tauri-driver and WebKitWebDriver. Screenshots go to target/e2e-screens/.
#
# The two Debian packages are built first (the desktop app's by the Tauri bundler,
# kopa-hub's by packaging/kopa-hub/build-deb.sh). On CI (CI set, as root) they are
# installed on this machine, checked (.ci/packages.sh), and the suite runs against the
# installed /usr/bin/kopa-desktop and /usr/bin/kopa; elsewhere against target/debug.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v tauri-driver >/dev/null || cargo install tauri-driver --version '^2' --locked
# The previous release's kopa-hub package, to upgrade from (CI only; built first: it
# shares target/debug with this build).
if [ -n "${CI:-}" ] && [ "$(id -u)" -eq 0 ]; then
    KOPA_PREVIOUS_DEBS="$(.ci/previous-release.sh target/previous-debs)"
    export KOPA_PREVIOUS_DEBS
fi
# Always rebuilt: a dist/ left from an earlier run would test a stale UI.
(cd ui && npm run build)
# The UI is served from the binary (custom protocol), as in a release.
cargo build -p kopa-cli -p kopa-desktop --features kopa-desktop/custom-protocol
rm -rf target/debug/bundle/deb target/debian
ui/node_modules/.bin/tauri build --debug --bundles deb --ci
packaging/kopa-hub/build-deb.sh target/debug/kopa target/debian
if [ -n "${CI:-}" ] && [ "$(id -u)" -eq 0 ]; then
    .ci/packages.sh target/debug/bundle/deb/kopa-desktop_*.deb target/debian/kopa-hub_*.deb
    export KOPA_APP=/usr/bin/kopa-desktop KOPA_CLI=/usr/bin/kopa
fi
rm -rf target/e2e-screens
# An app a test could not close must not keep the run alive once every test ended.
xvfb-run -a -s "-screen 0 1280x860x24" node --test --test-concurrency=1 --test-force-exit tests/e2e/
