# import.sh - every kind from small canonical files, with the stored values
# checked in the database; re-import, import order, snapshot replacement, ticket
# updates, calls roll-up, --skip-bad-rows, --kind, kind detection, a busy
# database and a killed import (SPEC sections 2 and 3).
. "${TOP:-.}/tests/e2e/lib.sh"

D=$WORK/d
mkdir -p "$D"
X=$WORK/x.db
Y=$WORK/y.db
q() { sqlite3 -separator '|' "$X" "$1"; }
epoch() { date -u -d "$1" +%s; }

# ---------- the canonical files ----------
cat >"$D/partners.csv" <<'EOF'
partner_id,partner_name,locale,currency,recipients
PT1,Partner Één,fr,EUR,a@p1.example;b@p1.example
EOF
cat >"$D/accounts.csv" <<'EOF'
account_id,account_name,partner_id,partner_name,program,term_start,term_end,country,region,timezone,locale,currency,recipients,options,csm_name,csm_email
A1,Nordlys AS,,,enterprise,2026-01-01,2026-12-31,NO,,Europe/Oslo,nb,NOK,it@nordlys.example;buy@nordlys.example,onsite;four_hour,Ingrid,ingrid@poly.example
A2,"Dupont & Fils, ""Orléans""",PT1,Partner Één,partner_poly_plus,2026-04-01,2027-03-31,US,,America/New_York,en,USD,it@dupont.example,,Camille,camille@p1.example
A3,Glasgow Ltd,,,poly_plus,2026-01-01,2026-12-31,GB,GB-SCT,,en-GB,GBP,,,,
EOF
cat >"$D/contracts.csv" <<'EOF'
account_id,category,agreed_count,annual_unit_price,trueup_pct,rma_threshold_pct
A1,headset,20,1350.00,,
A1,video,4,9000.5,7.5,3
A2,voice,0,,,
EOF
cat >"$D/catalog.csv" <<'EOF'
model,category,eos_date,list_price
Voyager Focus 2 UC,headset,,329.00
Studio X50,video,2027-06-30,3999.99
Trio 8800,voice,2025-12-31,
EOF
cat >"$D/firmware.csv" <<'EOF'
model,version,release_date
Studio X50,4.1.0,2026-03-01
Studio X50,4.2.0,2026-08-15
EOF
cat >"$D/holidays.csv" <<'EOF'
country,date,region,name
NO,2026-12-25,,Første juledag
GB,2026-11-30,GB-SCT,St Andrew's Day
EOF
cat >"$D/devices.csv" <<'EOF'
snapshot_date,account_id,serial,model,firmware,site,room,status,last_seen
2026-07-31,A1,D1,Studio X50,4.1.0,Oslo,Fjord,online,2026-07-31 23:30
2026-07-31,A1,D2,Voyager Focus 2 UC,,Oslo,,offline,2026-07-30T12:00:00Z
2026-07-31,A1,D3,Trio 8800,,Bergen,,online,
2026-08-31,A1,D1,Studio X50,4.2.0,Oslo,Fjord,online,2026-08-31 08:00
EOF
cat >"$D/tickets.csv" <<'EOF'
ticket_id,account_id,site_id,serial,model,priority,status,opened_at,closed_at,cloud_partner,rma_number,rma_approved_at,shipped_at,delivered_at,root_cause,updated_at
T1,A1,Oslo,D1,,P2,Open,2026-07-01 10:00,,,,,,,,2026-07-02 10:00
T2,A1,Oslo,D2,Voyager Focus 2 UC,p1,Closed,2026-07-05T06:00:00Z,2026-07-05 12:30:15+02:00,Microsoft Teams,RMA-1,2026-07-05 09:00,2026-07-05 16:00,2026-07-06 10:00,"battery, swollen",
T3,A2,,,,P4,Open,2026-03-08 02:30,,,,,,,,
T4,A2,,,,P3,Open,2026-11-01 01:30,,,,,,,,
T6,A1,,,,P3,Open,2026-07-07 10:00,,,,,,,,
EOF
cat >"$D/usage.csv" <<'EOF'
date,account_id,serial,calls,call_minutes,meetings
2026-07-01,A1,D1,4,35,2
2026-07-02,A1,D1,,,
2026-07-12,A1,D2,7,70,0
EOF
# D2: 30 s + 60 s on 07-10 (90 s -> 2 min), 89 s on 07-11 (-> 1 min); a call at
# 23:30Z on 07-11 is 01:30 on 07-12 in Oslo, where a usage row exists (it wins).
# D1: a naive 23:30 call stays on 07-20 local.
cat >"$D/calls.csv" <<'EOF'
account_id,serial,start_time,end_time,direction,protocol,remote_party
A1,D2,2026-07-10 09:00:00,2026-07-10 09:00:30,in,SIP,alice
A1,D2,2026-07-10 15:00:00,2026-07-10 15:01:00,out,H.323,
A1,D2,2026-07-11 09:00:00,2026-07-11 09:01:29,out,,
A1,D2,2026-07-11T23:30:00Z,2026-07-11T23:40:00Z,in,,
A1,D1,2026-07-20 23:30:00,2026-07-20 23:45:00,in,,
EOF
ALL="partners accounts contracts catalog firmware holidays devices tickets usage calls"

