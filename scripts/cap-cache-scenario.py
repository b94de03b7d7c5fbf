#!/usr/bin/env python3
"""scripts/cap-cache-scenario.py OUT thrash|fit [--slots N] [--lines L] [--stride S]
[--copies K] [--rounds R]: writes a scenario in which a client with an
N-slot capability space derives K copies of a send capability S slots apart
(S - 1 throwaway copies before each) and K more side by side, then calls a
server R times round robin through the first K ("thrash": their addresses
are equal modulo an L-line cache when S is a multiple of L) or the second K
("fit"). scenarios/cap-cache-thrash.json and cap-cache-fit.json are this
script's output with the defaults; scripts/cap-cache-figures.sh runs the
variants behind docs/ipc.md's tables."""
import argparse
import json

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("which", choices=["thrash", "fit"])
ap.add_argument("--slots", type=int, default=16384)
ap.add_argument("--lines", type=int, default=16)
ap.add_argument("--stride", type=int, default=16)
ap.add_argument("--copies", type=int, default=8)
ap.add_argument("--rounds", type=int, default=100)
a = ap.parse_args()
K, junk = a.copies, a.stride - 1
pre = "s" if a.which == "thrash" else "p"


def derive(name):
    return {"op": "derive", "cap": "svc", "rights": ["send"], "as": name}


setup = []
for k in range(1, K + 1):
    setup += [{"op": "repeat", "count": junk, "body": [derive("junk")]}, derive("s%d" % k)]
setup += [derive("p%d" % k) for k in range(1, K + 1)]
calls = [{"op": "call", "port": "%s%d" % (pre, k), "bytes": 8, "expect": "ok"}
         for k in range(1, K + 1)]
total = K * a.rounds
levels = 1 if a.slots <= 64 else 2 if a.slots <= 8192 else 3
common = ("A client with a %d-slot capability space (%d level%s of CNodes: the 64-slot root, "
          "then CNodes of 128 slots) derives %d copies of its send capability to a server's "
          "port, then makes %d calls through %d of them, round robin, with a %d-line capability "
          "cache. The copies s1..s%d lie %d slots apart, p1..p%d side by side. "
          % (a.slots, levels, "" if levels == 1 else "s", junk * K + 2 * K, total, K, a.lines,
             K, a.stride, K))
if a.which == "thrash":
    name = "cap-cache-thrash"
    desc = common + ("This scenario calls through s1..s%d: their addresses are equal modulo the "
                     "cache size, so they share one line and each call evicts the previous one: "
                     "every lookup misses and walks the levels. scenarios/cap-cache-fit.json does "
                     "the same work through p1..p%d, which hit; the difference in cycles is what "
                     "thrashing costs (docs/ipc.md, Capability spaces). Look at cap_cache.misses."
                     % (K, K))
else:
    name = "cap-cache-fit"
    desc = common + ("This scenario calls through p1..p%d: %d lines, so after the first round "
                     "every lookup hits and skips the walk. scenarios/cap-cache-thrash.json does "
                     "the same work through s1..s%d, which collide on one line (docs/ipc.md, "
                     "Capability spaces). Look at cap_cache.hits." % (K, K, K))
scn = {
    "name": name,
    "description": desc,
    "seed": 1,
    "limits": {"max_cycles": 200000000},
    "machine": {"cap_cache": a.lines},
    "objects": [{"name": "svc", "type": "port", "owner": "server", "capacity": 4}],
    "capabilities": [{"from": "server", "object": "svc", "to": "client", "rights": ["send"]}],
    "processes": [
        {"name": "server", "priority": 2, "program": [
            {"op": "recv_call", "port": "svc", "as": "r", "expect": "ok"},
            {"op": "repeat", "count": total - 1, "body": [
                {"op": "reply_recv", "reply": "r", "port": "svc", "as": "r", "expect": "ok"}]},
            {"op": "reply", "reply": "r", "bytes": 8, "expect": "ok"}]},
        {"name": "client", "priority": 1, "cap_slots": a.slots,
         "program": setup + [{"op": "repeat", "count": a.rounds, "body": calls}]},
    ],
    "expect": {
        "processes": {"server": {"state": "exited"}, "client": {"state": "exited"}},
        "messages": {"sent": 2 * total, "received": 2 * total},
    },
}
with open(a.out, "w") as f:
    f.write(json.dumps(scn, indent=1) + "\n")
