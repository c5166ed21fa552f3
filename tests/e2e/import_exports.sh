# import_exports.sh - exports as they come (SPEC section 3): every shipped
# profile for a real export's shape imports its fixture in tests/data/
# profiles-exports/, and the stored rows are checked with sqlite3 against the
# file read independently (python3's csv module, iconv); every new error says
# file:line:column and exits with its sysexits code.
. "${TOP:-.}/tests/e2e/lib.sh"

X=$TOP/tests/data/profiles-exports
P=$TOP/samples/profiles
D=$WORK/d
mkdir -p "$D"

# ---------- Jira Cloud: repeated columns, its date format ----------
DB=$WORK/jira.db
F=$X/jira-cloud-issues.csv
run_cr import --db "$DB" --quiet --profile "$P/jira-cloud-issues.xml" --account NO-FJORD "$F"
check_eq "jira: exit 0 with repeated Watchers, Labels, Sprint, Attachment, Comment" "$RC:$ERR" "0:"
want=$($PY - "$F" <<'EOF'
import csv, sys
from datetime import datetime
pri = {'Highest': 'P1', 'High': 'P2', 'Medium': 'P3', 'Low': 'P4', 'Lowest': 'P4'}
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
h = rows[0]
for name in ('Watchers', 'Labels', 'Sprint', 'Attachment', 'Comment', 'Component/s'):
    assert h.count(name) == 2, name
def col(r, name, n=1):
    return [v for k, v in zip(h, r) if k == name][n - 1]
def ts(s):
    return datetime.strptime(s, '%d/%b/%y %I:%M %p').strftime('%Y-%m-%dT%H:%M:%S') if s else ''
for r in rows[1:]:
    print('|'.join([col(r, 'Issue key'), col(r, 'Component/s', 1), col(r, 'Custom field (Serial Number)'),
                    pri[col(r, 'Priority')], ts(col(r, 'Created')), ts(col(r, 'Resolved')),
                    ts(col(r, 'Updated')), col(r, 'Resolution')]))
EOF
)
got=$(sqlite3 "$DB" "SELECT ticket_id, coalesce(site_id, ''), serial, priority, opened_at, coalesce(closed_at, ''),
                            updated_at, coalesce(root_cause, '') FROM tickets ORDER BY ticket_id")
check_eq "jira: stored tickets match the file" "$got" "$want"
check_eq "jira: 3 tickets" "$(sqlite3 "$DB" 'SELECT count(*) FROM tickets')" 3

# A field that uses a repeated name without occurrence: both positions named.
sed 's| occurrence="1"||' "$P/jira-cloud-issues.xml" >"$D/jira-no-occurrence.xml"
run_cr import --db "$WORK/jira2.db" --profile "$D/jira-no-occurrence.xml" --account NO-FJORD "$F"
check_eq "jira: repeated column used without occurrence exits 65" "$RC" 65
# Component/s are header fields 18 and 19; field 19 starts at character 217
c19=$($PY -c 'import sys; h=open(sys.argv[1]).readline(); print(len(",".join(h.split(",")[:18]))+2)' "$F")
check_contains "jira: the error is at the second Component/s" "$ERR" "$F:1:$c19: column 'Component/s' is repeated in the header (columns 18 and 19"
check_contains "jira: the error names the way out" "$ERR" "occurrence=\"1\" or occurrence=\"2\""
check_eq "jira: nothing stored" "$(sqlite3 "$WORK/jira2.db" 'SELECT count(*) FROM tickets' 2>/dev/null || echo 0)" 0
sed 's|occurrence="1"|occurrence="3"|' "$P/jira-cloud-issues.xml" >"$D/jira-occurrence3.xml"
run_cr import --db "$WORK/jira3.db" --profile "$D/jira-occurrence3.xml" --account NO-FJORD "$F"
check_eq "jira: occurrence 3 of a column written twice exits 65" "$RC" 65
check_contains "jira: occurrence 3 said" "$ERR" "asks for occurrence 3 of column 'Component/s', and the header has it 2 times"
# occurrence="2" picks the second column
sed 's|occurrence="1"|occurrence="2"|' "$P/jira-cloud-issues.xml" >"$D/jira-occurrence2.xml"
run_cr import --db "$WORK/jira4.db" --quiet --profile "$D/jira-occurrence2.xml" --account NO-FJORD "$F"
check_eq "jira: occurrence 2 imports" "$RC" 0
check_eq "jira: occurrence 2 reads the second Component/s" \
    "$(sqlite3 "$WORK/jira4.db" "SELECT group_concat(coalesce(site_id, '-'), ',') FROM (SELECT site_id FROM tickets ORDER BY ticket_id)")" "Headsets,-,Phones"
# A canonical column repeated in a file without profile
printf 'date,account_id,serial,serial\n2026-07-01,A1,S1,S2\n' >"$D/usage-twice.csv"
run_cr import --db "$WORK/u.db" "$D/usage-twice.csv"
check_eq "repeated canonical column: exit 65" "$RC" 65
check_contains "repeated canonical column: both positions" "$ERR" "$D/usage-twice.csv:1:24: column 'serial' is repeated in the header (columns 3 and 4, at 1:17 and 1:24)"

# ---------- GLPI tickets: BOM, quoted ;, trailing ;, 2 553 ids, day-first ----------
DB=$WORK/glpi.db
F=$X/glpi-tickets.csv
check_eq "glpi: the fixture starts with a BOM" "$(head -c 3 "$F" | od -An -tx1 | tr -d ' ')" "efbbbf"
run_cr import --db "$DB" --quiet --profile "$P/glpi-tickets.xml" --account NO-FJORD "$F"
check_eq "glpi: exit 0" "$RC:$ERR" "0:"
want=$($PY - "$F" <<'PYEOF'
import csv, sys
from datetime import datetime
pri = {'major': 'P1', 'very high': 'P1', 'high': 'P2', 'medium': 'P3', 'low': 'P4', 'very low': 'P4'}
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8-sig'), delimiter=';'))
h = rows[0]
assert h[-1] == '', 'a separator after the last column'
def ts(s):
    return datetime.strptime(s, '%d-%m-%Y %H:%M').strftime('%Y-%m-%dT%H:%M:%S') if s else ''
for r in sorted(rows[1:], key=lambda r: r[0].replace(' ', '')):
    c = dict(zip(h, r))
    print('|'.join([c['ID'].replace(' ', ''), pri[c['Priority'].lower()], c['Status'], ts(c['Opening date']),
                    ts(c['Resolution date']), ts(c['Last update']), c['Items - Serial number'],
                    c['Items - Model'], 'NO-FJORD']))
PYEOF
)
got=$(sqlite3 "$DB" "SELECT ticket_id, priority, status, opened_at, coalesce(closed_at, ''), updated_at,
                            coalesce(serial, ''), coalesce(model, ''), account_id FROM tickets ORDER BY ticket_id")
check_eq "glpi: stored tickets match the file (ids without their space, priorities mapped)" "$got" "$want"
check_eq "glpi: 4 tickets, id 2 553 is 2553" "$(sqlite3 "$DB" "SELECT count(*), sum(ticket_id = '2553') FROM tickets")" "4|1"
# A priority the maps do not know is refused with its position (strict).
sed 's/"Very low"/"Urgent"/' "$F" >"$D/glpi-bad.csv"
run_cr import --db "$WORK/glpi2.db" --profile "$P/glpi-tickets.xml" --account NO-FJORD "$D/glpi-bad.csv"
check_eq "glpi: an unknown priority exits 65" "$RC" 65
check_contains "glpi: the unknown priority's position" "$ERR" "$D/glpi-bad.csv:5:"
check_contains "glpi: the unknown priority named" "$ERR" "Urgent"

# ---------- FreePBX CDR report: lenient quotes, derived end, legs ----------
DB=$WORK/freepbx.db
F=$X/freepbx-cdr-report.csv
run_cr import --db "$DB" --quiet --profile "$P/freepbx-cdr.xml" --account NO-FJORD "$F"
check_eq "freepbx: exit 0" "$RC:$ERR" "0:"
want=$($PY - "$F" <<'EOF'
import csv, sys
from datetime import datetime, timedelta
# python's csv reads "User 9" <113> as Excel does; the leg with the most
# billsec of each (src, calldate) wins, then the last
best = {}
for r in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')):
    assert r['clid'].endswith('>') and '"' not in r['clid'], r['clid']
    k = (r['src'], r['calldate'])
    if k not in best or int(r['billsec']) >= int(best[k]['billsec']):
        best[k] = r
for (src, start), r in sorted(best.items()):
    t = datetime.strptime(start, '%Y-%m-%d %H:%M:%S')
    print('|'.join([src, t.strftime('%Y-%m-%dT%H:%M:%S'),
                    (t + timedelta(seconds=int(r['duration']))).strftime('%Y-%m-%dT%H:%M:%S'),
                    r['dst'], r['channel']]))
EOF
)
got=$(sqlite3 "$DB" "SELECT serial, start_time, end_time, remote_party, protocol FROM calls ORDER BY serial, start_time")
check_eq "freepbx: one call per (src, calldate), the answered leg, end = calldate + duration" "$got" "$want"
check_eq "freepbx: the no-answer leg is superseded" "$(sqlite3 "$DB" 'SELECT rows_read, rows_inserted, rows_superseded FROM import_log')" "4|3|1"
check_eq "freepbx: an end past midnight" "$(sqlite3 "$DB" "SELECT end_time, local_date FROM calls WHERE start_time = '2026-09-02T23:59:30'")" "2026-09-03T00:00:15|2026-09-02"
# the same file under strict quoting: refused where the quote closes early
sed 's| quotes="lenient"||' "$P/freepbx-cdr.xml" >"$D/freepbx-strict.xml"
run_cr import --db "$WORK/fs.db" --profile "$D/freepbx-strict.xml" --account NO-FJORD "$F"
check_eq "freepbx strict: exit 65" "$RC" 65
check_contains "freepbx strict: text after closing quote at 2:29" "$ERR" "$F:2:29: text after closing quote"
# a duration that is not a number: the error is at the duration field
sed '3s/,125,118,/,12x,118,/' "$F" >"$D/freepbx-bad-duration.csv"
run_cr import --db "$WORK/fb.db" --profile "$P/freepbx-cdr.xml" --account NO-FJORD "$D/freepbx-bad-duration.csv"
check_eq "freepbx bad duration: exit 65" "$RC" 65
col=$($PY -c 'import sys; l=open(sys.argv[1]).read().split("\n")[2]; print(l.index(",12x,")+2)' "$D/freepbx-bad-duration.csv")
check_contains "freepbx bad duration: file:line:column of the duration" "$ERR" "$D/freepbx-bad-duration.csv:3:$col: end_time: '12x' is not a number of seconds (plus_seconds column 'duration')"

# a plus_seconds column the export does not have
sed 's|plus_seconds="duration"|plus_seconds="length"|' "$P/freepbx-cdr.xml" >"$D/freepbx-length.xml"
run_cr import --db "$WORK/fl.db" --profile "$D/freepbx-length.xml" --account NO-FJORD "$F"
check_eq "freepbx without the plus_seconds column: exit 65" "$RC" 65
check_contains "freepbx without the plus_seconds column: named" "$ERR" "$F:1: missing column 'length' (plus_seconds of end_time in profile freepbx-cdr)"

# ---------- Asterisk Master.csv: no header, positions ----------
DB=$WORK/master.db
F=$X/asterisk-Master.csv
run_cr import --db "$DB" --quiet --profile "$P/asterisk-master-csv.xml" --account NO-FJORD "$F"
check_eq "master.csv: exit 0" "$RC:$ERR" "0:"
want=$($PY - "$F" <<'EOF'
import csv, sys
best = {}
for r in csv.reader(open(sys.argv[1], newline='', encoding='utf-8')):
    assert len(r) == 18
    k = (r[1], r[9])
    if k not in best or int(r[13]) >= int(best[k][13]):
        best[k] = r
for k, r in sorted(best.items()):
    print('|'.join([r[1], r[9].replace(' ', 'T'), r[11].replace(' ', 'T'), r[2]]))
EOF
)
got=$(sqlite3 "$DB" "SELECT serial, start_time, end_time, remote_party FROM calls ORDER BY serial, start_time")
check_eq "master.csv: the first row is data, the answered leg wins" "$got" "$want"
check_eq "master.csv: 3 rows read, 1 superseded" "$(sqlite3 "$DB" 'SELECT rows_read, rows_superseded FROM import_log')" "3|1"
sed 's|column="3"|column="40"|' "$P/asterisk-master-csv.xml" >"$D/master-40.xml"
run_cr import --db "$WORK/m2.db" --profile "$D/master-40.xml" --account NO-FJORD "$F"
check_eq "master.csv: a position past the row exits 65" "$RC" 65
check_contains "master.csv: the position is named" "$ERR" "column 40 (mapped to remote_party by profile asterisk-master-csv) is beyond the 18 columns of the first row"
sed 's|column="3"|column="dst"|' "$P/asterisk-master-csv.xml" >"$D/master-name.xml"
run_cr import --db "$WORK/m3.db" --profile "$D/master-name.xml" --account NO-FJORD "$F"
check_eq "master.csv: a name with header=none is a configuration error" "$RC" 78
check_contains "master.csv: profile file:line" "$ERR" "$D/master-name.xml:19: column 'dst' is not a column position"

# ---------- French Excel inventory: Windows-1252, ;, trailing ;, 2 553 ----------
want=$(iconv -f WINDOWS-1252 -t UTF-8 "$X/excel-fr-inventory.csv" | $PY -c '
import csv, sys
from datetime import datetime
rows = list(csv.reader(sys.stdin, delimiter=";"))
assert rows[0][-1] == ""  # the trailing separator
st = {"En service": "online", "Hors service": "offline"}
def seen(s):
    if not s: return ""
    for f in ("%d-%m-%Y %H:%M", "%d-%m-%Y"):
        try: return datetime.strptime(s, f).strftime("%Y-%m-%dT%H:%M:%S")
        except ValueError: pass
for r in rows[1:]:
    print("|".join([datetime.strptime(r[7], "%d-%m-%Y").strftime("%Y-%m-%d"),
                    r[0].replace(" ", "").replace("\u00a0", ""), r[1], r[2], r[3], r[4], st[r[5]], seen(r[6])]))
' | sort)
for f in excel-fr-inventory.csv excel-fr-inventory-utf8.csv; do
    DB=$WORK/$f.db
    run_cr import --db "$DB" --quiet --profile "$P/excel-fr-inventory.xml" --account FR-LYON "$X/$f"
    check_eq "$f: exit 0" "$RC:$ERR" "0:"
    got=$(sqlite3 "$DB" "SELECT snapshot_date, serial, model, firmware, coalesce(site, ''), coalesce(room, ''), status,
                                coalesce(last_seen, '') FROM devices ORDER BY 1, 2" | sort)
    check_eq "$f: stored devices match the file (2 553 is 2553, a date-only last connection is 00:00)" "$got" "$want"
done
check_eq "fr inventory: Windows-1252 and the UTF-8 save give the same rows" \
    "$(db_digest "$WORK/excel-fr-inventory.csv.db")" "$(db_digest "$WORK/excel-fr-inventory-utf8.csv.db")"
# without the encoding: the hint, at the first non-ASCII byte (N° at 1:2)
sed 's| encoding="windows-1252"||' "$P/excel-fr-inventory.xml" >"$D/fr-no-encoding.xml"
run_cr import --db "$WORK/fr2.db" --profile "$D/fr-no-encoding.xml" --account FR-LYON "$X/excel-fr-inventory.csv"
check_eq "fr inventory without encoding: exit 65" "$RC" 65
check_contains "fr inventory without encoding: position and hint" "$ERR" "$X/excel-fr-inventory.csv:1:2: invalid UTF-8: unexpected continuation byte (byte 0xB0); the file looks like Windows-1252: re-save it as \"CSV UTF-8\" or set encoding=\"windows-1252\" in its profile"
# a byte Windows-1252 does not define (0x81), on line 3 after "2 554;Voy"
$PY -c 'import sys; d=open(sys.argv[1],"rb").read().split(b"\r\n"); d[2]=d[2].replace(b"Voyager", b"Voy\x81ager"); open(sys.argv[2],"wb").write(b"\r\n".join(d))' \
    "$X/excel-fr-inventory.csv" "$D/fr-bad-byte.csv"
run_cr import --db "$WORK/fr3.db" --profile "$P/excel-fr-inventory.xml" --account FR-LYON "$D/fr-bad-byte.csv"
check_eq "fr inventory with an undefined byte: exit 65" "$RC" 65
check_contains "fr inventory with an undefined byte: where it is" "$ERR" "$D/fr-bad-byte.csv:3:10: byte 0x81 is not valid windows-1252"
# an unknown encoding is a configuration error with the profile's line
sed 's|windows-1252|klingon-8|' "$P/excel-fr-inventory.xml" >"$D/fr-klingon.xml"
run_cr import --db "$WORK/fr4.db" --profile "$D/fr-klingon.xml" --account FR-LYON "$X/excel-fr-inventory.csv"
check_eq "unknown encoding: exit 78" "$RC" 78
check_contains "unknown encoding: named with the profile line" "$ERR" "$D/fr-klingon.xml:15: encoding 'klingon-8' is not known to iconv"

# ---------- Norwegian Excel contracts: decimal comma, no-break space ----------
DB=$WORK/nb.db
F=$X/excel-nb-contracts.csv
run_cr import --db "$DB" --quiet --profile "$P/excel-nb-contracts.xml" "$F"
check_eq "nb contracts: exit 0" "$RC:$ERR" "0:"
want=$($PY - "$F" <<'EOF'
import csv, sys
from decimal import Decimal
cat = {'Hodesett': 'headset', 'Video': 'video', 'Telefoni': 'voice'}
def num(s):
    return Decimal(s.replace('\u00a0', '').replace(' ', '').replace(',', '.'))
for r in sorted(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8-sig'), delimiter=';'),
                key=lambda r: cat[r['Kategori']]):
    print('|'.join([r['Kunde'], cat[r['Kategori']], str(int(num(r['Avtalt antall']))),
                    str(int(num(r['Årlig enhetspris']) * 1000000)), str(int(num(r['True-up %']) * 1000000)),
                    str(int(num(r['RMA-terskel %']) * 1000000))]))
EOF
)
got=$(sqlite3 "$DB" "SELECT account_id, category, agreed_count, annual_unit_price_micros, trueup_pct_micros,
                            rma_threshold_pct_micros FROM contracts ORDER BY category")
check_eq "nb contracts: 1 200 and 1 350,00 read as numbers" "$got" "$want"
# a point where the decimal mark is a comma is refused, at its field
sed '3s/12\xc2\xa0000,50/12.000,50/' "$F" >"$D/nb-point.csv"
run_cr import --db "$WORK/nb2.db" --profile "$P/excel-nb-contracts.xml" "$D/nb-point.csv"
check_eq "nb contracts with 12.000,50: exit 65" "$RC" 65
check_contains "nb contracts with 12.000,50: position and reason" "$ERR" "$D/nb-point.csv:3:19: annual_unit_price: '12.000,50' is not a number (the profile's decimal mark is ',')"

# ---------- no profile: a date where a timestamp is expected, UTF-16 ----------
printf 'snapshot_date,account_id,serial,model,last_seen\n2026-01-31,A1,S1,M1,2026-01-15\n2026-01-31,A1,S2,M1,2026-01-16 08:30\n' >"$D/devices.csv"
run_cr import --db "$WORK/dev.db" "$D/devices.csv"
check_eq "devices with a last_seen date: exit 0" "$RC:$ERR" "0:"
check_eq "devices: a date is 00:00 that day" "$(sqlite3 "$WORK/dev.db" "SELECT group_concat(last_seen, ' ') FROM (SELECT last_seen FROM devices ORDER BY serial)")" \
    "2026-01-15T00:00:00 2026-01-16T08:30:00"
$PY -c 'import sys; open(sys.argv[2], "wb").write(open(sys.argv[1], encoding="utf-8").read().encode("utf-16"))' "$D/devices.csv" "$D/devices-utf16.csv"
check_eq "utf-16 fixture starts with a BOM" "$(od -An -tx1 -N2 "$D/devices-utf16.csv" | tr -d ' ')" "fffe"
run_cr import --db "$WORK/dev16.db" "$D/devices-utf16.csv"
check_eq "UTF-16 LE with a BOM imports without a profile" "$RC:$ERR" "0:"
check_eq "UTF-16: the same rows as UTF-8" "$(db_digest "$WORK/dev16.db")" "$(db_digest "$WORK/dev.db")"
$PY -c 'import sys; open(sys.argv[2], "wb").write(b"\xfe\xff" + open(sys.argv[1], encoding="utf-8").read().encode("utf-16-be"))' "$D/devices.csv" "$D/devices-utf16be.csv"
run_cr import --db "$WORK/dev16be.db" "$D/devices-utf16be.csv"
check_eq "UTF-16 BE with a BOM imports without a profile" "$RC:$(db_digest "$WORK/dev16be.db")" "0:$(db_digest "$WORK/dev.db")"
# an error in a UTF-16 file is at its own line and column
printf 'snapshot_date,account_id,serial,model,last_seen\n2026-01-31,A1,S1,M1,2026-01-15\n2026-01-31,A1,S2,M1,yesterday\n' |
    iconv -f UTF-8 -t UTF-16 >"$D/devices-bad16.csv"
run_cr import --db "$WORK/devbad.db" "$D/devices-bad16.csv"
check_eq "UTF-16 bad value: exit 65" "$RC" 65
check_contains "UTF-16 bad value: its line and column" "$ERR" "$D/devices-bad16.csv:3:21: last_seen: 'yesterday' is not a valid time"
