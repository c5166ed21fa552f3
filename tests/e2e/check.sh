# check.sh - `csmreport check`: a database with one or two planted problems per
# check reports each with its count (text and JSON), exits 0 all the same, and a
# clean database reports no problems.
. "$(dirname "$0")/lib.sh"

mkdir -p "$WORK/bad" "$WORK/clean"

# --- planted problems ------------------------------------------------------
# A1 enterprise, complete but for snapshot gaps (2026-03..04, 2026-06);
# A2 names a partner that is not in partners;
# A3 enterprise without contract lines, country SE without holidays, and no
#    time zone, locale or currency. ZZ* are account ids no accounts row has.
cat >"$WORK/bad/accounts.csv" <<'CSV'
account_id,account_name,partner_id,partner_name,program,term_start,term_end,country,region,timezone,locale,currency
A1,Alpha AS,,,enterprise,2026-01-01,2026-12-31,NO,,Europe/Oslo,nb,NOK
A2,Beta AS,P-GHOST,Ghost Partner,poly_plus,2026-01-01,2026-12-31,NO,,Europe/Oslo,nb,NOK
A3,Gamma AB,,,enterprise,2026-01-01,2026-12-31,SE,,,,
CSV
cat >"$WORK/bad/partners.csv" <<'CSV'
partner_id,partner_name,locale,currency
P-REAL,Real Partner,en,EUR
CSV
cat >"$WORK/bad/contracts.csv" <<'CSV'
account_id,category,agreed_count,annual_unit_price
A1,headset,10,100.00
ZZ4,video,2,900.00
CSV
cat >"$WORK/bad/catalog.csv" <<'CSV'
model,category,eos_date,list_price
M-HS,headset,,199.00
M-VID,video,,2999.00
CSV
cat >"$WORK/bad/firmware.csv" <<'CSV'
model,version,release_date
M-HS,1.0,2025-06-01
CSV
cat >"$WORK/bad/holidays.csv" <<'CSV'
country,date,region,name
NO,2026-05-17,,Grunnlovsdag
CSV
# M-X is not in the catalog; M-VID and M-X have no firmware releases.
cat >"$WORK/bad/devices.csv" <<'CSV'
snapshot_date,account_id,serial,model,firmware
2026-01-31,A1,S1,M-HS,1.0
2026-02-28,A1,S1,M-HS,1.0
2026-05-31,A1,S1,M-HS,1.0
2026-05-31,A1,S2,M-VID,
2026-05-31,A1,S3,M-X,
2026-06-30,A2,S10,M-HS,1.0
2026-04-30,ZZ1,S50,M-HS,1.0
CSV
# T2: serial never in A1's inventory; T3: RMA without approval time; T4: RMA
# delivered before approval; T6: model M-Y not in the catalog; T9: unknown account.
cat >"$WORK/bad/tickets.csv" <<'CSV'
ticket_id,account_id,serial,model,priority,opened_at,closed_at,rma_number,rma_approved_at,delivered_at
T1,A1,S1,,P3,2026-05-02 09:00,2026-05-03 09:00,,,
T2,A1,S99,M-HS,P3,2026-05-02 09:00,,,,
T3,A1,S1,,P2,2026-05-04 09:00,,R1,,2026-05-06 12:00
T4,A1,S2,,P2,2026-05-04 09:00,,R2,2026-05-05 10:00,2026-05-05 08:00
T5,A1,S1,,P2,2026-05-10 09:00,,R3,2026-05-10 10:00,2026-05-11 12:00
T6,A1,S1,M-Y,P4,2026-05-12 09:00,,,,
T9,ZZ2,,,P4,2026-05-12 09:00,,,,
CSV
# S98 (usage) and S97 (calls) are in no inventory of their account.
cat >"$WORK/bad/usage.csv" <<'CSV'
date,account_id,serial,calls,call_minutes,meetings
2026-05-04,A1,S1,3,40,1
2026-05-04,A1,S98,1,10,0
2026-05-05,A1,S98,2,20,0
2026-05-04,ZZ3,S60,1,5,0
CSV
cat >"$WORK/bad/calls.csv" <<'CSV'
account_id,serial,start_time,end_time
A2,S97,2026-06-02 10:00,2026-06-02 10:30
A2,S10,2026-06-02 11:00,2026-06-02 11:30
CSV

DB="$WORK/bad.db"
run_cr import --db "$DB" "$WORK"/bad/accounts.csv "$WORK"/bad/partners.csv \
    "$WORK"/bad/contracts.csv "$WORK"/bad/catalog.csv "$WORK"/bad/firmware.csv \
    "$WORK"/bad/holidays.csv "$WORK"/bad/devices.csv "$WORK"/bad/tickets.csv \
    "$WORK"/bad/usage.csv "$WORK"/bad/calls.csv
check_eq "check: fixture imports" "$RC" 0
[ "$RC" -eq 0 ] || echo "$ERR"

