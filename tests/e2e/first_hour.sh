# first_hour.sh - what a new user meets in the first hour (issue 11): the
# accounts list, "did you mean" for account ids and kinds, 2026-q3, a --db in a
# missing folder, CSMREPORT_DB, the nearest-kinds message of a header no kind
# fits, `profile init` round trips on renamed exports, the README's kinds
# equal to `import --help`, render refusing accounts with nothing to report,
# and the check findings that go with it.
. "$(dirname "$0")/lib.sh"

DB=$WORK/s.db
import_samples "$DB" "first hour: samples import"

# --- accounts ------------------------------------------------------------------
run_cr accounts --db "$DB"
check_eq "accounts: exit 0" "$RC" 0
check_eq "accounts: header and one line per account" "$(printf '%s\n' "$OUT" | wc -l)" 7
LINE=$(printf '%s\n' "$OUT" | grep '^NO-NORDLYS ')
for want in "Nordlys Energi AS" "enterprise" "2026-01-01..2026-12-31"; do
    check_contains "accounts: NO-NORDLYS $want" "$LINE" "$want"
done
# The data range, read independently from the tables.
RANGE=$(sqlite3 -readonly "$DB" "SELECT min(d) || '..' || max(d) FROM (
    SELECT snapshot_date AS d FROM devices WHERE account_id = 'NO-NORDLYS'
    UNION ALL SELECT substr(opened_at, 1, 10) FROM tickets WHERE account_id = 'NO-NORDLYS'
    UNION ALL SELECT date FROM usage WHERE account_id = 'NO-NORDLYS'
    UNION ALL SELECT local_date FROM calls WHERE account_id = 'NO-NORDLYS')")
check_contains "accounts: NO-NORDLYS data range $RANGE" "$LINE" "$RANGE"
run_cr accounts --db "$DB" --format json
GOT=$(printf '%s' "$OUT" | $PY -c '
import json, sys
rows = json.load(sys.stdin)
by = {r["account_id"]: r for r in rows}
print(len(rows), by["FR-ECLAIR"]["partner_id"], by["FR-ECLAIR"]["program"],
      by["NO-NORDLYS"]["data_first"] + ".." + by["NO-NORDLYS"]["data_last"],
      by["GB-GLEN"]["partner_id"])')
check_eq "accounts --format json" "$GOT" "6 PT-INTEGRA partner_enterprise $RANGE None"
run_cr accounts --db "$DB" --format xml
check_eq "accounts --format xml: usage error" "$RC" 64

# --- did you mean ------------------------------------------------------------------
run_cr metrics --db "$DB" --account NO-NORDLY --period 2026-Q3
check_eq "metrics unknown account: exit 65" "$RC" 65
check_contains "metrics unknown account: suggestion" "$ERR" "unknown account 'NO-NORDLY'; did you mean 'NO-NORDLYS'?"
run_cr render --db "$DB" --template "$TOP/templates/qbr.xml" --account us-harbor --period 2026-Q3 --out "$WORK/o"
check_contains "render unknown account: suggestion" "$ERR" "did you mean 'US-HARBOR'?"
run_cr check --db "$DB" --account GB-GLN
check_contains "check unknown account: suggestion" "$ERR" "did you mean 'GB-GLEN'?"
run_cr metrics --db "$DB" --account XYZZY-1234 --period 2026-Q3
check_eq "unknown account far from any: exit 65" "$RC" 65
case "$ERR" in *"did you mean"*) fail "unknown account far from any: no suggestion" "$ERR" ;;
    *) check_contains "unknown account far from any: points to accounts" "$ERR" "csmreport accounts" ;; esac
KINDS="kinds: accounts, partners, contracts, catalog, firmware, holidays, devices, tickets, usage, calls"
run_cr import --db "$WORK/k.db" --kind device "$TOP/samples/devices.csv"
check_eq "import --kind device: exit 64" "$RC" 64
check_contains "import --kind device: suggestion" "$ERR" "unknown kind 'device'; did you mean 'devices'?"
check_contains "import --kind device: the kinds" "$ERR" "$KINDS"
[ -e "$WORK/k.db" ] && fail "import --kind device: no store made" "k.db exists" || pass "import --kind device: no store made"
run_cr profile init --kind tikets "$TOP/samples/tickets.csv"
check_contains "profile init --kind tikets: suggestion" "$ERR" "did you mean 'tickets'?"
run_cr import --db "$WORK/k.db" --kind zzz "$TOP/samples/devices.csv"
check_eq "import --kind zzz: the kinds without a guess" "$ERR" "csmreport: unknown kind 'zzz' ($KINDS)"

