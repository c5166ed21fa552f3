# template_schema.sh - report templates: every shipped template validates
# against templates/report.xsd (xmllint too); invalid templates give exit 78
# with the right line; unsafe XML (XXE, external DTD, billion laughs, XInclude,
# gzip, deep nesting, oversize) is refused quickly without leaking anything.
#
# Uses `csmreport render` when the binary has it, else the loader driver of
# the unit test program (BUILD/tests/test_template --load).
. "$(dirname "$0")/lib.sh"
: "${BUILD:=$TOP/build}"
XSD="$TOP/templates/report.xsd"

if "$CSMREPORT" render --help >/dev/null 2>&1; then
    DB="$WORK/t.db"
    for k in partners accounts contracts catalog firmware holidays devices tickets usage calls; do
        [ -f "$TOP/samples/$k.csv" ] && "$CSMREPORT" import --db "$DB" "$TOP/samples/$k.csv" >/dev/null 2>&1
    done
    load() { run_cr render --db "$DB" --template "$1" --account NO-NORDLYS --period 2026-Q3 --out "$WORK/render-out"; }
else
    echo "# csmreport render not available: loading through $BUILD/tests/test_template"
    load() {
        "$BUILD/tests/test_template" --load "$1" >"$WORK/out" 2>"$WORK/err"
        RC=$?
        OUT=$(cat "$WORK/out")
        ERR=$(cat "$WORK/err")
    }
fi

now_ms() { date +%s%3N; }

