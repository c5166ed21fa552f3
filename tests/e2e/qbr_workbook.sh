#!/bin/sh
# qbr_workbook.sh - the QBR workbook of templates/qbr.xml, rendered for the
# sample accounts with a true-up and an RMA breach (FR-ECLAIR: a charge that
# rounds half away from zero, a 2.5 % true-up, a headset RMA breach) and with
# a triggered month without a price and carried-forward months (NO-NORDLYS),
# plus a fixture ticket whose texts start with '=' and '+'.
#  1. read back with openpyxl: the formula cells of the True-up, RMA and
#     Summary sheets hold formulas and their cached values equal
#     `csmreport metrics --format json`; data cells are never formulas; dates
#     and times are real dates with a date format; values are localized.
#  2. recalculated by LibreOffice headless (a private profile that recalculates
#     on load, the workbook converted to xlsx): every formula's value equals
#     the metrics JSON -- and a copy whose cached charges were tampered with
#     comes back right, so the values are LibreOffice's own.
. "$(dirname "$0")/lib.sh"

DB="$WORK/s.db"
import_samples "$DB" "qbr-workbook import"
run_cr import --db "$DB" --kind tickets "$TOP/tests/data/qbr_workbook/tickets_formula.csv"
check_eq "qbr-workbook fixture import" "$RC" 0

for acct in FR-ECLAIR NO-NORDLYS; do
    run_cr metrics --db "$DB" --account "$acct" --period 2026-Q3 --format json
    printf '%s\n' "$OUT" >"$WORK/$acct.json"
    run_cr render --db "$DB" --template "$TOP/templates/qbr.xml" --account "$acct" \
        --period 2026-Q3 --xlsx --out "$WORK/render"
    check_eq "qbr-workbook render $acct" "$RC:$ERR" "0:"
done
# the French account in English too: values follow --locale
run_cr render --db "$DB" --template "$TOP/templates/qbr.xml" --account FR-ECLAIR \
    --period 2026-Q3 --xlsx --locale en --out "$WORK/en"
check_eq "qbr-workbook render en" "$RC:$ERR" "0:"

cat >"$WORK/check.py" <<'PYEOF'
import datetime, json, sys, zipfile
import openpyxl

mode, path, jpath, locale = sys.argv[1:5]
def check(name, ok, why=""):
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)))
def eq(name, got, want):
    check(name, got == want, "got %r, want %r" % (got, want))
def close(a, b):
    if a in (None, "") or b in (None, ""):
        return (a in (None, "")) == (b in (None, ""))
    return abs(float(a) - float(b)) < 1e-9

doc = json.load(open(jpath, encoding="utf-8"))
acct = doc["account_id"]
tag = "%s-%s-%s" % (mode, acct, locale)
sheets = {"fr": ("Synthèse", "Ajustement", "RMA", "Tickets", "Équipements"),
          "nb": ("Sammendrag", "Justering", "RMA-er", "Saker", "Enheter"),
          "en": ("Summary", "True-up", "RMAs", "Tickets", "Devices")}[locale]
SUMMARY, TRUEUP, RMA, TICKETS, DEVICES = sheets
values = openpyxl.load_workbook(path, data_only=True)
formulas = openpyxl.load_workbook(path, data_only=False)

def table(ws):
    # the header row: the first row whose first cell is the category / first header
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value in ("Catégorie", "Kategori", "Category", "RMA"):
            return r
    return None

# ---- true-up: each month's formulas against the metrics' walk ----
rows = doc["trueup"]
wv, wf = values[TRUEUP], formulas[TRUEUP]
h = table(wv)
check("%s trueup-header" % tag, h is not None, "no header row")
head = [c.value for c in wv[h]]
def col(name):
    return head.index(name) + 1
names = {"fr": {"agreed": "Contractuel (N)", "baseline": "Seuil", "increase_pct": "Hausse %",
                "triggered": "Déclenché (1 = oui)", "added": "Équipements ajoutés",
                "months_remaining": "Mois restants", "charge": "Montant", "actual": "Réel (M)"},
         "nb": {"agreed": "Avtalt (N)", "baseline": "Grunnlag", "increase_pct": "Økning %",
                "triggered": "Utløst (1 = ja)", "added": "Enheter lagt til",
                "months_remaining": "Gjenstående måneder", "charge": "Beløp", "actual": "Faktisk (M)"},
         "en": {"agreed": "Agreed (N)", "baseline": "Baseline", "increase_pct": "Increase %",
                "triggered": "Triggered (1 = yes)", "added": "Added devices",
                "months_remaining": "Months remaining", "charge": "Charge", "actual": "Actual (M)"}}[locale]
eq("%s trueup-rows" % tag, sum(1 for r in range(h + 1, wv.max_row + 1)
                               if wv.cell(r, 2).value is not None), len(rows))
