# package.sh - the Debian package: `dpkg-buildpackage -b -us -uc` builds a .deb
# from a copy of the checkout (it writes to the parent folder, so never from the
# checkout itself), lintian reports no error, and the package unpacked into a
# scratch root (dpkg -x: the real system is not touched) runs: it imports the
# samples it ships as examples, renders the QBR with `--template qbr` found in
# its own templates folder with its own fonts (Japanese from the system's
# IPAGothic), its man page formats with `man -l`, and its bash completion
# registers and completes. Everything is written under $WORK.
. "$(dirname "$0")/lib.sh"

for tool in dpkg-buildpackage dh lintian fakeroot dpkg-deb pdftotext pdffonts man bash; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        fail "package: $tool is installed" "missing (.ci/install-deps names dpkg-dev, debhelper, lintian, fakeroot, poppler-utils, man-db)"
        exit 1
    fi
done

# The checkout's files as they are (committed or not, ignored ones aside), or
# the whole tree without build folders when it is not a git checkout.
SRC="$WORK/pkg/csmreport"
mkdir -p "$SRC" "$WORK/tmp" "$WORK/home"
if git -C "$TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$TOP" && git ls-files -co --exclude-standard | tar --ignore-failed-read -cf - -T - 2>/dev/null) |
        tar -xf - -C "$SRC"
else
    tar -C "$TOP" --exclude=./build --exclude=./build-san --exclude=./.git -cf - . | tar -xf - -C "$SRC"
fi
if [ ! -f "$SRC/debian/control" ] || [ ! -f "$SRC/Makefile" ]; then
    fail "package: the checkout is copied" "$(ls "$SRC" | tr '\n' ' ')"
    exit 1
fi

# The outer make's and run.sh's variables (BUILD points at the checkout's build
# folder, MAKEFLAGS carries a job server) must not reach the package's make.
start=$(date +%s)
(cd "$SRC" && env -u BUILD -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u CFLAGS -u CPPFLAGS \
    -u LDFLAGS -u OPT -u V -u CI -u TESTS -u DESTDIR -u PREFIX -u DATADIR \
    HOME="$WORK/home" TMPDIR="$WORK/tmp" DEB_BUILD_OPTIONS="nocheck noddebs parallel=2" \
    dpkg-buildpackage -b -us -uc) >"$WORK/build.log" 2>&1
rc=$?
echo "dpkg-buildpackage took $(( $(date +%s) - start )) s"
DEB=$(ls "$WORK"/pkg/csmreport_*.deb 2>/dev/null | head -1)
if [ "$rc" -ne 0 ] || [ -z "$DEB" ]; then
    fail "package: dpkg-buildpackage -b -us -uc builds a .deb" "exit $rc: $(tail -15 "$WORK/build.log")"
    exit 1
fi
pass "package: dpkg-buildpackage -b -us -uc builds $(basename "$DEB")"

# The package's version is the program's.
version=$("$CSMREPORT" version | sed -n '1s/^csmreport \([^ ]*\).*/\1/p')
check_eq "package: the package's version is the program's" "$(dpkg-deb -f "$DEB" Version)" "$version"
depends=$(dpkg-deb -f "$DEB" Depends)
for dep in libxlsxwriter libcairo2 libpango libsqlite3 libxml2 libgmime-3.0 libcurl fonts-ipafont-gothic tzdata; do
    check_contains "package: depends on $dep" "$depends" "$dep"
done

# What it holds.
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$WORK/contents"
for f in /usr/bin/csmreport /usr/share/csmreport/templates/qbr.xml \
    /usr/share/csmreport/templates/partner-monthly.xml /usr/share/csmreport/templates/report.xsd \
    /usr/share/csmreport/profiles/poly-lens-devices.xml \
    /usr/share/csmreport/fonts/Carlito-Regular.ttf /usr/share/csmreport/fonts/DejaVuSans.ttf \
    /usr/share/man/man1/csmreport.1.gz /usr/share/bash-completion/completions/csmreport \
    /usr/share/doc/csmreport/copyright /usr/share/doc/csmreport/examples/accounts.csv \
    /usr/share/doc/csmreport/examples/batch.xml /usr/share/doc/csmreport/examples/deploy/csmreport@.service; do
    if grep -qx "$f" "$WORK/contents"; then
        pass "package: holds $f"
    else
        fail "package: holds $f" "not in $(basename "$DEB")"
    fi
done

