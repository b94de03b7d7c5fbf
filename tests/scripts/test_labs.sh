#!/bin/sh
# tests/scripts/test_labs.sh SOURCE_DIR IPCEMU ARCH: the labs of docs/labs/
# on one architecture. Every answer (docs/labs/answers/*.json) runs and every
# expectation holds (exit status 0); every exercise (docs/labs/exercises/*.json)
# as shipped fails its expectations (exit status 1: the student's change is
# what makes it hold); every file a lab page names exists, and README.md
# links every page. The lab scenarios themselves are in scenarios/, which
# integration/run runs on every architecture.
set -u
src="$1"
ipcemu="$2"
arch="$3"
fail() { echo "FAIL: $*"; exit 1; }
n=0
for f in "$src"/docs/labs/answers/*.json; do
    out=$("$ipcemu" run "$f" --arch "$arch" --quiet 2>&1)
    rc=$?
    [ "$rc" -eq 0 ] || fail "$f on $arch: exit $rc, expected 0
$out"
    n=$((n + 1))
done
for f in "$src"/docs/labs/exercises/*.json; do
    out=$("$ipcemu" run "$f" --arch "$arch" --quiet 2>&1)
    rc=$?
    [ "$rc" -eq 1 ] || fail "$f on $arch: exit $rc, expected 1 (the exercise as shipped fails)
$out"
    a="$src/docs/labs/answers/$(basename "$f")"
    [ -f "$a" ] || fail "$f has no answer $a"
    n=$((n + 1))
done
[ "$n" -ge 24 ] || fail "only $n exercises and answers"
pages=0
for p in "$src"/docs/labs/[0-9][0-9]-*.md; do
    grep -q "($(basename "$p"))" "$src/docs/labs/README.md" || fail "README.md does not link $p"
    for name in $(grep -o '\(scenarios\|docs/labs\|docs/images/labs\)/[A-Za-z0-9_./-]*\.\(json\|c\|png\)' "$p" | sort -u); do
        [ -f "$src/$name" ] || fail "$p names $name, which does not exist"
    done
    [ "$(wc -l < "$p")" -le 80 ] || fail "$p is over 80 lines"
    pages=$((pages + 1))
done
[ "$pages" -ge 12 ] || fail "only $pages lab pages"
echo "labs on $arch: $n exercises and answers as expected, $pages pages"