bad_formula, bad_value = [], []
for i, row in enumerate(rows):
    r = h + 1 + i
    for key in ("agreed", "baseline", "increase_pct", "triggered", "added", "months_remaining", "charge"):
        f = wf.cell(r, col(names[key])).value
        if not (isinstance(f, str) and f.startswith("=")):
            bad_formula.append((r, key, f))
        want = row[key]
        if key == "triggered":
            want = 1 if want else 0
        if key == "increase_pct" and want is not None and row["agreed"] != 0:
            want = 100.0 * (row["actual"] - row["agreed"]) / row["agreed"]
        got = wv.cell(r, col(names[key])).value
        if not close(got, want):
            bad_value.append((row["category"], row["month"], key, got, want))
eq("%s trueup-cells-are-formulas" % tag, bad_formula, [])
eq("%s trueup-values-equal-metrics" % tag, bad_value, [])
check("%s trueup-has-a-charge" % tag, any(r["triggered"] for r in rows), "no triggered month")
total_charge = sum((v.get("charge_total") or 0) for v in doc["trueup_summary"].values())
total_added = sum((v.get("added_total") or 0) for v in doc["trueup_summary"].values())
tr = h + 1 + len(rows)
f = wf.cell(tr, col(names["charge"])).value
check("%s trueup-total-formula" % tag, isinstance(f, str) and f.startswith("=SUM("), f)
check("%s trueup-total-charge" % tag, close(wv.cell(tr, col(names["charge"])).value, total_charge),
      "%r vs %r" % (wv.cell(tr, col(names["charge"])).value, total_charge))
check("%s trueup-total-added" % tag, close(wv.cell(tr, col(names["added"])).value, total_added),
      "%r vs %r" % (wv.cell(tr, col(names["added"])).value, total_added))
month_cell = wv.cell(h + 1, 2)
check("%s trueup-month-is-date" % tag, isinstance(month_cell.value, datetime.datetime)
      and "yy" in month_cell.number_format, (month_cell.value, month_cell.number_format))

# ---- RMA: rate and breach ----
wv, wf = values[RMA], formulas[RMA]
facts = {wv.cell(r, 1).value: (wv.cell(r, 2).value, wf.cell(r, 2).value) for r in range(1, 12)}
rate_label = {"fr": "Taux de RMA casques", "nb": "RMA-rate for hodesett", "en": "Headset RMA rate"}[locale]
breach_label = {"fr": "Au-dessus du seuil (1 = oui)", "nb": "Over terskelen (1 = ja)",
                "en": "Above threshold (1 = yes)"}[locale]
rate, rate_f = facts.get(rate_label, (None, None))
breach, breach_f = facts.get(breach_label, (None, None))
check("%s rma-rate-formula" % tag, isinstance(rate_f, str) and rate_f.startswith("=IF("), rate_f)
check("%s rma-breach-formula" % tag, isinstance(breach_f, str) and breach_f.startswith("=IF("), breach_f)
check("%s rma-rate" % tag, close(rate, doc["rma"]["rate"]), "%r vs %r" % (rate, doc["rma"]["rate"]))
eq("%s rma-breach" % tag, breach, None if doc["rma"]["breach"] is None else int(doc["rma"]["breach"]))
items = doc["downtime"]["items"]
hr = table(wv)
eq("%s rma-rows" % tag, [wv.cell(r, 1).value for r in range(hr + 1, hr + 1 + len(items))],
   [it["rma_number"] for it in items])
if items:
    c = wv.cell(hr + 1, 5)
    check("%s rma-approved-is-datetime" % tag, isinstance(c.value, datetime.datetime)
          and "hh:mm" in c.number_format, (c.value, c.number_format))
    want = datetime.datetime.fromisoformat(items[0]["approved_at"][:19])
    eq("%s rma-approved-local-time" % tag, c.value, want)

if mode != "cached":
    sys.exit(0)

# ---- cached mode only: data cells are data ----
z = zipfile.ZipFile(path)
wf = formulas[TICKETS]
cells = [c for row in wf.iter_rows() for c in row if c.value is not None]
eq("%s tickets-no-formula" % tag, [c.coordinate for c in cells if c.data_type == "f"], [])
texts = [c.value for c in cells if isinstance(c.value, str)]
if acct == "FR-ECLAIR":
    for want in ("=SUM(A1:A9)", "=Tours", '=HYPERLINK("http://example.invalid","x")', "=1+1"):
        check("%s equals-text-kept %s" % (tag, want), want in texts, "not a string cell")
    check("%s no-hyperlink-part" % tag, not any("hyperlink" in n.lower() for n in z.namelist())
          and all("hyperlink" not in z.read(n).decode("utf-8", "replace").lower()
                  for n in z.namelist() if n.startswith("xl/worksheets/")), "a hyperlink")
for name in (DEVICES, TICKETS):
    ws = formulas[name]
    eq("%s %s-no-formula" % (tag, name), [c.coordinate for row in ws.iter_rows() for c in row
                                          if c.data_type == "f"], [])
ws = values[TICKETS]
c = ws.cell(2, 8)
check("%s ticket-opened-is-datetime" % tag, isinstance(c.value, datetime.datetime)
      and "yy" in c.number_format and "hh:mm" in c.number_format, (c.value, c.number_format))
# localized values
cats = {"fr": "Casque", "nb": "Hodesett", "en": "Headset"}[locale]
check("%s category-localized" % tag, cats in [c.value for c in values[DEVICES]["C"]],
      [c.value for c in values[DEVICES]["C"]][:4])
