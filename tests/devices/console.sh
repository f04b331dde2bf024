#!/usr/bin/env bash
# console.sh SPACE ELF CASE: console input cases for dev_console.elf.
#   norx-pipe   standard input is a pipe that never closes and the guest never
#               enables the receive interrupt: the run must finish at once
#   spin-pipe   the same, the guest polls forever: --max-insns ends it (124)
#   echo-file   --input FILE: long lines (10000, 5000 bytes) arrive intact,
#               and a last line without newline; one interrupt per line + EOF
#   echo-stdin  the same input as standard input (a file)
#   echo-pipe   the same input through a pipe
#   echo-nl     input ending with a newline: its end is a separate interrupt
#   echo-empty  no input at all: only the end-of-input interrupt
#   echobit-file  the guest prints nothing; CONTROL.ECHO copies the lines
#   delay       input without a wait after INPUT_DELAY instructions, exactly
set -u
space=$1 elf=$2 case=$3
dir=$(mktemp -d)
writer=
cleanup() { [ -n "$writer" ] && kill "$writer" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# never_closing_stdin ARGS...: runs the guest with a standard input nobody
# writes to and nobody closes; sets status, out, err, elapsed (seconds)
never_closing_stdin() {
    mkfifo "$dir/fifo"
    sleep 60 > "$dir/fifo" 2>/dev/null &
    writer=$!
    local start=$SECONDS
    timeout 30 "$space" run "$elf" "$@" < "$dir/fifo" > "$dir/out" 2> "$dir/err"
    status=$?
    elapsed=$((SECONDS - start))
    out=$(cat "$dir/out"); err=$(cat "$dir/err")
    printf -- '--- stdout\n%s\n--- stderr\n%s\n--- status %s, %s s\n' "$out" "$err" "$status" "$elapsed"
    [ "$status" != 124 ] || [ -n "$err" ] || fail "the run blocked on standard input (killed by timeout)"
    # (a generous bound: a loaded CI machine is slow; blocking shows as the timeout above)
    [ "$elapsed" -le 25 ] || fail "took ${elapsed}s: the console waited for input nobody asked for"
}

make_input() {
    python3 - "$dir/in" <<'PY'
import sys
s = ''.join(chr(97 + i % 26) for i in range(10000)) + '\n' + 'short\n' + '\n' \
    + ''.join(chr(65 + i % 26) for i in range(5000))
open(sys.argv[1], 'w').write(s)
PY
}

# check_echo WANT_SUMMARY: stdout must be the input followed by the summary
check_echo() {
    local status=$1 want=$2
    cat "$dir/err"
    [ "$status" = 0 ] || fail "exit status $status"
    [ ! -s "$dir/err" ] || fail "unexpected standard error"
    { cat "$dir/in"; printf '%s\n' "$want"; } > "$dir/want"
    if ! cmp "$dir/want" "$dir/out"; then
        echo "expected tail:"; tail -c 200 "$dir/want" | od -c | tail -5
        echo "got tail:"; tail -c 200 "$dir/out" | od -c | tail -5
        fail "output is not the input followed by '$want'"
    fi
    echo "ok: $want"
}

case $case in
norx-pipe)
    never_closing_stdin --cmdline norx --max-insns 50000000
    [ "$status" = 0 ] || fail "exit status $status"
    [ "$out" = $'norx: start\nnorx: done' ] || fail "output"
    [ -z "$err" ] || fail "standard error" ;;
spin-pipe)
    never_closing_stdin --cmdline spin --max-insns 3000000
    [ "$status" = 124 ] || fail "exit status $status, expected 124 (instruction limit)"
    [ "$out" = 'norx: start' ] || fail "output"
    printf '%s\n' "$err" | grep -Eq '^space: instruction limit reached: 3000000 instructions' ||
        fail "no instruction-limit message" ;;
echo-file)
    make_input
    "$space" run "$elf" --cmdline echo --input "$dir/in" > "$dir/out" 2> "$dir/err"
    check_echo $? "rx:10001,6,1,5000,eof" ;;
echo-stdin)
    make_input
    "$space" run "$elf" --cmdline echo < "$dir/in" > "$dir/out" 2> "$dir/err"
    check_echo $? "rx:10001,6,1,5000,eof" ;;
echo-pipe)
    make_input
    cat "$dir/in" | "$space" run "$elf" --cmdline echo > "$dir/out" 2> "$dir/err"
    check_echo $? "rx:10001,6,1,5000,eof" ;;
echobit-file)
    make_input
    "$space" run "$elf" --cmdline echobit --input "$dir/in" > "$dir/out" 2> "$dir/err"
    check_echo $? "rx:10001,6,1,5000,eof" ;;
delay)
    printf 'ab\ncd\nef\ngh\n' > "$dir/in"
    "$space" run "$elf" --cmdline delay --input "$dir/in" > "$dir/out" 2> "$dir/err"
    status=$?
    cat "$dir/out" "$dir/err"
    [ "$status" = 0 ] || fail "exit status $status"
    [ "$(cat "$dir/out")" = "dev_console delay passed" ] || fail "output"
    [ ! -s "$dir/err" ] || fail "unexpected standard error" ;;
echo-nl)
    printf 'x\nlast\n' > "$dir/in"
    "$space" run "$elf" --cmdline echo --input "$dir/in" > "$dir/out" 2> "$dir/err"
    check_echo $? "rx:2,5,eof" ;;
echo-empty)
    : > "$dir/in"
    "$space" run "$elf" --cmdline echo < /dev/null > "$dir/out" 2> "$dir/err"
    check_echo $? "rx:eof" ;;
*)
    fail "unknown case $case" ;;
esac
echo "console $case: passed"
