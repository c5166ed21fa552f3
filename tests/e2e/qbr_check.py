"""qbr_check.py TEXT.txt METRICS.json LOCALE [empty]: checks the text of a
rendered QBR deck (pdftotext) against the metrics document of the same
account and period, with its own small per-locale formatter (independent of
src/core/numfmt.c). Prints PASS/FAIL lines as lib.sh does."""
import json, re, sys
from decimal import Decimal, ROUND_HALF_UP

text_raw = open(sys.argv[1], encoding="utf-8").read()
doc = json.load(open(sys.argv[2], encoding="utf-8"))
loc = sys.argv[3]
empty = len(sys.argv) > 4 and sys.argv[4] == "empty"
name = "%s %s %s" % (doc["account_id"], doc["period"]["label"], loc)
# compare without any white space: pdftotext breaks lines, spaces CJK runs
# and writes the no-break spaces of fr/nb in its own way
squash = lambda s: re.sub(r"[\s\u00a0\u202f]+", "", s)
text = squash(text_raw)
fails = 0

def check(what, ok, why=""):
    global fails
    if ok:
        print("PASS qbr %s: %s" % (name, what))
    else:
        fails += 1
        print("FAIL qbr %s: %s: %s" % (name, what, why))

def dec(x, digits):
    q = Decimal(1).scaleb(-digits)
    d = Decimal(repr(abs(x))).quantize(q, rounding=ROUND_HALF_UP)
    ip, _, fp = ("%f" % d if digits else "%d" % d).partition(".")
    ip = str(int(ip))
    group = "," if loc in ("en", "ja") else " "
    point = "." if loc in ("en", "ja") else ","
    ip = "{:,}".format(int(ip)).replace(",", group)
    s = ip + (point + fp[:digits] if digits else "")
    return ("-" if x < 0 and d != 0 else "") + s

def pct(x):
    return dec(x * 100, 1) + ("%" if loc in ("en", "ja") else " %")

titles = {
    "en": ["Executive summary", "Inventory and coverage", "Adoption", "Service status",
           "Hardware replacement", "Software currency", "Data notes", "Highlights and actions"],
    "fr": ["Synthèse", "Parc et couverture", "Adoption", "État du support",
           "Remplacement matériel", "Versions logicielles", "Notes sur les données"],
    "nb": ["Sammendrag", "Inventar og dekning", "Bruk", "Tjenestestatus",
           "Maskinvareerstatning", "Programvareversjoner", "Om dataene"],
    "ja": ["エグゼクティブサマリー", "機器台帳とカバレッジ", "利用率", "サービス状況",
           "ハードウェア交換", "ソフトウェアの最新性", "データに関する注記"],
}[loc]
for t in titles:
    check("section title %s" % t, squash(t) in text)

quarter = doc["period"]["label"]
m = re.match(r"(\d{4})-Q(\d)$", quarter)
if m:
    y, q = m.groups()
    label = {"en": "Q%s %s" % (q, y), "fr": "T%s %s" % (q, y), "nb": "%s. kv. %s" % (q, y),
             "ja": "%s年第%s四半期" % (y, q)}[loc]
    check("period label %s" % label, squash(label) in text)

a = doc["adoption"]
check("devices tile %d" % a["deployed"], dec(a["deployed"], 0) in text)
if a["rate"] is not None:
    check("adoption tile %s" % pct(a["rate"]), squash(pct(a["rate"])) in text)
check("tickets tile", dec(doc["tickets"]["opened"], 0) in text)
if doc["rma"].get("rate") is not None:
    check("rma tile %s" % pct(doc["rma"]["rate"]), squash(pct(doc["rma"]["rate"])) in text)
if doc["downtime"].get("sla_compliance") is not None:
    check("sla tile", squash(pct(doc["downtime"]["sla_compliance"])) in text)

cat = {"en": {"headset": "Headsets", "video": "Video", "voice": "Voice"},
       "fr": {"headset": "Casques", "video": "Vidéo", "voice": "Téléphonie"},
       "nb": {"headset": "Hodesett", "video": "Video", "voice": "Tale"},
       "ja": {"headset": "ヘッドセット", "video": "ビデオ", "voice": "音声"}}[loc]
words = {"en": "true-up of", "fr": "ajustement de", "nb": "justering på", "ja": "のトゥルーアップ"}[loc]
cur = {"EUR": 2, "NOK": 2, "USD": 2, "GBP": 2, "JPY": 0}
events = [t for t in doc["trueup"] if t["triggered"]]
for t in events:
    # "Video: 1 devices ..." / "ビデオ: 2026年5月 に契約台数を 1 台超過"
    pat = squash(cat[t["category"]]) + r"[:：]" + (r"[^•]*?" if loc == "ja" else "") + \
        re.escape(dec(t["added"], 0))
    if t["charge"] is not None:
        amount = squash(dec(t["charge"], cur.get(doc.get("currency", ""), 2)))
        # the event's sentence: category, added devices, then its charge
        ok = any(re.search(pat, s) and amount in s and squash(words) in s
                 for s in text.split("•") + re.split(r"[.。]", text))
        check("true-up sentence %s %s %s" % (t["category"], t["month"], amount), ok)
    else:
        check("true-up sentence %s %s (no price)" % (t["category"], t["month"]),
              re.search(pat, text) is not None)

if doc["rma"].get("at_risk"):
    check("rma projection", squash(pct(doc["rma"]["projected_rate"])) in text)

check("no raw timestamp", not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text_raw),
      re.findall(r"\S*\d{4}-\d\d-\d\dT\S*", text_raw)[:3])
check("no raw ISO date", not re.search(r"\b20\d\d-\d\d-\d\d\b", text_raw),
      re.findall(r"\S*20\d\d-\d\d-\d\d\S*", text_raw)[:3])
check("no raw category value", not re.search(r"\b(n_minus_1|partner_enterprise|poly_plus)\b", text_raw))

if empty:
    words_empty = {"en": ["No tickets were opened", "No replacement was approved"],
                   "fr": ["Aucun ticket ouvert", "Aucun remplacement approuvé"],
                   "nb": ["Ingen saker åpnet", "Ingen erstatning godkjent"],
                   "ja": ["新規チケットはありません", "承認された交換はありません"]}[loc]
    for w in words_empty:
        check("empty data says '%s'" % w, squash(w) in text)
sys.exit(1 if fails else 0)
