#!/bin/sh
# fleetgen.sh - the synthetic fleet generator (src/tools/fleetgen.c): same
# arguments give the same bytes, another seed other data, --shuffle the same rows
# in another order, and the files are consistent with each other and with the
# canonical columns of SPEC section 3 (checked by an independent Python reader).
# shellcheck disable=SC2086 # $SMALL holds several arguments
. "$(dirname "$0")/lib.sh"
: "${FLEETGEN:=build/fleetgen}"

if [ ! -x "$FLEETGEN" ]; then
    fail fleetgen "no executable $FLEETGEN"
    exit 0
fi

FILES="partners accounts contracts catalog firmware holidays devices tickets usage calls"
SMALL="--accounts 12 --devices 400 --months 4 --start 2025-11 --calls 300"

# digest DIR: one md5 over every file, in a fixed order.
digest() {
    for f in $FILES; do cat "$1/$f.csv"; done | md5sum | cut -d' ' -f1
}

"$FLEETGEN" --out "$WORK/a" $SMALL --seed 7 >"$WORK/a.out" 2>&1
check_eq "fleetgen: exit 0" "$?" 0
check_eq "fleetgen: silent without --verbose" "$(cat "$WORK/a.out")" ""
"$FLEETGEN" --out "$WORK/b" $SMALL --seed 7 >/dev/null 2>&1
"$FLEETGEN" --out "$WORK/c" $SMALL --seed 8 >/dev/null 2>&1
"$FLEETGEN" --out "$WORK/s" $SMALL --seed 7 --shuffle >/dev/null 2>&1

missing=""
for f in $FILES; do [ -s "$WORK/a/$f.csv" ] || missing="$missing $f"; done
check_eq "fleetgen: writes every file" "$missing" ""
check_eq "fleetgen: no temporary files left" \
    "$(find "$WORK/a" "$WORK/s" -mindepth 1 -name '.*' | wc -l | tr -d ' ')" 0
check_eq "fleetgen: same seed, same bytes" "$(digest "$WORK/b")" "$(digest "$WORK/a")"
if [ "$(digest "$WORK/c")" != "$(digest "$WORK/a")" ] &&
    ! cmp -s "$WORK/a/usage.csv" "$WORK/c/usage.csv"; then
    pass "fleetgen: another seed, other data"
else
    fail "fleetgen: another seed, other data" "seed 8 gave the bytes of seed 7"
fi

# --shuffle: the same records (compared as parsed CSV records, some fields hold
# newlines), header first, and a different order for the big files.
$PY - "$WORK/a" "$WORK/s" $FILES <<'EOF'
import csv, sys
a, s, files = sys.argv[1], sys.argv[2], sys.argv[3:]
def rows(path):
    with open(path, newline='', encoding='utf-8') as f:
        r = list(csv.reader(f))
    return r[0], r[1:]
bad, same_order = [], []
for name in files:
    ha, ra = rows(f"{a}/{name}.csv")
    hs, rs = rows(f"{s}/{name}.csv")
    if ha != hs or sorted(ra) != sorted(rs):
        bad.append(name)
    if name in ("devices", "usage", "calls") and ra == rs:
        same_order.append(name)
print("PASS fleetgen: --shuffle keeps the rows" if not bad
      else f"FAIL fleetgen: --shuffle keeps the rows: differ in {bad}")
print("PASS fleetgen: --shuffle changes the order" if not same_order
      else f"FAIL fleetgen: --shuffle changes the order: unchanged {same_order}")
EOF

