#!/bin/sh
# grade-shm.sh - project (d), IPC through shared mappings (docs/projects.md).
#
#     basicoz/projects/grade-shm.sh build/space [KERNEL.elf]
#
# Needs the programs shmping, shmpong and shmiso (basicoz/projects/shm/) in
# the kernel. Required: two processes share a segment's frames (one page
# and 16 pages), segments are distinct and zero-filled, a segment goes away
# with its last user, and nothing leaks: 20 runs that each share 64 pages
# must fit in 3 MiB of RAM. Scored extra: futex_wait/futex_wake.
# Metrics: virtual instructions per round trip, waiting with yield() and
# (if implemented) with futexes.
set -u
. "$(dirname "$0")/grade-lib.sh"
grade_init "$@"

missing() { # why the programs could not do their job
    for p in shmping shmpong shmiso; do
        need_program "$1" $p shm || return 0
    done
    grep -q 'shm_map failed$' "$W/$1.out" && WHY="not implemented: shm_map (system call 20) fails"
    return 0
}

echo "== ping-pong through one page, and through 16 pages"
printf 'shmping 1000\nshmping 100 16\nexit\n' >"$W/ping.in"
run ping
T_Y=$(sed -n 's/^shmping: time \([0-9]*\) instructions per round trip$/\1/p' "$W/ping.out" | head -1)
ping1() { has ping "shmping: 1000 round trips, 1 pages shared, ok" || { missing ping; return 1; }; }
check required "shmping/shmpong: 1000 round trips through a shared page" ping1
ping16() { has ping "shmping: 100 round trips, 16 pages shared, ok" && halted_ok ping; }
check required "16 shared pages: each one is the same frame in both" ping16

echo "== isolation, and segments that go away"
printf 'shmiso\nshmiso\nexit\n' >"$W/iso.in"
run iso
iso_ok() {
    has_n iso 2 "shmiso: ok" && halted_ok iso ||
        { missing iso; [ -n "$WHY" ] || WHY=$(grep '^shmiso: ' "$W/iso.out" | grep -v ': ok$' | head -1); return 1; }
}
check required "distinct zero-filled segments, freed with their last user (shmiso twice)" iso_ok

echo "== no leaks: 20 x 64 shared pages in 3 MiB of RAM"
i=0
while [ $i -lt 20 ]; do echo "shmping 10 64"; i=$((i + 1)); done >"$W/leak.in"
echo exit >>"$W/leak.in"
run leak --mem 3M
leak_ok() {
    n=$(count leak "shmping: 10 round trips, 64 pages shared, ok")
    [ "$n" -eq 20 ] && halted_ok leak && return 0
    WHY="only $n of 20 runs worked (are shared frames freed?)"
    [ "$n" -gt 0 ] || missing leak
    return 1
}
check required "shared frames are freed: 20 runs fit in 3 MiB" leak_ok

echo "== futexes instead of yield"
printf 'shmping 1000 1 f\nexit\n' >"$W/futex.in"
run futex
T_F=$(sed -n 's/^shmping: time \([0-9]*\) instructions per round trip$/\1/p' "$W/futex.out")
futex_ok() {
    has futex "shmping: 1000 round trips, 1 pages shared, ok" && halted_ok futex ||
        { WHY="not implemented: futex_wait/futex_wake (system calls 22, 23)"; return 1; }
}
check scored "ping-pong with futex_wait/futex_wake" futex_ok

echo "== metrics (virtual instructions per round trip; lower is better)"
metric "round trip, waiting with yield()" "${T_Y:-none}"
metric "round trip, waiting with futexes" "${T_F:-none}"
finish
