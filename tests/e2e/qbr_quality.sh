# qbr_quality.sh - the QBR's data notes show the findings of `csmreport check`
# for the account (the template reads them with check_json, the same code): in
# the deck (pdftotext) and on the workbook's data-quality sheet (openpyxl),
# each finding's title in the report's language with its count equal to
# `check --account ID --format json`; an account without findings gets the
# sentence saying so, and no other account's finding shows.
. "$(dirname "$0")/lib.sh"

DB="$WORK/s.db"
import_samples "$DB" "qbr quality samples import"
# JP-SAKURA's one finding is a model without firmware releases: give it one.
cat >"$WORK/firmware.csv" <<'CSV'
model,version,release_date
Voyager Free 60 UC,2.1,2026-03-01
CSV
run_cr import --db "$DB" "$WORK/firmware.csv"
check_eq "qbr quality firmware import" "$RC" 0

cat >"$WORK/quality.py" <<'PYEOF'
import json, re, sys, xml.etree.ElementTree as ET
import openpyxl
text_file, xlsx, check_file, template, loc, acct = sys.argv[1:7]
squash = lambda s: re.sub(r"[\s\u00a0\u202f]+", "", s or "")
text = squash(open(text_file, encoding="utf-8").read())
doc = json.load(open(check_file, encoding="utf-8"))
strings = {s.get("key"): s.get(loc) for s in ET.parse(template).getroot().iter("string")}
wb = openpyxl.load_workbook(xlsx)
sheet = wb[strings["wb_quality"]]
cells = [[c.value for c in r] for r in sheet.iter_rows()]
fails = 0
def check(what, ok, why=""):
    global fails
    fails += not ok
    print("%s qbr quality %s %s: %s%s" % ("PASS" if ok else "FAIL", acct, loc, what,
                                       "" if ok else ": " + why))
found = [c for c in doc["checks"] if c["count"] > 0]
check("check json is the account's", doc.get("account_id") == acct, str(doc.get("account_id")))
sep = " : " if loc == "fr" else ": "
for c in found:
    title = strings["chk_" + c["id"]]
    check("deck: %s with its count" % c["id"], squash(title + sep + str(c["count"])) in text,
          "%r not in the deck" % (title + sep + str(c["count"])))
    # the deck names each of the first two findings by its subject (in no
    # language), never by the English sentence of `check`
    check("deck: %s has subjects" % c["id"], len(c["subjects"]) == len(c["examples"]) and c["subjects"][0],
          repr(c["subjects"]))
    for sub in c["subjects"][:2]:
        check("deck: %s subject %s" % (c["id"], sub), squash(sub) in text, "%r not in the deck" % sub)
    if loc != "en":
        for ex in c["examples"][:2]:
            check("deck: %s: no English sentence" % c["id"], squash(ex.replace(acct + ": ", "")) not in text, ex)
    rows = [r for r in cells if r and r[0] == title]
    check("workbook: %s row" % c["id"], len(rows) == 1 and rows[0][2] == c["count"], repr(rows))
    check("workbook: %s subjects" % c["id"], len(rows) == 1 and rows[0][3] == "; ".join(c["subjects"]),
          repr(rows))
for c in doc["checks"]:
    if c["count"] == 0:
        check("no %s" % c["id"], squash(strings["chk_" + c["id"]]) not in text)
none = strings["q_none"]
if found:
    check("deck: no 'none' sentence", squash(none) not in text)
else:
    check("deck: the 'none' sentence", squash(none) in text, "%r missing" % none)
    check("workbook: the 'none' row", any(r and r[0] == none for r in cells), repr(cells[:6]))
sys.exit(1 if fails else 0)
PYEOF

# NO-NORDLYS: three findings (usage of an unknown serial, a month without a
# snapshot, models without firmware); JP-SAKURA: none now.
for acct in NO-NORDLYS JP-SAKURA; do
    run_cr check --db "$DB" --account "$acct" --format json
    printf '%s\n' "$OUT" >"$WORK/$acct-check.json"
    n=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["problems"])' "$WORK/$acct-check.json")
    case "$acct" in
        NO-NORDLYS) check_eq "qbr quality $acct has findings" "$n" 7 ;;
        JP-SAKURA) check_eq "qbr quality $acct has none" "$n" 0 ;;
    esac
    for loc in en fr nb ja; do
        out="$WORK/out-$loc"
        run_cr render --db "$DB" --template "$TOP/templates/qbr.xml" --account "$acct" \
            --period 2026-Q3 --locale "$loc" --pdf --xlsx --out "$out"
        pdf="$out/$acct/${acct}_qbr_2026-Q3.pdf" xlsx="$out/$acct/${acct}_qbr_2026-Q3.xlsx"
        if [ "$RC" -ne 0 ] || [ ! -s "$pdf" ] || [ ! -s "$xlsx" ]; then
            fail "qbr quality render $acct $loc" "exit $RC: $(printf '%s' "$ERR" | head -c 600)"
            continue
        fi
        pdftotext "$pdf" "$WORK/$acct-$loc.txt"
        "$PY" "$WORK/quality.py" "$WORK/$acct-$loc.txt" "$xlsx" "$WORK/$acct-check.json" \
            "$TOP/templates/qbr.xml" "$loc" "$acct" >"$WORK/q.out" 2>&1
        cat "$WORK/q.out"
    done
done