# Consistency of one fleet, read independently of csmreport.
check_fleet() {
    $PY - "$1" "$2" "$3" <<'EOF'
import csv, datetime, os, re, sys
from collections import Counter, defaultdict
d, start, months = sys.argv[1], sys.argv[2], int(sys.argv[3])
CANON = {
 'partners': 'partner_id partner_name locale currency recipients',
 'accounts': 'account_id account_name partner_id partner_name program term_start term_end country region timezone locale currency recipients options csm_name csm_email',
 'contracts': 'account_id category agreed_count annual_unit_price trueup_pct rma_threshold_pct',
 'catalog': 'model category eos_date list_price',
 'firmware': 'model version release_date',
 'holidays': 'country date region name',
 'devices': 'snapshot_date account_id serial model firmware site room status last_seen',
 'tickets': 'ticket_id account_id site_id serial model priority status opened_at closed_at cloud_partner rma_number rma_approved_at shipped_at delivered_at root_cause updated_at',
 'usage': 'date account_id serial calls call_minutes meetings',
 'calls': 'account_id serial start_time end_time direction protocol remote_party',
}
problems = defaultdict(list)
def bad(check, msg):
    if len(problems[check]) < 5:
        problems[check].append(msg)
    else:
        problems[check].append(None)
def date(s):
    try:
        if not re.fullmatch(r'\d{4}-\d{2}-\d{2}', s): raise ValueError
        return datetime.date.fromisoformat(s)
    except ValueError:
        return None
TS = re.compile(r'(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?')
def ts(s):
    m = TS.fullmatch(s)
    if not m or not date(m.group(1)): return None
    h, mi, se = int(m.group(2)), int(m.group(3)), int(m.group(4) or 0)
    if h > 23 or mi > 59 or se > 59: return None
    t = datetime.datetime.combine(date(m.group(1)), datetime.time(h, mi, se))
    off = m.group(5)
    if off and off != 'Z':
        sign = 1 if off[0] == '+' else -1
        t -= sign * datetime.timedelta(hours=int(off[1:3]), minutes=int(off[4:6]))
    return t
def money(s): return s == '' or re.fullmatch(r'\d+(\.\d+)?', s) is not None
data = {}
for kind, cols in CANON.items():
    path = f'{d}/{kind}.csv'
    if kind == 'calls' and not os.path.exists(path):
        data[kind] = []   # only written with --calls
        continue
    raw = open(path, 'rb').read()
    if b'\r' in raw: bad('line ends', f'{kind}: CR found')
    if raw.startswith(b'\xef\xbb\xbf'): bad('line ends', f'{kind}: BOM')
    with open(path, newline='', encoding='utf-8') as f:
        rows = list(csv.reader(f))
    if rows[0] != cols.split():
        bad('headers', f'{kind}: {rows[0]}')
    for i, r in enumerate(rows[1:], 2):
        if len(r) != len(rows[0]): bad('field counts', f'{kind}:{i}: {len(r)} fields')
    data[kind] = [dict(zip(rows[0], r)) for r in rows[1:]]

y, m = map(int, start.split('-'))
first = datetime.date(y, m, 1)
ly, lm = divmod(y * 12 + m - 1 + months, 12)
last = datetime.date(ly, lm + 1, 1) - datetime.timedelta(days=1)

partners = {p['partner_id']: p for p in data['partners']}
if len(partners) != len(data['partners']): bad('keys', 'duplicate partner_id')
accounts = {}
for a in data['accounts']:
    if a['account_id'] in accounts: bad('keys', 'duplicate account ' + a['account_id'])
    accounts[a['account_id']] = a
    prog = a['program']
    if prog not in ('elite', 'poly_plus', 'enterprise', 'partner_poly_plus', 'partner_enterprise'):
        bad('accounts', f'{a["account_id"]}: program {prog}')
    if prog.startswith('partner_'):
        p = partners.get(a['partner_id'])
        if not p or p['partner_name'] != a['partner_name']:
            bad('accounts', f'{a["account_id"]}: partner {a["partner_id"]!r} not in partners')
    elif a['partner_id']:
        bad('accounts', f'{a["account_id"]}: partner on a direct program')
    ts_, te = date(a['term_start']), date(a['term_end'])
    if not ts_ or not te or ts_ > first or te < last:
        bad('accounts', f'{a["account_id"]}: term {a["term_start"]}..{a["term_end"]} does not cover the data')
    if a['currency'] not in ('EUR', 'USD', 'NOK', 'JPY', 'GBP'):
        bad('accounts', f'{a["account_id"]}: currency {a["currency"]}')
    if a['locale'].split('-')[0] not in ('en', 'fr', 'nb', 'ja'):
        bad('accounts', f'{a["account_id"]}: locale {a["locale"]}')
    if os.path.isdir('/usr/share/zoneinfo') and not os.path.isfile('/usr/share/zoneinfo/' + a['timezone']):
        bad('accounts', f'{a["account_id"]}: time zone {a["timezone"]}')
    if any(o not in ('onsite', 'four_hour', 'frurad') for o in filter(None, a['options'].split(';'))):
        bad('accounts', f'{a["account_id"]}: options {a["options"]}')
programs = Counter(a['program'] for a in data['accounts'])

catalog = {}
for c in data['catalog']:
    if c['model'] in catalog: bad('keys', 'duplicate model ' + c['model'])
    catalog[c['model']] = c
    if c['category'] not in ('headset', 'video', 'voice', 'infrastructure'): bad('catalog', c['model'] + ': ' + c['category'])
    if c['eos_date'] and not date(c['eos_date']): bad('dates', 'eos_date ' + c['eos_date'])
    if not money(c['list_price']): bad('catalog', 'list_price ' + c['list_price'])
fw_keys = set()
for f in data['firmware']:
    if f['model'] not in catalog: bad('references', 'firmware model ' + f['model'])
    if not date(f['release_date']): bad('dates', 'release_date ' + f['release_date'])
    if (f['model'], f['version']) in fw_keys: bad('keys', 'firmware ' + f['model'] + ' ' + f['version'])
    fw_keys.add((f['model'], f['version']))
hol_keys = set()
for h in data['holidays']:
    if not date(h['date']): bad('dates', 'holiday ' + h['date'])
    k = (h['country'], h['region'], h['date'])
    if k in hol_keys: bad('keys', f'holiday {k}')
    hol_keys.add(k)
ckeys = set()
for c in data['contracts']:
    if c['account_id'] not in accounts: bad('references', 'contract account ' + c['account_id'])
    elif accounts[c['account_id']]['program'] not in ('enterprise', 'partner_enterprise'):
        bad('contracts', c['account_id'] + ': contract on ' + accounts[c['account_id']]['program'])
    if c['category'] not in ('headset', 'video', 'voice'): bad('contracts', 'category ' + c['category'])
    if not c['agreed_count'].isdigit(): bad('counts', 'agreed_count ' + c['agreed_count'])
    for col in ('annual_unit_price', 'trueup_pct', 'rma_threshold_pct'):
        if not money(c[col]): bad('contracts', f'{col} {c[col]}')
    k = (c['account_id'], c['category'])
    if k in ckeys: bad('keys', f'contract {k}')
    ckeys.add(k)

serial_account = {}
snap = defaultdict(set)      # (account, month) -> snapshot dates
per_snapshot = Counter()
dkeys = set()
for r in data['devices']:
    a, s = r['account_id'], r['serial']
    if a not in accounts: bad('references', 'device account ' + a)
    if r['model'] not in catalog: bad('references', 'device model ' + r['model'])
    d_ = date(r['snapshot_date'])
    if not d_ or not first <= d_ <= last: bad('dates', 'snapshot_date ' + r['snapshot_date'])
    else: snap[(a, d_.strftime('%Y-%m'))].add(d_)
    if serial_account.setdefault(s, a) != a: bad('references', f'serial {s} in two accounts')
    k = (a, r['snapshot_date'], s)
    if k in dkeys: bad('keys', f'device {k}')
    dkeys.add(k)
    per_snapshot[(a, r['snapshot_date'])] += 1
    if r['status'] not in ('online', 'offline'): bad('devices', 'status ' + r['status'])
    if r['last_seen'] and not ts(r['last_seen']): bad('dates', 'last_seen ' + r['last_seen'])
if any(len(v) != 1 for v in snap.values()): bad('devices', 'more than one snapshot in a month')
months_seen = Counter(a for a, _ in snap)
if any(n != months for n in months_seen.values()): bad('devices', f'accounts without a snapshot every month: {months_seen}')

tids, rma_use = set(), Counter()
for t in data['tickets']:
    if t['ticket_id'] in tids: bad('keys', 'ticket ' + t['ticket_id'])
    tids.add(t['ticket_id'])
    if t['account_id'] not in accounts: bad('references', 'ticket account ' + t['account_id'])
    if t['serial'] and serial_account.get(t['serial']) != t['account_id']:
        bad('references', f'ticket {t["ticket_id"]}: serial {t["serial"]} not in its account')
    if t['model'] and t['model'] not in catalog: bad('references', 'ticket model ' + t['model'])
    if t['priority'] not in ('P1', 'P2', 'P3', 'P4'): bad('tickets', 'priority ' + t['priority'])
    o = ts(t['opened_at'])
    if not o: bad('dates', 'opened_at ' + t['opened_at'])
    for col in ('closed_at', 'rma_approved_at', 'shipped_at', 'delivered_at', 'updated_at'):
        if t[col]:
            v = ts(t[col])
            if not v: bad('dates', f'{col} {t[col]}')
            elif o and v < o and col != 'rma_approved_at': bad('tickets', f'{t["ticket_id"]}: {col} before opened_at')
    if t['rma_number']: rma_use[t['rma_number']] += 1
if data['tickets'] and not rma_use: bad('tickets', 'no RMA tickets')

ukeys = set()
for u in data['usage']:
    if u['account_id'] not in accounts: bad('references', 'usage account ' + u['account_id'])
    if serial_account.get(u['serial']) != u['account_id']:
        bad('references', f'usage serial {u["serial"]} not in the devices of {u["account_id"]}')
    d_ = date(u['date'])
    if not d_ or not first <= d_ <= last: bad('dates', 'usage date ' + u['date'])
    for col in ('calls', 'call_minutes', 'meetings'):
        if not u[col].isdigit(): bad('counts', f'usage {col} {u[col]!r}')
    k = (u['date'], u['serial'])
    if k in ukeys: bad('keys', f'usage {k}')
    ukeys.add(k)
ckeys = set()
for c in data['calls']:
    if serial_account.get(c['serial']) != c['account_id']:
        bad('references', f'call serial {c["serial"]} not in the devices of {c["account_id"]}')
    s, e = ts(c['start_time']), ts(c['end_time'])
    if not s or not e or e < s: bad('dates', f'call {c["start_time"]}..{c["end_time"]}')
    k = (c['serial'], c['start_time'])
    if k in ckeys: bad('keys', f'call {k}')
    ckeys.add(k)

for check in ('headers', 'line ends', 'field counts', 'keys', 'references', 'dates', 'counts',
              'accounts', 'contracts', 'catalog', 'devices', 'tickets'):
    msgs = problems.get(check)
    if msgs:
        extra = sum(1 for m in msgs if m is None)
        print(f'FAIL fleetgen: consistent {check}: ' + '; '.join(m for m in msgs if m)
              + (f' (+{extra} more)' if extra else ''))
    else:
        print(f'PASS fleetgen: consistent {check}')
print('ROWS ' + ' '.join(f'{k}={len(v)}' for k, v in data.items()))
print('PROGRAMS ' + ' '.join(sorted(programs)))
print('RMA_SHARED ' + str(sum(1 for n in rma_use.values() if n > 1)))
EOF
}

