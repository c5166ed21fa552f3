# lineage.sh - where each stored row came from (schema version 5): every row
# names its import (file, sha256, date) and its line; the lines hold the rows;
# re-importing an unchanged file changes no source; a corrected snapshot and a
# newer ticket name the newer file; usage keeps its sources per device-month;
# a version 4 store is upgraded and its rows have no source.
. "$(dirname "$0")/lib.sh"

DB=$WORK/l.db
import_samples "$DB" "lineage: samples import"
S=$TOP/samples

for t in partners accounts contracts catalog firmware holidays devices tickets calls; do
    check_eq "lineage: every $t row has a source" \
        "$(sqlite3 "$DB" "SELECT count(*) FROM $t AS x LEFT JOIN ${t}_src AS s ON s.row = x.rowid
                          LEFT JOIN import_log AS l ON l.id = s.src_import WHERE l.sha256 IS NULL")" 0
done
check_eq "lineage: sha256 of the tickets file" \
    "$(sqlite3 "$DB" "SELECT sha256 FROM import_log WHERE file LIKE '%tickets.csv'")" \
    "$(sha256sum "$S/tickets.csv" | cut -d' ' -f1)"

# The named lines hold the rows: read the files.
sqlite3 -separator '|' "$DB" "SELECT l.file, s.src_line, t.ticket_id FROM tickets t JOIN tickets_src s ON s.row = t.rowid
    JOIN import_log l ON l.id = s.src_import;
    SELECT l.file, s.src_line, d.serial || ',' || d.snapshot_date FROM devices d JOIN devices_src s ON s.row = d.rowid
    JOIN import_log l ON l.id = s.src_import;
    SELECT l.file, m.src_line, x.serial || ',' || strftime('%Y-%m', m.first_day * 86400, 'unixepoch')
      FROM usage_months m JOIN serials x ON x.serial_id = m.serial_id JOIN import_log l ON l.id = m.src_import" >"$WORK/src.txt"
bad=$("$PY" - "$WORK/src.txt" <<'PY'
import csv, sys
files = {}
bad = 0
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    path, lineno, what = line.rstrip("\n").split("|")
    if path not in files:
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        files[path] = rows           # no embedded newlines in the samples: line = row + 1
    rows = files[path]
    row = dict(zip(rows[0], rows[int(lineno) - 1]))
    n += 1
    if "," not in what:
        ok = row.get("ticket_id") == what
    else:
        a, b = what.split(",")
        ok = row.get("serial") == a and (row.get("snapshot_date") == b or row.get("date", "")[:7] == b)
    if not ok:
        bad += 1
        print(path, lineno, what, row, file=sys.stderr)
print(bad if n > 600 else "too few rows: %d" % n)
PY
)
check_eq "lineage: every named line holds its row" "$bad" 0

sources() { sqlite3 "$1" "SELECT * FROM tickets_src; SELECT * FROM devices_src; SELECT * FROM contracts_src;
                          SELECT serial_id, first_day, src_import, src_line FROM usage_months" | md5sum; }
before=$(sources "$DB")
run_cr import --db "$DB" "$S/tickets.csv" "$S/devices.csv" "$S/usage.csv" "$S/contracts.csv"
check_eq "lineage: re-import runs" "$RC" 0
check_eq "lineage: re-importing unchanged files changes no source" "$(sources "$DB")" "$before"

# A corrected snapshot (one device gone, lines moved up) names the new file.
snap=$(sed -n 2p "$S/devices.csv" | cut -d, -f1-2)
{ head -n 1 "$S/devices.csv"; grep "^$snap," "$S/devices.csv" | sed 1d; } >"$WORK/devices-fix.csv"
run_cr import --db "$DB" "$WORK/devices-fix.csv"
check_eq "lineage: corrected snapshot imports" "$RC" 0
d=${snap%,*} a=${snap#*,}
check_eq "lineage: the snapshot's rows name the corrected file" \
    "$(sqlite3 "$DB" "SELECT count(*), sum(l.file LIKE '%devices-fix.csv'), min(s.src_line)
        FROM devices x JOIN devices_src s ON s.row = x.rowid JOIN import_log l ON l.id = s.src_import
       WHERE x.account_id = '$a' AND x.snapshot_date = '$d'")" \
    "$(($(wc -l <"$WORK/devices-fix.csv") - 1))|$(($(wc -l <"$WORK/devices-fix.csv") - 1))|2"
check_eq "lineage: no source left for a removed device" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM devices_src WHERE row NOT IN (SELECT rowid FROM devices)")" 0

# A newer ticket row (later updated_at) replaces the stored one and names its file.
{ head -n 1 "$S/tickets.csv"; grep '^NO-1001,' "$S/tickets.csv" | sed 's/,2026-07-03 14:45$/,2026-07-04 10:00/; s/,Closed,/,Resolved,/'; } >"$WORK/t-new.csv"
run_cr import --db "$DB" "$WORK/t-new.csv"
check_eq "lineage: newer ticket names the newer file" \
    "$(sqlite3 "$DB" "SELECT t.status, s.src_line, l.file LIKE '%t-new.csv' FROM tickets t JOIN tickets_src s ON s.row = t.rowid
        JOIN import_log l ON l.id = s.src_import WHERE t.ticket_id = 'NO-1001'")" "Resolved|2|1"

# A version 4 store: upgraded on open; its rows have no source ("unknown source").
V4=$WORK/v4.db
for v in 1 2 3 4; do sqlite3 "$V4" <"$TOP/src/sql/schema_v$v.sql" || fail "lineage: v4 store" "schema_v$v"; done
sqlite3 "$V4" "PRAGMA user_version = 4;
INSERT INTO tickets (ticket_id, account_id, priority, opened_at, opened_utc) VALUES ('OLD-1', 'A1', 'P2', '2026-07-01T10:00:00', 0);
INSERT INTO usage VALUES ('2026-07-01', 'S1', 'A1', 1, 5, 0);"
run_cr check --db "$V4"
check_eq "lineage: v4 store opens" "$RC" 0
check_eq "lineage: v4 upgraded to 5" "$(sqlite3 "$V4" 'PRAGMA user_version')" 5
check_eq "lineage: v4 rows have no source" \
    "$(sqlite3 "$V4" "SELECT count(*) FROM tickets_src; SELECT count(*) FROM usage_months WHERE src_import IS NULL")" "0
1"
