# completion.sh - the bash completion (completion/csmreport.bash, installed by
# `make install`): commands and each command's options as the program's help
# lists them, --kind, --locale and --format values, template names from
# ./templates and from the installed templates folder, files and folders.
. "$(dirname "$0")/lib.sh"

COMP="$TOP/completion/csmreport.bash"
if ! command -v bash >/dev/null 2>&1; then
    fail "completion: bash is installed" "no bash"
    exit 1
fi

# An installation: bin/csmreport and share/csmreport/templates beside it.
INST="$WORK/inst"
mkdir -p "$INST/bin" "$INST/share/csmreport/templates" "$WORK/here/templates" "$WORK/here/data/out"
ln -s "$(cd "$(dirname "$CSMREPORT")" && pwd)/$(basename "$CSMREPORT")" "$INST/bin/csmreport"
printf '<report/>\n' >"$INST/share/csmreport/templates/installed-report.xml"
printf '<x/>\n' >"$INST/share/csmreport/templates/report.xsd"
cp "$TOP/templates/qbr.xml" "$TOP/templates/partner-monthly.xml" "$TOP/templates/report.xsd" \
    "$WORK/here/templates/"
: >"$WORK/here/data/accounts.csv"
: >"$WORK/here/data/batch.xml"

# complete WORD...: what the completion offers for the last word (the words
# before it already typed), sorted, one a line; run in $WORK/here with the
# installation first on PATH.
complete_words() {
    (cd "$WORK/here" && PATH="$INST/bin:$PATH" bash --norc --noprofile -c '
        . "$0"
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        _csmreport
        printf "%s\n" "${COMPREPLY[@]}" | sort' "$COMP" "$@" 2>&1)
}
# has LIST WORD: LIST (lines) holds WORD
has() { printf '%s\n' "$1" | grep -qx -- "$2"; }
check_has() {
    if has "$2" "$3"; then pass "$1"; else fail "$1" "'$3' not in: $(printf '%s' "$2" | tr '\n' ' ')"; fi
}
check_lacks() {
    if has "$2" "$3"; then fail "$1" "'$3' offered: $(printf '%s' "$2" | tr '\n' ' ')"; else pass "$1"; fi
}

got=$(bash --norc --noprofile -c ". '$COMP' && complete -p csmreport" 2>&1)
check_eq "completion: sourcing it registers csmreport" "$got" "complete -F _csmreport csmreport"

# Commands: exactly those `csmreport --help` lists.
want=$("$CSMREPORT" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' | sort)
got=$(complete_words csmreport "")
check_eq "completion: the commands are the program's" "$got" "$want"
for c in import check metrics render run version help; do
    check_has "completion: offers the command $c" "$got" "$c"
done
check_eq "completion: 're' completes to render" "$(complete_words csmreport re)" "render"
check_eq "completion: the command after --db FILE" "$(complete_words csmreport --db x.db re)" "render"
check_has "completion: help COMMAND completes commands" "$(complete_words csmreport help "")" "metrics"
check_has "completion: global options" "$(complete_words csmreport --)" "--version"

# Options per command, from that command's usage.
got=$(complete_words csmreport render --)
for o in --template --account --partner --all --period --out --pdf --xlsx --locale --shard \
    --summary --param --db --quiet --verbose --help; do
    check_has "completion: render offers $o" "$got" "$o"
done
check_lacks "completion: render does not offer import's --kind" "$got" "--kind"
got=$(complete_words csmreport import --)
for o in --kind --profile --account --snapshot-date --skip-bad-rows; do
    check_has "completion: import offers $o" "$got" "$o"
done
check_lacks "completion: import does not offer --template" "$got" "--template"
check_eq "completion: metrics --f completes to --format" "$(complete_words csmreport metrics --f)" "--format"
check_eq "completion: an option after other words" \
    "$(complete_words csmreport render --all --period 2026-Q3 --temp)" "--template"

# Values.
check_eq "completion: --kind values" "$(complete_words csmreport import --kind "")" \
    "$(printf '%s\n' accounts calls catalog contracts devices firmware holidays partners tickets usage)"
check_eq "completion: --kind d" "$(complete_words csmreport import --kind d)" "devices"
check_eq "completion: --locale values" "$(complete_words csmreport render --locale "")" \
    "$(printf '%s\n' en fr ja nb)"
check_eq "completion: --format values" "$(complete_words csmreport metrics --format "")" \
    "$(printf '%s\n' csv json text)"

# Templates by name: ./templates, then the installed folder; not the schemas.
got=$(complete_words csmreport render --template "")
check_has "completion: --template offers qbr (./templates)" "$got" "qbr"
check_has "completion: --template offers partner-monthly (./templates)" "$got" "partner-monthly"
check_has "completion: --template offers the installed folder's templates" "$got" "installed-report"
check_lacks "completion: --template does not offer the schema by name" "$got" "report"
check_has "completion: --template also offers files" "$got" "templates"
check_eq "completion: --template q" "$(complete_words csmreport render --template q)" "qbr"

# Files and folders.
check_eq "completion: import FILE" "$(complete_words csmreport import data/acc)" "data/accounts.csv"
check_eq "completion: run BATCH.xml" "$(complete_words csmreport run data/ba)" "data/batch.xml"
check_eq "completion: --db FILE" "$(complete_words csmreport --db data/acc)" "data/accounts.csv"
check_eq "completion: --out offers folders only" "$(complete_words csmreport render --out data/)" "data/out"
check_eq "completion: nothing to offer for --period" "$(complete_words csmreport render --period "")" ""

# make install puts it where bash-completion looks: PREFIX/share/bash-completion/completions.
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$TOP" BUILD="$BUILD" \
    -o "$BUILD/csmreport" install DESTDIR="$WORK/dest" PREFIX=/usr >"$WORK/install.out" 2>&1
check_eq "completion: make install exit" "$?" "0"
if cmp -s "$COMP" "$WORK/dest/usr/share/bash-completion/completions/csmreport"; then
    pass "completion: make install puts it in PREFIX/share/bash-completion/completions"
else
    fail "completion: make install puts it in PREFIX/share/bash-completion/completions" \
        "$(find "$WORK/dest" -path '*completion*' 2>&1 | head -5) $(head -c 300 "$WORK/install.out")"
fi
