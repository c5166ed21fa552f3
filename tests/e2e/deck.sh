# deck.sh - PDF decks end to end: build_dir/tests/test_deck writes three decks
# built by hand (tests/unit/test_deck.c: an English deck of 12 pages with every
# chart type, a chart without data, an 80-row table over four pages, a Japanese
# and a French page; a French and a Japanese deck of 2 pages each), then the
# PDFs are checked with independent tools: qpdf --check, pdffonts (every font
# embedded and subset), pdftotext (titles, KPI values, Japanese exactly, the
# markup name literally), pdfinfo (pages, metadata, fixed dates), qpdf --json
# (bookmarks), reproducible bytes, and pages rendered with pdftoppm compared
# with the approved images in tests/reference (tests/tools/pngdiff.c: at most
# 0.5 % of pixels differing by more than 64 levels). Then the sample Japanese
# account's deck from templates/example.xml through csmreport render: small
# enough to mail (IPAGothic subsets to the glyphs used), every glyph a real
# one, the same bytes twice.
#
# REFERENCE_UPDATE=1 rewrites the reference images (look at them first).
. "$TOP/tests/e2e/lib.sh"

for tool in qpdf pdffonts pdftotext pdfinfo pdftoppm cc pkg-config; do
    command -v "$tool" >/dev/null 2>&1 || { fail "deck: $tool" "missing (make deps)"; exit 1; }
done

# ---- the writer: the unit test program, built by make (or here when absent)
TD=$BUILD/tests/test_deck
if [ ! -x "$TD" ]; then
    TD=$WORK/test_deck
    PKGS="cairo pangocairo pangoft2 fontconfig"
    set --
    for s in render/deck render/text render/chart render/deck_layout template/report core/numfmt render/chartlayout core/error core/outfile; do
        set -- "$@" "$TOP/src/$s.c"
    done
    # shellcheck disable=SC2046
    cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -I"$TOP/include" -I"$TOP/src/render" \
        -I"$TOP/tests/unit" $(pkg-config --cflags $PKGS) -DCR_VERSION='"0.1.0"' -o "$TD" \
        "$TOP/tests/unit/test_deck.c" "$@" $(pkg-config --libs $PKGS) -lm -lpthread \
        >"$WORK/cc.log" 2>&1 || { fail "deck: build test_deck" "$(head -c 600 "$WORK/cc.log")"; exit 1; }
fi
PNGDIFF=$WORK/pngdiff
# shellcheck disable=SC2046
cc -std=c11 -O2 -o "$PNGDIFF" "$TOP/tests/tools/pngdiff.c" $(pkg-config --cflags --libs cairo) \
    >"$WORK/cc2.log" 2>&1 || { fail "deck: build pngdiff" "$(head -c 600 "$WORK/cc2.log")"; exit 1; }
export CSMREPORT_FONTS="$TOP/fonts"

# ---- two renders with a fixed SOURCE_DATE_EPOCH (2026-01-01T00:00:00Z)
mkdir -p "$WORK/a" "$WORK/b"
SOURCE_DATE_EPOCH=1767225600 "$TD" "$WORK/a" >"$WORK/td.log" 2>&1
check_eq "deck: writer exits 0" "$?" 0
SOURCE_DATE_EPOCH=1767225600 "$TD" "$WORK/b" >/dev/null 2>&1
D=$WORK/a/deck.pdf FR=$WORK/a/deck-fr.pdf JA=$WORK/a/deck-ja.pdf
check_eq "deck: only the three PDFs in the folder (no temporary file)" \
    "$(ls -A "$WORK/a" | tr '\n' ' ')" "deck-fr.pdf deck-ja.pdf deck.pdf "
for f in deck deck-fr deck-ja; do
    if cmp -s "$WORK/a/$f.pdf" "$WORK/b/$f.pdf"; then pass "deck: $f.pdf reproducible bytes"
    else fail "deck: $f.pdf reproducible bytes" "two renders differ"; fi
done

# ---- structure and fonts
for f in "$D" "$FR" "$JA"; do
    n=$(basename "$f")
    out=$(qpdf --check "$f" 2>&1)
    rc=$?
    check_eq "deck: qpdf --check $n exit" "$rc" 0
    check_contains "deck: qpdf --check $n clean" "$out" "No syntax or stream encoding errors"
    # every font row (after the two header lines): emb and sub are "yes"
    bad=$(pdffonts "$f" | awk 'NR > 2 && ($(NF-4) != "yes" || $(NF-3) != "yes") { print $1 }')
    check_eq "deck: $n every font embedded and subset" "$bad" ""
done
check_contains "deck: Carlito embedded" "$(pdffonts "$D")" "Carlito"
check_contains "deck: Japanese font embedded (deck.pdf)" "$(pdffonts "$D")" "IPAGothic"
check_contains "deck: Japanese font embedded (deck-ja.pdf)" "$(pdffonts "$JA")" "IPAGothic"

