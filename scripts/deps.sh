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
#
# The guest toolchain is LLVM 14 (clang-14, lld-14, llvm-14, clang-format-14):
# the kernel image, and so every cycle count and trace, must be the same
# bits on every host. Debian 12 ships it; on Debian 13 it comes the other
# way, from Debian 12's archive, pinned the same way to just those packages.
set -eu
PKGS="git cmake make gcc pkg-config clang clang-14 lld-14 llvm-14 clang-format-14
libunicorn-dev libcapstone-dev libcjson-dev libcmocka-dev libsdl2-dev
libsdl2-ttf-dev libpng-dev fonts-dejavu-core xvfb xauth valgrind python3"
# The engine's packages: the version each must start with.
UNICORN_WANT="2.1.1"
CAPSTONE_WANT="5."
ENGINE_PKGS="libunicorn-dev libunicorn2t64 libcapstone-dev libcapstone5"
# LLVM 14 and what it needs that Debian 13 does not have.
LLVM14_PKGS="clang-14 lld-14 llvm-14 clang-format-14 libllvm14 libclang-cpp14
libclang-common-14-dev libclang1-14 libclang-rt-14-dev llvm-14-linker-tools
llvm-14-runtime llvm-14-tools llvm-14-dev libldap-2.5-0 libcurl3-nss"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

installed_version() {
    dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null |
        sed -n 's/^install ok installed //p'
}

# Returns true if package $1 is installed at a version starting with $2.
has_version() {
    case "$(installed_version "$1")" in
    "$2"*) return 0 ;;
    *) return 1 ;;
    esac
}

missing=""
for p in $PKGS; do
    [ -n "$(installed_version "$p")" ] || missing="$missing $p"
done
# An engine package that is there but not the version ipcemu needs counts
# as missing too (a Debian 12 machine with Unicorn 2.0.1, say).
for want in "libunicorn-dev $UNICORN_WANT" "libcapstone-dev $CAPSTONE_WANT"; do
    # shellcheck disable=SC2086
    set -- $want
    [ -z "$(installed_version "$1")" ] || has_version "$1" "$2" || missing="$missing $1"
done
[ -z "$missing" ] && exit 0

codename=""
[ -r /etc/os-release ] && codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
echo "scripts/deps.sh: installing:$missing"
$SUDO apt-get update -qq

# Adds Debian release $1's archive (the mirror this machine already uses)
# as an apt source that apt takes only packages $2 from (priority 600;
# everything else there -10: never, not even as a dependency).
pin_release() {
    rel="$1"
    uri="$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*debian\)\/*$/\1/p' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)"
    [ -n "$uri" ] || uri="$(sed -n 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*debian\)\/*[[:space:]]\{1,\}[a-z]\{1,\}[[:space:]].*/\2/p' \
        /etc/apt/sources.list 2>/dev/null | head -n 1)"
    [ -n "$uri" ] || uri="http://deb.debian.org/debian"
    tmp="$(mktemp)"
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$uri" "$rel" >"$tmp"
    $SUDO install -m 0644 "$tmp" "/etc/apt/sources.list.d/ipcemu-$rel.sources"
    {
        echo "# ipcemu (scripts/deps.sh): from Debian \"$rel\", only these packages."
        echo "Package: *"
        echo "Pin: release n=$rel"
        echo "Pin-Priority: -10"
        echo
        echo "Package: $(echo $2)"
        echo "Pin: release n=$rel"
        echo "Pin-Priority: 600"
    } >"$tmp"
    $SUDO install -m 0644 "$tmp" "/etc/apt/preferences.d/ipcemu-$rel"
    rm -f "$tmp"
    $SUDO apt-get update -qq
}

# The archives' keys are in debian-archive-keyring (its current update).
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq debian-archive-keyring >/dev/null
# Returns true if one of the packages $1 is among the missing ones.
needs_any() {
    for p in $1; do
        case " $missing " in *" $p "*) return 0 ;; esac
    done
    return 1
}
case "$codename" in
bookworm) needs_any "$ENGINE_PKGS" && pin_release trixie "$ENGINE_PKGS" ;;
trixie) needs_any "$LLVM14_PKGS" && pin_release bookworm "$LLVM14_PKGS" ;;
esac

# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null

# Say plainly when the engine is still not the one ipcemu needs (another
# distribution, or a Debian whose archive has another version).
if ! has_version libunicorn-dev "$UNICORN_WANT"; then
    echo "scripts/deps.sh: ipcemu needs Unicorn $UNICORN_WANT (libunicorn-dev);" \
        "this machine has '$(installed_version libunicorn-dev)' (Debian 12 and 13 are supported)" >&2
    exit 1
fi
