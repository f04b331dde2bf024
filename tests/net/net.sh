#!/usr/bin/env bash
# net.sh SPACE NET.elf CASE: the network device and the multicomputer
# (space run --nodes N), with tests/guest/net.c on every node. Cases:
#   ping       two nodes exchange frames with interrupts; a third node idles
#   exact      arrival times to the instruction: sent + serialisation + latency
#   flood      two senders, one receiver, no faults: every frame, in order
#   rates      loss, duplication and reordering within bounds over 2000
#              frames, the same for one seed, different for another
#   partition  a link cut and healed: exactly the frames sent meanwhile are lost
#   twice      the same faulty run twice, byte for byte (output, stats)
#   stats      --stats text and json: per node and the network
#   errors     bad --net specs and per-node options: one line, status 2
#   basicoz    4 nodes of BasicOZ to the prompt and out; --console-dir
#   sdb        node K drives another node; a breakpoint on node 1; times as
#              without the debugger
#   record     a recorded 3-node run with faults replays, node by node and
#              whole; a replay that departs names its node
set -u
space=$1 elf=$2 case=$3
. "$(dirname "$0")/../guest_stats.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
run() { # run ARGS...: OUT, ERR, ST
    timeout 60 "$space" run "$@" > "$dir/out" 2> "$dir/err"
    ST=$?
    OUT=$(cat "$dir/out") ERR=$(cat "$dir/err")
}
usage() { # usage MESSAGE ARGS...: status 2 and that one line
    local want=$1
    shift
    run "$@"
    [ "$ST" = 2 ] && { [ "$ERR" = "space: $want (see space --help)" ] || [ "$ERR" = "space: $want" ]; } ||
        fail "$* -> $ST '$ERR', wanted '$want'"
}
# field NAME: the number after NAME on the receiver's line
field() { echo "$OUT" | sed -n "s/.* $1 \([0-9]*\).*/\1/p"; }
net() { echo "$ERR" | sed -n "s/^network: .* \([0-9]*\) $1.*/\1/p"; }

case $case in
ping)
    run "$elf" --nodes 3 --cmdline ping
    [ "$ST" = 0 ] || fail "status $ST: $ERR"
    [ "$OUT" = $'[1] pong passed\n[0] ping passed' ] || fail "output: $OUT"
    ;;
exact)
    # frames of 1, 100 and 1500 bytes at 100 bytes per 1000 instructions
    run "$elf" --nodes 2 --cmdline ping --net latency=5000,bandwidth=100 --trace dma
    [ "$ST" = 0 ] || fail "status $ST"
    sent=$(grep -E '^\[0\] [0-9]+ .* dma net0 read (1|100|1500) bytes at 0x' "$dir/err" | awk '{print $2}')
    got=$(grep -E '^\[1\] [0-9]+ .* dma net0 wrote (1|100|1500) bytes at 0x' "$dir/err" | awk '{print $2}')
    set -- $sent
    [ $# = 3 ] || fail "sends: $sent"
    want="$(($1 + 10 + 5000)) $(($2 + 1000 + 5000)) $(($3 + 15000 + 5000))"
    [ "$(echo $got)" = "$want" ] || fail "arrivals '$(echo $got)', wanted '$want' (sent $(echo $sent))"
    ;;
flood)
    run "$elf" --nodes 3 --cmdline "flood 300 2000" --stats text
    [ "$ST" = 0 ] || fail "status $ST: $ERR"
    [ "$OUT" = "[2] received 600 dups 0 overtaken 0 missing 300..300 drops 0" ] || fail "$OUT"
    echo "$ERR" | grep -q '^network: 600 frames sent (9600 bytes), 600 delivered, 0 lost' || fail "$ERR"
    ;;
rates)
    spec=latency=3000,loss=0.1,dup=0.05,reorder=0.1
    run "$elf" --nodes 2 --cmdline "flood 2000 1000" --net $spec --seed 5 --stats text
    [ "$ST" = 0 ] || fail "status $ST: $ERR"
    first=$OUT$ERR
    lost=$(echo "$ERR" | sed -n 's/.* delivered, \([0-9]*\) lost.*/\1/p')
    dups=$(field dups) over=$(field overtaken) rec=$(field received)
    echo "lost $lost dups $dups overtaken $over received $rec"
    [ "$lost" -ge 140 ] && [ "$lost" -le 260 ] || fail "lost $lost of 2000 at 0.1"
    [ "$dups" -ge 55 ] && [ "$dups" -le 145 ] || fail "duplicated $dups of ~1800 at 0.05"
    [ "$over" -ge 60 ] || fail "only $over frames overtaken at reorder 0.1"
    [ "$rec" = $((2000 - lost + dups)) ] || fail "received $rec"
    run "$elf" --nodes 2 --cmdline "flood 2000 1000" --net $spec --seed 5 --stats text
    [ "$OUT$ERR" = "$first" ] || fail "the same seed gave another run"
    run "$elf" --nodes 2 --cmdline "flood 2000 1000" --net $spec --seed 6 --stats text
    [ "$OUT$ERR" != "$first" ] || fail "another seed gave the same run"
    ;;
