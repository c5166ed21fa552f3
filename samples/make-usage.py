#!/usr/bin/python3
"""make-usage.py - writes samples/devices.csv, samples/usage.csv and samples/calls.csv.

The inventory snapshots and the daily usage of the sample data set are regular
enough to be described by the small tables below, and long enough (one row per
device per snapshot, one per device per day of use) that writing them by hand
would invite typos. The output is committed; re-running this script must give
the same bytes (no randomness, no clock):

    cd samples && /usr/bin/python3 make-usage.py

EXPECTED.md derives every metric from these tables by hand ("NOV001 has rows on
days 1, 8, 15 and 22 of July to October, 6 calls and 180 minutes each").
"""
import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------
# Snapshot dates per account (devices.csv snapshot_date). NO-NORDLYS has no
# snapshot in August (stale carry-forward); JP-SAKURA's first snapshot is in
# August; US-HARBOR has two snapshots in September (the later one wins).
SNAPSHOTS = {
    "NO-NORDLYS": ["2026-01-28", "2026-02-27", "2026-03-27", "2026-04-28",
                   "2026-05-28", "2026-06-26", "2026-07-28", "2026-09-28",
                   "2026-10-28"],
    "FR-ECLAIR": ["2026-04-28", "2026-05-28", "2026-06-26", "2026-07-28",
                  "2026-08-28", "2026-09-28", "2026-10-28"],
    "FR-TILLEULS": ["2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30",
                    "2026-10-30"],
    "JP-SAKURA": ["2026-08-27", "2026-09-28", "2026-10-28"],
    "US-HARBOR": ["2026-06-29", "2026-07-30", "2026-08-28", "2026-09-15",
                  "2026-09-29", "2026-10-29"],
    "GB-GLEN": ["2026-06-26", "2026-07-31", "2026-08-28", "2026-09-30",
                "2026-10-30"],
}

# ---------------------------------------------------------------------------
# Devices: (account, serial, model, firmware, site, room, first_month,
# last_month, status, last_seen). A device is in every snapshot of its account
# dated in first_month..last_month (YYYY-MM, inclusive; "" = open). Status and
# last_seen are the same in every snapshot (online devices: the snapshot day).
D = []


def dev(acct, serial, model, fw, site, room, first="", last="", status="online",
        last_seen=""):
    D.append((acct, serial, model, fw, site, room, first, last, status, last_seen))


# NO-NORDLYS (enterprise; contracts headset 20, video 4, voice 10)
A = "NO-NORDLYS"
dev(A, "NOH001", "Voyager Focus 2 UC", "1.65", "Oslo HQ", "Kontor 4.12")
dev(A, "NOH002", "Voyager Focus 2 UC", "1.60.2", "Oslo HQ", "Kontor 4.14")
dev(A, "NOH003", "Voyager Focus 2 UC", "1.52", "Bergen", "Kontor 2.03")
dev(A, "NOH004", "Savi 8240 Office", "10.60", "Oslo HQ", "Resepsjon")
dev(A, "NOH005", "Savi 8240 Office", "10.54", "Bergen", "Kontor 2.07")
dev(A, "NOH006", "Voyager 4320 UC", "2.1", "Tromsø", "Kontor 1.01")
dev(A, "NOH007", "EncorePro 515", "", "Bergen", "Kundesenter")
dev(A, "NOH008", "Blackwire 5220", "", "Oslo HQ", "Kontor 4.20")
dev(A, "NOV001", "Studio X50", "4.0.2.0002", "Oslo HQ", "Nordlys")
dev(A, "NOV002", "Studio X50", "4.0.1", "Bergen", "Fløyen")
dev(A, "NOV003", "G7500", "4.0.2", "Oslo HQ", "Styrerommet")
dev(A, "NOV004", "Studio X30", "4.0.0", "Tromsø", "Polaris")
dev(A, "NOV005", "Studio X30", "4.0.2", "Bergen", "Ulriken", first="2026-05")
dev(A, "NOV006", "Studio E70", "4.0.2", "Oslo HQ", "Auditoriet", first="2026-09")
dev(A, "NOC001", "CCX 400", "10.0.0.1234", "Oslo HQ", "Kontor 4.01")
dev(A, "NOC002", "CCX 400", "9.1.0.5", "Oslo HQ", "Kontor 4.02")
dev(A, "NOC003", "CCX 400", "8.1.3.1101", "Oslo HQ", "Kontor 4.03")
dev(A, "NOC004", "CCX 400", "10.0", "Bergen", "Kontor 2.01")
dev(A, "NOC005", "CCX 600", "9.9.1.200", "Oslo HQ", "Kontor 4.05")
dev(A, "NOC006", "CCX 600", "10.0.0.1234", "Bergen", "Kontor 2.02")
dev(A, "NOC007", "Trio C60", "9.2.0", "Oslo HQ", "Styrerommet")
dev(A, "NOC008", "VVX 450", "6.4.3", "Bergen", "Lager")
dev(A, "NOC009", "CCX 400", "", "Tromsø", "Kontor 1.02", status="offline",
    last_seen="2026-08-20 14:12")
