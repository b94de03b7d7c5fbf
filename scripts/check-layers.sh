#!/bin/sh
# scripts/check-layers.sh [REPO]: checks that every #include in the
# project's sources points down the layer picture of ARCHITECTURE.md, and
# that each library is included only where it belongs. Prints one line per
# crossing ("file:line: FOLDER may not include WHAT") and exits 1 if there
# is any, 0 otherwise. Run by ctest as `layers`.
#
# The layers, top to bottom, and what each folder may include besides
# itself (a quoted include whose first component is not a top folder, such
# as "kernel.h" or "user/ulib.h", resolves inside the including folder):
#
#   cli, tools    everything below
#   ui            tracer util abi
#   machine       emu devices tracer ipc util abi
#   tracer        util abi
#   emu           util abi
#   devices       abi
#   guest-kernel  ipc abi          (the guest: freestanding)
#   ipc           abi              (compiled into the guest and host tests)
#   util          abi
#   abi           nothing          (the contract between host and guest)
#   tests         everything
#
# Libraries: <unicorn/...> only in emu/, machine/, tools/ and tests/;
# <capstone/...> only in emu/arch/ (and tests/, tools/); <SDL...> and
# <png.h> only in ui/ (and tests/, tools/); <cjson/...> not in abi/,
# devices/, ipc/, util/ or the guest.
set -u
cd "${1:-$(dirname "$0")/..}" || exit 2

allowed() {
    case "$1" in
    cli | tools | tests) echo "cli tools ui machine emu devices tracer ipc util abi guest-kernel" ;;
    ui) echo "tracer util abi" ;;
    machine) echo "emu devices tracer ipc util abi" ;;
    tracer) echo "util abi" ;;
    emu) echo "util abi" ;;
    devices) echo "abi" ;;
    guest-kernel) echo "ipc abi" ;;
    ipc) echo "abi" ;;
    util) echo "abi" ;;
    abi) echo "" ;;
    *) echo "?" ;;
    esac
}

top="cli tools ui machine emu devices tracer ipc util abi guest-kernel tests"
files=$(git ls-files '*.c' '*.h' '*.S' 2>/dev/null) ||
    files=$(find cli tools ui machine emu devices tracer ipc util abi guest-kernel tests \
        -name '*.[chS]' 2>/dev/null)
bad=0
for f in $files; do
    layer=${f%%/*}
    case " $top " in *" $layer "*) ;; *) continue ;; esac
    ok=$(allowed "$layer")
    out=$(grep -n '^[[:space:]]*#[[:space:]]*include' "$f" | awk -v f="$f" -v layer="$layer" \
        -v ok="$ok" -v top="$top" '
        BEGIN { n = split(ok, a, " "); for (i = 1; i <= n; i++) allow[a[i]] = 1
                m = split(top, t, " "); for (i = 1; i <= m; i++) istop[t[i]] = 1 }
        {
            line = $0; sub(/:.*/, "", line)
            inc = $0; sub(/^[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*/, "", inc)
            if (inc ~ /^"/) {
                gsub(/"/, "", inc); sub(/[[:space:]].*/, "", inc)
                first = inc; sub(/\/.*/, "", first)
                if (!(first in istop) || inc !~ /\//) next          # same folder
                if (first == layer || (first in allow)) next
                printf "%s:%s: %s may not include \"%s\"\n", f, line, layer, inc
            } else if (inc ~ /^</) {
                lib = inc; gsub(/[<>]/, "", lib); sub(/[[:space:]].*/, "", lib)
                if (lib ~ /^unicorn\// && layer !~ /^(emu|machine|tools|tests)$/)
                    printf "%s:%s: %s may not include <%s> (Unicorn)\n", f, line, layer, lib
                if (lib ~ /^capstone\// && f !~ /^emu\/arch\// && layer !~ /^(tools|tests)$/)
                    printf "%s:%s: %s may not include <%s> (Capstone: emu/arch only)\n", f, line, layer, lib
                if ((lib ~ /^SDL/ || lib == "png.h") && layer !~ /^(ui|tools|tests)$/)
                    printf "%s:%s: %s may not include <%s> (ui only)\n", f, line, layer, lib
                if (lib ~ /^cjson\// && layer ~ /^(abi|devices|ipc|util|guest-kernel)$/)
                    printf "%s:%s: %s may not include <%s> (cJSON)\n", f, line, layer, lib
            }
        }')
    if [ -n "$out" ]; then
        echo "$out"
        bad=1
    fi
done
if [ "$bad" -ne 0 ]; then
    echo "check-layers: includes cross the layer picture (see scripts/check-layers.sh)" >&2
    exit 1
fi
echo "check-layers: every include points down the layer picture"
