#!/bin/sh
# scripts/test.sh: the whole test suite. Installs what is missing, checks
# formatting, builds and runs ctest, then builds again with AddressSanitizer
# and UBSan and runs ctest there too.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
jobs="$(nproc)"

echo "== clang-format"
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*')
# LLVM 14's clang-format: the format the tree is kept in (later ones differ)
clang_format="$(command -v clang-format-14 || command -v clang-format)"
"$clang_format" --dry-run -Werror $files

echo "== every build type with gcc and clang"
sh scripts/build-matrix.sh

echo "== build and test"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIPCEMU_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== fuzz the input readers (bounded)"
sh scripts/fuzz.sh 120 scenario profile elf trace

echo "== build and test with ASan + UBSan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DIPCEMU_SANITIZE=ON -DIPCEMU_WERROR=ON >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs"
