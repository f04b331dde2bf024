#!/bin/sh
# grade-threads.sh - project (e), threads inside one process (docs/projects.md).
#
#     basicoz/projects/grade-threads.sh build/space [KERNEL.elf]
#
# Needs the programs tcount, tkill, tread and tbench (basicoz/projects/threads/)
# in the kernel. Required: threads share memory, are preempted, have their
# own ids and exit statuses (join); ps shows a process once; exit() or a
# fault in any thread ends the whole process; a thread blocked in read()
# does not stop the others. Metrics: virtual instructions per thread
# round trip (yield) and per create + join.
set -u
. "$(dirname "$0")/grade-lib.sh"
grade_init "$@"

missing() { # why the programs could not do their job
    for p in tcount tkill tread tbench; do
        need_program "$1" $p threads || return 0
    done
    grep -q 'thread_create failed$' "$W/$1.out" &&
        WHY="not implemented: thread_create (system call 24) fails"
    return 0
}
blanks() { i=0; while [ $i -lt "$1" ]; do echo; i=$((i + 1)); done; }

echo "== four threads count together"
printf 'tcount 4 50000\nexit\n' >"$W/count.in"
run count
count_ok() {
    has count "tcount: 4 threads x 50000 = 200000, ok" && halted_ok count ||
        { missing count; [ -n "$WHY" ] || WHY=$(grep '^tcount: ' "$W/count.out" | head -1); return 1; }
}
check required "shared counter, own ids, join returns each status" count_ok
check required "the timer preempts threads (they ran interleaved)" \
    has count "tcount: the threads ran interleaved"

echo "== ps while a threaded process runs"
{ echo "tcount 4 200000 &"; echo ps; blanks 60; echo exit; } >"$W/ps.in"
run ps
ps_ok() {
    has ps "tcount: 4 threads x 200000 = 800000, ok" && grep -q 'done (status 0)$' "$W/ps.out" ||
        { missing ps; [ -n "$WHY" ] || WHY="tcount did not finish"; return 1; }
    n=$(grep -c ' tcount$' "$W/ps.out")
    [ "$n" -eq 1 ] || { WHY="ps listed tcount $n times"; return 1; }
}
check required "ps lists the process once; it finishes in the background" ps_ok

echo "== one thread ends the process: exit(7), and a fault"
{ echo "tkill exit &"; blanks 10; echo ps; echo "tkill fault &"; blanks 10; echo ps; echo "echo alive"; echo exit; } >"$W/kill.in"
run kill
exit_ok() {
    grep -q 'done (status 7)$' "$W/kill.out" || { missing kill; return 1; }
}
check required "a thread's exit(7) ends every thread; status 7" exit_ok
fault_ok() {
    grep -q 'basicoz: pid [0-9]* (tkill) killed: write of 0x00000000' "$W/kill.out" &&
        grep -q 'done (status -1)$' "$W/kill.out" || { missing kill; return 1; }
}
check required "a thread's fault kills the whole process" fault_ok
gone_ok() {
    missing kill
    [ -z "$WHY" ] || return 1
    [ "$(grep -c ' tkill$' "$W/kill.out")" -eq 0 ] && has kill alive && halted_ok kill ||
        { WHY="ps still lists tkill (threads left running?)"; return 1; }
}
check required "no thread is left behind; the shell goes on" gone_ok

echo "== a thread blocked in read() does not block the others"
printf 'tread\nhello thread\nexit\n' >"$W/read.in"
run read
read_ok() {
    has read "tread: ok" || { missing read; return 1; }
    w=$(grep -n '^tread: worker done$' "$W/read.out" | cut -d: -f1)
    g=$(grep -n "^tread: got 'hello thread'$" "$W/read.out" | cut -d: -f1)
    [ -n "$w" ] && [ -n "$g" ] && [ "$w" -lt "$g" ] ||
        { WHY="the worker should print before the line arrives"; return 1; }
}
check required "read() blocks only its thread" read_ok

echo "== what threads cost"
printf 'tbench switch 1000\ntbench create 1000\nexit\n' >"$W/bench.in"
run bench
T_S=$(sed -n 's/^tbench: time \([0-9]*\) instructions per round trip$/\1/p' "$W/bench.out")
T_C=$(sed -n 's/^tbench: time \([0-9]*\) instructions per thread$/\1/p' "$W/bench.out")
bench_ok() {
    has bench "tbench: 1000 round trips between two threads, ok" &&
        has bench "tbench: 1000 threads created and joined, ok" || { missing bench; return 1; }
}
check required "1000 round trips, 1000 threads created and joined" bench_ok

echo "== metrics (virtual instructions; lower is better)"
metric "thread round trip (two yields)" "${T_S:-none}"
metric "thread create + join" "${T_C:-none}"
finish
