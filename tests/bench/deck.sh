#!/bin/sh
# deck.sh BUILD_DIR - the deck benchmark (called by tests/bench/run.sh): PAGES
# pages of bar charts (12 bars, value labels, axis titles, title, dashed average
# line, legend; different data on every page) through cr_deck_write, beside the
# shared floor (../shared/bench/chart_floor: the same page with plain cairo +
# pango) and beside matplotlib's PdfPages, in the same run on the same machine.
# Peak RSS at 100 and 500 pages shows memory does not grow with the page count.
# Prints a table and writes it as markdown to BUILD/bench/deck/report.md. A
# report, not a pass/fail test.
#
# Environment: BENCH_DECK_RUNS (default 3, the median is shown),
# BENCH_MPL_PAGES (default 100: matplotlib takes ~80 ms a page).
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
B=$BUILD/bench/deck
SHARED=$TOP/../shared
TIME=/usr/bin/time
RUNS=${BENCH_DECK_RUNS:-3}
MPL_PAGES=${BENCH_MPL_PAGES:-100}
mkdir -p "$B"
export CSMREPORT_FONTS="$TOP/fonts"

say() { printf '%s\n' "$*"; }

if [ ! -x "$TIME" ]; then
    say "deck bench: $TIME (GNU time) is missing: apt-get install time"
    exit 1
fi

# ---- build: the workload program over the deck sources, as make bench builds them
PKGS="cairo pangocairo pangoft2 fontconfig"
SRCS="render/deck render/text render/chart render/deck_layout template/report core/numfmt render/chartlayout core/error core/outfile"
set --
for s in $SRCS; do set -- "$@" "$TOP/src/$s.c"; done
# shellcheck disable=SC2046 # pkg-config output is meant to split
if ! cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -g -DNDEBUG \
    -I"$TOP/include" -I"$TOP/src/render" $(pkg-config --cflags $PKGS) -DCR_VERSION='"bench"' \
    -o "$B/deckbench" "$TOP/tests/bench/deckbench.c" "$@" \
    $(pkg-config --libs $PKGS) -lm -lpthread >"$B/build.log" 2>&1; then
    say "deck bench: cannot build deckbench:"
    sed 's/^/    /' "$B/build.log"
    exit 1
fi
FLOOR=$B/chart_floor
make -s -C "$SHARED/bench" OUT="$B" "$FLOOR" >"$B/floor.log" 2>&1 || FLOOR=""
[ -x "${FLOOR:-/nonexistent}" ] || { say "deck bench: cannot build chart_floor (see $B/floor.log)"; FLOOR=""; }

# ---- matplotlib, only on the bench path (Debian's python3: a pyenv or venv
# python3 earlier in PATH would not see python3-matplotlib)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
MPL=1
if ! "$PY" -c 'import matplotlib' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "deck bench: installing python3-matplotlib for the comparison"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            python3-matplotlib >"$B/apt.log" 2>&1 || true
    fi
    "$PY" -c 'import matplotlib' >/dev/null 2>&1 || {
        say "deck bench: python3-matplotlib is missing (not root?): matplotlib column skipped"
        MPL=0
    }
fi
cat >"$B/mpl.py" <<'EOF'
# The same page with matplotlib: 12 bars with value labels, grid, axis titles,
# title, dashed average line and a legend; different values on every page.
import sys
import matplotlib
matplotlib.use("pdf")
import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages
out, pages = sys.argv[1], int(sys.argv[2])
s = 88172645463325252
M = (1 << 64) - 1
def xr():
    global s
    s ^= (s << 13) & M; s ^= s >> 7; s ^= (s << 17) & M
    return s
