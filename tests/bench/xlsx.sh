#!/bin/sh
# xlsx.sh BUILD_DIR - the workbook benchmark: 1,000,000 rows x 6 columns (3 short
# strings, 3 numbers) written by ../shared/bench/xlsx_floor (libxlsxwriter
# called directly, constant memory: the floor) and by cr_workbook_write from a
# cr_report whose sheet streams the same cells from a cr_row_source, as a large
# dataset's sheet does (tests/bench/xlsxbench.c), timed with GNU time (wall
# seconds, peak RSS). Goal (issue 4): within 1.3x of the floor's time, peak RSS
# under 64 MB. Writes BUILD/bench/xlsx.md. A report, not a pass/fail test.
#
# Environment: BENCH_XLSX_ROWS (default 1000000), BENCH_REPS (default 3; the
# median is reported).
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
B=$BUILD/bench
SHARED=$TOP/../shared
TIME=/usr/bin/time
ROWS=${BENCH_XLSX_ROWS:-1000000}
REPS=${BENCH_REPS:-3}
mkdir -p "$B"

say() { printf '%s\n' "$*"; }
if [ ! -x "$TIME" ]; then
    say "bench: $TIME (GNU time) is missing: apt-get install time"
    exit 1
fi
if ! make -s -C "$SHARED/bench" OUT="$B" >"$B/floors.log" 2>&1 || [ ! -x "$B/xlsx_floor" ]; then
    say "bench: cannot build xlsx_floor (see $B/floors.log)"
    exit 1
fi
PKGS="xlsxwriter"
# shellcheck disable=SC2046
if ! cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -DNDEBUG -I"$TOP/include" \
    -o "$B/xlsxbench" "$TOP/tests/bench/xlsxbench.c" "$TOP/src/render/workbook.c" "$TOP/src/template/report.c" \
    "$TOP/src/core/numfmt.c" "$TOP/src/core/datetime.c" "$TOP/src/render/chartlayout.c" "$TOP/src/core/error.c" \
    "$TOP/src/core/outfile.c" \
    $(pkg-config --cflags --libs $PKGS) -lm >"$B/xlsxbench.log" 2>&1; then
    say "bench: cannot build xlsxbench:"
    sed 's/^/    /' "$B/xlsxbench.log"
    exit 1
fi

# timed LOG CMD...: sets RC, SECS (wall), RSS_KB, CPU (user + system seconds)
timed() {
    log=$1
    shift
    "$TIME" -f '%e %M %U %S' -o "$B/.time" "$@" >"$log" 2>&1
    RC=$?
    # shellcheck disable=SC2046
    set -- $(tail -n 1 "$B/.time")
    SECS=${1:--} RSS_KB=${2:--}
    CPU=$(echo "${3:-0} ${4:-0}" | awk '{ printf "%.2f", $1 + $2 }')
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }

: >"$B/xlsx-floor.txt"
: >"$B/xlsx-cr.txt"
: >"$B/xlsx-cr-phases.txt"
: >"$B/xlsx-ratios.txt"
i=1
while [ "$i" -le "$REPS" ]; do
    rm -f "$B/floor.xlsx" "$B/cr.xlsx"
    timed "$B/xlsx-floor.log" "$B/xlsx_floor" "$B/floor.xlsx" const "$ROWS"
    FLOOR_RUN="$SECS $RSS_KB $CPU"
    [ "$RC" -eq 0 ] && echo "$FLOOR_RUN" >>"$B/xlsx-floor.txt"
    timed "$B/xlsx-cr.log" "$B/xlsxbench" "$B/cr.xlsx" "$ROWS" stream
    if [ "$RC" -eq 0 ]; then
        echo "$SECS $RSS_KB $CPU" >>"$B/xlsx-cr.txt"
        # the ratios of this pair of runs (the machine's load changes less within a pair)
        echo "$FLOOR_RUN $SECS $CPU" | awk '{ printf "%.3f %.3f\n", $4 / $1, $5 / ($3 > 0 ? $3 : 1) }' >>"$B/xlsx-ratios.txt"
        grep '^build ' "$B/xlsx-cr.log" >>"$B/xlsx-cr-phases.txt"
    else
        say "xlsxbench failed: $(head -n 3 "$B/xlsx-cr.log")"
    fi
    say "  run $i: floor $(tail -n 1 "$B/xlsx-floor.txt"), csmreport $(tail -n 1 "$B/xlsx-cr.txt") ($(tail -n 1 "$B/xlsx-cr-phases.txt"))"
    i=$((i + 1))
