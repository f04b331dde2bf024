#!/usr/bin/env bash
# Record and replay under the debugger: a replay stopped at a breakpoint
# shows exactly what the live run showed there; a run recorded under the
# debugger and left mid-way replays to where it was left.
# usage: debug.sh SPACE
set -u
space=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
printf 'hello\nps\nexit\n' > "$dir/in"
cmds='break syscall_handler\ncontinue\ncontinue\ncontinue\nregs\nquit\n'
# the registers at the third system call, live
printf "$cmds" | "$space" run --debug --input "$dir/in" > "$dir/live" 2>&1
grep -q '^virtual time [0-9]' "$dir/live" || fail "no registers in the live session: $(cat "$dir/live")"
# ... and recorded, left in the middle: the recording ends there
printf "$cmds" | "$space" run --debug --input "$dir/in" --record "$dir/t.trc" > "$dir/rec" 2>&1
diff <(grep -A12 '^EAX' "$dir/live") <(grep -A12 '^EAX' "$dir/rec") ||
    fail "recording changed what the debugger saw"
out=$("$space" replay -q "$dir/t.trc" 2>&1) || fail "replay of the debugger session: $out"
echo "$out"
grep -q 'replay matches the recording' <<<"$out" || fail "$out"
# the whole run recorded, then replayed under the debugger to the same stop
"$space" run --input "$dir/in" --record "$dir/full.trc" > /dev/null 2>&1 || fail "recording"
printf "$cmds" | "$space" replay --debug "$dir/full.trc" > "$dir/replayed" 2>&1
diff <(grep -A12 '^EAX' "$dir/live") <(grep -A12 '^EAX' "$dir/replayed") ||
    fail "the replay under the debugger differs from the live run"
grep -q 'replay left at virtual time [0-9]*; 1 of 2 checkpoints verified so far, all matching' \
    "$dir/replayed" || fail "no progress report: $(tail -3 "$dir/replayed")"
# continued to the end, the replay under the debugger matches
printf 'continue\nquit\n' | "$space" replay --debug "$dir/full.trc" > "$dir/end" 2>&1
grep -q 'replay matches the recording' "$dir/end" || fail "$(tail -3 "$dir/end")"
echo "record debug passed"
