#!/usr/bin/python3
"""make_books.py OUTDIR SAMPLES - the .xlsx fixtures of tests/e2e/import_xlsx.sh,
written with openpyxl (as a user's script or a reporting tool would) or, for
the hostile ones, part by part with zipfile.

  exports.xlsx   sheet "Usage" (first) from usage.csv: counts as numbers, the
                 date as a date cell shown dd/mm/yyyy; sheet "Tickets" from
                 tickets.csv: times as date-time cells shown dd.mm.yyyy hh:mm,
                 text as shared strings.
  lens.xlsx      a Poly Lens shaped inventory (connected as booleans) and
  lens.csv       the same rows as the CSV export would have them.
  ukbank.xlsx    UK bank holidays with date cells shown dd/mm/yy, and
  ukbank.csv     the same as the uk-bank-holidays profile's CSV has them.
  bad.xlsx       sheet "Data", accounts, with the program "platinum" in C7.
  dup.xlsx       sheet "Data", accounts, row 5 repeating row 3's account_id.
  udup.xlsx      usage, row 4 repeating row 2's date and serial.
  bomb.xlsx      a sheet part of 40 MiB of blanks (compresses ~1000 times).
  liar.xlsx      a sheet part of 2 MiB whose zip headers say 1000 bytes.
  notbook.zip    a zip holding a CSV file.
"""
import csv
import datetime
import os
import sys
import zipfile

import openpyxl

out, samples = sys.argv[1], sys.argv[2]


