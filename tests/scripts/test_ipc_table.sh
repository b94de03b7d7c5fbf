#!/bin/sh
# tests/scripts/test_ipc_table.sh SOURCE_DIR IPCEMU: scripts/ipc-table.sh
# prints one row per architecture with a figure in every measured column,
# and in scenarios/call-paths.json the fast round trip is cheaper than the
# slow one on every architecture (the report says so: no hand computation).
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
echo "ok"
