# import_usage.sh - usage's sorted path (src/ingest/ingest_usage.c) at a size that
# spills sorted runs to disk (more than 2^20 rows): values stored under the
# right date and serial, re-import, updates, a duplicate key across runs (error
# and --skip-bad-rows), a profile's keep rule, the key's range, order
# independence with the serials dictionary, and the usage view's triggers.
. "${TOP:-.}/tests/e2e/lib.sh"

D=$WORK/d
mkdir -p "$D"
X=$WORK/x.db
q() { sqlite3 -separator '|' "$X" "$1"; }

# 2,000 serials x 600 days = 1,200,000 rows, written day by day (so keys are
# far from sorted) with values that are a formula of (serial, day). The
# expected sums come from the same formula, not from csmreport.
$PY - "$D" <<'EOF'
import datetime, sys
d = sys.argv[1]
start = datetime.date(2024, 1, 1)
calls = minutes = meetings = 0
with open(d + '/big.csv', 'w', newline='') as f:
    f.write('date,account_id,serial,calls,call_minutes,meetings\r\n')
    for day in range(600):
        date = (start + datetime.timedelta(days=day)).isoformat()
        for s in range(2000):
            c, m, g = (s * 7 + day) % 5, (s * 13 + day * 3) % 97, (s + day) % 3
            calls += c; minutes += m; meetings += g
            f.write(f'{date},ACC{s % 7},S{s:05d},{c},{m},{g}\r\n')
with open(d + '/big.sums', 'w') as f:
    f.write(f'1200000|{calls}|{minutes}|{meetings}\n')
EOF

run_cr import --db "$X" --verbose "$D/big.csv"
check_eq "big usage: exit 0" "$RC" 0
check_contains "big usage: every row inserted" "$OUT" "1200000 rows read, 1200000 inserted, 0 updated, 0 unchanged"
check_eq "big usage: count and sums" \
    "$(q 'SELECT count(*), sum(calls), sum(call_minutes), sum(meetings) FROM usage')" "$(cat "$D/big.sums")"
# S01234, day 500 = 2025-05-15: calls (8638+500)%5=3, minutes (16042+1500)%97=82, meetings 1734%3=0
check_eq "big usage: a row under its date and serial" \
    "$(q "SELECT * FROM usage WHERE serial = 'S01234' AND date = '2025-05-15'")" "2025-05-15|S01234|ACC2|3|82|0"
check_eq "big usage: one serial per dictionary entry" "$(q 'SELECT count(*) FROM serials')" "2000"
check_eq "big usage: ids are serial << 16 | day" \
    "$(q "SELECT count(*) FROM usage_days AS u JOIN serials AS s ON s.serial_id = u.id >> 16
           WHERE s.serial = 'S01234' AND (u.id & 65535) = unixepoch('2025-05-15') / 86400")" "1"
check_eq "big usage: monthly roll-up exact" "$(rollup_diff "$X")" "0"
check_eq "big usage: roll-up rows" "$(q 'SELECT count(*), sum(days), sum(calls) FROM usage_months')" \
    "$((2000 * 20))|$(cut -d'|' -f1,2 "$D/big.sums")"
check_eq "big usage: no sort file left beside the database" "$(ls -A "$WORK" | grep -c csmreport-sort)" "0"

BIG_DIGEST=$(db_digest "$X")
run_cr import --db "$X" --verbose "$D/big.csv"
check_contains "big usage re-import: all unchanged" "$OUT" "0 inserted, 0 updated, 1200000 unchanged"
check_eq "big usage re-import: data identical" "$(db_digest "$X")" "$BIG_DIGEST"
check_eq "big usage re-import: roll-up exact" "$(rollup_diff "$X")" "0"

# Updates: 2 changed rows, 1 unchanged, 2 new (a new day, a new serial).
cat >"$D/update.csv" <<'EOF'
date,account_id,serial,calls,call_minutes,meetings
2025-05-15,ACC2,S01234,9,99,9
2024-01-01,ACC0,S00000,0,0,0
2024-01-02,ACC5,S00000,1,4,2
2030-01-01,ACC2,S01234,1,1,1
2025-05-15,ACC9,NEW-1,2,2,2
EOF
run_cr import --db "$X" --verbose "$D/update.csv"
check_contains "update: counts" "$OUT" "5 rows read, 2 inserted, 2 updated, 1 unchanged"
check_eq "update: changed values and account" \
    "$(q "SELECT * FROM usage WHERE serial || ' ' || date IN ('S01234 2025-05-15', 'S00000 2024-01-02',
          'S01234 2030-01-01', 'NEW-1 2025-05-15') ORDER BY serial, date" | tr '\n' ' ')" \
    "2025-05-15|NEW-1|ACC9|2|2|2 2024-01-02|S00000|ACC5|1|4|2 2025-05-15|S01234|ACC2|9|99|9 2030-01-01|S01234|ACC2|1|1|1 "
