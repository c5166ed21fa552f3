# import_xlsx.sh - .xlsx workbooks import exactly as their CSV exports do, with
# the same checks, positions (FILE:Sheet1!C7), whole-file-or-nothing and
# rejects; hostile archives and other binary files are refused saying what they
# are (SPEC sections 3 and 9).
#
# Workbooks come from two independent writers: LibreOffice headless converts
# samples/devices.csv and tickets.csv (its CSV import turns dates and times into
# date cells), and tests/data/xlsx/make_books.py writes the others with openpyxl
# (date cells with custom formats, numbers, booleans, two sheets) or part by
# part with zipfile (a zip bomb). Store rows are compared with sqlite3 against
# the same data imported from CSV.
. "${TOP:-.}/tests/e2e/lib.sh"

S=$TOP/samples
G=$WORK/books
mkdir -p "$G"
if ! "$PY" "$TOP/tests/data/xlsx/make_books.py" "$G" "$S" >"$WORK/make.log" 2>&1; then
    fail "xlsx fixtures" "make_books.py: $(head -c 400 "$WORK/make.log")"
    exit 0
fi

# rows DB TABLE: every row of TABLE in key order
rows() {
    sqlite3 -readonly "$1" "SELECT * FROM $2 ORDER BY 1,2,3"
}

REF=$WORK/ref.db
run_cr import --db "$REF" --quiet "$S/partners.csv" "$S/accounts.csv" "$S/catalog.csv" \
    "$S/firmware.csv" "$S/holidays.csv"
check_eq "reference data imports" "$RC" 0
BASE=$WORK/base.db
cp "$REF" "$BASE"
run_cr import --db "$REF" --quiet "$S/devices.csv" "$S/tickets.csv" "$S/usage.csv"
check_eq "CSV exports import" "$RC" 0

# ---------- LibreOffice: the samples converted ----------
if ! command -v soffice >/dev/null 2>&1; then
    fail "xlsx soffice" "LibreOffice (soffice) is not installed: .ci/install-deps installs libreoffice-calc-nogui"
else
    mkdir -p "$WORK/lo-in" "$WORK/lo-out"
    cp "$S/devices.csv" "$S/tickets.csv" "$WORK/lo-in/"
    # UTF-8, comma, quote; column 5 (firmware) as text: LibreOffice would make
    # 1.60 the number 1.6 (as Excel does), which no reader can undo.
    (cd "$WORK" && HOME="$WORK" soffice -env:UserInstallation="file://$WORK/lo" --headless \
        --infilter="CSV:44,34,76,1,5/2" --convert-to xlsx --outdir "$WORK/lo-out" \
        "$WORK/lo-in/devices.csv" "$WORK/lo-in/tickets.csv" >"$WORK/lo.log" 2>&1)
    if [ ! -f "$WORK/lo-out/devices.xlsx" ] || [ ! -f "$WORK/lo-out/tickets.xlsx" ]; then
        fail "xlsx soffice" "no xlsx from soffice: $(head -c 300 "$WORK/lo.log")"
    else
        # the converted sheets really hold date cells and shared strings
        "$PY" - "$WORK/lo-out/devices.xlsx" "$WORK/lo-out/tickets.xlsx" >"$WORK/lo-kinds" <<'PYEOF'
import datetime, sys, zipfile
import openpyxl
d = openpyxl.load_workbook(sys.argv[1]).active
t = openpyxl.load_workbook(sys.argv[2]).active
print(type(d["A2"].value).__name__, type(t["H2"].value).__name__,
      "xl/sharedStrings.xml" in zipfile.ZipFile(sys.argv[1]).namelist())
PYEOF
        check_eq "soffice wrote date cells and shared strings" "$(cat "$WORK/lo-kinds")" "datetime datetime True"
        DB=$WORK/lo.db
        cp "$BASE" "$DB"
        run_cr import --db "$DB" --quiet "$WORK/lo-out/devices.xlsx" "$WORK/lo-out/tickets.xlsx"
        check_eq "soffice devices.xlsx and tickets.xlsx import" "$RC:$ERR" "0:"
        for t in devices tickets; do
            check_eq "soffice $t.xlsx: the same $t rows as $t.csv ($(rows "$REF" $t | wc -l) rows)" \
                "$(rows "$DB" $t | md5sum)" "$(rows "$REF" $t | md5sum)"
        done
        check_eq "soffice: the import log names the workbooks" \
            "$(sqlite3 "$DB" "SELECT kind || ':' || rows_read FROM import_log WHERE file LIKE '%.xlsx' ORDER BY id")" \
            "$(printf 'devices:%s\ntickets:%s' "$(($(wc -l <"$S/devices.csv") - 1))" "$(($(wc -l <"$S/tickets.csv") - 1))")"
        # Re-importing the same workbook changes nothing.
        before=$(db_digest "$DB")
        run_cr import --db "$DB" --quiet "$WORK/lo-out/devices.xlsx"
        check_eq "soffice devices.xlsx again: no change" "$RC:$(db_digest "$DB")" "0:$before"

        # A truncated workbook: exit 65, says so, nothing imported.
        head -c 12000 "$WORK/lo-out/devices.xlsx" >"$WORK/cut.xlsx"
        cp "$BASE" "$WORK/cut.db"
        run_cr import --db "$WORK/cut.db" "$WORK/cut.xlsx"
        check_eq "truncated workbook: exit 65" "$RC" 65
        check_contains "truncated workbook: says so" "$ERR" "cut.xlsx: truncated or damaged .xlsx workbook"
        check_eq "truncated workbook: nothing imported" "$(db_digest "$WORK/cut.db")" "$(db_digest "$BASE")"
    fi
