# template_sandbox.sh - the template SQL sandbox (SPEC section 9): a dataset
# that is anything but one read-only SELECT is a configuration error (exit 78)
# naming the template file and line; the database is unchanged and no file is
# created; an endless recursive CTE is stopped within seconds.
#
# Uses `csmreport render` when the binary has it, else the resolver driver of
# the unit test program (BUILD/tests/test_template --resolve).
. "$(dirname "$0")/lib.sh"
: "${BUILD:=$TOP/build}"

DB="$WORK/s.db"
for k in partners accounts contracts catalog firmware holidays devices tickets usage calls; do
    [ -f "$TOP/samples/$k.csv" ] && "$CSMREPORT" import --db "$DB" "$TOP/samples/$k.csv" >/dev/null 2>&1
done
BEFORE=$(db_digest "$DB")

if "$CSMREPORT" render --help >/dev/null 2>&1; then
    render() { run_cr render --db "$DB" --template "$1" --account NO-NORDLYS --period 2026-Q3 --out "$WORK/render-out"; }
else
    echo "# csmreport render not available: resolving through $BUILD/tests/test_template"
    render() {
        "$BUILD/tests/test_template" --resolve "$1" "$DB" NO-NORDLYS 2026-Q3 >"$WORK/out.txt" 2>"$WORK/err"
        RC=$?
        ERR=$(cat "$WORK/err")
    }
fi

# refuse NAME SQL: a template whose dataset (line 4) is SQL.
refuse() {
    f="$WORK/$1.xml"
    cat >"$f" <<XML
<report name="x" output="x">
  <datasets>
    <dataset name="ok">SELECT account_id FROM accounts</dataset>
    <dataset name="evil">$2</dataset>
  </datasets>
  <deck><page title="t"><table dataset="evil"/></page></deck>
</report>
XML
    render "$f"
    check_eq "sandbox $1: exit 78" "$RC" 78
    check_contains "sandbox $1: names the template line" "$ERR" "$1.xml:4:"
    check_eq "sandbox $1: database unchanged" "$(db_digest "$DB")" "$BEFORE"
}

refuse delete "DELETE FROM accounts"
refuse insert "INSERT INTO partners (partner_id, partner_name) VALUES ('x', 'y')"
refuse update "UPDATE accounts SET account_name = 'owned'"
refuse drop "DROP TABLE tickets"
refuse attach "ATTACH DATABASE '$WORK/attached.db' AS a"
refuse vacuum_into "VACUUM INTO '$WORK/copy.db'"
refuse writable_schema "PRAGMA writable_schema = ON"
refuse second_statement "SELECT 1; DELETE FROM accounts"
refuse load_extension "SELECT load_extension('$WORK/evil.so')"
refuse create_temp "CREATE TEMP TABLE t AS SELECT * FROM accounts"
refuse cte_delete "WITH x AS (SELECT 1) DELETE FROM accounts"

if [ -e "$WORK/copy.db" ]; then fail "VACUUM INTO created no file" "$WORK/copy.db exists"; else pass "VACUUM INTO created no file"; fi
if [ -e "$WORK/attached.db" ]; then fail "ATTACH created no file" "$WORK/attached.db exists"; else pass "ATTACH created no file"; fi

# An endless recursive CTE passes the load-time check (it is a SELECT) and is
# stopped by the time limit when it runs.
start=$(date +%s)
refuse endless_cte "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c"
secs=$(( $(date +%s) - start ))
check_contains "sandbox endless_cte: reason" "$ERR" "ran longer than"
if [ "$secs" -le 10 ]; then pass "endless CTE stopped within seconds (${secs} s)"; else fail "endless CTE stopped within seconds" "${secs} s"; fi

# A good dataset on the same database still works.
cat >"$WORK/good.xml" <<'XML'
<report name="x" output="x">
  <datasets><dataset name="d">SELECT account_id, account_name FROM accounts WHERE account_id = :account_id</dataset></datasets>
  <deck><page title="t"><table dataset="d"/></page></deck>
</report>
XML
render "$WORK/good.xml"
check_eq "sandbox: a plain SELECT renders" "$RC" 0
check_eq "sandbox: database unchanged at the end" "$(db_digest "$DB")" "$BEFORE"
