#!/bin/sh
# scripts/lab-pictures.sh BUILD_DIR: renders the labs' pictures in
# docs/images/labs/ with `ipcemu view` from the lab scenarios in scenarios/
# (docs/labs/ shows them). The runs are deterministic, so the pictures only
# change when the kernel, the timing model, the viewer or a scenario do.
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
O=docs/images/labs
mkdir -p "$O"
# timeline TAG SCENARIO RANGE: x86_64's timeline of SCENARIO over RANGE
timeline() {
    "$B/ipcemu" run "scenarios/$2.json" --arch x86_64 --quiet --trace "$T/$1.trace" >/dev/null
    "$B/ipcemu" view "$T/$1.trace" --png "$O/$1.png" --size 1400x420 --range "$3"
}
timeline 02-direct-handoff lab-02-direct-handoff 120k:300k
timeline 05-priority-inheritance lab-05-priority-inheritance 100k:2700k
timeline 06-deadlock-fix lab-06-deadlock-fix 120k:190k
timeline 07-backpressure lab-07-backpressure 150k:450k
# phase views: the fast and slow round trips of lab 1, per architecture;
# lab 11's three runs (one report holds every run)
for a in x86_64 aarch64 riscv64; do
    "$B/ipcemu" run scenarios/lesson-fast-vs-slow.json --arch $a --quiet \
        --report "$T/fast-vs-slow-$a.json" >/dev/null
done
"$B/ipcemu" view --phases --path ipc.roundtrip.fast --path ipc.roundtrip.slow --axis 5k \
    "$T"/fast-vs-slow-x86_64.json "$T"/fast-vs-slow-aarch64.json "$T"/fast-vs-slow-riscv64.json \
    --png "$O/01-fast-vs-slow-phases.png"
"$B/ipcemu" run scenarios/lab-11-three-archs.json --quiet --report "$T/three.json" >/dev/null
"$B/ipcemu" view --phases --path ipc.call.fast --axis 1k "$T/three.json" \
    --png "$O/11-three-archs-phases.png"
