# hardening.sh - issue 12, findings 1 to 6, each as it was reproduced:
# 1. an accounts export with account_id renamed (or a second BOM) is refused
#    with the candidate kinds, never imported as partners; the log line counts
#    changed recipients;
# 2. control characters, U+FEFF and bidi overrides in ids and names are refused
#    at import with their position; a store that holds them anyway still
#    gives a workbook whose every XML part parses (openpyxl, LibreOffice);
# 3. template SQL that would take 1 GB or 17 s fails within 1 s under 100 MB
#    with exit 78 naming the dataset and its line;
# 4. a page with too many charts is exit 78 naming the page;
# 5. permissions: exit 77 naming the file or folder; metrics, check and render
#    on a store in a read-only folder (as an unprivileged user) and on a
#    read-only file system (a read-only bind mount); a failed import leaves no
#    new store;
# 6. wording, symbolic links, sandbox operation names, a full disk (a small
#    tmpfs): no libxlsxwriter lines, and an account's files published together.
# Parts that need root (setpriv, mount) print one SKIP line where unavailable.
. "$(dirname "$0")/lib.sh"
S="$TOP/samples"
DB="$WORK/s.db"
import_samples "$DB" hardening-import-samples
TPL="$TOP/templates/qbr.xml"

# ---------- 1. kind detection ----------
sed '1s/^account_id/account/' "$S/accounts.csv" >"$WORK/renamed.csv"
BEFORE=$(db_digest "$DB")
run_cr import --db "$DB" "$WORK/renamed.csv"
check_eq "detect renamed account_id: exit 65" "$RC" 65
check_contains "detect renamed account_id: partners cannot place" "$ERR" "as partners it cannot place account_name"
check_contains "detect renamed account_id: accounts lacks" "$ERR" "as accounts it lacks account_id"
check_contains "detect renamed account_id: says --kind" "$ERR" "use --kind"
check_eq "detect renamed account_id: store unchanged" "$(db_digest "$DB")" "$BEFORE"
check_eq "detect renamed account_id: partners' recipients kept" \
    "$(sqlite3 "$DB" "SELECT recipients FROM partners WHERE partner_id = 'PT-INTEGRA'")" \
    "services@integra-systemes.example;qbr@integra-systemes.example"
printf '\357\273\277\357\273\277' >"$WORK/bom2.csv"
cat "$S/accounts.csv" >>"$WORK/bom2.csv"
run_cr import --db "$DB" --skip-bad-rows "$WORK/bom2.csv"
check_eq "detect double BOM with --skip-bad-rows: exit 65" "$RC" 65
check_contains "detect double BOM: candidates" "$ERR" "as accounts it lacks account_id"
check_eq "detect double BOM: store unchanged" "$(db_digest "$DB")" "$BEFORE"
# --kind still imports it as the user says (the header then maps as accounts)
run_cr import --db "$DB" --kind accounts "$S/accounts.csv"
check_eq "detect: --kind accounts imports" "$RC" 0
sed 's/dsi@eclairage-dupont.example/achats@eclairage-dupont.example/' "$S/accounts.csv" >"$WORK/acc-rcpt.csv"
run_cr import -v --db "$DB" "$WORK/acc-rcpt.csv"
check_contains "log line: recipients changed counted" "$OUT" "1 recipients changed"
run_cr import -v --db "$DB" "$S/accounts.csv"
check_contains "log line: recipients changed back" "$OUT" "1 recipients changed"
run_cr import -v --db "$DB" "$S/accounts.csv"
check_contains "log line: no recipients changed" "$OUT" "0 recipients changed"
# the store's import log keeps the same counts (the last three imports)
check_eq "import_log: recipients changed per import" \
    "$(sqlite3 "$DB" "SELECT group_concat(coalesce(recipients_changed, 'null'), ' ') FROM
                        (SELECT recipients_changed FROM import_log ORDER BY id DESC LIMIT 3)")" "0 1 1"
