#!/bin/sh
# kill.sh - kill -9 at 30 random moments of a QBR render of every sample
# account into an output folder that holds the previous version: afterwards
# every report is there, each byte for byte either the previous version or
# the new one (both checked once with qpdf --check and openpyxl), and the
# store passes integrity_check. A killed run can leave temporary files that
# never carry a report's name: its own hidden .NAME.XXXXXX, and
# libxlsxwriter's tmp.XXXXXXXXXX (created and unlinked at once: always empty,
# which is checked); they are counted, not reports.
# CR_KILL_SEED picks the moments (printed, to replay a failure).
. "$(dirname "$0")/lib.sh"
import_samples "$WORK/db" kill-import
SEED=${CR_KILL_SEED:-$(date +%s)}
echo "kill: seed $SEED"
render() { # EPOCH OUT
    SOURCE_DATE_EPOCH=$1 "$CSMREPORT" render --db "$WORK/db" --template "$TOP/templates/qbr.xml" \
        --all --period 2026-Q3 --out "$2" --quiet
}
sums() { (cd "$1" && find . -type f ! -name '.*' ! -name 'tmp.??????????' | xargs -r md5sum | LC_ALL=C sort); }
render 1780000000 "$WORK/prev" || { fail kill-reference "previous version: exit $?"; exit 1; }
start=$(date +%s%N)
render 1790000000 "$WORK/next" || { fail kill-reference "new version: exit $?"; exit 1; }
ms=$(( ($(date +%s%N) - start) / 1000000 ))
sums "$WORK/prev" >"$WORK/prev.md5"
sums "$WORK/next" >"$WORK/next.md5"
bad=""
for f in $(find "$WORK/prev" "$WORK/next" -name '*.pdf'); do
    qpdf --check "$f" >/dev/null 2>&1 || bad="$bad $f"
done
$PY - $(find "$WORK/prev" "$WORK/next" -name '*.xlsx') >"$WORK/py.err" 2>&1 <<'PYEOF' || bad="$bad openpyxl: $(head -c 300 "$WORK/py.err")"
import sys, openpyxl
for p in sys.argv[1:]:
    assert openpyxl.load_workbook(p).sheetnames, p
PYEOF
n=$(wc -l <"$WORK/next.md5")
if [ "$n" -eq 12 ] && [ -z "$bad" ] && ! cmp -s "$WORK/prev.md5" "$WORK/next.md5"; then
    pass "kill-reference ($n files, a render takes $ms ms)"
else
    fail kill-reference "$n files, versions the same or not clean:$bad"; exit 1
fi

# the moments: 30 spread over 0 .. 1.2 x a render's time, in random order
moments=$(awk -v seed="$SEED" -v ms="$ms" 'BEGIN { srand(seed);
    for (i = 0; i < 30; i++) printf "%d\n", rand() * ms * 1.2 }')
i=0 errs=0 mixed=0 temps=0 complete=0
for at in $moments; do
    i=$((i + 1))
    rm -rf "$WORK/out" && cp -a "$WORK/prev" "$WORK/out"
    SOURCE_DATE_EPOCH=1790000000 "$CSMREPORT" render --db "$WORK/db" \
        --template "$TOP/templates/qbr.xml" --all --period 2026-Q3 --out "$WORK/out" --quiet \
        >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v m="$at" 'BEGIN { printf "%.3f", m / 1000 }')"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    why=""
    sums "$WORK/out" >"$WORK/got.md5"
    [ "$(wc -l <"$WORK/got.md5")" -eq 12 ] || why="$(wc -l <"$WORK/got.md5") reports, not 12"
    new=0
    while read -r sum name; do
        if grep -q "^$sum  $name\$" "$WORK/next.md5"; then
            new=$((new + 1))
        elif ! grep -q "^$sum  $name\$" "$WORK/prev.md5"; then
            why="$why; $name is neither version"
        fi
    done <"$WORK/got.md5"
    [ "$new" -eq 12 ] && complete=$((complete + 1))
    [ "$new" -gt 0 ] && [ "$new" -lt 12 ] && mixed=$((mixed + 1))
    temps=$((temps + $(find "$WORK/out" -type f \( -name '.*' -o -name 'tmp.??????????' \) | wc -l)))
    full=$(find "$WORK/out" -type f -name 'tmp.??????????' -size +0 | head -3)
    [ -z "$full" ] || why="$why; libxlsxwriter temporary files with data: $full"
    ic=$(sqlite3 "$WORK/db" 'PRAGMA integrity_check' 2>&1)
    [ "$ic" = ok ] || why="$why; integrity_check: $ic"
    if [ -n "$why" ]; then
        errs=$((errs + 1))
        fail "kill at ${at} ms (seed $SEED)" "${why#; }"
    fi
done
if [ "$errs" -eq 0 ]; then
    pass "kill -9 at 30 moments: every report the previous version or the new one, whole"
fi
echo "kill: 30 kills over $ms ms renders: $mixed left old and new reports side by side," \
    "$complete came after the run ended, $temps temporary files left by killed runs"
