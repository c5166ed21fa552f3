# import_profiles.sh - real exports through the shipped profiles (SPEC section
# 3), checked against the files themselves read with python3's csv module;
# and a damaged spreadsheet re-save that must be rejected cleanly.
. "${TOP:-.}/tests/e2e/lib.sh"

R=$TOP/tests/data/realdata
P=$TOP/samples/profiles
D=$WORK/d
mkdir -p "$D"

# ---------- ServiceNow Table API export ----------
DB=$WORK/sn.db
F=$R/servicenow_demo_incidents_REST.csv
run_cr import --db "$DB" --quiet --profile "$P/servicenow-incidents-rest.xml" --account SN-DEMO "$F"
check_eq "servicenow: exit 0" "$RC" 0
want=$($PY -c 'import csv,sys; print(len({r["number"] for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"))}))' "$F")
check_eq "servicenow: 67 distinct incidents in the file" "$want" "67"
check_eq "servicenow: one ticket per incident" "$(sqlite3 "$DB" 'SELECT count(*) FROM tickets')" "$want"
check_eq "servicenow: all for the account" "$(sqlite3 "$DB" "SELECT count(*) FROM tickets WHERE account_id = 'SN-DEMO'")" "$want"
# P1, priority 5 (Planning -> P4), and an open incident; values from the file
want=$($PY - "$F" <<'EOF'
import csv, sys
from datetime import datetime, timezone
pri = {'1': 'P1', '2': 'P2', '3': 'P3', '4': 'P4', '5': 'P4'}
def ts(s):  # the profile says the export's times are UTC: stored with a Z
    return s.replace(' ', 'T') + 'Z' if s else ''
def utc(s):
    return str(int(datetime.strptime(s, '%Y-%m-%d %H:%M:%S').replace(tzinfo=timezone.utc).timestamp())) if s else ''
rows = {r['number']: r for r in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8'))}
for n in ('INC0000009', 'INC0000012', 'INC0000017'):
    r = rows[n]
    print('|'.join([n, pri[r['priority']], ts(r['opened_at']), utc(r['opened_at']), ts(r['closed_at']), r['close_code']]))
EOF
)
got=$(sqlite3 -separator '|' "$DB" "SELECT ticket_id, priority, opened_at, opened_utc, coalesce(closed_at, ''), coalesce(root_cause, '')
                                    FROM tickets WHERE ticket_id IN ('INC0000009', 'INC0000012', 'INC0000017') ORDER BY ticket_id")
check_eq "servicenow: three tickets match the file" "$got" "$want"
check_eq "servicenow: open incident has no closed_at" "$(sqlite3 "$DB" "SELECT closed_at IS NULL, status FROM tickets WHERE ticket_id = 'INC0000017'")" "1|On Hold"
check_eq "servicenow: import log names the profile" "$(sqlite3 "$DB" 'SELECT profile FROM import_log')" "servicenow-incidents-rest"
# The account's zone arriving later does not move the export's UTC times.
printf 'account_id,account_name,program,term_start,term_end,timezone\nSN-DEMO,Demo,elite,2016-01-01,2026-12-31,Asia/Tokyo\n' >"$WORK/sn-account.csv"
before=$(sqlite3 "$DB" "SELECT opened_utc FROM tickets WHERE ticket_id = 'INC0000009'")
run_cr import --db "$DB" "$WORK/sn-account.csv"
check_eq "servicenow: account imported" "$RC" 0
check_eq "servicenow: UTC times kept when the account is in Asia/Tokyo" \
    "$(sqlite3 "$DB" "SELECT opened_utc FROM tickets WHERE ticket_id = 'INC0000009'")" "$before"

# ---------- UCI event log: one row per state change ----------
F=$R/uci_incident_event_log_subset.csv
# the expected final row of every incident: highest sys_mod_count, then the last
# in the file; printed as the stored columns would be
cat >"$D/uci_expect.py" <<'EOF'
import csv, sys
from datetime import datetime
pri = {'1 - Critical': 'P1', '2 - High': 'P2', '3 - Moderate': 'P3', '4 - Low': 'P4', '5 - Planning': 'P4'}
state = {'New': 'New', 'Active': 'In Progress', 'Awaiting User Info': 'On Hold',
         'Awaiting Evidence': 'On Hold', 'Awaiting Problem': 'On Hold', 'Awaiting Vendor': 'On Hold',
         'Resolved': 'Resolved', 'Closed': 'Closed'}
def ts(s):
    return '' if s == '?' else datetime.strptime(s, '%d-%m-%Y %H:%M').strftime('%Y-%m-%dT%H:%M:%S')
best = {}
for r in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')):
    n, k = r['number'], int(r['sys_mod_count'])
    if n not in best or k >= best[n][0]:
        best[n] = (k, r)
only = sys.argv[2:]
for n in sorted(best):
    if only and n not in only:
        continue
    r = best[n][1]
    print('|'.join([n, pri[r['priority']], state.get(r['incident_state'], r['incident_state']),
                    ts(r['opened_at']), ts(r['closed_at']), ts(r['sys_updated_at']),
                    '' if r['closed_code'] == '?' else r['closed_code']]))
EOF
UCI_SQL="SELECT ticket_id, priority, coalesce(status, ''), opened_at, coalesce(closed_at, ''),
                coalesce(updated_at, ''), coalesce(root_cause, '') FROM tickets"
DB=$WORK/uci.db
run_cr import --db "$DB" --verbose --profile "$P/uci-incident-eventlog.xml" --account UCI "$F"
check_eq "uci: exit 0" "$RC" 0
check_eq "uci: 890 incidents" "$(sqlite3 "$DB" 'SELECT count(*) FROM tickets')" "$($PY "$D/uci_expect.py" "$F" | wc -l | tr -d ' ')"
check_contains "uci: rows superseded by the keep rule" "$OUT" "5998 rows read, 890 inserted, 0 updated, 0 unchanged, 0 rejected, 5108 superseded"
# INC0000135 has two rows with sys_mod_count 7 (Active, then Closed): the last wins
for n in INC0000135 INC0000045 INC0000062; do
    check_eq "uci: $n is its highest sys_mod_count row" \
        "$(sqlite3 -separator '|' "$DB" "$UCI_SQL WHERE ticket_id = '$n'")" "$($PY "$D/uci_expect.py" "$F" "$n")"
done
check_eq "uci: every incident is its final row" "$(sqlite3 -separator '|' "$DB" "$UCI_SQL ORDER BY 1")" "$($PY "$D/uci_expect.py" "$F")"
# the same log in reverse order: the highest sys_mod_count still wins (not the
# last row), and of the tie the last row in this file
$PY - "$F" "$D/uci_reversed.csv" <<'EOF'
import sys
lines = open(sys.argv[1], newline='', encoding='utf-8').read().splitlines(keepends=True)
open(sys.argv[2], 'w', newline='', encoding='utf-8').write(lines[0] + ''.join(reversed(lines[1:])))
EOF
DB2=$WORK/uci_rev.db
run_cr import --db "$DB2" --quiet --profile "$P/uci-incident-eventlog.xml" --account UCI "$D/uci_reversed.csv"
check_eq "uci reversed: exit 0" "$RC" 0
check_eq "uci reversed: every incident is its final row" \
    "$(sqlite3 -separator '|' "$DB2" "$UCI_SQL WHERE ticket_id <> 'INC0000135' ORDER BY 1")" \
    "$($PY "$D/uci_expect.py" "$F" | grep -v '^INC0000135|')"
check_eq "uci reversed: the tie goes to the last row in the file" \
    "$(sqlite3 -separator '|' "$DB2" "$UCI_SQL WHERE ticket_id = 'INC0000135'")" "$($PY "$D/uci_expect.py" "$D/uci_reversed.csv" INC0000135)"

# ---------- Poly Lens device export, three separators ----------
LENS_H='serial_number,mac_address,device_model,room_name,site_name,softwareVersion,connected,lastDetected'
{
    echo "$LENS_H"
    echo '8L1234ABCD,00:E0:DB:11:22:33,Studio X50,"Fjord, 4th floor",Oslo HQ,4.1.0-360012,true,2026-09-28T14:03:11Z'
    echo 'A1B2C3D4E5,00:E0:DB:44:55:66,Voyager Focus 2 UC,,Oslo HQ,1.65,FALSE,2026-09-20T08:00:00Z'
    echo '64167F0A11,00:E0:DB:77:88:99,Trio C60,Lobby,Bergen,10.1.0,True,'
} >"$D/lens_comma.csv"
sed -e 's/"Fjord, 4th floor"/"Fjord; 4th floor"/' -e 's/,/;/g' -e 's/"Fjord; 4th floor"/Fjord, 4th floor/' "$D/lens_comma.csv" >"$D/lens_semicolon.csv"
sed -e 's/"Fjord, 4th floor"/FJORD/' -e 's/,/\t/g' -e 's/FJORD/Fjord, 4th floor/' "$D/lens_comma.csv" >"$D/lens_tab.csv"
LENS_WANT="X|2026-09-30|64167F0A11|Trio C60|10.1.0|Bergen|Lobby|online||
X|2026-09-30|8L1234ABCD|Studio X50|4.1.0-360012|Oslo HQ|Fjord, 4th floor|online|2026-09-28T14:03:11Z|$(date -u -d '2026-09-28 14:03:11' +%s)
X|2026-09-30|A1B2C3D4E5|Voyager Focus 2 UC|1.65|Oslo HQ||offline|2026-09-20T08:00:00Z|$(date -u -d '2026-09-20 08:00:00' +%s)"
for sep in comma semicolon tab; do
    DB=$WORK/lens_$sep.db
    run_cr import --db "$DB" --quiet --profile "$P/poly-lens-devices.xml" --account X --snapshot-date 2026-09-30 "$D/lens_$sep.csv"
    check_eq "lens $sep: exit 0" "$RC" 0
    check_eq "lens $sep: devices stored" "$(sqlite3 -separator '|' "$DB" 'SELECT * FROM devices ORDER BY serial')" "$LENS_WANT"
done
check_eq "lens: the three separators give the same data" "$(db_digest "$WORK/lens_semicolon.db")$(db_digest "$WORK/lens_tab.db")" \
    "$(db_digest "$WORK/lens_comma.db")$(db_digest "$WORK/lens_comma.db")"
run_cr import --db "$WORK/lens_x.db" --quiet --profile "$P/poly-lens-devices.xml" --account X "$D/lens_comma.csv"
check_eq "lens without --snapshot-date: exit 65" "$RC" 65
check_contains "lens without --snapshot-date: says so" "$ERR" "snapshot-date"

# ---------- UK bank holidays, bare CR line ends ----------
DB=$WORK/uk.db
F=$R/uk_england_wales_bank_holidays_2009_2029_CR_line_endings.csv
run_cr import --db "$DB" --quiet --profile "$P/uk-bank-holidays.xml" "$F"
check_eq "uk holidays: exit 0" "$RC" 0
check_eq "uk holidays: 168 rows" "$(sqlite3 "$DB" 'SELECT count(*) FROM holidays')" "168"
check_eq "uk holidays: all GB / GB-ENG" "$(sqlite3 -separator '|' "$DB" 'SELECT country, region, count(*) FROM holidays GROUP BY 1, 2')" "GB|GB-ENG|168"
check_eq "uk holidays: range 2009-2029" "$(sqlite3 -separator '|' "$DB" 'SELECT min(date), max(date) FROM holidays')" "2009-01-01|2029-12-26"
check_eq "uk holidays: a few dates" \
    "$(sqlite3 -separator '|' "$DB" "SELECT date, name FROM holidays WHERE date IN ('2009-04-10', '2012-06-05', '2022-09-19', '2029-12-25') ORDER BY date")" \
    "$($PY - "$F" <<'EOF'
import sys
rows = [l.split(',') for l in open(sys.argv[1], newline='', encoding='utf-8').read().split('\r')[1:] if l]
for name, d in rows:
    iso = '20%s-%s-%s' % (d[6:8], d[3:5], d[0:2])
    if iso in ('2009-04-10', '2012-06-05', '2022-09-19', '2029-12-25'):
        print(iso + '|' + name)
EOF
)"

# ---------- python-holidays ----------
DB=$WORK/ph.db
F=$R/public_holidays_2023_2027_python_holidays.csv
run_cr import --db "$DB" --quiet --profile "$P/python-holidays.xml" "$F"
check_eq "python-holidays: exit 0" "$RC" 0
check_eq "python-holidays: 646 rows" "$(sqlite3 "$DB" 'SELECT count(*) FROM holidays')" "646"
check_eq "python-holidays: regions" "$(sqlite3 -separator '|' "$DB" "SELECT country, region, count(*) FROM holidays WHERE region <> '' GROUP BY 1, 2" | tr '\n' ' ')" \
    "AU|AU-NSW|61 GB|GB-ENG|45 GB|GB-SCT|54 "
check_eq "python-holidays: national rows" "$(sqlite3 "$DB" "SELECT count(*) FROM holidays WHERE region = ''")" "486"
check_eq "python-holidays: a row" "$(sqlite3 -separator '|' "$DB" "SELECT * FROM holidays WHERE country = 'GB' AND region = 'GB-SCT' AND date = '2023-11-30'")" \
    "GB|GB-SCT|2023-11-30|Saint Andrew's Day"
run_cr import --db "$DB" --verbose --profile "$P/python-holidays.xml" "$F"
check_contains "python-holidays: re-import changes nothing" "$OUT" "646 rows read, 0 inserted, 0 updated, 646 unchanged"

# ---------- the damaged spreadsheet re-save ----------
F=$R/kaggle_suraj520_support_tickets_mangled_excel_resave.csv
DB=$WORK/k.db
run_cr import --db "$DB" --quiet --profile "$P/poly-lens-devices.xml" --account X --snapshot-date 2026-09-30 "$D/lens_comma.csv"
DIGEST=$(db_digest "$DB")
run_cr import --db "$DB" --quiet "$F"
check_eq "kaggle, no profile: exit 65" "$RC" 65
check_contains "kaggle, no profile: line 1, names the problem" "$ERR" "$F:1: cannot tell the kind of export from its header; nearest: tickets (found ticket_id (as 'Ticket ID'), priority (as 'Ticket Priority'); missing account_id, opened_at)"
check_eq "kaggle, no profile: data unchanged" "$(db_digest "$DB")" "$DIGEST"
run_cr import --db "$DB" --quiet --kind tickets "$F"
check_eq "kaggle --kind tickets: exit 65" "$RC" 65
check_contains "kaggle --kind tickets: names the missing column" "$ERR" "$F:1: missing required column 'ticket_id'"
check_eq "kaggle --kind tickets: data unchanged" "$(db_digest "$DB")" "$DIGEST"
check_eq "kaggle: nothing logged" "$(sqlite3 "$DB" "SELECT count(*) FROM import_log WHERE kind = 'tickets'")" "0"
# mapped by a profile, its records (quoted, with embedded newlines) are read
# through; the rows with no first response time are bad rows, reported with the
# physical line and character column of that field, as an independent reader
# finds them
cat >"$D/kaggle.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<profile name="kaggle-tickets" kind="tickets">
  <field name="ticket_id" column="Ticket ID"/>
  <field name="priority" column="Ticket Priority" strict="true">
    <map from="Critical" to="P1"/>
    <map from="High" to="P2"/>
    <map from="Medium" to="P3"/>
    <map from="Low" to="P4"/>
  </field>
  <field name="status" column="Ticket Status"/>
  <field name="opened_at" column="First Response Time"/>
</profile>
EOF
run_cr import --db "$DB" --quiet --profile "$D/kaggle.xml" --account K "$F"
check_eq "kaggle with a profile: exit 65" "$RC" 65
check_eq "kaggle with a profile: data unchanged" "$(db_digest "$DB")" "$DIGEST"
got=$($PY - "$F" <<'EOF'
import csv, sys
# walks the text to find where each field of each record starts (physical line,
# character column), then reports the first record whose First Response Time
# is empty, as read by the csv module
data = open(sys.argv[1], encoding='utf-8', newline='').read()
i, n, line, col = 0, len(data), 1, 1
recs, cur = [], []
while i < n:
    cur.append((line, col))
    if data[i] == '"':
        i += 1; col += 1
        while not (data[i] == '"' and (i + 1 >= n or data[i + 1] != '"')):
            if data[i] == '"':
                i += 2; col += 2
            elif data[i] == '\n':
                i += 1; line += 1; col = 1
            else:
                i += 1; col += 1
        i += 1; col += 1
    else:
        while i < n and data[i] not in ',\n':
            i += 1; col += 1
    sep = data[i] if i < n else '\n'
    i += 1
    if sep == ',':
        col += 1
    else:
        line += 1; col = 1
        recs.append(cur); cur = []
parsed = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
assert len(parsed) == len(recs) and all(len(r) == len(p) for r, p in zip(recs, parsed))
h = parsed[0].index('First Response Time')
print(len(parsed) - 1)
print('%d:%d' % next(recs[k][h] for k, r in enumerate(parsed) if k and r[h] == ''))
EOF
)
check_eq "kaggle: 8469 records by the independent reader" "$(echo "$got" | head -1)" "8469"
first=$(echo "$got" | tail -1)
check_contains "kaggle with a profile: first bad row at its physical position" "$ERR" "$F:$first: opened_at"
check_contains "kaggle with a profile: the rest counted" "$ERR" "more bad rows not shown"
