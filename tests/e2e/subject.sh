#!/bin/sh
# subject.sh - what an account inherits from its partner reaches every output
# alike (issue 9, src/store/subject.c). tests/data/subject: NO-FJORD gives no
# currency, locale or time zone; its partner PT-NORD's row gives NOK, nb and
# Europe/Oslo. NO-OWN, of the same partner, gives its own SEK, en and
# Asia/Tokyo, which win. Each has a video contract of 10 at 600 a year and 11
# video devices in July: a true-up of 1 device x 600 x 6/12 = 300.
# Checked: metrics JSON, the deck's text (pdftotext), the workbook's number
# formats (openpyxl), and the time zone of naive ticket times (stored UTC
# instants and the tickets of the quarter).
. "$(dirname "$0")/lib.sh"

for tool in pdftotext sqlite3; do
    command -v "$tool" >/dev/null 2>&1 || { fail "subject: $tool" "missing (make deps)"; exit 1; }
done
export CSMREPORT_FONTS="$TOP/fonts"
S="$TOP/tests/data/subject"
DB="$WORK/s.db"

# Partners before the tickets: a naive time's instant is fixed at import from
# the account's resolved zone.
run_cr import --db "$DB" "$S/partners.csv" "$S/accounts.csv" "$S/contracts.csv" \
    "$S/catalog.csv" "$S/devices.csv" "$S/tickets.csv"
check_eq "subject: import exit" "$RC" 0
[ "$RC" -eq 0 ] || { fail "subject: import" "$(printf '%s' "$ERR" | head -c 600)"; exit 1; }

# ---- metrics: the charge, and the tickets of the quarter in the local zone
json_get() { # FILE PYTHON-EXPRESSION-ON-d
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
for a in NO-FJORD NO-OWN; do
    run_cr metrics --db "$DB" --account "$a" --period 2026-Q3 --format json
    check_eq "subject: metrics $a exit" "$RC" 0
    printf '%s\n' "$OUT" >"$WORK/$a.json"
    check_eq "subject: metrics $a true-up charge" \
        "$(json_get "$WORK/$a.json" 'd["trueup_summary"]["video"]["charge_total"]')" "300.0"
done
# T-EARLY (2026-07-01 00:30) and T-LATE (2026-09-30 23:00) are Oslo times:
# both in Q3 there. Read as UTC, T-LATE falls in October; with Q3's bounds in
# UTC, T-EARLY falls in June.
check_eq "subject: NO-FJORD tickets of Q3 in Oslo time" \
    "$(json_get "$WORK/NO-FJORD.json" 'd["tickets"]["opened"]')" "2"
check_eq "subject: NO-FJORD tickets by month in Oslo time" \
    "$(json_get "$WORK/NO-FJORD.json" '[m["count"] for m in d["tickets"]["opened_by_month"]]')" \
    "[1, 0, 1]"
check_eq "subject: stored UTC instants (Oslo for NO-FJORD, its own Tokyo for NO-OWN)" \
    "$(sqlite3 -readonly "$DB" "SELECT group_concat(ticket_id || '=' || datetime(opened_utc, 'unixepoch'), ' ')
                                  FROM (SELECT * FROM tickets ORDER BY ticket_id)")" \
    "T-EARLY=2026-06-30 22:30:00 T-LATE=2026-09-30 21:00:00 T-OWN=2026-06-30 23:30:00"
check_eq "subject: NO-OWN tickets of Q3 in Tokyo time" \
    "$(json_get "$WORK/NO-OWN.json" 'd["tickets"]["opened"]')" "1"

# ---- the deck and the workbook of templates/example.xml (pdftotext gives the
# no-break space between amount and code as a plain space)
run_cr render --db "$DB" --template "$TOP/templates/example.xml" --all --period 2026-Q3 \
    --out "$WORK/reports" --quiet
check_eq "subject: render exit" "$RC" 0
for a in NO-FJORD NO-OWN; do
    pdftotext -enc UTF-8 "$WORK/reports/$a/${a}_example_2026-Q3.pdf" "$WORK/$a.txt" 2>/dev/null
    check_eq "subject: $a deck text extracted" "$?" 0
done
FJ=$(cat "$WORK/NO-FJORD.txt")
check_contains "subject: NO-FJORD deck charge in NOK, Norwegian format" "$FJ" "300,00 NOK"
check_contains "subject: NO-FJORD deck in Norwegian (partner's locale)" "$FJ" "Justeringer i avtaleperioden"
check_eq "subject: NO-FJORD deck never says EUR" "$(grep -c EUR "$WORK/NO-FJORD.txt")" 0
OWN=$(cat "$WORK/NO-OWN.txt")
check_contains "subject: NO-OWN deck charge in its own SEK, English format" "$OWN" "SEK 300.00"
check_contains "subject: NO-OWN deck in its own English" "$OWN" "True-up charges this term"
check_eq "subject: NO-OWN deck never says NOK" "$(grep -c NOK "$WORK/NO-OWN.txt")" 0

# Money cells: every cell holding the charge carries the account's currency.
"$PY" - "$WORK/reports/NO-FJORD/NO-FJORD_example_2026-Q3.xlsx" NOK \
    "$WORK/reports/NO-OWN/NO-OWN_example_2026-Q3.xlsx" SEK <<'EOF'
import sys
import openpyxl

args = sys.argv[1:]
for path, code in zip(args[::2], args[1::2]):
    wb = openpyxl.load_workbook(path)
    money = [(ws.title, c.coordinate, c.number_format)
             for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, (int, float)) and c.value == 300]
    name = "subject: %s workbook charge cells" % code
    if money and all(code in f and "EUR" not in f for _, _, f in money):
        print("PASS %s (%d)" % (name, len(money)))
    else:
        print("FAIL %s: %r" % (name, money))
EOF
