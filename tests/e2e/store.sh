# store.sh - the SQLite store itself: schema version, pragmas, a database from a
# newer csmreport refused without being touched, a read-only command on a
# missing database.
. "$(dirname "$0")/lib.sh"

DB=$WORK/s.db
printf 'partner_id,partner_name\nP1,Partner One\n' >"$WORK/partners.csv"
run_cr import --db "$DB" "$WORK/partners.csv"
check_eq "store: import into a new database" "$RC" 0
check_eq "store: schema version" "$(sqlite3 "$DB" 'PRAGMA user_version')" "2"
check_eq "store: WAL journal" "$(sqlite3 "$DB" 'PRAGMA journal_mode')" "wal"
check_eq "store: 16 KiB pages" "$(sqlite3 "$DB" 'PRAGMA page_size')" "16384"
check_contains "store: version names the schema" "$("$CSMREPORT" version)" "schema 2"

# A database written by a newer csmreport is refused (exit 78) and left as it is.
sqlite3 "$DB" 'PRAGMA user_version = 99'
before=$(db_digest "$DB")
run_cr import --db "$DB" "$WORK/partners.csv"
check_eq "store: newer schema refused by import" "$RC" 78
check_contains "store: says why" "$ERR" "newer than this csmreport"
run_cr metrics --db "$DB" --account X --period 2026-Q3
check_eq "store: newer schema refused by metrics" "$RC" 78
check_eq "store: refused database unchanged" "$(db_digest "$DB")" "$before"
check_eq "store: version untouched" "$(sqlite3 "$DB" 'PRAGMA user_version')" "99"

# A read-only command never creates a database.
run_cr metrics --db "$WORK/none.db" --account X --period 2026-Q3
check_eq "store: missing database is exit 66" "$RC" 66
if [ -e "$WORK/none.db" ]; then fail "store: no file created" "none.db exists"; else pass "store: no file created"; fi
