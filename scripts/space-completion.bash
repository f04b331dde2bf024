# bash completion for space (source it, or install it as
# share/bash-completion/completions/space). The commands are fixed; each
# command's options are read from `space CMD --help` (its "options for
# CMD:" section, or every option line if it has none), once per shell, so
# they never drift from the program. An option whose value is FILE
# completes file names, DIR directories, any other value nothing; other
# words complete file names (kernels, traces, specs).

_space_options() {
    # _space_options SPACE CMD: "OPTION ARG" per line (ARG empty if none).
    "$1" "$2" --help 2>/dev/null | awk -v cmd="$2" '
        /^options for / { insec = ($3 == cmd ":"); seen = seen || insec; next }
        /^[^ ]/ { insec = 0 }
        /^  -/ {
            line = $0; sub(/^  /, "", line)
            n = split(line, w, /[ ,]+/)
            first = k + 1
            for (i = 1; i <= n && w[i] ~ /^-/; i++) {
                opt[++k] = w[i]; sec[k] = insec
            }
            # "-o, --output FILE": both spellings take the FILE
            for (j = first; j <= k; j++) val[j] = (w[i] ~ /^[A-Z[]/) ? w[i] : ""
        }
        END {
            for (i = 1; i <= k; i++)
                if (!seen || sec[i]) print opt[i], val[i]
        }' | awk '!dup[$1]++'
}

_space() {
    local cur prev space cmd
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    space=${COMP_WORDS[0]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        mapfile -t COMPREPLY < <(compgen -W "run replay grade bench-kernel timeline --help --version" -- "$cur")
        return 0
    fi
    cmd=${COMP_WORDS[1]}
    case $cmd in
    run | replay | grade | bench-kernel | timeline) ;;
    *) return 0 ;;
    esac
    # the options of cmd, cached: _space_opts_CMD holds "OPTION ARG" lines
    local var=_space_opts_${cmd//-/_}
    if [ -z "${!var-}" ]; then
        printf -v "$var" '%s' "$(_space_options "$space" "$cmd")"
    fi
    local opts=${!var-} arg
    arg=$(printf '%s\n' "$opts" | awk -v o="$prev" '$1 == o { print $2 }')
    case $arg in
    DIR)
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        return 0
        ;;
    FILE | *=\]FILE) # (--kernel [LABEL=]FILE)
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return 0
        ;;
    ?*) return 0 ;; # a number, a size, flags: nothing to offer
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(printf '%s\n' "$opts" | awk '{ print $1 }')" -- "$cur")
    else
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
    return 0
}

complete -o filenames -F _space space
