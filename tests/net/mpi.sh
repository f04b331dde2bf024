#!/usr/bin/env bash
# mpi.sh SPACE NET.elf HAVE_MPI CASE: the MPI mode of --nodes - the same
# run in one process and under `mpirun -np K` gives the same standard
# output, standard error (node ends, --stats, --final-hash) and status.
# Cases:
#   same     8 BasicOZ nodes with console input, 2 processes; a lossy,
#            duplicating, reordering network with a partition, 2 processes
#   odd      uneven splits: 5 nodes on 3 processes (faults, --stats json,
#            an instruction limit, nodes stopped waiting for frames)
#   rlog     BasicOZ's replicated log on 5 nodes under 20% loss and a
#            partition that heals (tests/basicoz/net.sh), on 2 and 3 processes
#   refused  more processes than nodes; --debug, --record, --timeline under mpirun;
#            no --nodes: one line from process 0, status 2
# Skipped (77) where mpirun (or python3) is missing or space was built
# without MPI.
set -u
space=$1 elf=$2 have_mpi=$3 case=$4
case $have_mpi in ON | TRUE | 1) ;; *) echo "space was built without MPI: skipped"; exit 77 ;; esac
command -v mpirun > /dev/null || { echo "no mpirun: skipped"; exit 77; }
command -v python3 > /dev/null || { echo "no python3: skipped"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# -q: no note from mpirun when the processes exit with a status not 0
mpi() { # mpi K ARGS...: space run ARGS under K processes
    local k=$1
    shift
    # (in a sanitizer build, without leak checks: Open MPI's own allocations,
    # in components it loads and unloads, cannot be suppressed by name)
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
        timeout 120 mpirun -q --oversubscribe --allow-run-as-root -np "$k" "$space" run "$@"
}
. "$(dirname "$0")/../guest_stats.sh"
# same K ARGS...: the one-process run and the K-process run agree: their
# output, node ends, final hashes and status exactly, their --stats (in
# ARGS) but for the host's TLB counters
same() {
    local k=$1 stats=false
    shift
    [[ " $* " == *" --stats "* ]] && stats=true
    rm -f "$dir/one.stats" "$dir/many.stats"
    timeout 120 "$space" run "$@" --final-hash $($stats && echo --stats-file "$dir/one.stats") \
        > "$dir/one.out" 2> "$dir/one.err"
    local st1=$?
    mpi "$k" "$@" --final-hash $($stats && echo --stats-file "$dir/many.stats") > "$dir/many.out" \
        2> "$dir/many.err"
    local stk=$?
    [ "$st1" = "$stk" ] || fail "$k processes: status $stk, one process $st1 ($*)"
    cmp -s "$dir/one.out" "$dir/many.out" ||
        fail "$k processes: standard output differs ($*): $(diff "$dir/one.out" "$dir/many.out" | head -5)"
    cmp -s "$dir/one.err" "$dir/many.err" ||
        fail "$k processes: standard error differs ($*): $(diff "$dir/one.err" "$dir/many.err" | head -5)"
    grep -q "final hash" "$dir/one.err" || fail "no final hash: $(cat "$dir/one.err")"
    $stats || return 0
    local one two
    one=$(guest_stats "$dir/one.stats") && two=$(guest_stats "$dir/many.stats") && [ -n "$one" ] ||
        fail "no statistics: $(head -c 300 "$dir/one.stats")"
    [ "$one" = "$two" ] || fail "$k processes: the statistics differ ($*): $(diff <(echo "$one") <(echo "$two") | head -5)"
}
# refused MESSAGE ARGS...: status 2 and that line, once
refused() {
    local want=$1
    shift
    mpi "$@" > "$dir/out" 2> "$dir/err"
    local st=$?
    [ "$st" = 2 ] && [ "$(cat "$dir/err")" = "space: $want (see space --help)" ] ||
        fail "$* -> $st '$(cat "$dir/err")', wanted '$want'"
}

case $case in
same)
    printf 'help\nps\nhello\nexit 3\n' > "$dir/in.txt"
    same 2 --nodes 8 --input "$dir/in.txt" --input 5=/dev/null --stats text
    [ "$(grep -c '^\[[0-7]\] ' "$dir/one.out")" -gt 80 ] || fail "output: $(head "$dir/one.out")"
    same 2 "$elf" --nodes 4 --cmdline "flood 600 1500" --seed 9 --stats text \
        --net latency=2000,loss=0.1,dup=0.05,reorder=0.2,cut=0-3@300000,heal=0-3@600000
    grep -q '^network: 1800 frames sent' "$dir/one.stats" || fail "$(grep network "$dir/one.stats")"
    ;;
odd)
    same 3 "$elf" --nodes 5 --cmdline "flood 500 1000" --seed 4 --stats json \
        --net latency=1500,bandwidth=2000,loss=0.2,dup=0.1,reorder=0.1,cut=1-2@100000
    same 3 --nodes 5 --max-insns 400000 --stats text
    same 2 "$elf" --nodes 3 --cmdline ping --net loss=1
    grep -q 'waits for an interrupt that cannot come' "$dir/one.err" || fail "$(cat "$dir/one.err")"
    ;;
rlog)
    net=loss=0.2
    for a in 0 1; do
        for b in 2 3 4; do
            net=$net,cut=$a-$b@6000000,heal=$a-$b@14000000
        done
    done
    printf 'rlog 20\n' > "$dir/in.txt"
    for k in 2 3; do
        same $k --nodes 5 --input "$dir/in.txt" --net "$net" --seed 1 --stats json
    done
    [ "$(grep -Ec 'rlog: node [0-4]: 20 entries committed, all 5 nodes agree' "$dir/one.out")" = 5 ] ||
        fail "rlog: $(cat "$dir/one.out")"
    ;;
refused)
    refused "mpirun started 3 processes for --nodes 2: give at most one process per node" \
        3 --nodes 2
    refused "--debug cannot be used under mpirun (run the nodes in one process)" \
        2 --nodes 2 --debug
    refused "--record cannot be used under mpirun (record the nodes in one process)" \
        2 --nodes 2 --record "$dir/rec"
    refused "--timeline cannot be used under mpirun (make it in one process)" \
        2 --nodes 2 --timeline "$dir/tl.json"
    refused "under mpirun, space run needs --nodes N (the processes share the N nodes)" 2
    ;;
*) fail "no case $case" ;;
esac
echo "mpi $case passed"
