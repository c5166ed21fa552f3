#!/bin/sh
# make demo: the main job on the shipped samples, as a timer would run it:
# `csmreport run samples/batch.xml` imports samples/ into a fresh database,
# renders every account's QBR (templates/qbr.xml) for 2026-Q3 and every
# partner's monthly inventory report (templates/partner-monthly.xml) for
# 2026-09 into out/, and writes their e-mail to out/outbox/ (nothing is sent).
# It ends with what to do next.
set -eu
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
CR="$BUILD/csmreport"
OUT="$TOP/out"
# The samples hold data up to September 2026: run as on 5 October 2026.
DATE=2026-10-05
rm -rf "$OUT"
mkdir -p "$OUT"
DB="$OUT/demo.db"
echo "== csmreport run samples/batch.xml --date $DATE (database $DB)"
"$CR" run --db "$DB" --date "$DATE" --summary "$OUT/summary.json" --verbose "$TOP/samples/batch.xml"
echo
echo "== data-quality check"
"$CR" check --db "$DB"
echo
echo "== written"
(cd "$OUT" && find . -type f ! -name '*.db*' ! -name summary.json ! -name '.*' | sed 's|^\./||' | sort)
cat <<NEXT

What next
  Reports   out/<account>/<account>_qbr_2026-Q3.pdf and .xlsx (open the PDF first);
            partner reports in out/partners/<partner>/.
  Mail      out/outbox/*.eml, one message per recipient list: open one in a mail
            client. To send, name a server in samples/batch.xml (<smtp url=...>) or
            run: $CR run --db $DB --date $DATE --smtp smtp://HOST:587 samples/batch.xml
  Numbers   every figure: $CR metrics --db $DB --account NO-NORDLYS --period 2026-Q3
  Why       the rule, arithmetic and source rows of one figure:
              $CR explain --db $DB --account NO-NORDLYS --period 2026-Q3 rma.rate
            (--list names every figure; the QBR workbook has evidence sheets)
  Your data import your own exports (a profile maps their columns; see README
            "Your own exports" and samples/profiles/; $CR profile init --kind
            devices FILE writes a starting profile), then render or run:
              $CR import --db my.db accounts.csv devices.csv tickets.csv usage.csv
              $CR render --db my.db --template templates/qbr.xml --all --period 2026-Q3 --out out
  Schedule  samples/deploy/ (systemd timer, cron, Slurm, Kubernetes); man man/csmreport.1
NEXT