def rows_of(name):
    with open(os.path.join(samples, name), newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def as_datetime(text):
    """A naive local time becomes a date-time cell; one with a zone (Z) stays
    text, as a cell cannot hold a zone."""
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        return text or None


wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Usage"
usage = rows_of("usage.csv")
ws.append(usage[0])
for r in usage[1:]:
    ws.append([datetime.datetime.strptime(r[0], "%Y-%m-%d")] + r[1:3] + [int(v) for v in r[3:]])
    ws.cell(row=ws.max_row, column=1).number_format = "dd/mm/yyyy"
tickets = rows_of("tickets.csv")
ws = wb.create_sheet("Tickets")
head = tickets[0]
times = {i for i, h in enumerate(head) if h.endswith("_at")}
ws.append(head)
for r in tickets[1:]:
    ws.append([as_datetime(v) if i in times else (v or None) for i, v in enumerate(r)])
    for i in times:
        if isinstance(ws.cell(row=ws.max_row, column=i + 1).value, datetime.datetime):
            ws.cell(row=ws.max_row, column=i + 1).number_format = "dd.mm.yyyy hh:mm"
wb.save(os.path.join(out, "exports.xlsx"))

# A Lens export as a user opens and saves it: booleans, text everywhere else.
lens_head = ["serial_number", "mac_address", "device_model", "room_name", "site_name",
             "softwareVersion", "connected", "lastDetected"]
lens_rows = [
    ["LX001", "00:11:22:33:44:01", "Studio X50", "Fjord", "Bergen", "4.0.2.0002", True, "2026-09-28T14:03:11Z"],
    ["LX002", "00:11:22:33:44:02", "Voyager Focus 2 UC", "", "Bergen", "1.60", False, "2026-09-01T08:00:00Z"],
    ["LX003", "00:11:22:33:44:03", "CCX 400", "Resepsjon", "Oslo", "10.0.0.1234", True, "2026-09-28T13:59:59Z"],
]
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Devices"
ws.append(lens_head)
for r in lens_rows:
    ws.append(r)
wb.save(os.path.join(out, "lens.xlsx"))
with open(os.path.join(out, "lens.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(lens_head)
    for r in lens_rows:
        w.writerow([("TRUE" if v else "FALSE") if isinstance(v, bool) else v for v in r])

# UK bank holidays as the profile's CSV has them (day-first, two-digit year)
# and as a workbook: date cells, shown as the CSV wrote them.
bank = [("New Year's Day", datetime.date(2026, 1, 1)), ("Good Friday", datetime.date(2026, 4, 3)),
        ("Christmas Day", datetime.date(2029, 12, 25))]
with open(os.path.join(out, "ukbank.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["holiday_name", "date"])
    for name, d in bank:
        w.writerow([name, d.strftime("%d/%m/%y")])
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["holiday_name", "date"])
for name, d in bank:
    ws.append([name, d])
    ws.cell(row=ws.max_row, column=2).number_format = "dd/mm/yy"
wb.save(os.path.join(out, "ukbank.xlsx"))

accounts_head = ["account_id", "account_name", "program", "term_start", "term_end", "timezone"]


def accounts_book(name, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(accounts_head)
    for r in rows:
        ws.append(r)
        for c in (4, 5):
            ws.cell(row=ws.max_row, column=c).number_format = "yyyy-mm-dd"
    wb.save(os.path.join(out, name))


d1, d2 = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
good = [["X%d" % i, "Xlsx %d" % i, "elite", d1, d2, "Europe/Oslo"] for i in range(1, 7)]
bad = [list(r) for r in good]
bad[5][2] = "platinum"  # row 7 (the header is row 1), column C
accounts_book("bad.xlsx", bad)
dup = [list(r) for r in good]
dup[3][0] = "X2"  # row 5 repeats row 3's account_id
accounts_book("dup.xlsx", dup)

wb = openpyxl.Workbook()
ws = wb.active
ws.append(["date", "account_id", "serial", "calls", "call_minutes", "meetings"])
for r in [(datetime.date(2026, 7, 1), "A1", "S1", 1, 2, 3), (datetime.date(2026, 7, 2), "A1", "S1", 1, 2, 3),
          (datetime.date(2026, 7, 1), "A1", "S1", 4, 5, 6)]:
    ws.append(list(r))
    ws.cell(row=ws.max_row, column=1).number_format = "yyyy-mm-dd"
wb.save(os.path.join(out, "udup.xlsx"))

# The hostile ones, part by part.
CT = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>')
WB = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
      '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WB_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
           '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
           'Target="worksheets/sheet1.xml"/></Relationships>')
with zipfile.ZipFile(os.path.join(out, "bomb.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", CT)
    z.writestr("_rels/.rels", RELS)
    z.writestr("xl/workbook.xml", WB)
    z.writestr("xl/_rels/workbook.xml.rels", WB_RELS)
    z.writestr("xl/worksheets/sheet1.xml",
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
               + " " * (40 * 1024 * 1024) + "</sheetData></worksheet>")
# The sizes in the zip headers lie: the reader must count what comes out.
liar = os.path.join(out, "liar.xlsx")
with zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", CT)
    z.writestr("_rels/.rels", RELS)
    z.writestr("xl/workbook.xml", WB)
    z.writestr("xl/_rels/workbook.xml.rels", WB_RELS)
    rows = "".join('<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, 50001))
    z.writestr("xl/worksheets/sheet1.xml",
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
               + rows + "</sheetData></worksheet>")
with zipfile.ZipFile(liar) as z:
    info = z.getinfo("xl/worksheets/sheet1.xml")
data = bytearray(open(liar, "rb").read())
assert data[info.header_offset:info.header_offset + 4] == b"PK\x03\x04"
data[info.header_offset + 22:info.header_offset + 26] = (1000).to_bytes(4, "little")
for at in range(len(data) - 46):
    if data[at:at + 4] == b"PK\x01\x02" and int.from_bytes(data[at + 42:at + 46], "little") == info.header_offset:
        data[at + 24:at + 28] = (1000).to_bytes(4, "little")
open(liar, "wb").write(bytes(data))

with zipfile.ZipFile(os.path.join(out, "notbook.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("usage.csv", "date,account_id,serial,calls,call_minutes,meetings\n")
