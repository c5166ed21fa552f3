#!/bin/sh
# qbr.sh BUILD_DIR - the QBR pair benchmark (called by tests/bench/run.sh): the
# complete pair (PDF + XLSX) for every account of a fleet made by the analyst's
# generator (../shared/peer/gen_fleet.py, 50 accounts x 200 devices, seed 1:
# 3.6 M usage rows), by csmreport and by the analyst's pandas + matplotlib +
# XlsxWriter script (../shared/peer/qbr_peer.py), on the same CSV files, one
# core each (-j 1), in turns in the same run (csmreport, peer, csmreport, ...).
# csmreport is timed twice: `render --all` alone (the pair per account) and
# `import` of the CSVs into a new database + `render --all` (the peer reads the
# CSVs on every run, so this is the like-for-like total). Prints a table with
# seconds, ms per account, peak RSS and the ratios, and writes it as markdown to
# BUILD/bench/qbr.md. A report, not a pass/fail test.
#
# The goal (issue 10): render alone at most 1/30 of the peer's CPU time, peak
# RSS under 150 MB; the report says whether both are met. With
# BENCH_QBR_CALLGRIND=1 (and valgrind) it also counts the instructions of one
# `render --all` (deterministic, whatever else the machine runs) per account.
# Outputs of a speed change are compared with tests/bench/qbr-same.sh.
#
# Environment: BENCH_QBR_ROUNDS (default 3; the median is shown),
# BENCH_QBR_ACCOUNTS / BENCH_QBR_DEVICES (the fleet, default 50 / 200 per
# account), BENCH_QBR_TEMPLATE (default templates/qbr.xml when it exists, else
# templates/example.xml).
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
B=$BUILD/bench/qbr
PEER=$TOP/../shared/peer
TIME=/usr/bin/time
CR=$BUILD/csmreport
ROUNDS=${BENCH_QBR_ROUNDS:-3}
ACCOUNTS=${BENCH_QBR_ACCOUNTS:-50}
DEVICES=${BENCH_QBR_DEVICES:-200}
PERIOD=2026-Q3
TPL=${BENCH_QBR_TEMPLATE:-}
if [ -z "$TPL" ]; then
    TPL=$TOP/templates/example.xml
    [ -f "$TOP/templates/qbr.xml" ] && TPL=$TOP/templates/qbr.xml
fi
mkdir -p "$B"
export CSMREPORT_FONTS="$TOP/fonts" SOURCE_DATE_EPOCH=1767225600

say() { printf '%s\n' "$*"; }

if [ ! -x "$TIME" ]; then
    say "qbr bench: $TIME (GNU time) is missing: apt-get install time"
    exit 1
fi
if [ ! -x "$CR" ]; then
    say "qbr bench: $CR is missing: run make first"
    exit 1
fi
if [ ! -f "$PEER/qbr_peer.py" ] || [ ! -f "$PEER/gen_fleet.py" ]; then
    say "qbr bench: the peer ($PEER) is missing: skipped"
    exit 0
fi

# ---- the peer's libraries (Debian's python3: a pyenv or venv python3 earlier
# in PATH would not see them)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if ! "$PY" -c 'import pandas, matplotlib, xlsxwriter' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "qbr bench: installing python3-pandas, python3-matplotlib, python3-xlsxwriter for the peer"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            python3-pandas python3-matplotlib python3-xlsxwriter >"$B/apt.log" 2>&1 || true
    fi
    if ! "$PY" -c 'import pandas, matplotlib, xlsxwriter' >/dev/null 2>&1; then
        say "qbr bench: pandas, matplotlib or xlsxwriter missing (not root?): skipped"
        exit 0
    fi
fi

