#!/bin/sh
# workbook.sh - the XLSX writer read back by an independent reader: the sample
# workbook of tests/unit/test_workbook.c (cells of every format, formula-looking
# strings, a 40,000-character string, sheet names to repair, conditional
# formats, each kind of chart) opened with openpyxl and its zip parts parsed
# with xml.etree; reproducible bytes with SOURCE_DATE_EPOCH; a workbook in
# constant-memory mode; a streamed sheet of 250,000 rows (rows, formats,
# autofilter and conditional format over all of them, frozen header);
# LibreOffice's CSV export when soffice is installed.
. "$(dirname "$0")/lib.sh"
TW="${BUILD:-build}/tests/test_workbook"
if [ ! -x "$TW" ]; then
    fail workbook-program "$TW is missing (make build/tests/test_workbook)"
    exit 1
fi

SOURCE_DATE_EPOCH=1700000000 "$TW" sample "$WORK/a.xlsx" 2>"$WORK/a.err"
check_eq sample-written "$?" 0
check_eq sample-quiet "$(cat "$WORK/a.err")" ""
sleep 1
SOURCE_DATE_EPOCH=1700000000 "$TW" sample "$WORK/b.xlsx"
if cmp -s "$WORK/a.xlsx" "$WORK/b.xlsx"; then pass reproducible-bytes; else fail reproducible-bytes "two runs differ"; fi
check_eq no-temporary-files "$(ls -A "$WORK" | grep -c '^\.')" 0

$PY - "$WORK/a.xlsx" <<'EOF'
import datetime, re, sys, zipfile
import xml.etree.ElementTree as ET
import openpyxl

path = sys.argv[1]
def check(name, ok, why=""):
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)))
def eq(name, got, want):
    check(name, got == want, "got %r, want %r" % (got, want))

# every XML part well formed
z = zipfile.ZipFile(path)
bad = []
for n in z.namelist():
    if n.endswith(".xml") or n.endswith(".rels"):
        try:
            ET.fromstring(z.read(n))
        except ET.ParseError as e:
            bad.append("%s: %s" % (n, e))
eq("xml-parts-well-formed", bad, [])

wb = openpyxl.load_workbook(path)
# 'Q3: [draft]/final*?' twice, '', a 47-character name, 'history', "'quoted'"
eq("sheet-names", wb.sheetnames, ["Q3 draft final", "Q3 draft final~2", "Sheet 3",
                                  "A very long sheet name that Exc", "history~2", "quoted"])
eq("sheet-names-unique", len(set(n.lower() for n in wb.sheetnames)), len(wb.sheetnames))
check("sheet-names-valid", all(0 < len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n)
                               for n in wb.sheetnames), wb.sheetnames)

ws = wb.worksheets[0]
eq("title-row", ws["A1"].value, "Fleet review")
eq("header-row", [c.value for c in ws[2]][:8],
   ["Name", "Rate", "Charge EUR", "Charge JPY", "Date", "Devices", "Hours", "Ratio"])
eq("header-bold", ws["A2"].font.b, True)
check("header-fill", ws["A2"].fill.fgColor.rgb.endswith("D9E1F2"), ws["A2"].fill.fgColor.rgb)
eq("header-border", ws["A2"].border.bottom.style, "thin")

# formula-looking strings stay strings
for cell, want in (("A4", '=HYPERLINK("http://x")'), ("A5", "@SUM(A1)"), ("A6", "+1"),
                   ("A8", "_x0041_")):
    eq("string-%s-value" % cell, ws[cell].value, want)
    eq("string-%s-type" % cell, ws[cell].data_type, "s")
raw = z.read("xl/worksheets/sheet1.xml").decode()
check("no-formula-elements", "<f>" not in raw and "<f " not in raw, "a <f> element in sheet1")
check("no-hyperlinks", "hyperlink" not in raw.lower() and not any("hyperlink" in n for n in z.namelist()),
      "a hyperlink part")
# the long string: 32,767 characters, the last an ellipsis
v = ws["A7"].value
eq("long-string-length", len(v), 32767)
eq("long-string-ellipsis", v[-1], "\u2026")
eq("long-string-prefix", v[:-1], "x" * 32766)