run_cr import --db "$DB" "$S/catalog.csv"
check_eq "import_log: a kind without recipients logs none" \
    "$(sqlite3 "$DB" "SELECT coalesce(recipients_changed, 'null') FROM import_log ORDER BY id DESC LIMIT 1")" "null"

# ---------- 2. characters ----------
head -1 "$S/accounts.csv" >"$WORK/head.csv"
row=$(sed -n 3p "$S/accounts.csv")
bad() { # NAME TEXT WANT: row 2 with account_name's 'Dupont' replaced by TEXT
    { cat "$WORK/head.csv"; printf '%s\n' "$row" | sed "s/Dupont/$2/"; } >"$WORK/$1.csv"
    run_cr import --db "$DB" "$WORK/$1.csv"
    check_eq "chars $1: exit 65" "$RC" 65
    check_contains "chars $1: position and character" "$ERR" "$1.csv:2:11: account_name: $3"
}
bad soh "Du$(printf '\001')pont" "a control character U+0001 at character 13"
bad esc "Du$(printf '\033')pont" "a control character U+001B at character 13"
bad rlo "Du$(printf '\342\200\256')pont" "a bidirectional override U+202E at character 13"
bad lri "$(printf '\342\201\246')Dupont" "a bidirectional override U+2066 at character 11"
bad c1 "Du$(printf '\302\205')pont" "a control character U+0085"
{ cat "$WORK/head.csv"; printf '\357\273\277%s\n' "$row"; } >"$WORK/bomrow.csv"
run_cr import --db "$DB" "$WORK/bomrow.csv"
check_eq "chars BOM starting a row: exit 65" "$RC" 65
check_contains "chars BOM starting a row: says so" "$ERR" "bomrow.csv:2:1: account_id: a byte order mark U+FEFF at character 1"
check_eq "chars: no phantom account" "$(sqlite3 "$DB" "SELECT count(*) FROM accounts WHERE account_id LIKE '%FR-ECLAIR%'")" 1

# A store filled before the check (or by hand) may still hold them: the
# workbook's document properties and every other part stay well-formed.
cp "$DB" "$WORK/ctl.db"
sqlite3 "$WORK/ctl.db" "UPDATE accounts SET account_name = 'Du' || char(1) || 'pont' || char(27) || ' & <Fils>',
    csm_name = 'Cam' || char(2) || 'ille' WHERE account_id = 'FR-ECLAIR'"
run_cr render --db "$WORK/ctl.db" --template "$TPL" --account FR-ECLAIR --period 2026-Q3 --out "$WORK/ctl" --xlsx
check_eq "chars workbook from a store with controls: exit 0" "$RC" 0
X="$WORK/ctl/FR-ECLAIR/FR-ECLAIR_qbr_2026-Q3.xlsx"
$PY - "$X" <<'EOF'
import sys, zipfile
import xml.etree.ElementTree as ET
import openpyxl
z = zipfile.ZipFile(sys.argv[1])
bad = []
for n in z.namelist():
    if n.endswith(".xml") or n.endswith(".rels"):
        try:
            ET.fromstring(z.read(n))
        except ET.ParseError as e:
            bad.append("%s: %s" % (n, e))
print("PASS chars every XML part parses" if not bad else "FAIL chars every XML part parses: %s" % bad)
wb = openpyxl.load_workbook(sys.argv[1])
p = wb.properties
ok = "Du\ufffdpont\ufffd & <Fils>" in (p.subject or "") and p.creator == "Cam\ufffdille"
print("PASS chars core.xml subject and author, controls replaced" if ok else
      "FAIL chars core.xml: subject %r creator %r" % (p.subject, p.creator))
