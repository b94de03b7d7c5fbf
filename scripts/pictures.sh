#!/bin/sh
# scripts/pictures.sh BUILD_DIR: renders the pictures in docs/images/ with
# `ipcemu view` from scenarios in scenarios/ (README.md shows them). The
# runs are deterministic, so the pictures only change when the kernel, the
# timing model or the viewer do.
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p docs/images
"$B/ipcemu" run scenarios/rpc-clients.json --arch x86_64 --quiet --trace "$T/rpc.trace"
"$B/ipcemu" view "$T/rpc.trace" --png docs/images/timeline-rpc-clients.png \
    --size 1400x640 --range 200k:330k
"$B/ipcemu" run scenarios/lesson-fast-vs-slow.json --arch x86_64 --quiet --trace "$T/fs.trace"
"$B/ipcemu" view "$T/fs.trace" --png docs/images/timeline-slow-call.png \
    --size 1400x640 --range 300k:304k
"$B/ipcemu" view "$T/fs.trace" --png docs/images/timeline-kernel-phases.png \
    --size 1400x960 --select 151
"$B/ipcemu" run scenarios/ping-pong-cross-core.json --arch aarch64 --quiet --trace "$T/px.trace"
"$B/ipcemu" view "$T/px.trace" --png docs/images/timeline-cross-core.png \
    --size 1400x720 --range 300k:312k
"$B/ipcemu" run scenarios/call-timeout.json --arch x86_64 --quiet --trace "$T/ct.trace"
"$B/ipcemu" view "$T/ct.trace" --png docs/images/timeline-call-timeout.png --size 1400x640
for a in x86_64 aarch64 riscv64; do
    for s in ping-pong cap-cache-fit cap-cache-thrash; do
        "$B/ipcemu" run scenarios/$s.json --arch $a --quiet --report "$T/$s-$a.json"
    done
done
"$B/ipcemu" view --phases --axis 800 "$T"/ping-pong-x86_64.json "$T"/ping-pong-aarch64.json \
    "$T"/ping-pong-riscv64.json --png docs/images/phases-ping-pong.png
"$B/ipcemu" view --phases --axis 800 \
    "$T"/cap-cache-fit-x86_64.json "$T"/cap-cache-fit-aarch64.json "$T"/cap-cache-fit-riscv64.json \
    "$T"/cap-cache-thrash-x86_64.json "$T"/cap-cache-thrash-aarch64.json \
    "$T"/cap-cache-thrash-riscv64.json --png docs/images/phases-cap-cache.png
