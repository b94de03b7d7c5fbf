#!/bin/sh
# scripts/bench-cores.sh IPCEMU [SCENARIO] [RUNS]: host seconds (best of
# RUNS, default 3) of SCENARIO (default scenarios/scale.json) on each
# architecture with one core and with two cores at core quanta 100, 1000, 10000
# (the default) and 100000 cycles. Its numbers are in docs/machine.md,
# "Several cores": with two cores the second idles after boot, so the
# difference to one core is what ending core 0's slice every quantum costs
# (a stop and a restart of its engine), the host cost a smaller quantum adds
# to any run with several cores.
set -u
ipcemu="$1"
scn="${2:-$(dirname "$0")/../scenarios/scale.json}"
runs="${3:-3}"
best() { # best wall-clock seconds of $runs runs of the command
    b=""
    i=0
    while [ "$i" -lt "$runs" ]; do
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s.%N)
        t=$(echo "$t1 - $t0" | bc)
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
        i=$((i + 1))
    done
    printf '%.2f' "$b"
}
for arch in x86_64 aarch64 riscv64; do
    one=$(best "$ipcemu" run "$scn" --arch "$arch" --quiet)
    line="$arch one-core $one s"
    for q in 100 1000 10000 100000; do
        t=$(best "$ipcemu" run "$scn" --arch "$arch" --quiet --cores 2 --core-quantum "$q")
        line="$line | q$q $t s ($(echo "scale=2; $t / $one" | bc)x)"
    done
    echo "$line"
done
