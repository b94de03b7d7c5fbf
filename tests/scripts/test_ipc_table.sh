#!/bin/sh
# tests/scripts/test_ipc_table.sh SOURCE_DIR IPCEMU: scripts/ipc-table.sh
# prints one row per architecture with a figure in every measured column,
# and in scenarios/call-paths.json the fast round trip is cheaper than the
# slow one on every architecture (the report says so: no hand computation);
# so is it in every shipped scenario that has both round trips; and the
# tables in docs/ipc.md and README.md are the script's (re-made with
# `sh scripts/ipc-table.sh build/ipcemu --update`).
set -u
src="$1"
ipcemu="$2"
fail() { echo "FAIL: $*"; exit 1; }
out=$(sh "$src/scripts/ipc-table.sh" "$ipcemu" "$src/scenarios") || fail "ipc-table.sh failed: $out"
echo "$out"
for arch in x86_64 aarch64 riscv64; do
    row=$(echo "$out" | grep "^| $arch (") || fail "no row for $arch"
    # call, reply, round trips and notification: numbers; seL4's where published
    echo "$row" | python3 -c '
import sys
cells = [c.strip() for c in sys.stdin.read().strip().strip("|").split("|")]
ours = [cells[i].replace(",", "") for i in (1, 3, 5, 7, 9)]
sel4 = [cells[i] for i in (2, 4, 6, 8, 10)]
assert all(c.isdigit() and int(c) > 0 for c in ours), cells
assert sel4[2] == sel4[3] == "\u2014" and all(sel4[i].replace(",", "").isdigit() for i in (0, 1, 4)), cells
fast, slow = int(ours[2]), int(ours[3])
assert fast < slow, "round trip fast %d >= slow %d" % (fast, slow)
' || fail "$arch: bad row: $row"
done
for doc in docs/ipc.md README.md; do
    echo "$out" | grep "^|" >"${TMPDIR:-/tmp}/ipc-table-$$.md"
    python3 - "${TMPDIR:-/tmp}/ipc-table-$$.md" "$src/$doc" <<'PY' || fail "$doc: its IPC table is not the script's: run sh scripts/ipc-table.sh build/ipcemu --update"
import sys
table = open(sys.argv[1]).read().splitlines()
lines = open(sys.argv[2]).read().splitlines()
at = lines.index(table[0])
assert lines[at:at + len(table)] == table
PY
    rm -f "${TMPDIR:-/tmp}/ipc-table-$$.md"
done
tmp=$(mktemp -d)
for arch in x86_64 aarch64 riscv64; do
    for s in "$src"/scenarios/*.json; do
        "$ipcemu" run "$s" --arch "$arch" --quiet --report "$tmp/r.json" >/dev/null 2>&1
        python3 - "$tmp/r.json" "$arch $(basename "$s")" <<'PY' || { rm -rf "$tmp"; fail "fast round trip not cheaper"; }
import json, sys
p = json.load(open(sys.argv[1])).get("paths", {})
f, s = p.get("ipc.roundtrip.fast"), p.get("ipc.roundtrip.slow")
if f and s:
    print("%s: round trip fast %d < slow %d" % (sys.argv[2], f["cycles_median"], s["cycles_median"]))
    sys.exit(0 if f["cycles_median"] < s["cycles_median"] else 1)
PY
    done
done
rm -rf "$tmp"
echo "ok"
