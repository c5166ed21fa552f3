#!/bin/sh
# run.sh BUILD_DIR - the import benchmark (`make bench`): imports a generated fleet
# (>= 5M usage rows, in export order and shuffled) with csmreport, kind by kind,
# and times the same usage file with the shared floor (load_floor) and with the
# sqlite3 shell's .import, on the same machine in the same run. Prints a table
# with rows/s, MB/s, peak RSS and the ratios, and writes it as markdown to
# BUILD/bench/report.md for the README. A report, not a pass/fail test.
#
# The usage file is loaded BENCH_ROUNDS times (default 3) by each of the three
# loaders in turn (floor, csmreport, sqlite3) and the median is reported: on a
# shared machine one run of each can be 1.5x off. Then the file is imported
# again into the database that holds it (a re-import: every row unchanged).
#
# Environment: BENCH_FLEET overrides the fleetgen arguments (e.g. a small fleet
# for a quick try); BENCH_ROUNDS the rounds; BENCH_KEEP=1 keeps the databases.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
CR=$BUILD/csmreport
FG=$BUILD/fleetgen
B=$BUILD/bench
SHARED=$TOP/../shared
TIME=/usr/bin/time
FLEET_ARGS=${BENCH_FLEET:---accounts 200 --devices 20000 --months 12 --start 2025-01 --seed 1 --usage-density 0.75}
KINDS="partners accounts contracts catalog firmware holidays devices tickets usage"
ROUNDS=${BENCH_ROUNDS:-3}
RESULTS=$B/results.txt
mkdir -p "$B"
: >"$RESULTS"

say() { printf '%s\n' "$*"; }

# timed LOG CMD...: runs CMD under GNU time, output to LOG; sets RC, SECS, RSS_KB.
timed() {
    log=$1
    shift
    "$TIME" -f '%e %M' -o "$B/.time" "$@" >"$log" 2>&1
    RC=$?
    # GNU time puts "Command exited with non-zero status N" first on failure
    # shellcheck disable=SC2046 # split into seconds and KB on purpose
    set -- $(tail -n 1 "$B/.time")
    SECS=${1:--} RSS_KB=${2:--}
}

# result VARIANT TOOL KIND ROWS BYTES SECS RSS_KB
result() { echo "$*" >>"$RESULTS"; }

rm_db() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

if [ ! -x "$TIME" ]; then
    say "bench: $TIME (GNU time) is missing: apt-get install time"
    exit 1
fi
if [ ! -x "$FG" ]; then
    say "bench: $FG is missing: run make first"
    exit 1
fi

# ---- the floors (shared/bench, built as they are)
FLOOR=$B/load_floor
if ! make -s -C "$SHARED/bench" OUT="$B" >"$B/floors.log" 2>&1; then
    say "bench: cannot build the floors (see $B/floors.log)"
fi
[ -x "$FLOOR" ] || FLOOR=""

# ---- the fleets: regenerated only when the arguments or the generator change
# gen DIR EXTRA_ARGS: writes DIR/.stamp (arguments + generator checksum) and
# DIR/.rows (fleetgen --verbose: rows per file).
gen() {
    dir=$1
    shift
    want="$FLEET_ARGS $* $(cksum <"$TOP/src/tools/fleetgen.c")"
    if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$want" ] && [ -f "$dir/.rows" ]; then
        say "fleet $(basename "$dir"): reused"
        return 0
    fi
    rm -rf "$dir"
    # shellcheck disable=SC2086
    timed "$B/gen.log" "$FG" --out "$dir" $FLEET_ARGS "$@" --verbose
    if [ "$RC" -ne 0 ]; then
        say "bench: fleetgen failed:"
        sed 's/^/    /' "$B/gen.log"
        exit 1
    fi
    cp "$B/gen.log" "$dir/.rows"
    echo "$want" >"$dir/.stamp"
    say "fleet $(basename "$dir"): generated in ${SECS} s"
}
gen "$B/fleet-sorted"
gen "$B/fleet-shuffled" --shuffle

# rows_of DIR KIND: data rows of a file, as fleetgen counted them
rows_of() { awk -v f="$2.csv" '$1 == f { print $2 }' "$1/.rows"; }
bytes_of() { wc -c <"$1" | tr -d ' '; }
warm() { cat "$@" >/dev/null; } # the floors were measured with files in page cache

USAGE_ROWS=$(rows_of "$B/fleet-sorted" usage)
say "usage rows: $USAGE_ROWS ($FLEET_ARGS)"

