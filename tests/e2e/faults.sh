#!/bin/sh
# faults.sh - fault injection (tests/fault/faultshim.c, LD_PRELOAD): the Nth
# malloc/calloc/realloc, write, fsync or rename of an import of every sample
# export and of a QBR render of every sample account fails (a render's
# allocations are those of csmreport's own code: GLib, under pango and GMime,
# aborts on a failed allocation by design). For each N: the
# exit code is a documented one (never a signal, never 0 with output
# missing), an error says what failed, the store passes PRAGMA
# integrity_check and holds each file whole or not at all, and every file in
# the output folder is a complete report, byte for byte the one a run
# without faults publishes (itself checked with qpdf --check and openpyxl):
# no temporary or half-written file is left.
#
# CR_FAULTS=sample (the suite's default): every N of fsync and rename and
# CR_FAULT_RUNS (20) evenly spread N of malloc and write per phase, the same
# N on every run. CR_FAULTS=all (make faults): every N, or every Kth when
# CR_FAULT_RUNS caps the runs per family and phase; CR_FAULT_ONLY="render:write"
# picks phases and functions. Ends with a "faults:" line of the counts.
. "$(dirname "$0")/lib.sh"
S=$TOP/samples
MODE=${CR_FAULTS:-sample}
MAXRUNS=${CR_FAULT_RUNS:-}
[ "$MODE" = sample ] && [ -z "$MAXRUNS" ] && MAXRUNS=20
# the shim replaces malloc: against a sanitizer build (make sanitize), whose
# allocator must come first, it tests nothing of ours
if ldd "$CSMREPORT" 2>/dev/null | grep -q -e libasan -e libtsan; then
    echo "SKIP faults: $CSMREPORT is a sanitizer build; fault injection runs on the normal build"
    exit 0
fi
SHIM=$WORK/faultshim.so
if ! gcc -std=gnu11 -O2 -Wall -Wextra -Werror -fPIC -shared -o "$SHIM" \
        "$TOP/tests/fault/faultshim.c" -ldl 2>"$WORK/cc.err"; then
    fail faults-shim "cannot build the shim: $(head -c 400 "$WORK/cc.err")"
    exit 1
fi
export SOURCE_DATE_EPOCH=1790000000
FILES="$S/partners.csv $S/accounts.csv $S/contracts.csv $S/catalog.csv $S/firmware.csv
$S/holidays.csv $S/devices.csv $S/tickets.csv $S/usage.csv $S/calls.csv"
TABLES="partners accounts contracts catalog firmware holidays devices tickets usage_days calls"
DOCUMENTED=" 0 64 65 66 70 71 73 74 75 77 78 "

# run_phase PHASE FAMILY N: one run of the phase under the shim, in $T
run_phase() {
    rm -rf "$T"; mkdir -p "$T/out"
    case $1 in
        import) set -- "$@" import --db "$T/db" $FILES ;;
        render) cp "$WORK/ref.db" "$T/db"
                set -- "$@" render --db "$T/db" --template "$TOP/templates/qbr.xml" --all \
                    --period 2026-Q3 --out "$T/out" ;;
    esac
    fam=$2 n=$3 scope=
    # a render's allocations: only the program's own (GLib, under pango and
    # GMime, aborts on a failed allocation by design)
    [ "$1" = render ] && [ "$fam" = malloc ] && scope=program
    shift 3
    CR_FAULT_SCOPE=$scope CR_FAULT_FUNC=$fam CR_FAULT_N=$n CR_FAULT_REPORT="$WORK/report" LD_PRELOAD="$SHIM" \
        "$CSMREPORT" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
}

counts() {
    for t in $TABLES; do printf '%s ' "$(sqlite3 "$1" "SELECT count(*) FROM $t" 2>/dev/null)"; done
}

# Reference runs: no fault (N=0 counts the calls).
T=$WORK/ref
run_phase import malloc 0
[ "$RC" -eq 0 ] || { fail faults-reference "import exit $RC: $(head -c 400 "$WORK/err")"; exit 1; }
cp "$T/db" "$WORK/ref.db"
REF_COUNTS=$(counts "$WORK/ref.db")
REF_DIGEST=$(db_digest "$WORK/ref.db")
T=$WORK/refr
run_phase render malloc 0
[ "$RC" -eq 0 ] || { fail faults-reference "render exit $RC: $(head -c 400 "$WORK/err")"; exit 1; }
(cd "$T/out" && find . -type f | xargs md5sum | LC_ALL=C sort) >"$WORK/ref.md5"
nref=$(wc -l <"$WORK/ref.md5")
bad=""
for f in $(find "$T/out" -name '*.pdf'); do
    qpdf --check "$f" >/dev/null 2>&1 || bad="$bad $f"