# numbers are numbers, with the column's format
rows = {
    "B3": (0.062, "0.0%"), "C3": (1350.5, '"EUR" #,##0.00'), "D3": (135000, '"JPY" #,##0'),
    "F4": (3, "#,##0"), "G4": (2.5, "0.00"), "H4": (3.14159, "#,##0.000"), "C6": (1050.5, '"EUR" #,##0.00'),
}
for cell, (value, fmt) in rows.items():
    eq("number-%s" % cell, (ws[cell].data_type, ws[cell].value), ("n", value))
    eq("format-%s" % cell, ws[cell].number_format, fmt)
# dates are real dates: serial numbers with a date format
eq("date-E3", ws["E3"].value, datetime.datetime(2026, 11, 22))
eq("date-E4-1900", ws["E4"].value, datetime.datetime(1900, 1, 1))
eq("date-E5-march-1900", ws["E5"].value, datetime.datetime(1900, 3, 1))
eq("date-E7-leap-day", ws["E7"].value, datetime.datetime(2024, 2, 29))
eq("date-format", ws["E3"].number_format, "yyyy-mm-dd")
eq("not-a-date-is-text", (ws["E6"].value, ws["E6"].data_type), ("not a date", "s"))
eq("nan-is-empty", ws["H8"].value, None)
# raw serials: 2026-11-22 is 46348 days after 1899-12-30, 1900-01-01 is 1, 1900-03-01 is 61
serials = re.findall(r'<c r="E([345])"[^>]*><v>([^<]*)</v>', raw)
eq("date-serials", serials, [("3", "46348"), ("4", "1"), ("5", "61")])

eq("freeze-panes", ws.freeze_panes, "A3")
eq("autofilter", ws.auto_filter.ref, "A2:H8")
rules = [(str(cf.sqref), r.operator, r.formula[0]) for cf in ws.conditional_formatting for r in cf.rules]
eq("conditional-formats", sorted(str(x) for x in rules),
   sorted(str(x) for x in [("B3:B8", "greaterThan", "0.05"), ("B3:B8", "lessThanOrEqual", "0.05")]))
fills = [r.dxf.fill.bgColor.rgb[-6:] for cf in ws.conditional_formatting for r in cf.rules]
eq("conditional-fills", sorted(fills), ["C6EFCE", "FFC7CE"])
# widths fitted: the long text capped, "Charge EUR" wider than "Rate"
w = {k: round(v.width) for k, v in ws.column_dimensions.items()}
check("width-capped", 55 <= w.get("A", 0) <= 62, w)
check("width-fitted", w.get("C", 0) > w.get("B", 99) and w.get("B", 0) >= 6, w)
eq("threshold-helper", (ws["J2"].value, ws["J3"].value, ws["J8"].value, ws["J3"].number_format),
   ("Threshold 5%", 0.05, 0.05, "0.0%"))

ws2 = wb.worksheets[1]
eq("sheet2-freeze", ws2.freeze_panes, "A2")
eq("sheet2-histogram-bins", [(ws2.cell(r, 7).value, ws2.cell(r, 8).value) for r in range(2, 5)],
   [("0\u20132", 1), ("2\u20134", 1), ("4\u20136", 1)])
v = wb.worksheets[5]["A2"].value
eq("cjk-string-kept", (len(v), v[:2]), (20000, "\u65e5\u65e5"))
eq("sheet3-empty-autofilter", wb.worksheets[2].auto_filter.ref, "A1:B1")

# charts: count per sheet, type, and the series' <c:f> ranges
eq("chart-count-sheet1", len(ws._charts), 3)
eq("chart-count-sheet2", len(ws2._charts), 3)
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
charts = {}
for n in sorted(z.namelist()):
    m = re.match(r"xl/charts/chart(\d+)\.xml$", n)
    if not m:
        continue
    root = ET.fromstring(z.read(n))
    plot = root.find(C + "chart/" + C + "plotArea")
    kinds = [el.tag[len(C):] for el in plot if el.tag.endswith("Chart")]
    series = []
    for ser in plot.iter(C + "ser"):
        cat = ser.find(C + "cat//" + C + "f")
        val = ser.find(C + "val//" + C + "f")
        series.append((cat.text if cat is not None else None, val.text if val is not None else None))
    grouping = plot.find(".//" + C + "grouping")
    bar_dir = plot.find(".//" + C + "barDir")
    charts[int(m.group(1))] = (kinds, series, grouping.get("val") if grouping is not None else None,
                               bar_dir.get("val") if bar_dir is not None else None)
