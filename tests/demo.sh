#!/bin/sh
# make demo: import the shipped samples into a fresh database and run the main
# job on them: the data-quality check, every account's metrics for 2026-Q3, and
# the example report (templates/example.xml) as a PDF deck and an XLSX workbook
# for every account.
set -eu
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
CR="$BUILD/csmreport"
OUT="$BUILD/demo"
rm -rf "$OUT"
mkdir -p "$OUT"
DB="$OUT/demo.db"
S="$TOP/samples"
echo "== import samples/ into $DB"
# Reference data first, so that naive times are read in each account's zone at once.
for kind in partners accounts contracts catalog firmware holidays devices tickets usage calls; do
    [ -f "$S/$kind.csv" ] && "$CR" import --db "$DB" --verbose "$S/$kind.csv"
done
echo
echo "== data-quality check"
"$CR" check --db "$DB"
echo
for account in $(sqlite3 "$DB" "SELECT account_id FROM accounts ORDER BY account_id"); do
    echo "== metrics $account 2026-Q3"
    "$CR" metrics --db "$DB" --account "$account" --period 2026-Q3 --format text
    "$CR" metrics --db "$DB" --account "$account" --period 2026-Q3 --format json \
        >"$OUT/${account}_metrics_2026-Q3.json"
    echo
done
echo "== render templates/example.xml for every account, 2026-Q3"
"$CR" render --db "$DB" --template "$TOP/templates/example.xml" --all --period 2026-Q3 \
    --out "$OUT/reports" -j 2
find "$OUT/reports" -type f | sort
echo
echo "demo output in $OUT"
