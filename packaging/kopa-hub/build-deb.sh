#!/usr/bin/env bash
# Makes the kopa-hub package: the `kopa` command and the hub's systemd unit, its own
# system user and /var/lib/kopa-hub. Usage: build-deb.sh KOPA_BINARY OUT_DIR
# (the binary of `cargo build [--release] -p kopa-cli`). Prints the .deb's path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:?the kopa binary}"
out="${2:?the folder for the .deb}"
# The workspace's version, unless KOPA_DEB_VERSION says otherwise (an older release's
# binary packaged for the upgrade test).
version="${KOPA_DEB_VERSION:-$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)}"
arch="$(dpkg --print-architecture)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
pkg="$stage/kopa-hub"
install -D -m 0755 "$bin" "$pkg/usr/bin/kopa"
install -D -m 0644 "$here/kopa-hub.service" "$pkg/lib/systemd/system/kopa-hub.service"
install -d "$pkg/usr/share/doc/kopa-hub"
printf 'Kopā\nLicense: AGPL-3.0-or-later\n' >"$pkg/usr/share/doc/kopa-hub/copyright"
install -d "$pkg/DEBIAN"
for s in postinst prerm postrm; do install -m 0755 "$here/$s" "$pkg/DEBIAN/$s"; done
# The shared libraries the binary links, as Debian names them (libc, libcrypto…).
mkdir -p "$stage/shlibs/debian"
printf 'Source: kopa-hub\n\nPackage: kopa-hub\nArchitecture: any\n' >"$stage/shlibs/debian/control"
depends="$(cd "$stage/shlibs" && dpkg-shlibdeps -O "$pkg/usr/bin/kopa" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
size="$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)"
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: kopa-hub
Version: $version
Architecture: $arch
Maintainer: Latvian Red Cross
Section: net
Priority: optional
Installed-Size: $size
Depends: adduser, ${depends:-libc6}
Description: Kopā command line and hub service for Red Cross branches
 The kopa command (the registry from a terminal, sync files, reports) and the
 hub HQ runs for branches' laptops to sync with over HTTPS, as the systemd
 service kopa-hub under its own system user, data in /var/lib/kopa-hub.
CONTROL
mkdir -p "$out"
deb="$out/kopa-hub_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$pkg" "$deb" >/dev/null
echo "$deb"
