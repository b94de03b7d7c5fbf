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
    --size 1400x360 --range 200k:330k
for a in x86_64 aarch64 riscv64; do
    "$B/ipcemu" run scenarios/ping-pong.json --arch $a --quiet --report "$T/$a.json"
done
"$B/ipcemu" view --phases "$T/x86_64.json" "$T/aarch64.json" "$T/riscv64.json" \
    --png docs/images/phases-ping-pong.png --size 1400x260
