#!/usr/bin/env bash
# stats.sh SPACE BUILD_TESTS_DIR CASE: one test of `space run --stats`
# (docs/instrumentation.md). Each case runs space with --stats json (or
# text), then checks the report with check_stats.py: every invariant of the
# statistics, plus the counts this run must show. BUILD_TESTS_DIR holds the
# test guests (guest/*.elf, devices/*.elf); BasicOZ is built into space.
# Skipped (77) without python3.
set -u
SPACE=$1 TESTS=$2 CASE=$3
HERE=$(dirname "$0")
CHECK="$HERE/check_stats.py"
TIMEOUT=${STATS_TIMEOUT:-120}
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
runs=0

. "$HERE/../lib.sh"

# run [space run arguments...]: sets OUT, ERR, STATUS and JSON (the path
# given to --stats-file when the arguments use "$JSON").
next() {
    runs=$((runs + 1))
    OUT=$tmp/out$runs ERR=$tmp/err$runs JSON=$tmp/stats$runs.json TEXT=$tmp/stats$runs.txt
}
run() { run_space run "$@"; }
# check FILE EXPECT...: the invariants and the expectations (check_stats.py).
check() {
    python3 "$CHECK" "$@" || fail "the statistics are wrong (above)"
}

# A BasicOZ session: user programs (MODE 3), console and timer interrupts,
# a memory fault (crash), MapMemory. The statistics change nothing the
# guest does, and are themselves deterministic.
case_basicoz() {
    printf 'hello\ntick a 5\ncrash\nhello\nexit 7\n' > "$tmp/in"
    next
    run --input "$tmp/in" --stats json --stats-file "$JSON"
    status_is 7
    stderr_empty
    grep -Fxq 'hello, world' "$OUT" || fail "no hello, world"
    grep -q 'crash.*killed' "$OUT" || fail "crash was not killed"
    check "$JSON" state=halted exit_code=7 'virtual_time>0' \
        'cpus.0.by_mode.3>0' cpus.0.by_mode.1=0 cpus.0.by_mode.2=0 'cpus.0.by_mode.0>0' \
        'cpus.0.by_context.0>0' 'cpus.0.by_context_mode.0.0>0' cpus.0.by_context_mode.0.3=0 \
        devices.0.name=console devices.0.trap=32 'devices.0.interrupts_delivered>0' \
        devices.1.name=timer devices.1.trap=33 'devices.1.interrupts_delivered>0' \
        devices.0.interrupts_delivered=@traps.by_number.32.count \
        devices.1.interrupts_delivered=@traps.by_number.33.count \
        'devices.0.register_writes>0' \
        traps.by_number.14.name=MEMORY_FAULT 'memory_faults.total>=1' 'memory_faults.unmapped>=1' \
        'memory_faults.read>=1' 'traps.by_number.128.count>0' traps.by_number.128.name=INT \
        'operations.by_kind.MAP_MEMORY>0' 'operations.by_kind.RESUME>0' operations.by_kind.HALT=1 \
        'portal_traversals>0' 'tlb.hits>0' 'tlb.misses>0' 'tlb.by_context.0.hits>0' \
        'engine.blocks_learned>0' dma_bytes=0
    local first=$JSON out1=$OUT
    # the same run without --stats: the same output; with: the same numbers
    next
    run --input "$tmp/in"
    cmp "$out1" "$OUT" || fail "--stats changed the guest's output"
    next
    run --input "$tmp/in" --stats json --stats-file "$JSON"
    cmp "$first" "$JSON" || fail "two identical runs gave different statistics"
}

