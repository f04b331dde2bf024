# lib.sh - helpers for the BasicOZ whole-machine tests (sourced by cases.sh).
#
# oz SCRIPT [OPTION...] boots BasicOZ (the kernel built into space, or
# $OZ_KERNEL if set) with the console input SCRIPT (the text itself, written
# to a file) and the given space options. It prints the transcript and sets
#   OUT, ERR   files holding the run's stdout and stderr
#   STATUS     its exit status (137: killed after $OZ_TIMEOUT seconds, a hang)
# The assertions below look at the last run and stop the test on failure.

OZ_TIMEOUT=${OZ_TIMEOUT:-60}
OZ_KERNEL=${OZ_KERNEL:-}
oz_tmp=$(mktemp -d)
trap 'rm -rf "$oz_tmp"' EXIT
oz_runs=0

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

oz() {
    local script=$1
    shift
    oz_runs=$((oz_runs + 1))
    IN=$oz_tmp/in$oz_runs OUT=$oz_tmp/out$oz_runs ERR=$oz_tmp/err$oz_runs
    printf '%s' "$script" > "$IN"
    local kernel=()
    [ -n "$OZ_KERNEL" ] && kernel=("$OZ_KERNEL")
    timeout -s KILL "$OZ_TIMEOUT" "$SPACE" run "${kernel[@]}" --input "$IN" "$@" > "$OUT" 2> "$ERR"
    STATUS=$?
    echo "=== run $oz_runs: space run ${kernel[*]} --input SCRIPT $* -> status $STATUS"
    echo "--- script:"
    cat "$IN"
    [ -n "$script" ] && [ "${script: -1}" != $'\n' ] && echo "(no newline at the end)"
    echo "--- stdout:"
    cat "$OUT"
    echo "--- stderr:"
    cat "$ERR"
    echo "---"
    [ "$STATUS" != 137 ] || fail "no end after ${OZ_TIMEOUT}s (a hang?)"
}

# status_is N: the run exited with status N.
status_is() {
    [ "$STATUS" = "$1" ] || fail "exit status $STATUS, expected $1"
}

# stderr_empty: nothing on stderr (the guest only writes to the console).
stderr_empty() {
    [ ! -s "$ERR" ] || fail "unexpected stderr: $(head -3 "$ERR")"
}

# line TEXT: some line of stdout is exactly TEXT.
line() {
    grep -Fxq -- "$1" "$OUT" || fail "no line '$1'"
}

# no_line TEXT: no line of stdout is exactly TEXT.
no_line() {
    ! grep -Fxq -- "$1" "$OUT" || fail "unexpected line '$1'"
}

# line_re ERE: some line of stdout matches ERE as a whole.
line_re() {
    grep -Exq -- "$1" "$OUT" || fail "no line matching /^$1\$/"
}

# no_line_re ERE: no line of stdout matches ERE as a whole.
no_line_re() {
    ! grep -Exq -- "$1" "$OUT" || fail "unexpected line matching /^$1\$/: $(grep -Ex -- "$1" "$OUT" | head -1)"
}

# count_re ERE N: exactly N lines of stdout match ERE as a whole.
count_re() {
    local n
    n=$(grep -Exc -- "$1" "$OUT")
    [ "$n" = "$2" ] || fail "$n lines match /^$1\$/, expected $2"
}

# first_line TEXT, last_line TEXT: the first / last line of stdout is TEXT.
first_line() {
    [ "$(head -n 1 "$OUT")" = "$1" ] || fail "first line is '$(head -n 1 "$OUT")', expected '$1'"
}
last_line() {
    [ "$(tail -n 1 "$OUT")" = "$1" ] || fail "last line is '$(tail -n 1 "$OUT")', expected '$1'"
}

# block <<EOF ... EOF: the lines given appear in stdout one after another,
# in this order, each exactly; a line written "~ERE" matches ERE as a whole
# instead.
block() {
    local -a want got
    mapfile -t want
    mapfile -t got < "$OUT"
    local n=${#want[@]} i j ok
    for ((i = 0; i + n <= ${#got[@]}; i++)); do
        ok=1
        for ((j = 0; j < n; j++)); do
            local w=${want[j]} g=${got[i + j]}
            if [ "${w:0:1}" = "~" ]; then
                [[ $g =~ ^(${w:1})$ ]] || { ok=0; break; }
            else
                [ "$g" = "$w" ] || { ok=0; break; }
            fi
        done
        [ $ok = 1 ] && return 0
    done
    printf 'expected these lines together:\n' >&2
    printf '    %s\n' "${want[@]}" >&2
    fail "block not found in the output"
}

# halted STATUS: the shell (init) exited with STATUS and the machine halted
# with it: the last line is the kernel's, the exit status is STATUS mod 256.
halted() {
    local last
    last=$(tail -n 1 "$OUT")
    [[ $last == *"basicoz: init exited with status $1, halting" ]] ||
        fail "last line is '$last', expected the kernel's halt message for status $1"
    status_is $(($1 & 255))
}

# transitions STRING: how many "ab" and "ba" pairs STRING holds ("AB BA").
transitions() {
    local s=$1 ab=0 ba=0 i
    for ((i = 0; i + 1 < ${#s}; i++)); do
        case ${s:i:2} in
        ab) ab=$((ab + 1)) ;;
        ba) ba=$((ba + 1)) ;;
        esac
    done
    echo "$ab $ba"
}

# count_char STRING CHAR: how many times CHAR occurs in STRING.
count_char() {
    local s=${1//[^$2]/}
    echo ${#s}
}