check_fleet "$WORK/a" 2025-11 4 >"$WORK/check.a"
grep -E '^(PASS|FAIL) ' "$WORK/check.a"

# A bigger fleet (still small): every program appears, some RMA numbers are on
# two tickets, and the row counts scale with --devices.
"$FLEETGEN" --out "$WORK/m1" --accounts 40 --devices 3000 --months 6 --usage-density 0.2 >/dev/null 2>&1
"$FLEETGEN" --out "$WORK/m2" --accounts 40 --devices 6000 --months 6 --usage-density 0.2 \
    --calls 2000 >/dev/null 2>&1
check_fleet "$WORK/m2" 2025-01 6 >"$WORK/check.m2"
grep -E '^(PASS|FAIL) ' "$WORK/check.m2" | sed 's/consistent/larger fleet consistent/'
check_eq "fleetgen: every program appears" "$(sed -n 's/^PROGRAMS //p' "$WORK/check.m2")" \
    "elite enterprise partner_enterprise partner_poly_plus poly_plus"
shared=$(sed -n 's/^RMA_SHARED //p' "$WORK/check.m2")
if [ "${shared:-0}" -gt 0 ]; then
    pass "fleetgen: some RMA numbers on two tickets"
else
    fail "fleetgen: some RMA numbers on two tickets" "none"