done

F_S=$(cut -d' ' -f1 "$B/xlsx-floor.txt" | median)
F_M=$(cut -d' ' -f2 "$B/xlsx-floor.txt" | median)
C_S=$(cut -d' ' -f1 "$B/xlsx-cr.txt" | median)
C_M=$(cut -d' ' -f2 "$B/xlsx-cr.txt" | median)
F_CPU=$(cut -d' ' -f3 "$B/xlsx-floor.txt" | median)
C_CPU=$(cut -d' ' -f3 "$B/xlsx-cr.txt" | median)
R_WALL=$(cut -d' ' -f1 "$B/xlsx-ratios.txt" | median)
R_CPU=$(cut -d' ' -f2 "$B/xlsx-ratios.txt" | median)
WRITE_S=$(awk '{ print $4 }' "$B/xlsx-cr-phases.txt" | median)
F_SIZE=$(wc -c <"$B/floor.xlsx" 2>/dev/null | tr -d ' ')
C_SIZE=$(wc -c <"$B/cr.xlsx" 2>/dev/null | tr -d ' ')
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)

awk -v rows="$ROWS" -v reps="$REPS" -v fs="$F_S" -v fm="$F_M" -v cs="$C_S" -v cm="$C_M" \
    -v ws="$WRITE_S" -v fsize="${F_SIZE:-0}" -v csize="${C_SIZE:-0}" \
    -v fcpu="$F_CPU" -v ccpu="$C_CPU" -v rwall="$R_WALL" -v rcpu="$R_CPU" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" \
    -v cpu="$CPU_MODEL" -v date="$(date -u +%Y-%m-%d)" -v lxw="$(sed -n 's/^#define LXW_VERSION "\(.*\)"/\1/p' "$(pkg-config --variable=includedir xlsxwriter)/xlsxwriter.h")" '
function mb(kb) { return kb == "-" ? "-" : sprintf("%.0f", kb / 1024) }
function ratio(a, b) { return (a == "-" || b == "-" || b + 0 <= 0) ? "-" : sprintf("%.2f", a / b) }
BEGIN {
    printf "## Workbook benchmark\n\n"
    printf "%s, libxlsxwriter %s, %s, load average %s. %d rows x 6 columns (3 short strings, 3 numbers: the floor writes them without a format, csmreport in `#,##0`), one sheet; medians of %d interleaved runs.\n\n", cpu, lxw, date, load, rows, reps
    printf "| writer | wall s | CPU s | peak RSS MB | file MB |\n| --- | ---: | ---: | ---: | ---: |\n"
    printf "| `xlsx_floor const` (floor: libxlsxwriter called directly) | %s | %s | %s | %.1f |\n", fs, fcpu, mb(fm), fsize / 1e6
    printf "| `cr_workbook_write`, the sheet streamed from a cr_row_source (whole program) | %s | %s | %s | %.1f |\n", cs, ccpu, mb(cm), csize / 1e6
    printf "| of which: cr_workbook_write | %s | | | |\n", ws
    printf "| ratio whole program / floor (median of per-pair ratios) | %s | %s | %s | |\n", rwall, rcpu, ratio(cm, fm)
    printf "\nGoal: wall ratio at most 1.30, peak RSS under 64 MB. The rows are never held in memory: the writer pulls one row at a time from the source (as from a template dataset over 50,000 rows) and libxlsxwriter writes it at once (constant-memory mode).\n"
}' >"$B/xlsx.md"
say ""
cat "$B/xlsx.md"
rm -f "$B/floor.xlsx" "$B/cr.xlsx"
