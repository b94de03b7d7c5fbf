#!/bin/sh
# scripts/demo.sh: installs what is missing, builds, and boots the kernel's
# demo on x86_64, AArch64 and RISC-V.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)"
for arch in x86_64 aarch64 riscv64; do
    echo "==== ipcemu boot --arch $arch"
    build/ipcemu boot --arch "$arch"
done