# lintian: no error; its warnings are printed here for the log.
# (exit 0: it ran and found nothing at error level; anything else fails)
(cd "$WORK/pkg" && HOME="$WORK/home" TMPDIR="$WORK/tmp" lintian ./*.changes) >"$WORK/lintian.out" 2>&1
rc=$?
grep -v '^running with root privileges' "$WORK/lintian.out" | sed 's/^/lintian: /'
check_eq "package: lintian reports no error" "$rc:$(grep -c '^E:' "$WORK/lintian.out")" "0:0"

# Unpacked into a scratch root.
ROOT="$WORK/root"
dpkg -x "$DEB" "$ROOT"
BIN="$ROOT/usr/bin/csmreport"
check_eq "package: every library the program needs is found" \
    "$(ldd "$BIN" | grep -c 'not found')" "0"

EX="$ROOT/usr/share/doc/csmreport/examples"
mkdir -p "$WORK/run"
cd "$WORK/run" || exit 1
# no ./templates here and no fonts from the environment: what is used is the package's
ICR() { env -u CSMREPORT_FONTS "$BIN" "$@" >"$WORK/out" 2>"$WORK/err"; RC=$?; ERR=$(cat "$WORK/err"); }
ICR --db s.db import "$EX/partners.csv" "$EX/accounts.csv" "$EX/contracts.csv" "$EX/catalog.csv" \
    "$EX/firmware.csv" "$EX/holidays.csv" "$EX/devices.csv" "$EX/tickets.csv" "$EX/usage.csv" \
    "$EX/calls.csv"
check_eq "package: the installed program imports the shipped samples" "$RC:$ERR" "0:"

ICR --db s.db render --template qbr --account NO-NORDLYS --period 2026-Q3 --out out
check_eq "package: render --template qbr finds the installed template" "$RC:$ERR" "0:"
PDF=out/NO-NORDLYS/NO-NORDLYS_qbr_2026-Q3.pdf
if [ -s "$PDF" ] && [ -s out/NO-NORDLYS/NO-NORDLYS_qbr_2026-Q3.xlsx ]; then
    pass "package: the QBR's PDF and XLSX are written"
    check_contains "package: the deck is the account's QBR" "$(pdftotext "$PDF" - 2>&1)" "Nordlys"
    check_contains "package: the deck embeds the package's Carlito" "$(pdffonts "$PDF" 2>&1)" "Carlito"
else
    fail "package: the QBR's PDF and XLSX are written" "$(find out -type f 2>&1 | head -5)"
fi

ICR --db s.db render --template qbr.xml --account JP-SAKURA --period 2026-Q3 --out out --pdf
check_eq "package: render --template qbr.xml (a Japanese account)" "$RC:$ERR" "0:"
JPDF=out/JP-SAKURA/JP-SAKURA_qbr_2026-Q3.pdf
fonts=$(pdffonts "$JPDF" 2>&1)
case "$fonts" in
    *IPAGothic* | *NotoSansCJK*) pass "package: Japanese text is set in a Japanese face" ;;
    *) fail "package: Japanese text is set in a Japanese face" "$fonts" ;;
esac
check_contains "package: the Japanese deck's text" "$(pdftotext "$JPDF" - 2>&1)" "桜川精機"

ICR --db s.db render --template no-such-report --account NO-NORDLYS --period 2026-Q3 --out out
check_eq "package: an unknown template name exits 66" "$RC" "66"
check_contains "package: ... naming the installed templates folder" "$ERR" "$ROOT/usr/share/csmreport/templates"

# The man page.
MANWIDTH=80 HOME="$WORK/home" man -l "$ROOT/usr/share/man/man1/csmreport.1.gz" >"$WORK/man.txt" 2>"$WORK/man.err"
check_eq "package: man -l formats the installed page" "$?:$(cat "$WORK/man.err")" "0:"
check_contains "package: ... with its FILES section" "$(cat "$WORK/man.txt")" "FILES"

# The bash completion: registers, and completes template names from the
# package's own folder (the program found on PATH).
COMP="$ROOT/usr/share/bash-completion/completions/csmreport"
got=$(bash --norc --noprofile -c ". '$COMP' && complete -p csmreport" 2>&1)
check_eq "package: the bash completion registers" "$got" "complete -F _csmreport csmreport"
got=$(PATH="$ROOT/usr/bin:$PATH" bash --norc --noprofile -c ". '$COMP'
    COMP_WORDS=(csmreport render --template q); COMP_CWORD=3; _csmreport
    printf '%s\n' \"\${COMPREPLY[@]}\"" 2>&1)
check_eq "package: completion of --template q is qbr" "$got" "qbr"
