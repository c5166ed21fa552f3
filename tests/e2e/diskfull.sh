#!/bin/sh
# diskfull.sh - a full disk during an import, a render and the mail outbox
# of a batch run: exit 74 with a message, nothing half-written (no temporary
# file left, the store passes integrity_check and holds the data it held
# before), the previous reports and messages untouched. Two ways to fill it:
# the file size limit (ulimit -f: a write fails with EFBIG, the process must
# not die of SIGXFSZ) and, where mount is permitted, a small tmpfs (ENOSPC);
# without mount the tmpfs part prints a SKIP line.
. "$(dirname "$0")/lib.sh"
S=$TOP/samples
MNT=$WORK/mnt
trap 'umount "$MNT" 2>/dev/null; rm -rf "$WORK"' EXIT
export SOURCE_DATE_EPOCH=1790000000

# ulimit -f counts blocks of 512 bytes in dash, 1024 in bash: measure
sh -c 'ulimit -f 1; head -c 4096 /dev/zero >"$1"' sh "$WORK/probe" >/dev/null 2>&1
UNIT=$(stat -c %s "$WORK/probe")
limit_kb() { ulimit -f $(($1 * 1024 / UNIT)); }

# The store before: everything but the device inventory, then what the
# failed device import must leave as it is.
run_cr import --db "$WORK/base.db" "$S/partners.csv" "$S/accounts.csv" "$S/contracts.csv" \
    "$S/catalog.csv" "$S/firmware.csv" "$S/holidays.csv" "$S/tickets.csv" "$S/usage.csv"
[ "$RC" -eq 0 ] || { fail diskfull-setup "import: exit $RC: $ERR"; exit 1; }
BASE=$(db_digest "$WORK/base.db")
import_samples "$WORK/full.db" diskfull-setup
render_to() { # OUT: every sample account's QBR into OUT
    "$CSMREPORT" render --db "$WORK/full.db" --template "$TOP/templates/qbr.xml" --all \
        --period 2026-Q3 --out "$1" --quiet
}
sums() { (cd "$1" && find . -type f | xargs -r md5sum | LC_ALL=C sort); }
SOURCE_DATE_EPOCH=1780000000 render_to "$WORK/prev" || { fail diskfull-setup "render"; exit 1; }
sums "$WORK/prev" >"$WORK/prev.md5"

# check_import WHAT DB: the failed device import left the store as it was
check_import() {
    check_eq "$1: exit 74" "$RC" 74
    check_contains "$1: says why" "$ERR" "csmreport: "
    echo "$1: $ERR"
    check_eq "$1: integrity_check" "$(sqlite3 "$2" 'PRAGMA integrity_check' 2>&1)" ok
    check_eq "$1: the store as it was" "$(db_digest "$2")" "$BASE"
    check_eq "$1: nothing left beside the store" \
        "$(ls -A "$(dirname "$2")" | grep -v -e '\.db$' -e '\.db-wal$' -e '\.db-shm$' | tr '\n' ' ')" ""
}
# check_render WHAT OUT: the failed render left the previous reports
check_render() {
    check_eq "$1: exit 74" "$RC" 74
    check_contains "$1: says why" "$ERR" "csmreport: "
    echo "$1: $ERR"
    sums "$2" >"$WORK/got.md5"
    if cmp -s "$WORK/got.md5" "$WORK/prev.md5"; then
        pass "$1: every previous report intact, no temporary file"
    else
        fail "$1: every previous report intact, no temporary file" \
            "$(diff "$WORK/prev.md5" "$WORK/got.md5" | head -c 600)"
    fi
}
BATCH=$WORK/batch.xml
cat >"$BATCH" <<XML
<batch name="diskfull" timezone="UTC">
  <report template="$TOP/templates/qbr.xml" account="FR-ECLAIR" period="2026-Q3" mail="true"/>
  <mail from="csm@poly.example" outbox="outbox"/>
</batch>
XML
# check_mail WHAT BOX: the outbox holds what it held (the previous message)
check_mail() {
    check_eq "$1: exit 74" "$RC" 74
    check_contains "$1: says why" "$ERR" "csmreport: "
    echo "$1: $ERR"
    check_eq "$1: the outbox as it was" "$(cd "$2" && ls -A | grep -v '^\.lock$' | xargs -r md5sum)" \
        "$PREV_MAIL"
}

# ---- ulimit -f
mkdir -p "$WORK/u"
cp "$WORK/base.db" "$WORK/u/u.db"
( limit_kb 64; exec "$CSMREPORT" import --db "$WORK/u/u.db" "$S/devices.csv" ) >"$WORK/out" 2>"$WORK/err"
RC=$?; ERR=$(cat "$WORK/err")
check_import "ulimit -f 64 KiB: import" "$WORK/u/u.db"

cp -a "$WORK/prev" "$WORK/uout"
( limit_kb 32; render_to "$WORK/uout" ) >"$WORK/out" 2>"$WORK/err"
RC=$?; ERR=$(cat "$WORK/err")
check_render "ulimit -f 32 KiB: render" "$WORK/uout"

# the batch: its reports fit (under 64 KiB), its message (base64 of both, over
# 100 KiB) does not; a message of an earlier run waits in the outbox
mkdir -p "$WORK/mail"
cp "$BATCH" "$WORK/mail/batch.xml"
run_cr run --db "$WORK/full.db" "$WORK/mail/batch.xml" --out "$WORK/mail/out" --date 2026-10-01
[ "$RC" -eq 0 ] || { fail diskfull-setup "batch: exit $RC: $ERR"; exit 1; }
PREV_MAIL=$(cd "$WORK/mail/outbox" && ls -A | grep -v '^\.lock$' | xargs -r md5sum)
( limit_kb 96; exec "$CSMREPORT" run --db "$WORK/full.db" "$WORK/mail/batch.xml" \
    --out "$WORK/mail/out" --date 2026-10-02 ) >"$WORK/out" 2>"$WORK/err"
RC=$?; ERR=$(cat "$WORK/err")
check_mail "ulimit -f 96 KiB: mail outbox" "$WORK/mail/outbox"

# ---- a small tmpfs
mkdir -p "$MNT"
if ! mount -t tmpfs -o size=4m tmpfs "$MNT" 2>"$WORK/mount.err"; then
    echo "SKIP diskfull tmpfs: mount not permitted here ($(head -c 200 "$WORK/mount.err"))"
    exit 0
fi
# fill: leave $1 KiB free
fill_to() {
    rm -f "$MNT/filler"
    free=$(df -k --output=avail "$MNT" | tail -1)
    [ "$free" -le "$1" ] || head -c $(( (free - $1) * 1024 )) /dev/zero >"$MNT/filler" 2>/dev/null
}
mkdir -p "$MNT/store"
cp "$WORK/base.db" "$MNT/store/t.db"
fill_to 48
run_cr import --db "$MNT/store/t.db" "$S/devices.csv"
check_import "tmpfs full: import" "$MNT/store/t.db"
rm -rf "$MNT/store"

cp -a "$WORK/prev" "$MNT/out"
fill_to 40
run_cr render --db "$WORK/full.db" --template "$TOP/templates/qbr.xml" --all --period 2026-Q3 \
    --out "$MNT/out" --quiet
check_render "tmpfs full: render" "$MNT/out"
rm -rf "$MNT/out"

cp -a "$WORK/mail" "$MNT/mail"
fill_to 96
run_cr run --db "$WORK/full.db" "$MNT/mail/batch.xml" --out "$MNT/mail/out" --date 2026-10-02
check_mail "tmpfs full: mail outbox" "$MNT/mail/outbox"