fi
rows() { echo $(($(wc -l <"$1") - 1)); }
for f in devices usage; do
    n1=$(rows "$WORK/m1/$f.csv") n2=$(rows "$WORK/m2/$f.csv")
    # twice the devices: between 1.8 and 2.2 times the rows
    if [ $((n2 * 10)) -ge $((n1 * 18)) ] && [ $((n2 * 10)) -le $((n1 * 22)) ]; then
        pass "fleetgen: $f rows scale with --devices"
    else
        fail "fleetgen: $f rows scale with --devices" "$n1 rows for 3000 devices, $n2 for 6000"
    fi
done
d1=$(rows "$WORK/m1/usage.csv")
"$FLEETGEN" --out "$WORK/m3" --accounts 40 --devices 3000 --months 6 --usage-density 0.4 >/dev/null 2>&1
d2=$(rows "$WORK/m3/usage.csv")
if [ $((d2 * 10)) -ge $((d1 * 19)) ] && [ $((d2 * 10)) -le $((d1 * 21)) ]; then
    pass "fleetgen: usage rows scale with --usage-density"
else
    fail "fleetgen: usage rows scale with --usage-density" "$d1 rows at 0.2, $d2 at 0.4"
fi

# Usage errors: exit 64 with a message.
"$FLEETGEN" --accounts 3 >/dev/null 2>"$WORK/err"
check_eq "fleetgen: --out required (exit 64)" "$?" 64
"$FLEETGEN" --out "$WORK/x" --start 2025-13 >/dev/null 2>"$WORK/err"
check_eq "fleetgen: bad --start (exit 64)" "$?" 64
"$FLEETGEN" --out "$WORK/x" --usage-density 1.5 >/dev/null 2>"$WORK/err"
check_eq "fleetgen: bad --usage-density (exit 64)" "$?" 64
"$FLEETGEN" --out "$WORK/v" --accounts 3 --devices 30 --months 2 --verbose >"$WORK/v.out" 2>&1
check_contains "fleetgen: --verbose prints row counts" "$(cat "$WORK/v.out")" "usage.csv"