EOF
if command -v soffice >/dev/null 2>&1; then
    (cd "$WORK" && HOME="$WORK" timeout 120 soffice -env:UserInstallation="file://$WORK/lo" --headless \
        --convert-to csv --outdir "$WORK/lo-out" "$X" >"$WORK/lo.log" 2>&1)
    if [ -s "$WORK/lo-out/FR-ECLAIR_qbr_2026-Q3.csv" ]; then pass "chars LibreOffice opens the workbook"
    else fail "chars LibreOffice opens the workbook" "$(head -c 300 "$WORK/lo.log")"; fi
else
    echo "SKIP chars LibreOffice: soffice not installed"
fi

# ---------- 3. template SQL size caps ----------
big() { # NAME SQL: a template whose dataset 'big' (line 4) is SQL, shown in a table
    cat >"$WORK/$1.xml" <<XML
<report name="x" output="x">
  <datasets>
    <dataset name="ok">SELECT account_id FROM accounts</dataset>
    <dataset name="big">$2</dataset>
  </datasets>
  <deck><page title="t"><table dataset="big"/></page></deck>
</report>
XML
    /usr/bin/time -f '%e %M' -o "$WORK/$1.time" "$CSMREPORT" render --db "$DB" --template "$WORK/$1.xml" \
        --account NO-NORDLYS --period 2026-Q3 --out "$WORK/big-out" --pdf >/dev/null 2>"$WORK/$1.err"
    RC=$?
    check_eq "sandbox $1: exit 78" "$RC" 78
    check_contains "sandbox $1: names the dataset and its line" "$(cat "$WORK/$1.err")" "$1.xml:4: dataset 'big'"
    read -r secs kb <<EOF
$(tail -1 "$WORK/$1.time")
EOF
    echo "# sandbox $1: $secs s, peak RSS $kb KB"
    if awk "BEGIN { exit !($secs < 1.0) }"; then pass "sandbox $1: within 1 s"; else fail "sandbox $1: within 1 s" "$secs s"; fi
    # ASan's shadow memory and quarantine (make sanitize) roughly double a
    # process's footprint: the same bound, scaled for that build only
    limit=102400 what="100 MB"
    if ldd "$CSMREPORT" 2>/dev/null | grep -q libasan; then limit=307200 what="300 MB (ASan build)"; fi
    if [ "$kb" -lt "$limit" ]; then pass "sandbox $1: under $what"; else fail "sandbox $1: under $what" "$kb KB"; fi
}
big printf "SELECT printf('%.*c', 2147483647, 'x') AS v"
big randomblob "SELECT randomblob(900000000) AS v"
big rows "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i &lt; 750) SELECT i, printf('%.*c', 1000000, 'x') AS v FROM n"
for q in "ANALYZE:ANALYZE" "CREATE TEMP TABLE t AS SELECT 1:CREATE TEMP" "CREATE TEMP VIEW v AS SELECT 1:CREATE TEMP"; do
    sql=${q%:*} want=${q##*:}
    cat >"$WORK/op.xml" <<XML
<report name="x" output="x">
  <datasets>
    <dataset name="op">$sql</dataset>
  </datasets>
  <deck><page title="t"><table dataset="op"/></page></deck>
</report>
XML
    run_cr render --db "$DB" --template "$WORK/op.xml" --account NO-NORDLYS --period 2026-Q3 --out "$WORK/op-out"
    check_eq "sandbox names $sql: exit 78" "$RC" 78
    check_contains "sandbox names $sql" "$ERR" "op.xml:3: dataset 'op': template SQL may only read: $want is not allowed"
done

# ---------- 4. charts on a page ----------
charts() { # N [sheet]: a template with N charts on one page (or sheet)
    {
        printf '<report name="c" output="c">\n  <datasets>\n'
        printf '    <dataset name="m">SELECT 1 AS k, 2 AS v UNION ALL SELECT 2, 3</dataset>\n  </datasets>\n'
        printf '  <charts>\n    <chart id="c" type="bar" dataset="m" category="k" title="t">\n'
        printf '      <series column="v" label="v"/>\n    </chart>\n  </charts>\n'
        if [ "${2:-}" = sheet ]; then
            printf '  <workbook>\n    <sheet name="s" dataset="m">\n'
        else
            printf '  <deck>\n    <page title="Many charts">\n'
        fi
        awk -v n="$1" -v s="${2:-}" 'BEGIN { for (i = 0; i < n; i++)
            print (s == "sheet" ? "      <chart ref=\"c\" anchor=\"D" (2 + 20 * i) "\"/>" : "      <chart ref=\"c\"/>") }'
        if [ "${2:-}" = sheet ]; then printf '    </sheet>\n  </workbook>\n'; else printf '    </page>\n  </deck>\n'; fi
        printf '</report>\n'
    } >"$WORK/charts$1${2:-}.xml"
    run_cr render --db "$DB" --template "$WORK/charts$1${2:-}.xml" --account NO-NORDLYS --period 2026-Q3 --out "$WORK/charts-out"
}
for n in 30 10000; do
    charts $n
    check_eq "charts $n on a page: exit 78" "$RC" 78
    check_contains "charts $n on a page: names the page" "$ERR" "charts$n.xml:11: page 'Many charts' has $n charts"