# Guests whose counts are known exactly.
case_guest() {
    # hello: no trap, one debug_putc per byte of output, CONTEXT 0 MODE 0 only
    next
    run "$TESTS/guest/hello.elf" --cmdline 'a b' --stats json --stats-file "$JSON"
    status_is 42
    stderr_empty
    local bytes
    bytes=$(wc -c < "$OUT")
    check "$JSON" state=halted exit_code=42 traps.total=0 portal_traversals=0 memory_faults.total=0 \
        operations.by_kind.DEBUG_PUTC="$bytes" operations.by_kind.HALT=1 \
        operations.total=$((bytes + 1)) idle=0 instructions=@virtual_time \
        cpus.0.by_context.0=@virtual_time cpus.0.by_mode.0=@virtual_time \
        register_reads=0 register_writes=0 devices.0.interrupts_raised=0 \
        devices.1.interrupts_raised=0
    python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["cpus"][0]; sys.exit(list(c["by_context"]) != ["0"])' "$JSON" ||
        fail "CONTEXTs other than 0 ran"

    # demand: 18 demand-paging faults in CONTEXT 1 MODE 3 (the guest checks
    # each: 15 writes, 3 reads, one of them on a read-only page), each
    # resumed; kit_call's return is one int $0xf0
    next
    run "$TESTS/guest/demand.elf" --stats json --stats-file "$JSON"
    status_is 0
    grep -Fxq 'demand passed' "$OUT" || fail "demand did not pass"
    check "$JSON" state=halted exit_code=0 traps.by_number.14.count=18 traps.by_number.240.count=1 \
        traps.total=19 portal_traversals=19 memory_faults.total=18 memory_faults.unmapped=17 \
        memory_faults.protection=1 memory_faults.device=0 memory_faults.read=3 \
        memory_faults.write=15 memory_faults.exec=0 'cpus.0.by_context_mode.1.3>0' \
        cpus.0.by_context_mode.1.0=0 cpus.0.by_mode.1=0 cpus.0.by_mode.2=0 \
        cpus.0.by_mode.3=@cpus.0.by_context.1 'tlb.by_context.1.misses>0'

    # a trap nowhere to go: the machine stops (125) on a protection fault
    # that never traversed
    next
    run "$TESTS/guest/stop.elf" --cmdline protect --stats json --stats-file "$JSON"
    status_is 125
    check "$JSON" state=stopped exit_code=null traps.total=1 portal_traversals=0 \
        memory_faults.protection=1 memory_faults.read=1 memory_faults.total=1
}

# The metrics (tests/guest/metric.c): guest-published values, CONTEXT
# switches (1 -> 2 -> 1 in user code: 3, the first counts), a fault in
# CONTEXT 1, CONTEXT 5's pages (3 mapped at most, 1 left, 3 unmaps).
case_metric() {
    next
    run "$TESTS/guest/metric.elf" --stats json --stats-file "$JSON"
    status_is 0
    grep -Fxq 'metric passed' "$OUT" || fail "metric did not pass"
    check "$JSON" guest.set_me=3 guest.added=4294967297 guest.most=9 guest.from_user=42 \
        guest.a_31_byte_name_is_the_longest_1=31 context_switches=3 cpus.0.context_switches=3 \
        contexts.1.dispatches=2 contexts.2.dispatches=1 contexts.0.dispatches=0 \
        contexts.1.faults=1 contexts.0.faults=0 memory_faults.total=1 \
        contexts.5.pages_mapped=1 contexts.5.pages_mapped_max=3 contexts.5.unmaps=3 \
        contexts.5.dispatches=0 operations.by_kind.METRIC=17 console.lines=0 \
        console.response_total=0 console.wakeup_mean=0
    python3 -c 'import json,sys; g=json.load(open(sys.argv[1]))["guest"]; sys.exit(sorted(g) != ["a_31_byte_name_is_the_longest_1", "added", "from_user", "most", "set_me"])' "$JSON" ||
        fail "the guest metrics are not exactly the five published"
    # the text report has them too
    next
    run "$TESTS/guest/metric.elf" --stats text --stats-file "$TEXT"
    grep -Fxq 'guest metrics: a_31_byte_name_is_the_longest_1 31, added 4294967297, from_user 42, most 9, set_me 3' "$TEXT" ||
        fail "no guest metrics line in the text report"
    grep -Fxq '  CONTEXT 5: dispatches 0, faults 0, unmaps 3, pages_mapped 1, pages_mapped_max 3' "$TEXT" ||
        fail "no CONTEXT 5 line in the text report"
}

