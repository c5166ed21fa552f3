#!/bin/sh
# metrics.sh [BUILD_DIR [DB]] - the metrics benchmark (issue 3, Speed): on a
# generated fleet (>= 5M usage rows, 200 accounts) times cr_metrics_compute in
# process (tests/bench/metricsbench.c, built here against BUILD/libcsmreport.a:
# the database opened once, no process start-up) for every account on one
# thread and for one account 20 times, for the last quarter of the data and its
# whole year; shows the time per query and EXPLAIN QUERY PLAN of every block of
# src/sql/metrics_*.sql with full scans of usage/tickets/devices/calls flagged.
# Writes BUILD/bench/metrics.md. Goals: one account under 20 ms, all accounts
# under 10 s. A report, not a pass/fail test (tests/e2e/metrics_plan.sh is the
# test of the plans).
#
# Without DB it generates the fleet of tests/bench/run.sh (reused when its stamp
# matches) and imports it into BUILD/bench/metrics.db (reused while the fleet,
# the schema and the importer are unchanged). Environment: BENCH_FLEET as in
# run.sh; METRICS_RUNS (default 20) runs of the one-account timing.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
DB=${2:-}
CR=$BUILD/csmreport
B=$BUILD/bench
FLEET_ARGS=${BENCH_FLEET:---accounts 200 --devices 20000 --months 12 --start 2025-01 --seed 1 --usage-density 0.75}
KINDS="partners accounts contracts catalog firmware holidays devices tickets usage"
RUNS=${METRICS_RUNS:-20}
MD=$B/metrics.md
mkdir -p "$B"

say() { printf '%s\n' "$*"; }

if [ ! -x "$CR" ] || [ ! -f "$BUILD/libcsmreport.a" ]; then
    say "metrics bench: $CR or $BUILD/libcsmreport.a is missing: run make first"
    exit 1
fi

# ---- the database
if [ -z "$DB" ]; then
    fleet=$B/fleet-sorted
    # the stamp as run.sh writes it, so either script reuses the other's fleet
    want="$FLEET_ARGS  $(cksum <"$TOP/src/tools/fleetgen.c")"
    if [ -f "$fleet/.stamp" ] && [ "$(cat "$fleet/.stamp")" = "$want" ] && [ -f "$fleet/.rows" ]; then
        say "fleet: reused $fleet"
    else
        rm -rf "$fleet"
        # shellcheck disable=SC2086 # FLEET_ARGS holds several arguments
        if ! "$BUILD/fleetgen" --out "$fleet" $FLEET_ARGS --verbose >"$B/gen.log" 2>&1; then
            say "metrics bench: fleetgen failed:"
            sed 's/^/    /' "$B/gen.log"
            exit 1
        fi
        cp "$B/gen.log" "$fleet/.rows"
        echo "$want" >"$fleet/.stamp"
        say "fleet: generated $fleet"
    fi
    DB=$B/metrics.db
    dbwant="$want $(cat "$TOP"/src/sql/schema_v1.sql "$TOP"/src/sql/import.sql "$TOP"/src/ingest/ingest.c | cksum)"
    if [ -f "$DB" ] && [ -f "$DB.stamp" ] && [ "$(cat "$DB.stamp")" = "$dbwant" ]; then
        say "database: reused $DB"
    else
        rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.stamp"
        files=""
        for k in $KINDS; do files="$files $fleet/$k.csv"; done
        start=$(date +%s)
        # shellcheck disable=SC2086 # one word per file
        if ! "$CR" import --db "$DB" $files >"$B/metrics-import.log" 2>&1; then
            say "metrics bench: import failed:"
            sed 's/^/    /' "$B/metrics-import.log" | head -20
            exit 1
        fi
        echo "$dbwant" >"$DB.stamp"
        say "database: imported $DB in $(($(date +%s) - start)) s"
    fi
fi
[ -f "$DB" ] || { say "metrics bench: no database $DB"; exit 1; }

# ---- the bench program, with the Makefile's flags
BENCH=$B/metricsbench
# shellcheck disable=SC2046 # pkg-config output is several words on purpose
if ! ${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Wpedantic \
    -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter -Werror \
    -O2 -g -DNDEBUG -I"$TOP/include" $(pkg-config --cflags sqlite3) -o "$BENCH" \
    "$TOP/tests/bench/metricsbench.c" "$BUILD/libcsmreport.a" \
    $(pkg-config --libs sqlite3 libxml-2.0 cairo pangocairo xlsxwriter) -lm -lpthread \
    >"$B/metricsbench.log" 2>&1; then
    say "metrics bench: cannot build metricsbench:"
    sed 's/^/    /' "$B/metricsbench.log"
    exit 1
fi

# ---- the periods: the last quarter of the usage data, and its year
last=$(sqlite3 -readonly "$DB" "SELECT max(date) FROM usage")
usage_rows=$(sqlite3 -readonly "$DB" "SELECT count(*) FROM usage")
accounts=$(sqlite3 -readonly "$DB" "SELECT count(*) FROM accounts")
devices=$(sqlite3 -readonly "$DB" "SELECT count(*) FROM devices")
tickets=$(sqlite3 -readonly "$DB" "SELECT count(*) FROM tickets")
if [ -z "$last" ]; then
    say "metrics bench: no usage in $DB"
    exit 1
fi
year=${last%%-*}
month=$(echo "$last" | cut -d- -f2 | sed 's/^0//')
quarter="$year-Q$(((month + 2) / 3))"

CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
{
    say "## Metrics benchmark"
    say ""
    say "$CPU, SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1), $(date -u +%Y-%m-%d)."
    say "Database: $usage_rows usage rows, $accounts accounts, $devices device rows, $tickets tickets."
    say "\`cr_metrics_compute\` in process (\`tests/bench/metrics.sh\`: the database opened once,"
    say "warm page cache, one thread; one pass over all accounts after a profiled pass, then the"
    say "median and the slowest account $RUNS times each). Goals: one account under 20 ms, all"
    say "accounts under 10 s."
    say ""
} >"$MD"

status=0
goals=""
for period in "$quarter" "$year"; do
    say "== period $period"
    out=$B/metrics-$period.txt
    "$BENCH" --db "$DB" --period "$period" --runs "$RUNS" --md "$B/metrics-$period.md" \
        "$TOP"/src/sql/metrics_*.sql >"$out" 2>&1
    rc=$?
    cat "$out"
    if [ "$rc" -gt 1 ]; then
        say "metrics bench: metricsbench failed for $period"
        status=1
        continue
    fi
    cat "$B/metrics-$period.md" >>"$MD"
    say "" >>"$MD"
    # summary PERIOD accounts=N total_s=S median_ms=M max_ms=X
    goals="$goals$(awk '$1 == "summary" {
        split($4, t, "="); split($6, x, "=")
        printf "| %s | %.2f s %s | %.2f ms %s |\\n", $2, t[2], t[2] < 10 ? "(met)" : "(missed)",
               x[2], x[2] < 20 ? "(met)" : "(missed)" }' "$out")"
done

{
    say "### Goals"
    say ""
    say "| period | all accounts, one thread (goal < 10 s) | slowest account (goal < 20 ms) |"
    say "| --- | ---: | ---: |"
    printf '%b' "$goals"
} >>"$MD"

say ""
say "(written to $MD)"
exit "$status"