done
charts 5
check_eq "charts 5 stacked: exit 78" "$RC" 78
check_contains "charts 5 stacked: names the page" "$ERR" "page 1 ('Many charts') cannot be laid out"
check_eq "charts 5 stacked: no file" "$(ls "$WORK/charts-out/NO-NORDLYS" 2>/dev/null | wc -l)" 0
charts 4
check_eq "charts 4 stacked: exit 0" "$RC" 0
charts 9 sheet
check_eq "charts 9 on a sheet: exit 78 (the same limit)" "$RC" 78

# ---------- 5. permissions ----------
RO=$(command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && echo yes)
if [ "$RO" = yes ]; then
    chmod 711 "$WORK"
    nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
    if ! nobody "$CSMREPORT" version >/dev/null 2>&1; then
        RO=
        echo "SKIP permissions as an unprivileged user: it cannot run $CSMREPORT"
    fi
else
    echo "SKIP permissions as an unprivileged user: needs root and setpriv"
fi
if [ "$RO" = yes ]; then
    mkdir -p "$WORK/rodir" "$WORK/pout"
    sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    cp "$DB" "$WORK/rodir/s.db"
    chmod 555 "$WORK/rodir"
    chmod 777 "$WORK/pout"
    # the test is honest only when the user really cannot write there
    if nobody sh -c "touch '$WORK/rodir/probe'" 2>/dev/null; then
        fail "permissions: read-only folder" "nobody can write in it"
    fi
    nobody "$CSMREPORT" metrics --db "$WORK/rodir/s.db" --account NO-NORDLYS --period 2026-Q3 --format json \
        >"$WORK/ro.json" 2>"$WORK/ro.err"
    check_eq "permissions metrics, read-only folder: exit 0" "$?" 0
    "$CSMREPORT" metrics --db "$DB" --account NO-NORDLYS --period 2026-Q3 --format json >"$WORK/rw.json"
    if cmp -s "$WORK/ro.json" "$WORK/rw.json"; then pass "permissions metrics, read-only folder: same document"
    else fail "permissions metrics, read-only folder: same document" "$(head -c 300 "$WORK/ro.err")"; fi
    nobody "$CSMREPORT" check --db "$WORK/rodir/s.db" >/dev/null 2>"$WORK/ro.err"
    check_eq "permissions check, read-only folder: exit 0" "$?" 0
    nobody "$CSMREPORT" render --db "$WORK/rodir/s.db" --template "$TPL" --account NO-NORDLYS \
        --period 2026-Q3 --out "$WORK/pout" 2>"$WORK/ro.err"
    check_eq "permissions render, read-only folder: exit 0" "$?" 0
    check_eq "permissions render, read-only folder: both files" "$(ls "$WORK/pout/NO-NORDLYS" | wc -l)" 2
    check_eq "permissions: no -wal or -shm beside the store" "$(ls "$WORK/rodir")" "s.db"
    nobody "$CSMREPORT" import --db "$WORK/rodir/s.db" "$S/partners.csv" 2>"$WORK/ro.err"
    check_eq "permissions import, read-only store: exit 77" "$?" 77
    check_contains "permissions import, read-only store: names the store" "$(cat "$WORK/ro.err")" "$WORK/rodir/s.db: no permission to write the store"
    nobody "$CSMREPORT" import --db "$WORK/rodir/new.db" "$S/partners.csv" 2>"$WORK/ro.err"
    check_eq "permissions import, new store in a read-only folder: exit 77" "$?" 77
    check_contains "permissions import, new store: names the folder" "$(cat "$WORK/ro.err")" "$WORK/rodir: no permission to write in this folder"
    # a store that needs a schema upgrade says so instead of failing to write
    chmod 755 "$WORK/rodir"; cp "$DB" "$WORK/rodir/old.db"; sqlite3 "$WORK/rodir/old.db" "PRAGMA user_version = 3"; chmod 555 "$WORK/rodir"
    nobody "$CSMREPORT" metrics --db "$WORK/rodir/old.db" --account NO-NORDLYS --period 2026-Q3 >/dev/null 2>"$WORK/ro.err"
    check_eq "permissions: a store needing an upgrade, read-only: exit 77" "$?" 77
    check_contains "permissions: says it needs an upgrade" "$(cat "$WORK/ro.err")" "needs an upgrade to schema version"
    chmod 755 "$WORK/rodir"
