#!/usr/bin/env bash
# cases.sh SPACE GUEST_DIR CASE: one test of sdb, the command-line debugger
# (`space run --debug`). Each case pipes debugger commands into space and
# checks the transcript (standard output and error together: the debugger's
# output, its error lines and the guest's console). GUEST_DIR holds the
# test guests (tests/guest/*.elf in the build tree); BasicOZ is the kernel
# built into space. Addresses are never hard-coded: a test learns them from
# one command's output and checks another's against them.
set -u
SPACE=$1 GUESTS=$2 CASE=$3
HELLO=$GUESTS/hello.elf DEMAND=$GUESTS/demand.elf
TIMEOUT=${SDB_TIMEOUT:-120}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
runs=0

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# sdb COMMANDS [space run options...]: runs the debugger with COMMANDS (one
# per line) on standard input; sets OUT (the transcript file) and STATUS.
sdb() {
    local cmds=$1
    shift
    runs=$((runs + 1))
    OUT=$tmp/out$runs
    printf '%s\n' "$cmds" | timeout -s KILL "$TIMEOUT" "$SPACE" run --debug "$@" > "$OUT" 2>&1
    STATUS=$?
    echo "=== run $runs: space run --debug $* -> status $STATUS"
    cat "$OUT"
    echo "==="
    [ "$STATUS" != 137 ] || fail "no end after ${TIMEOUT}s (a hang?)"
}

# input TEXT: a console input script for BasicOZ (its path in INPUT).
input() {
    INPUT=$tmp/input
    printf '%s' "$1" > "$INPUT"
}

status_is() { [ "$STATUS" = "$1" ] || fail "exit status $STATUS, expected $1"; }
# has ERE / hasnt ERE: some line (no line) of the transcript matches ERE as a whole.
has() { grep -Exq -- "$1" "$OUT" || fail "no line matching /^$1\$/"; }
hasnt() { ! grep -Exq -- "$1" "$OUT" || fail "unexpected line matching /^$1\$/"; }
# count ERE N: exactly N lines match.
count() {
    local n
    n=$(grep -Exc -- "$1" "$OUT")
    [ "$n" = "$2" ] || fail "$n lines match /^$1\$/, expected $2"
}
# grab ERE: the first parenthesised group of the first line matching ERE.
grab() {
    local line
    line=$(grep -Ex -m 1 -- "$1" "$OUT") || fail "no line matching /^$1\$/"
    [[ $line =~ ^$1$ ]] || fail "cannot match /$1/"
    echo "${BASH_REMATCH[1]}"
}
# nth ERE N: group 1 of the N-th line matching ERE.
nth() {
    local line
    line=$(grep -Ex -- "$1" "$OUT" | sed -n "$2p")
    [ -n "$line" ] || fail "fewer than $2 lines match /^$1\$/"
    [[ $line =~ ^$1$ ]]
    echo "${BASH_REMATCH[1]}"
}

HEX='0x[0-9a-f]+'

# A breakpoint on a symbol of the kernel stops before its first instruction.
case_break_symbol() {
    sdb $'break kmain\ninfo breakpoints\ncontinue\nregs\nquit' "$HELLO"
    status_is 0
    local at
    at=$(grab "breakpoint 1 at ($HEX) <kmain>")
    has "1 +breakpoint +0x0*${at#0x} <kmain> in any CONTEXT"
    has "breakpoint 1 at $at <kmain>, CONTEXT 0 MODE 0"
    has "=> 0x0*${at#0x} <kmain>: .+"
    has "EIP +0x0*${at#0x} <kmain>"
}

# BasicOZ: a breakpoint in the system call handler, hit from the shell's
# CONTEXT; the PCB chain names the user program's code.
case_break_basicoz() {
    input $'hello\n'
    sdb $'break syscall_handler\ncontinue\nregs\npcb\ncontinue\ninfo breakpoints\nquit' --input "$INPUT"
    status_is 0
    has "breakpoint 1 at $HEX <syscall_handler>, CONTEXT 0 MODE 0"
    has "=> $HEX <syscall_handler>: .+"
    has "  #0  trap 128 \(INT, cause 128\) from CONTEXT 1 MODE 3 pc $HEX <sh:[a-z_]+\+[0-9]+> ie 1"
    count "breakpoint 1 at $HEX <syscall_handler>, CONTEXT 0 MODE 0" 2
    has "1 +breakpoint +$HEX <syscall_handler> in any CONTEXT, hit 2 times"
}