# ---------- every kind, values checked ----------
files=""
for k in $ALL; do files="$files $D/$k.csv"; done
# shellcheck disable=SC2086
run_cr import --db "$X" --quiet $files
check_eq "import every kind: exit 0" "$RC" 0
check_eq "import every kind: quiet" "$OUT$ERR" ""
check_eq "import log: one row per file" "$(q 'SELECT group_concat(kind, " ") FROM (SELECT kind FROM import_log ORDER BY id)')" "$ALL"

check_eq "partners row" "$(q "SELECT partner_id, partner_name, locale, currency, recipients, timezone IS NULL FROM partners")" "PT1|Partner Één|fr|EUR|a@p1.example;b@p1.example|1"
check_eq "accounts A1" "$(q "SELECT * FROM accounts WHERE account_id='A1'")" \
    "A1|Nordlys AS|||enterprise|2026-01-01|2026-12-31|NO||Europe/Oslo|nb|NOK|it@nordlys.example;buy@nordlys.example|onsite;four_hour|Ingrid|ingrid@poly.example"
check_eq "accounts A2: quoted name" "$(q "SELECT account_name, partner_id, program, timezone FROM accounts WHERE account_id='A2'")" \
    'Dupont & Fils, "Orléans"|PT1|partner_poly_plus|America/New_York'
check_eq "accounts A3: empty values are NULL" "$(q "SELECT region, timezone IS NULL, recipients IS NULL, csm_name IS NULL FROM accounts WHERE account_id='A3'")" "GB-SCT|1|1|1"
check_eq "contracts: money in micro-units, default percentages" \
    "$(q "SELECT * FROM contracts ORDER BY account_id, category" | tr '\n' ' ')" \
    "A1|headset|20|1350000000|5000000|5000000 A1|video|4|9000500000|7500000|3000000 A2|voice|0||5000000|5000000 "
check_eq "contracts_v: plain numbers" "$(q "SELECT annual_unit_price, trueup_pct FROM contracts_v WHERE category='headset'")" "1350.0|5.0"
check_eq "catalog" "$(q "SELECT * FROM catalog ORDER BY model" | tr '\n' ' ')" \
    "Studio X50|video|2027-06-30|3999990000 Trio 8800|voice|2025-12-31| Voyager Focus 2 UC|headset||329000000 "
check_eq "firmware" "$(q "SELECT * FROM firmware ORDER BY version" | tr '\n' ' ')" \
    "Studio X50|4.1.0|2026-03-01 Studio X50|4.2.0|2026-08-15 "
check_eq "holidays: region '' for national" "$(q "SELECT country, quote(region), date, name FROM holidays ORDER BY country" | tr '\n' ' ')" \
    "GB|'GB-SCT'|2026-11-30|St Andrew's Day NO|''|2026-12-25|Første juledag "
check_eq "devices: naive last_seen in Oslo" "$(q "SELECT last_seen, last_seen_utc FROM devices WHERE serial='D1' AND snapshot_date='2026-07-31'")" \
    "2026-07-31T23:30:00|$(epoch '2026-07-31 21:30:00')"
