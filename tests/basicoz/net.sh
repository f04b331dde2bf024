#!/usr/bin/env bash
# net.sh SPACE CASE: BasicOZ on the network (space run --nodes N): its
# datagram system calls and programs, with exact transcripts. Cases:
#   ping    2 nodes: round trips exact to the instruction (twice the
#           latency plus the kernels' work), a datagram to a listener, a
#           receive that times out, netstat's counters
#   rlog    the replicated log on 5 nodes under 20% loss and a partition
#           {0,1} | {2,3,4} that heals: the majority elects a leader and
#           commits while cut off, every node ends with the same 20 entries
#   twice   that run again, twice: byte for byte the same (output, stats)
#   cpus    rlog on 3 nodes of 2 CPUs each under loss: converges, the same
#           twice, and a recording of it replays
#   skeleton  project (f)'s starting point, dist/rlog.c, builds
set -u
SPACE=$1 CASE=$2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../guest_stats.sh"

HALT0='basicoz: init exited with status 0, halting'

# The partition: nodes 0 and 1 cut off from 2, 3 and 4 from 6 to 14
# million instructions; and 20% of all frames lost.
RLOG_NET=loss=0.2
for a in 0 1; do
    for b in 2 3 4; do
        RLOG_NET=$RLOG_NET,cut=$a-$b@6000000,heal=$a-$b@14000000
    done
done

case_ping() {
    local listener=$oz_tmp/node1 latency
    printf 'listen 9\nnetstat\n' > "$listener"
    for latency in 5000 20000; do
        oz $'ping 1 3\nlisten 9 1 100000\nnetstat\nsend 1 9 bye now\n' --nodes 2 \
            --input "1=$listener" --net latency=$latency
        status_is 0
        stderr_empty
        grep '^\[0\] ' "$OUT" > "$oz_tmp/node0.out"
        grep '^\[1\] ' "$OUT" > "$oz_tmp/node1.out"
        # (each node's lines follow each other in its own output)
        # the first round trip reclaims no transmit descriptor on either side
        OUT=$oz_tmp/node0.out block <<EOF
[0] ping: 64 bytes from node 1: seq=1 time=$((2 * latency + 2342)) instructions
[0] ping: 64 bytes from node 1: seq=2 time=$((2 * latency + 2362)) instructions
[0] ping: 64 bytes from node 1: seq=3 time=$((2 * latency + 2362)) instructions
[0] ping: 3 sent, 3 answered, round trip min/avg/max = $((2 * latency + 2342))/$((2 * latency + 2355))/$((2 * latency + 2362)) instructions
EOF
        OUT=$oz_tmp/node0.out block <<'EOF'
[0] basicoz$ listen 9 1 100000
[0] listen: nothing more after 0 datagrams
[0] basicoz$ netstat
[0] node 0 of 2
[0] device: 3 frames sent, 3 received, 0 dropped (no buffer), 0 refused
[0] kernel: 3 datagrams sent, 3 received, 0 dropped, 1 timeouts, 0 echoes
EOF
        OUT=$oz_tmp/node1.out block <<'EOF'
[1] listen: from node 0 port 0: 7 bytes: bye now
[1] basicoz$ netstat
[1] node 1 of 2
[1] device: 3 frames sent, 4 received, 0 dropped (no buffer), 0 refused
[1] kernel: 3 datagrams sent, 1 received, 0 dropped, 0 timeouts, 3 echoes
EOF
        line_re '\[0\] BasicOZ on SPACE: 64 MiB of RAM, [0-9]+ pages free, 13 programs, node 0 of 2'
        line "[1] basicoz\$ $HALT0"
    done
    # alone: no network to use
    oz $'ping 1\nnetstat\n'
    line 'ping: no node 1 to ping (this is node 0 of 1)'
    line 'netstat: no network (space run --nodes N)'
}

