# qbr.sh - renders templates/qbr.xml for sample accounts in every language and
# checks the PDFs with independent readers: qpdf --check, pdffonts (every font
# embedded), pdftotext (section titles, tile figures and highlight numbers
# equal to csmreport metrics --format json, formatted per locale by
# qbr_check.py's own formatter; a sentence per true-up event; no raw ISO
# timestamps; words instead of empty tables), and Japanese text in a CJK font.
. "$(dirname "$0")/lib.sh"

DB="$WORK/s.db"
import_samples "$DB" "qbr samples import"

# account period [empty]
for spec in "NO-NORDLYS 2026-Q3" "FR-ECLAIR 2026-Q3" "JP-SAKURA 2026-Q3" "FR-TILLEULS 2026-10 empty"; do
    set -- $spec
    acct=$1 period=$2 mode=${3:-}
    run_cr metrics --db "$DB" --account "$acct" --period "$period" --format json
    printf '%s\n' "$OUT" >"$WORK/$acct.json"
    for loc in en fr nb ja; do
        out="$WORK/out-$loc"
        run_cr render --db "$DB" --template "$TOP/templates/qbr.xml" --account "$acct" \
            --period "$period" --locale "$loc" --pdf --out "$out"
        pdf="$out/$acct/${acct}_qbr_${period}.pdf"
        if [ "$RC" -ne 0 ] || [ ! -s "$pdf" ]; then
            fail "qbr render $acct $period $loc" "exit $RC: $(printf '%s' "$ERR" | head -c 600)"
            continue
        fi
        if qpdf --check "$pdf" >/dev/null 2>&1; then pass "qbr qpdf $acct $loc"
        else fail "qbr qpdf $acct $loc" "$(qpdf --check "$pdf" 2>&1 | tail -3)"; fi
        bad=$(pdffonts "$pdf" | awk 'NR > 2 && $(NF-4) != "yes" { print $1 }')
        check_eq "qbr fonts embedded $acct $loc" "$bad" ""
        pdftotext "$pdf" "$WORK/$acct-$loc.txt"
        if "$PY" "$TOP/tests/e2e/qbr_check.py" "$WORK/$acct-$loc.txt" "$WORK/$acct.json" "$loc" $mode \
            >"$WORK/check.out" 2>&1; then :; fi
        cat "$WORK/check.out"
        # A count of one takes the singular (strings with count= and LANG-one).
        case "$(cat "$WORK/$acct-$loc.txt")" in
            *"1 devices "*|*"1 équipements "*|*"1 enheter "*|*"1 replacements "*|*"1 remplacements "*|*"1 erstatninger "*)
                fail "qbr singular for one $acct $loc" "a plural after 1" ;;
            *) pass "qbr singular for one $acct $loc" ;;
        esac
        # The RMA year reads as a year in every language, never "2 026".
        year=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["rma"]["year"])' "$WORK/$acct.json")
        check_contains "qbr rma year as written $acct $loc" "$(cat "$WORK/$acct-$loc.txt")" "$year"
        grouped=$(printf '%s' "$year" | sed 's/^\(.\)/\1 /')
        case "$(tr '\302\240\342\200\257' '   ' <"$WORK/$acct-$loc.txt")" in
            *"$grouped"*) fail "qbr no grouped year $acct $loc" "'$grouped' in the deck" ;;
            *) pass "qbr no grouped year $acct $loc" ;;
        esac
        if [ "$loc" = ja ]; then
            check_contains "qbr ja title $acct" "$(cat "$WORK/$acct-$loc.txt")" "四半期ビジネスレビュー"
            fonts=$(pdffonts "$pdf")
            case "$fonts" in
                *CJK*|*JP*|*Gothic*|*Mincho*|*Sans*CJK*) pass "qbr ja CJK font $acct" ;;
                *) fail "qbr ja CJK font $acct" "$(printf '%s' "$fonts" | head -c 400)" ;;
            esac
        fi
    done
done

# The tile's change is the difference of this period's and the previous
# period's metrics: NO-NORDLYS devices, Q3 against Q2.
run_cr metrics --db "$DB" --account NO-NORDLYS --period 2026-Q2 --format json
printf '%s\n' "$OUT" >"$WORK/prev.json"
delta=$("$PY" -c 'import json,sys
a=json.load(open(sys.argv[1]))["adoption"]["deployed"]; b=json.load(open(sys.argv[2]))["adoption"]["deployed"]
d=a-b; print(("+%d" % d) if d > 0 else ("\u2212%d" % -d) if d < 0 else "\u00b10")' "$WORK/NO-NORDLYS.json" "$WORK/prev.json")
check_contains "qbr devices change vs Q2" "$(cat "$WORK/NO-NORDLYS-en.txt")" "$delta vs Q2 2026"

# An unknown --locale is a usage error naming the supported ones.
run_cr render --db "$DB" --template "$TOP/templates/qbr.xml" --account NO-NORDLYS \
    --period 2026-Q3 --locale de --pdf --out "$WORK/out-de"
check_eq "qbr unknown locale exit" "$RC" 64
check_contains "qbr unknown locale lists" "$ERR" "en, fr, nb, ja"
if [ -e "$WORK/out-de/NO-NORDLYS" ]; then fail "qbr unknown locale writes nothing" "a folder was made"
else pass "qbr unknown locale writes nothing"; fi

# French says "au T3 2026" but "en sept. 2026": a month's QBR never reads "au sept.".
run_cr render --db "$DB" --template "$TOP/templates/qbr.xml" --account FR-ECLAIR \
    --period 2026-09 --locale fr --pdf --out "$WORK/out-month"
check_eq "qbr fr month exit" "$RC" 0
pdftotext "$WORK/out-month/FR-ECLAIR/FR-ECLAIR_qbr_2026-09.pdf" "$WORK/month.txt"
MT=$(tr '\n' ' ' <"$WORK/month.txt")
check_contains "qbr fr month: en sept. 2026" "$MT" "clos en sept. 2026"
case "$MT" in
*"au sept."* | *"du sept."*) fail "qbr fr month: no 'au sept.'" "$(grep -o '.\{30\}[ad][uu] sept\..\{10\}' "$WORK/month.txt" | head -2)" ;;
*) pass "qbr fr month: no 'au sept.'" ;;
esac
check_contains "qbr fr quarter: au T3 2026" "$(tr '\n' ' ' <"$WORK/FR-ECLAIR-fr.txt" 2>/dev/null || true)" "au T3 2026"

# The executive summary stays on one page in each sample account's own
# language (a continuation page holding one or two highlights is mostly white).
for spec in NO-NORDLYS:nb:"Sammendrag (forts.)" FR-ECLAIR:fr:"Synthèse (suite)" FR-TILLEULS:fr:"Synthèse (suite)" \
    JP-SAKURA:ja:"エグゼクティブサマリー （続き）" GB-GLEN:en:"Executive summary (continued)" \
    US-HARBOR:en:"Executive summary (continued)"; do
    acct=${spec%%:*} rest=${spec#*:} loc=${rest%%:*} cont=${rest#*:}
    run_cr render --db "$DB" --template "$TOP/templates/qbr.xml" --account "$acct" \
        --period 2026-Q3 --locale "$loc" --pdf --out "$WORK/out-one-$acct"
    txt=$(pdftotext "$WORK/out-one-$acct/$acct/${acct}_qbr_2026-Q3.pdf" - 2>&1)
    case $txt in
    *"$cont"*) fail "qbr summary on one page $acct $loc" "'$cont' in the deck" ;;
    *) pass "qbr summary on one page $acct $loc" ;;
    esac
done