check_eq "update: total rows" "$(q 'SELECT count(*) FROM usage')" "1200002"
check_eq "update: roll-up exact" "$(rollup_diff "$X")" "0"
check_eq "update: the month a row left, the month it joined" \
    "$(q "SELECT month, account_id, days FROM usage_by_month WHERE serial = 'S00000' AND month = '2024-01' ORDER BY account_id" | tr '\n' ' ')" \
    "2024-01|ACC0|30 2024-01|ACC5|1 "
# The row moves back: ACC5's month has no row left and goes.
printf 'date,account_id,serial,calls,call_minutes,meetings\n2024-01-02,ACC0,S00000,1,4,2\n' >"$D/back.csv"
run_cr import --db "$X" "$D/back.csv"
check_eq "update: an emptied month is dropped" \
    "$(q "SELECT month, account_id, days FROM usage_by_month WHERE serial = 'S00000' AND month = '2024-01'")" "2024-01|ACC0|31"
check_eq "update: roll-up still exact" "$(rollup_diff "$X")" "0"

# A key repeated 1.2M lines later, in another sorted run: the file fails whole,
# and the message names both lines.
cp "$D/big.csv" "$D/dup.csv"
printf '2024-01-01,ACC0,S00001,4,4,4\r\n' >>"$D/dup.csv"
AFTER_UPDATE=$(db_digest "$X")
run_cr import --db "$X" "$D/dup.csv"
check_eq "duplicate across runs: exit 65" "$RC" 65
check_contains "duplicate across runs: line and column, both lines" "$ERR" \
    "dup.csv:1200002:1: duplicate key: same date, serial as line 3"
check_eq "duplicate across runs: database unchanged" "$(db_digest "$X")" "$AFTER_UPDATE"

# With --skip-bad-rows the first row stays and the repeat is rejected.
Y=$WORK/y.db
run_cr import --db "$Y" --skip-bad-rows --verbose "$D/dup.csv"
check_eq "duplicate skipped: exit 0" "$RC" 0
check_contains "duplicate skipped: counted" "$OUT" "1200001 rows read, 1200000 inserted, 0 updated, 0 unchanged, 1 rejected"
check_eq "duplicate skipped: roll-up exact" "$(rollup_diff "$Y")" "0"
check_eq "duplicate skipped: the first row kept" \
    "$(sqlite3 "$Y" "SELECT calls, call_minutes, meetings FROM usage WHERE serial = 'S00001' AND date = '2024-01-01'")" "2|13|1"
check_eq "duplicate skipped: the rejects file" "$(cat "$D/dup.csv.rejected.csv" | tr -d '\r')" \
    "date,account_id,serial,calls,call_minutes,meetings,reason
2024-01-01,ACC0,S00001,4,4,4,\"duplicate key: same date, serial as line 3\""

# A profile's keep rule: the highest revision per key, the last on a tie; the
# others are superseded, not errors.
cat >"$D/usage-keep.xml" <<'EOF'
<profile name="usage-revisions" kind="usage">
  <field name="calls" column="calls"/>
  <keep highest="revision"/>
</profile>
EOF
cat >"$D/keep.csv" <<'EOF'
date,account_id,serial,calls,call_minutes,meetings,revision
2026-03-01,K1,KS1,1,10,0,1
2026-03-01,K1,KS2,5,50,0,2
2026-03-01,K1,KS1,3,30,0,3
2026-03-01,K1,KS1,2,20,0,2
2026-03-01,K1,KS2,6,60,0,2
2026-03-02,K1,KS1,7,70,0,1
EOF
K=$WORK/k.db
run_cr import --db "$K" --profile "$D/usage-keep.xml" --verbose "$D/keep.csv"
check_eq "keep rule: exit 0" "$RC" 0
check_contains "keep rule: counts" "$OUT" "6 rows read, 3 inserted, 0 updated, 0 unchanged, 0 rejected, 3 superseded"
check_eq "keep rule: highest revision, then the last" \
    "$(sqlite3 "$K" "SELECT date, serial, calls FROM usage ORDER BY date, serial" | tr '\n' ' ')" \
    "2026-03-01|KS1|3 2026-03-01|KS2|6 2026-03-02|KS1|7 "
check_eq "keep rule: roll-up of the winners" "$(sqlite3 "$K" "SELECT serial, days, calls FROM usage_by_month ORDER BY serial" | tr '\n' ' ')" \
    "KS1|2|10 KS2|1|6 "

