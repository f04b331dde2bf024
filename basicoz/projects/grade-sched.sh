#!/bin/sh
# grade-sched.sh - project (a), a better scheduler (docs/projects.md).
#
#     basicoz/projects/grade-sched.sh build/space [KERNEL.elf]
#
# The workload uses only the programs BasicOZ ships with, so it runs on any
# kernel: four CPU-bound jobs (spin 2 &) run in the background while a user
# types ten short commands (hello, echo) and ps. The console delivers a
# line 200000 instructions after the shell starts waiting for it while the
# CPU is busy (at once when it idles), so the session's length is fixed
# "typing" time plus the time the short commands wait for the CPU.
#
# Runs:  ref    - the session with no background load (spin 0 finishes at once)
#        mixed  - the session with the four CPU-bound jobs; ends with exit
#        batch  - the same, then Enter is pressed until all four have finished
#        idle   - ref plus 100 empty lines: the cost of one empty line
# Metrics (virtual instructions, lower is better):
#   interactive wait per command = (T(mixed) - T(ref) - 15 * 200000) / 10
#       (15 lines arrive while the CPU is busy: 3 spin lines, 10 commands, ps, exit)
#   batch turnaround = T(batch) minus the empty lines processed after the
#       last job finished (each costs as much as in the idle run)
set -u
. "$(dirname "$0")/grade-lib.sh"
grade_init "$@"

# Round robin, QUANTUM 20000, as BasicOZ ships (commit cd751cd).
BASE_WAIT=171801
BASE_BATCH=118179907

session() { # the interactive part: 5 x hello, 5 x echo, ps
    for i in 1 2 3 4 5; do
        echo hello
        echo "echo c$i"
    done
    echo ps
}
bg_jobs() { for i in 1 2 3 4; do echo "spin $1 &"; done; }
{ bg_jobs 0; session; echo exit; } >"$W/ref.in"
{ bg_jobs 0; session; i=0; while [ $i -lt 100 ]; do echo; i=$((i + 1)); done; echo exit; } >"$W/idle.in"
{ bg_jobs 2; session; echo exit; } >"$W/mixed.in"
{ bg_jobs 2; session; i=0; while [ $i -lt 1500 ]; do echo; i=$((i + 1)); done; echo exit; } >"$W/batch.in"

session_ok() { # the ten commands printed what they should
    halted_ok "$1" || { WHY="the shell did not exit normally"; return 1; }
    has_n "$1" 5 "hello, world" || { WHY="hello did not print 'hello, world' 5 times"; return 1; }
    for i in 1 2 3 4 5; do has "$1" "c$i" || { WHY="echo c$i printed nothing"; return 1; }; done
}

echo "== reference session (no load)"
run ref
T_REF=$T
ref_ok() { session_ok ref && [ "$(grep -c 'spin: done, checksum 00000000$' "$W/ref.out")" -eq 4 ]; }
check required "short commands run and print exactly their output" ref_ok

echo "== the session with four CPU-bound jobs in the background"
run mixed
T_MIX=$T
mixed_ok() {
    session_ok mixed || return 1
    n=$(grep -c ' spin$' "$W/mixed.out")
    [ "$n" -eq 4 ] || { WHY="ps should list 4 spin jobs, listed $n"; return 1; }
}
check required "the session completes while four jobs compute; ps lists them" mixed_ok

echo "== ... until the background jobs are done"
run batch
batch_ok() {
    session_ok batch || return 1
    n=$(grep -c 'spin: done, checksum 83e4a00f$' "$W/batch.out")
    d=$(grep -c 'done (status 0)$' "$W/batch.out")
    [ "$n" -eq 4 ] && [ "$d" -eq 4 ] ||
        { WHY="$n of 4 jobs printed the right checksum, $d of 4 reported done"; return 1; }
}
check required "all four CPU-bound jobs finish with the right checksum" batch_ok
T_BATCH=$T
# empty-line prompts after the last "done" line: time spent after the batch
AFTER=$(awk '/done \(status/ { n = 0 } /basicoz\$ / { n++ } END { print n + 0 }' "$W/batch.out")

run idle
T_IDLE=$T

# The numbers (only if the workload ran correctly and every run halted).
if [ "$REQFAIL" -eq 0 ] && [ -n "$T_REF" ] && [ -n "$T_MIX" ] && [ -n "$T_BATCH" ] && [ -n "$T_IDLE" ]; then
    BLANK=$(((T_IDLE - T_REF) / 100))
    WAIT=$(((T_MIX - T_REF - 15 * 200000) / 10))
    TURN=$((T_BATCH - AFTER * BLANK))
    echo "== metrics (virtual instructions)"
    metric "interactive session, no load" "$T_REF"
    metric "interactive session, 4 jobs" "$T_MIX"
    metric "interactive wait per command" "$WAIT" "round robin: $BASE_WAIT"
    metric "batch turnaround (4 x spin 2)" "$TURN" "round robin: $BASE_BATCH"
    metric "CPU of each job during the session (ps INSNS)" \
        "$(awk '/ spin$/ { printf "%s%s", s, $4; s = " " }' "$W/mixed.out")"
    check scored "interactive wait at most half of round robin's ($BASE_WAIT)" \
        [ "$WAIT" -le $((BASE_WAIT / 2)) ]
    check scored "batch turnaround at most 5% above round robin's ($BASE_BATCH)" \
        [ "$TURN" -le $((BASE_BATCH + BASE_BATCH / 20)) ]
else
    echo "(no metrics: the workload did not run correctly)"
    # shellcheck disable=SC2034 # (WHY is read by check, in grade-lib.sh)
    no_metrics() { WHY="no metrics"; return 1; }
    check scored "interactive wait at most half of round robin's ($BASE_WAIT)" no_metrics
    check scored "batch turnaround at most 5% above round robin's ($BASE_BATCH)" no_metrics
fi
finish