# Registers after N steps, against the known start of tests/guest/hello.elf:
#   mov esp, STACK / xor ebp, ebp / push ebx / call kmain
case_regs_step() {
    sdb $'regs\nstep\nregs\nstep 3\nregs\nx/1x $esp\ninfo symbol 0x0\nquit' "$HELLO"
    status_is 0
    # at the entry: EBX = the boot information (0x1000), time 0
    [ "$(nth 'EBX +(0x[0-9a-f]{8}) .*' 1)" = 0x00001000 ] || fail "EBX at entry"
    [ "$(nth 'virtual time ([0-9]+)' 1)" = 0 ] || fail "time at entry"
    has "=> 0x00100000 <_start>: mov esp, (0x[0-9a-f]+)"
    local stack
    stack=$(grab "=> 0x00100000 <_start>: mov esp, (0x[0-9a-f]+)")
    # after 1: ESP = the stack top
    [ $(($(nth 'ESP +(0x[0-9a-f]{8}) .*' 2))) = $((stack)) ] || fail "ESP after step 1"
    [ "$(nth 'virtual time ([0-9]+)' 2)" = 1 ] || fail "time after step 1"
    # after 4: in kmain, EBP 0 (xor: ZF PF), ESP = top - 8 (ebx, return address)
    [ $(($(nth 'ESP +(0x[0-9a-f]{8}) .*' 3))) = $((stack - 8)) ] || fail "ESP after step 4"
    [ "$(nth 'EBP +(0x[0-9a-f]{8}) .*' 3)" = 0x00000000 ] || fail "EBP after step 4"
    [ "$(nth 'EBX +(0x[0-9a-f]{8}) .*' 3)" = 0x00001000 ] || fail "EBX after step 4"
    [ "$(nth 'EFLAGS (0x[0-9a-f]{8}) .*' 3)" = 0x00000046 ] || fail "EFLAGS after step 4"
    has "EFLAGS 0x00000046  \[ PF ZF \]"
    has "EIP +$HEX <kmain>"
    [ "$(nth 'virtual time ([0-9]+)' 3)" = 4 ] || fail "time after step 4"
    # the top of the stack: the return address into _start, then EBX
    local ret
    ret=$(grab "$HEX <[a-z_]+\+[0-9]+>:  (0x[0-9a-f]{8})")
    [ $((ret)) -gt $((0x100000)) ] && [ $((ret)) -lt $((0x100020)) ] || fail "return address $ret"
    has "CONTEXT 0  MODE 0  interrupts disabled"
}

# next steps over calls: from kmain's first instruction, every stop is in
# kmain (never in out_str or the CHECK helpers it calls), the calls' output
# appears, and stepping over space_halt ends the machine.
case_next() {
    local cmds=$'break kmain\ncontinue\ndelete\nnext'
    for _ in $(seq 60); do cmds+=$'\n'; done
    sdb "$cmds"$'\nquit' "$HELLO"
    status_is 42
    has "the machine halted with code 42"
    # (the output shares lines with the debugger's: each call's own piece)
    for piece in "hello from SPACE, ram " " MiB, cmdline '" "'"; do
        grep -qF "$piece" "$OUT" || fail "no output '$piece' from the calls"
    done
    local n
    n=$(grep -Ec '^=> 0x[0-9a-f]+ <kmain\+[0-9]+>: ' "$OUT")
    [ "$n" -gt 5 ] || fail "only $n stops in kmain"
    hasnt '=> 0x[0-9a-f]+ <(out_str|out_dec)(\+[0-9]+)?>: .*'
    # ... and a plain instruction is one step
    sdb $'next\nnext\nregs\nquit' "$HELLO"
    [ "$(nth 'virtual time ([0-9]+)' 1)" = 2 ] || fail "next over two plain instructions"
}

# TLB listing after demand-paging faults (tests/guest/demand.elf): the
# fault, in the PCB; after the handler mapped the page, the TLB of CONTEXT 1
# holds it.
case_tlb_demand() {
    sdb $'catch trap 14\ncontinue\npcb\ntlb 1\ncontinue\ncontinue\ntlb 1\nmaps 1\nquit' "$DEMAND"
    status_is 0
    has "catchpoint 1: trap 14 \(MEMORY_FAULT\)"
    count "trap 14 \(cause 14\) traversed its portal to CONTEXT 0 MODE 0" 3
    has "  #0  trap 14 \(MEMORY_FAULT, cause 14\) from CONTEXT 1 MODE 3 pc $HEX <user\+[0-9]+> ie 0"
    has " +EFLAGS 0x[0-9a-f]{8}  fault: write of 0x60000014, not mapped \(access 0x2\)"
    has "TLB of CONTEXT 1: [0-9]+ of 64 entries valid \(16 sets x 4 ways\)"
    has "  set +[0-9]+ way [0-3]: 0x60000000 -> 0x[0-9a-f]{8}  M0 ---  M1 ---  M2 ---  M3 rw-"
    has "hits [0-9]+  misses [1-9][0-9]*  flushes [0-9]+  evictions [0-9]+  invalidations [0-9]+"
    has "  0x60000000-0x60001fff -> 0x[0-9a-f]{8}  M0 ---  M1 ---  M2 ---  M3 rw-"
}

