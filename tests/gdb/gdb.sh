#!/usr/bin/env bash
# gdb.sh SPACE COUNTER.elf HELLO.elf CASE: a real gdb (batch mode) debugs a
# guest (cpus.elf, beside COUNTER.elf, for --cpus 4) through `space run --gdb 0` (space picks a free port and names it on
# stderr) and the transcript, the port's state and space's exit status are
# checked. Exit 77 (skipped) if there is no gdb. KEEP=1 keeps the
# transcripts.
set -u
space=$1
counter=$2
hello=$3
case=$4
cpus=$(dirname "$counter")/cpus.elf

command -v gdb >/dev/null 2>&1 || { echo "gdb.sh: no gdb on PATH: skipped"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/space-gdb.XXXXXX")
spid=
gpid=
cleanup() {
    [ -n "$gpid" ] && kill "$gpid" 2>/dev/null
    [ -n "$spid" ] && kill "$spid" 2>/dev/null
    if [ -n "${KEEP:-}" ]; then echo "gdb.sh: files kept in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

fail() {
    echo "gdb.sh $case: FAIL: $*" >&2
    for f in gdb.txt space.out space.err; do
        [ -f "$tmp/$f" ] && { echo "---- $f"; cat "$tmp/$f"; }
    done
    exit 1
}

# start_space ELF ARGS...: space in the background, waiting for gdb; sets port.
start_space() {
    "$space" run "$@" --gdb 0 >"$tmp/space.out" 2>"$tmp/space.err" &
    spid=$!
    for _ in $(seq 1200); do
        grep -q "^space: waiting for gdb on 127.0.0.1:" "$tmp/space.err" && break
        kill -0 "$spid" 2>/dev/null || fail "space exited before listening"
        sleep 0.1
    done
    port=$(sed -n 's/^space: waiting for gdb on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$tmp/space.err")
    [ -n "$port" ] || fail "no 'waiting for gdb' line"
}

gdb_args() {
    local elf=$1
    shift
    printf '%s\0' -batch -nx -ex 'set architecture i386' -ex "file $elf" \
        -ex "target remote 127.0.0.1:$port" "$@"
}

# run_gdb ELF GDB-ARGS...: gdb in batch mode, connected (transcript in gdb.txt).
run_gdb() {
    local args=()
    while IFS= read -r -d '' a; do args+=("$a"); done < <(gdb_args "$@")
    timeout 240 gdb "${args[@]}" >"$tmp/gdb.txt" 2>&1 || fail "gdb failed"
}

# space_status WANT: waits for space; fails unless it exited with WANT.
space_status() {
    local st
    wait "$spid"
    st=$?
    spid=
    [ "$st" = "$1" ] || fail "space exited with $st, expected $1"
}

# has FILE REGEX: FILE (gdb.txt, space.out, space.err) has a line matching REGEX.
has() {
    grep -Eq -- "$2" "$tmp/$1" || fail "$1 has no line matching /$2/"
}

# value NAME: the hex value gdb printed for "$N = 0x..." after "echo NAME\n".
value() {
    sed -n "/^$1\$/{n;s/^\\\$[0-9]* = \\(0x[0-9a-f]*\\).*/\\1/p;}" "$tmp/gdb.txt"
}

case $case in
break)
    # break at a symbol, registers there, memory of a data symbol, stepi,
    # detach: the guest then runs to its normal end
    start_space "$counter"
    run_gdb "$counter" -ex 'break kmain' -ex continue -ex 'echo KMAIN\n' -ex 'p/x &kmain' \
        -ex 'info registers' -ex 'x/4x &table' -ex 'x/2i $pc' -ex stepi -ex 'echo PC\n' \
        -ex 'p/x $pc' -ex 'info threads' -ex detach
    space_status 7
    has gdb.txt '^Breakpoint 1, kmain '
    kmain=$(value KMAIN)
    [ -n "$kmain" ] || fail "no address for kmain"
    has gdb.txt "^eip +$kmain +$kmain <kmain>"
    for r in eax ecx edx ebx esp ebp esi edi eflags; do has gdb.txt "^$r +0x"; done
    has gdb.txt '^cs +0xb +11$'
    for r in ss ds es fs gs; do has gdb.txt "^$r +0x13 +19$"; done
    has gdb.txt '<table>:[[:space:]]+0x11223344[[:space:]]+0x55667788[[:space:]]+0x99aabbcc[[:space:]]+0xddeeff00'
    # the instruction after the first one of kmain, as gdb disassembled it
    next=$(sed -n 's/^ *\(0x[0-9a-f]*\) <kmain+[0-9]*>:.*/\1/p' "$tmp/gdb.txt" | head -1)
    [ -n "$next" ] || fail "no second instruction in x/2i"
    [ "$(value PC)" = "$next" ] || fail "stepi: pc $(value PC), expected $next"
    has gdb.txt '^\* 1 +Thread 1 \(CPU 0, CONTEXT 0 MODE 0\)'
    has gdb.txt '^\[Inferior 1 \(Remote target\) detached\]'
    ! grep -q "rejected target-supplied description" "$tmp/gdb.txt" ||
        fail "gdb rejected the target description"
    ;;
hello)
    start_space "$hello"
    run_gdb "$hello" -ex 'break kmain' -ex continue -ex 'echo KMAIN\n' -ex 'p/x &kmain' \
        -ex 'info registers eip' -ex detach
    space_status 42
    kmain=$(value KMAIN)
    has gdb.txt "^eip +$kmain +$kmain <kmain>"
    has space.out '^hello from SPACE, ram 64 MiB'
    ;;
watch)
    # write, read and access watchpoints stop right after the access; the
    # guest, detached afterwards, ends exactly as if never stopped
    start_space "$counter"
    run_gdb "$counter" -ex 'break kmain' -ex continue -ex 'watch counter' -ex continue \
        -ex continue -ex 'echo COUNTER\n' -ex 'p/x counter' -ex delete -ex 'rwatch reads_of' \
        -ex continue -ex delete -ex 'awatch counter' -ex continue -ex continue -ex delete \
        -ex detach
    space_status 7
    has gdb.txt '^Hardware watchpoint 2: counter'
    grep -A2 '^Hardware watchpoint 2: counter' "$tmp/gdb.txt" >"$tmp/hits"
    grep -q -A1 '^Old value = 0$' "$tmp/hits" || fail "no first hit"
    tr '\n' ' ' <"$tmp/gdb.txt" | grep -Eq 'Old value = 0 New value = 1 .*Old value = 1 New value = 2 ' ||
        fail "the write watchpoint did not stop at the first two writes"
    [ "$(value COUNTER)" = 0x2 ] || fail "counter $(value COUNTER) after two hits"
    has gdb.txt '^Hardware read watchpoint 3: reads_of'
    tr '\n' ' ' <"$tmp/gdb.txt" | grep -Eq 'Hardware read watchpoint 3: reads_of  Value = 0 ' ||
        fail "the read watchpoint did not stop"
    tr '\n' ' ' <"$tmp/gdb.txt" |
        grep -Eq 'Hardware access \(read/write\) watchpoint 4: counter  Value = 2 .*Hardware access \(read/write\) watchpoint 4: counter  Old value = 2 New value = 3 ' ||
        fail "the access watchpoint did not stop at the read, then the write"
    ;;