# --- periods, --db, CSMREPORT_DB, help -----------------------------------------
run_cr metrics --db "$DB" --account NO-NORDLYS --period 2026-Q3 --format json
UPPER=$OUT
run_cr metrics --db "$DB" --account NO-NORDLYS --period 2026-q3 --format json
check_eq "period 2026-q3: exit 0" "$RC" 0
[ -n "$OUT" ] && [ "$OUT" = "$UPPER" ] && pass "period 2026-q3 = 2026-Q3" || fail "period 2026-q3 = 2026-Q3" "outputs differ"
run_cr accounts --db "$WORK/nowhere/x.db"
check_eq "--db in a missing folder (read): exit 66" "$RC" 66
check_eq "--db in a missing folder (read): message" "$ERR" "csmreport: $WORK/nowhere/x.db: the folder $WORK/nowhere does not exist"
run_cr import --db "$WORK/nowhere/x.db" "$TOP/samples/catalog.csv"
check_eq "--db in a missing folder (import): exit 73" "$RC" 73
check_contains "--db in a missing folder (import): message" "$ERR" "the folder $WORK/nowhere does not exist"
[ -e "$WORK/nowhere" ] && fail "--db in a missing folder: not created" "made" || pass "--db in a missing folder: not created"
OUT=$(cd "$WORK" && CSMREPORT_DB="$DB" "$CSMREPORT" accounts --format json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')
check_eq "CSMREPORT_DB names the store" "$OUT" 6
OUT=$(cd "$WORK" && CSMREPORT_DB="$WORK/none.db" "$CSMREPORT" accounts --db "$DB" | wc -l)
check_eq "--db wins over CSMREPORT_DB" "$OUT" 7
run_cr help accounts
check_contains "help accounts" "$OUT" "usage: csmreport accounts [--format text|json]"
check_contains "help accounts: CSMREPORT_DB" "$OUT" '$CSMREPORT_DB'
run_cr help profile
check_contains "help profile" "$OUT" "usage: csmreport profile init --kind K FILE"
run_cr -V
check_contains "-V" "$OUT" "csmreport "
run_cr --version
check_contains "--version" "$OUT" "csmreport "
run_cr help
check_contains "help: lists accounts" "$OUT" "  accounts "
check_contains "help: lists profile" "$OUT" "  profile "

# --- import --help and the README ----------------------------------------------
run_cr import --help
check_contains "import --help: devices columns" "$OUT" "devices    snapshot_date*, account_id*, serial*, model*, firmware, site,"
check_contains "import --help: a worked example" "$OUT" "csmreport profile init --kind devices lens.csv > lens.xml"
if "$TOP/src/tools/readme-kinds.sh" "$CSMREPORT" "$TOP/README.md" --check 2>"$WORK/readme.diff"; then
    pass "README 'Your own exports' equals import --help"
else
    fail "README 'Your own exports' equals import --help" "$(head -c 600 "$WORK/readme.diff")"
fi
# The check fails when the README drifts.
sed 's/^  devices    snapshot_date\*/  devices    snapshot_date/' "$TOP/README.md" >"$WORK/README.md"
"$TOP/src/tools/readme-kinds.sh" "$CSMREPORT" "$WORK/README.md" --check 2>/dev/null \
    && fail "README check: a drifted copy fails" "passed" || pass "README check: a drifted copy fails"

# --- a header no kind fits -------------------------------------------------------
printf 'Serial Number,Device Model,Room\nA1,CCX 400,R1\n' >"$WORK/lens.csv"
run_cr import --db "$WORK/h.db" "$WORK/lens.csv"
check_eq "no kind fits: exit 65" "$RC" 65
for want in "nearest: devices (found serial (as 'Serial Number'), model (as 'Device Model'); missing snapshot_date, account_id)" \
    "catalog (found model (as 'Device Model'); missing category)" \
    "firmware (found model (as 'Device Model'); missing version, release_date)" \
    "'csmreport profile init --kind devices FILE'"; do
    check_contains "no kind fits: $want" "$ERR" "$want"
done
printf 'foo,bar\n1,2\n' >"$WORK/foo.csv"
run_cr import --db "$WORK/h.db" "$WORK/foo.csv"
check_contains "no column of any kind" "$ERR" "the header has none of the columns of any kind (accounts, partners,"

# --- profile init round trips ----------------------------------------------------
# Reference data in both stores; devices and tickets canonical in one, renamed
# (other header names, separator, date formats, priority words) in the other
# through the profile profile init wrote. The tables must be equal.
S=$TOP/samples
for d in a b; do
    run_cr import --db "$WORK/$d.db" "$S/partners.csv" "$S/accounts.csv" "$S/catalog.csv"
    [ "$RC" -eq 0 ] || fail "round trip: reference import" "$ERR"
done
# Tickets whose timestamps are all "YYYY-MM-DD HH:MM" (the samples mix in a few
# ISO forms with offsets, which one format cannot read).
$PY - "$S" "$WORK" <<'PYEOF'
import csv, sys
src, work = sys.argv[1], sys.argv[2]
def dmy(v):
    if not v: return v
    y, m, d = v.split("-"); return f"{d}/{m}/{y}"
def us(v):
    if not v: return v
    d, t = v.split(" "); y, mo, da = d.split("-"); h, mi = t.split(":")
    h = int(h); return f"{mo}/{da}/{y} {h % 12 or 12}:{mi} {'AM' if h < 12 else 'PM'}"
rows = list(csv.reader(open(f"{src}/devices.csv", encoding="utf-8")))
with open(f"{work}/dev-renamed.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, delimiter=";")
    w.writerow(["Snapshot Date", "Customer ID", "Serial Number", "Device Model", "Software Version",
                "Site Name", "Room Name", "State", "Last Seen"])
    for r in rows[1:]:
        r[0] = dmy(r[0]); w.writerow(r)
rows = list(csv.reader(open(f"{src}/tickets.csv", encoding="utf-8")))
ts = (7, 8, 11, 12, 13, 15)
keep = [r for r in rows[1:] if all(not r[i] or (len(r[i]) == 16 and r[i][10] == " ") for i in ts)]
words = {"P1": "1 - Critical", "P2": "2 - High", "P3": "3 - Moderate", "P4": "4 - Low"}
with open(f"{work}/tk.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f); w.writerow(rows[0]); w.writerows(keep)
with open(f"{work}/tk-renamed.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["Number", "Customer", "Location", "Device Serial", "Model", "Priority", "State",
                "Created", "Resolved", "Cloud Partner", "RMA", "RMA Approved", "Shipped",
                "Delivered", "Root Cause", "Last Updated"])
    for r in keep:
        r = list(r); r[5] = words[r[5]]
        for i in ts: r[i] = us(r[i])
        w.writerow(r)
PYEOF
run_cr profile init --kind devices "$WORK/dev-renamed.csv"
check_eq "profile init devices: exit 0" "$RC" 0
printf '%s\n' "$OUT" >"$WORK/dev.xml"
for want in 'kind="devices" separator=";"' \
    '<field name="snapshot_date" column="Snapshot Date" format="%d/%m/%Y"/>' \
    '<field name="account_id" column="Customer ID"/>' '<field name="serial" column="Serial Number"/>' \
    '<field name="model" column="Device Model"/>' '<field name="last_seen" column="Last Seen"/>'; do
    check_contains "profile init devices: $want" "$OUT" "$want"
done
run_cr import --db "$WORK/a.db" "$S/devices.csv"
run_cr import --db "$WORK/b.db" --profile "$WORK/dev.xml" "$WORK/dev-renamed.csv"
check_eq "profile init devices: import --profile exit 0" "$RC" 0
[ "$RC" -eq 0 ] || echo "$ERR"
A=$(sqlite3 -readonly "$WORK/a.db" "SELECT * FROM devices ORDER BY account_id, snapshot_date, serial" | md5sum)
B=$(sqlite3 -readonly "$WORK/b.db" "SELECT * FROM devices ORDER BY account_id, snapshot_date, serial" | md5sum)
N=$(sqlite3 -readonly "$WORK/b.db" "SELECT count(*) FROM devices")
[ "$N" -gt 500 ] && [ "$A" = "$B" ] && pass "profile init devices: same $N devices as the canonical file" \
    || fail "profile init devices: same devices as the canonical file" "$N rows, digests differ"

run_cr profile init --kind tickets "$WORK/tk-renamed.csv"
printf '%s\n' "$OUT" >"$WORK/tk.xml"
for want in '<field name="ticket_id" column="Number"/>' '<field name="account_id" column="Customer"/>' \
    '<field name="opened_at" column="Created" format="%m/%d/%Y %I:%M %p"/>' \
    '<field name="closed_at" column="Resolved" format="%m/%d/%Y %I:%M %p"/>' \
    '<field name="updated_at" column="Last Updated" format="%m/%d/%Y %I:%M %p"/>' \
    '<map from="1 - Critical" to="P1"/>' '<map from="4 - Low" to="P4"/>'; do
    check_contains "profile init tickets: $want" "$OUT" "$want"
done
run_cr import --db "$WORK/a.db" "$WORK/tk.csv"
run_cr import --db "$WORK/b.db" --profile "$WORK/tk.xml" "$WORK/tk-renamed.csv"
check_eq "profile init tickets: import --profile exit 0" "$RC" 0
[ "$RC" -eq 0 ] || echo "$ERR"
Q="SELECT * FROM tickets ORDER BY ticket_id"
A=$(sqlite3 -readonly "$WORK/a.db" "$Q" | md5sum)
B=$(sqlite3 -readonly "$WORK/b.db" "$Q" | md5sum)
N=$(sqlite3 -readonly "$WORK/b.db" "SELECT count(DISTINCT priority) || ' ' || count(*) FROM tickets")
[ "$A" = "$B" ] && pass "profile init tickets: same tickets ($N)" \
    || fail "profile init tickets: same tickets" "$N, digests differ"

# Unmatched required columns and unknown priority words are said in the profile,
# which still loads (the import then names the value, not the profile).
printf 'Key,Urgency,Created\nT-1,Blue,2026-07-01 10:00\n' >"$WORK/odd.csv"
run_cr profile init --kind tickets "$WORK/odd.csv"
printf '%s\n' "$OUT" >"$WORK/odd.xml"
check_contains "profile init: a comment for account_id" "$OUT" "<!-- account_id (required, identifier): no column matched"
check_contains "profile init: an unknown priority to fill in" "$OUT" 'fill in P1..P4 and uncomment: <map from="Blue" to="P?"/>'
run_cr import --db "$WORK/b.db" --profile "$WORK/odd.xml" --account US-HARBOR "$WORK/odd.csv"
check_eq "profile init: the profile loads (exit 65 for the value)" "$RC" 65
check_contains "profile init: the import names the value" "$ERR" "Blue"

# --- no silent nonsense --------------------------------------------------------------
T=$TOP/templates/qbr.xml
run_cr render --db "$DB" --template "$T" --all --period 2024-q1 --out "$WORK/r1" --summary "$WORK/r1.json"
check_eq "render before the terms: exit 65" "$RC" 65
check_eq "render before the terms: every account named" "$(printf '%s\n' "$ERR" | grep -c 'not rendered: period 2024-Q1 is outside its term')" 6
check_contains "render before the terms: the reason" "$ERR" \
    "csmreport: NO-NORDLYS: not rendered: period 2024-Q1 is outside its term 2026-01-01..2026-12-31 and its data 2025-11-19..2026-10-28 (--allow-empty renders it)"
check_eq "render before the terms: no file written" "$(find "$WORK/r1" -type f 2>/dev/null | wc -l)" 0
GOT=$($PY -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$WORK/r1.json")
check_contains "render before the terms: in the summary" "$GOT" "not rendered: period 2024-Q1"
# A store with accounts but no inventory.
run_cr import --db "$WORK/c.db" "$S/accounts.csv" "$S/catalog.csv"
run_cr render --db "$WORK/c.db" --template "$T" --account FR-TILLEULS --period 2026-Q3 --out "$WORK/r2"
check_eq "render without inventory: exit 65" "$RC" 65
check_contains "render without inventory: reason" "$ERR" "FR-TILLEULS: not rendered: no inventory on or before 2026-09-30"
# --allow-empty renders it all the same.
run_cr render --db "$WORK/c.db" --template "$T" --account FR-TILLEULS --period 2026-Q3 --out "$WORK/r3" --pdf --allow-empty
check_eq "render --allow-empty: exit 0" "$RC" 0
[ -s "$WORK/r3/FR-TILLEULS/FR-TILLEULS_qbr_2026-Q3.pdf" ] && pass "render --allow-empty: the deck is written" \
    || fail "render --allow-empty: the deck is written" "$(ls -R "$WORK/r3" 2>&1 | head -5)"
PAGE2=$(pdftotext -f 2 -l 2 "$WORK/r3/FR-TILLEULS/FR-TILLEULS_qbr_2026-Q3.pdf" - 2>&1)
check_contains "render --allow-empty: a no data page after the cover (fr)" "$PAGE2" "Aucune donnée pour cette période"
check_contains "render --allow-empty: the page says why, in French" "$(echo "$PAGE2" | tr '\n' ' ')" \
    "Aucun inventaire des équipements au plus tard le 30 sept. 2026 : aucune liste d’équipements n’a été importée pour ce compte."
for l in en:"There is no device inventory on or before 30 Sep 2026" nb:"Det finnes ingen utstyrsliste på eller før 30. sep. 2026" \
    ja:"2026年9月30日以前の機器一覧がありません"; do
    run_cr render --db "$WORK/c.db" --template "$T" --account FR-TILLEULS --period 2026-Q3 \
        --out "$WORK/r3-${l%%:*}" --pdf --allow-empty --locale "${l%%:*}"
    check_contains "render --allow-empty: the page says why (${l%%:*})" \
        "$(pdftotext -f 2 -l 2 "$WORK/r3-${l%%:*}/FR-TILLEULS/FR-TILLEULS_qbr_2026-Q3.pdf" - 2>&1 | tr -d '\n')" "${l#*:}"
done
# A period outside the term and the data: the page gives both ranges.
cp "$WORK/c.db" "$WORK/c4.db"
run_cr import --db "$WORK/c4.db" "$S/devices.csv"
run_cr render --db "$WORK/c4.db" --template "$T" --account FR-TILLEULS --period 2020-Q1 --out "$WORK/r4" \
    --pdf --allow-empty --locale en
check_contains "render --allow-empty: a period outside the term and the data" \
    "$(pdftotext -f 2 -l 2 "$WORK/r4/FR-TILLEULS/FR-TILLEULS_qbr_2020-Q1.pdf" - 2>&1 | tr '\n' ' ')" \
    "Q1 2020 is outside the contract term (1 Jan 2026 – 31 Dec 2026) and the data received (30 Jun 2026 – 30 Oct 2026)."
# An account with data is rendered as before (its inventory starts in the period).
run_cr render --db "$DB" --template "$T" --account GB-GLEN --period 2026-Q3 --out "$WORK/r4" --xlsx
check_eq "render with data: exit 0" "$RC" 0
run_cr import --db "$WORK/e.db" "$S/catalog.csv"
run_cr render --db "$WORK/e.db" --template "$T" --all --period 2026-Q3 --out "$WORK/r5"
check_eq "render --all without accounts: exit 65" "$RC" 65
check_eq "render --all without accounts: message" "$ERR" "csmreport: the store has no accounts to render (import an accounts file first)"

# --- check findings -------------------------------------------------------------------
counts() {
    "$CSMREPORT" check --db "$1" --format json | $PY -c '
import json, sys
d = {c["id"]: c for c in json.load(sys.stdin)["checks"]}
for k in ("accounts_without_inventory", "accounts_without_recent_usage",
          "contract_category_without_devices", "old_inventory"):
    print("%s=%d%s" % (k, d[k]["count"], "".join(" [" + e + "]" for e in d[k]["examples"])))'
}
check_eq "check: the samples have none of the new findings" "$(counts "$DB" | tr '\n' ' ')" \
    "accounts_without_inventory=0 accounts_without_recent_usage=0 contract_category_without_devices=0 old_inventory=0 "
sqlite3 "$DB" ".backup '$WORK/p.db'"
# GB-GLEN loses its usage, US-HARBOR its snapshots after July, NO-NORDLYS its
# voice devices; the latest data date stays 2026-10-30 (other accounts' usage).
sqlite3 "$WORK/p.db" "DELETE FROM usage WHERE account_id = 'GB-GLEN';
    DELETE FROM calls WHERE account_id = 'GB-GLEN';
    DELETE FROM devices WHERE account_id = 'US-HARBOR' AND snapshot_date > '2026-08-01';
    DELETE FROM devices WHERE account_id = 'NO-NORDLYS'
       AND model IN (SELECT model FROM catalog WHERE category = 'voice');"
LAST=$(sqlite3 -readonly "$WORK/p.db" "SELECT max(d) FROM (SELECT max(date) AS d FROM usage
    UNION ALL SELECT max(local_date) FROM calls UNION ALL SELECT max(snapshot_date) FROM devices
    UNION ALL SELECT date(max(opened_utc), 'unixepoch') FROM tickets)")
HARBOR=$(sqlite3 -readonly "$WORK/p.db" "SELECT max(snapshot_date) || ', ' || CAST(julianday('$LAST') - julianday(max(snapshot_date)) AS INTEGER) FROM devices WHERE account_id = 'US-HARBOR'")
GOT=$(counts "$WORK/p.db")
check_contains "check: no recent usage" "$GOT" "accounts_without_recent_usage=1 [GB-GLEN (Glenmorven Distillers Ltd): no usage at all (latest data $LAST)]"
check_contains "check: contract category without devices" "$GOT" "contract_category_without_devices=1 [NO-NORDLYS: voice (agreed"
check_contains "check: old inventory" "$GOT" "old_inventory=1 [US-HARBOR (Harborview Medical Partners): latest snapshot $HARBOR days before $LAST]"
check_contains "check: accounts without inventory" "$(counts "$WORK/c.db")" "accounts_without_inventory=6 [FR-ECLAIR"