CR_OK=1
if [ ! -x "$CR" ]; then
    say "csmreport: import not available ($CR missing)"
    CR_OK=0
fi
# time_import LOG DB ARGS...: times `csmreport --db DB import ARGS`, or `csmreport
# import --db DB ARGS` when this build takes the option after the command.
CR_GLOBAL_DB=0
[ "$CR_OK" -eq 1 ] && "$CR" --db "$B/.probe.db" version >/dev/null 2>&1 && CR_GLOBAL_DB=1
rm_db "$B/.probe.db"
time_import() {
    tlog=$1 tdb=$2
    shift 2
    if [ "$CR_GLOBAL_DB" -eq 1 ]; then
        timed "$tlog" "$CR" --db "$tdb" import "$@"
    else
        timed "$tlog" "$CR" import --db "$tdb" "$@"
    fi
}

# usage_round NAME TOOL LOG: records one round of a loader on the usage file
# (after timed), or says how it failed.
usage_round() {
    if [ "$RC" -eq 0 ]; then
        say "  round $round: $1: ${SECS} s, ${RSS_KB} KB"
        result "$variant" "$2" usage "$USAGE_ROWS" "$bytes" "$SECS" "$RSS_KB"
    else
        say "  $1 failed: $(head -n 1 "$3")"
    fi
}

for variant in sorted shuffled; do
    fleet=$B/fleet-$variant
    say "== $variant"

    # csmreport, kind by kind in dependency order (reference data first)
    db=$B/cr-$variant.db
    rm_db "$db"
    for k in $KINDS; do
        f=$fleet/$k.csv
        rows=$(rows_of "$fleet" "$k")
        bytes=$(bytes_of "$f")
        if [ "$CR_OK" -eq 0 ]; then
            result "$variant" csmreport "$k" "$rows" "$bytes" - -
            continue
        fi
        warm "$f"
        time_import "$B/import-$variant-$k.log" "$db" --kind "$k" "$f"
        if [ "$RC" -ne 0 ]; then
            say "csmreport: import not available ($k: exit $RC: $(head -n 1 "$B/import-$variant-$k.log"))"
            result "$variant" csmreport "$k" "$rows" "$bytes" - -
        else
            say "  csmreport import $k: ${SECS} s, ${RSS_KB} KB"
            result "$variant" csmreport "$k" "$rows" "$bytes" "$SECS" "$RSS_KB"
        fi
    done
    f=$fleet/usage.csv
    bytes=$(bytes_of "$f")
    warm "$f"

    # re-import: the same file into the database that holds it
    if [ "$CR_OK" -eq 1 ]; then
        time_import "$B/reimport-$variant.log" "$db" --kind usage "$f"
        if [ "$RC" -eq 0 ]; then
            say "  csmreport re-import usage: ${SECS} s, ${RSS_KB} KB"
            result "$variant" reimport usage "$USAGE_ROWS" "$bytes" "$SECS" "$RSS_KB"
        fi
    fi
    [ "${BENCH_KEEP:-0}" = 1 ] || rm_db "$db"

    round=1
    while [ "$round" -le "$ROUNDS" ]; do
        # the floor: split + one prepared INSERT, WAL, synchronous=OFF
        if [ -n "$FLOOR" ]; then
            fdb=$B/floor-$variant.db
            rm_db "$fdb"
            timed "$B/floor-$variant.log" "$FLOOR" "$f" sqlite "$fdb" WAL
            usage_round load_floor floor "$B/floor-$variant.log"
            rm_db "$fdb"
        fi

        # csmreport: the usage file alone into a new database
        if [ "$CR_OK" -eq 1 ]; then
            udb=$B/cr-usage-$variant.db
            rm_db "$udb"
            time_import "$B/usage-$variant.log" "$udb" --kind usage "$f"
            usage_round "csmreport import" cr-usage "$B/usage-$variant.log"
            rm_db "$udb"
        fi

        # the sqlite3 shell, into a table of the same six columns (its default pragmas)
        if command -v sqlite3 >/dev/null 2>&1; then
            sdb=$B/sqlite3-$variant.db
            rm_db "$sdb"
            sqlite3 "$sdb" "CREATE TABLE usage(date TEXT, account_id TEXT, serial TEXT,
                calls INTEGER, call_minutes INTEGER, meetings INTEGER)"
            timed "$B/sqlite3-$variant.log" sqlite3 "$sdb" ".import --csv --skip 1 '$f' usage"
            usage_round "sqlite3 .import" sqlite3 "$B/sqlite3-$variant.log"
            rm_db "$sdb"
        fi
        round=$((round + 1))
    done
    if [ -n "$FLOOR" ]; then
        timed "$B/parse-$variant.log" "$FLOOR" "$f" parse
        [ "$RC" -eq 0 ] && result "$variant" parse usage "$USAGE_ROWS" "$bytes" "$SECS" "$RSS_KB"
    fi
