#!/bin/sh
# tests/scripts/test_adding_things.sh SOURCE_DIR: docs/adding-things.md
# against the tree. For each section ("## ..."): its probe (an extended
# regular expression, `Probe: `REGEX``) is searched in the tracked sources
# outside tests/, docs/, scenarios/ and profiles/; every file it matches
# must be listed in the section (a "- `path`" line, `<arch>`, `<name>` and
# `<object>` matching any name; or named under "Also names it:"). Every
# listed path must exist, and "Touches N files" must count the "- `path`"
# lines above "Also names it". Prints what is wrong; exits 1 if anything is.
set -u
src="$1"
doc="$src/docs/adding-things.md"
cd "$src" || exit 2
[ -f "$doc" ] || { echo "FAIL: no $doc"; exit 1; }
git ls-files >/dev/null 2>&1 || { echo "FAIL: not a git checkout: $src"; exit 1; }
awk '
    function flush() {
        if (title == "") return
        printf "%s\t%s\t%s\t%d\t%s\t%s\n", title, probe, want, n, listed, also
    }
    /^## / { flush(); title = substr($0, 4); probe = ""; want = -1; n = 0; listed = ""
             also = ""; inalso = 0; next }
    /^Probe: `/ { p = $0; sub(/^Probe: `/, "", p); sub(/`[^`]*$/, "", p); probe = p; next }
    /[Tt]ouches [0-9]+ file/ { m = $0; sub(/.*[Tt]ouches /, "", m); want = m + 0; next }
    /^Also names it:/ { inalso = 1; next }
    /^- `/ || (inalso && /^  /) {
        line = $0
        while (match(line, /`[^`]+`/)) {
            tok = substr(line, RSTART + 1, RLENGTH - 2)
            line = substr(line, RSTART + RLENGTH)
            if (tok !~ /\// && tok !~ /\.(c|h|txt|sh|cmake|S)$/ && tok != "CMakeLists.txt") continue
            if (inalso) also = also " " tok
            else { listed = listed " " tok; n++; break }
        }
        next
    }
    END { flush() }
' "$doc" >"${TMPDIR:-/tmp}/adding.$$"
bad=0
sections=0
while IFS="$(printf '\t')" read -r title probe want n listed also; do
    [ -n "$probe" ] || continue
    sections=$((sections + 1))
    if [ "$want" != "$n" ]; then
        echo "FAIL: $title: says it touches $want files but lists $n"
        bad=1
    fi
    for f in $listed; do
        case "$f" in
        *"<"*) ;;
        *) [ -e "$f" ] || { echo "FAIL: $title: $f is listed but does not exist"; bad=1; } ;;
        esac
    done
    hits=$(git grep -l -E "$probe" -- . ':!tests' ':!docs' ':!scenarios' ':!profiles' ':!*.md')
    [ -n "$hits" ] || { echo "FAIL: $title: the probe '$probe' finds nothing"; bad=1; }
    for h in $hits; do
        ok=0
        for f in $listed $also; do
            pat=$(printf '%s' "$f" | sed 's/<[a-z]*>/*/g')
            case "$pat" in */) pat="$pat*" ;; esac
            # shellcheck disable=SC2254
            case "$h" in $pat) ok=1; break ;; esac
        done
        if [ "$ok" -eq 0 ]; then
            echo "FAIL: $title: $h names the probe '$probe' but is not in the list"
            bad=1
        fi
    done
    echo "checked: $title ($n files; probe found in $(echo "$hits" | wc -l) files)"
done <"${TMPDIR:-/tmp}/adding.$$"
rm -f "${TMPDIR:-/tmp}/adding.$$"
[ "$sections" -ge 7 ] || { echo "FAIL: only $sections sections with a probe"; bad=1; }
[ "$bad" -eq 0 ] && echo PASS
exit "$bad"
