# bash completion for csmreport                                 -*- shell-script -*-
#
# Installed by `make install` into PREFIX/share/bash-completion/completions,
# where bash-completion loads it on first use; `source` it to try it by hand.
# Commands and each command's options are read from the program's own help
# (`csmreport --help`, `csmreport CMD --help`), so they follow the program;
# --kind, --locale and --format values come from the product contract (SPEC
# sections 3, 6); --template offers the templates ./templates and the
# installed folder hold, by name (what `render --template NAME` finds), and
# files. Needs nothing from the bash-completion package.

# The commands, one a line, from the "commands:" block of `csmreport --help`.
_csmreport_commands()
{
    "$1" --help 2>/dev/null | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

# The long options COMMAND's usage lines name (the text below them mentions
# other commands' options in examples), and the common ones.
_csmreport_options()
{
    {
        "$1" "$2" --help 2>/dev/null | awk '/^usage:/ { u = 1; print; next } u && /^ / { print; next } { u = 0 }' |
            grep -o -- '--[a-z][a-z-]*'
        printf '%s\n' --db --quiet --verbose --help
    } | sort -u
}

# Template names: *.xml in ./templates and the installed templates folders,
# without .xml (the schemas *.xsd are not templates).
_csmreport_templates()
{
    local dir f bin
    bin=$(command -v "$1" 2>/dev/null)
    for dir in ./templates "${bin%/*}/../share/csmreport/templates" \
               /usr/local/share/csmreport/templates /usr/share/csmreport/templates; do
        [ -d "$dir" ] || continue
        for f in "$dir"/*.xml; do
            [ -f "$f" ] || continue
            f=${f##*/}
            printf '%s\n' "${f%.xml}"
        done
    done | sort -u
}

_csmreport_files()
{
    local IFS=$'\n'
    COMPREPLY+=( $(compgen -f -- "$1") )
    compopt -o filenames 2>/dev/null
}

_csmreport_dirs()
{
    local IFS=$'\n'
    COMPREPLY+=( $(compgen -d -- "$1") )
    compopt -o filenames 2>/dev/null
}

_csmreport()
{
    local prog=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]}
    local prev= cmd= i w
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
    COMPREPLY=()

    # The command is the first word that is neither an option nor an option's value.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
            --db) ((i++)) ;;
            -*) ;;
            *) cmd=$w; break ;;
        esac
    done

    case $prev in
        --db|--summary|--profile)
            _csmreport_files "$cur"; return 0 ;;
        --out)
            _csmreport_dirs "$cur"; return 0 ;;
        --kind)
            COMPREPLY=( $(compgen -W "accounts partners contracts catalog firmware
                holidays devices tickets usage calls" -- "$cur") )
            return 0 ;;
        --locale)
            COMPREPLY=( $(compgen -W "en fr nb ja" -- "$cur") )
            return 0 ;;
        --format)
            COMPREPLY=( $(compgen -W "text json csv" -- "$cur") )
            return 0 ;;
        --template)
            COMPREPLY=( $(compgen -W "$(_csmreport_templates "$prog")" -- "$cur") )
            _csmreport_files "$cur"
            return 0 ;;
        --account|--partner|--period|--snapshot-date|--date|--smtp|--shard|-j|--param|--sheet)
            return 0 ;;
    esac

    if [ -z "$cmd" ]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=( $(compgen -W "--db --quiet --verbose --help --version" -- "$cur") )
        else
            COMPREPLY=( $(compgen -W "$(_csmreport_commands "$prog")" -- "$cur") )
        fi
        return 0
    fi
    if [ "$cmd" = help ]; then
        COMPREPLY=( $(compgen -W "$(_csmreport_commands "$prog")" -- "$cur") )
        return 0
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=( $(compgen -W "$(_csmreport_options "$prog" "$cmd")" -- "$cur") )
        return 0
    fi
    # import FILE..., run BATCH.xml, and any other argument: files
    _csmreport_files "$cur"
    return 0
}
complete -F _csmreport csmreport
