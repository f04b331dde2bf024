#!/usr/bin/env bash
# Several CPUs: a racy count (a separate load and store on 4 CPUs) loses
# updates, the same number on every run with one --seed and another with
# another seed; a 4-CPU run recorded replays with the same output and every
# checkpoint matching, also one instruction at a time, and --trace output
# of the replay is the live run's.
# usage: smp.sh SPACE SMP_GUEST.elf
set -u
space=$1 guest=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
total() { # total ARGS...: the racy total of one run
    "$space" run "$guest" --cpus 4 --cmdline race "$@" | sed -n 's/^smp race: total //p'
}

a=$(total --quantum 2000 --seed 1) b=$(total --quantum 2000 --seed 1)
c=$(total --quantum 2000 --seed 2) d=$(total --quantum 2000)
echo "racy totals: seed 1 $a, again $b, seed 2 $c, no seed $d"
[ -n "$a" ] && [ "$a" = "$b" ] || fail "seed 1 gave $a, then $b"
[ "$a" != "$c" ] || fail "seeds 1 and 2 gave the same total $a"
for t in "$a" "$c" "$d"; do
    [ "$t" -lt 400000 ] || fail "no update was lost ($t)"
done

# Recorded and replayed: free, single-stepped (every checkpoint rehashed).
"$space" run "$guest" --cpus 4 --cmdline mixed --quantum 700 --seed 3 --record "$dir/m.trc" \
    --checkpoint-interval 5000 --trace all --trace-file "$dir/live.tr" > "$dir/live.out" ||
    fail "recording run failed"
grep -q 'smp mixed passed' "$dir/live.out" || fail "the recorded run did not pass"
"$space" replay --trace all --trace-file "$dir/rep.tr" "$dir/m.trc" > "$dir/rep.out" 2> "$dir/rep.err" ||
    fail "replay: $(cat "$dir/rep.err")"
grep -Eq 'replay matches the recording: [0-9]+ checkpoints verified' "$dir/rep.err" ||
    fail "replay: $(cat "$dir/rep.err")"
cmp "$dir/live.out" "$dir/rep.out" || fail "the replay's output differs"
cmp "$dir/live.tr" "$dir/rep.tr" || fail "the replay's trace differs"
for c in 0 1 2 3; do
    grep -q " cpu$c " "$dir/live.tr" || fail "no trace line of cpu$c"
done
SPACE_VERIFY_CHECKPOINTS=1 "$space" replay -q --single-step "$dir/m.trc" 2> "$dir/ss.err" ||
    fail "single-stepped replay: $(cat "$dir/ss.err")"
"$space" run "$guest" --cpus 4 --cmdline race --quantum 2000 --seed 9 --record "$dir/r.trc" \
    > "$dir/r.out" || fail "recording the race failed"
"$space" replay "$dir/r.trc" > "$dir/r2.out" 2> /dev/null || fail "the race's replay diverged"
cmp "$dir/r.out" "$dir/r2.out" || fail "the race's replay printed another total"
echo "smp record and replay passed"