# --- every shipped template is valid ---
for t in "$TOP"/templates/*.xml; do
    name=$(basename "$t")
    if xmllint --noout --schema "$XSD" "$t" >/dev/null 2>"$WORK/xmllint"; then
        pass "xmllint: $name validates"
    else
        fail "xmllint: $name validates" "$(head -3 "$WORK/xmllint")"
    fi
    load "$t"
    case "$RC" in
        78|64|65|66) if [ "$RC" = 78 ]; then fail "loads: $name" "$ERR"; else pass "loads: $name"; fi ;;
        *) pass "loads: $name" ;;
    esac
done
if xmllint --noout "$XSD" 2>/dev/null; then pass "report.xsd is well-formed"; else fail "report.xsd is well-formed" "xmllint"; fi

# --- invalid templates: exit 78 and FILE:LINE ---
# bad NAME LINE NEEDLE <<XML
bad() {
    f="$WORK/$1.xml"
    cat >"$f"
    load "$f"
    check_eq "invalid $1: exit 78" "$RC" 78
    check_contains "invalid $1: line $2" "$ERR" "$1.xml:$2:"
    check_contains "invalid $1: reason" "$ERR" "$3"
}

bad unknown_element 3 "pages" <<'XML'
<report name="x" output="x">
  <deck>
    <pages/>
  </deck>
</report>
XML
bad missing_output 1 "output" <<'XML'
<report name="x">
</report>
XML
bad bad_scope 1 "scope" <<'XML'
<report name="x" output="x" scope="region">
</report>
XML
bad bad_format 4 "format" <<'XML'
<report name="x" output="x">
  <deck>
    <page title="t">
      <kpi label="l" value="adoption.rate" format="percentage"/>
    </page>
  </deck>
</report>
XML
bad chart_without_dataset 3 "chartDataset" <<'XML'
<report name="x" output="x">
  <charts>
    <chart id="c" type="bar" dataset="nothere" category="month"><series column="rate"/></chart>
  </charts>
</report>
XML
bad duplicate_dataset 4 "duplicate" <<'XML'
<report name="x" output="x">
  <datasets>
    <dataset name="d">SELECT 1 AS a</dataset>
    <dataset name="d">SELECT 2 AS a</dataset>
  </datasets>
</report>
XML
bad unknown_placeholder 5 "adoption.rates" <<'XML'
<report name="x" output="x">
  <deck>
    <page title="t">
      <text>
        Adoption ${adoption.rates|percent}</text>
    </page>
  </deck>
</report>
XML
bad unknown_string 3 "#{welcome}" <<'XML'
<report name="x" output="x">
  <deck>
    <page title="#{welcome}"/>
  </deck>
</report>
XML
bad sql_syntax 4 "dataset 'd'" <<'XML'
<report name="x" output="x">
  <datasets>
    <dataset name="a">SELECT 1 AS x</dataset>
    <dataset name="d">SELEKT account_id FROM accounts</dataset>
  </datasets>
</report>
XML
bad sql_delete 3 "may only read" <<'XML'
<report name="x" output="x">
  <datasets>
    <dataset name="d">DELETE FROM accounts</dataset>
  </datasets>
</report>
XML
bad bad_test 4 "test" <<'XML'
<report name="x" output="x">
  <deck>
    <page title="t"/>
    <if test="program in">
      <page title="u"/>
    </if>
  </deck>
</report>
XML
bad not_xml 4 "invalid XML" <<'XML'
<report name="x" output="x">
  <deck>
    <page title="t">
  </deck>
</report>
XML
bad bad_color 4 "color" <<'XML'
<report name="x" output="x">
  <datasets><dataset name="m" metrics="adoption.by_month"/></datasets>
  <charts><chart id="c" type="line" dataset="m" category="month">
    <series column="rate" color="blue"/></chart></charts>
</report>
XML
bad one_without_count 3 "no count" <<'XML'
<report name="x" output="x">
  <strings>
    <string key="s" en="${adoption.active|integer} devices" en-one="1 device"/>
  </strings>
</report>
XML
bad count_unknown_name 3 "nope" <<'XML'
<report name="x" output="x">
  <strings>
    <string key="s" count="nope" en="${adoption.active|integer} devices" en-one="1 device"/>
  </strings>
</report>
XML

# --- attacks: refused in under a second, nothing leaked ---
SECRET="$WORK/secret.txt"
echo "TOPSECRET-7f3a9c" >"$SECRET"
# attack NAME FILE NEEDLE
attack() {
    start=$(now_ms)
    load "$2"
    ms=$(( $(now_ms) - start ))
    check_eq "attack $1: exit 78" "$RC" 78
    check_contains "attack $1: reason" "$ERR" "$3"
    if [ "$ms" -lt 1000 ]; then pass "attack $1: refused quickly (${ms} ms)"; else fail "attack $1: refused quickly" "${ms} ms"; fi
    case "$OUT$ERR" in
        *TOPSECRET*) fail "attack $1: nothing leaked" "secret in output" ;;
        *) pass "attack $1: nothing leaked" ;;
    esac
    [ -d "$WORK/out" ] && [ -n "$(ls -A "$WORK/out" 2>/dev/null)" ] && fail "attack $1: no output" "files in out/"
    return 0
}

cat >"$WORK/xxe.xml" <<XML
<?xml version="1.0"?>
<!DOCTYPE report [ <!ENTITY s SYSTEM "file://$SECRET"> ]>
<report name="&s;" output="x"/>
XML
attack xxe "$WORK/xxe.xml" "DOCTYPE"

cat >"$WORK/dtd.xml" <<XML
<?xml version="1.0"?>
<!DOCTYPE report SYSTEM "http://127.0.0.1:9/evil.dtd">
<report name="x" output="x"/>
XML
attack external_dtd "$WORK/dtd.xml" "DOCTYPE"

cat >"$WORK/laughs.xml" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE report [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
]>
<report name="&h;" output="x"/>
XML
attack billion_laughs "$WORK/laughs.xml" "DOCTYPE"

cat >"$WORK/xinclude.xml" <<XML
<?xml version="1.0"?>
<report name="x" output="x" xmlns:xi="http://www.w3.org/2001/XInclude">
  <deck><page title="t"><text><xi:include href="file://$SECRET" parse="text"/></text></page></deck>
</report>
XML
attack xinclude "$WORK/xinclude.xml" "XInclude"

gzip -c "$TOP/templates/example.xml" >"$WORK/gz.xml"
attack gzip "$WORK/gz.xml" "gzip"

{
    echo '<report name="x" output="x"><deck><page title="t">'
    i=0; while [ $i -lt 300 ]; do printf '<row>'; i=$((i + 1)); done
    i=0; while [ $i -lt 300 ]; do printf '</row>'; i=$((i + 1)); done
    echo '</page></deck></report>'
} >"$WORK/deep.xml"
attack deep_nesting "$WORK/deep.xml" "nested deeper"

{
    echo '<report name="x" output="x"><deck><page title="t"><text>'
    head -c 2200000 /dev/zero | tr '\0' 'a'
    echo '</text></page></deck></report>'
} >"$WORK/big.xml"
attack two_mib "$WORK/big.xml" "larger than"
