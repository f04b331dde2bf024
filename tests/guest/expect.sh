#!/usr/bin/env bash
# expect.sh [checks...] -- COMMAND...: runs COMMAND and checks it. Checks:
#   --status N          exit status must be N (default 0)
#   --out REGEX         some stdout line matches the extended regex
#   --err REGEX         some stderr line matches
#   --no-out REGEX      no stdout line matches
#   --err-lines N       stderr has exactly N lines
#   --out-lines N       stdout has exactly N lines
# Prints stdout and stderr either way; exits 1 on the first failed check.
set -u
status=0
checks=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    case "$1" in
        --status) status=$2; shift 2 ;;
        --out|--err|--no-out|--err-lines|--out-lines) checks+=("$1" "$2"); shift 2 ;;
        *) echo "expect.sh: unknown check '$1'" >&2; exit 2 ;;
    esac
done
[ "${1:-}" = "--" ] || { echo "expect.sh: missing -- COMMAND" >&2; exit 2; }
shift
tmp=$(mktemp -d "${TMPDIR:-/tmp}/expect.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$@" >"$tmp/out" 2>"$tmp/err"
got=$?
echo "--- stdout"; cat "$tmp/out"
echo "--- stderr"; cat "$tmp/err"
echo "--- exit status $got"
fail() { echo "expect.sh: $*" >&2; exit 1; }
[ "$got" = "$status" ] || fail "exit status $got, expected $status"
lines() { if [ -s "$1" ]; then awk 'END { print NR }' "$1"; else echo 0; fi; }
i=0
while [ $i -lt ${#checks[@]} ]; do
    what=${checks[$i]} arg=${checks[$((i + 1))]}
    i=$((i + 2))
    case "$what" in
        --out) grep -Eq -- "$arg" "$tmp/out" || fail "stdout does not match /$arg/" ;;
        --err) grep -Eq -- "$arg" "$tmp/err" || fail "stderr does not match /$arg/" ;;
        --no-out) ! grep -Eq -- "$arg" "$tmp/out" || fail "stdout matches /$arg/" ;;
        --err-lines) [ "$(lines "$tmp/err")" = "$arg" ] || fail "stderr has $(lines "$tmp/err") lines, expected $arg" ;;
        --out-lines) [ "$(lines "$tmp/out")" = "$arg" ] || fail "stdout has $(lines "$tmp/out") lines, expected $arg" ;;
    esac
done
exit 0