dev(A, "NOC010", "CCX 400", "9.10.2", "Tromsø", "Kontor 1.03", status="offline",
    last_seen="2026-09-05 08:40")
dev(A, "NOC011", "CCX 600", "10.0.0.1234", "Bergen", "Kontor 2.09", first="2026-07")
dev(A, "NOI001", "RealConnect Gateway", "5.2.1", "Oslo HQ", "Datasenter")

# FR-ECLAIR (partner_enterprise; term 2026-04-01..2027-03-31; headset 20,
# video 3, voice 4 at 2.5 %)
A = "FR-ECLAIR"
for i in range(1, 10):
    dev(A, "FRH%03d" % i, "Voyager Focus 2 UC",
        {7: "1.60", 8: "1.60", 9: "1.52"}.get(i, "1.65"), "Orléans Siège",
        "Plateau %d" % (1 + i % 3))
for i in range(10, 16):
    dev(A, "FRH%03d" % i, "Savi 8240 Office",
        {14: "10.54", 15: ""}.get(i, "10.60"),
        "Orléans Siège" if i <= 12 else "Tours", "Service client")
for i in range(16, 20):
    dev(A, "FRH%03d" % i, "Voyager 4320 UC", "2.1", "Tours", "Atelier")
dev(A, "FRH020", "Blackwire 5220", "", "Tours", "Atelier", status="offline",
    last_seen="2026-07-15 17:02")
dev(A, "FRH021", "Voyager Focus 2 UC", "1.65.1", "Tours", "Direction", first="2026-07")
dev(A, "FRH022", "Voyager Free 60 UC", "1.2", "Tours", "Direction", first="2026-10")
dev(A, "FRV001", "Studio X50", "4.0.2.0002", "Orléans Siège", "Salle Loire")
dev(A, "FRV002", "Studio X30", "4.0.1", "Tours", "Salle Cher")
dev(A, "FRV003", "Group 500", "6.2.2", "Orléans Siège", "Salle du Conseil")
dev(A, "FRV004", "Studio X30", "4.1.0", "Tours", "Salle Indre", first="2026-09")
dev(A, "FRC001", "CCX 400", "10.0.0.1234", "Orléans Siège", "Accueil")
dev(A, "FRC002", "CCX 400", "10.0.0.1234", "Orléans Siège", "Direction")
dev(A, "FRC003", "CCX 400", "9.1.0.5", "Tours", "Accueil")
dev(A, "FRC004", "CCX 400", "8.1.3", "Tours", "Magasin")
dev(A, "FRC005", "Trio C60", "9.1.3", "Orléans Siège", "Salle Loire", first="2026-08")

# FR-TILLEULS (partner_poly_plus; usage comes as per-call records, calls.csv)
A = "FR-TILLEULS"
dev(A, "TLV001", "Studio X30", "4.0.2", "Bâtiment A", "Salle de staff")
dev(A, "TLV002", "Studio X50", "4.0.2.0002", "Bâtiment B", "Salle de réunion")
dev(A, "TLC001", "CCX 600", "9.9.1.200", "Bâtiment A", "Accueil")
dev(A, "TLC002", "CCX 600", "10.0.0.1234", "Bâtiment B", "Secrétariat")
dev(A, "TLH001", "Voyager 4320 UC", "2.1", "Bâtiment A", "Bureau 12")
dev(A, "TLH002", "Voyager 4320 UC", "2.1", "Bâtiment B", "Bureau 21")