eq("chart-parts", len(charts), 6)
S1, S2 = "'Q3 draft final'!", "'Q3 draft final~2'!"
eq("chart-bar", charts[1], (["barChart"], [(S1 + "$A$3:$A$8", S1 + "$F$3:$F$8")], "clustered", "col"))
eq("chart-line-threshold", charts[2], (["lineChart"], [(S1 + "$E$3:$E$8", S1 + "$B$3:$B$8"),
                                                       (S1 + "$E$3:$E$8", S1 + "$J$3:$J$8")], "standard", None))
eq("chart-doughnut", charts[3], (["doughnutChart"], [(S1 + "$A$3:$A$8", S1 + "$F$3:$F$8")], None, None))
eq("chart-stacked", charts[4], (["barChart"], [(S2 + "$A$2:$A$4", S2 + "$B$2:$B$4"),
                                               (S2 + "$A$2:$A$4", S2 + "$C$2:$C$4")], "stacked", "col"))
eq("chart-histogram", charts[5], (["barChart"], [(S2 + "$G$2:$G$4", S2 + "$H$2:$H$4")], "clustered", "col"))
eq("chart-bullet", charts[6], (["barChart"], [(S2 + "$A$2:$A$4", S2 + "$B$2:$B$4"),
                                              (S2 + "$A$2:$A$4", S2 + "$C$2:$C$4"),
                                              (S2 + "$A$2:$A$4", S2 + "$D$2:$D$4")], "clustered", "bar"))
x2 = z.read("xl/charts/chart2.xml").decode()
check("chart-titles", "<a:t>RMA rate</a:t>" in x2, "title missing")
check("series-names", "<c:v>Rate</c:v>" in x2 and "<c:v>Threshold 5%</c:v>" in x2, "series names")
check("marker-label-literal", "\u200b=true-up" in x2, "event label not kept as text")
check("title-equals-literal", "<c:f>Share</c:f>" not in z.read("xl/charts/chart3.xml").decode(),
      "a title starting with '=' became a reference")
check("bar-marker-label", "<a:t>peak</a:t>" in z.read("xl/charts/chart1.xml").decode(), "marker label missing")
check("threshold-dashed", 'prstDash val="dash"' in x2, "no dashed threshold")
anchor = z.read("xl/drawings/drawing1.xml").decode()
check("chart-anchor-K2", "<xdr:col>10</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row>" in anchor,
      "first chart not at K2")

p = wb.properties
eq("properties", (p.title, p.subject, p.creator, p.keywords), ("Quarterly review", "ACME 2026-Q3", "csmreport", "qbr, fleet"))
eq("created", p.created, datetime.datetime(2023, 11, 14, 22, 13, 20))
app = z.read("docProps/app.xml").decode()
check("company", "<Company>Poly Services</Company>" in app, "company missing")
EOF

# constant-memory mode: 200,001 rows
"$TW" big "$WORK/big.xlsx" 200001
check_eq big-written "$?" 0
$PY - "$WORK/big.xlsx" <<'EOF'
import sys, zipfile
import openpyxl
path = sys.argv[1]
def eq(name, got, want):
    print(("PASS %s" % name) if got == want else ("FAIL %s: got %r, want %r" % (name, got, want)))
z = zipfile.ZipFile(path)
raw = z.open("xl/worksheets/sheet1.xml").read(4000).decode()
eq("big-inline-strings", 't="inlineStr"' in raw, True)   # constant memory writes strings inline
eq("big-no-shared-strings", "xl/sharedStrings.xml" in z.namelist(), False)
wb = openpyxl.load_workbook(path, read_only=True)
ws = wb.worksheets[0]
eq("big-dimensions", ws.max_row, 200002)
rows = list(ws.iter_rows(min_row=1, max_row=3, values_only=True))
eq("big-header", rows[0], ("date", "account_id", "serial", "calls", "call_minutes", "meetings"))
eq("big-row1", rows[1], ("2026-01-01", "A0000", "SN00000000", 0, 0, 0))
last = list(ws.iter_rows(min_row=200002, max_row=200002, values_only=True))[0]
# row index 200000: 200000 % 12 = 8, % 28 = 24, % 500 = 0, % 120 = 80, % 900 = 200, % 25 = 0
eq("big-last-row", last, ("2026-09-25", "A0000", "SN00200000", 80, 200, 0))
wb.close()
EOF

