#!/bin/sh
# tests/scripts/test_check_layers.sh SOURCE_DIR: scripts/check-layers.sh
# passes on the tree and fails, naming the file, line and folders, on each
# kind of crossing planted in a copy of it.
set -u
src="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

sh "$src/scripts/check-layers.sh" "$src" || fail "the tree itself has crossings"

plant() { # plant FILE LINE EXPECTED-MESSAGE
    rm -rf "$tmp/t" && mkdir -p "$tmp/t"
    (cd "$src" && git archive HEAD abi devices tracer guest-kernel ipc emu util ui) | tar -x -C "$tmp/t" ||
        fail "cannot copy the tree"
    sh "$src/scripts/check-layers.sh" "$tmp/t" >/dev/null 2>&1 || fail "the copy has crossings before planting"
    printf '%s\n' "$2" >>"$tmp/t/$1"
    out=$(sh "$src/scripts/check-layers.sh" "$tmp/t" 2>/dev/null) && fail "$1: '$2' not caught"
    case "$out" in *"$3"*) ;; *) fail "$1: expected '$3', got: $out" ;; esac
    echo "caught: $out"
}
plant tracer/trace.h '#include "machine/machine.h"' 'tracer/trace.h:'
plant guest-kernel/kipc.c '#include "tracer/trace.h"' 'guest-kernel may not include "tracer/trace.h"'
plant abi/events.h '#include "util/hostfile.h"' 'abi may not include "util/hostfile.h"'
plant ui/timeline.c '#include "machine/machine.h"' 'ui may not include "machine/machine.h"'
plant devices/timer.c '#include <unicorn/unicorn.h>' 'devices may not include <unicorn/unicorn.h>'
plant tracer/report.c '#include <SDL2/SDL.h>' 'tracer may not include <SDL2/SDL.h>'
plant ipc/port.c '#include <cjson/cJSON.h>' 'ipc may not include <cjson/cJSON.h>'
echo "PASS"
