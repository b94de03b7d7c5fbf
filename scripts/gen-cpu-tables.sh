#!/bin/sh
# scripts/gen-cpu-tables.sh [BUILD_DIR]: regenerates the instruction tables
# of the CPU profiles (profiles/<name>.insns) from LLVM's scheduling models:
# every distinct instruction form in the guest images (kernel, user
# programs, bare-metal test programs) is run alone through llvm-mca
# -instruction-info -resource-pressure by tools/mca.c. Run it after the
# guest code changes; the tables are committed.
set -eu
cd "$(dirname "$0")/.."
build="${1:-build}"
[ -d "$build" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" --target ipcemu-mca guest >/dev/null
gen() {
    arch=$1 mcpu=$2 name=$3
    "$build/ipcemu-mca" table --arch "$arch" --mcpu "$mcpu" "$build"/guest/"$arch"/*.elf \
        >"profiles/$name.insns.tmp"
    mv "profiles/$name.insns.tmp" "profiles/$name.insns"
    echo "profiles/$name.insns: $(grep -vc '^#' "profiles/$name.insns") rows"
}
gen x86_64 skylake skylake
gen aarch64 cortex-a72 cortex-a72
gen riscv64 sifive-u74 sifive-u74
