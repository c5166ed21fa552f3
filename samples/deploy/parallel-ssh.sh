#!/bin/sh
# parallel-ssh.sh - render every account's report for one period on a few
# machines reached by ssh, with GNU parallel: shard K of N renders
# `--shard K/N` (all accounts of one partner in the same shard) on whichever
# host is free; the store and the template are copied to each host once, each
# shard's folder comes back with rsync and is merged into OUT. The union is
# exactly what one `csmreport render --all` writes.
#
# Use:  parallel-ssh.sh HOSTS_FILE N PERIOD
#       e.g. DB=csmreport.db OUT=out parallel-ssh.sh hosts.txt 8 2026-Q3
# HOSTS_FILE is a GNU parallel --sshloginfile: one `[jobs/][user@]host` a line
# (see man parallel). Every host needs csmreport installed, rsync, and ssh
# without a password prompt.
#
# Settings (environment, with defaults): DB=csmreport.db,
# TEMPLATE=/usr/local/share/csmreport/templates/qbr.xml (a file here, copied
# to the hosts), OUT=out, CSMREPORT=csmreport (the program on the hosts),
# JOBS=1 shards at a time per host, THREADS=2 render threads per shard,
# REMOTE_DIR=csmreport-shards (on the hosts, under the login folder).
#
# Exit status: 0 when every shard was rendered and came back, else GNU
# parallel's (the number of failed shards) or the number of shards that did
# not come back; what came back is merged anyway.
set -eu

if [ $# -ne 3 ]; then
    echo "usage: parallel-ssh.sh HOSTS_FILE N PERIOD" >&2
    exit 64
fi
HOSTS=$1 N=$2 PERIOD=$3
case $N in '' | *[!0-9]* | 0*) echo "parallel-ssh.sh: N must be a number from 1, not '$N'" >&2; exit 64 ;; esac
DB=${DB:-csmreport.db}
TEMPLATE=${TEMPLATE:-/usr/local/share/csmreport/templates/qbr.xml}
OUT=${OUT:-out}
CSMREPORT=${CSMREPORT:-csmreport}
JOBS=${JOBS:-1} THREADS=${THREADS:-2} REMOTE_DIR=${REMOTE_DIR:-csmreport-shards}
case $REMOTE_DIR in '' | /* | *..*) echo "parallel-ssh.sh: REMOTE_DIR must be a folder under the login folder" >&2; exit 64 ;; esac

mkdir -p "$OUT"
HOSTS=$(cd "$(dirname "$HOSTS")" && pwd)/$(basename "$HOSTS")
OUT=$(cd "$OUT" && pwd)

# parallel sends files by their path relative to the current folder: stage a
# quiet copy of the store (no import may run meanwhile) and the template.
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/csmreport-shards.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
cp "$DB" "$STAGE/csmreport.db"
if [ -e "$DB-wal" ]; then cp "$DB-wal" "$STAGE/csmreport.db-wal"; fi
cp "$TEMPLATE" "$STAGE/template.xml"
cd "$STAGE"

# A fresh folder on every host: nothing left from an earlier run can come back.
clean_hosts() {
    parallel --will-cite --nonall --sshloginfile "$HOSTS" rm -rf "./$REMOTE_DIR"
}
clean_hosts
rc=0
seq 1 "$N" | parallel --will-cite --sshloginfile "$HOSTS" --jobs "$JOBS" --tag \
    --workdir "$REMOTE_DIR" --basefile csmreport.db --basefile template.xml \
    --return 'shard-{}' \
    mkdir -p 'shard-{}' '&&' "$CSMREPORT" render --db csmreport.db --template template.xml --all \
    --period "$PERIOD" --shard '{}'/"$N" --out 'shard-{}' -j "$THREADS" --quiet || rc=$?

# Shards never share a file, so merging them is a plain copy. Every shard that
# ran made its folder (an empty shard an empty one): a missing folder is a shard
# that did not run or did not come back, whatever parallel's status says.
missing=0
for k in $(seq 1 "$N"); do
    if [ -d "shard-$k" ]; then
        rsync -a "shard-$k/" "$OUT/"
    else
        echo "parallel-ssh.sh: shard $k/$N did not come back" >&2
        missing=$((missing + 1))
    fi
done
clean_hosts || true
if [ "$rc" -eq 0 ]; then rc=$missing; fi
exit "$rc"