# JP-SAKURA (partner_poly_plus with contract lines headset 6, video 2; first
# snapshot in August)
A = "JP-SAKURA"
for i, fw in ((1, "1.65"), (2, "1.65"), (3, "1.60"), (4, "1.52")):
    dev(A, "JPH%03d" % i, "Voyager Focus 2 UC", fw, "東京本社", "営業部")
dev(A, "JPH005", "Savi 8240 Office", "10.60", "大阪工場", "品質管理室")
dev(A, "JPH006", "Savi 8240 Office", "10.60", "大阪工場", "品質管理室")
dev(A, "JPH007", "Voyager Free 60 UC", "1.2", "大阪工場", "工場長室", status="offline",
    last_seen="2026-08-10 18:30")
dev(A, "JPV001", "Studio X50", "4.0.2", "東京本社", "大会議室")
dev(A, "JPV002", "G7500", "3.14.2", "大阪工場", "第一会議室")

# US-HARBOR (elite, four_hour; no contract lines, no headsets)
A = "US-HARBOR"
dev(A, "USV001", "Studio X50", "4.0.2", "Boston Campus", "Board Room")
dev(A, "USV002", "Studio X50", "4.0.1", "Boston Campus", "Huddle 3A")
dev(A, "USV003", "Studio X50", "3.9.0", "Providence Clinic", "Telehealth 1")
dev(A, "USV004", "G7500", "3.14.2", "Boston Campus", "Auditorium")
dev(A, "USV005", "Studio X30", "4.0.2.0002", "Providence Clinic", "Telehealth 2")
dev(A, "USV006", "Studio X30", "", "Boston Campus", "Huddle 5C", status="offline",
    last_seen="2026-07-02 11:05")
dev(A, "USV007", "Studio X30", "4.0.2", "Providence Clinic", "Telehealth 3",
    last="2026-09-15")  # removed in the 2026-09-29 snapshot
dev(A, "USC001", "CCX 600", "10.0.0.1234", "Boston Campus", "Front Desk")
dev(A, "USC002", "CCX 600", "9.9.1.200", "Boston Campus", "Pharmacy")
dev(A, "USC003", "CCX 600", "9.1.4", "Providence Clinic", "Front Desk")
dev(A, "USC004", "Trio C60", "9.2.0", "Providence Clinic", "Conference")
dev(A, "USU001", "Sync 40", "", "Boston Campus", "Huddle 3B")
dev(A, "USI001", "RealConnect Gateway", "5.2.1", "Boston Campus", "Data Center")

# GB-GLEN (poly_plus, GB-SCT, frurad)
A = "GB-GLEN"
dev(A, "GBH001", "Voyager Focus 2 UC", "1.65", "Inverness", "Still House Office")
dev(A, "GBH002", "Voyager Focus 2 UC", "1.65", "Inverness", "Still House Office")
dev(A, "GBH003", "Voyager Focus 2 UC", "1.60", "Edinburgh", "Sales")
dev(A, "GBH004", "Savi 8240 Office", "10.54", "Edinburgh", "Sales")
dev(A, "GBH005", "Savi 8240 Office", "10.60", "Inverness", "Logistics")
dev(A, "GBH006", "Voyager Free 60 UC", "", "Edinburgh", "Marketing")
dev(A, "GBV001", "Studio X30", "4.0.2", "Inverness", "Cooperage Room")
dev(A, "GBV002", "Studio X50", "4.0.1", "Edinburgh", "Tasting Room")
dev(A, "GBC001", "CCX 400", "10.0", "Inverness", "Reception")
dev(A, "GBC002", "CCX 400", "9.1", "Edinburgh", "Reception", status="offline",
    last_seen="2026-08-15 09:30")
dev(A, "GBC003", "Trio 8800", "5.9.5", "Inverness", "Boardroom")