fi

# ---------- openpyxl: two sheets, numbers, date cells in custom formats ----------
DB=$WORK/py.db
cp "$BASE" "$DB"
run_cr import --db "$DB" --quiet "$G/exports.xlsx"
check_eq "exports.xlsx: the first sheet (Usage) imports" "$RC:$ERR" "0:"
check_eq "exports.xlsx: kind usage from the first sheet's header" \
    "$(sqlite3 "$DB" "SELECT kind FROM import_log ORDER BY id DESC LIMIT 1")" "usage"
check_eq "exports.xlsx Usage (dd/mm/yyyy date cells, numbers): the same usage rows as usage.csv" \
    "$(rows "$DB" usage | md5sum)" "$(rows "$REF" usage | md5sum)"
run_cr import --db "$DB" --quiet --sheet Tickets "$G/exports.xlsx"
check_eq "exports.xlsx --sheet Tickets imports" "$RC:$ERR" "0:"
check_eq "exports.xlsx Tickets (dd.mm.yyyy hh:mm cells): the same ticket rows as tickets.csv" \
    "$(rows "$DB" tickets | md5sum)" "$(rows "$REF" tickets | md5sum)"
run_cr import --db "$DB" --sheet Nope "$G/exports.xlsx"
check_eq "--sheet Nope: exit 65" "$RC" 65
check_contains "--sheet Nope: lists the sheets" "$ERR" "exports.xlsx: no sheet named 'Nope' (the sheets: 'Usage', 'Tickets')"

# Profiles apply as for CSV: the Lens profile maps booleans (TRUE/FALSE) to a
# status; the bank-holiday profile's day-first format is for the CSV, a date
# cell is a date whatever it shows.
for p in lens ukbank; do
    case $p in
        lens) prof=$S/profiles/poly-lens-devices.xml t=devices
            set -- --account NO-NORDLYS --snapshot-date 2026-09-28 ;;
        ukbank) prof=$S/profiles/uk-bank-holidays.xml t=holidays
            set -- ;;
    esac
    rm -f "$WORK/$p-x.db" "$WORK/$p-c.db"
    run_cr import --db "$WORK/$p-x.db" --quiet --profile "$prof" "$@" "$G/$p.xlsx"
    check_eq "$p.xlsx with profile $(basename "$prof") imports" "$RC:$ERR" "0:"
    run_cr import --db "$WORK/$p-c.db" --quiet --profile "$prof" "$@" "$G/$p.csv"
    check_eq "$p.csv with profile $(basename "$prof") imports" "$RC:$ERR" "0:"
    check_eq "$p: the same $t rows from the workbook as from the CSV" \
        "$(rows "$WORK/$p-x.db" $t | md5sum)" "$(rows "$WORK/$p-c.db" $t | md5sum)"
done
check_eq "lens.xlsx: booleans mapped to status" \
    "$(sqlite3 "$WORK/lens-x.db" "SELECT group_concat(serial || '=' || status, ' ') FROM (SELECT * FROM devices ORDER BY serial)")" \
    "LX001=online LX002=offline LX003=online"
check_eq "ukbank.xlsx: date cells are dates" \
    "$(sqlite3 "$WORK/ukbank-x.db" "SELECT group_concat(date, ' ') FROM (SELECT date FROM holidays ORDER BY date)")" \
    "2026-01-01 2026-04-03 2029-12-25"

# ---------- bad cells: positions as Excel writes them, whole file or nothing ----------
DB=$WORK/bad.db
cp "$BASE" "$DB"
run_cr import --db "$DB" "$G/bad.xlsx"
check_eq "bad.xlsx: exit 65" "$RC" 65
check_contains "bad.xlsx: the cell's position Data!C7" "$ERR" "csmreport: $G/bad.xlsx:Data!C7: program: unknown program 'platinum'"
check_eq "bad.xlsx: nothing imported" "$(db_digest "$DB")" "$(db_digest "$BASE")"
run_cr import --db "$DB" "$G/dup.xlsx"
check_eq "dup.xlsx: exit 65" "$RC" 65
check_contains "dup.xlsx: the duplicate's row and the first one's" "$ERR" \
    "csmreport: $G/dup.xlsx:Data!A5: duplicate key: same account_id as row 3"
