#!/usr/bin/env bash
# expect.sh STATUS STDOUT STDERR_RE COMMAND...
# Runs COMMAND and fails unless it exits with STATUS, its standard output is
# exactly STDOUT (printf %b escapes; "*" = not checked) and its standard
# error matches the extended regular expression STDERR_RE (empty = standard
# error must be empty). Prints both streams either way.
set -u
want_status=$1 want_out=$2 want_err=$3
shift 3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$@" > "$dir/out" 2> "$dir/err"
status=$?
echo "--- stdout"; cat "$dir/out"
echo "--- stderr"; cat "$dir/err"
echo "--- status $status"
ok=1
if [ "$status" != "$want_status" ]; then
    echo "expect: exit status $status, expected $want_status" >&2; ok=0
fi
if [ "$want_out" != "*" ]; then
    printf '%b' "$want_out" > "$dir/want"
    if ! cmp -s "$dir/want" "$dir/out"; then
        echo "expect: standard output differs from the expected:" >&2
        diff <(od -c "$dir/want") <(od -c "$dir/out") | head -20 >&2; ok=0
    fi
fi
if [ -z "$want_err" ]; then
    [ -s "$dir/err" ] && { echo "expect: standard error should be empty" >&2; ok=0; }
elif ! grep -Eq -- "$want_err" "$dir/err"; then
    echo "expect: standard error does not match /$want_err/" >&2; ok=0
fi
[ $ok = 1 ]
