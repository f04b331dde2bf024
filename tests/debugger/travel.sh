#!/usr/bin/env bash
# travel.sh SPACE GUEST_DIR CASE WHERE CPUS: time travel in sdb. WHERE is
# live (space run --debug, BasicOZ given console input) or replay (a trace
# of that run recorded first, then space replay --debug); CPUS is 1 or 4.
# Every reverse stop is compared with a forward run of the same input or
# trace stopped at the same place - the virtual time, and hashes of RAM and
# of every CPU's registers and time (sdb's `hash`) must be identical; where
# the forward run is stepped, the last instructions are single steps.
set -u
SPACE=$1 GUESTS=$2 CASE=$3 WHERE=$4 CPUS=$5
SMASH=$GUESTS/pcbsmash.elf
TIMEOUT=${SDB_TIMEOUT:-120}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
runs=0
INPUT=$tmp/input
printf 'hello\nspin 1\necho one two\nhello\n' > "$INPUT"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# sdb COMMANDS [KERNEL]: the debugger with COMMANDS on standard input, live
# or on the replay of the same run; sets OUT (the transcript file).
sdb() {
    local cmds=$1 kernel=${2:-} budget=${BUDGET:+--reverse-budget $BUDGET}
    runs=$((runs + 1))
    OUT=$tmp/out$runs
    local args=(run --debug --cpus "$CPUS" --input "$INPUT" $kernel $budget)
    if [ "$WHERE" = replay ]; then
        local trace=$tmp/run${kernel:+-smash}.trc
        [ -f "$trace" ] || "$SPACE" run --cpus "$CPUS" --input "$INPUT" --record "$trace" \
            $kernel > /dev/null 2>&1
        [ -f "$trace" ] || fail "no trace recorded"
        args=(replay --debug "$trace" $budget)
    fi
    printf '%s\nquit\n' "$cmds" | timeout -s KILL "$TIMEOUT" "$SPACE" "${args[@]}" > "$OUT" 2>&1
    local status=$?
    echo "=== run $runs: space ${args[*]} -> status $status" >&2
    cat "$OUT" >&2
    echo "===" >&2
    [ "$status" != 137 ] || fail "no end after ${TIMEOUT}s (a hang?)"
    ! grep -q '^sdb: ' "$OUT" || fail "an error line"
}

HASH_RE='virtual time [0-9]+ ram [0-9a-f]{16} cpus [0-9a-f]{16}'
# hashes: the hash lines of the last run, one per line.
hashes() { grep -Ex -- "$HASH_RE" "$OUT"; }
# hash N: the N-th hash line of the last run.
hash() { hashes | sed -n "$1p"; }
time_of() { [[ $1 =~ ^virtual\ time\ ([0-9]+) ]] && echo "${BASH_REMATCH[1]}"; }
same() { [ "$1" = "$2" ] || fail "$3: reverse '$1', forward '$2'"; }
# forward_to T [KERNEL]: a forward run to time T, the last 3 instructions
# single-stepped; prints its hash line.
forward_to() {
    local t=$1 cmds=""
    if [ "$t" -gt 3 ]; then
        cmds="until-time $((t - 3))"$'\nstep\nstep\nstep\nhash'
    else
        cmds=$'hash'
        for ((i = 0; i < t; i++)); do cmds=$'step\n'"$cmds"; done
    fi
    sdb "$cmds" "${2:-}"
    hash 1
}

# reverse-stepi and reverse-step: back 1, then 5 more.
case_rsi() {
    sdb $'until-time 1000000\nreverse-stepi\nhash\nrsi 5\nhash\nreverse-step\nhash'
    local a b c
    a=$(hash 1) b=$(hash 2) c=$(hash 3)
    [ "$(time_of "$a")" = 999999 ] && [ "$(time_of "$b")" = 999994 ] &&
        [ "$(time_of "$c")" = 999993 ] || fail "times: $a / $b / $c"
    same "$a" "$(forward_to 999999)" rsi
    same "$b" "$(forward_to 999994)" "rsi 5"
    same "$c" "$(forward_to 999993)" reverse-step
}

# goto the future (not run yet; on a replay, the recorded future), back,
# forward into the future already run, and back again; then the run goes
# on from the past to its end exactly as it first ended.
case_goto() {
    sdb $'goto 2000000\nhash\nuntil-time 3000000\ngoto 1234567\nhash\ngoto 2500000\nhash\ngoto 700000\nhash\ncontinue\nhash'
    local f a b c end
    f=$(hash 1) a=$(hash 2) b=$(hash 3) c=$(hash 4) end=$(hash 5)
    same "$f" "$(forward_to 2000000)" "goto 2000000 (the future)"
    same "$a" "$(forward_to 1234567)" "goto 1234567"
    same "$b" "$(forward_to 2500000)" "goto 2500000"
    same "$c" "$(forward_to 700000)" "goto 700000"
    sdb $'continue\nhash'
    same "$end" "$(hash 1)" "the end after going back"
}

