# partner_report.sh - templates/partner-monthly.xml, the partner monthly
# inventory report: output paths, valid PDFs, every figure equal to the
# metrics JSON of each account (tests/e2e/partner_report.py computes them
# independently), totals per currency, new and removed devices between two
# snapshots (tests/data/partner/README.md says what changes), EOS and offline
# devices, the workbook read back by openpyxl, languages, and errors.
. "$(dirname "$0")/lib.sh"

T="$TOP/templates/partner-monthly.xml"
D="$TOP/tests/data/partner"
DB="$WORK/f.db"
PDF_OF() { printf '%s/partners/%s/%s_inventory_%s.%s' "$1" "$2" "$2" "$3" "$4"; }

run_cr import --db "$DB" "$D/partners.csv" "$D/accounts.csv" "$D/contracts.csv" \
    "$D/catalog.csv" "$D/devices.csv"
check_eq "fixture import" "$RC" "0"

# metrics_json(): the document a template reads is the one metrics prints
mkdir -p "$WORK/json"
for acct in NO-FJORD SE-ALV; do
    "$CSMREPORT" metrics --db "$DB" --account "$acct" --period 2026-09 --format json \
        >"$WORK/json/$acct.json"
done

# English, for figures in a known format.
run_cr render --db "$DB" --template "$T" --partner PT-NORD --period 2026-09 --out "$WORK/en" \
    --locale en
check_eq "render PT-NORD en: exit" "$RC" "0"
PDF=$(PDF_OF "$WORK/en" PT-NORD 2026-09 pdf)
XLSX=$(PDF_OF "$WORK/en" PT-NORD 2026-09 xlsx)
if [ -s "$PDF" ] && [ -s "$XLSX" ]; then pass "outputs at OUT/partners/PT-NORD/PT-NORD_inventory_2026-09.*"
else fail "outputs at OUT/partners/ID/ID_inventory_MONTH.*" "$(find "$WORK/en" -type f)"; fi
check_eq "only the two outputs" "$(find "$WORK/en" -type f | wc -l | tr -d ' ')" "2"
if qpdf --check "$PDF" >/dev/null 2>&1; then pass "qpdf --check"; else fail "qpdf --check" "$(qpdf --check "$PDF" 2>&1 | tail -3)"; fi
pdftotext -layout "$PDF" "$WORK/en.txt"
TXT=$(cat "$WORK/en.txt")

"$PY" "$TOP/tests/e2e/partner_report.py" "$DB" PT-NORD 2026-09 "$WORK/json" "$WORK/en.txt" "$XLSX"

# The fixture's known month (tests/data/partner/README.md), written out.
check_contains "true-up NOK" "$TXT" "NOK 400.00"
check_contains "true-up SEK" "$TXT" "SEK 1,500.00"
case "$TXT" in
    *"1,900.00"*) fail "currencies never added" "1,900.00 (NOK + SEK) in the text" ;;
    *) pass "currencies never added" ;;
esac
for want in "Fjordkraft Bygg AS +New +V5 +Studio X30 +Video +Stavanger" \
    "Fjordkraft Bygg AS +Removed +H10 +Voyager Focus 2 UC +Headsets +Oslo" \
    "Älvdalen Kommun +New +S3 +Studio X30 +Video +Älvdalen" \
    "Fjordkraft Bygg AS +OLD1 +Group 500 +Video +Bergen +30 Jun 2026" \
    "Fjordkraft Bygg AS +H3 +Voyager Focus 2 UC +Oslo +offline +1 Jul 2026"; do
    if grep -Eq "^ *$want" "$WORK/en.txt"; then pass "listed: $want"
    else fail "listed: $want" "not in the PDF text"; fi