# BasicOZ's hog: stopped at its first demand-zero fault; the TLB of its
# CONTEXT, the faulting pc named in the program's own symbols.
case_tlb_hog() {
    input $'hog\n'
    sdb $'break hog:main\ncontinue\ndelete\ncatch trap 14\ncontinue\npcb\ntlb 2\nquit' --input "$INPUT"
    status_is 0
    has "breakpoint 1 at $HEX <hog:main>, CONTEXT 2 MODE 3"
    has "  #0  trap 14 \(MEMORY_FAULT, cause 14\) from CONTEXT 2 MODE 3 pc $HEX <hog:main\+[0-9]+> ie 1"
    has " +EFLAGS .*fault: (read|write) of $HEX, not mapped .*"
    has "TLB of CONTEXT 2: [1-9][0-9]* of 64 entries valid .*"
    has "  set +[0-9]+ way [0-3]: 0x00400000 -> 0x[0-9a-f]{8}  M0 ---  M1 ---  M2 ---  M3 r-x"
}

# Virtual time is the same whether the run was stepped, stopped at times,
# breakpoints and catchpoints, or ran freely (plain `space run -v`).
case_time_hello() {
    local plain
    plain=$("$SPACE" run "$HELLO" -v 2>&1 >/dev/null | sed -nE 's/^space: guest halted with code 42 after ([0-9]+) instructions$/\1/p')
    [ -n "$plain" ] || fail "plain run: no halt line"
    sdb $'step 100\n\n\nstep 7\nuntil-time 500\nbreak out_str\ncontinue\ncontinue\ndelete\ncontinue\ntime' "$HELLO"
    status_is 42
    has ".*virtual time 500 reached" # (after the guest's output, which has no newline yet)
    has "the machine halted with code 42"
    [ "$(grep -Ex 'virtual time [0-9]+' "$OUT" | tail -1)" = "virtual time $plain" ] ||
        fail "debugged run ended at $(grep -Ex 'virtual time [0-9]+' "$OUT" | tail -1), the plain run at $plain"
}

case_time_basicoz() {
    input $'hello\nhog\necho a b\n'
    local plain cmds="" i
    plain=$("$SPACE" run --input "$INPUT" -v 2>&1 >/dev/null | sed -nE 's/^space: guest halted with code 0 after ([0-9]+) instructions$/\1/p')
    [ -n "$plain" ] || fail "plain run: no halt line"
    for i in $(seq 1 10); do cmds+=$'step 9973\n'; done
    cmds+=$'until-time +123457\ncatch trap 128\ncontinue\ncontinue\ncontinue\ndelete\n'
    cmds+=$'break hog:main\ncontinue\nstep 5000\nwatch next_pid\ncontinue\ndelete\n'
    cmds+=$'catch space\ncontinue\ncontinue\ndelete\ncontinue\ntime'
    sdb "$cmds" --input "$INPUT"
    status_is 0
    has "virtual time [0-9]+ reached"
    has "breakpoint [0-9]+ at $HEX <hog:main>, CONTEXT 2 MODE 3"
    has "CONTEXT/MODE changed: .*"
    has "the machine halted with code 0"
    [ "$(grep -Ex 'virtual time [0-9]+' "$OUT" | tail -1)" = "virtual time $plain" ] ||
        fail "debugged run ended at $(grep -Ex 'virtual time [0-9]+' "$OUT" | tail -1), the plain run at $plain"
}

# A write watchpoint on a kernel variable: stops after the write, names the
# writing instruction, shows the new value.
case_watch() {
    input $'hello\n'
    # (breakpoints changed while watchpoints exist, and watchpoints left at
    # the end: the CPU's lists of both stay intact)
    sdb $'x/1x next_pid\nwatch next_pid\ninfo breakpoints\ncontinue\nx/1x next_pid\nrwatch nframes\nbreak kmain\ndelete 3\ninfo breakpoints\nquit' --input "$INPUT"
    status_is 0
    has "$HEX <next_pid>:  0x00000001"
    has "watchpoint 1 \(write\) on $HEX <next_pid>, 4 bytes, in CONTEXT 0"
    has "1 +watch +$HEX <next_pid>, 4 bytes, in CONTEXT 0"
    has "watchpoint 1: write of $HEX <next_pid> in CONTEXT 0 by the instruction at $HEX <proc_spawn\+[0-9]+>; value now 0x00000002"
    has "$HEX <next_pid>:  0x00000002"
    has "2 +rwatch +$HEX <nframes>, 4 bytes, in CONTEXT 0"
}

