# partner_report.py - checks a rendered partner monthly inventory report (the
# English PDF text and the workbook) against each account's metrics JSON and
# against the store, computed here independently of csmreport.
#
# usage: partner_report.py DB PARTNER MONTH JSON_DIR PDF_TEXT XLSX
# JSON_DIR holds ACCOUNT.json, the output of `csmreport metrics --account
# ACCOUNT --period MONTH --format json`. Prints PASS/FAIL lines (tests/run.sh).
import calendar
import json
import re
import sqlite3
import sys

import openpyxl

db_path, partner, month, json_dir, text_path, xlsx_path = sys.argv[1:7]
text = open(text_path, encoding="utf-8").read()
db = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)

CATEGORY = {"headset": "Headsets", "video": "Video", "voice": "Voice",
            "infrastructure": "Infrastructure", "unknown": "Unknown model"}
DIGITS = {"JPY": 0}
NULL = "\u2013"


def check(name, ok, why=""):
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)))


def money(cur, amount):
    return "%s %s" % (cur, format(amount, ",.%df" % DIGITS.get(cur, 2)))


def integer(n):
    return format(int(n), ",")


def row_in_text(tokens):
    """True when one line of the text holds the tokens in order, separated by
    white space only."""
    pat = r"^\s*" + r"\s+".join(re.escape(str(t)) for t in tokens) + r"\s*$"
    return re.search(pat, text, re.M) is not None


year, mon = int(month[:4]), int(month[5:7])
month_end = "%s-%02d" % (month, calendar.monthrange(year, mon)[1])
py, pm = (year, mon - 1) if mon > 1 else (year - 1, 12)
prev_end = "%04d-%02d-%02d" % (py, pm, calendar.monthrange(py, pm)[1])

accounts = db.execute("SELECT account_id, account_name, currency FROM accounts "
                      "WHERE partner_id = ? ORDER BY account_id", (partner,)).fetchall()
check("%s has accounts" % partner, len(accounts) > 0, "none in the store")


def inventory(acc, end):
    snap = db.execute("SELECT max(snapshot_date) FROM devices WHERE account_id = ? "
                      "AND snapshot_date <= ?", (acc, end)).fetchone()[0]
    if snap is None:
        return snap, set()
    return snap, {r[0] for r in db.execute(
        "SELECT serial FROM devices WHERE account_id = ? AND snapshot_date = ?", (acc, snap))}


totals = {}       # currency -> [accounts, triggered, added, charge (None: none billable)]
all_devices = 0
expected_new, expected_offline = set(), {}
summary = {}
for acc, name, cur in accounts:
    doc = json.load(open("%s/%s.json" % (json_dir, acc), encoding="utf-8"))
    billable = doc["billable"]
    rows = [r for r in doc["trueup"] if r["month"] == month]
    cov = doc.get("coverage") or {}
    by_cat = cov.get("by_category", {})
    # per account and category: the month's true-up row beside the devices
    for r in rows:
        if r["triggered"]:
            status = "True-up triggered" if billable else "Over baseline (not billed)"
        else:
            status = "Within baseline"
        if r["stale"]:
            status += " (no inventory this month)"
        charge = money(cur, r["charge"]) if billable else NULL
        tokens = [name, CATEGORY[r["category"]], integer(by_cat.get(r["category"], 0)),
                  integer(r["agreed"]), "%.2f" % r["baseline"], integer(r["actual"]), status,
                  integer(r["added"]), charge]
        check("pdf row %s %s" % (acc, r["category"]), row_in_text(tokens),
              "no line with %r" % tokens)
        if r["triggered"] and billable:
            tokens = [name, CATEGORY[r["category"]], integer(r["agreed"]), integer(r["actual"]),
                      integer(r["added"]), integer(r["months_remaining"]), money(cur, r["charge"])]
            check("pdf event %s %s" % (acc, r["category"]), row_in_text(tokens),
                  "no line with %r" % tokens)
    t = totals.setdefault(cur, [0, 0, 0, None])
    t[0] += 1
    triggered = sum(1 for r in rows if r["triggered"])
    charge_sum = round(sum(r["charge"] or 0 for r in rows), 2)
    if billable:
        t[1] += triggered
        t[2] += sum(r["added"] for r in rows)
        t[3] = (t[3] or 0.0) + charge_sum
    # per account: devices, new, removed, EOS, offline, true-ups, charge
    snap, now = inventory(acc, month_end)
    prev_snap, before = inventory(acc, prev_end)
    new = now - before if prev_snap else set()
    removed = before - now if prev_snap else set()
    expected_new |= {(acc, s) for s in new}
    all_devices += len(now)
    devices = cov.get("devices", 0)
    check("devices of %s = metrics coverage" % acc, devices == len(now),
          "metrics %s, store %d" % (devices, len(now)))
    tokens = [integer(devices), integer(len(new)), integer(len(removed)),
              integer(cov.get("eos", 0)), integer(cov.get("offline_30d", 0)), integer(triggered),
              money(cur, charge_sum) if billable else NULL]
    pat = re.escape(name) + r"\s+.*\s" + r"\s+".join(re.escape(x) for x in tokens) + r"\s*$"
    check("pdf account row %s" % acc, re.search(pat, text, re.M) is not None,
          "no line matching %r" % pat)
    summary[acc] = {"devices": devices, "new": len(new), "removed": len(removed),
                    "eos": cov.get("eos", 0), "offline": cov.get("offline_30d", 0),
                    "triggered": triggered, "charge": charge_sum if billable else None}
    expected_offline[acc] = cov.get("offline_30d", 0)

