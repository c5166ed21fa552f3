# import_partner_zone.sh - naive timestamps are read in an account's effective
# time zone (its own, else its partner's, else UTC; schema v3 accounts_resolved),
# whatever the order of the files: partners before or after the tickets, a
# partner's zone changed, an account moved to another partner, an account with
# a zone of its own (SPEC section 3, "Importing files in any order gives the
# same data").
. "${TOP:-.}/tests/e2e/lib.sh"

D=$WORK/d
mkdir -p "$D"
epoch() { date -u -d "$1" +%s; }
# utc DB TICKET: the stored UTC instant of the ticket's naive opened_at
utc() { sqlite3 "$1" "SELECT opened_utc FROM tickets WHERE ticket_id='$2'"; }
# calls_day DB SERIAL: the local day of the device's call
calls_day() { sqlite3 "$1" "SELECT local_date FROM calls WHERE serial='$2'"; }
import_all() {
    db=$1; shift
    for f in "$@"; do
        run_cr import --db "$db" --quiet "$D/$f.csv"
        check_eq "$(basename "$db" .db): $f imports" "$RC" 0
    done
}

# B1 has no zone of its own under partner P1 (Europe/Oslo); B2 has its own
# (America/New_York) under P1; B3 has none under P2 (Asia/Tokyo).
cat >"$D/partners.csv" <<'EOF2'
partner_id,partner_name,timezone
P1,Fjord Partner,Europe/Oslo
P2,Sun Partner,Asia/Tokyo
EOF2
cat >"$D/accounts.csv" <<'EOF2'
account_id,account_name,partner_id,program,term_start,term_end,timezone
B1,Bergen AS,P1,partner_enterprise,2026-01-01,2026-12-31,
B2,Boston Inc,P1,partner_enterprise,2026-01-01,2026-12-31,America/New_York
B3,Osaka KK,P2,partner_enterprise,2026-01-01,2026-12-31,
EOF2
# K1 naive (read in the zone), K2 with an offset (never re-timed).
cat >"$D/tickets.csv" <<'EOF2'
ticket_id,account_id,priority,opened_at,closed_at
K1,B1,P2,2026-07-01 10:00,2026-07-01 23:30
K2,B1,P3,2026-07-01T10:00:00Z,
K3,B2,P2,2026-07-01 10:00,
K4,B3,P2,2026-07-01 10:00,
EOF2
# A naive call at 23:30 stays on 07-20 local, in any zone.
cat >"$D/calls.csv" <<'EOF2'
account_id,serial,start_time,end_time
B1,S1,2026-07-20 23:30:00,2026-07-20 23:45:00
EOF2
cat >"$D/devices.csv" <<'EOF2'
snapshot_date,account_id,serial,model,last_seen
2026-07-31,B1,S1,Studio X50,2026-07-31 12:00
EOF2

# ---------- partners, accounts, then the records ----------
X=$WORK/x.db
import_all "$X" partners accounts tickets calls devices
check_eq "partner's zone: naive opened_at read in Europe/Oslo" "$(utc "$X" K1)" "$(epoch '2026-07-01 08:00:00')"
check_eq "partner's zone: closed_at too" "$(sqlite3 "$X" "SELECT closed_utc FROM tickets WHERE ticket_id='K1'")" "$(epoch '2026-07-01 21:30:00')"
check_eq "partner's zone: an offset wins" "$(utc "$X" K2)" "$(epoch '2026-07-01 10:00:00')"
check_eq "own zone wins over the partner's" "$(utc "$X" K3)" "$(epoch '2026-07-01 14:00:00')"
check_eq "other partner's zone" "$(utc "$X" K4)" "$(epoch '2026-07-01 01:00:00')"
check_eq "partner's zone: call start" "$(sqlite3 "$X" "SELECT start_utc FROM calls WHERE serial='S1'")" "$(epoch '2026-07-20 21:30:00')"
check_eq "partner's zone: device last_seen" "$(sqlite3 "$X" "SELECT last_seen_utc FROM devices WHERE serial='S1'")" "$(epoch '2026-07-31 10:00:00')"
DIGEST_X=$(db_digest "$X")