# A watchpoint hits again after it was hit once (after a stop the debugger
# lets the accessing instruction run alone, with a deadline one instruction
# away: the watched pages must be protected again after it).
case_watch_again() {
    input $'hello\nhello\n'
    sdb $'watch next_pid\ncontinue\ncontinue\ncontinue\nquit' --input "$INPUT"
    status_is 0
    has "watchpoint 1: write of $HEX <next_pid> .*; value now 0x00000002"
    has "watchpoint 1: write of $HEX <next_pid> .*; value now 0x00000003"
}

# catch trap 128: BasicOZ's system calls, stopped in the handler.
case_catch_trap() {
    input $'hello\n'
    sdb $'catch trap 128\ninfo breakpoints\ncontinue\npcb\ncontinue\ncatch portal\ncatch trap 128\ndelete 1\ncontinue\nquit' --input "$INPUT"
    status_is 0
    has "catchpoint 1: trap 128 \(INT\)"
    has "1 +catch +trap 128 \(INT\)"
    count "trap 128 \(cause 128\) traversed its portal to CONTEXT 0 MODE 0" 2
    has "=> $HEX <syscall_entry>: .+"
    has "  #0  trap 128 \(INT, cause 128\) from CONTEXT 1 MODE 3 pc $HEX <sh:[a-z_]+\+[0-9]+> ie 1"
    has "catchpoint 2: every portal traversal"
    has "sdb: catchpoint 1 already does that"
    has "(basicoz\\$ )?portal traversal: trap 128, to CONTEXT 0 MODE 0"
    # an interrupt's traversal stops at its handler's first instruction too
    sdb $'catch trap 33\ncontinue\npcb\nquit' --input "$INPUT"
    status_is 0
    has "trap 33 \(cause 33\) traversed its portal to CONTEXT 0 MODE 0"
    has "=> $HEX <irq_entry>: .+"
    has "  #0  trap 33 \(INTERRUPT, cause 33\) from CONTEXT [0-9]+ MODE [03] pc $HEX.* ie 1"
}

# x on the kernel's data, strings, bytes, physical memory, instructions.
case_examine() {
    sdb $'x/4x next_pid\nx next_pid\nx/2s name_hello\nx/8b 0x1000\nxp/2x 0x1000\nx/3i $pc\nxp/2i $pc\nx/2x prog_hello+0\nx/s 0x1000 ctx 0\nquit'
    status_is 0
    has "$HEX <next_pid>:  0x00000001  0x[0-9a-f]{8}  0x[0-9a-f]{8}  0x[0-9a-f]{8}"
    has "$HEX <next_pid>:  0x00000001"
    has "$HEX <name_hello>: \"hello\""
    has "0x00001000:  0x43  0x41  0x50  0x53  0x02  0x00  0x00  0x00"
    has "0x00001000:  0x53504143  0x00000002"
    has "=> 0x00100000 <_start>: mov esp, $HEX"
    count "   0x[0-9a-f]{8} <_start\+[0-9]+>: .+" 2
    count "   0x0010000[0-9a-f]: .+" 2
    # an embedded program's image starts with the ELF magic
    has "$HEX <prog_hello>:  0x464c457f  0x[0-9a-f]{8}"
    has "0x00001000: \"CAPS\\\\x02\""
}

# disas: symbols, the pc and breakpoints marked, a whole function.
case_disas() {
    sdb $'break kmain\ncontinue\nbreak kmain+1\ndisas\ndisas kmain 2\ndisas _start\nquit' "$HELLO"
    status_is 0
    local at
    at=$(grab "breakpoint 1 at ($HEX) <kmain>")
    has "=>\*0x0*${at#0x} <kmain>: push .+"
    has "  \*$HEX <kmain\+1>: .+"
    count "=>\*0x0*${at#0x} <kmain>: push .+" 2
    # disas _start: its instructions only, up to out_dec (a size-0 label ends at the next symbol)
    has "   0x00100000 <_start>: mov esp, $HEX"
    has "   $HEX <_start\+[0-9]+>: call $HEX"
    hasnt "   $HEX <out_dec>: .*"
}

