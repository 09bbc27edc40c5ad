#!/usr/bin/env bash
# Installs the desktop and hub packages on this (CI) machine and checks what a branch
# or HQ would meet: the app and the command are where the menu and the unit expect
# them, the unit passes `systemd-analyze verify`, the hub runs as its own user from
# /var/lib/kopa-hub, and removing either package keeps the data.
# Usage: packages.sh DESKTOP_DEB HUB_DEB (as root). With KOPA_PREVIOUS_DEBS naming a
# folder with the previous release's kopa-hub package (.ci/previous-release.sh), it
# first installs that, makes a replica and a hub with it, and upgrades over them: both
# must keep their data and open.
set -euo pipefail
desktop="$(realpath "$1")"
hub="$(realpath "$2")"
say() { echo "packages: $*"; }
export DEBIAN_FRONTEND=noninteractive
home_data="$HOME/.local/share/lv.redcross.kopa"

if [ -n "${KOPA_PREVIOUS_DEBS:-}" ]; then
    # The previous release: its kopa makes a replica (one passphrase) and a hub.
    apt-get remove -y -qq kopa-hub kopa-desktop >/dev/null 2>&1 || true
    apt-get install -y -qq "$KOPA_PREVIOUS_DEBS"/kopa-hub_*.deb >/dev/null
    was="$(dpkg-query -W -f '${Version}' kopa-hub)"
    old="$home_data/upgrade-check.kopa"
    oldhub="$(mktemp -d)/hub"
    mkdir -p "$home_data"
    rm -f "$old" "$old.keys"
    export KOPA_PASSPHRASE=vecā KOPA_LANG=en
    kopa --db "$old" init --branch Krāslava --municipality Krāslava --user Inese >/dev/null 2>&1
    kopa --db "$old" family add --name Ivanovs --municipality Krāslava \
        --member "Сергей;Иванов;1960;m;parent" >/dev/null
    kopa hub init --data "$oldhub" --address https://127.0.0.1:7443 >/dev/null 2>&1
    kopa hub enrol --data "$oldhub" --branch Ludza --municipality Ludza --out "$oldhub/ludza.invite" >/dev/null
    # The new packages over it: the replica opens with its old passphrase, now its
    # first lead's, with its family; the hub's store opens and knows its branch.
    apt-get install -y -qq "$desktop" "$hub" >/dev/null
    now="$(dpkg-query -W -f '${Version}' kopa-hub)"
    dpkg --compare-versions "$now" gt "$was" || { say "$now is not newer than $was"; exit 1; }
    kopa --db "$old" --json family list | grep -q Ivanovs ||
        { say "the upgrade lost the previous version's replica"; exit 1; }
    kopa --db "$old" --json people list | grep -q '"lead"' ||
        { say "the old passphrase is not the first lead's"; exit 1; }
    kopa hub status --data "$oldhub" | grep -q Ludza || { say "the upgraded hub lost its branch"; exit 1; }
    unset KOPA_PASSPHRASE
    rm -rf "$old" "$old.keys" "$old-wal" "$old-shm" "$(dirname "$oldhub")"
    say "upgraded kopa-hub $was → $now: the replica and the hub kept their data and open"
fi

apt-get install -y -qq "$desktop" "$hub" >/dev/null
for f in /usr/bin/kopa-desktop /usr/bin/kopa /usr/share/applications/kopa-desktop.desktop \
    /usr/share/icons/hicolor/128x128/apps/kopa-desktop.png /lib/systemd/system/kopa-hub.service; do
    [ -e "$f" ] || { say "missing $f"; exit 1; }
done
grep -q '^Name\[lv\]=Kopā' /usr/share/applications/kopa-desktop.desktop
grep -q '^Name\[ru\]=Kopā' /usr/share/applications/kopa-desktop.desktop
kopa --version | grep -q "$(dpkg-query -W -f '${Version}' kopa-hub)"
systemd-analyze verify /lib/systemd/system/kopa-hub.service
say "installed; kopa-hub.service verifies"

# The hub as the service runs it: its own user, its own folder, a free local port.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
data=/var/lib/kopa-hub
if [ ! -e "$data/hub.json" ]; then
    runuser -u kopa-hub -- env KOPA_LANG=en kopa hub init --data "$data" --address "https://127.0.0.1:$port" \
        --name "Latvijas Sarkanais Krusts" --municipality Rīga >/dev/null
fi
[ "$(stat -c %U "$data/hub.kopa")" = kopa-hub ] || { say "hub store not owned by kopa-hub"; exit 1; }
log="$(mktemp)"
runuser -u kopa-hub -- env KOPA_LANG=en kopa hub serve --data "$data" --listen "127.0.0.1:$port" >"$log" 2>&1 &
served=$!
for _ in $(seq 1 50); do grep -q "127.0.0.1:$port" "$log" && break; sleep 0.2; done
grep -q "127.0.0.1:$port" "$log" || { cat "$log"; say "the hub did not listen"; exit 1; }
kill "$served"; wait "$served" 2>/dev/null || true
say "the hub ran as kopa-hub on 127.0.0.1:$port"

# Removing the packages keeps every replica and the hub's store; installing again
# finds them.
mkdir -p "$home_data"
replica="$home_data/packages-check.kopa"
rm -f "$replica" "$replica.keys"
KOPA_PASSPHRASE=check KOPA_LANG=en kopa --db "$replica" init --branch Krāslava --municipality Krāslava \
    --user Inese >/dev/null 2>&1
apt-get remove -y -qq kopa-desktop kopa-hub >/dev/null
[ -e "$replica" ] && [ -e "$replica.keys" ] && [ -e "$data/hub.kopa" ] || { say "removing lost data"; exit 1; }
apt-get install -y -qq "$desktop" "$hub" >/dev/null
KOPA_PASSPHRASE=check KOPA_LANG=en kopa --db "$replica" info >/dev/null
rm -f "$replica" "$replica.keys" "$replica-wal" "$replica-shm"
say "removed and installed again: the replica and the hub's store are kept and open"