check_eq "devices: last_seen with Z" "$(q "SELECT last_seen, last_seen_utc FROM devices WHERE serial='D2'")" \
    "2026-07-30T12:00:00Z|$(epoch '2026-07-30 12:00:00')"
check_eq "devices: all columns" "$(q "SELECT * FROM devices WHERE serial='D3'")" "A1|2026-07-31|D3|Trio 8800||Bergen||online||"
check_eq "devices_v: category from the catalog" "$(q "SELECT serial, category FROM devices_v WHERE snapshot_date='2026-07-31' ORDER BY serial" | tr '\n' ' ')" \
    "D1|video D2|headset D3|voice "
check_eq "tickets T1: naive time in Oslo" "$(q "SELECT opened_at, opened_utc, closed_at IS NULL, updated_at, updated_utc FROM tickets WHERE ticket_id='T1'")" \
    "2026-07-01T10:00:00|$(epoch '2026-07-01 08:00:00')|1|2026-07-02T10:00:00|$(epoch '2026-07-02 08:00:00')"
check_eq "tickets T2: offsets kept, priority p1 -> P1" \
    "$(q "SELECT priority, opened_at, opened_utc, closed_at, closed_utc, rma_number, rma_approved_utc, root_cause, updated_at IS NULL FROM tickets WHERE ticket_id='T2'")" \
    "P1|2026-07-05T06:00:00Z|$(epoch '2026-07-05 06:00:00')|2026-07-05T12:30:15+02:00|$(epoch '2026-07-05 10:30:15')|RMA-1|$(epoch '2026-07-05 07:00:00')|battery, swollen|1"
# America/New_York: 2026-03-08 02:30 does not exist (DST gap) -> one hour later,
# 03:30 EDT = 07:30Z; 2026-11-01 01:30 is ambiguous -> the earlier, EDT = 05:30Z.
check_eq "tickets T3: DST gap read one hour later" "$(q "SELECT opened_utc FROM tickets WHERE ticket_id='T3'")" "$(epoch '2026-03-08 07:30:00')"
check_eq "tickets T4: DST overlap read as the earlier" "$(q "SELECT opened_utc FROM tickets WHERE ticket_id='T4'")" "$(epoch '2026-11-01 05:30:00')"
check_eq "usage: empty counts are 0" "$(q "SELECT * FROM usage ORDER BY date, serial" | tr '\n' ' ')" \
    "2026-07-01|D1|A1|4|35|2 2026-07-02|D1|A1|0|0|0 2026-07-12|D2|A1|7|70|0 "
check_eq "calls: stored with UTC and local day" "$(q "SELECT start_time, start_utc, end_utc, local_date FROM calls WHERE remote_party='alice'")" \
    "2026-07-10T09:00:00|$(epoch '2026-07-10 07:00:00')|$(epoch '2026-07-10 07:00:30')|2026-07-10"
check_eq "calls: Z time on the next local day" "$(q "SELECT local_date FROM calls WHERE start_time='2026-07-11T23:30:00Z'")" "2026-07-12"
check_eq "calls: naive late call stays on its local day" "$(q "SELECT local_date FROM calls WHERE serial='D1'")" "2026-07-20"
check_eq "usage_effective: calls rolled up per local day, usage wins" \
    "$(q "SELECT date, serial, calls, call_minutes, meetings, source FROM usage_effective ORDER BY date, serial" | tr '\n' ' ')" \
    "2026-07-01|D1|4|35|2|usage 2026-07-02|D1|0|0|0|usage 2026-07-10|D2|2|2|0|calls 2026-07-11|D2|1|1|0|calls 2026-07-12|D2|7|70|0|usage 2026-07-20|D1|1|15|0|calls "

# ---------- re-import changes nothing ----------
DIGEST_X=$(db_digest "$X")
# shellcheck disable=SC2086
run_cr import --db "$X" --verbose $files
check_eq "re-import: exit 0" "$RC" 0
check_eq "re-import: data identical" "$(db_digest "$X")" "$DIGEST_X"
for k in $ALL; do
    line=$(printf '%s\n' "$OUT" | grep "^$D/$k.csv: ")
    check_contains "re-import $k: 0 inserted, 0 updated" "$line" " 0 inserted, 0 updated,"
