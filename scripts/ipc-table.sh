#!/bin/sh
# scripts/ipc-table.sh IPCEMU [SCENARIO_DIR]: the IPC figures of docs/ipc.md
# ("The figures") and the README, as a markdown table. Runs
# scenarios/ping-pong.json (fast call, fast reply, fast round trip) and
# scenarios/call-paths.json (slow round trip, notification) on every
# architecture with its default CPU profile and prints, per architecture,
# the median of each path in cycles, measured user to user (docs/ipc.md,
# "What each path measures"), next to seL4's published figure for the
# nearest core (sel4bench, hot cache, fastpath; "—" where seL4 publishes
# none). Exits 1 when a run fails or a path is missing. With --update it
# also writes the table into docs/ipc.md and README.md (in place of the
# table that starts with the same header line there).
#   sh scripts/ipc-table.sh build/ipcemu [--update]
set -u
update=0
case "${2:-} ${3:-}" in *--update*) update=1 ;; esac
ipcemu="$1"
dir="$(dirname "$0")/../scenarios"
case "${2:-}" in --update | "") ;; *) dir="$2" ;; esac
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for arch in x86_64 aarch64 riscv64; do
    for s in ping-pong call-paths; do
        if ! "$ipcemu" run "$dir/$s.json" --arch "$arch" --quiet \
            --report "$tmp/$arch-$s.json" >/dev/null 2>"$tmp/err"; then
            echo "ipc-table: $s on $arch failed: $(cat "$tmp/err")" >&2
            exit 1
        fi
    done
done
python3 - "$tmp" >"$tmp/table.md" <<'PY'
import json, sys
tmp = sys.argv[1]
# seL4's published one-way figures (cycles; sel4bench on the seL4 website's
# performance page, 2025-04-14): the core nearest each default profile.
sel4 = {
    "x86_64": ("i7-6700 Skylake", 385, 383, 749),
    "aarch64": ("Cortex-A57 (TX1)", 405, 416, 881),
    "riscv64": ("SiFive U54", 813, 830, 1697),
}
cols = [("ping-pong", "ipc.call.fast", 1), ("ping-pong", "ipc.reply.fast", 2),
        ("ping-pong", "ipc.roundtrip.fast", None), ("call-paths", "ipc.roundtrip.slow", None),
        ("call-paths", "ipc.notify", 3)]
print("| architecture (profile) | one-way call, fast | seL4 | one-way reply, fast | seL4 "
      "| round trip, fast | seL4 | round trip, slow | seL4 | notification | seL4 | seL4 core |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
bad = 0
for arch in ("x86_64", "aarch64", "riscv64"):
    cells, cpu = [], "?"
    for scn, path, ref in cols:
        r = json.load(open("%s/%s-%s.json" % (tmp, arch, scn)))
        cpu = r["cpu"] if scn == "ping-pong" else cpu
        p = r.get("paths", {}).get(path)
        if not p:
            sys.stderr.write("ipc-table: %s on %s has no %s\n" % (scn, arch, path))
            bad += 1
            cells.append("—")
        else:
            cells.append("{:,}".format(int(p["cycles_median"])))
        cells.append("{:,}".format(sel4[arch][ref]) if ref is not None else "—")
    print("| %s (%s) | %s | %s |" % (arch, cpu, " | ".join(cells), sel4[arch][0]))
print()
print("Cycles, median over each path's spans, measured user to user; round trips: a call's "
      "trap to the caller's return with the answer (seL4 publishes no round trip). "
      "Made by `sh scripts/ipc-table.sh build/ipcemu`.")
sys.exit(1 if bad else 0)
PY
status=$?
cat "$tmp/table.md"
[ "$status" -eq 0 ] || exit "$status"
[ "$update" -eq 1 ] || exit 0
python3 - "$tmp/table.md" "$(dirname "$0")/../docs/ipc.md" "$(dirname "$0")/../README.md" <<'PY'
import sys
table = [l for l in open(sys.argv[1]).read().splitlines() if l.startswith("|")]
for path in sys.argv[2:]:
    lines = open(path).read().split("\n")
    at = [i for i, l in enumerate(lines) if l == table[0]]
    if len(at) != 1:
        sys.exit("ipc-table: %s: %d tables with the header line, expected 1" % (path, len(at)))
    end = at[0]
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    lines[at[0]:end] = table
    open(path, "w").write("\n".join(lines))
    print("ipc-table: wrote %s" % path, file=sys.stderr)
PY