run_cr import --db "$DB" --skip-bad-rows "$G/bad.xlsx"
check_eq "bad.xlsx --skip-bad-rows: exit 0" "$RC" 0
check_contains "bad.xlsx --skip-bad-rows: the warning names the rejects file" "$ERR" "bad.xlsx.rejected.csv"
check_eq "bad.xlsx --skip-bad-rows: the good rows imported" \
    "$(sqlite3 "$DB" "SELECT group_concat(account_id, ' ') FROM (SELECT account_id FROM accounts WHERE account_id LIKE 'X%' ORDER BY 1)")" \
    "X1 X2 X3 X4 X5"
check_eq "bad.xlsx --skip-bad-rows: the rejected row as CSV with its reason" \
    "$(sed -n 2p "$G/bad.xlsx.rejected.csv" | cut -c1-62)" \
    "X6,Xlsx 6,platinum,2026-01-01,2026-12-31,Europe/Oslo,\"program:"

# usage: duplicates found while merging the sorted rows, rejects from a second
# reading of the sheet
run_cr import --db "$DB" "$G/udup.xlsx"
check_contains "udup.xlsx: the duplicate's cell and the first row" "$ERR" \
    "csmreport: $G/udup.xlsx:Sheet!A4: duplicate key: same date, serial as row 2"
run_cr import --db "$DB" --skip-bad-rows "$G/udup.xlsx"
check_eq "udup.xlsx --skip-bad-rows: exit 0" "$RC" 0
check_eq "udup.xlsx --skip-bad-rows: the later row rejected" "$(sed -n 2p "$G/udup.xlsx.rejected.csv" | tr -d "\r")" \
    "2026-07-01,A1,S1,4,5,6,\"duplicate key: same date, serial as row 2\""
check_eq "udup.xlsx --skip-bad-rows: the first two rows imported" \
    "$(sqlite3 "$DB" "SELECT group_concat(date || '/' || calls, ' ') FROM (SELECT * FROM usage WHERE account_id = 'A1' ORDER BY date)")" \
    "2026-07-01/1 2026-07-02/1"

# ---------- hostile and other binary files ----------
# refuse NAME FILE MESSAGE: exit 65, the message, never "nul byte", no change
refuse() {
    cp "$BASE" "$WORK/r.db"
    run_cr import --db "$WORK/r.db" "$2"
    check_eq "$1: exit 65" "$RC" 65
    check_contains "$1: says what it is" "$ERR" "csmreport: $2: $3"
    case $ERR in *"nul byte"* | *"NUL"*) fail "$1: no nul-byte message" "$ERR" ;; *) pass "$1: no nul-byte message" ;; esac
    check_eq "$1: nothing imported" "$(db_digest "$WORK/r.db")" "$(db_digest "$BASE")"
}
refuse "zip bomb" "$G/bomb.xlsx" "part xl/worksheets/sheet1.xml expands"
check_contains "zip bomb: named so" "$ERR" "zip bomb"
refuse "zip headers that lie about the size" "$G/liar.xlsx" "part xl/worksheets/sheet1.xml expands beyond its stated size"
refuse "zip of a CSV" "$G/notbook.zip" "file is a zip archive, not a CSV export or an .xlsx workbook"
printf '%%PDF-1.4\n%%\342\343\317\323\n1 0 obj\n' >"$WORK/report.pdf"
refuse "PDF" "$WORK/report.pdf" "file is a PDF document"
printf '\320\317\021\340\241\261\032\341\000\000\000\000' >"$WORK/old.xls"
refuse "legacy .xls" "$WORK/old.xls" "file is a legacy Excel .xls workbook"
gzip -c "$S/usage.csv" >"$WORK/usage.csv.gz"
refuse "gzip" "$WORK/usage.csv.gz" "file is gzip-compressed: decompress it first"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR' >"$WORK/chart.png"
refuse "PNG" "$WORK/chart.png" "file is a PNG image"
# A CSV with a NUL byte is still the CSV reader's to report, with its position.
printf 'date,account_id,serial,calls,call_minutes,meetings\n2026-07-01,A1,S\000,1,2,3\n' >"$WORK/nul.csv"
run_cr import --db "$WORK/r.db" "$WORK/nul.csv"
check_contains "a text file with a NUL: still the CSV reader's position" "$ERR" "nul.csv:2:16: nul byte"
exit 0
