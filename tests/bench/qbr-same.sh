#!/bin/sh
# qbr-same.sh BUILD_DIR save|check DIR [FLEET_DB] - proves a speed change left
# every output the same. `save` renders, with BUILD_DIR's csmreport, the QBR
# (templates/qbr.xml, 2026-Q3) of the six sample accounts and the partner
# monthly reports (2026-09), and dumps into DIR/ref: the text of every PDF
# (pdftotext -layout), every page as a small PNG (pdftoppm -r 40) hashed, every
# workbook cell (openpyxl: sheet, cell, value, number format, formula) and the
# metrics JSON of each account for 2026-Q3 and 2026-Q2 (with --devices). With
# FLEET_DB (a database of a generated fleet) it also renders and dumps the QBR
# of every account in it. `check` makes the same dump in DIR/new and compares
# it with DIR/ref (the samples database of `save` is reused): exit 0 and "same" when every file is identical, else the
# differing files and exit 1.
set -eu
BUILD=${1:?usage: qbr-same.sh BUILD_DIR save|check DIR [FLEET_DB]}
MODE=${2:?save or check}
DIR=${3:?DIR}
FLEET_DB=${4:-}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CR=$(cd "$BUILD" && pwd)/csmreport
PY=/usr/bin/python3
export CSMREPORT_FONTS="$TOP/fonts" SOURCE_DATE_EPOCH=1767225600
case $MODE in
save) D=$DIR/ref ;;
check) D=$DIR/new ;;
*) echo "qbr-same: mode is save or check" >&2; exit 64 ;;
esac
rm -rf "$D"
mkdir -p "$D/out" "$D/dump"
# one database for save and check: the import times are in the data notes
DB=$DIR/samples.db
[ "$MODE" = save ] && rm -f "$DB" "$DB-wal" "$DB-shm"
[ -f "$DB" ] || "$CR" import --db "$DB" --quiet "$TOP"/samples/partners.csv "$TOP"/samples/accounts.csv \
    "$TOP"/samples/contracts.csv "$TOP"/samples/catalog.csv "$TOP"/samples/firmware.csv \
    "$TOP"/samples/holidays.csv "$TOP"/samples/devices.csv "$TOP"/samples/tickets.csv \
    "$TOP"/samples/usage.csv "$TOP"/samples/calls.csv
"$CR" render --db "$DB" --template "$TOP/templates/qbr.xml" --all --period 2026-Q3 \
    -j 1 --quiet --out "$D/out/samples"
"$CR" render --db "$DB" --template "$TOP/templates/partner-monthly.xml" --all \
    --period 2026-09 -j 1 --quiet --out "$D/out/samples"
for a in $(tail -n +2 "$TOP/samples/accounts.csv" | cut -d, -f1); do
    for p in 2026-Q3 2026-Q2; do
        "$CR" metrics --db "$DB" --account "$a" --period "$p" --format json --devices \
            >"$D/dump/metrics_${a}_$p.json"
    done
done
if [ -n "$FLEET_DB" ]; then
    "$CR" render --db "$FLEET_DB" --template "$TOP/templates/qbr.xml" --all --period 2026-Q3 \
        -j 1 --quiet --out "$D/out/fleet"
fi
# dumps: one file per output, named after its path
find "$D/out" -name '*.pdf' | sort | while read -r f; do
    n=$(echo "${f#"$D"/out/}" | tr / _)
    pdftotext -layout "$f" "$D/dump/$n.txt"
    case $f in
    */fleet/*) ;;
    *)
        rm -rf "$D/png" && mkdir -p "$D/png"
        pdftoppm -png -r 40 "$f" "$D/png/p"
        (cd "$D/png" && sha256sum p*.png) >"$D/dump/$n.png.sha256"
        ;;
    esac
done
find "$D/out" -name '*.xlsx' | sort >"$D/xlsx.list"
"$PY" - "$D" <<'PY'
import sys, openpyxl
d = sys.argv[1]
for path in open(d + "/xlsx.list").read().split():
    name = path[len(d) + len("/out/"):].replace("/", "_")
    with open(d + "/dump/" + name + ".cells", "w") as out:
        for formulas in (False, True):
            wb = openpyxl.load_workbook(path, data_only=not formulas)
            for ws in wb.worksheets:
                out.write("== %s %s (%s)\n" % ("formulas" if formulas else "values",
                          ws.title, ws.dimensions))
                for row in ws.iter_rows():
                    for c in row:
                        if c.value is not None:
                            out.write("%s!%s\t%r\t%s\n" % (ws.title, c.coordinate, c.value,
                                      c.number_format))
PY
rm -rf "$D/png"
echo "qbr-same: $(find "$D/dump" -type f | wc -l) dumps in $D/dump"
if [ "$MODE" = check ]; then
    if diff -r -q "$DIR/ref/dump" "$D/dump"; then
        echo "same"
    else
        echo "qbr-same: outputs differ (diff -r $DIR/ref/dump $D/dump)"
        exit 1
    fi
fi