# Errors: one line each, starting with "sdb: ".
case_errors() {
    sdb $'break foo\nx/4x 0x1234 ctx 2\nx/4x 0x50000000\nfrobnicate\nstep 0\nstep x\nwatch\ncatch trap 256\ndelete 9\nx/4q 0\nportals 300\nbreak main\nbreak nosuch:main\nuntil-time 0\nsymbols /nonexistent\ninfo symbol $foo\nquit'
    status_is 0
    has "sdb: no symbol 'foo'"
    has "sdb: address 0x1234 is not mapped in CONTEXT 2"
    has "sdb: address 0x50000000 is not mapped in CONTEXT 0"
    has "sdb: unknown command 'frobnicate' \(help lists them\)"
    count "sdb: step takes a positive instruction count" 2
    has "sdb: usage: watch ADDR \[LEN\] \[ctx N\]"
    has "sdb: catch trap needs a trap number 0..255"
    has "sdb: no breakpoint, watchpoint or catchpoint number '9' \(see info breakpoints\)"
    has "sdb: unknown format '/4q': .*"
    has "sdb: portals takes a CONTEXT number 0..255"
    has "sdb: 'main' is in several programs \(sh, hello, echo, spin, hog, crash, tick, race, ping, netstat, send, listen, rlog\): say PROGRAM:main"
    has "sdb: no program 'nosuch' .*"
    has "sdb: virtual time 0 has passed \(it is 0 now\)"
    has "sdb: /nonexistent: cannot open symbol file: No such file or directory"
    has "sdb: no register '\\\$foo'"
}

# How runs end: halt (its code is space's status), the instruction limit
# (124), a machine stop (125); the debugger stays for inspection.
case_ends() {
    sdb $'continue\nstep\nregs\nquit' "$HELLO"
    status_is 42
    has "hello from SPACE, ram 64 MiB, cmdline ''"
    has "the machine halted with code 42"
    has "sdb: the machine has halted: nothing more to run \(quit, or inspect it\)"
    sdb $'continue\ncontinue\ntime\nquit' "$HELLO" --max-insns 500
    status_is 124
    has "(hello from SPACE, ram )?the instruction limit was reached"
    has "virtual time 500"
    sdb $'continue\npcb' "$GUESTS/stop.elf" --cmdline user
    status_is 125
    has "machine stop: trap 14 \(MEMORY_FAULT\) \(write of 0x50000010, not mapped\) in CONTEXT 5 MODE 2 at pc 0x40000000 .*"
    has "    #0 trap 64 \(INT, cause 64\) from CONTEXT 9 MODE 1 pc 0x12345678 esp 0x9abcdef0"
    has "  #0  trap 64 \(INT, cause 64\) from CONTEXT 9 MODE 1 pc 0x12345678 ie [01]"
}

# An empty line repeats the last step or continue; end of input quits.
case_repeat() {
    sdb $'step 3\n\n\ntime\n\nbreak out_str\ncontinue\n\ninfo breakpoints' "$HELLO"
    status_is 0
    has "virtual time 9"
    has "1 +breakpoint +$HEX <out_str> in any CONTEXT, hit 2 times"
}

# Symbols of BasicOZ's embedded programs: PROGRAM:NAME, a bare name in the
# program the CONTEXT holds, addresses named per CONTEXT.
case_user_symbols() {
    input $'hello\necho hi\n'
    sdb $'break hello:main\ncontinue\nregs\nbreak write\ninfo symbol $pc\ndisas\ncontinue\ninfo breakpoints\ndisas echo:main 2\nx/2i hello:main\nsymbols /dev/null\nquit' --input "$INPUT"
    status_is 0
    has "[0-9]+ symbols from built-in BasicOZ \(with 13 embedded programs: sh hello echo spin hog crash tick race ping netstat send listen rlog\)"
    has "breakpoint 1 at $HEX <hello:main> \(in CONTEXTs running hello\)"
    has "breakpoint 1 at $HEX <hello:main>, CONTEXT 2 MODE 3"
    has "CONTEXT 2  MODE 3  interrupts enabled  program hello"
    has "breakpoint 2 at $HEX <hello:write> \(in CONTEXTs running hello\)"
    has "$HEX is <hello:main> in CONTEXT 2"
    has "=>\*$HEX <hello:main>: .+"
    has "breakpoint 2 at $HEX <hello:write>, CONTEXT 2 MODE 3"
    # echo's write (same address as hello's, another program) did not stop it
    has "2 +breakpoint +$HEX <hello:write> in CONTEXTs running hello, hit 1 time"
    has "sdb: no CONTEXT holds program echo now \(say ctx N\)"
    has "sdb: /dev/null: not an ELF file"
}