done

# ---------- order independence ----------
# tickets, calls and devices arrive before the accounts that give their time zone
for k in tickets calls devices usage holidays firmware catalog contracts accounts partners; do
    run_cr import --db "$Y" --quiet "$D/$k.csv"
    check_eq "other order: $k imports" "$RC" 0
done
check_eq "other order: same data" "$(db_digest "$Y")" "$DIGEST_X"
# the time zone changes after the fact: everything naive is read again
cat >"$D/accounts_utc.csv" <<'EOF'
account_id,account_name,program,term_start,term_end,timezone
A1,Nordlys AS,enterprise,2026-01-01,2026-12-31,UTC
EOF
run_cr import --db "$Y" --quiet "$D/accounts_utc.csv"
check_eq "time zone change: re-timed tickets" "$(sqlite3 "$Y" "SELECT opened_utc FROM tickets WHERE ticket_id='T1'")" "$(epoch '2026-07-01 10:00:00')"
check_eq "time zone change: offsets untouched" "$(sqlite3 "$Y" "SELECT opened_utc FROM tickets WHERE ticket_id='T2'")" "$(epoch '2026-07-05 06:00:00')"
check_eq "time zone change: calls local day" "$(sqlite3 "$Y" "SELECT local_date FROM calls WHERE start_time='2026-07-11T23:30:00Z'")" "2026-07-11"
check_eq "time zone change: devices last_seen" "$(sqlite3 "$Y" "SELECT last_seen_utc FROM devices WHERE serial='D1' AND snapshot_date='2026-07-31'")" "$(epoch '2026-07-31 23:30:00')"

# ---------- a devices file replaces its snapshot ----------
cat >"$D/devices_fix.csv" <<'EOF'
snapshot_date,account_id,serial,model,firmware,site,room,status,last_seen
2026-07-31,A1,D1,Studio X50,4.1.0,Oslo,Fjord,online,2026-07-31 23:30
2026-07-31,A1,D2,Voyager Focus 2 UC,,Oslo,,online,2026-07-30T12:00:00Z
EOF
run_cr import --db "$X" --quiet "$D/devices_fix.csv"
check_eq "corrected snapshot: exit 0" "$RC" 0
check_eq "corrected snapshot: D3 removed, D2 updated" "$(q "SELECT serial, status FROM devices WHERE snapshot_date='2026-07-31' ORDER BY serial" | tr '\n' ' ')" "D1|online D2|online "
check_eq "corrected snapshot: other snapshot untouched" "$(q "SELECT serial, firmware FROM devices WHERE snapshot_date='2026-08-31'")" "D1|4.2.0"

# ---------- ticket updates ----------
TH='ticket_id,account_id,priority,status,opened_at,updated_at'
printf '%s\nT1,A1,P2,Closed,2026-07-01 10:00,2026-07-03 10:00\nT6,A1,P3,Closed,2026-07-07 10:00,\n' "$TH" >"$D/tickets_later.csv"
printf '%s\nT1,A1,P2,Reopened,2026-07-01 10:00,2026-07-01 12:00\n' "$TH" >"$D/tickets_earlier.csv"
run_cr import --db "$X" --quiet "$D/tickets_later.csv"
check_eq "ticket with a later updated_at replaces" "$(q "SELECT status, updated_at FROM tickets WHERE ticket_id='T1'")" "Closed|2026-07-03T10:00:00"
check_eq "ticket with no updated_at either side replaces" "$(q "SELECT status FROM tickets WHERE ticket_id='T6'")" "Closed"
run_cr import --db "$X" --verbose "$D/tickets_earlier.csv"
check_eq "ticket with an earlier updated_at does not replace" "$(q "SELECT status, updated_at FROM tickets WHERE ticket_id='T1'")" "Closed|2026-07-03T10:00:00"
check_contains "earlier ticket counted unchanged" "$OUT" " 0 inserted, 0 updated, 1 unchanged"

