#!/bin/sh
# tests/engine/test_version_gate.sh IPCEMU SHIM SCENARIO: with an older
# Unicorn loaded (SHIM, an LD_PRELOAD library whose uc_version answers
# 2.0.1), every command that runs the emulator exits 2 with one line naming
# the version found and the one needed; `ipcemu --version` prints the
# loaded version; with the real engine the same run works.
set -u
ipcemu="$1" shim="$2" scenario="$3"
fail() { echo "FAIL: $*"; exit 1; }
# Under AddressSanitizer the shim may not come before the ASan runtime.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export ASAN_OPTIONS

out=$(LD_PRELOAD="$shim" "$ipcemu" --version) || fail "--version with 2.0.1 loaded: exit $?"
case "$out" in *"unicorn 2.0.1"*) ;; *) fail "--version does not name the loaded 2.0.1: $out" ;; esac

for cmd in "run $scenario --quiet" "boot --quiet" "selftest"; do
    # shellcheck disable=SC2086
    err=$(LD_PRELOAD="$shim" "$ipcemu" $cmd 2>&1 >/dev/null)
    rc=$?
    [ "$rc" -eq 2 ] || fail "$cmd with Unicorn 2.0.1 loaded: exit $rc, want 2 ($err)"
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "$cmd: not one line: $err"
    case "$err" in *"2.0.1"*"2.1.1"*) ;; *) fail "$cmd: the line does not name 2.0.1 and 2.1.1: $err" ;; esac
done

"$ipcemu" run "$scenario" --quiet || fail "the same run on the real engine: exit $?"
echo "ok: an older Unicorn is refused with exit 2 and one line"
