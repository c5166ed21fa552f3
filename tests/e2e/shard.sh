# shard.sh - `render --shard K/N` splits the work the way samples/deploy/
# relies on: N shards run side by side with GNU parallel write, together,
# exactly the files of one `render --all` (same paths, same bytes with
# SOURCE_DATE_EPOCH fixed), no subject in two shards, all accounts of one
# partner in one shard; a bad --shard is a usage error.
. "$(dirname "$0")/lib.sh"

DB="$WORK/s.db"
N=3
SOURCE_DATE_EPOCH=1767225600 # 2026-01-01: the creation date of every file
export SOURCE_DATE_EPOCH

import_samples "$DB" "shard: samples import"

# digest DIR: "sha256  relative/path" of every file under DIR, sorted by path.
digest() {
    (cd "$1" && find . -type f | LC_ALL=C sort | sed 's|^\./||' | while IFS= read -r f; do
        printf '%s  %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$f"
    done)
}

# check_shards NAME TEMPLATE PERIOD: one run against N shards.
check_shards() {
    name=$1 tpl=$2 period=$3
    one="$WORK/$name/one" split="$WORK/$name/split" shared="$WORK/$name/shared"
    mkdir -p "$one" "$split" "$shared"

    run_cr render --db "$DB" --template "$tpl" --all --period "$period" --out "$one" --quiet
    check_eq "shard $name: single run exit" "$RC" "0"
    digest "$one" >"$WORK/$name/one.sum"
    nfiles=$(wc -l <"$WORK/$name/one.sum")
    if [ "$nfiles" -ge 2 ]; then pass "shard $name: single run wrote $nfiles files"
    else fail "shard $name: single run wrote files" "only $nfiles"; fi

    # N shards side by side, each into its own folder (to see who wrote
    # what), then N shards side by side into one shared folder (as on a
    # cluster's shared file system).
    seq 1 "$N" | parallel --will-cite -j "$N" \
        "$CSMREPORT" render --db "$DB" --template "$tpl" --all --period "$period" \
        --shard {}/"$N" --out "$split/{}" --quiet 2>"$WORK/$name/split.err"
    check_eq "shard $name: $N shards exit (parallel)" "$?" "0"
    seq 1 "$N" | parallel --will-cite -j "$N" \
        "$CSMREPORT" render --db "$DB" --template "$tpl" --all --period "$period" \
        --shard {}/"$N" --out "$shared" --quiet 2>>"$WORK/$name/split.err"
    check_eq "shard $name: $N shards into one folder exit (parallel)" "$?" "0"
    check_eq "shard $name: shards print nothing" "$(cat "$WORK/$name/split.err")" ""

    : >"$WORK/$name/union.sum"
    : >"$WORK/$name/owners"
    nonempty=0
    for k in $(seq 1 "$N"); do
        mkdir -p "$split/$k"
        digest "$split/$k" >"$WORK/$name/$k.sum"
        cat "$WORK/$name/$k.sum" >>"$WORK/$name/union.sum"
        [ -s "$WORK/$name/$k.sum" ] && nonempty=$((nonempty + 1))
        # The subject a file belongs to: its account folder, or
        # partners/ID for a partner report.
        sed 's/^[^ ]*  //' "$WORK/$name/$k.sum" |
            awk -F/ -v k="$k" '{ print ($1 == "partners" ? $1 "/" $2 : $1), k }' >>"$WORK/$name/owners"
    done
    LC_ALL=C sort -k2 -o "$WORK/$name/union.sum" "$WORK/$name/union.sum"
    LC_ALL=C sort -u -o "$WORK/$name/owners" "$WORK/$name/owners"

    check_eq "shard $name: the shards' files are the single run's (paths)" \
        "$(sed 's/^[^ ]*  //' "$WORK/$name/union.sum")" "$(sed 's/^[^ ]*  //' "$WORK/$name/one.sum")"
    check_eq "shard $name: the shards' files are the single run's (sha256)" \
        "$(cat "$WORK/$name/union.sum")" "$(cat "$WORK/$name/one.sum")"
    check_eq "shard $name: no file written by two shards" \
        "$(sed 's/^[^ ]*  //' "$WORK/$name/union.sum" | uniq -d)" ""
    check_eq "shard $name: the shared folder holds the single run's files" \
        "$(digest "$shared")" "$(cat "$WORK/$name/one.sum")"
    check_eq "shard $name: no subject in two shards" \
        "$(cut -d' ' -f1 "$WORK/$name/owners" | uniq -d)" ""
    # A split that put everything in one shard would pass the checks above.
    if [ "$nonempty" -ge 2 ]; then pass "shard $name: $nonempty of $N shards have work"
    else fail "shard $name: the work is split" "only $nonempty of $N shards wrote files"; fi
}

check_shards example "$TOP/templates/example.xml" 2026-Q3

# All accounts of one partner in one shard (samples: PT-INTEGRA has two).
sqlite3 -readonly "$DB" "SELECT account_id, partner_id FROM accounts WHERE partner_id <> ''" \
    >"$WORK/partner_of"
check_contains "shard: the samples have partners" "$(cat "$WORK/partner_of")" "PT-INTEGRA"
bad=""
for p in $(cut -d'|' -f2 "$WORK/partner_of" | sort -u); do
    shards=$(awk -F'|' -v p="$p" '$2 == p { print $1 }' "$WORK/partner_of" | while read -r a; do
        awk -v a="$a" '$1 == a { print $2 }' "$WORK/example/owners"
    done | sort -u | tr '\n' ' ')
    case $shards in
        *" "*" "*) bad="$bad $p:[$shards]" ;;
        "") bad="$bad $p:[no shard]" ;;
    esac
done
check_eq "shard: all accounts of a partner in one shard" "$bad" ""

# A partner report, once its template exists: partners/ID folders written by
# concurrent shards.
if [ -f "$TOP/templates/partner-monthly.xml" ]; then
    check_shards partner "$TOP/templates/partner-monthly.xml" 2026-09
fi

for bad_shard in 0/3 4/3 x 3 1/0 -1/3 1/3x /3 ""; do
    run_cr render --db "$DB" --template "$TOP/templates/example.xml" --all --period 2026-Q3 \
        --out "$WORK/bad" --shard "$bad_shard"
    check_eq "shard: --shard '$bad_shard' is a usage error" "$RC" "64"
    check_contains "shard: --shard '$bad_shard' says why" "$ERR" "--shard"
done
check_eq "shard: a bad --shard writes nothing" "$(find "$WORK/bad" -type f 2>/dev/null | wc -l)" "0"
exit 0