partition)
    run "$elf" --nodes 2 --cmdline "flood 1000 2000" --net cut=0-1@500000,heal=1-0@1000000 --stats text
    [ "$ST" = 0 ] || fail "status $ST: $ERR"
    cut=$(echo "$ERR" | sed -n 's/.* \([0-9]*\) cut off.*/\1/p')
    range=$(echo "$OUT" | sed -n 's/.* missing \([0-9]*\)\.\.\([0-9]*\) .*/\1 \2/p')
    set -- $range
    [ "$cut" -gt 100 ] || fail "cut $cut"
    [ $(($2 - $1 + 1)) = "$cut" ] && [ "$(field received)" = $((1000 - cut)) ] ||
        fail "missing $range, $cut cut off: $OUT"
    # * cuts a node off from every other
    run "$elf" --nodes 3 --cmdline "flood 100 2000" --net "cut=2-*@0" --stats text
    [ "$OUT" = "[2] received 0 dups 0 overtaken 0 missing 0..99 drops 0" ] || fail "$OUT"
    ;;
twice)
    args=("$elf" --nodes 3 --cmdline "flood 500 1500" --net latency=700,loss=0.2,dup=0.1,reorder=0.3,spread=5000 --seed 9 --stats json)
    run "${args[@]}"
    cp "$dir/out" "$dir/out1"
    cp "$dir/err" "$dir/err1"
    run "${args[@]}"
    cmp -s "$dir/out" "$dir/out1" || fail "two runs differ in their output"
    one="" two=""
    one=$(guest_stats "$dir/err1") && two=$(guest_stats "$dir/err") && [ -n "$one" ] ||
        fail "the statistics are not JSON: $(head -c 300 "$dir/err")"
    [ "$one" = "$two" ] || fail "two runs differ in their statistics"
    ;;
stats)
    run "$elf" --nodes 2 --cmdline ping --stats json
    [ "$ST" = 0 ] || fail "status $ST"
    echo "$ERR" | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["format"] == "space-cluster-stats" and len(s["nodes"]) == 2, s.keys()
n = s["network"]
assert n["sent"] == 6 and n["delivered"] == 6 and n["bytes"] == 2 * 1601 and n["lost"] == 0, n
' || fail "json: $ERR"
    run "$elf" --nodes 2 --cmdline ping --stats text
    echo "$ERR" | grep -q '^node 1:$' && echo "$ERR" | grep -q '^network: 6 frames sent (3202 bytes), 6 delivered' ||
        fail "text: $ERR"
    ;;
errors)
    usage "--net: 'foo' is not a setting (latency, bandwidth, spread, loss, dup, reorder, cut, heal)" "$elf" --nodes 2 --net foo=1
    usage "--net: loss needs a probability 0..1 such as 0.05, not '1.5'" "$elf" --nodes 2 --net loss=1.5
    usage "--net: cut needs A-B@TIME (nodes 0..1 or *, TIME in instructions), not '0-2@5'" "$elf" --nodes 2 --net cut=0-2@5
    usage "--net: latency must be at least 1 instruction" "$elf" --nodes 2 --net latency=0
    usage "--net: latency needs a number of instructions, not 'x'" "$elf" --nodes 2 --net latency=x
    usage "--net needs --nodes N" "$elf" --net loss=0.1
    usage "--nodes needs a node count, 1..256, not '0'" "$elf" --nodes 0
    usage "--disk a.img: with --nodes each node has its own image: give --disk K=IMAGE for node K" "$elf" --nodes 2 --disk a.img
    usage "--input 2=x: no such node" "$elf" --nodes 2 --input 2=x
    usage "--input 0=x needs --nodes" "$elf" --input 0=x
    usage "--console-dir needs --nodes" "$elf" --console-dir /tmp
    ;;
basicoz)
    printf 'exit\n' > "$dir/in"
    run --nodes 4 --input "$dir/in" --max-insns 400000000
    [ "$ST" = 0 ] || fail "status $ST: $ERR"
    for k in 0 1 2 3; do
        echo "$OUT" | grep -q "^\[$k\] BasicOZ on SPACE" || fail "node $k did not boot: $OUT"
        echo "$OUT" | grep -q "^\[$k\] basicoz: init exited with status 0" || fail "node $k: $OUT"
    done
    mkdir "$dir/con"
    printf 'echo node one\nexit\n' > "$dir/in1"
    run --nodes 2 --input "$dir/in" --input "1=$dir/in1" --console-dir "$dir/con"
    [ "$ST" = 0 ] && [ -z "$OUT" ] || fail "console-dir: $ST $OUT $ERR"
    grep -q "^node one" "$dir/con/node1.txt" && ! grep -q "node one" "$dir/con/node0.txt" ||
        fail "node 1's own input: $(cat "$dir/con/node1.txt")"
    ;;
