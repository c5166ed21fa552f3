#!/bin/sh
# Runs every test: the unit test programs in BUILD/tests and the end-to-end
# scripts in tests/e2e. Each prints "PASS name" / "FAIL name ..." lines; a program
# that exits non-zero without a FAIL line counts as one failure. Ends with
# "N passed, M failed". TESTS=pattern runs only the matching ones.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
export CSMREPORT="$BUILD/csmreport" FLEETGEN="$BUILD/fleetgen" TOP BUILD
LOG=$(mktemp -d "${TMPDIR:-/tmp}/csmreport-tests.XXXXXX")
passed=0 failed=0
run_one() {
    name=$1; shift
    out="$LOG/$(echo "$name" | tr '/' '_').log"
    start=$(date +%s)
    "$@" >"$out" 2>&1
    rc=$?
    p=$(grep -c '^PASS ' "$out")
    f=$(grep -c '^FAIL ' "$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "FAIL $name: exited $rc without a FAIL line" >>"$out"
    fi
    passed=$((passed + p)); failed=$((failed + f))
    printf '%-40s %4d passed %3d failed  %3ss\n' "$name" "$p" "$f" $(( $(date +%s) - start ))
    if [ "$f" -ne 0 ]; then
        grep -A3 '^FAIL ' "$out" | sed 's/^/    /' | head -40
        tail -5 "$out" | sed 's/^/    | /'
    fi
}
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    case "$(basename "$t")" in *${TESTS:-}*) ;; *) continue ;; esac
    run_one "unit/$(basename "$t")" "$t"
done
for t in "$TOP"/tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    case "$(basename "$t")" in *${TESTS:-}*) ;; *) continue ;; esac
    run_one "e2e/$(basename "$t" .sh)" sh "$t"
done
echo "logs in $LOG"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
