# mail.sh - the outbox end to end against a real SMTP server on loopback
# (tests/tools/smtpd.py, aiosmtpd) and a fake sendmail.
#
# The attachments are a real deck and workbook rendered from samples/. The
# driver is build/tests/test_mail (its "queue" and "send" modes). Checked:
# the received messages' headers, MIME structure, content types, RFC 2231 file
# names and the sha256 of each decoded attachment (python3 email module); a
# server that answers 451 then accepts; a server that is down; a re-run that
# sends nothing twice; a 550 moved to failed/; header injection and bad
# addresses refused with nothing queued; sendmail transport. Every wait is
# bounded, and every server exits by itself after 60 s.
. "$TOP/tests/e2e/lib.sh"

TM=$BUILD/tests/test_mail
SMTPD=$TOP/tests/tools/smtpd.py
[ -x "$TM" ] || { fail "mail: driver" "$TM missing (make check-tests builds it)"; exit 1; }
$PY -c 'import aiosmtpd' 2>/dev/null || { fail "mail: aiosmtpd" "python3-aiosmtpd missing (make deps)"; exit 1; }

# ---- real attachments: FR-ECLAIR's example deck and workbook
DB=$WORK/db
for f in partners accounts contracts catalog firmware holidays devices tickets usage calls; do
    "$CSMREPORT" import --db "$DB" "$TOP/samples/$f.csv" >/dev/null 2>&1 || fail "mail: import $f" "exit $?"
done
run_cr render --db "$DB" --template "$TOP/templates/example.xml" --account FR-ECLAIR --period 2026-Q3 --out "$WORK/rendered"
check_eq "mail: render the attachments" "$RC" 0
PDF=$WORK/rendered/FR-ECLAIR/FR-ECLAIR_example_2026-Q3.pdf
XLSX=$WORK/rendered/FR-ECLAIR/FR-ECLAIR_example_2026-Q3.xlsx
[ -s "$PDF" ] && [ -s "$XLSX" ] || { fail "mail: rendered files" "missing"; exit 1; }
TO_A=$(sqlite3 "$DB" "SELECT recipients FROM accounts WHERE account_id = 'FR-ECLAIR'")
check_eq "mail: FR-ECLAIR's recipients from accounts.csv" "$TO_A" "dsi@eclairage-dupont.example"
TO_B=$(sqlite3 "$DB" "SELECT recipients FROM partners WHERE partner_id = 'PT-INTEGRA'")
FROM='Camille Lefèvre <camille.lefevre@integra-systemes.example>'
SUBJ_A='Revue trimestrielle T3 2026 – Éclairage Dupont & Fils'
SUBJ_B='Rapport partenaire T3 2026 – Intégra'
OB=$WORK/outbox
EPOCH=1790000000

