# samples_metrics.sh - imports samples/ and checks every account's metrics for
# 2026-Q3 (and a few for 2026-10) against the values derived by hand in
# samples/EXPECTED.md (table: tests/e2e/samples_expected.py).
. "$(dirname "$0")/lib.sh"

DB="$WORK/s.db"

# Reference data first, then the exports that refer to it (any order must give
# the same data; this is just the natural one).
import_samples "$DB" "samples import"
pass "samples import"

mkdir -p "$WORK/json"
for period in 2026-Q3 2026-10; do
    for acct in NO-NORDLYS FR-ECLAIR FR-TILLEULS JP-SAKURA US-HARBOR GB-GLEN; do
        run_cr metrics --db "$DB" --account "$acct" --period "$period" --format json
        if [ "$RC" -ne 0 ]; then
            fail "samples metrics $acct $period" "exit $RC: $(printf '%s' "$ERR" | head -c 600)"
            continue
        fi
        printf '%s\n' "$OUT" >"$WORK/json/${acct}_${period}.json"
        if "$PY" -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' \
            "$WORK/json/${acct}_${period}.json" 2>/dev/null; then
            pass "samples metrics $acct $period is JSON"
        else
            fail "samples metrics $acct $period is JSON" "$(printf '%s' "$OUT" | head -c 300)"
        fi
    done
done

"$PY" "$TOP/tests/e2e/samples_expected.py" "$WORK/json"

# The device list (--devices): exactly the serials of each account's as-of
# inventory (its latest snapshot on or before the period's end, read here with
# sqlite3), and the rest of the document is the one printed without it.
for period in 2026-Q3 2026-10; do
    case $period in 2026-Q3) end=2026-09-30 ;; *) end=2026-10-31 ;; esac
    for acct in NO-NORDLYS FR-ECLAIR FR-TILLEULS JP-SAKURA US-HARBOR GB-GLEN; do
        run_cr metrics --db "$DB" --account "$acct" --period "$period" --format json --devices
        if [ "$RC" -ne 0 ]; then
            fail "samples --devices $acct $period" "exit $RC: $(printf '%s' "$ERR" | head -c 600)"
            continue
        fi
        printf '%s\n' "$OUT" >"$WORK/json/${acct}_${period}_devices.json"
        want=$(sqlite3 "$DB" "SELECT serial FROM devices WHERE account_id = '$acct' AND snapshot_date =
                 (SELECT max(snapshot_date) FROM devices WHERE account_id = '$acct'
                   AND snapshot_date <= '$end') ORDER BY serial")
        got=$("$PY" -c 'import json,sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print("\n".join(sorted(x["serial"] for x in d["devices"])))' "$WORK/json/${acct}_${period}_devices.json")
        check_eq "samples --devices $acct $period: the as-of inventory's serials" "$got" "$want"
        [ -n "$want" ] || fail "samples --devices $acct $period: an inventory to compare" "none"
        check_eq "samples --devices $acct $period: the rest unchanged" "$("$PY" -c 'import json,sys
a = json.load(open(sys.argv[1], encoding="utf-8"))
b = json.load(open(sys.argv[2], encoding="utf-8"))
print("devices" not in a, list(b)[-1], {k: v for k, v in b.items() if k != "devices"} == a)' \
            "$WORK/json/${acct}_${period}.json" "$WORK/json/${acct}_${period}_devices.json")" \
            "True devices True"
    done
done

# The monthly roll-up and the daily rows give the same document: whole-month
# periods read the roll-up unless --daily-usage; a period that starts mid-month
# reads the daily rows either way.
check_eq "samples: roll-up exact" "$(rollup_diff "$DB")" "0"
for period in 2026-Q3 2026-08 2026 2026-07-01..2026-09-30 2026-07-15..2026-09-30; do
    for acct in NO-NORDLYS FR-ECLAIR FR-TILLEULS JP-SAKURA US-HARBOR GB-GLEN; do
        run_cr metrics --db "$DB" --account "$acct" --period "$period" --format json
        from_rollup=$OUT
        run_cr metrics --db "$DB" --account "$acct" --period "$period" --format json --daily-usage
        check_eq "samples: $acct $period: roll-up and daily rows agree" "$from_rollup" "$OUT"
    done
done
# The adoption numbers this compares are not empty: Q3 has active devices.
check_contains "samples: the compared adoption is not empty" \
    "$("$CSMREPORT" metrics --db "$DB" --account NO-NORDLYS --period 2026-Q3 --format json)" '"active": 14'
exit 0
