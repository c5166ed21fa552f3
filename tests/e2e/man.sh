# man.sh - the manual page man/csmreport.1: formats without a warning, covers
# every command the program lists, every option of their usage, every input
# kind with its columns (from src/ingest/kinds.c), every exit code of SPEC
# section 2, the program's version; and `make install` puts it in
# PREFIX/share/man/man1.
. "$(dirname "$0")/lib.sh"

PAGE="$TOP/man/csmreport.1"
if [ ! -f "$PAGE" ]; then
    fail "man: the page exists" "$PAGE is missing"
    exit 1
fi

# groff (Debian groff-base, which man-db needs) in its strictest mode.
if command -v groff >/dev/null 2>&1; then
    groff -man -ww -z "$PAGE" >"$WORK/groff.out" 2>&1
    check_eq "man: groff -man -ww reports nothing" "$?:$(cat "$WORK/groff.out")" "0:"
else
    fail "man: groff -man -ww reports nothing" "groff is not installed (Debian groff-base)"
fi
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man --warnings -l "$PAGE" >"$WORK/man.txt" 2>"$WORK/man.err"
    check_eq "man: man --warnings -l reports nothing" "$?:$(cat "$WORK/man.err")" "0:"
    check_contains "man: the page formats" "$(cat "$WORK/man.txt")" "EXIT STATUS"
fi

# A section (.SH NAME ... up to the next .SH) of the page, as its source.
section() {
    awk -v want="$1" '/^\.SH / { on = ($0 == ".SH " want || $0 == ".SH \"" want "\"") ; next } on' "$PAGE"
}
# The page's source with roff escapes for a hyphen turned into hyphens.
plain() { sed 's/\\-/-/g' "$PAGE"; }

# Every command of `csmreport help` has its own .SH or .SS heading.
commands=$("$CSMREPORT" help | sed -n '/^commands:/,/^$/p' | awk 'NF && $1 != "commands:" { print $1 }')
n=$(printf '%s\n' "$commands" | grep -c .)
if [ "$n" -ge 6 ]; then pass "man: csmreport help lists $n commands"
else fail "man: csmreport help lists the commands" "found only: $commands"; fi
for c in $commands; do
    if grep -Eq "^\.S[HS] \"?$c\"?$" "$PAGE"; then pass "man: command $c has a heading"
    else fail "man: command $c has a heading" "no .SH/.SS $c in the page"; fi
done

# Every option of every command's usage (and the common ones) is documented.
for c in $commands; do
    "$CSMREPORT" help "$c" >"$WORK/help.txt" 2>&1
    for opt in $(grep -Eo -- '(^|[^A-Za-z0-9-])--?[a-zA-Z][a-z-]*' "$WORK/help.txt" |
        sed 's/^[^-]*//' | sort -u); do
        if plain | grep -Eq -- "(^|[^A-Za-z0-9-])$opt([^a-z-]|$)"; then
            pass "man: option $opt of $c"
        else
            fail "man: option $opt of $c" "not in the page"
        fi
    done
done

# Every input kind with every canonical column: the .TP paragraph of the kind
# in INPUT FILES names each column that src/ingest/kinds.c defines.
section "INPUT FILES" | sed 's/\\-/-/g' >"$WORK/input.roff"
awk '
    /^static const cr_column [a-z]+_cols\[\]/ { kind = $4; sub(/_cols.*/, "", kind); next }
    kind && /^};/ { kind = ""; next }
    kind && match($0, /(COL|ENUM)\("[a-z_]+"/) {
        col = substr($0, RSTART, RLENGTH); sub(/^[A-Z]+\("/, "", col); sub(/"$/, "", col)
        print kind, col
    }' "$TOP/src/ingest/kinds.c" >"$WORK/columns"
nk=$(cut -d' ' -f1 "$WORK/columns" | sort -u | wc -l)
if [ "$nk" -ge 10 ]; then pass "man: kinds.c defines $nk kinds"
else fail "man: kinds.c defines the kinds" "found $nk (did kinds.c change shape?)"; fi
missing=""
while read -r kind col; do
    # The kind's paragraph: from ".B kind" after a .TP to the next .TP or .SH.
    awk -v k="$kind" '
        prev == ".TP" && $0 == ".B " k { on = 1; prev = $0; next }
        /^\.(TP|SH)/ { on = 0 }
        { prev = $0 } on' "$WORK/input.roff" | tr -c 'a-z_\n' ' ' | tr ' ' '\n' >"$WORK/para"
    grep -qx "$col" "$WORK/para" || missing="$missing $kind.$col"
done <"$WORK/columns"
check_eq "man: every column of every input kind" "$missing" ""

# Every exit code of SPEC section 2 (sysexits.h) in EXIT STATUS.
section "EXIT STATUS" >"$WORK/exit.roff"
for code in 0 64 65 66 70 73 74 75 77 78; do
    if grep -qx "\.B $code" "$WORK/exit.roff"; then pass "man: exit code $code"
    else fail "man: exit code $code" "not in EXIT STATUS"; fi
done

# The environment variables the program reads.
for var in SOURCE_DATE_EPOCH CSMREPORT_FONTS; do
    if grep -rqs "getenv(\"$var\")" "$TOP/src"; then
        check_contains "man: environment $var" "$(section ENVIRONMENT)" ".B $var"
    fi
done

# The page names the version the program reports.
version=$("$CSMREPORT" version | sed -n '1s/^csmreport //p')
check_contains "man: the page is for version $version" "$(sed -n '/^\.TH /p' "$PAGE")" "csmreport $version"

# make install puts the page in PREFIX/share/man/man1. -o keeps make from
# rebuilding the programs this test runs (they are up to date, or the test
# would be testing something else).
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$TOP" BUILD="$BUILD" \
    -o "$BUILD/csmreport" -o "$BUILD/fleetgen" \
    install DESTDIR="$WORK/inst" PREFIX=/usr >"$WORK/install.out" 2>&1
check_eq "man: make install exit" "$?" "0"
if cmp -s "$PAGE" "$WORK/inst/usr/share/man/man1/csmreport.1"; then
    pass "man: make install puts the page in PREFIX/share/man/man1"
else
    fail "man: make install puts the page in PREFIX/share/man/man1" \
        "$(ls -R "$WORK/inst/usr/share/man" 2>&1 | head -c 300) $(head -c 300 "$WORK/install.out")"
fi
if command -v man >/dev/null 2>&1; then
    check_eq "man: man finds the installed page" \
        "$(MANPATH="$WORK/inst/usr/share/man" man -w csmreport 2>&1)" \
        "$WORK/inst/usr/share/man/man1/csmreport.1"
fi
exit 0
