#!/bin/sh
# scripts/deps.sh: installs the Debian packages ipcemu needs, if any is
# missing or older than ipcemu needs. Uses sudo when not root.
#
# The engine is Unicorn 2.1.1 with Capstone 5 (Debian 13 "trixie":
# libunicorn-dev, libunicorn2t64, libcapstone-dev, libcapstone5). On
# Debian 13 they come from the machine's own archive. On Debian 12
# "bookworm" (which ships Unicorn 2.0.1 and Capstone 4) they come from
# Debian 13's archive: this script adds that archive as an apt source and
# pins it so that apt takes exactly those four packages from it and
# nothing else (they need only libc6 >= 2.34; Debian 12 has 2.36). The two
# files it writes are shown in docs/machine.md ("The engine").
set -eu
PKGS="cmake make gcc pkg-config clang lld llvm clang-format
libunicorn-dev libcapstone-dev libcjson-dev libcmocka-dev libsdl2-dev
libsdl2-ttf-dev libpng-dev fonts-dejavu-core xvfb xauth valgrind"
# The engine's packages: the version each must start with.
UNICORN_WANT="2.1.1"
CAPSTONE_WANT="5."
ENGINE_PKGS="libunicorn-dev libunicorn2t64 libcapstone-dev libcapstone5"
SOURCES=/etc/apt/sources.list.d/ipcemu-trixie.sources
PREFS=/etc/apt/preferences.d/ipcemu-trixie

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

installed_version() {
    dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null |
        sed -n 's/^install ok installed //p'
}

missing=""
for p in $PKGS; do
    [ -n "$(installed_version "$p")" ] || missing="$missing $p"
done
# An engine package that is there but not the version ipcemu needs counts
# as missing too (a Debian 12 machine with Unicorn 2.0.1, say).
case "$(installed_version libunicorn-dev)" in
"$UNICORN_WANT"*) ;;
"") ;;
*) missing="$missing libunicorn-dev" ;;
esac
case "$(installed_version libcapstone-dev)" in
"$CAPSTONE_WANT"*) ;;
"") ;;
*) missing="$missing libcapstone-dev" ;;
esac
[ -z "$missing" ] && exit 0

codename=""
[ -r /etc/os-release ] && codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
echo "scripts/deps.sh: installing:$missing"
$SUDO apt-get update -qq

if [ "$codename" = "bookworm" ]; then
    # Debian 12: take the engine from Debian 13's archive, pinned. The
    # archive's key is in Debian 12's own debian-archive-keyring (its
    # current update); the mirror is the one this machine already uses.
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq debian-archive-keyring >/dev/null
    uri="$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*debian\)\/*$/\1/p' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)"
    [ -n "$uri" ] || uri="$(sed -n 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*debian\)\/*[[:space:]]\{1,\}bookworm[[:space:]].*/\2/p' \
        /etc/apt/sources.list 2>/dev/null | head -n 1)"
    [ -n "$uri" ] || uri="http://deb.debian.org/debian"
    tmp="$(mktemp)"
    printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$uri" >"$tmp"
    $SUDO install -m 0644 "$tmp" "$SOURCES"
    cat >"$tmp" <<EOF
# ipcemu (scripts/deps.sh): from Debian 13 "trixie", only the engine.
Package: *
Pin: release n=trixie
Pin-Priority: -10

Package: $ENGINE_PKGS
Pin: release n=trixie
Pin-Priority: 600
EOF
    $SUDO install -m 0644 "$tmp" "$PREFS"
    rm -f "$tmp"
    $SUDO apt-get update -qq
fi

# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null

# Say plainly when the engine is still not the one ipcemu needs (another
# distribution, or a Debian whose archive has another version).
case "$(installed_version libunicorn-dev)" in
"$UNICORN_WANT"*) ;;
*)
    echo "scripts/deps.sh: ipcemu needs Unicorn $UNICORN_WANT (libunicorn-dev);" \
        "this machine has '$(installed_version libunicorn-dev)' (Debian 12 and 13 are supported)" >&2
    exit 1
    ;;
esac
