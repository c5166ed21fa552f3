# explain.sh - `csmreport explain` on the samples: every figure of every sample
# account's metrics document explains, with its value, re-evaluable arithmetic
# and source lines that hold the rows (explain_check.py); the text form; an
# unknown path (exit 64, with the paths near it).
. "$(dirname "$0")/lib.sh"

DB=$WORK/e.db
import_samples "$DB" "explain: samples import"
"$PY" "$TOP/tests/e2e/explain_check.py" "$CSMREPORT" "$DB" "$TOP/samples" 2026-Q3 2026-08

# The text form: value, rule, the arithmetic with locale numbers and money, inputs.
run_cr explain --db "$DB" --account NO-NORDLYS --period 2026-Q3 trueup.video.2026-09.charge
check_eq "explain text: exit 0" "$RC" 0
check_contains "explain text: value" "$OUT" "trueup.video.2026-09.charge = 3000.00"
check_contains "explain text: triggered" "$OUT" "100 × (6 − 5) = 100 ≥ 5 × 5 = 25 → triggered"
NB=$(printf '\302\240') # nb: no-break spaces in numbers and before the currency
check_contains "explain text: charge in NOK, nb format" "$OUT" "1 device × 9${NB}000,00${NB}NOK × 4/12 = 3${NB}000,00${NB}NOK"
check_contains "explain text: the added device with its line" "$OUT" "device (added): serial=NOV006"
check_contains "explain text: contract line source" "$OUT" "samples/contracts.csv:3, imported"
run_cr explain --db "$DB" --account NO-NORDLYS --period 2026-Q3 downtime.items.RMA-NO-26031.sla
check_contains "explain text: deadline skips the weekend" "$OUT" "skipped 2026-08-15 Sat, 2026-08-16 Sun → deadline 2026-08-17 23:59:59"
run_cr explain --db "$DB" --account NO-NORDLYS --period 2026-Q3 adoption.deployed
check_contains "explain text: long lists summarised" "$OUT" "more (--all prints every row)"
n_short=$(printf '%s\n' "$OUT" | grep -c '^  device')
run_cr explain --db "$DB" --account NO-NORDLYS --period 2026-Q3 adoption.deployed --all
n_all=$(printf '%s\n' "$OUT" | grep -c '^  device')
check_eq "explain text: --all prints every device" "$n_short|$n_all" "10|26"

# An unknown path: exit 64 and the valid paths near it.
run_cr explain --db "$DB" --account NO-NORDLYS --period 2026-Q3 trueup.video.2026-13.charge
check_eq "explain unknown path: exit 64" "$RC" 64
check_contains "explain unknown path: names it" "$ERR" "no figure 'trueup.video.2026-13.charge'"
check_contains "explain unknown path: lists the months near it" "$ERR" "trueup.video.2026-09"
run_cr explain --db "$DB" --account NO-NORDLYS --period 2026-Q3 rma.brech
check_contains "explain unknown key: lists the section's keys" "$ERR" "rma.breach"
run_cr explain --db "$DB" --account NOPE --period 2026-Q3 rma.breach
check_eq "explain unknown account: exit 65" "$RC" 65