# totals per currency, never added across currencies
for cur, (n, trig, added, charge) in sorted(totals.items()):
    tokens = [cur, integer(n), integer(trig), integer(added),
              NULL if charge is None else money(cur, round(charge, 2))]
    check("pdf total %s" % cur, row_in_text(tokens), "no line with %r" % tokens)

# the workbook
wb = openpyxl.load_workbook(xlsx_path)
names = wb.sheetnames
check("workbook sheets", names[:2] == ["Summary", "Totals per currency"] and "Devices" in names,
      repr(names))
ws = wb["Summary"]
head = [c.value for c in ws[2]]
got = {}
for row in ws.iter_rows(min_row=3, values_only=True):
    if row[0]:
        got[row[0]] = dict(zip(head, row))
check("summary sheet accounts", sorted(got) == sorted(summary), "%r vs %r" % (sorted(got), sorted(summary)))
for acc, want in summary.items():
    g = got.get(acc, {})
    have = {"devices": g.get("Devices"), "new": g.get("New"), "removed": g.get("Removed"),
            "eos": g.get("EOS"), "offline": g.get("Offline > 30 d"),
            "triggered": g.get("True-ups"), "charge": g.get("Estimated charge")}
    check("summary sheet %s" % acc, have == want, "got %r, want %r" % (have, want))

ws = wb["Totals per currency"]
got_tot = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]}
want_tot = {cur: (cur, n, trig, added, None if charge is None else round(charge, 2))
            for cur, (n, trig, added, charge) in totals.items()}
check("totals sheet per currency", {k: tuple(v) for k, v in got_tot.items()} == want_tot,
      "got %r, want %r" % (got_tot, want_tot))

ws = wb["Devices"]
head = [c.value for c in ws[1]]
rows = [dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
check("device list rows = devices of the partner's accounts", len(rows) == all_devices,
      "%d rows, %d devices" % (len(rows), all_devices))
check("device list autofilter", bool(ws.auto_filter.ref) and ws.auto_filter.ref.startswith("A1:"),
      repr(ws.auto_filter.ref))
flagged = {(r["Account ID"], r["Serial"]) for r in rows if r["New this month"] == "yes"}
check("device list new-this-month flags", flagged == expected_new,
      "got %r, want %r" % (sorted(flagged), sorted(expected_new)))
for acc, n in expected_offline.items():
    got_off = sum(1 for r in rows if r["Account ID"] == acc and r["Offline > 30 d"] == "yes")
    check("device list offline flags %s = metrics" % acc, got_off == n, "%d vs %d" % (got_off, n))