# ---- metadata and pages
info=$(pdfinfo -isodates "$D")
field() { printf '%s\n' "$info" | sed -n "s/^$1: *//p"; }
check_eq "deck: pages (cover, summary, 4 chart pages, 4 table pages, ja, fr)" "$(field Pages)" 12
check_eq "deck: title" "$(field Title)" "Acme QBR 2026-Q3"
check_eq "deck: author" "$(field Author)" "Jane Doe"
check_eq "deck: subject" "$(field Subject)" "Quarterly business review 2026-Q3"
check_contains "deck: creator names csmreport and its version" "$(field Creator)" "csmreport 0."
check_eq "deck: creation date from SOURCE_DATE_EPOCH" "$(field CreationDate)" "2026-01-01T00:00:00Z"
check_eq "deck: modification date from SOURCE_DATE_EPOCH" "$(field ModDate)" "2026-01-01T00:00:00Z"
check_eq "deck: page size 16:9" "$(field 'Page size')" "960 x 540 pts"
check_eq "deck-fr: pages" "$(pdfinfo "$FR" | sed -n 's/^Pages: *//p')" 2
check_eq "deck-ja: pages" "$(pdfinfo "$JA" | sed -n 's/^Pages: *//p')" 2

# ---- bookmarks: one per section (the downtime page has none)
titles=$(qpdf --json --json-key=outlines "$D" | sed -n 's/^ *"title": "\(.*\)"$/\1/p' | tr '\n' '|')
check_eq "deck: bookmarks" "$titles" \
    "Cover|Executive summary|Service status|Hardware replacement|Inventory|Device list|日本語|Français|"
pages=$(qpdf --json --json-key=outlines "$D" | sed -n 's/^ *"destpageposfrom1": //p' | tr -d ',' | tr '\n' ' ')
check_eq "deck: bookmark pages" "$pages" "1 2 3 4 5 7 11 12 "

# ---- text
txt=$(pdftotext -layout "$D" -)
page() { pdftotext -f "$1" -l "$1" "$2" -; }
for s in "Quarterly Business Review" "Executive summary" "Service status" "Hardware replacement" \
    "Inventory and coverage" "Downtime and escalations" "Device list" \
    "Tickets per month" "Net device change by category" "Devices added, replaced and removed" \
    "Headset RMA rate, year to date" "Devices by category" "Actual vs baseline vs agreed" \
    "Downtime per replacement" "Escalations by cloud partner" "No data" \
    "1,350" "87.5%" "96.0%" "6.2%" "Annual threshold 5%" "Firmware 2.1" "True-up" "1,264"; do
    check_contains "deck: text '$s'" "$txt" "$s"
done
check_eq "deck: the Japanese title exactly" "$(page 11 "$D" | head -n 1)" "四半期ビジネスレビュー"
check_contains "deck: Japanese body text" "$(page 11 "$D")" "デバイス数は前四半期から 42 台増加しました。"
check_eq "deck-ja: the Japanese title exactly" "$(page 1 "$JA" | head -n 1)" "四半期ビジネスレビュー"
check_contains "deck: markup name in a text block, literally" "$(page 2 "$D")" \
    "Account name as data: <b>x</b> & <span>"
check_contains "deck: markup name in the footer, literally" "$(page 7 "$D")" "<b>x</b> & <span>"
check_contains "deck: delivered by the partner" "$(page 3 "$D")" "delivered by Partner & Co <i>"
check_contains "deck: page number" "$(page 3 "$D")" "3 / 12"

# the 80-row table: rows 1-21, 22-42, 43-63, 64-80 (serials SN100000 + 37 i)
p7=$(page 7 "$D") p8=$(page 8 "$D") p10=$(page 10 "$D")
check_contains "deck: table page 1 starts at row 1" "$p7" "SN100000"
check_contains "deck: table page 1 ends at row 21" "$p7" "SN100740"
case "$p7" in *SN100777*) fail "deck: row 22 not on page 1" "found" ;; *) pass "deck: row 22 not on page 1" ;; esac
check_contains "deck: table page 2 is '(continued)'" "$p8" "Device list (continued)"
check_contains "deck: table page 2 starts at row 22" "$p8" "SN100777"
check_contains "deck: header repeated on continued pages" "$p10" "Share of minutes"
check_contains "deck: last row on page 4 of the table" "$p10" "SN102923"
check_contains "deck: no value shown as a dash" "$p7" "–"