# ---------------------------------------------------------------------------
# Usage: (serial, months, days of month, calls, call_minutes). One usage row per
# listed day of each listed month; meetings = calls // 2.
U = [
    # NO-NORDLYS
    ("NOH001", ["07", "08", "09", "10"], [6, 13, 20, 27], 4, 30),
    ("NOH002", ["07", "08", "09"], [6, 13], 2, 15),
    ("NOH003", ["07", "08", "09"], [6, 13], 0, 0),        # rows, never a call
    ("NOH004", ["09"], [14], 1, 5),
    ("NOH005", ["06"], [30], 3, 20),                        # before P
    ("NOH005", ["10"], [2], 1, 10),                         # after P (October)
    ("NOV001", ["07", "08", "09", "10"], [1, 8, 15, 22], 6, 180),
    ("NOV002", ["07", "08"], [3, 10], 3, 90),
    ("NOV003", ["07", "08", "09"], [20], 2, 60),
    ("NOV005", ["08", "09"], [5, 19], 4, 120),
    ("NOV006", ["09"], [22, 29], 5, 150),
    ("NOV006", ["10"], [6], 5, 150),
    ("NOC001", ["07", "08", "09"], [10], 5, 25),
    ("NOC002", ["07", "08", "09"], [10], 5, 25),
    ("NOC003", ["07", "08", "09"], [10], 5, 25),
    ("NOC004", ["07", "08", "09"], [10], 5, 25),
    ("NOC005", ["07", "08", "09"], [10], 5, 25),
    ("NOC011", ["07", "08", "09"], [15], 3, 12),
    ("NOZ900", ["08"], [12], 2, 14),                        # not in inventory
    # FR-ECLAIR
] + [("FRH%03d" % i, ["07", "08", "09"], [7, 21], 2, 20) for i in range(1, 11)] + [
    ("FRH%03d" % i, ["08"], [7], 1, 10) for i in range(11, 16)] + [
    ("FRH%03d" % i, ["07"], [7], 0, 0) for i in range(16, 20)] + [
    ("FRH021", ["07", "08", "09"], [21], 3, 45),
    ("FRV001", ["07", "08", "09"], [2, 16], 4, 200),
    ("FRV002", ["07", "08", "09"], [16], 2, 90),
    ("FRV003", ["07"], [2], 1, 30),
    ("FRV004", ["09"], [23], 3, 100),
    ("FRC001", ["07", "08", "09"], [9], 5, 30),
    ("FRC002", ["07", "08", "09"], [9], 5, 30),
    ("FRC003", ["07", "08", "09"], [9], 5, 30),
    ("FRC005", ["08", "09"], [9], 2, 10),
    # FR-TILLEULS: calls.csv; these two usage rows are the exceptions
    ("TLV001", ["09"], [15], 1, 60),                        # wins over that day's calls
    ("TLC002", ["08"], [20], 0, 0),
    # JP-SAKURA
    ("JPH001", ["08", "09"], [4, 18], 3, 25),
    ("JPH002", ["08", "09"], [4, 18], 3, 25),
    ("JPH003", ["08", "09"], [4, 18], 3, 25),
    ("JPH004", ["08", "09"], [4, 18], 3, 25),
    ("JPH005", ["07"], [15], 1, 10),                        # before the first snapshot
    ("JPV001", ["07", "08", "09"], [10], 2, 60),
    ("JPV002", ["08", "09"], [10], 1, 40),
    # US-HARBOR
    ("USV001", ["07", "08", "09"], [1, 15], 5, 120),
    ("USV002", ["07", "08", "09"], [15], 3, 60),
    ("USV004", ["08"], [20], 2, 45),
    ("USV005", ["09"], [2], 1, 30),
    ("USV007", ["07"], [1, 15], 2, 50),                     # removed before as-of
    ("USC001", ["07", "08", "09"], [8], 10, 40),
    ("USC002", ["07", "08", "09"], [8], 0, 0),
    ("USC004", ["09"], [8], 4, 60),
    ("USU001", ["07"], [22], 2, 20),
    # GB-GLEN
    ("GBH001", ["07", "08", "09"], [5, 19], 2, 30),
    ("GBH002", ["07", "08", "09"], [5], 1, 15),
    ("GBH003", ["08"], [12], 1, 10),
    ("GBV001", ["07", "08", "09"], [5, 19], 3, 90),
    ("GBV002", ["07", "08", "09"], [19], 2, 60),
    ("GBC001", ["07", "08", "09"], [5], 6, 18),
    ("GBC003", ["07"], [6], 0, 3),                          # minutes without a call
    ("GBX404", ["09"], [9], 1, 12),                         # not in inventory
]

