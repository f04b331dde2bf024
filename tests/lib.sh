# lib.sh - what the scripted tests of the space commands share (sourced by
# stats/stats.sh, grade/grade.sh, basicoz/metrics.sh and solutions/*.sh):
# stopping a test, and running space
# with a time limit while keeping its output for the checks.
#
# run_space ARGS...: runs "$SPACE" ARGS... (killed after $TIMEOUT seconds)
# with stdout in "$OUT" and stderr in "$ERR" (the caller names the files),
# shows both, and sets STATUS (137: killed, which fails the test).

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

run_space() {
    timeout -s KILL "$TIMEOUT" "$SPACE" "$@" > "$OUT" 2> "$ERR"
    STATUS=$?
    echo "=== space $* -> status $STATUS"
    echo "--- stdout:"
    cat "$OUT"
    echo "--- stderr:"
    cat "$ERR"
    echo "---"
    [ "$STATUS" != 137 ] || fail "no end after ${TIMEOUT}s (a hang?)"
}

status_is() { [ "$STATUS" = "$1" ] || fail "exit status $STATUS, expected $1"; }
stderr_empty() { [ ! -s "$ERR" ] || fail "unexpected stderr: $(head -3 "$ERR")"; }