# The views: help, registers, PCBs, portals, mappings, TLB, devices, stats.
case_views() {
    input $'hello\n'
    sdb $'help\ncatch trap 128\ncontinue\ndevices\nstats\nportals 1\nmaps 1\nmaps 7\ntlb\ntime\ninfo registers\nquit' --input "$INPUT"
    status_is 0
    local c
    for c in 'step \[N\] \(s\)' 'continue \(c\)' 'break \[ADDR\] \[ctx N\] \(b\)' 'delete' 'info breakpoints' 'info symbol' \
        'watch ADDR' 'rwatch ADDR' 'awatch ADDR' 'catch trap N' 'catch portal' 'catch space' 'until-time' \
        'regs \(r\)' 'pcb' 'portals \[CTX\]' 'maps \[CTX\]' 'tlb \[CTX\]' 'devices' 'time' 'stats \[json\]' \
        'x/NFU ADDR' 'xp/NFU PADDR' 'disas' 'symbols FILE' 'help \(h\)' 'quit \(q\)'; do
        has "  $c.*"
    done
    has "device 0: console unit 0, registers at 0xf0000000, interrupt line 0 \(trap 32\).*"
    has "  0x10 INPUT_DELAY  0x00030d40  200000"
    has "device 1: timer unit 0, registers at 0xf0001000, interrupt line 1 \(trap 33\).*"
    has "  0x08 INTERVAL     0x00004e20  20000"
    has "portal traversals [1-9][0-9]*"
    has "traps [0-9]+: .*128 INT 1.*"
    has "operations [0-9]+: MAP_MEMORY [0-9]+, MAP_PORTAL .*"
    has "  trap +128 INT +-> CONTEXT 0 MODE 0 pc $HEX <syscall_entry>  int n from MODE 3"
    has "  trap +14 MEMORY_FAULT +-> CONTEXT 0 MODE 0 pc $HEX <fault_entry>  int n from MODE none"
    has "  trap +32-63 INTERRUPT +-> CONTEXT 0 MODE 0 pc $HEX <irq_entry>  int n from MODE none"
    has "mappings of CONTEXT 1 \([0-9]+ pages\): virtual -> physical, access per MODE"
    has "  0x00400000-0x00[4-9][0-9a-f]{2}fff -> 0x[0-9a-f]{8}  M0 ---  M1 ---  M2 ---  M3 r-x"
    has "CONTEXT 7 maps nothing"
    has "TLB of CONTEXT 0: .*"
    has "EIP +$HEX <syscall_entry>"
}

# stats: the report of --stats at the current point (text, or JSON), the
# same as `space run --stats` gives at the end of the same run.
case_stats() {
    sdb $'stats\nstep 7\nstats\nstats json\nstats xml\nstats json 2\ncontinue\nstats' "$HELLO" --cmdline 'a b'
    status_is 42
    has "statistics: running at virtual time 0"
    has "CPU 0: instructions 0, idle 0, register accesses 0, context switches 0"
    has "traps 0"
    has "operations 0"
    has "statistics: running at virtual time 7"
    has "CPU 0: instructions 7, idle 0, register accesses 0, context switches 0"
    has "  by MODE: 0: 7 1: 0 2: 0 3: 0"
    has "  by CONTEXT: 0: 7"
    has '  "virtual_time": 7,'
    has '  "state": "running",'
    has '      "by_mode": \[7, 0, 0, 0\],'
    count "sdb: usage: stats \[json\]" 2
    local t
    t=$(grab "virtual time ([0-9]+)")
    has "statistics: halted \(exit code 42\) at virtual time $t"
    has "operations [0-9]+: HALT 1, DEBUG_PUTC [0-9]+"
    # the same report as at the end of a run without the debugger (but for
    # the engine's counters: stepping is done differently)
    timeout -s KILL "$TIMEOUT" "$SPACE" run "$HELLO" --cmdline 'a b' --stats text 2>&1 > /dev/null |
        grep -v '^engine: ' > "$tmp/end.txt"
    sed -n '/^statistics: halted/,/^engine: /p' "$OUT" | grep -v '^engine: ' > "$tmp/sdb.txt"
    [ "$(wc -l < "$tmp/sdb.txt")" -gt 10 ] || fail "no whole report at the end"
    diff "$tmp/sdb.txt" "$tmp/end.txt" || fail "sdb's stats at the end differ from --stats text"
}

# Line editing, Ctrl-C and Ctrl-D on a terminal (a pseudo-terminal, driven
# by tests/debugger/terminal.py; skipped without python3).
case_terminal() {
    command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
    input $'spin 1000000\n'
    OUT=$tmp/pty
    timeout -s KILL "$TIMEOUT" python3 "$(dirname "$0")/terminal.py" "$SPACE" "$INPUT" > "$OUT" 2>&1
    STATUS=$?
    cat -v "$OUT"
    status_is 0
    local t
    for t in prompt edit arrows history cancel ctrl-c ctrl-d; do
        has "$t: ok"
    done
}