sdb)
    printf 'node 1\nbreak check_frame\ncontinue\nnode 0\ndelete\nnode 0\ncontinue\nnode\nquit\n' > "$dir/cmds"
    run "$elf" --nodes 2 --cmdline ping --debug < "$dir/cmds"
    [ "$ST" = 0 ] || fail "status $ST: $ERR"
    echo "$OUT" | grep -q '^breakpoint 1 at 0x[0-9a-f]* <check_frame>, CONTEXT 0 MODE 0' || fail "$OUT"
    echo "$ERR" | grep -q '^sdb: node: breakpoints, watchpoints and catchpoints belong to node 1: delete them first' ||
        fail "$ERR"
    # the same times as the run without sdb (net.sh record's replay shows them)
    timeout 20 "$space" run "$elf" --nodes 2 --cmdline ping -v 2> "$dir/err" > /dev/null
    t0=$(sed -n 's/^space: \[0\] guest halted with code 0 after \([0-9]*\) .*/\1/p' "$dir/err")
    t1=$(sed -n 's/^space: \[1\] guest halted with code 0 after \([0-9]*\) .*/\1/p' "$dir/err")
    echo "$OUT" | grep -q "^\* node 0: halted at virtual time $t0 " &&
        echo "$OUT" | grep -q "^  node 1: halted at virtual time $t1\$" || fail "times $t0 $t1: $OUT"
    usage "--nodes with --gui cannot --record (the window holds the barriers)" "$elf" --nodes 2 \
        --gui --record "$dir/gui.trc"
    # nodes of 2 CPUs: the second waits, the rounds end at the windows
    run "$elf" --nodes 3 --cmdline ping --cpus 2
    [ "$ST" = 0 ] && [ "$OUT" = $'[1] pong passed\n[0] ping passed' ] || fail "--cpus 2: $ST $OUT"
    ;;
record)
    run "$elf" --nodes 3 --cmdline "flood 200 3000" --net loss=0.2,reorder=0.2,dup=0.1 --seed 3 \
        --record "$dir/t" --checkpoint-interval 200000
    [ "$ST" = 0 ] && [ -f "$dir/t.0" ] && [ -f "$dir/t.2" ] && [ ! -f "$dir/t.3" ] || fail "record: $ST $ERR"
    want=$OUT
    "$space" replay "$dir/t.2" > "$dir/out" 2> "$dir/err" || fail "replay of node 2: $(cat "$dir/err")"
    [ "$(cat "$dir/out")" = "${want#\[2\] }" ] || fail "node 2 replayed '$(cat "$dir/out")', recorded '$want'"
    "$space" replay -q "$dir/t" 2> "$dir/err" || fail "replay: $(cat "$dir/err")"
    [ "$(grep -c '^space: replay matches the recording' "$dir/err")" = 3 ] || fail "$(cat "$dir/err")"
    # the network's checkpoint (t.net): rebuilt from what the nodes did
    grep -qx "space: the network ($dir/t.net): the same frames on their way and counters" "$dir/err" ||
        fail "no network check: $(cat "$dir/err")"
    cp "$dir/t.net" "$dir/net.orig"
    sed -i 's/^seed 3$/seed 4/' "$dir/t.net" # another seed: other fates
    "$space" replay -q "$dir/t" 2> "$dir/err"
    [ $? = 1 ] && grep -q "^space: replay of $dir/t.net diverged: the network: at virtual time [0-9]* (the last barrier): [0-9]* frames delivered recorded, [0-9]* replayed\$" "$dir/err" ||
        fail "a tampered seed: $(cat "$dir/err")"
    h=$(sed -n 's/^hash //p' "$dir/net.orig") # its last digit changed
    case $h in *0) h=${h%?}1 ;; *) h=${h%?}0 ;; esac
    sed "s/^hash .*/hash $h/" "$dir/net.orig" > "$dir/t.net"
    "$space" replay -q "$dir/t" 2> "$dir/err"
    [ $? = 1 ] && grep -q "^space: replay of $dir/t.net diverged: the network: .*: the frames on their way differ (hash [0-9a-f]* recorded, [0-9a-f]* replayed)\$" "$dir/err" ||
        fail "a tampered hash: $(cat "$dir/err")"
    cp "$dir/net.orig" "$dir/t.net"
    "$space" replay -q --kernel "$(dirname "$elf")/hello.elf" "$dir/t.1" 2> "$dir/err"
    [ $? = 1 ] && grep -q "^space: replay of $dir/t.1 diverged: node 1: checkpoint 1 of" "$dir/err" ||
        fail "a departing replay: $(cat "$dir/err")"
    # BasicOZ nodes with their own inputs
    printf 'echo two\nexit\n' > "$dir/in2"
    printf 'exit\n' > "$dir/in"
    run --nodes 3 --input "$dir/in" --input "2=$dir/in2" --record "$dir/b"
    [ "$ST" = 0 ] || fail "basicoz record: $ERR"
    "$space" replay -q "$dir/b" 2> "$dir/err" &&
        [ "$(grep -c '^space: replay matches the recording' "$dir/err")" = 3 ] || fail "$(cat "$dir/err")"
    ;;
*) fail "no case $case" ;;
esac
echo "net $case passed"