done

# ---- memory: the first 1M usage rows and the whole file, each into a new database
if [ "$CR_OK" -eq 1 ]; then
    head -n 1000001 "$B/fleet-sorted/usage.csv" >"$B/usage-1m.csv"
    for part in 1m full; do
        if [ "$part" = 1m ]; then
            f=$B/usage-1m.csv rows=$(($(wc -l <"$f") - 1))
        else
            f=$B/fleet-sorted/usage.csv rows=$USAGE_ROWS
        fi
        mdb=$B/mem-$part.db
        rm_db "$mdb"
        warm "$f"
        time_import "$B/mem-$part.log" "$mdb" --kind usage "$f"
        if [ "$RC" -eq 0 ]; then
            result mem csmreport "$part" "$rows" "$(bytes_of "$f")" "$SECS" "$RSS_KB"
        else
            say "csmreport: import not available (usage $part: exit $RC)"
            result mem csmreport "$part" "$rows" "$(bytes_of "$f")" - -
        fi
        rm_db "$mdb"
    done
    rm -f "$B/usage-1m.csv"
fi

# ---- the report
PRAGMAS=""
if [ "$CR_OK" -eq 1 ] && "$CR" version >"$B/version.txt" 2>&1; then
    PRAGMAS=$(grep -i -E 'pragma|journal|synchronous|cache_size|mmap|page_size' "$B/version.txt" |
        tr '\n' ';' | sed 's/;$//; s/;/; /g')
fi
[ -n "$PRAGMAS" ] || PRAGMAS="pragmas not shown by csmreport version"
SQLITE_VERSION=$(sqlite3 --version 2>/dev/null | cut -d' ' -f1)
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
CORES=$(nproc 2>/dev/null || echo '?')

awk -v fleet_args="$FLEET_ARGS" -v pragmas="$PRAGMAS" -v sqlite_version="$SQLITE_VERSION" \
    -v cpu="$CPU" -v cores="$CORES" -v date="$(date -u +%Y-%m-%d)" -v nrounds="$ROUNDS" '