run_cr check --db "$DB"
check_eq "check: exit 0 with problems" "$RC" 0
TEXT=$OUT
for want in \
    "unknown_models: 2 problem(s)" \
    "devices_without_account: 1 problem(s)" \
    "tickets_without_account: 1 problem(s)" \
    "usage_without_account: 1 problem(s)" \
    "contracts_without_account: 1 problem(s)" \
    "tickets_without_device: 1 problem(s)" \
    "usage_unknown_serials: 2 problem(s)" \
    "stale_snapshots: 1 problem(s)" \
    "enterprise_without_contract: 1 problem(s)" \
    "unknown_partner: 1 problem(s)" \
    "missing_firmware_data: 2 problem(s)" \
    "missing_holidays: 1 problem(s)" \
    "rma_incomplete: 2 problem(s)" \
    "accounts_missing_settings: 1 problem(s)" \
    "accounts_without_inventory: 1 problem(s)" \
    "19 problem(s) in 15 of 18 checks"; do
    check_contains "check text: $want" "$TEXT" "$want"
done
# The examples name what to fix.
for want in \
    "    M-X: 1 device(s), 0 ticket(s)" \
    "    M-Y: 0 device(s), 1 ticket(s)" \
    "    ZZ1: 1 device(s)" \
    "    ZZ2: 1 ticket(s)" \
    "    ZZ3: 1 usage row(s), 0 call record(s)" \
    "    ZZ4: video" \
    "    T2 (A1): serial S99" \
    "    A1: serial S98, 2 usage day(s), 30 call minute(s), 2026-05-04..2026-05-05" \
    "    A2: serial S97, 1 call record(s), 2026-06-02" \
    "    A1: 3 month(s) without a snapshot: 2026-03..2026-04, 2026-06" \
    "    A3 (Gamma AB): program enterprise" \
    "    P-GHOST: 1 account(s)" \
    "    SE 2026: no holidays" \
    "    T3 (A1, RMA R1): no rma_approved_at" \
    "    T4 (A1, RMA R2): delivered before approved" \
    "    A3: no timezone (UTC assumed), no currency, no locale (en assumed)"; do
    check_contains "check example: $want" "$TEXT" "$want"
done
# Data of an unknown account is reported once, by its *_without_account check.
for id in ZZ1 ZZ2 ZZ3 ZZ4; do
    check_eq "check: $id reported once" "$(printf '%s\n' "$TEXT" | grep -c "$id")" 1
done

run_cr check --db "$DB" --format json
check_eq "check json: exit 0" "$RC" 0
printf '%s' "$OUT" >"$WORK/check.json"
GOT=$($PY - "$WORK/check.json" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1]))
print(doc["problems"])
for c in doc["checks"]:
    assert c["severity"] in ("warning", "info"), c
    assert len(c["examples"]) == min(c["count"], 5), c
    assert isinstance(c["title"], str) and c["title"], c
    print("%s=%d" % (c["id"], c["count"]))
PYEOF
)
check_eq "check json: ids and counts" "$(echo $GOT)" "19 unknown_models=2 \
devices_without_account=1 tickets_without_account=1 usage_without_account=1 \
contracts_without_account=1 tickets_without_device=1 usage_unknown_serials=2 \
stale_snapshots=1 enterprise_without_contract=1 unknown_partner=1 \
missing_firmware_data=2 missing_holidays=1 rma_incomplete=2 accounts_missing_settings=1 \
accounts_without_inventory=1 accounts_without_recent_usage=0 \
contract_category_without_devices=0 old_inventory=0"

# --- a clean database ----------------------------------------------------------
cat >"$WORK/clean/accounts.csv" <<'CSV'
account_id,account_name,partner_id,partner_name,program,term_start,term_end,country,region,timezone,locale,currency
A1,Alpha AS,P-REAL,Real Partner,partner_enterprise,2026-01-01,2026-12-31,NO,,Europe/Oslo,nb,NOK
CSV
cp "$WORK/bad/partners.csv" "$WORK/bad/catalog.csv" "$WORK/bad/holidays.csv" "$WORK/clean/"
cat >"$WORK/clean/contracts.csv" <<'CSV'
account_id,category,agreed_count,annual_unit_price
A1,headset,10,100.00
CSV
cat >"$WORK/clean/firmware.csv" <<'CSV'
model,version,release_date
M-HS,1.0,2025-06-01
M-VID,2.0,2025-06-01
CSV
cat >"$WORK/clean/devices.csv" <<'CSV'
snapshot_date,account_id,serial,model,firmware
2026-01-31,A1,S1,M-HS,1.0
2026-02-28,A1,S1,M-HS,1.0
2026-02-28,A1,S2,M-VID,2.0
CSV
cat >"$WORK/clean/tickets.csv" <<'CSV'
ticket_id,account_id,serial,model,priority,opened_at,closed_at,rma_number,rma_approved_at,delivered_at
T1,A1,S1,,P3,2026-02-02 09:00,2026-02-03 09:00,,,
T5,A1,S2,,P2,2026-02-10 09:00,,R3,2026-02-10 10:00,2026-02-11 12:00
CSV
cat >"$WORK/clean/usage.csv" <<'CSV'
date,account_id,serial,calls,call_minutes,meetings
2026-02-04,A1,S1,3,40,1
CSV
CDB="$WORK/clean.db"
run_cr import --db "$CDB" "$WORK"/clean/accounts.csv "$WORK"/clean/partners.csv \
    "$WORK"/clean/contracts.csv "$WORK"/clean/catalog.csv "$WORK"/clean/firmware.csv \
    "$WORK"/clean/holidays.csv "$WORK"/clean/devices.csv "$WORK"/clean/tickets.csv \
    "$WORK"/clean/usage.csv
