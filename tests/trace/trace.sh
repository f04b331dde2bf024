#!/usr/bin/env bash
# --trace (docs/instrumentation.md, "Tracing"): line counts agree with the
# statistics; a guest traces exactly the region it switches on; a replay
# traces exactly what the recorded run did; bad flags and files.
# usage: trace.sh SPACE GUEST_DIR
set -u
space=$1 guests=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
count() { grep -c -- "$1" "$2"; }
stat() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# every retired instruction, one line each, with its MODE
"$space" run "$guests/hello.elf" --trace insn --trace-file "$dir/i" --stats json \
    --stats-file "$dir/s.json" > /dev/null
want=$(stat "$dir/s.json" "d['cpus'][0]['instructions']")
[ "$(wc -l < "$dir/i")" = "$want" ] || fail "insn lines $(wc -l < "$dir/i"), instructions $want"
head -1 "$dir/i" | grep -Eq '^0 cpu0 ctx=0 mode=0 insn 0x[0-9a-f]{8} [a-z]' ||
    fail "first insn line: $(head -1 "$dir/i")"
# times count up by one
awk '$1 != NR - 1 { exit 1 }' "$dir/i" || fail "instruction times are not 0, 1, 2, ..."

# traps and faults of the demand-paging guest: as many as the statistics
"$space" run "$guests/demand.elf" --trace trap,fault,i3 --trace-file "$dir/t" --stats json \
    --stats-file "$dir/d.json" > /dev/null || fail "demand run"
faults=$(stat "$dir/d.json" "d['memory_faults']['total']")
[ "$faults" -gt 0 ] || fail "no faults in demand"
[ "$(count 'mode=[0-3] fault ' "$dir/t")" = "$faults" ] || fail "fault lines $(count 'mode=[0-3] fault ' "$dir/t") != $faults"
[ "$(count ' trap 14 MEMORY_FAULT' "$dir/t")" = "$faults" ] || fail "MEMORY_FAULT trap lines"
traps=$(stat "$dir/d.json" "d['traps']['total']")
[ "$(count 'mode=[0-3] trap ' "$dir/t")" = "$traps" ] || fail "trap lines $(count 'mode=[0-3] trap ' "$dir/t") != $traps"
mode3=$(stat "$dir/d.json" "d['cpus'][0]['by_mode'][3]")
[ "$(count 'mode=[0-3] insn ' "$dir/t")" = "$mode3" ] || fail "MODE 3 insn lines != $mode3"
grep ' insn ' "$dir/t" | grep -vq ' mode=3 ' && fail "i3 traced another MODE"
grep -m1 ' fault ' "$dir/t" | grep -Eq 'ctx=1 mode=3 fault (read|write|execute) of 0x[0-9a-f]+: not mapped$' ||
    fail "fault line: $(grep -m1 ' fault ' "$dir/t")"

# the guest's switch: only the region between space_trace(1) and (0)
out=$("$space" run "$guests/traced.elf" --trace insn,op,guest --trace-file "$dir/g")
[ "$out" = "trace switch was 0, then 1" ] || fail "guest saw: $out"
[ "$(count ' insn .* nop$' "$dir/g")" = 5 ] || fail "expected the 5 nops: $(cat "$dir/g")"
tail -2 "$dir/g" | head -1 | grep -q 'insn .* int 0xff$' || fail "last traced insn is not the op"
tail -1 "$dir/g" | grep -q ' op TRACE(0, ' || fail "the TRACE op is not the last line"
[ "$(wc -l < "$dir/g")" -lt 40 ] || fail "traced outside the region: $(wc -l < "$dir/g") lines"
# untraced, the switch reads 0 both times
out=$("$space" run "$guests/traced.elf")
[ "$out" = "trace switch was 0, then 0" ] || fail "untraced guest saw: $out"

# a replay traces exactly what the recorded run did (record once, trace later)
printf 'hello\ntick a 3\nexit\n' > "$dir/in"
"$space" run --input "$dir/in" --record "$dir/r.trc" --trace trap,op,irq,reg,dma,tlb,fault \
    --trace-file "$dir/live" > /dev/null
"$space" replay -q "$dir/r.trc" --trace trap,op,irq,reg,dma,tlb,fault --trace-file "$dir/replayed" \
    2> /dev/null || fail "replay"
[ "$(wc -l < "$dir/live")" -gt 1000 ] || fail "short trace"
cmp "$dir/live" "$dir/replayed" || fail "the replay's trace differs from the live run's"
grep -q ' reg console0 +0x000 write 0x' "$dir/live" || fail "no console register writes"
grep -q ' irq deliver line 1 (timer0)' "$dir/live" || fail "no timer interrupts"
grep -q ' tlb fill CONTEXT 1 page ' "$dir/live" || fail "no TLB fills in CONTEXT 1"

# two CPUs (tests/gdb/cpus.c): each insn line names the CPU that ran it -
# as many lines per CPU as it retired instructions, its own times one by
# one, CPU 1 starting at its start address, and only CPU 1 in cpu1_work
cpus=$guests/../gdb/cpus.elf
"$space" run "$cpus" --cpus 2 --quantum 1000 --trace insn --trace-file "$dir/c" --stats json \
    --stats-file "$dir/c.json" > /dev/null
[ $? = 7 ] || fail "cpus.elf --cpus 2"
for cpu in 0 1; do
    want=$(stat "$dir/c.json" "d['cpus'][$cpu]['instructions']")
    [ "$(count " cpu$cpu " "$dir/c")" = "$want" ] || fail "cpu$cpu lines != its $want instructions"
    awk -v c="cpu$cpu" '$2 == c { if (seen && $1 != last + 1) exit 1; seen = 1; last = $1 }' "$dir/c" ||
        fail "cpu$cpu's times are not one by one"
done
addr() { printf 'break %s\nquit\n' "$1" | "$space" run --debug "$cpus" --cpus 2 2>&1 |
    sed -n "s/^breakpoint 1 at 0x\([0-9a-f]*\) <$1>$/\1/p"; }
worker=$(addr worker) work=$(addr cpu1_work)
[ -n "$worker" ] && [ -n "$work" ] || fail "no addresses for worker and cpu1_work"
grep -m1 ' cpu1 ' "$dir/c" | grep -Eq "^[0-9]+ cpu1 ctx=0 mode=0 insn 0x0*$worker " ||
    fail "CPU 1 did not start at worker: $(grep -m1 ' cpu1 ' "$dir/c")"
grep -Eq "^[0-9]+ cpu1 ctx=0 mode=0 insn 0x0*$work " "$dir/c" || fail "CPU 1 never ran cpu1_work"
grep -Eq "^[0-9]+ cpu0 .* insn 0x0*$work " "$dir/c" && fail "a cpu0 line in cpu1_work"

# errors
"$space" run --trace qq 2> "$dir/e"; [ $? = 2 ] || fail "bad flag status"
grep -q "^space: --trace: 'qq' is not a trace flag" "$dir/e" || fail "$(cat "$dir/e")"
"$space" run --trace-file x 2> "$dir/e"; [ $? = 2 ] || fail "--trace-file alone"
"$space" run "$guests/hello.elf" --trace t --trace-file "$dir/no/such/t" 2> "$dir/e"
[ $? = 4 ] || fail "unwritable trace file status"
grep -q 'cannot create it' "$dir/e" || fail "$(cat "$dir/e")"
echo "trace passed"
