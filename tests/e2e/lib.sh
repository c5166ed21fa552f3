# lib.sh - shared helpers for the end-to-end tests (sourced, POSIX sh).
# Each check prints "PASS name" or "FAIL name: why"; tests/run.sh tallies them.
# $CSMREPORT is the binary, $TOP the checkout, $BUILD the build folder.
set -u
: "${CSMREPORT:=build/csmreport}" "${TOP:=.}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/csmreport-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PY=/usr/bin/python3
# CI may start the tests with neither HOME nor SHELL set (no login); the tools
# the tests drive (GNU parallel, LibreOffice) expect both, as on any login.
[ -n "${HOME:-}" ] || { HOME=$WORK; export HOME; }
[ -n "${SHELL:-}" ] || { SHELL=/bin/sh; export SHELL; }

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# check_eq NAME GOT WANT
check_eq() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}

# check_contains NAME HAYSTACK NEEDLE
check_contains() {
    case "$2" in
        *"$3"*) pass "$1" ;;
        *) fail "$1" "'$3' not in: $(printf '%s' "$2" | head -c 600)" ;;
    esac
}

# db_digest DB: a digest of the content of every data table (the import log
# aside), rows in key order, so two databases with the same data compare equal.
db_digest() {
    for t in partners accounts contracts catalog firmware holidays devices tickets usage calls; do
        echo "== $t"
        sqlite3 -readonly "$1" "SELECT * FROM $t ORDER BY 1,2,3" 2>&1
    done | md5sum | cut -d' ' -f1
}

# run_cr ARGS...: runs csmreport, stores stdout, stderr and the exit code in
# $OUT, $ERR, $RC.
run_cr() {
    "$CSMREPORT" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
}

# rollup_diff DB: rows of usage_months that differ from the roll-up computed
# afresh from usage_days, both ways (0 when the roll-up is exact).
rollup_diff() {
    sqlite3 "$1" "WITH fresh AS (
        SELECT id >> 16 AS serial_id,
               unixepoch((id & 65535) * 86400, 'unixepoch', 'start of month') / 86400 AS first_day,
               account_id, count(*) AS days, sum(calls > 0 OR call_minutes > 0) AS active_days,
               sum(calls) AS calls, sum(call_minutes) AS call_minutes
          FROM usage_days GROUP BY 1, 2, 3)
      , stored AS (SELECT serial_id, first_day, account_id, days, active_days, calls, call_minutes FROM usage_months)
      SELECT (SELECT count(*) FROM (SELECT * FROM fresh EXCEPT SELECT * FROM stored))
           + (SELECT count(*) FROM (SELECT * FROM stored EXCEPT SELECT * FROM fresh))"
}

# import_samples DB NAME: imports every export of samples/ into DB, reference
# data first, as one command; on failure reports NAME's failure and exits the
# test (nothing after it can be checked).
import_samples() {
    S="$TOP/samples"
    run_cr import --db "$1" "$S/partners.csv" "$S/accounts.csv" "$S/contracts.csv" \
        "$S/catalog.csv" "$S/firmware.csv" "$S/holidays.csv" "$S/devices.csv" \
        "$S/tickets.csv" "$S/usage.csv" "$S/calls.csv"
    if [ "$RC" -ne 0 ]; then
        fail "$2" "exit $RC: $(printf '%s' "$ERR" | head -c 600)"
        exit 1
    fi
}