check_eq "check clean: fixture imports" "$RC" 0
run_cr check --db "$CDB"
check_eq "check clean: exit 0" "$RC" 0
check_eq "check clean: text" "$OUT" "no problems found (18 checks)"
run_cr check --db "$CDB" --format json
printf '%s' "$OUT" >"$WORK/clean.json"
GOT=$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["problems"], len(d["checks"]), sum(c["count"] for c in d["checks"]))' "$WORK/clean.json")
check_eq "check clean: json" "$GOT" "0 18 0"

# --- one account (--account) -------------------------------------------------------
# The findings that concern the account only; counts worked out by hand from
# the planted problems above.
acct_counts() {
    $PY -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(d.get("account_id"), d["problems"], len(d["checks"]),
      " ".join("%s=%d" % (c["id"], c["count"]) for c in d["checks"] if c["count"]))' "$1"
}
run_cr check --db "$DB" --account A1 --format json
check_eq "check --account A1: exit 0" "$RC" 0
printf '%s' "$OUT" >"$WORK/a1.json"
check_eq "check --account A1: json" "$(acct_counts "$WORK/a1.json")" \
    "A1 9 18 unknown_models=2 tickets_without_device=1 usage_unknown_serials=1 stale_snapshots=1 missing_firmware_data=2 rma_incomplete=2"
run_cr check --db "$DB" --account A1
TEXT=$OUT
for want in "    T2 (A1): serial S99" "    A1: serial S98" \
    "    A1: 3 month(s) without a snapshot: 2026-03..2026-04, 2026-06" \
    "    M-X: 1 device(s), 0 ticket(s)" "9 problem(s) in 6 of 18 checks"; do
    check_contains "check --account A1 text: $want" "$TEXT" "$want"
done
# Another account's findings stay out: A2's unknown partner and call record,
# A3's missing contract and holidays, the data of account ids not in accounts.
for unwanted in P-GHOST S97 A3 "SE 2026" ZZ; do
    case "$TEXT" in
        *"$unwanted"*) fail "check --account A1 leaves out $unwanted" "found in: $TEXT" ;;
        *) pass "check --account A1 leaves out $unwanted" ;;
    esac
done
run_cr check --db "$DB" --account A2 --format json
printf '%s' "$OUT" >"$WORK/a2.json"
check_eq "check --account A2: json" "$(acct_counts "$WORK/a2.json")" \
    "A2 2 18 usage_unknown_serials=1 unknown_partner=1"
run_cr check --db "$DB" --account A3 --format json
printf '%s' "$OUT" >"$WORK/a3.json"
check_eq "check --account A3: json" "$(acct_counts "$WORK/a3.json")" \
    "A3 4 18 enterprise_without_contract=1 missing_holidays=1 accounts_missing_settings=1 accounts_without_inventory=1"
# An id with data but no accounts row: its own data, found by the
# *_without_account checks.
run_cr check --db "$DB" --account ZZ1 --format json
printf '%s' "$OUT" >"$WORK/zz1.json"
check_eq "check --account ZZ1: json" "$(acct_counts "$WORK/zz1.json")" \
    "ZZ1 1 18 devices_without_account=1"
run_cr check --db "$DB" --account NOPE
check_eq "check --account NOPE: exit 65" "$RC" 65
check_contains "check --account NOPE: message" "$ERR" "unknown account 'NOPE'"
# The whole-store report after all that: the same bytes as before.
run_cr check --db "$DB" --format json
check_eq "check: global json unchanged by --account runs" "$OUT" "$(cat "$WORK/check.json")"

# --- options -------------------------------------------------------------------
run_cr check --help
check_eq "check --help: exit 0" "$RC" 0
check_contains "check --help: usage" "$OUT" "usage: csmreport check"
run_cr check --db "$CDB" --format xml
check_eq "check --format xml: usage error" "$RC" 64
run_cr check --db "$CDB" --account A1
check_contains "check --account clean: none" "$OUT" "no problems found (18 checks)"
run_cr check --db "$CDB" --account ""
check_eq "check --account '': usage error" "$RC" 64
run_cr check --db "$WORK/missing.db"
if [ "$RC" -ne 0 ] && [ -n "$ERR" ] && [ ! -e "$WORK/missing.db" ]; then
    pass "check: missing database is an error, not created"
else
    fail "check: missing database is an error, not created" "rc $RC, stderr '$ERR'"
fi