exit)
    # no breakpoints: the guest's exit reaches gdb
    start_space "$counter"
    run_gdb "$counter" -ex continue
    space_status 7
    has gdb.txt '^\[Inferior 1 \(Remote target\) exited with code 07\]'
    ;;
limit)
    # the instruction limit: gdb hears why, and the status space exits with
    start_space "$counter" --cmdline spin --max-insns 5000
    run_gdb "$counter" -ex continue
    space_status 124
    has gdb.txt '^space: instruction limit reached'
    has gdb.txt '^\[Inferior 1 \(Remote target\) exited with code 0174\]'
    has space.err '^space: instruction limit reached: 5000 instructions'
    ;;
kill)
    start_space "$counter"
    run_gdb "$counter" -ex 'break bump' -ex continue -ex kill
    space_status 130
    has gdb.txt '^Breakpoint 1, bump '
    has gdb.txt '^\[Inferior 1 \(Remote target\) killed\]'
    has space.err '^space: killed by gdb after [0-9]+ instructions, CONTEXT 0 MODE 0 pc 0x'
    ;;
interrupt)
    # Ctrl-C in gdb while the guest runs (forever) stops it with SIGINT
    start_space "$counter" --cmdline spin
    args=()
    while IFS= read -r -d '' a; do args+=("$a"); done < <(gdb_args "$counter" \
        -ex "shell touch '$tmp/running'" -ex continue -ex 'echo COUNTER\n' -ex 'p counter > 10' \
        -ex 'info registers eip' -ex kill)
    # (--foreground: timeout hands SIGINT to gdb only; a second one, to its
    # process group, would make gdb give up on the target)
    timeout --foreground 240 gdb "${args[@]}" >"$tmp/gdb.txt" 2>&1 &
    gpid=$!
    for _ in $(seq 1200); do [ -f "$tmp/running" ] && break; sleep 0.1; done
    sleep 1
    kill -INT "$gpid"
    wait "$gpid" || fail "gdb failed"
    gpid=
    space_status 130
    has gdb.txt '^Program received signal SIGINT, Interrupt\.'
    has gdb.txt '^\$1 = 1$'
    has gdb.txt '^eip +0x[0-9a-f]+ +0x[0-9a-f]+ <(bump|kmain)'
    has space.err '^space: killed by gdb after'
    ;;