# Waiting: idle time, and instructions + idle = virtual time.
case_idle() {
    next
    run "$TESTS/devices/dev_timer.elf" --stats json --stats-file "$JSON"
    status_is 0
    check "$JSON" 'idle>0' 'cpus.0.idle>0' 'operations.by_kind.WAIT>0' \
        'devices.1.interrupts_delivered>0' devices.1.interrupts_delivered=@traps.by_number.33.count \
        devices.0.interrupts_raised=0
}

# Four CPUs, each sending an IPI to every CPU and to itself: every CPU
# counted, and the machine's counts are their sums; the text report has
# every CPU (the same run: the statistics are deterministic).
case_smp() {
    next
    run "$TESTS/guest/smp.elf" --cpus 4 --cmdline ipi --stats json --stats-file "$JSON"
    status_is 0
    check "$JSON" 'cpus.3.instructions>0' 'cpus.1.idle>0' operations.by_kind.IPI=23 \
        operations.by_kind.CPU_START=3 traps.by_number.40.count=4 traps.by_number.43.count=4 \
        traps.by_number.63.count=4
    local json=$JSON
    next
    run "$TESTS/guest/smp.elf" --cpus 4 --cmdline ipi --stats text --stats-file "$TEXT"
    status_is 0
    cat "$TEXT"
    check "$json" --text "$TEXT"
    [ "$(grep -c '^CPU [0-3]: instructions ' "$TEXT")" = 4 ] || fail "not 4 CPU lines"
}

# Device misuse faults; DMA bytes by device.
case_devices() {
    next
    run "$TESTS/devices/dev_access.elf" --cmdline nonmov --stats json --stats-file "$JSON"
    status_is 0
    check "$JSON" 'memory_faults.device>0' memory_faults.device=@memory_faults.total \
        memory_faults.unmapped=0 memory_faults.protection=0
    next
    run "$TESTS/devices/dev_disk.elf" --disk "$tmp/disk.img" --disk-size 1M --stats json --stats-file "$JSON"
    status_is 0
    check "$JSON" devices.2.name=disk devices.2.trap=34 'devices.2.dma_bytes>0' \
        dma_bytes=@devices.2.dma_bytes devices.0.dma_bytes=0 'devices.2.register_writes>0'
    python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["dma_bytes"] % 512 != 0)' "$JSON" ||
        fail "DMA bytes are not whole sectors"
}

# However the run ends, the statistics are written: the instruction limit,
# Ctrl-C, quitting the debugger.
case_ends() {
    next
    run "$TESTS/guest/hello.elf" --max-insns 50 --stats json --stats-file "$JSON"
    status_is 124
    check "$JSON" state=limit exit_code=null virtual_time=50 instructions=50

    # Ctrl-C while BasicOZ's spin runs (sent once it has printed a line)
    next
    printf 'spin 100000\n' > "$tmp/spin"
    "$SPACE" run --input "$tmp/spin" --stats json --stats-file "$JSON" > "$OUT" 2> "$ERR" &
    local pid=$! i
    for ((i = 0; i < TIMEOUT * 10; i++)); do
        grep -q 'spin: round 1' "$OUT" && break
        sleep 0.1
    done
    kill -INT "$pid"
    wait "$pid"
    STATUS=$?
    cat "$OUT" "$ERR"
    status_is 130
    grep -q '^space: interrupted after [0-9]* instructions' "$ERR" || fail "no interrupted line"
    check "$JSON" state=interrupted exit_code=null 'cpus.0.by_mode.3>0'

    # the debugger: stopped after 10 instructions, then quit
    next
    printf 'step 10\nquit\n' | timeout -s KILL "$TIMEOUT" "$SPACE" run --debug "$TESTS/guest/hello.elf" \
        --stats json --stats-file "$JSON" > "$OUT" 2>&1
    STATUS=$?
    cat "$OUT"
    status_is 0
    check "$JSON" state=running virtual_time=10 cpus.0.by_mode.0=10
}