# the devices sheet agrees with the coverage metrics
dv = values[DEVICES]
hd = [c.value for c in dv[1]]
cov = [dv.cell(r, hd.index({"fr": "Couverture", "nb": "Dekning", "en": "Coverage"}[locale]) + 1).value
       for r in range(2, dv.max_row + 1)]
eq("%s devices-count" % tag, len(cov), doc["coverage"]["devices"])
eos = {"fr": "Fin de service", "nb": "Utgått (EOS)", "en": "End of service"}[locale]
eq("%s devices-eos" % tag, cov.count(eos), doc["coverage"]["eos"])
sw = [dv.cell(r, hd.index({"fr": "Niveau logiciel", "nb": "Programvarenivå", "en": "Software level"}[locale]) + 1).value
      for r in range(2, dv.max_row + 1)]
cur = {"fr": "À jour", "nb": "Gjeldende", "en": "Current"}[locale]
eq("%s devices-software-current" % tag, sw.count(cur), doc["software"]["current"])
for key, word in (("n_minus_1", "N\u22121"), ("outdated", {"fr": "Obsol\u00e8te", "nb": "Utdatert", "en": "Outdated"}[locale]),
                  ("unknown", {"fr": "Inconnu", "nb": "Ukjent", "en": "Unknown"}[locale])):
    eq("%s devices-software-%s" % (tag, key), sw.count(word), doc["software"][key])
# active in the period: the same devices the adoption metric counts
act = [dv.cell(r, hd.index({"fr": "Actif sur la p\u00e9riode", "nb": "Aktiv i perioden", "en": "Active in period"}[locale]) + 1).value
       for r in range(2, dv.max_row + 1)]
eq("%s devices-active" % tag, act.count({"fr": "Oui", "nb": "Ja", "en": "Yes"}[locale]), doc["adoption"]["active"])
PYEOF

loc_of() { case "$1" in FR-ECLAIR) echo fr ;; NO-NORDLYS) echo nb ;; *) echo en ;; esac; }
for acct in FR-ECLAIR NO-NORDLYS; do
    "$PY" "$WORK/check.py" cached "$WORK/render/$acct/${acct}_qbr_2026-Q3.xlsx" "$WORK/$acct.json" "$(loc_of $acct)"
done
"$PY" "$WORK/check.py" cached "$WORK/en/FR-ECLAIR/FR-ECLAIR_qbr_2026-Q3.xlsx" "$WORK/FR-ECLAIR.json" en

# ---- LibreOffice recalculates ----
if ! command -v soffice >/dev/null 2>&1; then
    fail qbr-workbook-soffice "LibreOffice (soffice) is not installed: .ci/install-deps installs libreoffice-calc-nogui"
    exit 0
fi
mkdir -p "$WORK/lo/user" "$WORK/lo-in" "$WORK/lo-out"
cat >"$WORK/lo/user/registrymodifications.xcu" <<'XEOF'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
XEOF
for acct in FR-ECLAIR NO-NORDLYS; do
    cp "$WORK/render/$acct/${acct}_qbr_2026-Q3.xlsx" "$WORK/lo-in/$acct.xlsx"
done
# a copy whose cached results of every formula are wrong: only a recalculation
# gives the metrics' values back
"$PY" - "$WORK/lo-in/FR-ECLAIR.xlsx" "$WORK/lo-in/tampered.xlsx" <<'PYEOF'
import re, sys, zipfile
src, dst = sys.argv[1:3]
zin = zipfile.ZipFile(src)
zout = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
n = 0
for item in zin.infolist():
    data = zin.read(item.filename)
    if item.filename.startswith("xl/worksheets/sheet"):
        text = data.decode("utf-8")
        text, k = re.subn(r"(<f>[^<]*</f><v>)[^<]*(</v>)", r"\g<1>987654\g<2>", text)
        n += k
        data = text.encode("utf-8")
    zout.writestr(item, data)
zout.close()
print(("PASS tamper-copy %d cached values" % n) if n > 20 else "FAIL tamper-copy: only %d formulas" % n)
PYEOF
(cd "$WORK" && HOME="$WORK" soffice -env:UserInstallation="file://$WORK/lo" --headless \
    --convert-to xlsx --outdir "$WORK/lo-out" "$WORK/lo-in/FR-ECLAIR.xlsx" "$WORK/lo-in/NO-NORDLYS.xlsx" \
    "$WORK/lo-in/tampered.xlsx" >"$WORK/lo.log" 2>&1)
for f in FR-ECLAIR NO-NORDLYS tampered; do
    if [ ! -f "$WORK/lo-out/$f.xlsx" ]; then
        fail "qbr-workbook soffice $f" "no xlsx from soffice: $(head -c 300 "$WORK/lo.log")"
        continue
    fi
    case $f in tampered) j=FR-ECLAIR ;; *) j=$f ;; esac
    "$PY" "$WORK/check.py" recalculated-$f "$WORK/lo-out/$f.xlsx" "$WORK/$j.json" "$(loc_of $j)"
done
exit 0
