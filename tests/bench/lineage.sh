#!/bin/sh
# lineage.sh BUILD_DIR - what lineage costs the import (issue 13; called by
# tests/bench/run.sh after the import benchmark, whose usage file it reads):
# the store size and the import time of the usage file, with this build and
# with the build of the commit before lineage (schema 4), made from this
# checkout's history into BUILD/bench/lineage/base. The two binaries import the
# same file into new stores in turns (base, this, base, ...), BENCH_ROUNDS times
# (default 3); medians of CPU (user + system) and wall time, the store size
# after a WAL checkpoint, and the ratios. Writes BUILD/bench/lineage.md.
# The goal: less than 5 % more store and less than 5 % more import time.
# A report, not a pass/fail test; without git history it says so and stops.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
B=$BUILD/bench/lineage
CR=$BUILD/csmreport
TIME=/usr/bin/time
ROUNDS=${BENCH_ROUNDS:-3}
USAGE=${BENCH_LINEAGE_USAGE:-$BUILD/bench/fleet-sorted/usage.csv}
mkdir -p "$B"
say() { printf '%s\n' "$*"; }

if [ ! -f "$USAGE" ]; then
    say "lineage bench: $USAGE missing (run the import benchmark first): skipped"
    exit 0
fi
# the commit before lineage came: on the first-parent line (main), the parent
# of the commit (or merge) that added schema 5, so the two builds differ by
# lineage and what came after it, not by other branches' work
added=$(cd "$TOP" && git log --first-parent --diff-filter=A --format=%H -- src/sql/schema_v5.sql 2>/dev/null | tail -n 1)
if [ -z "$added" ]; then
    say "lineage bench: no git history of src/sql/schema_v5.sql here: skipped"
    exit 0
fi
base_rev=$(cd "$TOP" && git rev-parse "$added^1")
BASE=$B/base
if [ ! -x "$BASE/build/csmreport" ] || [ "$(cat "$BASE/.rev" 2>/dev/null)" != "$base_rev" ]; then
    rm -rf "$BASE" && mkdir -p "$BASE"
    say "lineage bench: building the schema 4 baseline ($base_rev)"
    if ! (cd "$TOP" && git archive "$base_rev") | tar -x -C "$BASE" ||
        ! make -s -C "$BASE" -j2 all >"$B/base-build.log" 2>&1; then
        say "lineage bench: cannot build the baseline (see $B/base-build.log): skipped"
        exit 0
    fi
    echo "$base_rev" >"$BASE/.rev"
fi

# one LABEL BIN: imports the usage file into a new store; appends
# "LABEL cpu wall bytes" to the results
RESULTS=$B/results.txt
: >"$RESULTS"
one() {
    db=$B/$1.db
    rm -f "$db" "$db-wal" "$db-shm"
    "$TIME" -f '%U %S %e' -o "$B/.time" "$2" import --quiet --db "$db" --kind usage "$USAGE" \
        >"$B/$1.log" 2>&1 || { say "  $1: import failed: $(head -n 2 "$B/$1.log")"; return; }
    sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null 2>&1
    set -- "$1" $(tail -n 1 "$B/.time")
    bytes=$(wc -c <"$db" | tr -d ' ')
    cpu=$(awk -v u="$2" -v s="$3" 'BEGIN { printf "%.2f", u + s }')
    echo "$1 $cpu $4 $bytes" >>"$RESULTS"
    say "  $1: ${cpu} s cpu, $4 s wall, $bytes bytes"
}
cat "$USAGE" >/dev/null # page cache, for both alike
r=1
while [ "$r" -le "$ROUNDS" ]; do
    one schema4 "$BASE/build/csmreport"
    one schema5 "$CR"
    r=$((r + 1))
done
rm -f "$B"/schema?.db "$B"/schema?.db-wal "$B"/schema?.db-shm

awk -v rows="$(($(wc -l <"$USAGE") - 1))" -v base="$base_rev" '
function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ n[$1]++; cpu[$1, n[$1]] = $2; wall[$1, n[$1]] = $3; size[$1] = $4 }
END {
    for (k in n) { for (i = 1; i <= n[k]; i++) { c[i] = cpu[k, i]; w[i] = wall[k, i] }
                   mc[k] = median(c, n[k]); mw[k] = median(w, n[k]) }
    printf "Lineage cost, usage import of %d rows into a new store (schema 4 = %s, before lineage; medians of %d rounds in turns):\n\n", rows, substr(base, 1, 7), n["schema5"]
    printf "| | schema 4 | schema 5 | change | goal |\n| --- | ---: | ---: | ---: | --- |\n"
    printf "| store bytes | %d | %d | %+.1f %% | < +5 %% |\n", size["schema4"], size["schema5"], 100 * (size["schema5"] / size["schema4"] - 1)
    printf "| import cpu s | %.2f | %.2f | %+.1f %% | < +5 %% |\n", mc["schema4"], mc["schema5"], 100 * (mc["schema5"] / mc["schema4"] - 1)
    printf "| import wall s | %.2f | %.2f | %+.1f %% | |\n", mw["schema4"], mw["schema5"], 100 * (mw["schema5"] / mw["schema4"] - 1)
}' "$RESULTS" >"$B/../lineage.md"
say ""
cat "$B/../lineage.md"