# rlog_run: the 5-node run under loss and the partition.
rlog_run() {
    oz $'rlog 20\n' --nodes 5 --net "$RLOG_NET" --seed 1 --stats text
}

case_rlog() {
    rlog_run
    status_is 0
    count_re '\[[0-4]\] rlog: node [0-4]: 20 entries committed, all 5 nodes agree, digest [0-9a-f]{8}' 5
    [ "$(grep -Eo 'digest [0-9a-f]{8}$' "$OUT" | sort -u | wc -l)" = 1 ] ||
        fail "the nodes' digests differ"
    local k during
    for k in 0 1 2 3 4; do
        line_re "\[$k\] rlog: node $k: 20 entries committed.*"
        line "[$k] basicoz\$ $HALT0"
    done
    no_line_re '.*(gave up|DISAGREES).*'
    # while cut off (6000k..14000k) a leader on the majority side commits
    during=$(sed -n 's/^\[[234]\] rlog: node [234] (leader, term [0-9]*) at \([0-9]*\)k: [0-9]* committed$/\1/p' "$OUT" |
        awk '$1 > 6000 && $1 < 14000' | wc -l)
    [ "$during" -ge 1 ] || fail "no commit by the majority during the partition"
    # the network lost frames and cut some off
    grep -Eq '^network: [0-9]+ frames sent \([0-9]+ bytes\), [0-9]+ delivered, [1-9][0-9]* lost, [1-9][0-9]* cut off' "$ERR" ||
        fail "no loss or cut in: $(grep '^network' "$ERR")"
}

case_twice() {
    rlog_run
    status_is 0
    local out1=$oz_tmp/first.out err1=$oz_tmp/first.err
    cp "$OUT" "$out1"
    cp "$ERR" "$err1"
    rlog_run
    cmp "$OUT" "$out1" || fail "the console output differs between two runs"
    # (without what depends on the host: Unicorn sizes its TLB by how it was
    # used over wall-clock windows - tests/guest_stats.sh)
    cmp <(guest_stats "$ERR") <(guest_stats "$err1") ||
        fail "the statistics differ between two runs"
}

# Nodes of 2 CPUs: every CPU of a node stands at the window's end at each
# barrier (the rounds end there), so frames arrive exactly and runs repeat.
case_cpus() {
    local rec=$oz_tmp/rec out1=$oz_tmp/cpus1.out
    oz $'rlog 10\n' --nodes 3 --cpus 2 --net loss=0.2 --seed 1
    status_is 0
    count_re '\[[0-2]\] rlog: node [0-2]: 10 entries committed, all 3 nodes agree, digest [0-9a-f]{8}' 3
    line_re '\[0\] BasicOZ on SPACE: .*, 2 CPUs, node 0 of 3'
    cp "$OUT" "$out1"
    oz $'rlog 10\n' --nodes 3 --cpus 2 --net loss=0.2 --seed 1 --record "$rec"
    status_is 0
    cmp "$OUT" "$out1" || fail "the console output differs between two runs"
    "$SPACE" replay -q "$rec" 2> "$oz_tmp/replay.err" || fail "replay: $(cat "$oz_tmp/replay.err")"
    [ "$(grep -c '^space: replay matches the recording' "$oz_tmp/replay.err")" = 3 ] ||
        fail "replay: $(cat "$oz_tmp/replay.err")"
}

# The distributed project's starting point (basicoz/projects/dist/rlog.c)
# builds as a BasicOZ program, warnings as errors.
case_skeleton() {
    local here
    here=$(cd "$(dirname "$0")/../.." && pwd)
    sh "$here/basicoz/user/build-user.sh" "$(dirname "$SPACE")" "$oz_tmp/rlog.elf" \
        "$here/basicoz/projects/dist/rlog.c" -Werror || fail "dist/rlog.c does not build"
    [ -s "$oz_tmp/rlog.elf" ] || fail "no rlog.elf"
}

"case_$CASE"
echo "basicoz net $CASE passed"