# ---- the fleet: the peer's generator, regenerated only when it or the size changes
FLEET=$B/fleet
want="$ACCOUNTS $DEVICES $(cksum <"$PEER/gen_fleet.py")"
if [ ! -f "$FLEET/.stamp" ] || [ "$(cat "$FLEET/.stamp")" != "$want" ]; then
    rm -rf "$FLEET"
    if ! "$PY" "$PEER/gen_fleet.py" --accounts "$ACCOUNTS" --devices-per-account "$DEVICES" \
        --out "$FLEET" --seed 1 >"$B/gen.log" 2>&1; then
        say "qbr bench: gen_fleet.py failed:"
        sed 's/^/    /' "$B/gen.log"
        exit 1
    fi
    echo "$want" >"$FLEET/.stamp"
fi
say "qbr bench: fleet $(tail -n 1 "$B/gen.log" 2>/dev/null)"
# the files csmreport imports, reference data first (the peer has no partners.csv)
FILES=""
for k in partners accounts contracts catalog firmware holidays devices tickets usage; do
    [ -f "$FLEET/$k.csv" ] && FILES="$FILES $FLEET/$k.csv"
done

# timed LOG CMD...: sets RC, SECS (wall), RSS_KB, CPU (user + system seconds)
timed() {
    log=$1
    shift
    "$TIME" -f '%e %M %U %S' -o "$B/.time" "$@" >"$log" 2>&1
    RC=$?
    # shellcheck disable=SC2046 # split on purpose
    set -- $(tail -n 1 "$B/.time")
    SECS=${1:--} RSS_KB=${2:--}
    CPU=$(awk -v u="${3:-0}" -v s="${4:-0}" 'BEGIN { printf "%.2f", u + s }')
}

RESULTS=$B/results.txt
: >"$RESULTS"
# record TOOL: appends "TOOL wall cpu rss" after timed, or says how it failed
record() {
    if [ "$RC" -eq 0 ]; then
        echo "$1 $SECS $CPU $RSS_KB" >>"$RESULTS"
        say "  round $round: $1: ${SECS} s wall, ${CPU} s cpu, ${RSS_KB} KB"
    else
        say "  round $round: $1 failed (exit $RC): $(head -n 3 "$2")"
    fi
}

round=1
while [ "$round" -le "$ROUNDS" ]; do
    # csmreport: import the CSVs into a new database, then the pairs
    rm -rf "$B/cr" && mkdir -p "$B/cr"
    # shellcheck disable=SC2086 # FILES is a list of paths without spaces
    timed "$B/import.log" "$CR" import --db "$B/cr/fleet.db" $FILES
    record import "$B/import.log"
    timed "$B/render.log" "$CR" render --db "$B/cr/fleet.db" --all --period "$PERIOD" \
        --template "$TPL" -j 1 --out "$B/cr/out" --quiet
    record render "$B/render.log"
    # the peer: its one run reads the CSVs and writes the pairs
    rm -rf "$B/peer"
    timed "$B/peer.log" "$PY" "$PEER/qbr_peer.py" --data "$FLEET" --period "$PERIOD" \
        --out "$B/peer" -j 1
    record peer "$B/peer.log"
    round=$((round + 1))
done
# instructions (callgrind) of one render --all: a figure the machine's load does not move
IREFS=""
if [ "${BENCH_QBR_CALLGRIND:-0}" = 1 ] && command -v valgrind >/dev/null 2>&1 && [ -f "$B/cr/fleet.db" ]; then
    rm -rf "$B/cg-out"
    valgrind --tool=callgrind --callgrind-out-file="$B/callgrind.out" "$CR" render --db "$B/cr/fleet.db" \
        --all --period "$PERIOD" --template "$TPL" -j 1 --out "$B/cg-out" --quiet >"$B/callgrind.log" 2>&1
    IREFS=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$B/callgrind.log" | tail -n 1)
    say "callgrind: ${IREFS:-?} instructions for render --all (profile: $B/callgrind.out)"
fi
PDFS=$(find "$B/cr/out" -name '*.pdf' 2>/dev/null | wc -l)
XLSXS=$(find "$B/cr/out" -name '*.xlsx' 2>/dev/null | wc -l)
PEER_FILES=$(find "$B/peer" -name '*.pdf' -o -name '*.xlsx' 2>/dev/null | wc -l)
CPU_NAME=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)