months = [m + " 2024" for m in "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()]
with PdfPages(out) as pdf:
    for p in range(pages):
        v = [2000 + xr() % 18000 for _ in range(12)]
        avg = sum(v) / 12
        fig, ax = plt.subplots(figsize=(1280 / 72, 720 / 72))
        bars = ax.bar(months, v, color="#1f77b4", label="Call minutes")
        ax.bar_label(bars, fmt="%.0f")
        ax.axhline(avg, color="#d62728", linestyle="--", label="Average (%.0f)" % avg)
        ax.yaxis.grid(True, color="#d9d9d9")
        ax.set_axisbelow(True)
        ax.set_title("Account A%04d \u2014 monthly call minutes, 2024" % (p % 500 + 1))
        ax.set_xlabel("Month")
        ax.set_ylabel("Call minutes")
        ax.legend(loc="upper right")
        pdf.savefig(fig)
        plt.close(fig)
EOF

# timed CMD...: sets SECS and RSS_KB (GNU time), RC
timed() {
    "$TIME" -f '%e %M' -o "$B/.time" "$@" >"$B/run.log" 2>&1
    RC=$?
    # shellcheck disable=SC2046
    set -- $(tail -n 1 "$B/.time")
    SECS=${1:--} RSS_KB=${2:--}
}

# run_into FILE CMD...: one timed run appended to FILE as "secs rss"
run_into() {
    f=$1
    shift
    timed "$@"
    if [ "$RC" -ne 0 ]; then
        say "deck bench: $(basename "$1") failed: $(head -n 3 "$B/run.log")"
        echo "- -" >>"$f"
    else
        echo "$SECS $RSS_KB" >>"$f"
    fi
}
# median FILE: "secs rss" of the median run
median() { sort -n "$1" | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }'; }

RESULTS=$B/results.txt
: >"$RESULTS"
for pages in 100 500; do
    : >"$B/.deck" && : >"$B/.floor"
    i=0
    # interleaved, so a load change on the machine hits both alike
    while [ "$i" -lt "$RUNS" ]; do
        run_into "$B/.deck" "$B/deckbench" "$B/deck-$pages.pdf" "$pages"
        [ -n "$FLOOR" ] && run_into "$B/.floor" "$FLOOR" "$B/floor-$pages" "$pages" "$pages"
        i=$((i + 1))
    done
    r=$(median "$B/.deck")
    echo "csmreport $pages $r" >>"$RESULTS"
    say "csmreport deck, $pages pages: $r (s, KB)"
    if [ -n "$FLOOR" ]; then
        r=$(median "$B/.floor")
        echo "floor $pages $r" >>"$RESULTS"
        say "chart_floor,    $pages pages: $r (s, KB)"
    fi
done
if [ "$MPL" -eq 1 ]; then
    : >"$B/.mpl"
    run_into "$B/.mpl" "$PY" "$B/mpl.py" "$B/mpl.pdf" "$MPL_PAGES"
    r=$(median "$B/.mpl")
    echo "matplotlib $MPL_PAGES $r" >>"$RESULTS"
    say "matplotlib,     $MPL_PAGES pages: $r (s, KB)"
fi
DECK_PAGES=$(pdfinfo "$B/deck-500.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
rm -f "$B"/floor-*.pdf "$B"/.deck "$B"/.floor "$B"/.mpl

CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
awk -v cpu="$CPU" -v cores="$(nproc 2>/dev/null || echo '?')" -v date="$(date -u +%Y-%m-%d)" \
    -v runs="$RUNS" -v deck_pages="${DECK_PAGES:-?}" '
function ms(s, p) { return (s == "-" || p == 0) ? "-" : sprintf("%.2f", s * 1000 / p) }
function mb(kb) { return kb == "-" ? "-" : sprintf("%.1f", kb / 1024) }
{ secs[$1, $2] = $3; rss[$1, $2] = $4; pages[$1] = pages[$1] " " $2 }
END {
    printf "## Deck benchmark\n\n%s, %s cores, %s. Bar-chart pages (12 bars, value labels, axis titles, title, dashed average line, legend), different data on every page; median of %d interleaved runs (matplotlib: one run). csmreport draws 960x540 pt slides with its page chrome (title, footer, page numbers); the floor draws the chart alone on 1280x720 pt. The 500-page deck has %s pages.\n\n", cpu, cores, date, runs, deck_pages
    printf "| program | pages | s | ms / page | peak RSS MB | ratio to floor |\n| --- | ---: | ---: | ---: | ---: | ---: |\n"
    split("csmreport floor matplotlib", tools, " ")
    names["csmreport"] = "csmreport `cr_deck_write`"
    names["floor"] = "`chart_floor` (plain cairo + pango)"
    names["matplotlib"] = "matplotlib PdfPages"
    for (t = 1; t <= 3; t++) {
        tool = tools[t]
        n = split(pages[tool], ps, " ")
        for (i = 1; i <= n; i++) {
            p = ps[i]; s = secs[tool, p]
            fs = ((("floor", p) in secs) ? secs["floor", p] : "")
            if (fs == "" && ("floor", 100) in secs) fs = secs["floor", 100] * p / 100
            ratio = (s == "-" || fs == "" || fs == "-" || fs + 0 <= 0) ? "-" : sprintf("%.2f", (s / p) / (fs / p))
            printf "| %s | %d | %s | %s | %s | %s |\n", names[tool], p, s, ms(s, p), mb(rss[tool, p]), ratio
        }
    }
}' "$RESULTS" >"$B/report.md"
say ""
cat "$B/report.md"
say ""
say "(written to $B/report.md)"