# Four CPUs (tests/gdb/cpus.c): cpu lists them and selects the one the
# views show; a breakpoint only CPU 1 reaches stops CPU 1 and selects it;
# a watchpoint stops whichever CPU writes; regs and pcb show the selected
# CPU's; one CPU prints no "cpu N" lines.
case_cpus() {
    local cpus=$GUESTS/../gdb/cpus.elf
    sdb $'cpu\nbreak cpu1_work\ncontinue\nregs\npcb\ncpu 3\nregs\ncpu 4\ncpu x\nwatch started\ncontinue\ncontinue\ncontinue\nx/1i $pc\nregs\nquit' \
        "$cpus" --cpus 4
    status_is 0
    has "\\* cpu 0  running  interrupts disabled  chain 0  CONTEXT 0 MODE 0  pc $HEX <_start>"
    has "  cpu 1  halted   interrupts disabled  chain 0  CONTEXT 0 MODE 0"
    has "cpu 1 stopped at ($HEX) <cpu1_work>, CONTEXT 0 MODE 0"
    has "breakpoint 1 at $HEX <cpu1_work>, CONTEXT 0 MODE 0"
    has "EIP +$HEX <cpu1_work>"
    has "CPU 1  CONTEXT 0  MODE 0  interrupts disabled"
    has "virtual time [0-9]+  \\(CPU 1: [0-9]+\\)"
    has "PCB chain of CPU 1: empty"
    has "\\* cpu 3  running  interrupts disabled  chain 0  CONTEXT 0 MODE 0  pc $HEX <worker>"
    has "  cpu 1  running  interrupts disabled  chain 0  CONTEXT 0 MODE 0  pc $HEX <cpu1_work>"
    has "CPU 3  CONTEXT 0  MODE 0  interrupts disabled"
    has "sdb: no CPU 4: the machine has CPUs 0..3"
    has "sdb: usage: cpu \\[N\\] \\(N a CPU number\\)"
    # the three workers each count themselves once: three CPUs stop, each once
    local n
    for n in 1 2 3; do
        count "cpu $n stopped at $HEX <worker\\+[0-9]+>, CONTEXT 0 MODE 0" 1
    done
    count "watchpoint 2: write of $HEX <started> in CONTEXT 0 by the instruction at $HEX <worker\\+[0-9]+>; value now 0x0000000[123]" 3
    # the last stop selected its CPU: regs shows that CPU's EBX
    n=$(nth "cpu ([0-9]) stopped at $HEX <worker\\+[0-9]+>, CONTEXT 0 MODE 0" 3)
    has "EBX +0xc0de000$n .*"
    sdb $'break kmain\ncontinue\nregs\npcb\ncpu\nquit' "$HELLO"
    has "breakpoint 1 at $HEX <kmain>, CONTEXT 0 MODE 0"
    hasnt "cpu 0 stopped.*"
    has "CONTEXT 0  MODE 0  interrupts .*"
    has "virtual time [0-9]+"
    has "PCB chain of the CPU: empty"
    has "\\* cpu 0  running  interrupts disabled  chain 0  CONTEXT 0 MODE 0  pc $HEX <kmain>"
}

# gdb's print: registers, numbers, addresses, memory through a cast.
case_gdb_print() {
    sdb $'break kmain\ncontinue\np $esp\np/x $ebx\nprint $ebx\np kmain\np &kmain\np *(unsigned char *)0x1000\np/c *(char *) 0x1000\np/x *(uint16_t*)0x1000\np *0x1004\np *(int64_t *)0x1000\np/d *(signed char *)0x1007\np *(float *)0x1000\np *(int)0x1000\np $foo\np/q $eax\np\nquit' "$HELLO"
    status_is 0
    local at
    at=$(grab "breakpoint 1 at ($HEX) <kmain>")
    has "\\\$1 = $HEX <space_boot_stack\\+[0-9]+>"
    has "\\\$2 = 0x1000"
    has "\\\$3 = 4096"
    has "\\\$4 = $at <kmain>"
    has "\\\$5 = $at <kmain>"
    has "\\\$6 = 67"
    has "\\\$7 = 67 'C'"
    has "\\\$8 = 0x4143"
    has "\\\$9 = 2"
    has "\\\$10 = $((0x253504143))"
    has "\\\$11 = 0"
    has "sdb: unknown type 'float' \\(C's integer types, intN_t, uintN_t, void \\*, char \\*\\)"
    has "sdb: '\\*\\(int\\)0x1000': the cast must be to a pointer, as in \\*\\(int \\*\\)ADDR"
    has "sdb: no register '\\\$foo'"
    has "sdb: unknown print format '/q': x \\(hex\\), d \\(signed\\), u \\(unsigned\\), c \\(char\\)"
    has "sdb: usage: p\\[/F\\] EXPR \\(F: x d u c; EXPR: \\\$reg, ADDR, &ADDR, \\*ADDR, \\*\\(TYPE \\*\\)ADDR\\)"
    hasnt "\\\$12 = .*"
}