awk -v n="$ACCOUNTS" -v dev="$DEVICES" -v tpl="$(basename "$TPL")" -v pdfs="$PDFS" -v xlsxs="$XLSXS" \
    -v peerfiles="$PEER_FILES" -v cpu="$CPU_NAME" -v rounds="$ROUNDS" -v date="$(date -u +%Y-%m-%d)" \
    -v irefs="$IREFS" '
function median(tool, col,    m, i, j, t, v) {
    m = runs[tool]
    for (i = 1; i <= m; i++) v[i] = val[tool, i, col] + 0
    for (i = 2; i <= m; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return m == 0 ? "" : (m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2)
}
function maxrss(tool,    i, r) { r = 0; for (i = 1; i <= runs[tool]; i++) if (val[tool, i, 3] + 0 > r) r = val[tool, i, 3] + 0; return r }
function row(name, w, c, r) {
    return sprintf("| %s | %s | %s | %s | %s | %s |\n", name, w == "" ? "-" : sprintf("%.2f", w),
        c == "" ? "-" : sprintf("%.2f", c), c == "" ? "-" : sprintf("%.0f", c * 1000 / n),
        w == "" ? "-" : sprintf("%.0f", w * 1000 / n), r == "" ? "-" : sprintf("%.0f", r / 1024))
}
function ratio(a, b) { return (a == "" || b == "" || a + 0 <= 0) ? "-" : sprintf("1/%.0f", b / a) }
{ k = ++runs[$1]; val[$1, k, 1] = $2; val[$1, k, 2] = $3; val[$1, k, 3] = $4 }
END {
    iw = median("import", 1); ic = median("import", 2)
    rw = median("render", 1); rc = median("render", 2)
    pw = median("peer", 1); pc = median("peer", 2)
    tw = (iw == "" || rw == "") ? "" : iw + rw; tc = (ic == "" || rc == "") ? "" : ic + rc
    md = "## QBR pair benchmark (PDF + XLSX per account, csmreport vs the analyst'"'"'s script)\n\n"
    md = md sprintf("%s, %s. Fleet: `gen_fleet.py --accounts %d --devices-per-account %d --seed 1` (the peer'"'"'s generator), period 2026-Q3, one core each (`-j 1`), csmreport with `templates/%s`; the two run in turns in the same run, median of %d rounds (peak RSS: the largest). Outputs: csmreport %d PDF + %d XLSX, the peer %d files.\n\n", cpu, date, n, dev, tpl, rounds, pdfs, xlsxs, peerfiles)
    md = md "| run | wall s | cpu s | cpu ms / account | wall ms / account | peak RSS MB |\n| --- | ---: | ---: | ---: | ---: | ---: |\n"
    md = md row("`csmreport render --all` (the pairs)", rw, rc, maxrss("render"))
    md = md row("`csmreport import` (the CSVs, new database)", iw, ic, maxrss("import"))
    md = md row("csmreport import + render", tw, tc, maxrss("render") > maxrss("import") ? maxrss("render") : maxrss("import"))
    md = md row("peer `qbr_peer.py -j 1` (reads the CSVs, writes the pairs)", pw, pc, maxrss("peer"))
    md = md sprintf("\nTime of csmreport against the peer (cpu): render alone %s, import + render %s (wall: %s, %s).\n",
        ratio(rc, pc), ratio(tc, pc), ratio(rw, pw), ratio(tw, pw))
    if (rc != "" && pc != "" && rc + 0 > 0)
        md = md sprintf("Goal (issue 10): render alone at most 1/30 of the peer (cpu): %s; peak RSS under 150 MB: %s.\n",
            pc / rc >= 30 ? "met" : "not met", maxrss("render") < 150 * 1024 ? "met" : "not met")
    if (irefs != "")
        md = md sprintf("Instructions (callgrind) of `render --all`: %.0f M, %.1f M per account.\n", irefs / 1e6, irefs / 1e6 / n)
    printf "%s", md
}' "$RESULTS" >"$B/../qbr.md"
say ""
cat "$B/../qbr.md"
say "(written to $B/../qbr.md; raw numbers in $RESULTS)"