# Per-call records (calls.csv): (account, serial, start_time, end_time,
# direction, protocol, remote_party).
C = [
    ("FR-TILLEULS", "TLV001", "2026-07-07 10:00:00", "2026-07-07 10:01:30", "outbound", "SIP", "cardiologie@chu-tours.example"),
    ("FR-TILLEULS", "TLV001", "2026-07-08 09:00:00", "2026-07-08 09:00:30", "outbound", "SIP", "+33247000001"),
    ("FR-TILLEULS", "TLV001", "2026-07-08 11:00:00", "2026-07-08 11:00:30", "inbound", "SIP", "+33247000002"),
    ("FR-TILLEULS", "TLV001", "2026-07-08 15:00:00", "2026-07-08 15:00:29", "outbound", "SIP", "+33247000003"),
    ("FR-TILLEULS", "TLV001", "2026-08-12 14:00:00", "2026-08-12 14:45:00", "inbound", "Microsoft Teams", "Réunion de service"),
    ("FR-TILLEULS", "TLV001", "2026-09-15 09:00:00", "2026-09-15 10:00:00", "inbound", "Microsoft Teams", "Staff hebdomadaire"),
    ("FR-TILLEULS", "TLV001", "2026-09-15 11:00:00", "2026-09-15 11:30:00", "outbound", "SIP", "+33247000004"),
    ("FR-TILLEULS", "TLV002", "2026-07-31T22:30:00Z", "2026-07-31T23:10:00Z", "inbound", "Zoom", "Astreinte de nuit"),
    ("FR-TILLEULS", "TLV002", "2026-09-30 23:50:00", "2026-10-01 00:20:00", "inbound", "Zoom", "Astreinte de nuit"),
    ("FR-TILLEULS", "TLC001", "2026-07-20 09:00:00", "2026-07-20 09:00:20", "outbound", "SIP", "+33247000005"),
    ("FR-TILLEULS", "TLH001", "2026-10-05 10:00:00", "2026-10-05 10:10:00", "outbound", "Microsoft Teams", "Pharmacie"),
    ("FR-TILLEULS", "TLX999", "2026-08-18 10:00:00", "2026-08-18 10:20:00", "outbound", "SIP", "+33247000006"),
]


def months_between(first, last):
    """Every YYYY-MM from first to last inclusive."""
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while "%04d-%02d" % (y, m) <= last:
        out.append("%04d-%02d" % (y, m))
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def write_devices(path):
    rows = []
    for acct, serial, model, fw, site, room, first, last, status, last_seen in D:
        for snap in SNAPSHOTS[acct]:
            month = snap[:7]
            if first and month < first:
                continue
            if last and (snap > last if len(last) == 10 else month > last):
                continue
            if last_seen and snap > last_seen[:10]:
                st, seen = status, last_seen
            else:  # online until it was last seen
                st, seen = "online", snap + " 08:00"
            rows.append((snap, acct, serial, model, fw, site, room, st, seen))
    rows.sort(key=lambda r: (r[1], r[0], r[2]))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["snapshot_date", "account_id", "serial", "model", "firmware",
                    "site", "room", "status", "last_seen"])
        w.writerows(rows)
    return len(rows)


def account_of(serial):
    for d in D:
        if d[1] == serial:
            return d[0]
    return {"NOZ900": "NO-NORDLYS", "GBX404": "GB-GLEN", "TLX999": "FR-TILLEULS"}[serial]


def write_usage(path):
    rows = []
    for serial, months, days, calls, minutes in U:
        for mm in months:
            y = "2026"
            for day in days:
                rows.append(("%s-%s-%02d" % (y, mm, day), account_of(serial), serial,
                             calls, minutes, calls // 2))
    rows.sort(key=lambda r: (r[1], r[0], r[2]))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "account_id", "serial", "calls", "call_minutes", "meetings"])
        w.writerows(rows)
    return len(rows)


def write_calls(path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["account_id", "serial", "start_time", "end_time", "direction",
                    "protocol", "remote_party"])
        w.writerows(C)
    return len(C)


if __name__ == "__main__":
    n = write_devices(os.path.join(HERE, "devices.csv"))
    u = write_usage(os.path.join(HERE, "usage.csv"))
    c = write_calls(os.path.join(HERE, "calls.csv"))
    print("devices.csv %d rows, usage.csv %d rows, calls.csv %d rows" % (n, u, c))