cpus)
    # four CPUs are four threads (thread n + 1 is CPU n): a breakpoint only
    # CPU 1 reaches stops thread 2, and thread 3 shows CPU 2's registers
    start_space "$cpus" --cpus 4
    run_gdb "$cpus" -ex 'info threads' -ex 'break cpu1_work' -ex continue -ex stepi \
        -ex 'echo STEPPED\n' -ex 'p $_thread' -ex 'echo THREADS\n' \
        -ex 'info threads' -ex delete -ex 'break all_started' -ex continue -ex 'thread 3' \
        -ex 'info registers' -ex 'thread 4' -ex 'p/x $ebx' -ex detach
    space_status 7
    has gdb.txt '^Thread 2 hit Breakpoint 1, .*cpu1_work'
    sed -n '/^THREADS$/,$p' "$tmp/gdb.txt" >"$tmp/threads"
    for t in 1 2 3 4; do
        grep -Eq "^[* ] $t +Thread $t \(CPU $((t - 1)), CONTEXT 0 MODE 0\)" "$tmp/threads" ||
            fail "info threads: no thread $t for CPU $((t - 1))"
    done
    grep -Eq '^\* 2 +Thread 2 ' "$tmp/threads" || fail "thread 2 is not the one that stopped"
    has gdb.txt '^Thread 1 hit Breakpoint 2, .*all_started'
    has gdb.txt '^\[Switching to thread 3 \(Thread 3\)\]'
    has gdb.txt '^ebx +0xc0de0002 '
    # stepi right after the stop steps the CPU that stopped
    [ "$(sed -n '/^STEPPED$/{n;p;}' "$tmp/gdb.txt")" = '$1 = 2' ] || fail "stepi left thread 2"
    has gdb.txt '^\$2 = 0xc0de0003$'
    ;;
reverse)
    # time travel: reverse-stepi, reverse-continue back to a breakpoint,
    # reverse-finish to the call, and a write watchpoint hit backwards at the
    # last write (before it: gdb shows the value going back)
    start_space "$counter"
    run_gdb "$counter" -ex 'break bump' -ex continue -ex continue -ex continue \
        -ex 'echo PC3\n' -ex 'p/x $pc' -ex stepi -ex stepi -ex 'reverse-stepi' -ex 'reverse-stepi' \
        -ex 'echo BACK\n' -ex 'p/x $pc' -ex 'reverse-continue' -ex 'echo COUNT2\n' -ex 'p/x counter' \
        -ex 'reverse-finish' -ex 'echo CALLER\n' -ex 'p/x $pc' -ex delete \
        -ex 'break kmain' -ex 'reverse-continue' -ex delete -ex 'watch counter' -ex continue \
        -ex continue -ex continue -ex 'reverse-continue' -ex 'echo WRITER\n' -ex 'p/x $pc' \
        -ex 'echo OLD\n' -ex 'p/x counter' -ex delete -ex detach
    space_status 7
    has gdb.txt '^Breakpoint 1, bump '
    [ "$(value BACK)" = "$(value PC3)" ] || fail "reverse-stepi: pc $(value BACK), expected $(value PC3)"
    [ "$(value COUNT2)" = 0x1 ] || fail "reverse-continue: counter $(value COUNT2), expected 0x1 (the 2nd call)"
    # reverse-finish: back in kmain, at the call
    caller=$(value CALLER)
    [ -n "$caller" ] || fail "no pc after reverse-finish"
    has gdb.txt "^0x0*${caller#0x} in kmain \\(.*\\) at .*counter\\.c:[0-9]+$"
    has gdb.txt '^Breakpoint 2, kmain '
    tr '\n' ' ' <"$tmp/gdb.txt" | grep -Eq 'Hardware watchpoint [0-9]+: counter  Old value = 3 New value = 2 ' ||
        fail "the reverse watchpoint did not stop at the last write"
    [ "$(value OLD)" = 0x2 ] || fail "counter $(value OLD) at the writer, expected 0x2"
    sed -n '/^WRITER$/{n;p;}' "$tmp/gdb.txt" | grep -q '0x' || fail "no writer pc"
    ;;