# ---------- the same files in other orders ----------
Y=$WORK/y.db
import_all "$Y" tickets calls devices accounts partners
check_eq "records, accounts, then partners: same data" "$(db_digest "$Y")" "$DIGEST_X"
check_eq "records, accounts, then partners: K1 re-timed" "$(utc "$Y" K1)" "$(epoch '2026-07-01 08:00:00')"
Z=$WORK/z.db
import_all "$Z" tickets partners calls accounts devices
check_eq "partners between the records: same data" "$(db_digest "$Z")" "$DIGEST_X"
W=$WORK/w.db
import_all "$W" accounts tickets calls devices partners
check_eq "partners last: same data" "$(db_digest "$W")" "$DIGEST_X"
check_eq "partners last: calls local day" "$(calls_day "$W" S1)" "2026-07-20"
run_cr import --db "$W" --quiet "$D/partners.csv"
check_eq "partners again: nothing changes" "$(db_digest "$W")" "$DIGEST_X"

# ---------- the partner's zone changes ----------
cat >"$D/partners_utc.csv" <<'EOF2'
partner_id,partner_name,timezone
P1,Fjord Partner,America/Los_Angeles
P2,Sun Partner,Asia/Tokyo
EOF2
run_cr import --db "$X" --quiet "$D/partners_utc.csv"
check_eq "partner's zone changed: imports" "$RC" 0
check_eq "partner's zone changed: B1 re-timed" "$(utc "$X" K1)" "$(epoch '2026-07-01 17:00:00')"
check_eq "partner's zone changed: offsets untouched" "$(utc "$X" K2)" "$(epoch '2026-07-01 10:00:00')"
check_eq "partner's zone changed: own zone not re-timed" "$(utc "$X" K3)" "$(epoch '2026-07-01 14:00:00')"
check_eq "partner's zone changed: other partner untouched" "$(utc "$X" K4)" "$(epoch '2026-07-01 01:00:00')"
check_eq "partner's zone changed: call re-timed" "$(sqlite3 "$X" "SELECT start_utc FROM calls WHERE serial='S1'")" "$(epoch '2026-07-21 06:30:00')"
check_eq "partner's zone changed: calls local day kept" "$(calls_day "$X" S1)" "2026-07-20"
check_eq "partner's zone changed: device re-timed" "$(sqlite3 "$X" "SELECT last_seen_utc FROM devices WHERE serial='S1'")" "$(epoch '2026-07-31 19:00:00')"
# the same as importing the changed partners file first
V=$WORK/v.db
cp "$D/partners_utc.csv" "$D/partners_la.csv"
import_all "$V" partners_la tickets calls devices accounts
check_eq "partner's zone changed: same as that zone from the start" "$(db_digest "$V")" "$(db_digest "$X")"
# the partner's zone taken away: UTC
printf 'partner_id,partner_name,timezone\nP1,Fjord Partner,\n' >"$D/partners_none.csv"
run_cr import --db "$X" --quiet "$D/partners_none.csv"
check_eq "partner's zone removed: UTC" "$(utc "$X" K1)" "$(epoch '2026-07-01 10:00:00')"
check_eq "partner's zone removed: own zone kept" "$(utc "$X" K3)" "$(epoch '2026-07-01 14:00:00')"

# ---------- an account moves to another partner ----------
sed 's/^B1,Bergen AS,P1,/B1,Bergen AS,P2,/' "$D/accounts.csv" >"$D/accounts_moved.csv"
run_cr import --db "$Y" --quiet "$D/accounts_moved.csv"
check_eq "moved to P2: imports" "$RC" 0
check_eq "moved to P2: re-timed in Asia/Tokyo" "$(utc "$Y" K1)" "$(epoch '2026-07-01 01:00:00')"
check_eq "moved to P2: own zone account untouched" "$(utc "$Y" K3)" "$(epoch '2026-07-01 14:00:00')"
U=$WORK/u.db
import_all "$U" accounts_moved partners tickets calls devices
check_eq "moved to P2: same as moved from the start" "$(db_digest "$U")" "$(db_digest "$Y")"

# ---------- an account's own zone given, then taken away ----------
sed 's/^B1,Bergen AS,P1,\(.*\),$/B1,Bergen AS,P1,\1,Europe\/London/' "$D/accounts.csv" >"$D/accounts_own.csv"
run_cr import --db "$Z" --quiet "$D/accounts_own.csv"
check_eq "own zone given: re-timed in Europe/London" "$(utc "$Z" K1)" "$(epoch '2026-07-01 09:00:00')"
run_cr import --db "$Z" --quiet "$D/accounts.csv"
check_eq "own zone taken away: back to the partner's" "$(utc "$Z" K1)" "$(epoch '2026-07-01 08:00:00')"
check_eq "own zone taken away: same data as before" "$(db_digest "$Z")" "$DIGEST_X"
