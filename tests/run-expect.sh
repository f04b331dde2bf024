#!/usr/bin/env bash
# run-expect.sh STATUS REGEX COMMAND...: runs COMMAND, then fails unless it
# exited with STATUS and (if REGEX is not empty) its stdout+stderr match the
# extended regular expression REGEX. Prints the output either way.
set -u
want_status=$1
want_regex=$2
shift 2
out=$("$@" 2>&1)
status=$?
printf '%s\n' "$out"
if [ "$status" != "$want_status" ]; then
    echo "run-expect: exit status $status, expected $want_status" >&2
    exit 1
fi
if [ -n "$want_regex" ] && ! printf '%s\n' "$out" | grep -Eq -- "$want_regex"; then
    echo "run-expect: output does not match /$want_regex/" >&2
    exit 1
fi
exit 0
