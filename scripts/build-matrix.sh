#!/bin/sh
# scripts/build-matrix.sh: builds ipcemu in every CMake build type with gcc
# and with clang, warnings as errors (the project's own check; a user's
# build never has -Werror forced on it). The suite itself runs on the
# RelWithDebInfo and sanitizer builds of scripts/test.sh; these builds
# prove that every other combination compiles and links.
set -eu
cd "$(dirname "$0")/.."
jobs="$(nproc)"
mkdir -p build-matrix
status=0
for cc in gcc clang; do
    for type in Debug Release RelWithDebInfo MinSizeRel; do
        dir="build-matrix/$cc-$type"
        printf '%-28s ' "$cc $type"
        if CC="$cc" cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DIPCEMU_WERROR=ON \
            >"$dir.log" 2>&1 && cmake --build "$dir" -j "$jobs" >>"$dir.log" 2>&1; then
            echo "builds"
        else
            echo "FAILED (see $dir.log)"
            grep -E 'error|warning' "$dir.log" | head -n 20 || true
            status=1
        fi
    done
done
exit "$status"
