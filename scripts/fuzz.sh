#!/bin/sh
# scripts/fuzz.sh [SECONDS]: builds the libFuzzer target of the scenario
# loader with clang (AddressSanitizer + UBSan) and runs it for SECONDS
# (default 60), starting from the scenarios and the malformed corpus. New
# inputs it finds go to build-fuzz/corpus (not committed); a crash leaves
# its input in build-fuzz/ and fails the script.
set -eu
cd "$(dirname "$0")/.."
seconds="${1:-60}"
out=build-fuzz
mkdir -p "$out/corpus"
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -D_POSIX_C_SOURCE=200809L -I. -Iguest-kernel $(pkg-config --cflags libcjson) \
    tests/fuzz/fuzz_scenario.c machine/scenario.c tracer/trace.c \
    $(pkg-config --libs libcjson) -o "$out/fuzz_scenario"
echo "== fuzzing the scenario loader for ${seconds}s"
status=0
"$out/fuzz_scenario" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -artifact_prefix="$out/" -print_final_stats=1 \
    "$out/corpus" scenarios tests/machine/scenarios_bad tests/fuzz/regressions \
    >"$out/fuzz.log" 2>&1 || status=$?
tail -n 6 "$out/fuzz.log"
if [ "$status" -ne 0 ]; then
    echo "fuzz: the scenario loader failed (exit $status); see $out/fuzz.log" >&2
    exit 1
fi