# reverse-continue to breakpoints: the stops of a forward run, backwards.
case_rc_break() {
    sdb $'break syscall_handler\ncontinue\nhash\ncontinue\nhash\ncontinue\nhash'
    local f1 f2
    f1=$(hash 1) f2=$(hash 2)
    sdb $'break syscall_handler\ncontinue\ncontinue\ncontinue\nreverse-continue\nhash\nrc\nhash\nrc\nhash'
    same "$(hash 1)" "$f2" "rc to the 2nd stop"
    same "$(hash 2)" "$f1" "rc to the 1st stop"
    grep -Eq '^reached the oldest virtual time kept: 0 ' "$OUT" || fail "rc past the first stop"
    [ "$(time_of "$(hash 3)")" = 0 ] || fail "not at the start"
}

# reverse-continue to catchpoints (portal traversals: traps and interrupts).
case_rc_catch() {
    sdb $'until-time 2000000\ncatch portal\ncontinue\nhash\ncontinue\nhash\ncontinue\nhash'
    local f1 f2
    f1=$(hash 1) f2=$(hash 2)
    sdb $'until-time 2000000\ncatch portal\ncontinue\ncontinue\ncontinue\nrc\nhash\nrc\nhash'
    same "$(hash 1)" "$f2" "rc to the 2nd traversal"
    same "$(hash 2)" "$f1" "rc to the 1st traversal"
}

# Who overwrote my PCB: from the crash, a write watchpoint on pcb[0].next
# and reverse-continue stop before the store in log_event, index 8.
case_rc_watch() {
    sdb $'continue\nwatch k+36 4\nreverse-continue\nhash\nregs\nreverse-finish\nhash' "$SMASH"
    grep -Eq '^machine stop: .*MEMORY_FAULT.*0xdead00' "$OUT" || fail "no crash"
    grep -Eq '^watchpoint 1: write of 0x[0-9a-f]+ <k\+36> in CONTEXT 0 by the instruction at 0x[0-9a-f]+ <log_event\+[0-9]+>; value now 0x[0-9a-f]+$' "$OUT" ||
        fail "not stopped at log_event's store"
    grep -Eq '^=> 0x[0-9a-f]+ <log_event\+[0-9]+>: mov ' "$OUT" || fail "the pc is not the store"
    grep -Eq '^=> 0x[0-9a-f]+ <kmain\+[0-9]+>: call ' "$OUT" || fail "reverse-finish"
    local w r
    w=$(hash 1) r=$(hash 2)
    same "$w" "$(forward_to "$(time_of "$w")" "$SMASH")" "the watchpoint stop"
    same "$r" "$(forward_to "$(time_of "$r")" "$SMASH")" "reverse-finish"
}

# reverse-next undoes next over a call; reverse-finish finds the call.
case_rn() {
    sdb $'break schedule\ncontinue\ncontinue\ndelete\nreverse-finish\nhash\nnext\nhash\nreverse-next\nhash\nreverse-next\nhash' "$SMASH"
    local call after back prev
    call=$(hash 1) after=$(hash 2) back=$(hash 3) prev=$(hash 4)
    same "$back" "$call" "reverse-next over the call"
    grep -Eq '^=> 0x[0-9a-f]+ <kmain\+[0-9]+>: call ' "$OUT" || fail "not at the call"
    same "$call" "$(forward_to "$(time_of "$call")" "$SMASH")" "reverse-finish"
    same "$prev" "$(forward_to "$(time_of "$prev")" "$SMASH")" "reverse-next before the call"
    [ "$(time_of "$after")" -gt "$(time_of "$call")" ] || fail "next did not advance"
}

# A budget small enough that old snapshots are thinned: going back far
# still lands exactly (the forward runs keep the default budget).
case_thin() {
    # (a run past 60 million instructions with one CPU too)
    [ "$CPUS" != 1 ] || printf 'hello\nspin 5\necho one two\n' > "$INPUT"
    BUDGET=1M sdb $'until-time 60000000\ntime\ngoto 1234567\nhash\ngoto 41000001\nhash'
    local line n used
    line=$(grep -Ex 'time travel: back to 0; [0-9]+ snapshots and the input log: [0-9.]+ MiB of a 1\.0 MiB budget' "$OUT") ||
        fail "no time travel line"
    n=$(echo "$line" | awk '{print $6}') used=$(echo "$line" | awk '{print $12}')
    [ "$n" -lt 13 ] || fail "$n snapshots: none thinned"
    awk -v u="$used" 'BEGIN { exit !(u <= 1.0) }' || fail "$used MiB: over the budget"
    local a b
    a=$(hash 1) b=$(hash 2)
    same "$a" "$(forward_to 1234567)" "goto 1234567, thinned"
    same "$b" "$(forward_to 41000001)" "goto 41000001, thinned"
}

declare -F "case_$CASE" >/dev/null || fail "no case '$CASE'"
"case_$CASE"
echo "PASS: $CASE $WHERE $CPUS"
