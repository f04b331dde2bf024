#!/usr/bin/env bash
# limits.sh SPACE GUEST.elf [STEPS]: --max-insns is exact and invisible.
# Runs GUEST to its halt with -v (N instructions), then:
#   --max-insns N      halts the same way with the same output;
#   --max-insns N-1    exit 124, "instruction limit reached: N-1 instructions";
#   STEPS limits L spread over 1..N-1 (default 12): exit 124, the message
#   names exactly L, and the output so far is a prefix of the full output.
set -u
space=$1 elf=$2 steps=${3:-12}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/limits.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "limits.sh: $*" >&2; exit 1; }

"$space" run "$elf" -v >"$tmp/full.out" 2>"$tmp/full.err"
status=$?
n=$(sed -n 's/^space: guest halted with code [0-9]* after \([0-9]*\) instructions$/\1/p' "$tmp/full.err")
[ -n "$n" ] || { cat "$tmp/full.err"; fail "no halt line in the -v run (status $status)"; }
echo "full run: status $status, $n instructions, $(wc -c <"$tmp/full.out") bytes of output"

"$space" run "$elf" --max-insns "$n" >"$tmp/n.out" 2>"$tmp/n.err"
s=$?
[ "$s" = "$status" ] || fail "--max-insns $n: status $s, expected $status"
cmp -s "$tmp/n.out" "$tmp/full.out" || fail "--max-insns $n: different output"

check_limit() {
    local l=$1
    "$space" run "$elf" --max-insns "$l" >"$tmp/l.out" 2>"$tmp/l.err"
    local s=$?
    [ "$s" = 124 ] || { cat "$tmp/l.err"; fail "--max-insns $l: status $s, expected 124"; }
    grep -Eq "^space: instruction limit reached: $l instructions, CONTEXT [0-9]+ MODE [0-3] pc 0x[0-9a-f]+$" "$tmp/l.err" ||
        { cat "$tmp/l.err"; fail "--max-insns $l: wrong message"; }
    [ "$(wc -l <"$tmp/l.err")" = 1 ] || fail "--max-insns $l: more than one line on stderr"
    local len
    len=$(wc -c <"$tmp/l.out")
    cmp -s "$tmp/l.out" <(head -c "$len" "$tmp/full.out") || fail "--max-insns $l: output is not a prefix"
}
check_limit $((n - 1))
check_limit 1
i=1
while [ $i -le "$steps" ]; do
    l=$(( (n * i) / (steps + 1) + i % 7 ))
    [ "$l" -ge 1 ] && [ "$l" -lt "$n" ] && check_limit "$l"
    i=$((i + 1))
done
echo "limits ok: $n instructions, $steps stops"