# start_server DIR MODE [N]: starts smtpd.py, sets $PORT and $SPID (waits at most 10 s)
# (SMTPD_TLS: extra arguments, e.g. --tls starttls --cert C --key K)
start_server() {
    rm -f "$WORK/port"
    # shellcheck disable=SC2086 # SMTPD_TLS is split into arguments on purpose
    $PY "$SMTPD" --dir "$1" --port-file "$WORK/port" --mode "$2" --tempfail "${3:-1}" \
        --lifetime 60 ${SMTPD_TLS:-} >"$WORK/smtpd.log" 2>&1 &
    SPID=$!
    i=0
    while [ ! -s "$WORK/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    PORT=$(cat "$WORK/port" 2>/dev/null)
    [ -n "$PORT" ] || { fail "mail: server start" "$(head -c 400 "$WORK/smtpd.log")"; exit 1; }
}
stop_server() { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }
trap 'kill "$SPID" 2>/dev/null; rm -rf "$WORK"' EXIT
SPID=

queue() { # queue OUTBOX TO SUBJECT RUN_DATE: the PDF and XLSX, sets $OUT $ERR $RC
    "$TM" queue "$1" "$FROM" "$2" "$3" nightly "$4" "$EPOCH" \
        "$PDF=Éclairage Dupont_QBR_2026-Q3.pdf" "$XLSX=FR-ECLAIR_QBR_2026-Q3.xlsx" \
        >"$WORK/out" 2>"$WORK/err"
    RC=$?; OUT=$(cat "$WORK/out"); ERR=$(cat "$WORK/err")
}
send() { # send OUTBOX smtp|sendmail TARGET
    "$TM" send "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?; OUT=$(cat "$WORK/out"); ERR=$(cat "$WORK/err")
}
emls() { find "$1" -maxdepth 1 -name '*.eml' 2>/dev/null | wc -l | tr -d ' '; }

# ---- 1. two messages queued, sent, received whole
export MAIL_BODY="Bonjour,
voici la revue trimestrielle T3 2026 d'Éclairage Dupont & Fils.
Adoption : 87,5 %. Taux RMA casques : 2,1 %.
"
queue "$OB" "$TO_A" "$SUBJ_A" 2026-10-01
check_eq "mail: queue A exit" "$RC" 0
check_contains "mail: queue A queued" "$OUT" "queued 2026-10-01_nightly_"
queue "$OB" "$TO_B" "$SUBJ_B" 2026-10-01
check_eq "mail: queue B queued" "${OUT%% *}" queued
check_eq "mail: two .eml in the outbox" "$(emls "$OB")" 2

RX=$WORK/rx1
start_server "$RX" accept
send "$OB" smtp "smtp://127.0.0.1:$PORT"
check_eq "mail: send exit" "$RC" 0
check_contains "mail: send summary" "$OUT" "summary sent=2 deferred=0 failed=0"
check_eq "mail: server received two" "$(emls "$RX")" 2
check_eq "mail: outbox empty" "$(emls "$OB")" 0
check_eq "mail: two in sent/" "$(emls "$OB/sent")" 2
check_eq "mail: two lines in sent.log" "$(wc -l <"$OB/sent.log" | tr -d ' ')" 2

# Every received message read back by Python's email module.
cat >"$WORK/check.py" <<'EOF'
import email, email.policy, email.utils, hashlib, json, re, sys
rx, pdf, xlsx, frm = sys.argv[1:5]
want = {a.split("|")[0]: a.split("|")[1:] for a in sys.argv[5:]}   # subject -> [to...]
sha = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
ok = lambda name, cond, why="": print(("PASS " if cond else "FAIL ") + name + ("" if cond else ": " + why))
import glob, os
for path in sorted(glob.glob(os.path.join(rx, "*.eml"))):
    raw = open(path, "rb").read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    env = json.load(open(path[:-4] + ".json"))
    subj = str(m["Subject"])
    n = "mail: message '%s'" % subj
    ok(n + " subject expected", subj in want, subj)
    to = want.get(subj, [])
    ok(n + " From", str(m["From"]) == frm, str(m["From"]))
    ok(n + " To", [a.addr_spec for a in m["To"].addresses] == to, str(m["To"]))
    ok(n + " envelope", env["rcpt_tos"] == to and env["mail_from"] == "camille.lefevre@integra-systemes.example", str(env))
    ok(n + " Date", email.utils.parsedate_to_datetime(str(m["Date"])).timestamp() == 1790000000, str(m["Date"]))
    key = str(m["X-Csmreport-Key"])
    ok(n + " key", re.fullmatch("[0-9a-f]{64}", key) is not None, key)
    ok(n + " Message-ID", str(m["Message-ID"]) == "<%s@integra-systemes.example>" % key, str(m["Message-ID"]))
    ok(n + " MIME-Version", str(m["MIME-Version"]) == "1.0")
    ok(n + " raw subject RFC 2047", b"=?UTF-8?" in raw.split(b"\r\n\r\n")[0].split(b"\n\n")[0])
    ok(n + " multipart/mixed", m.get_content_type() == "multipart/mixed", m.get_content_type())
    parts = list(m.iter_parts())
    ok(n + " three parts", len(parts) == 3, str(len(parts)))
    if len(parts) != 3:
        continue
    t, p, x = parts
    ok(n + " body text/plain utf-8", t.get_content_type() == "text/plain" and t.get_content_charset() == "utf-8")
    ok(n + " body decoded", "Éclairage Dupont & Fils" in t.get_content() and "87,5 %" in t.get_content())
    ok(n + " pdf content type", p.get_content_type() == "application/pdf", p.get_content_type())
    ok(n + " xlsx content type", x.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", x.get_content_type())
    ok(n + " pdf file name (RFC 2231)", p.get_filename() == "Éclairage Dupont_QBR_2026-Q3.pdf", str(p.get_filename()))
    ok(n + " pdf filename* in the raw header", "filename*=UTF-8''%C3%89clairage%20Dupont_QBR_2026-Q3.pdf" in p["Content-Disposition"].encode() if hasattr(p["Content-Disposition"], "encode") else False)
    ok(n + " xlsx file name", x.get_filename() == "FR-ECLAIR_QBR_2026-Q3.xlsx", str(x.get_filename()))
    for part, f in ((p, pdf), (x, xlsx)):
        ok(n + " base64 " + os.path.basename(f), part["Content-Transfer-Encoding"] == "base64")
        ok(n + " attachment disposition " + os.path.basename(f), part.get_content_disposition() == "attachment")
        got = hashlib.sha256(part.get_payload(decode=True)).hexdigest()
        ok(n + " sha256 " + os.path.basename(f), got == sha(f), got)
EOF
to_list() { printf '%s' "$1" | tr ';' ' '; }
# shellcheck disable=SC2046
$PY "$WORK/check.py" "$RX" "$PDF" "$XLSX" "$FROM" \
    "$SUBJ_A|$(to_list "$TO_A")" "$SUBJ_B|$(echo "$TO_B" | tr ';' '|')"
grep -q "filename\*=UTF-8''%C3%89clairage%20Dupont_QBR_2026-Q3.pdf" "$RX/001.eml" &&
    pass "mail: RFC 2231 filename* on the wire" || fail "mail: RFC 2231 filename* on the wire" "not in 001.eml"

# ---- 2. re-run for the same date: already sent, nothing sent twice
queue "$OB" "$TO_A" "$SUBJ_A" 2026-10-01
check_contains "mail: re-queue A: already sent" "$OUT" "already-sent 2026-10-01_nightly_"
queue "$OB" "$TO_B" "Another subject, same key" 2026-10-01
check_eq "mail: re-queue B (other subject): already sent" "${OUT%% *}" already-sent
send "$OB" smtp "smtp://127.0.0.1:$PORT"
check_contains "mail: re-run sends nothing" "$OUT" "summary sent=0 deferred=0 failed=0"
check_eq "mail: still two received" "$(emls "$RX")" 2
stop_server

# ---- 3. server down: nothing lost, delivered by the next run
queue "$OB" "$TO_A" "$SUBJ_A" 2026-10-02
check_eq "mail: queue C" "${OUT%% *}" queued
C_NAME=${OUT#queued }
# a port nothing listens on: the one the stopped server had
start=$(date +%s)
send "$OB" smtp "smtp://127.0.0.1:$PORT" 5
check_eq "mail: server down: exit 0" "$RC" 0
check_contains "mail: server down: deferred" "$OUT" "summary sent=0 deferred=1 failed=0"
check_contains "mail: server down: the reason" "$OUT" "deferred $C_NAME: smtp://127.0.0.1:$PORT"
check_eq "mail: server down: still in the outbox" "$(emls "$OB")" 1
[ $(( $(date +%s) - start )) -le 6 ] && pass "mail: server down: answered within the time-out" ||
    fail "mail: server down: answered within the time-out" "took $(( $(date +%s) - start )) s"

# ---- 4. 451 then accept: the first run defers, the second delivers
RX2=$WORK/rx2
start_server "$RX2" tempfail 1
send "$OB" smtp "smtp://127.0.0.1:$PORT"
check_contains "mail: 451: deferred" "$OUT" "summary sent=0 deferred=1 failed=0"
check_contains "mail: 451: the server's reply in the reason" "$OUT" "451 4.3.0 try again later"
check_eq "mail: 451: nothing received" "$(emls "$RX2")" 0
check_eq "mail: 451: still in the outbox" "$(emls "$OB")" 1
send "$OB" smtp "smtp://127.0.0.1:$PORT"
check_contains "mail: after 451: sent" "$OUT" "sent $C_NAME"
check_eq "mail: after 451: received once" "$(emls "$RX2")" 1
check_eq "mail: after 451: outbox empty" "$(emls "$OB")" 0
send "$OB" smtp "smtp://127.0.0.1:$PORT"
check_eq "mail: after 451: a third run sends nothing" "$(emls "$RX2")" 1
stop_server

# ---- 5. 550: permanent, reported by name, moved to failed/
RX3=$WORK/rx3
start_server "$RX3" reject
queue "$OB" "$TO_A" "$SUBJ_A" 2026-10-03
D_NAME=${OUT#queued }
send "$OB" smtp "smtp://127.0.0.1:$PORT"
check_contains "mail: 550: failed by name" "$OUT" "failed $D_NAME: smtp://127.0.0.1:$PORT refused the message: 550"
check_contains "mail: 550: summary" "$OUT" "summary sent=0 deferred=0 failed=1"
[ -f "$OB/failed/$D_NAME" ] && pass "mail: 550: in failed/" || fail "mail: 550: in failed/" "$(ls "$OB" "$OB/failed" 2>&1)"
check_eq "mail: 550: not waiting" "$(emls "$OB")" 0
stop_server

# ---- 5b. TLS: STARTTLS and smtps:// with a certificate the test makes; the
# server's certificate is checked (a CA it does not know defers the message)
if command -v openssl >/dev/null 2>&1; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
        -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
    RXT=$WORK/rx-tls
    SMTPD_TLS="--tls starttls --cert $WORK/cert.pem --key $WORK/key.pem"
    start_server "$RXT" accept
    queue "$OB" "$TO_A" "$SUBJ_A" 2026-10-11
    T_NAME=${OUT#queued }
    send "$OB" smtp "smtp://127.0.0.1:$PORT" 10 tls=required
    check_contains "mail: tls: unknown CA defers" "$OUT" "summary sent=0 deferred=1 failed=0"
    check_eq "mail: tls: unknown CA: still waiting" "$(emls "$OB")" 1
    send "$OB" smtp "smtp://127.0.0.1:$PORT" 10 tls=required "ca=$WORK/cert.pem"
    check_contains "mail: starttls: sent" "$OUT" "summary sent=1 deferred=0 failed=0"
    check_contains "mail: starttls: the data went over TLS" "$(cat "$RXT/log")" "DATA over TLS"
    check_eq "mail: starttls: received once" "$(ls "$RXT" | grep -c 'eml$')" 1
    stop_server
    SMTPD_TLS="--tls implicit --cert $WORK/cert.pem --key $WORK/key.pem"
    RXS=$WORK/rx-smtps
    start_server "$RXS" accept
    queue "$OB" "$TO_A" "$SUBJ_A" 2026-10-12
    send "$OB" smtp "smtps://127.0.0.1:$PORT" 10 "ca=$WORK/cert.pem"
    check_contains "mail: smtps: sent" "$OUT" "summary sent=1 deferred=0 failed=0"
    check_contains "mail: smtps: the data went over TLS" "$(cat "$RXS/log")" "DATA over TLS"
    stop_server
    # a server without TLS, when TLS is required: nothing goes in clear
    SMTPD_TLS=
    RXP=$WORK/rx-plain
    start_server "$RXP" accept
    queue "$OB" "$TO_A" "$SUBJ_A" 2026-10-13
    send "$OB" smtp "smtp://127.0.0.1:$PORT" 10 tls=required
    check_contains "mail: tls required, none offered: deferred" "$OUT" "deferred=1"
    check_eq "mail: tls required, none offered: nothing sent in clear" "$(ls "$RXP" | grep -c 'eml$')" 0
    stop_server
    rm -f "$OB"/*.eml
else
    fail "mail: tls" "openssl is missing (.ci/install-deps installs it)"
fi

# ---- 6. refused before anything is queued
refused() { # NAME TO SUBJECT [FROM]
    before=$(find "$OB" -name '*.eml' | wc -l)
    F=${4:-$FROM}
    "$TM" queue "$OB" "$F" "$2" "$3" nightly 2026-10-04 "$EPOCH" "$PDF" >"$WORK/out" 2>"$WORK/err"
    rc=$?
    check_eq "mail: refused $1: exit 65" "$rc" 65
    check_contains "mail: refused $1: says why" "$(cat "$WORK/err")" "$5"
    check_eq "mail: refused $1: nothing queued" "$(find "$OB" -name '*.eml' | wc -l)" "$before"
}
CR=$(printf '\r')
NL='
'
refused "CR LF in the subject" "$TO_A" "QBR${CR}${NL}Bcc: evil@attacker.example" "" "the subject has a carriage return (CR)"
refused "LF in the From name" "$TO_A" "QBR" "Camille${NL}Bcc: evil@attacker.example <c@integra-systemes.example>" "From has a line feed (LF)"
refused "LF in a recipient name" "Ann${NL} <ann@x.example>" "QBR" "" "To has a line feed (LF)"
refused "malformed address" "dsi@@eclairage-dupont.example" "QBR" "" "is not a mail address"
refused "group syntax" "team: dsi@eclairage-dupont.example;" "QBR" "" "is a group"
refused "empty recipients" ";" "QBR" "" "To: no mail address"
"$TM" queue "$OB" "$FROM" "$TO_A" "QBR" nightly 2026-10-04 "$EPOCH" "$PDF=bad${NL}name.pdf" >"$WORK/out" 2>"$WORK/err"
check_eq "mail: refused LF in a file name: exit 65" "$?" 65
check_contains "mail: refused LF in a file name: says why" "$(cat "$WORK/err")" "the file name of attachment 1 has a line feed"

# ---- 7. sendmail: a fake that stores its input; exit 75 defers
SM=$WORK/sm
mkdir -p "$SM"
cat >"$WORK/fake-sendmail" <<EOF
#!/bin/sh
if [ -f "$WORK/sm-tempfail" ]; then rm -f "$WORK/sm-tempfail"; cat >/dev/null; echo "queue full" >&2; exit 75; fi
n=\$(ls "$SM" | grep -c 'eml\$')
cat >"$SM/\$n.eml"
printf '%s\n' "\$*" >"$SM/\$n.args"
EOF
chmod +x "$WORK/fake-sendmail"
OB2=$WORK/outbox2
queue "$OB2" "$TO_B" "$SUBJ_B" 2026-10-01
touch "$WORK/sm-tempfail"
send "$OB2" sendmail "$WORK/fake-sendmail -t -oi"
check_contains "mail: sendmail exit 75: deferred" "$OUT" "summary sent=0 deferred=1 failed=0"
check_contains "mail: sendmail exit 75: its words in the reason" "$OUT" "queue full"
check_eq "mail: sendmail exit 75: still waiting" "$(emls "$OB2")" 1
send "$OB2" sendmail "$WORK/fake-sendmail -t -oi"
check_contains "mail: sendmail: sent" "$OUT" "summary sent=1 deferred=0 failed=0"
check_eq "mail: sendmail: one message stored" "$(emls "$SM")" 1
check_eq "mail: sendmail: arguments, no shell" "$(cat "$SM/0.args")" "-t -oi"
$PY - "$SM/0.eml" "$PDF" "$XLSX" <<'EOF'
import email, email.policy, hashlib, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
parts = [p for p in m.iter_parts() if p.get_content_disposition() == "attachment"]
sums = [hashlib.sha256(p.get_payload(decode=True)).hexdigest() for p in parts]
want = [hashlib.sha256(open(f, "rb").read()).hexdigest() for f in sys.argv[2:]]
print(("PASS" if sums == want else "FAIL") + " mail: sendmail: attachments' sha256" + ("" if sums == want else ": %s" % sums))
print(("PASS" if str(m["Subject"]) == "Rapport partenaire T3 2026 – Intégra" else "FAIL") + " mail: sendmail: subject")
EOF
send "$OB2" sendmail "$WORK/fake-sendmail -t -oi"
check_eq "mail: sendmail: re-run sends nothing" "$(emls "$SM")" 1
