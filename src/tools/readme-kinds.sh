#!/bin/sh
# readme-kinds.sh CSMREPORT README [--check] - the kinds, their columns, the
# profile attributes and the worked example of `csmreport import --help`
# (printed from the kinds table of src/ingest/kinds.c) between README's
# "<!-- BEGIN import-help -->" and "<!-- END import-help -->" lines, so the
# README cannot drift from the program. `make readme` rewrites README;
# --check only says (exit 1) when README differs.
set -eu
bin=$1 readme=$2 mode=${3:-write}
tmp=$(mktemp) && trap 'rm -f "$tmp" "$tmp.new"' EXIT
"$bin" import --help | sed -n '/^kinds and their canonical columns/,/^common options:/p' \
    | sed '$d' | sed '${/^$/d;}' > "$tmp"
grep -q '^<!-- BEGIN import-help' "$readme" && grep -q '^<!-- END import-help' "$readme" || {
    echo "readme-kinds.sh: $readme lacks the import-help markers" >&2; exit 1; }
awk -v gen="$tmp" '
    /^<!-- BEGIN import-help/ { print; print "```text"; while ((getline l < gen) > 0) print l;
                                print "```"; skip = 1; next }
    /^<!-- END import-help/   { skip = 0 }
    !skip { print }' "$readme" > "$tmp.new"
if [ "$mode" = --check ]; then
    diff -u "$readme" "$tmp.new" >&2 || { echo "readme-kinds.sh: $readme is out of date: make readme" >&2; exit 1; }
else
    cat "$tmp.new" > "$readme"
fi
