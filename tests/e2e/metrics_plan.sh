# metrics_plan.sh - no metrics query reads a whole big table (issue 3, Speed):
# every "-- name:" block of src/sql/metrics_*.sql is prepared on a small imported
# fleet (with call records) and its bytecode checked by tests/bench/metricsbench.c
# for a full scan of usage_days, usage_months, serials, tickets, devices or calls (SCAN, SCAN USING INDEX, an
# automatic index built from the table). A SEARCH through an index passes; scans
# of the small reference tables pass. One PASS/FAIL per query, plus a control
# query that does scan usage_days, so a detector that stopped seeing scans fails too.
. "${TOP:-.}/tests/e2e/lib.sh"
: "${FLEETGEN:=build/fleetgen}" "${BUILD:=build}"

if [ ! -x "$FLEETGEN" ] || [ ! -f "$BUILD/libcsmreport.a" ]; then
    fail "metrics plan" "build first: no $FLEETGEN or $BUILD/libcsmreport.a"
    exit 0
fi

# The checker, built as tests/bench/metrics.sh builds it (the Makefile's flags).
BENCH=$WORK/metricsbench
# shellcheck disable=SC2046 # pkg-config output is several words on purpose
if ! ${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Wpedantic \
    -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter -Werror \
    -O1 -I"$TOP/include" $(pkg-config --cflags sqlite3) -o "$BENCH" "$TOP/tests/bench/metricsbench.c" \
    "$BUILD/libcsmreport.a" $(pkg-config --libs sqlite3 libxml-2.0 cairo pangocairo xlsxwriter) \
    ${CR_SANITIZE_FLAGS:-} -lm -lpthread >"$WORK/cc.log" 2>&1; then
    fail "metrics plan: build the checker" "$(head -c 600 "$WORK/cc.log")"
    exit 0
fi
pass "metrics plan: build the checker"

F=$WORK/fleet
DB=$WORK/plan.db
"$FLEETGEN" --out "$F" --accounts 5 --devices 300 --months 6 --start 2025-01 --seed 3 \
    --calls 400 >"$WORK/gen.log" 2>&1 || { fail "metrics plan: fleetgen" "$(cat "$WORK/gen.log")"; exit 0; }
files=""
for k in partners accounts contracts catalog firmware holidays devices tickets usage calls; do
    files="$files $F/$k.csv"
done
# shellcheck disable=SC2086 # one word per file
run_cr import --db "$DB" $files
check_eq "metrics plan: import the fleet" "$RC" 0
check_eq "metrics plan: usage imported" "$([ "$(sqlite3 "$DB" 'SELECT count(*) > 1000 FROM usage')" = 1 ] && echo yes)" yes
check_eq "metrics plan: calls imported" "$([ "$(sqlite3 "$DB" 'SELECT count(*) > 0 FROM calls')" = 1 ] && echo yes)" yes

# Every block: "ok NAME", or "scan NAME" followed by "  FULL SCAN of ..." lines.
"$BENCH" --plans-only --db "$DB" --period 2025-Q2 "$TOP"/src/sql/metrics_*.sql >"$WORK/plans" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    fail "metrics plan: checker ran" "exit $rc: $(head -c 600 "$WORK/plans")"
    exit 0
fi
count=$(grep -c -E '^(ok|scan) ' "$WORK/plans")
if [ "$count" -ge 15 ]; then
    pass "metrics plan: every block checked ($count)"
else
    fail "metrics plan: every block checked" "only $count blocks: $(head -c 600 "$WORK/plans")"
fi
while read -r verdict name; do
    case "$verdict" in
        ok) pass "metrics plan: $name uses indexes" ;;
        scan)
            why=$(awk -v n="$name" '$1 == "scan" { on = ($2 == n); next } $1 == "ok" { on = 0 } on' "$WORK/plans" |
                tr -s ' ' | tr '\n' ';')
            fail "metrics plan: $name uses indexes" "$why" ;;
    esac
done <<EOF
$(grep -E '^(ok|scan) ' "$WORK/plans")
EOF

# The control: full scans of usage_days, directly and through the usage view.
cat >"$WORK/metrics_control.sql" <<'EOF'
-- name: count_all
SELECT count(*) FROM usage_days WHERE calls > ?1;
-- name: by_serial
SELECT serial, sum(call_minutes) FROM usage AS u WHERE u.account_id <> ?1 GROUP BY serial;
EOF
"$BENCH" --plans-only --db "$DB" --period 2025-Q2 "$WORK/metrics_control.sql" >"$WORK/control" 2>&1
check_eq "metrics plan: the control scans are seen" \
    "$(grep -c '^scan control\.' "$WORK/control")" 2
