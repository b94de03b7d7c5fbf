#!/bin/sh
# scripts/scenario-figures.sh IPCEMU [SCENARIO_DIR]: runs every scenario on
# every architecture and prints one line per run: arch, scenario, outcome,
# exit status, cycles, instructions and trace hash. Two builds that should
# behave the same (a refactoring) must print the same lines:
#   sh scripts/scenario-figures.sh old/ipcemu > a; sh scripts/scenario-figures.sh build/ipcemu > b
#   diff a b
set -u
ipcemu="$1"
dir="${2:-$(dirname "$0")/../scenarios}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for arch in x86_64 aarch64 riscv64; do
    for s in "$dir"/*.json; do
        name="$(basename "$s" .json)"
        "$ipcemu" run "$s" --arch "$arch" --quiet --report "$tmp/r.json" >/dev/null 2>&1
        rc=$?
        if [ -s "$tmp/r.json" ]; then
            python3 - "$tmp/r.json" "$arch" "$name" "$rc" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(sys.argv[2], sys.argv[3], r["outcome"], "exit=" + sys.argv[4], r["cycles"],
      r["instructions"], r["trace_hash"])
PY
        else
            echo "$arch $name no-report exit=$rc"
        fi
        rm -f "$tmp/r.json"
    done
done