reverse_cpus)
    # four CPUs: reverse-continue back to the breakpoint only CPU 1 reaches,
    # reverse-stepi from there
    start_space "$cpus" --cpus 4
    run_gdb "$cpus" -ex 'break cpu1_work' -ex continue -ex 'echo AT\n' -ex 'p/x $pc' \
        -ex 'stepi 20' -ex 'reverse-continue' -ex 'echo BACK\n' -ex 'p/x $pc' -ex 'p $_thread' \
        -ex 'reverse-stepi' -ex delete -ex detach
    space_status 7
    [ "$(value BACK)" = "$(value AT)" ] || fail "reverse-continue: pc $(value BACK), expected $(value AT)"
    tr '\n' ' ' <"$tmp/gdb.txt" | grep -Eq 'Thread 2 hit Breakpoint 1, .*cpu1_work.* Thread 2 hit Breakpoint 1, .*cpu1_work' ||
        fail "reverse-continue did not stop thread 2 at the breakpoint"
    ;;
errors)
    # a port that is not a number, a port somebody listens on, Ctrl-C while
    # waiting; and the port is on the loopback interface only
    "$space" run "$counter" --gdb 12ab >"$tmp/space.out" 2>"$tmp/space.err"
    [ $? = 2 ] || fail "--gdb 12ab"
    has space.err "^space: --gdb needs a TCP port number \(0\.\.65535\), not '12ab'"
    "$space" run "$counter" --gdb 65536 >"$tmp/space.out" 2>"$tmp/space.err"
    [ $? = 2 ] || fail "--gdb 65536"
    "$space" run "$counter" --gdb >"$tmp/space.out" 2>"$tmp/space.err"
    [ $? = 2 ] || fail "--gdb without a port"
    start_space "$counter"
    first=$spid
    if command -v ss >/dev/null 2>&1; then
        ss -ltnH >"$tmp/ss.txt" 2>/dev/null
        grep -Eq "[[:space:]]127\.0\.0\.1:$port[[:space:]]" "$tmp/ss.txt" ||
            fail "nobody listens on 127.0.0.1:$port"
        ! grep -Eq "[[:space:]](0\.0\.0\.0|\*|\[::\]):$port[[:space:]]" "$tmp/ss.txt" ||
            fail "port $port is open on every interface"
    fi
    "$space" run "$counter" --gdb "$port" >"$tmp/space2.out" 2>"$tmp/space2.err"
    st=$?
    [ $st = 2 ] || fail "a port in use: status $st"
    [ "$(wc -l <"$tmp/space2.err")" = 1 ] || fail "more than one line for a port in use"
    grep -Eq "^space: --gdb $port: cannot listen on 127\.0\.0\.1:$port: " "$tmp/space2.err" ||
        fail "a port in use: $(cat "$tmp/space2.err")"
    spid=$first
    kill -INT "$spid"
    space_status 130
    has space.err '^space: interrupted after 0 instructions'
    ;;
*)
    echo "gdb.sh: unknown case '$case'" >&2
    exit 2
    ;;
esac
echo "gdb.sh $case: passed"