# French: numbers, money and percentages per locale (pdftotext writes U+202F
# and U+00A0 as spaces)
frn=$(pdftotext "$FR" - | sed 's/\xe2\x80\xaf/ /g; s/\xc2\xa0/ /g')
check_contains "deck-fr: money value label" "$frn" "12 500,00 EUR"
check_contains "deck-fr: percent value label" "$frn" "7,1 %"
check_contains "deck-fr: axis tick with grouping" "$frn" "14 000"
check_contains "deck-fr: compact axis tick" "$frn" "1,6 M"
check_contains "deck-fr: month label" "$frn" "sept. 2026"
check_contains "deck-fr: table continues nowhere (6 rows)" "$frn" "Détail"
check_contains "deck-fr: delivered by, in French" "$frn" "fourni par Partner & Co <i>"
check_contains "deck: French KPI money" "$(page 12 "$D" | sed 's/\xe2\x80\xaf/ /g; s/\xc2\xa0/ /g')" "1 350,00 EUR"
ja=$(pdftotext "$JA" -)
check_contains "deck-ja: compact axis tick in 万" "$ja" "200万"
check_contains "deck-ja: month label" "$ja" "2026年12月"
check_contains "deck-ja: money label" "$ja" "JPY 2,000,000"

# ---- the look: pages compared with the approved reference images
REF=$TOP/tests/reference
mkdir -p "$WORK/png"
pdftoppm -png -r 60 "$D" "$WORK/png/deck"
pdftoppm -png -r 60 "$FR" "$WORK/png/fr"
pdftoppm -png -r 60 "$JA" "$WORK/png/ja"
for pair in deck-02:deck-p02 deck-03:deck-p03 deck-04:deck-p04 deck-05:deck-p05 \
    deck-06:deck-p06 deck-07:deck-p07 deck-11:deck-p11 fr-1:fr-p1 ja-1:ja-p1; do
    got=$WORK/png/${pair%%:*}.png want=$REF/${pair#*:}.png
    if [ "${REFERENCE_UPDATE:-0}" = 1 ]; then
        mkdir -p "$REF" && cp "$got" "$want"
    fi
    if [ ! -f "$want" ]; then
        fail "deck: look of ${pair#*:}" "no reference image $want"
        continue
    fi
    out=$("$PNGDIFF" "$got" "$want" 0.5 64 2>&1)
    if [ $? -eq 0 ]; then pass "deck: look of ${pair#*:} ($out)"
    else
        mkdir -p "$BUILD/deck-diff" && cp "$got" "$BUILD/deck-diff/"
        fail "deck: look of ${pair#*:}" "$out (render kept in $BUILD/deck-diff)"
    fi
done

# ---- a Japanese deck from the samples: size, glyphs, fonts, reproducible bytes
S=$TOP/samples
DB=$WORK/s.db
run_cr import --db "$DB" "$S/partners.csv" "$S/accounts.csv" "$S/contracts.csv" \
    "$S/catalog.csv" "$S/firmware.csv" "$S/holidays.csv" "$S/devices.csv" \
    "$S/tickets.csv" "$S/usage.csv" "$S/calls.csv"
check_eq "deck-ja sample: import exit" "$RC" 0
for run in 1 2; do
    SOURCE_DATE_EPOCH=1767225600 run_cr render --db "$DB" --template "$TOP/templates/example.xml" \
        --account JP-SAKURA --period 2026-Q3 --pdf --out "$WORK/ja$run"
    check_eq "deck-ja sample: render $run exit" "$RC" 0
done
P=$WORK/ja1/JP-SAKURA/JP-SAKURA_example_2026-Q3.pdf
size=$(wc -c <"$P" 2>/dev/null || echo 0)
# the goal is 250 KB for a whole Japanese QBR; these 4 pages take about 52 KB
# with IPAGothic, 157 KB with Noto Sans CJK JP (its CFF subsets carry ~60 KB a
# weight), so 100 KB tells the two apart
if [ "$size" -gt 0 ] && [ "$size" -lt 100000 ]; then pass "deck-ja sample: $size bytes, under 100 KB"
else fail "deck-ja sample: under 100 KB" "$size bytes"; fi
if cmp -s "$P" "$WORK/ja2/JP-SAKURA/JP-SAKURA_example_2026-Q3.pdf"; then
    pass "deck-ja sample: reproducible bytes"
else fail "deck-ja sample: reproducible bytes" "two renders differ"; fi
fonts=$(pdffonts "$P")
bad=$(printf '%s\n' "$fonts" | awk 'NR > 2 && ($(NF-4) != "yes" || $(NF-3) != "yes") { print $1 }')
check_eq "deck-ja sample: every font embedded and subset" "$bad" ""
check_contains "deck-ja sample: IPAGothic embedded" "$fonts" "IPAGothic"
check_contains "deck-ja sample: Latin text in Carlito" "$fonts" "Carlito"
case "$fonts" in *NotoSansCJK*) fail "deck-ja sample: no Noto Sans CJK" "embedded" ;;
*) pass "deck-ja sample: no Noto Sans CJK" ;; esac
txt=$(pdftotext "$P" -)
for s in "サービスレビュー" "桜川精機株式会社" "提供：日本コラボレーション・サービス株式会社" \
    "作成者: 佐藤 美咲" "ヘッドセットRMA率"; do
    # a character no font has is drawn as a box of its hex code, which
    # pdftotext does not read back as that character
    check_contains "deck-ja sample: text '$s'" "$txt" "$s"
done