function rate(n, s) { return (s == "-" || s + 0 < 0.01) ? "-" : sprintf("%.0f", n / s) }
function mbs(b, s) { return (s == "-" || s + 0 < 0.01) ? "-" : sprintf("%.1f", b / 1e6 / s) }
function mb(kb) { return kb == "-" ? "-" : sprintf("%.0f", kb / 1024) }
function ratio(a, b) { return (a == "" || b == "" || a == "-" || b == "-" || b + 0 <= 0) ? "-" : sprintf("%.2f", a / b) }
function sec(s) { return s == "" ? "-" : s }
# The median of the runs of a key (the times of one loader, variant and kind).
function median(key,    m, i, j, t, v) {
    m = runs[key]
    for (i = 1; i <= m; i++) v[i] = all[key, i] + 0
    for (i = 2; i <= m; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
}
{
    key = $1 SUBSEP $2 SUBSEP $3
    rows[key] = $4; bytes[key] = $5
    if ($6 != "-") all[key, ++runs[key]] = $6
    if (!(key in rss) || ($7 != "-" && $7 + 0 > rss[key] + 0)) rss[key] = $7
    if ($2 == "csmreport" && $1 != "mem" && !(($3) in seen)) { seen[$3] = 1; kinds[++nk] = $3 }
}
END {
    for (key in rows) secs[key] = runs[key] ? sprintf("%.2f", median(key)) : "-"
    md = "## Import benchmark\n\n"
    md = md sprintf("%s, %s cores, SQLite %s, %s. Fleet: `fleetgen %s`; files in page cache. Per kind: one run; the usage file by three loaders: the median of %d rounds (loaders in turn), peak RSS the largest.\n\n", cpu, cores, sqlite_version, date, fleet_args, nrounds)
    md = md "| kind | rows | MB | sorted s | rows/s | MB/s | peak RSS MB | shuffled s | rows/s | MB/s | peak RSS MB |\n"
    md = md "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    for (i = 1; i <= nk; i++) {
        k = kinds[i]; a = "sorted" SUBSEP "csmreport" SUBSEP k; b = "shuffled" SUBSEP "csmreport" SUBSEP k
        md = md sprintf("| %s | %d | %.1f | %s | %s | %s | %s | %s | %s | %s | %s |\n", k, rows[a], bytes[a] / 1e6,
            secs[a], rate(rows[a], secs[a]), mbs(bytes[a], secs[a]), mb(rss[a]),
            secs[b], rate(rows[b], secs[b]), mbs(bytes[b], secs[b]), mb(rss[b]))
    }
    md = md "\nUsage file, the same rows by three loaders:\n\n"
    md = md "| loader | sorted s | rows/s | peak RSS MB | shuffled s | rows/s | peak RSS MB |\n"
    md = md "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    split("cr-usage floor sqlite3 parse reimport", tools, " ")
    names["cr-usage"] = "`csmreport import` (" pragmas ")"
    names["reimport"] = "`csmreport import` again (every row unchanged)"
    names["floor"] = "`load_floor` (floor: WAL, synchronous=OFF, no index)"
    names["sqlite3"] = "`sqlite3 .import` (shell defaults)"
    names["parse"] = "`load_floor parse` (CSV split only, no SQLite)"
    for (i = 1; i <= 5; i++) {
        t = tools[i]; a = "sorted" SUBSEP t SUBSEP "usage"; b = "shuffled" SUBSEP t SUBSEP "usage"
        if (!(a in rows) && !(b in rows)) continue
        md = md sprintf("| %s | %s | %s | %s | %s | %s | %s |\n", names[t],
            sec(secs[a]), rate(rows[a], secs[a]), mb(rss[a]), sec(secs[b]), rate(rows[b], secs[b]), mb(rss[b]))
    }
    cs = secs["sorted" SUBSEP "cr-usage" SUBSEP "usage"]; ch = secs["shuffled" SUBSEP "cr-usage" SUBSEP "usage"]
    md = md sprintf("| ratio csmreport / floor | %s | | | %s | | |\n",
        ratio(cs, secs["sorted" SUBSEP "floor" SUBSEP "usage"]), ratio(ch, secs["shuffled" SUBSEP "floor" SUBSEP "usage"]))
    md = md sprintf("| ratio csmreport / sqlite3 | %s | | | %s | | |\n",
        ratio(cs, secs["sorted" SUBSEP "sqlite3" SUBSEP "usage"]), ratio(ch, secs["shuffled" SUBSEP "sqlite3" SUBSEP "usage"]))
    md = md "\n(`load_floor` maps the file, so its RSS includes the file pages it read.)\n"
    m1 = "mem" SUBSEP "csmreport" SUBSEP "1m"; mf = "mem" SUBSEP "csmreport" SUBSEP "full"
    if ((m1 in rows) || (mf in rows)) {
        md = md "\nMemory (usage import into a new database):\n\n"
        md = md "| usage rows | s | peak RSS MB |\n| ---: | ---: | ---: |\n"
        if (m1 in rows) md = md sprintf("| %d | %s | %s |\n", rows[m1], secs[m1], mb(rss[m1]))
        if (mf in rows) md = md sprintf("| %d | %s | %s |\n", rows[mf], secs[mf], mb(rss[mf]))
    }
    printf "%s", md
}' "$RESULTS" >"$B/report.md"

say ""
cat "$B/report.md"
say ""
say "(written to $B/report.md; raw numbers in $RESULTS)"

# ---- the other benchmarks: metrics (issue 3), workbook (issue 4), deck (issue 5),
# QBR pair vs the peer (issue 10)
# what lineage costs the usage import, against the build before it (issue 13)
sh "$TOP/tests/bench/lineage.sh" "$BUILD"
sh "$TOP/tests/bench/metrics.sh" "$BUILD"
sh "$TOP/tests/bench/xlsx.sh" "$BUILD"
sh "$TOP/tests/bench/deck.sh" "$BUILD"
# the QBR pair per account against the analyst's script (issue 10)
sh "$TOP/tests/bench/qbr.sh" "$BUILD"
say ""
say "reports: $B/report.md $B/lineage.md $B/metrics.md $B/xlsx.md $B/deck/report.md $B/qbr.md"