# ---------- --skip-bad-rows ----------
F=$D/some_bad.csv
printf 'date,account_id,serial,calls,call_minutes,meetings\n2026-09-01,A1,S7,1,1,1\n2026-09-02,A1,S7,x,1,1\n2026-09-03,A1,S7,1,1,1\n2026-09-31,A1,S7,1,1,1\n2026-09-05,A1,S7,1,1,1\n' >"$F"
run_cr import --db "$X" --skip-bad-rows "$F"
check_eq "skip-bad-rows: exit 0" "$RC" 0
check_eq "skip-bad-rows: 3 good rows imported" "$(q "SELECT group_concat(date, ' ') FROM (SELECT date FROM usage WHERE serial='S7' ORDER BY date)")" "2026-09-01 2026-09-03 2026-09-05"
check_eq "skip-bad-rows: one warning line" "$(printf '%s\n' "$ERR" | grep -c .)" "1"
check_contains "skip-bad-rows: warning names the count" "$ERR" " 2 "
check_contains "skip-bad-rows: warning names the rejects file" "$ERR" "$F.rejected.csv"
check_eq "skip-bad-rows: rejected count in the log" "$(q "SELECT rows_read, rows_rejected FROM import_log ORDER BY id DESC LIMIT 1")" "5|2"
if [ -f "$F.rejected.csv" ]; then
    got=$($PY - "$F.rejected.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
print(rows[0])
for r in rows[1:]:
    print(r[:6], 'reason' if r[6] else 'no reason', len(r))
print(len(rows))
EOF
)
    check_eq "skip-bad-rows: rejects file content" "$got" "['date', 'account_id', 'serial', 'calls', 'call_minutes', 'meetings', 'reason']
['2026-09-02', 'A1', 'S7', 'x', '1', '1'] reason 7
['2026-09-31', 'A1', 'S7', '1', '1', '1'] reason 7
3"
    check_contains "skip-bad-rows: reason says why" "$(cat "$F.rejected.csv")" "calls"
else
    fail "skip-bad-rows: rejects file written" "$F.rejected.csv missing"
fi
check_eq "skip-bad-rows: no temporary file left" "$(ls "$D" | grep -c 'rejected.csv.')" "0"

# a ragged row is a bad row too: rejected, the rest imported
F=$D/ragged.csv
printf 'date,account_id,serial,calls,call_minutes,meetings\n2026-09-10,A1,S8,1,1,1\n2026-09-11,A1,S8,1,1\n2026-09-12,A1,S8,1,1,1\n' >"$F"
run_cr import --db "$X" --skip-bad-rows --quiet "$F"
check_eq "skip-bad-rows, short row: exit 0" "$RC" 0
check_eq "skip-bad-rows, short row: good rows imported" "$(q "SELECT count(*) FROM usage WHERE serial='S8'")" "2"

# ---------- --kind ----------
printf 'model,category,version,release_date\nTrio C60,voice,1.0,2026-01-01\n' >"$D/ambiguous.csv"
cp "$X" "$WORK/k.db"
run_cr import --db "$WORK/k.db" --quiet --kind catalog "$D/ambiguous.csv"
check_eq "--kind catalog: exit 0" "$RC" 0
check_eq "--kind catalog: stored as catalog" "$(sqlite3 "$WORK/k.db" "SELECT category FROM catalog WHERE model='Trio C60'")" "voice"
check_eq "--kind catalog: not as firmware" "$(sqlite3 "$WORK/k.db" "SELECT count(*) FROM firmware WHERE model='Trio C60'")" "0"
# both kinds fit, and each leaves a column of the other: never guessed (SPEC 9)
run_cr import --db "$WORK/k.db" --quiet "$D/ambiguous.csv"
check_eq "no --kind, catalog and firmware fit: exit 65" "$RC" 65
check_contains "no --kind, catalog and firmware fit: candidates" "$ERR" "as catalog it cannot place version, release_date; as firmware it cannot place category"
check_eq "no --kind, catalog and firmware fit: nothing stored as firmware" "$(sqlite3 "$WORK/k.db" "SELECT count(*) FROM firmware WHERE model='Trio C60'")" "0"
run_cr import --db "$WORK/k.db" --quiet --kind gadgets "$D/ambiguous.csv"
check_eq "--kind unknown: usage error" "$RC" 64

