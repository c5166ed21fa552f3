# deck_flow.sh - a bullet list longer than its page goes on on continuation
# pages, each item once, none drawn over the footer or lost (src/render/deck.c).
. "${TOP:-.}/tests/e2e/lib.sh"

DB=$WORK/flow.db
# With an inventory: render refuses an account with nothing to report.
run_cr import --db "$DB" --quiet "$TOP/samples/partners.csv" "$TOP/samples/accounts.csv" \
    "$TOP/samples/catalog.csv" "$TOP/samples/devices.csv"
check_eq "flow: import" "$RC" 0
T=$TOP/tests/data/deck_flow/bullets.xml
run_cr render --db "$DB" --template "$T" --account NO-NORDLYS --period 2026-Q3 --locale en \
    --out "$WORK/decks" --pdf
check_eq "flow: render exit" "$RC" 0
PDF=$WORK/decks/NO-NORDLYS/NO-NORDLYS_flow_2026-Q3.pdf
pages=$(pdfinfo "$PDF" | sed -n 's/^Pages: *//p')
case "$pages" in
    [3-9]) pass "flow: 60 items take several pages ($pages)" ;;
    *) fail "flow: 60 items take several pages" "got $pages pages" ;;
esac
pdftotext -layout "$PDF" "$WORK/all.txt"
missing="" twice=""
i=1
while [ "$i" -le 60 ]; do
    n=$(grep -c "Item number $i of the list" "$WORK/all.txt")
    [ "$n" -eq 0 ] && missing="$missing $i"
    [ "$n" -gt 1 ] && twice="$twice $i"
    i=$((i + 1))
done
check_eq "flow: every item drawn" "$missing" ""
check_eq "flow: no item drawn twice" "$twice" ""
# Items keep their order across pages: the first on page 2 follows the last on page 1.
last1=$(pdftotext -f 1 -l 1 "$PDF" - | sed -n 's/.*Item number \([0-9]*\) of.*/\1/p' | tail -n 1)
first2=$(pdftotext -f 2 -l 2 "$PDF" - | sed -n 's/.*Item number \([0-9]*\) of.*/\1/p' | head -n 1)
check_eq "flow: page 2 goes on after page 1" "$first2" "$((last1 + 1))"
check_contains "flow: continuation page says so" "$(pdftotext -f 2 -l 2 "$PDF" -)" "(continued)"
# Nothing below the footer rule: the page number line is the last text of page 1.
tail1=$(pdftotext -f 1 -l 1 -layout "$PDF" - | sed '/^[[:space:]]*$/d' | tail -n 1 | tr -d ' ')
check_contains "flow: footer is the last line of page 1" "$tail1" "1/$pages"

# A short list stays on one page.
sed 's/default="60"/default="5"/' "$T" >"$WORK/short.xml"
run_cr render --db "$DB" --template "$WORK/short.xml" --account NO-NORDLYS --period 2026-Q3 \
    --locale en --out "$WORK/short" --pdf
check_eq "flow: short list, one page" \
    "$(pdfinfo "$WORK/short/NO-NORDLYS/NO-NORDLYS_flow_2026-Q3.pdf" | sed -n 's/^Pages: *//p')" 1
