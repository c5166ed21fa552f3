#!/bin/sh
# make valgrind: every unit test and a sample import + metrics under memcheck.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
VG="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-possibly-lost=no --suppressions=$TOP/tests/valgrind-deck.supp"
failed=0 passed=0
for t in "$BUILD"/tests/test_*; do
    if $VG "$t" >/dev/null 2>"$BUILD/vg.log"; then
        passed=$((passed + 1)); echo "PASS valgrind $(basename "$t")"
    else
        failed=$((failed + 1)); echo "FAIL valgrind $(basename "$t")"; head -30 "$BUILD/vg.log"
    fi
done
DB=$(mktemp -d)/vg.db
for f in partners accounts contracts catalog firmware holidays devices tickets usage calls; do
    [ -f "$TOP/samples/$f.csv" ] || continue
    if $VG "$BUILD/csmreport" import --db "$DB" "$TOP/samples/$f.csv" 2>"$BUILD/vg.log"; then
        passed=$((passed + 1)); echo "PASS valgrind import $f"
    else
        failed=$((failed + 1)); echo "FAIL valgrind import $f"; head -30 "$BUILD/vg.log"
    fi
done
# usage again: every row looked up (the path of a filled table).
if $VG "$BUILD/csmreport" import --db "$DB" "$TOP/samples/usage.csv" 2>"$BUILD/vg.log"; then
    passed=$((passed + 1)); echo "PASS valgrind re-import usage"
else
    failed=$((failed + 1)); echo "FAIL valgrind re-import usage"; head -30 "$BUILD/vg.log"
fi
for a in $(sqlite3 "$DB" "SELECT account_id FROM accounts"); do
    if $VG "$BUILD/csmreport" metrics --db "$DB" --account "$a" --period 2026-Q3 --format json >/dev/null 2>"$BUILD/vg.log"; then
        passed=$((passed + 1)); echo "PASS valgrind metrics $a"
    else
        failed=$((failed + 1)); echo "FAIL valgrind metrics $a"; head -30 "$BUILD/vg.log"
    fi
done
# One account's example report, PDF and XLSX, through the whole render path.
if $VG "$BUILD/csmreport" render --db "$DB" --template "$TOP/templates/example.xml" \
        --account FR-ECLAIR --period 2026-Q3 --out "$(dirname "$DB")/out" 2>"$BUILD/vg.log"; then
    passed=$((passed + 1)); echo "PASS valgrind render FR-ECLAIR"
else
    failed=$((failed + 1)); echo "FAIL valgrind render FR-ECLAIR"; head -30 "$BUILD/vg.log"
fi
# The shipped reports through the whole path: a QBR (deck, workbook with its
# formulas, the previous period's metrics, the account's data-quality findings)
# and a partner's monthly report.
if $VG "$BUILD/csmreport" render --db "$DB" --template "$TOP/templates/qbr.xml" \
        --account NO-NORDLYS --period 2026-Q3 --out "$(dirname "$DB")/out" 2>"$BUILD/vg.log"; then
    passed=$((passed + 1)); echo "PASS valgrind render qbr NO-NORDLYS"
else
    failed=$((failed + 1)); echo "FAIL valgrind render qbr NO-NORDLYS"; head -30 "$BUILD/vg.log"
fi
if $VG "$BUILD/csmreport" render --db "$DB" --template "$TOP/templates/partner-monthly.xml" \
        --partner PT-INTEGRA --period 2026-09 --out "$(dirname "$DB")/out" 2>"$BUILD/vg.log"; then
    passed=$((passed + 1)); echo "PASS valgrind render partner-monthly PT-INTEGRA"
else
    failed=$((failed + 1)); echo "FAIL valgrind render partner-monthly PT-INTEGRA"; head -30 "$BUILD/vg.log"
fi
# The scheduled job: imports, both reports for every subject, the messages
# written to the outbox (GMime).
if $VG "$BUILD/csmreport" run --db "$(dirname "$DB")/run.db" --date 2026-10-05 \
        --out "$(dirname "$DB")/run-out" "$TOP/samples/batch.xml" 2>"$BUILD/vg.log"; then
    passed=$((passed + 1)); echo "PASS valgrind run samples/batch.xml"
else
    failed=$((failed + 1)); echo "FAIL valgrind run samples/batch.xml"; head -30 "$BUILD/vg.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