fi

# a read-only file system: a read-only bind mount
mkdir -p "$WORK/rofs-src" "$WORK/rofs"
cp "$DB" "$WORK/rofs-src/s.db"
if [ "$(id -u)" -eq 0 ] && mount --bind "$WORK/rofs-src" "$WORK/rofs" 2>/dev/null; then
    if mount -o remount,bind,ro "$WORK/rofs" 2>/dev/null && ! touch "$WORK/rofs/probe" 2>/dev/null; then
        run_cr metrics --db "$WORK/rofs/s.db" --account NO-NORDLYS --period 2026-Q3
        check_eq "read-only file system: metrics exit 0" "$RC" 0
        run_cr render --db "$WORK/rofs/s.db" --template "$TPL" --account NO-NORDLYS --period 2026-Q3 --out "$WORK/rofs-out"
        check_eq "read-only file system: render exit 0" "$RC" 0
        run_cr import --db "$WORK/rofs/s.db" "$S/partners.csv"
        check_eq "read-only file system: import exit 77" "$RC" 77
        check_contains "read-only file system: says so" "$ERR" "$WORK/rofs/s.db: the store is on a read-only file system"
    else
        echo "SKIP read-only file system: the bind mount cannot be made read-only"
    fi
    umount "$WORK/rofs"
else
    echo "SKIP read-only file system: cannot bind-mount (needs root in a privileged container)"
fi

# a failed import never leaves a new empty store
run_cr import --db "$WORK/fresh.db" "$WORK/renamed.csv"
check_eq "failed import into a new store: exit 65" "$RC" 65
check_eq "failed import into a new store: no store left" "$(ls "$WORK" | grep -c '^fresh\.db')" 0