# Without --stats-file the report goes to standard error; the text report
# says what the JSON says.
case_text() {
    printf 'hello\ncrash\n' > "$tmp/in"
    next
    run --input "$tmp/in" --stats json
    status_is 0
    cp "$ERR" "$tmp/stderr.json"
    check "$tmp/stderr.json" state=halted 'memory_faults.total>0'
    next
    run --input "$tmp/in" --stats text --stats-file "$TEXT"
    status_is 0
    stderr_empty
    cat "$TEXT"
    check "$tmp/stderr.json" --text "$TEXT"
    grep -Eq '^traps [0-9]+: 14 MEMORY_FAULT [0-9]+, 32 INTERRUPT [0-9]+, 33 INTERRUPT [0-9]+, 128 INT [0-9]+$' "$TEXT" ||
        fail "no traps line"
    grep -Eq '^operations [0-9]+: MAP_MEMORY [0-9]+, MAP_PORTAL [0-9]+, RESUME [0-9]+.*, WAIT [0-9]+(, [A-Z_]+ [0-9]+)*$' "$TEXT" ||
        fail "no operations line"
    grep -Eq '^  CONTEXT 0: hits [0-9]+, misses [0-9]+, flushes [0-9]+, evictions [0-9]+, invalidations [0-9]+$' "$TEXT" ||
        fail "no TLB line for CONTEXT 0"
    grep -Eq '^engine: blocks learned [0-9]+, ' "$TEXT" || fail "no engine line"
}

# Bad --stats values and files: one line, exit 2 or 4.
case_errors() {
    local want
    for args in "--stats xml" "--stats" "--stats-file $tmp/x.json" "--stats json --stats-file"; do
        next
        # shellcheck disable=SC2086
        run "$TESTS/guest/hello.elf" $args
        status_is 2
        [ "$(wc -l < "$ERR")" = 1 ] || fail "not one line on stderr"
        [ ! -s "$OUT" ] || fail "output on stdout"
    done
    next
    run "$TESTS/guest/hello.elf" --stats xml
    grep -Fxq "space: --stats needs a format, text or json, not 'xml' (see space --help)" "$ERR" ||
        fail "wrong message for --stats xml"
    next
    want="$tmp/no/such/dir/s.json"
    run "$TESTS/guest/hello.elf" --stats json --stats-file "$want"
    status_is 4
    [ "$(wc -l < "$ERR")" = 1 ] || fail "not one line on stderr"
    grep -Eq "^space: --stats-file $want: cannot create it: .+" "$ERR" || fail "the line does not name the file"
    [ ! -s "$OUT" ] || fail "the guest ran"
}

# '-' names the standard streams: --stats-file - is standard output (no
# file named '-'), --input - standard input.
case_dash() {
    next
    (cd "$tmp" && printf 'hello\nexit 3\n' | "$SPACE" run --input - --stats json --stats-file - \
        >"$OUT" 2>"$ERR")
    STATUS=$?
    status_is 3
    stderr_empty
    [ ! -e "$tmp/-" ] || fail "a file named '-' was created"
    grep -q '^hello, world' "$OUT" || fail "the console input did not arrive from standard input"
    python3 -c 'import json,sys; t=sys.stdin.read(); json.loads(t[t.index("{"):])' <"$OUT" ||
        fail "no JSON statistics after the console output on standard output"
    "$SPACE" --version >"$OUT" || fail "--version failed"
    grep -Eq '^space [0-9.]+ \(Unicorn [0-9]+\.[0-9]+\.[0-9]+, Capstone [0-9]+\.[0-9]+\)$' "$OUT" ||
        fail "--version does not name the engines: $(cat "$OUT")"
}

declare -F "case_$CASE" >/dev/null || fail "no case '$CASE'"
"case_$CASE"
echo "stats.$CASE: passed"