# tbreak (deleted when it stops), bt, finish, disable and enable.
case_gdb_breaks() {
    sdb $'tbreak out_str\ninfo breakpoints\ncontinue\ninfo breakpoints\nbt\nbacktrace\nfinish\nbreak out_str\ndisable 2\ninfo breakpoints\nenable 2\ncontinue\ndisable 7\ndisable\ncontinue\nquit' "$HELLO"
    status_is 42
    local at ret
    at=$(grab "temporary breakpoint 1 at ($HEX) <out_str>")
    has "1 +tbreakpoint 0x0*${at#0x} <out_str> in any CONTEXT"
    has "temporary breakpoint 1 at $at <out_str>, CONTEXT 0 MODE 0"
    has "no breakpoints, watchpoints or catchpoints"
    count "#0  0x0*${at#0x} <out_str>" 2
    ret=$(grab "#1  0x0*([0-9a-f]+) <kmain\\+[0-9]+>")
    has "run till exit from $at <out_str> to 0x$ret <kmain\\+[0-9]+>"
    has ".*=> 0x0*$ret <kmain\\+[0-9]+>: .+"
    has "value returned \\(eax\\): \\\$1 = -?[0-9]+"
    has "breakpoint 2 at $at <out_str>"
    has "2 +breakpoint +0x0*${at#0x} <out_str> in any CONTEXT \\(disabled\\)"
    # (after the guest's "64", which has no newline)
    has "(64)?breakpoint 2 at $at <out_str>, CONTEXT 0 MODE 0"
    has "sdb: no breakpoint, watchpoint or catchpoint number '7' \\(see info breakpoints\\)"
    has ".*the machine halted with code 42"
    count "(64)?breakpoint 2 at $at <out_str>, CONTEXT 0 MODE 0" 1
}

# x/NFU: formats x d u c, units b h w g, letters in any order.
case_gdb_examine() {
    sdb $'x/4xb 0x1000\nx/2xh 0x1000\nx/2dw 0x1000\nx/4c 0x1000\nx/xg 0x1000\nx/2uw 0x1000\nx/bx 0x1000\nx/2ub 0x1000\nx/1dh 0x1006\nx/4xq 0\nquit'
    status_is 0
    has "0x00001000:  0x43  0x41  0x50  0x53"
    has "0x00001000:  0x4143  0x5350"
    count "0x00001000:  1397768515  2" 2
    has "0x00001000:  67 'C'  65 'A'  80 'P'  83 'S'"
    has "0x00001000:  0x0000000253504143"
    has "0x00001000:  0x43"
    has "0x00001000:  67  65"
    has "0x00001006:  0"
    has "sdb: unknown format '/4xq': formats x d u c s i, units b h w g \\(bytes 1 2 4 8\\)"
}

# display: shown when made, after every stop, by info display; undisplay.
case_gdb_display() {
    sdb $'display/x $ebx\ndisplay/i $pc\nstep\ninfo display\nundisplay 1\nstep\ndisplay $foo\nundisplay 9\ndisplay\nquit' "$HELLO"
    status_is 0
    count "1: /x \\\$ebx = 0x1000" 3
    count "2: x/i \\\$pc" 5
    has "=> 0x00100000 <_start>: mov esp, $HEX"
    has "sdb: no register '\\\$foo'"
    has "sdb: no display number '9'"
    hasnt "3: .*"
}

# source FILE; run is continue; r stays regs; help lists the gdb commands.
case_gdb_source() {
    printf '%s\n' '# a comment' 'break kmain' '' '  run' 'p/x $ebx' > "$tmp/cmds"
    sdb "source $tmp/cmds"$'\nr\nsource /nonexistent\nsource\nhelp\nquit' "$HELLO"
    status_is 0
    has "breakpoint 1 at $HEX <kmain>"
    has "breakpoint 1 at $HEX <kmain>, CONTEXT 0 MODE 0"
    has "\\\$1 = 0x1000"
    has "EIP +$HEX <kmain>"
    has "sdb: source /nonexistent: No such file or directory"
    has "sdb: usage: source FILE"
    local c
    for c in 'run' 'finish \(fin\)' 'tbreak \[ADDR\] \[ctx N\]' 'disable \[N...\]' 'enable \[N...\]' \
        'print\[/F\] EXPR \(p\)' 'display\[/F\] EXPR' 'undisplay \[N...\]' 'backtrace \(bt\)' \
        'source FILE' 'regs \(r\)'; do
        has "  $c .*"
    done
}

declare -F "case_$CASE" >/dev/null || fail "no case '$CASE'"
"case_$CASE"
echo "PASS: $CASE"
