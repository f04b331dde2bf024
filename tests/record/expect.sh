# expect.sh - what record.sh and xkernel.sh share (sourced): stopping a test,
# and running a command that must end with a given status and say something.

fail() { echo "FAIL: $*"; exit 1; }

# expect STATUS REGEX command...: the command's stdout+stderr (kept in $out,
# its last lines shown) must match REGEX, and its status be STATUS.
expect() {
    local want=$1 re=$2
    shift 2
    out=$("$@" 2>&1)
    st=$?
    printf '%s\n' "$out" | tail -n 5
    [ "$st" = "$want" ] || fail "exit status $st, expected $want: $*: $out"
    printf '%s\n' "$out" | grep -Eq -- "$re" || fail "output does not match /$re/: $*: $out"
}
