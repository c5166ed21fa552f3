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

# The QBR's evidence sheets: every row's source line holds it; the deck's
# references name rows of the sheet that hold the event they cite.
run_cr render --db "$DB" --template "$TOP/templates/qbr.xml" --account NO-NORDLYS --period 2026-Q3 \
    --locale en --out "$WORK/r"
check_eq "evidence: QBR renders" "$RC" 0
pdftotext "$WORK/r/NO-NORDLYS/NO-NORDLYS_qbr_2026-Q3.pdf" "$WORK/deck.txt"
"$PY" - "$WORK/r/NO-NORDLYS/NO-NORDLYS_qbr_2026-Q3.xlsx" "$TOP/samples" "$WORK/deck.txt" <<'PY'
import csv, re, sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
samples, deck = sys.argv[2], open(sys.argv[3], encoding="utf-8").read()
def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        r = csv.reader(f)
        head = next(r)
        out, prev = {}, r.line_num
        for rec in r:
            out[prev + 1] = dict(zip(head, rec))
            prev = r.line_num
    return out
files = {n: rows(f"{samples}/{n}") for n in ("devices.csv", "tickets.csv", "usage.csv")}
def check(sheet, keys):
    ws = wb[sheet]
    head = [c.value for c in ws[1]]
    bad, n = [], 0
    for r in ws.iter_rows(min_row=2, values_only=True):
        d = dict(zip(head, r))
        if d.get("Source file") is None:
            continue
        n += 1
        rec = files[d["Source file"]].get(d["Line"])
        for col, key in keys:
            want = d[col].strftime("%Y-%m-%d") if hasattr(d[col], "strftime") else d[col]
            if rec is None or rec.get(key) != want:
                bad.append((d["Source file"], d["Line"], key, want))
        if sheet == "Adoption evidence" and d.get("Usage file"):
            u = files[d["Usage file"]].get(d["Usage line"])
            if u is None or u.get("serial") != d["Serial"]:
                bad.append(("usage", d["Usage line"], d["Serial"]))
    ok = n > 0 and not bad
    print(("PASS" if ok else "FAIL") + f" evidence: {sheet}: {n} rows, source lines hold them {bad[:3]}")
    return ws, head
check("True-up evidence", [("Serial", "serial"), ("Snapshot", "snapshot_date")])
check("RMA evidence", [("Ticket", "ticket_id")])
check("Adoption evidence", [("Serial", "serial")])
ws = wb["True-up evidence"]
refs = re.findall(r"(\w+) (\w{3} \d{4}), [^:]*: see sheet True-up evidence, rows (\d+)–(\d+)", deck)
bad = []
for cat, month, a, b in refs:
    for i in range(int(a), int(b) + 1):
        c = ws.cell(row=i, column=1).value
        m = ws.cell(row=i, column=2).value
        if c != cat or m.strftime("%b %Y") != month:
            bad.append((cat, month, i, c, m))
    if ws.cell(row=int(b) + 1, column=1).value == cat and ws.cell(row=int(b) + 1, column=2).value.strftime("%b %Y") == month:
        bad.append(("range ends early", cat, month, b))
print(("PASS" if len(refs) >= 3 and not bad else "FAIL") + f" evidence: deck references name the event's rows ({len(refs)} refs) {bad[:3]}")
PY
