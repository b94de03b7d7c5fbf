#!/bin/sh
# scripts/deps.sh: installs the Debian 12 packages ipcemu needs, if any is
# missing. Uses sudo when not root.
set -eu
PKGS="cmake make gcc pkg-config clang lld llvm clang-format
libunicorn-dev libcapstone-dev libcjson-dev libcmocka-dev libsdl2-dev
libsdl2-ttf-dev libpng-dev fonts-dejavu-core xvfb xauth valgrind"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "scripts/deps.sh: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