# a streamed sheet: 250,000 rows pulled from a cr_row_source, with a title row,
# a date and a percent column, empty cells, a conditional format, an autofilter
# and a frozen header
"$TW" stream "$WORK/stream.xlsx" 250000
check_eq stream-written "$?" 0
check_eq stream-no-temporary-files "$(ls -A "$WORK" | grep -c '^\.')" 0
$PY - "$WORK/stream.xlsx" <<'EOF'
import datetime, re, sys, zipfile
import openpyxl
path = sys.argv[1]
def eq(name, got, want):
    print(("PASS %s" % name) if got == want else ("FAIL %s: got %r, want %r" % (name, got, want)))
z = zipfile.ZipFile(path)
raw = z.read("xl/worksheets/sheet1.xml").decode()
eq("stream-inline-strings", 't="inlineStr"' in raw[:20000], True)
eq("stream-no-shared-strings", "xl/sharedStrings.xml" in z.namelist(), False)
tail = raw[-4000:]
m = re.search(r'<autoFilter ref="([^"]+)"', tail)
eq("stream-autofilter-all-rows", m.group(1) if m else None, "A2:F250002")
m = re.search(r'<conditionalFormatting sqref="([^"]+)"><cfRule type="cellIs" dxfId="\d+" priority="\d+" operator="([a-zA-Z]+)"><formula>([^<]+)</formula>', tail)
eq("stream-conditional", m.groups() if m else None, ("F3:F250002", "greaterThan", "0.2"))
head = raw[:4000]
m = re.search(r'<pane ySplit="(\d+)" topLeftCell="([A-Z0-9]+)"', head)
eq("stream-frozen-header", m.groups() if m else None, ("2", "A3"))
widths = re.findall(r'<col min="(\d+)" max="\d+" width="([0-9.]+)"', head)
eq("stream-widths-fitted", len(widths), 6)

wb = openpyxl.load_workbook(path, read_only=True)
ws = wb.worksheets[0]
eq("stream-max-row", ws.max_row, 250002)
top = list(ws.iter_rows(min_row=1, max_row=4))
eq("stream-title", top[0][0].value, "Usage")
eq("stream-header", tuple(c.value for c in top[1]), ("date", "account_id", "serial", "calls", "call_minutes", "rate"))
eq("stream-row1", tuple(c.value for c in top[2]),
   (datetime.datetime(2026, 1, 1), "A0000", "SN00000000", 0, 0, 0))
eq("stream-formats", tuple(c.number_format for c in top[2]),
   ("yyyy-mm-dd", "General", "General", "#,##0", "#,##0", "0.0%"))
count = 0
empty = 0
last = None
for row in ws.iter_rows(min_row=3, values_only=True):
    count += 1
    empty += row[4] is None
    last = row
eq("stream-row-count", count, 250000)
eq("stream-empty-cells", empty, len([i for i in range(250000) if i % 7 == 3]))
# row index 249999: month 249999 % 12 + 1 = 4, day 249999 % 28 + 1 = 16
eq("stream-last-row", last, (datetime.datetime(2026, 4, 16), "A0499", "SN00249999", 39, 699, 0.24))
wb.close()
EOF

# LibreOffice headless (installed by .ci/install-deps) converts the workbook to CSV.
if command -v soffice >/dev/null 2>&1; then
    (cd "$WORK" && HOME="$WORK" soffice --headless --convert-to csv --outdir "$WORK/csv" "$WORK/a.xlsx" >/dev/null 2>&1)
    if [ -f "$WORK/csv/a.csv" ]; then
        row=$(sed -n 4p "$WORK/csv/a.csv")
        check_contains soffice-formula-text "$row" '=HYPERLINK(""http://x"")'
        check_contains soffice-percent "$(sed -n 3p "$WORK/csv/a.csv")" "6.2%"
    else
        fail soffice-convert "no CSV from soffice"
    fi
else
    fail soffice-csv "LibreOffice (soffice) is not installed: .ci/install-deps installs libreoffice-calc-nogui"
fi
