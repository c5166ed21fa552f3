# cli.sh - the command line itself: the options every command has (--db,
# --help, --quiet, --verbose), read once by the dispatcher before or after the
# command name; help, -V/--version, unknown commands and options, exit codes.
. "$(dirname "$0")/lib.sh"

# The tests run in $WORK so that a command falling back on the default
# csmreport.db, or a file named like an option, stays in there.
case $CSMREPORT in /*) ;; *) CSMREPORT=$(pwd)/$CSMREPORT ;; esac
case $TOP in /*) ;; *) TOP=$(pwd)/$TOP ;; esac
cd "$WORK" || exit 1
S=$TOP/samples
DB=$WORK/cli.db
TPL=$TOP/templates/example.xml
COMMANDS="import check metrics render version"

# args_of CMD: arguments with which CMD succeeds on $DB (the store given apart).
args_of() {
    case $1 in
        import) echo "$S/partners.csv" ;;
        metrics) echo "--account NO-NORDLYS --period 2026-Q3" ;;
        render) echo "--template $TPL --account NO-NORDLYS --period 2026-Q3 --out $WORK/decks -j 1" ;;
        *) echo "" ;;
    esac
}

for k in partners accounts contracts catalog firmware devices tickets usage calls; do
    "$CSMREPORT" import --db "$DB" --quiet "$S/$k.csv" >/dev/null 2>&1 || fail "setup: import $k" "exit $?"
done

# --- --help: usage on stdout, exit 0, before or after the name, and help CMD -----
for c in $COMMANDS; do
    run_cr "$c" --help --db "$WORK/help-$c.db"
    check_eq "$c --help: exit 0" "$RC" 0
    check_contains "$c --help: usage on stdout" "$OUT" "usage: csmreport $c"
    check_eq "$c --help: nothing on stderr" "$ERR" ""
    check_contains "$c --help: names the common options" "$OUT" "--verbose"
    if [ -e "$WORK/help-$c.db" ]; then fail "$c --help: opens nothing" "help-$c.db created"; else pass "$c --help: opens nothing"; fi
    run_cr --help "$c"
    check_eq "--help $c: exit 0" "$RC" 0
    check_contains "--help $c: the command's usage" "$OUT" "usage: csmreport $c"
    run_cr "$c" -h
    check_contains "$c -h: usage" "$RC $OUT" "0 usage: csmreport $c"
    run_cr help "$c"
    check_eq "help $c: exit 0" "$RC" 0
    check_contains "help $c: the command's usage on stdout" "$OUT" "usage: csmreport $c"
done
run_cr help import
check_contains "help import: import's own options" "$OUT" "--skip-bad-rows"
run_cr help
check_eq "help: exit 0" "$RC" 0
for c in $COMMANDS help; do
    check_contains "help: lists $c" "$OUT" "
  $c "
done
run_cr --help
check_contains "--help: the command list on stdout" "$RC $OUT" "0 usage: csmreport"
run_cr
check_eq "no command: usage error" "$RC" 64
check_contains "no command: the list on stderr" "$ERR" "commands:"

# --- --verbose and --quiet, before and after the name ------------------------------
for c in check metrics render; do
    # shellcheck disable=SC2046
    run_cr "$c" --db "$DB" $(args_of "$c")
    check_eq "$c: exit 0" "$RC" 0
    check_eq "$c: quiet on stderr by default" "$ERR" ""
    plain=$OUT
    # shellcheck disable=SC2046
    run_cr "$c" --db "$DB" $(args_of "$c") --verbose
    check_eq "$c --verbose after: exit 0" "$RC" 0
    check_contains "$c --verbose after: names the store on stderr" "$ERR" "csmreport: $c: $DB:"
    check_eq "$c --verbose after: stdout unchanged" "$OUT" "$plain"
    # shellcheck disable=SC2046
    run_cr --verbose "$c" --db "$DB" $(args_of "$c")
    check_contains "--verbose $c before: a note on stderr" "$RC $ERR" "0 csmreport: $c: $DB:"
    # shellcheck disable=SC2046
    run_cr "$c" -v --db "$DB" $(args_of "$c")
    check_contains "$c -v: a note on stderr" "$RC $ERR" "0 csmreport: $c: "
    # shellcheck disable=SC2046
    run_cr "$c" --db "$DB" $(args_of "$c") --quiet
    check_eq "$c --quiet after: exit 0, stderr empty" "$RC:$ERR" "0:"
    # shellcheck disable=SC2046
    run_cr -q "$c" --db "$DB" $(args_of "$c")
    check_eq "-q $c before: exit 0, stderr empty" "$RC:$ERR" "0:"
    # shellcheck disable=SC2046
    run_cr --quiet "$c" --db "$DB" $(args_of "$c") --verbose
    check_eq "$c --quiet --verbose: usage error" "$RC" 64
    check_contains "$c --quiet --verbose: says why" "$ERR" "--quiet and --verbose"
done
check_contains "metrics --verbose: the period's dates" \
    "$(run_cr metrics --db "$DB" --account NO-NORDLYS --period 2026-Q3 --verbose; echo "$ERR")" \
    "csmreport: metrics: $DB: account NO-NORDLYS, period 2026-Q3 (2026-07-01..2026-09-30)"
# shellcheck disable=SC2046
check_contains "render --verbose: subjects written" \
    "$(run_cr render --db "$DB" $(args_of render) --verbose; echo "$ERR")" "1 of 1 subject(s) written"
# A cluster of short options: the common letters out, -j and its value kept.
run_cr render --db "$DB" --template "$TPL" --account NO-NORDLYS --period 2026-Q3 --out "$WORK/decks" -vj2
check_contains "render -vj2: verbose, with 2 threads" "$RC $ERR" "0 csmreport: render: "
check_contains "render -vj2: -j read" "$ERR" "-j 2,"

run_cr import --db "$DB" --verbose "$S/partners.csv"
check_eq "import --verbose: exit 0" "$RC" 0
check_contains "import --verbose: per-file counts on stdout" "$OUT" "$S/partners.csv: partners, "
check_contains "import --verbose: the store on stderr" "$ERR" "csmreport: import: 1 file into $DB"
run_cr --verbose --db "$DB" import "$S/partners.csv"
check_contains "--verbose import before: per-file counts" "$RC $OUT" "0 $S/partners.csv: partners, "
run_cr import --db "$DB" "$S/partners.csv"
check_eq "import without --verbose: silent" "$RC:$OUT:$ERR" "0::"
run_cr import --quiet --db "$DB" "$S/partners.csv"
check_eq "import --quiet after: silent" "$RC:$OUT:$ERR" "0::"
run_cr --quiet import --db "$DB" "$S/partners.csv"
check_eq "--quiet import before: silent" "$RC:$OUT:$ERR" "0::"
run_cr import --db "$DB" --quiet --verbose "$S/partners.csv"
check_eq "import --quiet --verbose: usage error" "$RC" 64

run_cr version
plain=$OUT
check_eq "version: exit 0" "$RC" 0
run_cr version --verbose
check_contains "version --verbose: exit 0, the version first" "$RC $OUT" "0 csmreport 0."
check_contains "version --verbose: what it was built against" "$OUT" "built against: sqlite "
case $plain in *"built against"*) fail "version: plain has no build line" "$plain" ;; *) pass "version: plain has no build line" ;; esac
run_cr --verbose version
check_contains "--verbose version before" "$OUT" "built against: sqlite "
run_cr version --quiet
check_eq "version --quiet: same output" "$RC:$OUT" "0:$plain"
run_cr --db "$WORK/v.db" version
check_eq "--db F version: accepted" "$RC:$OUT" "0:$plain"
if [ -e "$WORK/v.db" ]; then fail "version: opens no store" "v.db created"; else pass "version: opens no store"; fi
run_cr version -q -v
check_eq "version -q -v: usage error" "$RC" 64

# --- -V and --version --------------------------------------------------------------
run_cr -V
check_eq "-V: version's output" "$RC:$OUT" "0:$plain"
run_cr --version
check_eq "--version: version's output" "$RC:$OUT" "0:$plain"
run_cr -V --verbose
check_contains "-V --verbose: verbose version" "$OUT" "built against"

# --- --db before and after the name; given twice, the last wins --------------------
run_cr check --db "$DB"
want=$OUT
run_cr --db "$DB" check
check_eq "--db before check: same report" "$RC:$OUT" "0:$want"
run_cr check --db="$DB"
check_eq "check --db=FILE: same report" "$RC:$OUT" "0:$want"
run_cr --db="$DB" check
check_eq "--db=FILE before check: same report" "$RC:$OUT" "0:$want"
run_cr --db "$WORK/first.db" check --db "$DB"
check_eq "--db twice: the last wins" "$RC:$OUT" "0:$want"
run_cr check --db "$DB" --db "$WORK/second.db"
check_eq "--db twice after: the last (missing) wins" "$RC" 66
if [ -e "$WORK/first.db" ] || [ -e "$WORK/second.db" ]; then
    fail "--db twice: nothing created" "$(ls "$WORK")"
else
    pass "--db twice: nothing created"
fi
run_cr --db "$WORK/a.db" import --db "$WORK/b.db" "$S/partners.csv"
check_eq "import --db twice: exit 0" "$RC" 0
if [ -e "$WORK/b.db" ] && [ ! -e "$WORK/a.db" ]; then pass "import --db twice: into the last"; else fail "import --db twice: into the last" "$(ls "$WORK")"; fi
run_cr check --db
check_eq "--db without FILE: usage error" "$RC" 64
check_contains "--db without FILE: says so" "$ERR" "'--db' needs a FILE"
run_cr check --db=
check_eq "--db= empty: usage error" "$RC" 64

# An option's value that looks like a common option is the value.
run_cr import --db --quiet "$S/partners.csv"
check_eq "import --db --quiet: a store named --quiet" "$RC" 0
if [ -s "$WORK/--quiet" ]; then pass "import --db --quiet: file --quiet written"; else fail "import --db --quiet: file --quiet written" "$(ls -a "$WORK")"; fi
run_cr import --db "$DB" --kind --verbose "$S/partners.csv"
check_eq "import --kind --verbose: a kind named --verbose" "$RC:$OUT" "64:"
check_contains "import --kind --verbose: the kind is refused" "$ERR" "unknown kind '--verbose'"

# After "--", a file named like an option is a file.
printf 'partner_id,partner_name\nPT-DASH,Dash Partner\n' >"$WORK/--verbose"
run_cr import --db "$DB" -- --verbose
check_eq "import -- --verbose: exit 0, not verbose" "$RC:$OUT" "0:"
check_eq "import -- --verbose: the file imported" \
    "$(sqlite3 "$DB" "SELECT partner_name FROM partners WHERE partner_id = 'PT-DASH'")" "Dash Partner"

# --- a command that reads the store, on a missing --db --------------------------------
for c in check metrics render; do
    # shellcheck disable=SC2046
    run_cr "$c" --db "$WORK/missing-$c.db" $(args_of "$c")
    check_eq "$c on a missing store: exit 66" "$RC" 66
    check_contains "$c on a missing store: says so" "$ERR" "missing-$c.db"
    left=$(find "$WORK" -name "missing-$c*")
    check_eq "$c on a missing store: creates nothing" "$left" ""
done
run_cr --db "$WORK/missing-before.db" check
check_eq "--db missing before check: exit 66" "$RC" 66
if [ -e "$WORK/missing-before.db" ]; then fail "--db missing before check: creates nothing" "created"; else pass "--db missing before check: creates nothing"; fi

# --- unknown options: 64 and the command's usage on stderr ---------------------------
for c in $COMMANDS; do
    run_cr "$c" --no-such-option
    check_eq "$c --no-such-option: exit 64" "$RC" 64
    check_contains "$c --no-such-option: the command's usage on stderr" "$ERR" "usage: csmreport $c"
    check_contains "$c --no-such-option: names the option" "$ERR" "'--no-such-option'"
    check_eq "$c --no-such-option: nothing on stdout" "$OUT" ""
done
run_cr --no-such-option check
check_contains "--no-such-option before the command: 64" "$RC $ERR" "64 csmreport: unknown option '--no-such-option'"
run_cr --quiet=yes check
check_contains "--quiet=yes: takes no value" "$RC $ERR" "64 csmreport: option '--quiet' takes no value"
if [ -e "$WORK/csmreport.db" ]; then fail "usage errors: no default store created" "csmreport.db"; else pass "usage errors: no default store created"; fi

# --- unknown commands: 64, the nearest one suggested when close ----------------------
run_cr improt
check_eq "improt: exit 64" "$RC" 64
check_contains "improt: did you mean import" "$ERR" "unknown command 'improt'; did you mean 'import'?"
run_cr chekc --db "$DB"
check_contains "chekc: did you mean check" "$ERR" "did you mean 'check'?"
run_cr metric
check_contains "metric: did you mean metrics" "$ERR" "did you mean 'metrics'?"
run_cr xyzzy
check_eq "xyzzy: exit 64" "$RC" 64
check_contains "xyzzy: unknown" "$ERR" "unknown command 'xyzzy'"
case $ERR in *"did you mean"*) fail "xyzzy: no suggestion" "$ERR" ;; *) pass "xyzzy: no suggestion" ;; esac
check_contains "xyzzy: the command list" "$ERR" "commands:"
run_cr help improt
check_contains "help improt: 64, with a suggestion" "$RC $ERR" "64 csmreport: unknown command 'improt'; did you mean 'import'?"