# ---------- kind detection failure ----------
printf 'foo,bar,baz\n1,2,3\n' >"$D/nothing.csv"
DIGEST_X=$(db_digest "$X")
run_cr import --db "$X" --quiet "$D/nothing.csv"
check_eq "unknown header: exit 65" "$RC" 65
check_contains "unknown header: line 1" "$ERR" "csmreport: $D/nothing.csv:1:"
check_contains "unknown header: says kind" "$ERR" "kind"
check_eq "unknown header: data unchanged" "$(db_digest "$X")" "$DIGEST_X"

# ---------- a busy database ----------
grep -q CSMREPORT_BUSY_MS "$TOP/src/store/db.c" && export CSMREPORT_BUSY_MS=1000
printf 'date,account_id,serial,calls,call_minutes,meetings\n2026-10-01,A1,S9,1,1,1\n' >"$D/busy.csv"
$PY - "$X" "$WORK/locked" <<'EOF' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('BEGIN IMMEDIATE')
c.execute('SELECT 1')
open(sys.argv[2], 'w').close()
time.sleep(15)
c.execute('ROLLBACK')
EOF
HOLDER=$!
i=0
while [ ! -f "$WORK/locked" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
t0=$(date +%s)
run_cr import --db "$X" --quiet "$D/busy.csv"
t1=$(date +%s)
check_eq "busy database: exit 75" "$RC" 75
check_contains "busy database: says busy" "$ERR" "busy"
[ $((t1 - t0)) -le 13 ] && pass "busy database: gives up after the busy timeout" || fail "busy database: gives up after the busy timeout" "$((t1 - t0)) s"
kill "$HOLDER" 2>/dev/null
wait "$HOLDER" 2>/dev/null
check_eq "busy database: data unchanged" "$(db_digest "$X")" "$DIGEST_X"
check_eq "busy database: nothing logged" "$(q "SELECT count(*) FROM import_log WHERE file LIKE '%busy.csv'")" "0"

# ---------- kill -9 in the middle of a large import ----------
BIG=$D/big_usage.csv
awk 'BEGIN { print "date,account_id,serial,calls,call_minutes,meetings";
             for (i = 0; i < 2000000; i++) printf "2025-%02d-%02d,A1,K%d,1,2,3\n", i % 12 + 1, i % 28 + 1, int(i / 84) }' >"$BIG"
USAGE_BEFORE=$(q "SELECT count(*) FROM usage")
DIGEST_X=$(db_digest "$X")
"$CSMREPORT" import --db "$X" --quiet "$BIG" >/dev/null 2>&1 &
IMP=$!
# Killed once rows are being written (the WAL has grown past 4 MB), not while
# the file is still being read and sorted.
tries=0
while [ "$tries" -lt 200 ] && [ "$(stat -c %s "$X-wal" 2>/dev/null || echo 0)" -lt 4194304 ] &&
    kill -0 "$IMP" 2>/dev/null; do
    sleep 0.05
    tries=$((tries + 1))
done
wal_at_kill=$(stat -c %s "$X-wal" 2>/dev/null || echo 0)
kill -9 "$IMP" 2>/dev/null
wait "$IMP" 2>/dev/null
[ "$wal_at_kill" -ge 4194304 ] && pass "killed import: killed while writing" ||
    fail "killed import: killed while writing" "the WAL had $wal_at_kill bytes"
check_eq "killed import: integrity_check" "$(sqlite3 "$X" 'PRAGMA integrity_check')" "ok"
check_eq "killed import: no sort file left" "$(ls -A "$WORK" | grep -c csmreport-sort)" "0"
after=$(q "SELECT count(*) FROM usage")
if [ "$after" = "$USAGE_BEFORE" ]; then
    check_eq "killed import: old content intact" "$(db_digest "$X")" "$DIGEST_X"
else
    check_eq "killed import: all or nothing" "$after" "$((USAGE_BEFORE + 2000000))"
fi
run_cr import --db "$X" --quiet "$D/usage.csv"
check_eq "killed import: database usable afterwards" "$RC" 0