done
n=$(awk '/^.?New and removed devices/ { on = 1; next } /^Compared with/ { on = 0 }
         on && / (New|Removed) / && !/Change/' "$WORK/en.txt" | wc -l | tr -d ' ')
check_eq "exactly three device changes" "$n" "3"
if grep -Eq " H4 " "$WORK/en.txt"; then fail "H4 (offline 15 days) not listed" "listed"
else pass "H4 (offline 15 days) not listed"; fi
if grep -q "Muu Oy" "$WORK/en.txt"; then fail "another partner's account not shown" "Muu Oy listed"
else pass "another partner's account not shown"; fi
check_contains "summary: accounts and devices on the cover" "$TXT" "2 customer accounts · 21 devices"

# The first month with an inventory has nothing to compare with.
run_cr render --db "$DB" --template "$T" --partner PT-NORD --period 2026-08 --out "$WORK/aug" \
    --locale en
check_eq "render PT-NORD 2026-08: exit" "$RC" "0"
AUG=$(pdftotext -layout "$(PDF_OF "$WORK/aug" PT-NORD 2026-08 pdf)" - 2>/dev/null)
check_contains "first inventory: no changes" "$AUG" "No device was added or removed since the previous month."
n=$(printf '%s\n' "$AUG" | grep -Ec "^ *Fjordkraft Bygg AS +Partner Poly\+ Enterprise +28 Aug 2026 +15 +0 +0 ")
check_eq "first inventory: no new or removed devices counted" "$n" "1"

# Partner's locale (nb) by default, --locale fr gives French.
run_cr render --db "$DB" --template "$T" --partner PT-NORD --period 2026-09 --out "$WORK/nb"
check_eq "render PT-NORD default locale: exit" "$RC" "0"
NB=$(pdftotext "$(PDF_OF "$WORK/nb" PT-NORD 2026-09 pdf)" - 2>/dev/null)
check_contains "partner's locale nb" "$NB" "Månedlig inventarrapport"
check_contains "nb money" "$NB" "1 500,00"
run_cr render --db "$DB" --template "$T" --partner PT-NORD --period 2026-09 --out "$WORK/fr" \
    --locale fr
check_eq "render PT-NORD fr: exit" "$RC" "0"
FR=$(pdftotext "$(PDF_OF "$WORK/fr" PT-NORD 2026-09 pdf)" - 2>/dev/null)
check_contains "--locale fr: French title" "$FR" "Rapport d’inventaire mensuel"
check_contains "--locale fr: French status" "$FR" "Ajustement déclenché"
check_contains "--locale fr: French category" "$FR" "Téléphonie"
FRX=$("$PY" -c 'import openpyxl,sys; print(openpyxl.load_workbook(sys.argv[1]).sheetnames)' \
    "$(PDF_OF "$WORK/fr" PT-NORD 2026-09 xlsx)")
check_contains "--locale fr: French sheet names" "$FRX" "Synthèse"

# An unknown partner is a clear data error, and writes nothing.
run_cr render --db "$DB" --template "$T" --partner PT-NOPE --period 2026-09 --out "$WORK/none"
check_eq "unknown partner: exit 65" "$RC" "65"
check_contains "unknown partner: message" "$ERR" "unknown partner 'PT-NOPE'"
check_eq "unknown partner: no output" "$(find "$WORK/none" -type f 2>/dev/null | wc -l | tr -d ' ')" "0"

# The samples: every partner in every language renders, and PT-INTEGRA's
# figures equal its accounts' metrics.
S="$TOP/samples"
SDB="$WORK/s.db"
run_cr import --db "$SDB" "$S/partners.csv" "$S/accounts.csv" "$S/contracts.csv" \
    "$S/catalog.csv" "$S/firmware.csv" "$S/holidays.csv" "$S/devices.csv" \
    "$S/tickets.csv" "$S/usage.csv" "$S/calls.csv"
check_eq "samples import" "$RC" "0"
for loc in en fr nb ja; do
    run_cr render --db "$SDB" --template "$T" --all --period 2026-09 --out "$WORK/s-$loc" \
        --locale "$loc"
    check_eq "samples --all $loc: exit" "$RC" "0"
    for p in PT-INTEGRA PT-NIHON; do
        f=$(PDF_OF "$WORK/s-$loc" "$p" 2026-09 pdf)
        if [ -s "$f" ] && [ -s "${f%.pdf}.xlsx" ] && qpdf --check "$f" >/dev/null 2>&1; then
            pass "samples $p $loc: PDF and XLSX, qpdf --check"
        else
            fail "samples $p $loc: PDF and XLSX, qpdf --check" "$f"
        fi
    done
done
JA=$(pdftotext "$(PDF_OF "$WORK/s-ja" PT-NIHON 2026-09 pdf)" - 2>/dev/null)
check_contains "samples ja: Japanese title" "$JA" "月次インベントリレポート"
check_contains "samples ja: account" "$JA" "桜川精機株式会社"
mkdir -p "$WORK/sjson"
for acct in FR-ECLAIR FR-TILLEULS JP-SAKURA; do
    "$CSMREPORT" metrics --db "$SDB" --account "$acct" --period 2026-09 --format json \
        >"$WORK/sjson/$acct.json"
done
pdftotext -layout "$(PDF_OF "$WORK/s-en" PT-INTEGRA 2026-09 pdf)" "$WORK/s-en.txt"
"$PY" "$TOP/tests/e2e/partner_report.py" "$SDB" PT-INTEGRA 2026-09 "$WORK/sjson" "$WORK/s-en.txt" \
    "$(PDF_OF "$WORK/s-en" PT-INTEGRA 2026-09 xlsx)"
# PT-NIHON: one JPY account whose program bills no true-up
pdftotext -layout "$(PDF_OF "$WORK/s-en" PT-NIHON 2026-09 pdf)" "$WORK/s-nihon.txt"
"$PY" "$TOP/tests/e2e/partner_report.py" "$SDB" PT-NIHON 2026-09 "$WORK/sjson" "$WORK/s-nihon.txt" \
    "$(PDF_OF "$WORK/s-en" PT-NIHON 2026-09 xlsx)"
exit 0