# ---------- 6. smaller ----------
mkdir -p "$WORK/o6"
: >"$WORK/o6/NO-NORDLYS"
run_cr render --db "$DB" --template "$TPL" --account NO-NORDLYS --period 2026-Q3 --out "$WORK/o6"
check_eq "regular file at OUT/<account>: exit 73" "$RC" 73
check_contains "regular file at OUT/<account>: called a regular file" "$ERR" "o6/NO-NORDLYS: it is a regular file"
mkdir -p "$WORK/o7" "$WORK/elsewhere"
ln -s "$WORK/elsewhere" "$WORK/o7/NO-NORDLYS"
run_cr render --db "$DB" --template "$TPL" --account NO-NORDLYS --period 2026-Q3 --out "$WORK/o7"
check_eq "symbolic link at OUT/<account>: exit 73" "$RC" 73
check_contains "symbolic link at OUT/<account>: called a link" "$ERR" "it is a symbolic link"
check_eq "symbolic link at OUT/<account>: nothing written through it" "$(ls -A "$WORK/elsewhere" | wc -l)" 0
# --out itself is the operator's path and is followed like any path on a
# command line (README "Rendering"); what csmreport makes under it never is.
mkdir -p "$WORK/real-out"
ln -s "$WORK/real-out" "$WORK/linked-out"
run_cr render --db "$DB" --template "$TPL" --account NO-NORDLYS --period 2026-Q3 --out "$WORK/linked-out/q3"
check_eq "--out through a symbolic link: exit 0" "$RC" 0
check_eq "--out through a symbolic link: written in its target" "$(ls "$WORK/real-out/q3/NO-NORDLYS" | wc -l)" 2

# a full disk: no libxlsxwriter lines, one error, and the account's files
# together: room for the PDF and a little, so the PDF fits and its workbook
# does not; the PDF must not be published alone.
run_cr render --db "$DB" --template "$TPL" --account NO-NORDLYS --period 2026-Q3 --out "$WORK/pdfsize" --pdf
pdf_kb=$(( $(wc -c <"$WORK/pdfsize/NO-NORDLYS/NO-NORDLYS_qbr_2026-Q3.pdf") / 1024 + 1 ))
mkdir -p "$WORK/full"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=$((pdf_kb + 16))k tmpfs "$WORK/full" 2>/dev/null; then
    run_cr render --db "$DB" --template "$TPL" --account NO-NORDLYS --period 2026-Q3 --out "$WORK/full"
    check_eq "full disk: exit 74" "$RC" 74
    check_eq "full disk: no libxlsxwriter lines" "$(printf '%s\n' "$ERR" | grep -c '^\[')" 0
    check_eq "full disk: one error line" "$(printf '%s\n' "$ERR" | grep -c .)" 1
    check_contains "full disk: says no space" "$ERR" "NO-NORDLYS_qbr_2026-Q3.xlsx: no space left on device"
    check_eq "full disk: the PDF is not published without its workbook" "$(ls -A "$WORK/full/NO-NORDLYS")" ""
    # the same with last quarter's pair in place: both stay as they were
    umount "$WORK/full"
    mount -t tmpfs -o size=$((2 * pdf_kb + 16))k tmpfs "$WORK/full"
    run_cr render --db "$DB" --template "$TPL" --account NO-NORDLYS --period 2026-Q3 --out "$WORK/full" --pdf
    sum=$(md5sum "$WORK/full/NO-NORDLYS/NO-NORDLYS_qbr_2026-Q3.pdf" | cut -d' ' -f1)
    sqlite3 "$WORK/ctl.db" "UPDATE accounts SET csm_name = 'Other' WHERE account_id = 'NO-NORDLYS'"
    run_cr render --db "$WORK/ctl.db" --template "$TPL" --account NO-NORDLYS --period 2026-Q3 --out "$WORK/full"
    check_eq "full disk, previous PDF there: exit 74" "$RC" 74
    check_eq "full disk, previous PDF there: intact" \
        "$(md5sum "$WORK/full/NO-NORDLYS/NO-NORDLYS_qbr_2026-Q3.pdf" | cut -d' ' -f1)" "$sum"
    check_eq "full disk, previous PDF there: no workbook, no temporary file" \
        "$(ls -A "$WORK/full/NO-NORDLYS")" "NO-NORDLYS_qbr_2026-Q3.pdf"
    umount "$WORK/full"
else
    echo "SKIP full disk: cannot mount a small tmpfs (needs root in a privileged container)"
fi
exit 0
