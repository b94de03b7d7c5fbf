#!/bin/sh
# scripts/fuzz.sh [SECONDS] [TARGET...]: builds the libFuzzer targets of
# ipcemu's input readers with clang (AddressSanitizer + UBSan) and runs each
# for SECONDS (default 60, split among the targets), starting from its seed
# corpus. Targets: scenario (machine/scenario_*.c), and each further
# tests/fuzz/fuzz_NAME.c listed below. New inputs it finds go to
# build-fuzz/corpus-NAME (not committed); a crash leaves its input in
# build-fuzz/ and fails the script. Regressions found earlier live in
# tests/fuzz/regressions/NAME/ and are always replayed first.
set -eu
cd "$(dirname "$0")/.."
seconds="${1:-60}"
[ $# -gt 0 ] && shift
targets="${*:-scenario}"
for t in $targets; do
    [ -f "tests/fuzz/fuzz_$t.c" ] || { echo "fuzz: no target tests/fuzz/fuzz_$t.c" >&2; exit 2; }
done
n=$(echo $targets | wc -w)
each=$((seconds / n))
[ "$each" -ge 1 ] || each=1
out=build-fuzz
mkdir -p "$out"
cflags="-g -O1 -fsanitize=fuzzer,address,undefined,float-cast-overflow -fno-sanitize-recover=all"
cflags="$cflags -D_POSIX_C_SOURCE=200809L -I. -Iguest-kernel $(pkg-config --cflags libcjson)"
libs="$(pkg-config --libs libcjson) -lm"

# sources_of TARGET: the host sources a target is built from; seeds_of
# TARGET: the directories of its seed corpus (both from
# tests/fuzz/sources.txt, which CMake reads too).
line_of() {
    l=$(grep "^$1:" tests/fuzz/sources.txt) || {
        echo "fuzz: $1 is not listed in tests/fuzz/sources.txt" >&2
        exit 2
    }
    echo "${l#*:}"
}
sources_of() { line_of "$1" | sed 's/|.*//'; }
seeds_of() { line_of "$1" | sed 's/.*|//'; }

for t in $targets; do
    line_of "$t" >/dev/null
done
status=0
for t in $targets; do
    mkdir -p "$out/corpus-$t" "tests/fuzz/regressions/$t"
    # shellcheck disable=SC2046,SC2086
    clang $cflags "tests/fuzz/fuzz_$t.c" $(sources_of "$t") $libs -o "$out/fuzz_$t"
    echo "== fuzzing $t for ${each}s"
    s=0
    # shellcheck disable=SC2046
    "$out/fuzz_$t" -max_total_time="$each" -max_len=65536 -timeout=10 \
        -artifact_prefix="$out/$t-" -print_final_stats=1 \
        "$out/corpus-$t" $(seeds_of "$t") "tests/fuzz/regressions/$t" \
        >"$out/fuzz-$t.log" 2>&1 || s=$?
    tail -n 6 "$out/fuzz-$t.log"
    if [ "$s" -ne 0 ]; then
        echo "fuzz: $t failed (exit $s); see $out/fuzz-$t.log" >&2
        status=1
    fi
done
exit "$status"