# What the key can hold: dates 1970-01-01..2149-06-06, counts of 32 bits.
printf 'date,account_id,serial,calls,call_minutes,meetings\n1970-01-01,R,R1,1,1,1\n2149-06-06,R,R1,4294967295,0,0\n' >"$D/edge.csv"
R=$WORK/r.db
run_cr import --db "$R" "$D/edge.csv"
check_eq "range: the first and last day and the largest count" "$RC|$(sqlite3 "$R" "SELECT group_concat(date || ':' || calls, ' ') FROM (SELECT * FROM usage ORDER BY date)")" \
    "0|1970-01-01:1 2149-06-06:4294967295"
R_DIGEST=$(db_digest "$R")
printf 'date,account_id,serial,calls,call_minutes,meetings\n2026-01-01,R,R1,1,1,1\n1969-12-31,R,R1,1,1,1\n' >"$D/early.csv"
run_cr import --db "$R" "$D/early.csv"
check_eq "range: 1969 is exit 65" "$RC" 65
check_contains "range: 1969 with its position" "$ERR" "early.csv:3:1: date: 1969-12-31 is outside 1970-01-01..2149-06-06"
printf 'date,account_id,serial,calls,call_minutes,meetings\n2026-01-01,R,R1,1,4294967296,1\n' >"$D/huge.csv"
run_cr import --db "$R" "$D/huge.csv"
check_contains "range: a count over 32 bits with its position" "$ERR" "huge.csv:2:19: call_minutes: 4294967296 is more than 4294967295"
check_eq "range: database unchanged" "$(db_digest "$R")" "$R_DIGEST"

# Order independence: the serials dictionary numbers serials in the order met,
# yet the data read through the views is the same.
printf 'date,account_id,serial,calls,call_minutes,meetings\n2026-02-01,O,SA,1,1,1\n2026-02-01,O,SB,2,2,2\n' >"$D/o1.csv"
printf 'date,account_id,serial,calls,call_minutes,meetings\n2026-02-02,O,SC,3,3,3\n2026-02-01,O,SB,2,2,2\n' >"$D/o2.csv"
run_cr import --db "$WORK/o12.db" "$D/o1.csv" "$D/o2.csv"
run_cr import --db "$WORK/o21.db" "$D/o2.csv" "$D/o1.csv"
check_eq "order: serial ids differ" \
    "$(sqlite3 "$WORK/o12.db" "SELECT serial_id FROM serials WHERE serial = 'SC'") $(sqlite3 "$WORK/o21.db" "SELECT serial_id FROM serials WHERE serial = 'SC'")" "3 1"
check_eq "order: same data either way" "$(db_digest "$WORK/o12.db")" "$(db_digest "$WORK/o21.db")"

# The usage view takes INSERT and DELETE, and refuses what the id cannot hold.
check_eq "view: insert" "$(sqlite3 "$R" "INSERT INTO usage VALUES ('2026-05-05', 'R2', 'R', 1, 2, 3); SELECT * FROM usage WHERE serial = 'R2'")" \
    "2026-05-05|R2|R|1|2|3"
check_contains "view: a bad date refused" "$(sqlite3 "$R" "INSERT INTO usage VALUES ('2026-02-30', 'R2', 'R', 1, 2, 3)" 2>&1)" \
    "usage.date must be a date YYYY-MM-DD from 1970-01-01 to 2149-06-06"
check_contains "view: a NULL serial refused" "$(sqlite3 "$R" "INSERT INTO usage VALUES ('2026-02-03', NULL, 'R', 1, 2, 3)" 2>&1)" \
    "usage.serial must not be NULL"
check_eq "view: insert keeps the roll-up" "$(rollup_diff "$R")" "0"
check_eq "view: delete" "$(sqlite3 "$R" "DELETE FROM usage WHERE serial = 'R2'; SELECT count(*) FROM usage_days")" "2"
check_eq "view: delete keeps the roll-up" "$(rollup_diff "$R")|$(sqlite3 "$R" "SELECT count(*) FROM usage_months")" "0|2"

# On a terminal, a usage import shows both phases and ends its progress line
# before any message (script(1) gives it a pseudo-terminal).
if command -v script >/dev/null 2>&1; then
    tty_out=$(script -qc "'$CSMREPORT' import --db '$WORK/tty.db' '$D/big.csv'" /dev/null | tr '\r' '\n')
    check_contains "progress: reading" "$tty_out" "big.csv: reading"
    check_contains "progress: writing to the end" "$tty_out" "big.csv: writing 100% (1200000 rows)"
    tty_out=$(script -qc "'$CSMREPORT' import --db '$WORK/tty.db' '$D/early.csv'" /dev/null | tr -d '\r')
    check_contains "progress: a failed file ends its line first" "$tty_out" "stopped (2 rows)
csmreport: $D/early.csv:3:1:"
else
    fail "progress" "script(1) is missing (Debian package bsdutils)"
fi
