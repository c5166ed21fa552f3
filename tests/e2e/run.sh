#!/bin/sh
# run.sh - `csmreport run BATCH.xml`: a batch over a copy of the sample
# exports (tests/data/batch/ plus samples/*.csv and templates/example.xml),
# run from another folder with --date fixed: the files it renders, silence on
# success, the --summary JSON read back, the mail it queues (one .eml per
# recipient list) and a server that is down (75, nothing lost) - these mail
# checks need the real mail module of src/mail/ -, a
# second run while the lock is held (75 at once), a failing input and a
# failing report (reported, the rest done, 65), --dry-run (nothing changed),
# invalid batch files (78 with file:line), the SMTP password's variable, the
# schema of samples/batch.xml, and render --summary.
. "$(dirname "$0")/lib.sh"
CSMREPORT=$(cd "$(dirname "$CSMREPORT")" && pwd)/$(basename "$CSMREPORT")
TOP=$(cd "$TOP" && pwd)

B="$WORK/batch"
mkdir -p "$B/data" "$B/templates" "$WORK/elsewhere"
cp -R "$TOP/tests/data/batch/." "$B/"
cp "$TOP"/samples/*.csv "$B/data/"
cp "$TOP/templates/example.xml" "$B/templates/"
DB="$WORK/store.db"

# --- The run, from another folder: relative paths resolve against the batch's.
cd "$WORK/elsewhere"
run_cr --db "$DB" run ../batch/batch.xml --date 2026-10-05 --summary "$WORK/summary.json"
check_eq run-exit "$RC" 0
check_eq run-silent-stderr "$ERR" ""
check_eq run-silent-stdout "$OUT" ""
check_eq run-nothing-in-cwd "$(ls -A "$WORK/elsewhere")" ""
# previous-quarter of 2026-10-05 is 2026-Q3; previous-month is 2026-09.
got=$(cd "$B/out" && find . -name '*.pdf' -o -name '*.xlsx' | sort | tr '\n' ' ')
want=""
for a in FR-ECLAIR FR-TILLEULS GB-GLEN JP-SAKURA NO-NORDLYS US-HARBOR; do
    want="$want./$a/${a}_example_2026-Q3.pdf ./$a/${a}_example_2026-Q3.xlsx "
done
want="$want./partners/PT-INTEGRA/PT-INTEGRA_inventory_2026-09.pdf ./partners/PT-NIHON/PT-NIHON_inventory_2026-09.pdf "
want=$(printf '%s' "$want" | tr ' ' '\n' | sort | tr '\n' ' ')
check_eq run-files-rendered "$got" "$want"
if qpdf --check "$B/out/NO-NORDLYS/NO-NORDLYS_example_2026-Q3.pdf" >/dev/null 2>&1; then
    pass run-pdf-valid
else
    fail run-pdf-valid "qpdf --check failed"
fi
check_contains run-pdf-is-the-account \
    "$(pdftotext "$B/out/NO-NORDLYS/NO-NORDLYS_example_2026-Q3.pdf" - 2>&1)" "Nordlys"
check_eq run-lock-file-beside-db "$(ls "$WORK" | grep -c '^store.db.lock$')" 1
check_eq run-data-imported "$(sqlite3 "$DB" 'SELECT count(*) FROM accounts')" 6

$PY - "$WORK/summary.json" "$B" <<'EOF'
import json, os, sys
s = json.load(open(sys.argv[1]))
b = sys.argv[2]
def check(name, ok, why=""):
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)))
def eq(name, got, want):
    check(name, got == want, "got %r, want %r" % (got, want))
eq("summary-command", s["command"], "run")
eq("summary-date", s["date"], "2026-10-05")
eq("summary-exit", s["exit_code"], 0)
eq("summary-dry-run", s["dry_run"], False)
eq("summary-imports-count", len(s["imports"]), 10)
eq("summary-imports-ok", sorted(set(i["status"] for i in s["imports"])), ["ok"])
kinds = {os.path.basename(i["file"]): i["kind"] for i in s["imports"]}
eq("summary-import-kinds", kinds["devices.csv"], "devices")
rows = {os.path.basename(i["file"]): i["rows_read"] for i in s["imports"]}
eq("summary-import-rows", (rows["accounts.csv"], rows["partners.csv"], rows["tickets.csv"]),
   (6, 2, 42))
eq("summary-reports", [(r["period"], r["selected"], r["written"], r["failed"], r["status"])
                       for r in s["reports"]],
   [("2026-Q3", 6, 6, 0, "ok"), ("2026-09", 2, 2, 0, "ok")])
files = [f for r in s["reports"] for f in r["files"]]
eq("summary-files-count", len(files), 14)
check("summary-files-exist", all(os.path.isfile(f) for f in files), files)
check("summary-files-under-out", all(f.startswith(os.path.join(b, "out") + "/") for f in files),
      files)
m = s["mail"]
eq("summary-mail-outbox", m["outbox"], os.path.join(b, "out", "outbox"))
eq("summary-mail-transport", m["transport"], None)
eq("summary-mail-queued", m["queued"], 8)
eq("summary-mail-sent", (m["sent"], m["deferred"], m["failed"]), (0, 0, 0))
EOF

# --- The mail: one .eml per recipient list, account reports to the account's
# recipients, partner reports to the partner's (needs src/mail/).
OUTBOX="$B/out/outbox"
check_eq mail-eml-count "$(ls "$OUTBOX" | grep -c '\.eml$')" 8
$PY - "$OUTBOX" "$B/data/accounts.csv" "$B/data/partners.csv" <<'EOF'
import csv, email, email.policy, email.utils, os, sys
outbox = sys.argv[1]
def check(name, ok, why=""):
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)))
def eq(name, got, want):
    check(name, got == want, "got %r, want %r" % (got, want))
want = {}
for f in sys.argv[2:]:
    for r in csv.DictReader(open(f, encoding="utf-8")):
        want.setdefault(frozenset(a.strip() for a in r["recipients"].split(";")), r)
seen = {}
for n in sorted(os.listdir(outbox)):
    if not n.endswith(".eml"):
        continue
    msg = email.message_from_binary_file(open(os.path.join(outbox, n), "rb"),
                                         policy=email.policy.default)
    to = frozenset(a for _, a in email.utils.getaddresses([str(msg["To"])]))
    names = sorted(p.get_filename() for p in msg.iter_attachments())
    seen.setdefault(to, []).append((str(msg["Subject"]), names))
    check("mail-from-%s" % n, "csm-reports@poly.example" in str(msg["From"]), msg["From"])
eq("mail-recipient-lists", sorted(sorted(k) for k in seen), sorted(sorted(k) for k in want))
nordlys = seen.get(frozenset(["it-drift@nordlys-energi.example", "innkjop@nordlys-energi.example"]), [])
eq("mail-nordlys-one-message", len(nordlys), 1)
if nordlys:
    subject, names = nordlys[0]
    check("mail-nordlys-subject-localized", "3. kv. 2026" in subject and "Nordlys" in subject,
          subject)
    eq("mail-nordlys-attachments", names,
       ["NO-NORDLYS_example_2026-Q3.pdf", "NO-NORDLYS_example_2026-Q3.xlsx"])
eq("mail-one-message-per-list", sorted(len(v) for v in seen.values()), [1] * 8)
eclair = seen.get(frozenset(["dsi@eclairage-dupont.example"]), [])
check("mail-eclair-in-french", eclair and "T3 2026" in eclair[0][0], eclair)
# The partner's report goes to the partner (partners.csv), in its language.
nihon = seen.get(frozenset(["csm@nihon-collab.example"]), [])
check("mail-partner-subject-japanese", nihon and "2026年9月" in nihon[0][0]
      and "日本コラボレーション" in nihon[0][0], nihon)
eq("mail-partner-attachment", nihon and nihon[0][1], ["PT-NIHON_inventory_2026-09.pdf"])
EOF

# A second run for the same date queues nothing new (the key of each message).
cd "$WORK/elsewhere"
run_cr --db "$DB" run ../batch/batch.xml --date 2026-10-05 --summary "$WORK/again.json"
check_eq rerun-exit "$RC" 0
check_eq rerun-silent "$ERR" ""
check_eq rerun-no-new-eml "$(ls "$OUTBOX" | grep -c '\.eml$')" 8
check_eq rerun-already-queued "$($PY -c 'import json,sys; m=json.load(open(sys.argv[1]))["mail"]; print(m["queued"], m["already_queued"])' "$WORK/again.json")" "0 8"

# --- --smtp replaces the batch's server; with the server down every message is
# deferred: 75, and each stays in the outbox for the next run (needs src/mail/).
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_cr --db "$DB" run "$B/batch.xml" --date 2026-10-05 --smtp "smtp://127.0.0.1:$port" \
    --summary "$WORK/down.json"
check_eq smtp-down-exit "$RC" 75
check_contains smtp-down-says "$ERR" "(left in the outbox for the next run)"
check_contains smtp-down-names-file "$ERR" "csmreport: $OUTBOX/"
check_eq smtp-down-kept "$(ls "$OUTBOX" | grep -c '\.eml$')" 8
check_eq smtp-down-summary "$($PY -c 'import json,sys; s=json.load(open(sys.argv[1])); m=s["mail"]; print(m["transport"], m["sent"], m["deferred"], s["exit_code"])' "$WORK/down.json")" \
    "smtp://127.0.0.1:$port 0 8 75"

# --- The lock: a run while another holds it stops at once with 75.
# The holder keeps the lock until a line arrives on a fifo.
rm -f "$WORK/held"
mkfifo "$WORK/release"
flock "$DB.lock" sh -c "touch '$WORK/held'; read x <'$WORK/release'" &
holder=$!
i=0
while [ ! -e "$WORK/held" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
before=$(ls -lR "$B/out" | md5sum)
t0=$(date +%s)
run_cr --db "$DB" run "$B/batch.xml" --date 2026-10-05
t1=$(date +%s)
check_eq lock-exit "$RC" 75
check_contains lock-message "$ERR" "another run holds the lock"
check_contains lock-names-file "$ERR" "store.db.lock"
check_eq lock-at-once "$([ $((t1 - t0)) -le 2 ] && echo yes || echo "no: $((t1 - t0)) s")" yes
check_eq lock-nothing-written "$(ls -lR "$B/out" | md5sum)" "$before"
echo go >"$WORK/release"
wait "$holder"
run_cr --db "$DB" run "$B/batch.xml" --date 2026-10-05
check_eq lock-released "$RC" 0

# --- --dry-run changes nothing and says what it would do.
digest=$(db_digest "$DB")
imports=$(sqlite3 "$DB" 'SELECT count(*) FROM import_log')
tree=$(ls -lR "$B" | md5sum)
rm -f "$DB.lock"
run_cr --db "$DB" run "$B/batch.xml" --date 2026-10-05 --dry-run
check_eq dry-exit "$RC" 0
check_eq dry-stderr "$ERR" ""
check_contains dry-import "$OUT" "import  $B/data/accounts.csv"
check_contains dry-render "$OUT" \
    "render  example.xml 2026-Q3 NO-NORDLYS -> $B/out/NO-NORDLYS/NO-NORDLYS_example_2026-Q3.pdf"
check_contains dry-render-partner "$OUT" \
    "render  partner.xml 2026-09 PT-NIHON -> $B/out/partners/PT-NIHON/PT-NIHON_inventory_2026-09.pdf"
check_contains dry-mail-partner "$OUT" "mail    partner.xml 2026-09 PT-NIHON to csm@nihon-collab.example"
check_contains dry-mail "$OUT" "mail    example.xml 2026-Q3 GB-GLEN to it@glenmorven.example"
check_contains dry-send "$OUT" "send    nothing: no server named"
check_eq dry-db-unchanged "$(db_digest "$DB")" "$digest"
check_eq dry-no-import-logged "$(sqlite3 "$DB" 'SELECT count(*) FROM import_log')" "$imports"
check_eq dry-no-files "$(ls -lR "$B" | md5sum)" "$tree"
check_eq dry-no-lock-file "$(ls "$WORK" | grep -c 'lock')" 0
# Without --date: today in the batch's zone (Europe/Oslo).
want=$($PY -c 'import datetime, zoneinfo
d = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Oslo")).date()
q = (d.month - 1) // 3
print("%d-Q%d" % ((d.year - 1, 4) if q == 0 else (d.year, q)))')
run_cr --db "$DB" run "$B/batch.xml" --dry-run
check_contains dry-today-in-zone "$OUT" "render  example.xml $want NO-NORDLYS"
run_cr --db "$WORK/none.db" run "$B/batch.xml" --date 2026-10-05 --dry-run --out "$WORK/dry-out"
check_eq dry-new-db-exit "$RC" 0
check_contains dry-new-db-says "$OUT" "the database does not exist yet"
check_eq dry-new-db-not-created "$(ls "$WORK" | grep -c 'none.db\|dry-out')" 0

# --- A failing input and a failing report: reported, the rest done, 65.
rm -rf "$B/out"
run_cr --db "$WORK/bad.db" run "$B/bad-input.xml" --date 2026-10-05 --summary "$WORK/bad.json"
check_eq bad-exit "$RC" 65
check_contains bad-row-position "$ERR" "$B/bad/tickets.csv:2:29: priority"
check_contains bad-row-count "$ERR" "2 bad rows; nothing imported from this file"
check_contains bad-glob "$ERR" "bad-input.xml:7: no file matches"
check_contains bad-account "$ERR" "unknown account 'NO-SUCH-ACCOUNT'"
check_contains bad-summary-line "$ERR" "imports 10 ok, 2 failed; reports 1 written, 1 failed"
if [ -s "$B/out/GB-GLEN/GB-GLEN_example_2026-Q3.pdf" ]; then pass bad-rest-rendered; else fail bad-rest-rendered "GB-GLEN not rendered"; fi
check_eq bad-nothing-of-the-file "$(sqlite3 "$WORK/bad.db" "SELECT count(*) FROM tickets WHERE ticket_id LIKE 'GB-900%'")" 0
$PY - "$WORK/bad.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
def eq(name, got, want):
    print(("PASS %s" % name) if got == want else ("FAIL %s: got %r, want %r" % (name, got, want)))
eq("bad-summary-exit", s["exit_code"], 65)
failed = [(i["file"].rsplit("/", 1)[-1], i["exit_code"]) for i in s["imports"] if i["status"] == "failed"]
eq("bad-summary-imports", failed, [("tickets.csv", 65), ("missing-*.csv", 66)])
eq("bad-summary-reports", [(r["status"], r["written"]) for r in s["reports"]], [("failed", 0), ("ok", 1)])
eq("bad-summary-report-code", s["reports"][0].get("exit_code"), 65)
EOF

# --- A message that cannot be queued (an address that does not parse) is
# reported, the others are queued: 65 (needs src/mail/).
cp "$DB" "$WORK/addr.db"
sqlite3 "$WORK/addr.db" "UPDATE accounts SET recipients = 'not an address' WHERE account_id = 'GB-GLEN'"
run_cr --db "$WORK/addr.db" run "$B/no-import.xml" --summary "$WORK/addr.json"
check_eq bad-address-exit "$RC" 65
check_contains bad-address-names-account "$ERR" "mail of example.xml 2026-Q3 for GB-GLEN"
check_eq bad-address-others-queued "$(ls "$B/outbox-no-import" | grep -c '\.eml$')" 5
check_eq bad-address-summary "$($PY -c 'import json,sys; m=json.load(open(sys.argv[1]))["mail"]; print(m["queued"], m["failed_to_queue"], [x["subject_id"] for x in m["messages"] if x["status"] == "failed"])' "$WORK/addr.json")" \
    "5 1 ['GB-GLEN']"

# --- skip-bad-rows: a warning line and exit 0; the rejects file is never
# imported by the glob of the next run.
printf 'ticket_id,account_id,site_id,serial,model,priority,status,opened_at,closed_at,cloud_partner,rma_number,rma_approved_at,shipped_at,delivered_at,root_cause,updated_at\nGB-9003,GB-GLEN,Edinburgh,,,P2,Open,2026-09-02 10:00,,,,,,,,\n' \
    >"$B/bad/tickets-good.csv"
run_cr --db "$WORK/skip.db" run "$B/skip-bad-rows.xml" --summary "$WORK/skip.json"
check_eq skip-exit "$RC" 0
check_eq skip-one-warning "$(printf '%s\n' "$ERR" | grep -c 'warning: .*tickets.csv: 2 rows rejected, written to')" 1
check_eq skip-good-rows "$(sqlite3 "$WORK/skip.db" "SELECT count(*) FROM tickets WHERE ticket_id LIKE 'GB-900%'")" 1
check_eq skip-rejects-written "$(ls "$B/bad" | grep -c 'tickets.csv.rejected.csv')" 1
run_cr --db "$WORK/skip.db" run "$B/skip-bad-rows.xml" --summary "$WORK/skip2.json"
check_eq skip-rerun-files "$($PY -c 'import json,sys; print(" ".join(sorted(i["file"].rsplit("/",1)[-1] for i in json.load(open(sys.argv[1]))["imports"] if "/bad/" in i["file"])))' "$WORK/skip2.json")" \
    "tickets-good.csv tickets.csv"

# --- Invalid batch files: 78 with file:line, nothing done.
for f in invalid-selection:3 invalid-schema:4 invalid-doctype:2; do
    name=${f%%:*} line=${f#*:}
    run_cr --db "$WORK/inv.db" run "$B/$name.xml"
    check_eq "$name-exit" "$RC" 78
    check_contains "$name-position" "$ERR" "csmreport: $B/$name.xml:$line"
done
check_eq invalid-no-db "$(ls "$WORK" | grep -c '^inv.db')" 0
run_cr --db "$WORK/inv.db" run "$WORK/no-such-batch.xml"
check_eq missing-batch-exit "$RC" 66
unset CR_E2E_SMTP_PASSWORD
run_cr --db "$WORK/inv.db" run "$B/smtp-password.xml" --date 2026-10-05
check_eq smtp-password-unset-exit "$RC" 78
check_contains smtp-password-unset-says "$ERR" "CR_E2E_SMTP_PASSWORD is not set"
check_eq smtp-password-nothing-imported "$(ls "$WORK" | grep -c '^inv.db')" 0
run_cr --db "$WORK/inv.db" run "$B/smtp-password-file.xml"
check_eq smtp-password-file-exit "$RC" 78
check_contains smtp-password-file-says "$ERR" "cannot read the SMTP password file $B/secrets/missing"
run_cr --db "$WORK/inv.db" run "$B/batch.xml" --smtp "http://x"
check_eq smtp-bad-url-exit "$RC" 64
run_cr --db "$WORK/inv.db" run "$B/batch.xml" --date 2026-02-30
check_eq bad-date-exit "$RC" 64

# --- samples/batch.xml is a valid batch file (xmllint, the schema as shipped).
if xmllint --noout --schema "$TOP/templates/batch.xsd" "$TOP/samples/batch.xml" 2>"$WORK/lint"; then
    pass samples-batch-valid
else
    fail samples-batch-valid "$(cat "$WORK/lint")"
fi
run_cr --db "$WORK/samples.db" run "$TOP/samples/batch.xml" --date 2026-10-05 --dry-run
check_eq samples-batch-dry-run "$RC" 0

# --- the shipped batch for real, twice for the same date: the second run
# imports the same files again and renders again, and queues no new message
# (the reports' bytes, and so the mail keys, are the same).
SO=$WORK/samples-out
run_cr --db "$WORK/samples.db" run "$TOP/samples/batch.xml" --date 2026-10-05 --out "$SO"
check_eq samples-batch-exit "$RC" 0
check_eq samples-batch-silent "$OUT$ERR" ""
ls "$SO"/outbox/*.eml 2>/dev/null | sort >"$WORK/eml1"
check_eq samples-batch-messages "$(wc -l <"$WORK/eml1" | tr -d ' ')" 8
check_eq samples-batch-files "$(find "$SO" -name '*.pdf' | wc -l | tr -d ' ') $(find "$SO" -name '*.xlsx' | wc -l | tr -d ' ')" "8 8"
run_cr --db "$WORK/samples.db" run "$TOP/samples/batch.xml" --date 2026-10-05 --out "$SO" \
    --summary "$WORK/samples-again.json"
check_eq samples-batch-rerun-exit "$RC" 0
ls "$SO"/outbox/*.eml 2>/dev/null | sort >"$WORK/eml2"
check_eq samples-batch-rerun-same-outbox "$(cmp -s "$WORK/eml1" "$WORK/eml2" && echo same)" same
check_eq samples-batch-rerun-nothing-queued \
    "$($PY -c 'import json,sys; m=json.load(open(sys.argv[1]))["mail"]; print(m.get("queued"))' "$WORK/samples-again.json")" 0

# --- render --summary has the same shape for its part.
run_cr --db "$DB" render --template "$B/templates/example.xml" --partner PT-INTEGRA \
    --period 2026-Q3 --out "$WORK/r" --pdf --summary "$WORK/render.json"
check_eq render-summary-exit "$RC" 0
$PY - "$WORK/render.json" "$WORK/r" <<'EOF'
import json, os, sys
s = json.load(open(sys.argv[1]))
def eq(name, got, want):
    print(("PASS %s" % name) if got == want else ("FAIL %s: got %r, want %r" % (name, got, want)))
eq("render-summary-command", s["command"], "render")
eq("render-summary-exit-code", s["exit_code"], 0)
r = s["reports"][0]
eq("render-summary-counts", (r["period"], r["selected"], r["written"], r["failed"]), ("2026-Q3", 2, 2, 0))
eq("render-summary-files", sorted(os.path.relpath(f, sys.argv[2]) for f in r["files"]),
   ["FR-ECLAIR/FR-ECLAIR_example_2026-Q3.pdf", "FR-TILLEULS/FR-TILLEULS_example_2026-Q3.pdf"])
EOF
run_cr --db "$DB" render --template "$B/templates/example.xml" --account NO-SUCH \
    --period 2026-Q3 --out "$WORK/r" --summary "$WORK/render-bad.json"
check_eq render-summary-bad-exit "$RC" 65
check_eq render-summary-bad-json "$($PY -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["exit_code"], s["reports"][0]["status"])' "$WORK/render-bad.json")" "65 failed"

# --- A batch's import reads an .xlsx sheet by name (sheet=), and a report on an
# account with nothing to report fails the run unless allow-empty="true".
E="$WORK/empty"
mkdir -p "$E/data"
cp "$TOP"/samples/partners.csv "$TOP"/samples/contracts.csv "$TOP"/samples/catalog.csv "$E/data/"
{ cat "$TOP/samples/accounts.csv"
  printf 'XX-EMPTY,Empty Co,PT-INTEGRA,Integra,poly_plus,2026-01-01,2027-12-31,FR,,Europe/Paris,fr,EUR,,,,\n'
} >"$E/data/accounts.csv"
check_eq batch-empty-accounts-columns "$(head -1 "$E/data/accounts.csv" | tr ',' '\n' | wc -l | tr -d ' ')" \
    "$(tail -1 "$E/data/accounts.csv" | tr ',' '\n' | wc -l | tr -d ' ')"
$PY - "$TOP/samples/devices.csv" "$E/data/devices.xlsx" <<'PYEOF'
import csv, sys
from openpyxl import Workbook
wb = Workbook()
wb.active.title = "Notes"
wb.active["A1"] = "exported for the test; the devices are on the next sheet"
ws = wb.create_sheet("Devices")
for row in csv.reader(open(sys.argv[1], newline="", encoding="utf-8")):
    ws.append(row)
wb.save(sys.argv[2])
PYEOF
cp "$TOP/templates/example.xml" "$E/"
for allow in false true; do
    cat >"$E/batch-$allow.xml" <<XEOF
<?xml version="1.0" encoding="UTF-8"?>
<batch name="empty-$allow">
  <import path="data/*.csv"/>
  <import path="data/devices.xlsx" sheet="Devices"/>
  <report template="example.xml" account="XX-EMPTY" period="2026-Q3" formats="pdf"
          allow-empty="$allow"/>
  <report template="example.xml" account="FR-ECLAIR" period="2026-Q3" formats="pdf"/>
</batch>
XEOF
    run_cr --db "$WORK/empty-$allow.db" run "$E/batch-$allow.xml" --out "$E/out-$allow" \
        --summary "$E/summary-$allow.json"
done
check_eq batch-sheet-devices-imported \
    "$(sqlite3 "$WORK/empty-true.db" 'SELECT count(*) FROM devices')" \
    "$(($(wc -l <"$TOP/samples/devices.csv") - 1))"
check_eq batch-empty-fails-the-run "$($PY -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["exit_code"])' "$E/summary-false.json")" 65
check_contains batch-empty-reason "$(cat "$E/summary-false.json")" "no inventory on or before 2026-09-30"
check_eq batch-empty-others-rendered "$(ls "$E/out-false/FR-ECLAIR/" 2>/dev/null)" "FR-ECLAIR_example_2026-Q3.pdf"
check_eq batch-empty-not-rendered "$(ls "$E/out-false/XX-EMPTY" 2>/dev/null | wc -l | tr -d ' ')" 0
check_eq batch-allow-empty-exit "$($PY -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["exit_code"])' "$E/summary-true.json")" 0
pdftotext "$E/out-true/XX-EMPTY/XX-EMPTY_example_2026-Q3.pdf" "$WORK/empty.txt" 2>/dev/null
check_contains batch-allow-empty-no-data-page "$(cat "$WORK/empty.txt")" "Aucune donnée pour cette période"