done
$PY - $(find "$T/out" -name '*.xlsx') >"$WORK/py.err" 2>&1 <<'PYEOF' || bad="$bad (openpyxl: $(head -c 300 "$WORK/py.err"))"
import sys, openpyxl
for p in sys.argv[1:]:
    wb = openpyxl.load_workbook(p)
    assert wb.sheetnames, p
PYEOF
if [ "$nref" -eq 12 ] && [ -z "$bad" ]; then
    pass faults-reference
else
    fail faults-reference "$nref files, not checked clean:$bad"; exit 1
fi

# The N to try for a family that made C calls.
pick() {
    c=$1
    if [ -z "$MAXRUNS" ] || [ "$c" -le "$MAXRUNS" ]; then seq 1 "$c"; return; fi
    i=1
    while [ "$i" -le "$MAXRUNS" ]; do
        echo $(( (i * c + MAXRUNS - 1) / MAXRUNS ))
        i=$((i + 1))
    done
}

total=0 injected=0 failed_runs=0 ok_runs=0
for phase in import render; do
    for fam in malloc write fsync rename; do
        # CR_FAULT_ONLY="render:write ...": those phases and functions only
        case " ${CR_FAULT_ONLY:-$phase:$fam} " in *" $phase:$fam "*) ;; *) continue ;; esac
        T=$WORK/count
        run_phase "$phase" "$fam" 0
        calls=$(cut -d' ' -f1 "$WORK/report")
        runs=0 errs=0
        [ "$MODE" = sample ] && case $fam in fsync|rename) MAXRUNS_SAVE=$MAXRUNS; MAXRUNS= ;; esac
        for n in $(pick "$calls"); do
            T=$WORK/t
            run_phase "$phase" "$fam" "$n"
            runs=$((runs + 1)); total=$((total + 1))
            [ "$(cut -d' ' -f2 "$WORK/report" 2>/dev/null)" = 1 ] && injected=$((injected + 1))
            what="$phase $fam #$n of $calls"
            why=""
            case $DOCUMENTED in *" $RC "*) ;; *) why="exit $RC is not a documented code" ;; esac
            if [ "$RC" -ne 0 ]; then
                failed_runs=$((failed_runs + 1))
                grep -q '^csmreport: ' "$WORK/err" || why="$why; exit $RC without an error message"
            else
                ok_runs=$((ok_runs + 1))
            fi
            if [ -f "$T/db" ]; then
                ic=$(sqlite3 "$T/db" 'PRAGMA integrity_check' 2>&1)
                [ "$ic" = ok ] || why="$why; integrity_check: $ic"
            fi
            if [ "$phase" = import ]; then
                if [ "$RC" -eq 0 ]; then
                    [ "$(db_digest "$T/db")" = "$REF_DIGEST" ] || why="$why; exit 0 with other data"
                elif [ -f "$T/db" ]; then
                    set -- $REF_COUNTS
                    for c in $(counts "$T/db"); do
                        [ "$c" = 0 ] || [ "$c" = "$1" ] || [ -z "$c" ] || why="$why; a table holds $c rows of $1"
                        shift
                    done
                fi
                left=$(cd "$T" && ls -A | grep -v '^db$' | grep -v '^out$' | grep -v '^db-journal$' | grep -v '^db-wal$' | grep -v '^db-shm$')
                [ -z "$left" ] || why="$why; left behind: $left"
                left=$(ls "$S" | grep rejected)
                [ -z "$left" ] || why="$why; left in samples/: $left"
            else
                (cd "$T/out" && find . -type f | xargs -r md5sum | LC_ALL=C sort) >"$WORK/got.md5"
                # every file there is a whole report; all of them after exit 0
                extra=$(LC_ALL=C comm -23 "$WORK/got.md5" "$WORK/ref.md5")
                [ -z "$extra" ] || why="$why; partial or stray files: $(echo $extra | head -c 300)"
                if [ "$RC" -eq 0 ] && ! cmp -s "$WORK/got.md5" "$WORK/ref.md5"; then
                    why="$why; exit 0 with $(wc -l <"$WORK/got.md5") of $nref files"
                fi
            fi
            if [ -n "$why" ]; then
                errs=$((errs + 1))
                [ "$errs" -le 5 ] && fail "faults $what" "${why#; } ($(head -c 300 "$WORK/err"))"
            fi
        done
        [ -n "${MAXRUNS_SAVE+x}" ] && { MAXRUNS=$MAXRUNS_SAVE; unset MAXRUNS_SAVE; }
        if [ "$errs" -eq 0 ]; then
            pass "faults $phase $fam: $runs of its $calls calls failed, one per run"
        else
            fail "faults $phase $fam" "$errs of $runs runs broke a rule"
        fi
    done
done
echo "faults: $total runs, $injected faults injected; $failed_runs exited with a documented" \
    "error code, $ok_runs recovered and published everything"
