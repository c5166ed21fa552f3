# store.sh - the SQLite store itself: schema version, pragmas, a database from a
# newer csmreport refused without being touched, a read-only command on a
# missing database.
. "$(dirname "$0")/lib.sh"

DB=$WORK/s.db
printf 'partner_id,partner_name\nP1,Partner One\n' >"$WORK/partners.csv"
run_cr import --db "$DB" "$WORK/partners.csv"
check_eq "store: import into a new database" "$RC" 0
check_eq "store: schema version" "$(sqlite3 "$DB" 'PRAGMA user_version')" "5"
check_eq "store: WAL journal" "$(sqlite3 "$DB" 'PRAGMA journal_mode')" "wal"
check_eq "store: 16 KiB pages" "$(sqlite3 "$DB" 'PRAGMA page_size')" "16384"
check_contains "store: version names the schema" "$("$CSMREPORT" version)" "schema 5"

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

# A version 1 store is migrated on first open: usage moves into usage_days
# (keyed by serial and day) and reads back the same through the views.
V1=$WORK/v1.db
sqlite3 "$V1" <"$TOP/src/sql/schema_v1.sql"
sqlite3 "$V1" "PRAGMA user_version = 1;
INSERT INTO usage VALUES ('2026-07-01', 'S2', 'A1', 4, 35, 2), ('2026-07-02', 'S1', 'A1', 0, 0, 0),
                         ('2026-07-01', 'S1', 'A2', 1, 9, 0), ('1970-01-01', 'S3', 'A1', 1, 1, 1);
INSERT INTO calls VALUES ('S1', '2026-07-02T09:00:00', 'A1', '2026-07-02T09:10:00', NULL, NULL, NULL, 0, 600, '2026-07-02'),
                         ('S1', '2026-07-03T09:00:00', 'A1', '2026-07-03T09:10:00', NULL, NULL, NULL, 0, 600, '2026-07-03');"
before_usage=$(sqlite3 "$V1" "SELECT * FROM usage ORDER BY date, serial")
before_effective=$(sqlite3 "$V1" "SELECT * FROM usage_effective ORDER BY date, serial, source")
run_cr check --db "$V1"
check_eq "migration v1: check runs" "$RC" 0
check_eq "migration v1: now version 5" "$(sqlite3 "$V1" 'PRAGMA user_version')" "5"
check_eq "migration v1: usage rows the same" "$(sqlite3 "$V1" "SELECT * FROM usage ORDER BY date, serial")" "$before_usage"
check_eq "migration v1: usage_effective the same" \
    "$(sqlite3 "$V1" "SELECT * FROM usage_effective ORDER BY date, serial, source")" "$before_effective"
check_eq "migration v1: roll-up built" "$(rollup_diff "$V1")|$(sqlite3 "$V1" "SELECT count(*) FROM usage_months")" "0|4"
check_eq "migration v1: usage is a view over usage_days" \
    "$(sqlite3 "$V1" "SELECT type FROM sqlite_schema WHERE name = 'usage'; SELECT count(*) FROM usage_days")" "view
4"

# A version 1 store with a usage date the new key cannot hold is left as it is.
V1B=$WORK/v1b.db
sqlite3 "$V1B" <"$TOP/src/sql/schema_v1.sql"
sqlite3 "$V1B" "PRAGMA user_version = 1; INSERT INTO usage VALUES ('1969-12-31', 'S1', 'A1', 1, 1, 1);"
before=$(db_digest "$V1B")
run_cr check --db "$V1B"
check_eq "migration v1, 1969: refused" "$RC" 65
check_contains "migration v1, 1969: says why" "$ERR" "usage_date BETWEEN '1970-01-01' AND '2149-06-06'"
check_eq "migration v1, 1969: still version 1" "$(sqlite3 "$V1B" 'PRAGMA user_version')" "1"
check_eq "migration v1, 1969: unchanged" "$(db_digest "$V1B")" "$before"
