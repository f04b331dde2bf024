#!/usr/bin/env bash
# grade.sh SPACE BUILD_TESTS_DIR CASE: one test of `space grade`
# (docs/grading.md). Each case writes specs into a temporary directory, runs
# space grade on BasicOZ (built into SPACE) or on test guests
# (BUILD_TESTS_DIR/guest, BUILD_TESTS_DIR/devices), checks the exit status
# and the table, and checks results.json, junit.xml and grade.json with
# check_grade.py. Skipped (77) without python3.
set -u
SPACE=$1 TESTS=$2 CASE=$3
case $SPACE in /*) ;; *) SPACE=$PWD/$SPACE ;; esac
case $TESTS in /*) ;; *) TESTS=$PWD/$TESTS ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
CHECK="$HERE/check_grade.py"
SPEC_DIR=$(cd "$HERE/../../basicoz/projects" && pwd)
TIMEOUT=${GRADE_TIMEOUT:-240}
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

. "$HERE/../lib.sh"

# grade ARGS...: runs space grade; sets OUT, ERR, STATUS.
runs=0
grade() {
    runs=$((runs + 1))
    OUT=$tmp/out$runs ERR=$tmp/err$runs
    run_space grade "$@"
}
out_has() { grep -Eq -- "$1" "$OUT" || fail "stdout has no line matching '$1'"; }
check() { python3 "$CHECK" "$@" || fail "the results are wrong (above)"; }
# py DIR 'python statements': runs them with g = grade.json, r = results.json
# and case(name) -> grade.json's case; an AssertionError fails the test.
py() {
    python3 - "$1" "$2" <<'EOF' || fail "a check of the results failed (above)"
import json, os, sys
d, code = sys.argv[1], sys.argv[2]
g = json.load(open(os.path.join(d, "grade.json"), encoding="utf-8"))
r = json.load(open(os.path.join(d, "results.json"), encoding="utf-8"))
def case(name):
    return next(c for c in g["cases"] if c["name"] == name)
def check(name, text):
    return next(k for k in case(name)["checks"] if k["check"] == text)
exec(code)
EOF
}

# One passing and one failing case on BasicOZ: all three formats, the
# failing case's trace replays, the passing case keeps none.
case_formats() {
    cat > basic.spec <<'EOF'
# one passing, one failing case
title = BasicOZ formats
max-insns = 50000000
reject = basicoz: panic

[case hello]
points = 2
input = hello\nexit\n
expect = hello, world
exit = 0

[case bye]
points = 3
visibility = after_published
input <<END
hello
exit 7
END
expect = goodbye
exit = 0
EOF
    grade basic.spec --out results/nested
    status_is 1
    stderr_empty
    out_has '^  PASS  hello +2/2 +guest halted with code 0 after [0-9]+ instructions$'
    out_has '^  FAIL  bye +0/3 +guest halted with code 7 after [0-9]+ instructions$'
    out_has 'FAIL expect = goodbye: expected the console output contains "goodbye"; actual not found$'
    out_has 'replay: space replay results/nested/traces/bye.trc$'
    out_has '^score 2/5: 1 of 2 cases passed'
    check results/nested --pass hello --fail bye --score 2/5
    [ ! -e results/nested/traces/hello.trc ] || fail "the passing case kept its trace"
    out_has 'timeline: results/nested/timelines/bye.json '
    [ ! -e results/nested/timelines/hello.json ] || fail "the passing case kept its timeline"
    "$SPACE" timeline results/nested/traces/bye.trc -o bye-replayed.json ||
        fail "space timeline of the kept trace"
    # (the same but for the process's name: the case's)
    grep -q '"name":"process_name","pid":0,"tid":0,"args":{"name":"bye"}' \
        results/nested/timelines/bye.json || fail "the timeline's process is not named after the case"
    cmp <(grep -v process_name results/nested/timelines/bye.json) \
        <(grep -v process_name bye-replayed.json) ||
        fail "the kept timeline differs from the one its trace gives"
    py results/nested '
t = {x["name"]: x for x in r["tests"]}
assert t["bye"]["visibility"] == "after_published" and "visibility" not in t["hello"]
assert t["bye"]["status"] == "failed" and t["hello"]["status"] == "passed"
assert "FAIL  exit = 0  (spec line 20)" in t["bye"]["output"], t["bye"]["output"]
assert "  | basicoz: init exited with status 7, halting" in t["bye"]["output"]
b = case("bye")
assert b["end"]["state"] == "halted" and b["end"]["exit_code"] == 7
assert b["end"]["virtual_time"] == b["stats"]["virtual_time"] > 0
assert check("bye", "exit = 0")["actual"].startswith("guest halted with code 7 after ")
assert check("bye", "reject = basicoz: panic")["passed"] and check("bye", "reject = basicoz: panic")["spec_line"] == 4
assert case("hello")["console_output"] == "results/nested/console/hello.txt"
x = t["bye"]["extra_data"]
assert x["timeline"] == "results/nested/timelines/bye.json" and x["trace"] == "results/nested/traces/bye.trc"
assert x["replay"] == "space replay results/nested/traces/bye.trc" and x["console_output"] == "results/nested/console/bye.txt"
assert "Replay this run exactly: space replay results/nested/traces/bye.trc" in x["report"]
assert t["hello"]["extra_data"]["trace"] is None and t["hello"]["extra_data"]["timeline"] is None
for w in ("timeline", "results/nested", ".trc", "replay"):
    assert w not in t["bye"]["output"], w
assert "max_score" not in r and r["extra_data"]["max_score"] == 5 and r["stdout_visibility"] == "hidden"
assert [x["number"] for x in r["tests"]] == ["1", "2"]
assert b["timeline"] == "results/nested/timelines/bye.json" and case("hello")["timeline"] is None
assert open("results/nested/console/hello.txt").read().count("hello, world") == 1
'
    "$SPACE" replay -q results/nested/traces/bye.trc 2> replay.err
    rc=$?
    cat replay.err
    [ "$rc" = 0 ] && grep -q '^space: replay matches the recording' replay.err ||
        fail "the failing case's trace does not replay (status $rc)"
}

# Every kind of check, passing and failing, with the spec's syntax: quoted
# values, heredoc input, escapes, comments, wildcards.
case_checks() {
    mkdir specs
    printf 'hello\necho a#b\necho "  two  spaces"\nexit\n' > specs/input.txt
    cat > specs/checks.spec <<'EOF'
expect = BasicOZ on SPACE   # a default check: every case has it
[case pass]
input-file = input.txt
expect = hello, world
expect = "  two  spaces"
expect = a#b
expect = a\#b
expect = hello, world\nbasicoz$ echo
expect-line = h?llo, *
expect-line = basicoz$ *
expect-line = *
reject = goodbye
reject-line = hello
reject-line = "hello, world "
lines basicoz$* == 4
lines basicoz$ echo * >= 2
lines "\" two spaces\"" == 1
lines x* != 1   # comment after a bound
stat virtual_time > 0

[case fail]
input = hello\nexit 3\n
end = halted
expect = hello,  world
expect-line = hello
expect-line = *world?
reject = hello
reject-line = hello, w*
lines *hello* < 2
lines *hello* > 2
EOF
    grade specs/checks.spec --out res
    status_is 1
    stderr_empty
    check res --pass pass --fail fail --score 1/2
    py res '
p, f = case("pass"), case("fail")
assert len(p["checks"]) == 18 and all(k["passed"] for k in p["checks"]), p["checks"]
assert p["checks"][1]["check"] == "expect = BasicOZ on SPACE"
assert check("pass", "expect = hello, world")["actual"] == "line 3: \"hello, world\""
assert check("pass", "lines basicoz$* == 4")["actual"] == "4 lines"
assert check("pass", "expect = \"  two  spaces\"")["passed"]
assert check("pass", "lines \"\\\" two spaces\\\"\" == 1")["actual"] == "1 line"
assert check("pass", "expect = \"hello, world\\nbasicoz$ echo\"")["passed"]
assert check("pass", "expect-line = h?llo, *")["expected"] == "a line matching \"h?llo, *\""
# the end holds (halted, any code), every other check of "fail" fails
assert [k["passed"] for k in f["checks"]] == [True, True] + [False] * 7, f["checks"]
assert f["checks"][0]["check"] == "end = halted"
assert check("fail", "expect-line = hello")["actual"] == "no line matches"
assert check("fail", "reject = hello")["actual"] == "line 2: \"basicoz$ hello\""
assert check("fail", "lines *hello* < 2")["actual"] == "2 lines"
assert f["end"]["exit_code"] == 3
'
}

# Statistics bounds: every kind of name, passing and failing; the actual
# values are those of the case's statistics (check_grade.py compares).
case_stats() {
    cat > stats.spec <<'EOF'
input = hello\ncrash\nexit\n
[case within]
stat instructions > 0
stat virtual_time >= 1
stat cpus[0].by_mode[3] > 0
stat cpus.0.by_mode.1 == 0
stat cpus[0].by_context[0] > 0
stat cpus[0].by_context_mode[0][3] == 0
stat cpus[0].idle >= 0
stat traps.by_number.14.count == 1
stat traps.by_number.200.count == 0
stat memory_faults.total == 1
stat memory_faults.write >= 0
stat portal_traversals > 0
stat operations.total > 100
stat operations.by_kind.MAP_MEMORY > 100
stat operations.by_kind.HALT == 1
stat mapping_changes > 0
stat tlb.hits > 0
stat tlb.by_context.0.misses > 0
stat devices[0].register_writes > 0
stat devices[1].interrupts_raised > 0
stat interrupts_delivered > 0
stat register_reads > 0
stat dma_bytes == 0
stat engine.blocks_learned > 0
[case beyond]
stat instructions < 1000
stat traps.total == 0
stat memory_faults.total != 1
stat cpus[0].by_mode[3] <= 0
stat operations.by_kind.HALT > 1
stat devices[9].dma_bytes == 0
EOF
    grade stats.spec --out res
    status_is 1
    check res --pass within --fail beyond --score 1/2
    py res '
b = case("beyond")
assert [k["passed"] for k in b["checks"]] == [True] + [False] * 6, b["checks"]
assert "no such CPU or device" in check("beyond", "stat devices[9].dma_bytes == 0")["actual"]
w = case("within")
assert check("within", "stat traps.by_number.14.count == 1")["actual"] == "1"
assert check("within", "stat instructions > 0")["actual"] == str(w["stats"]["instructions"])
'
}

# How a run ends: the instruction limit, a machine stop, a kernel that is
# missing or not an ELF (the submission under --kernel), disk images, and
# console output that is not text.
case_ends() {
    G=$TESTS/guest D=$TESTS/devices
    head -c 1048576 /dev/zero > blank.img
    cp blank.img blank.orig
    printf 'echo a\377\001<&>"\177\303\251 ]]> \355\240\200\nexit 1\n' > weird.txt
    cat > ends.spec <<EOF
[case limit]
max-insns = 100000
end = limit
stat virtual_time == 100000
[case limit-unexpected]
max-insns = 100000
[case stop]
kernel = $G/stop.elf
cmdline = ud2
end = stopped
[case stop-unexpected]
kernel = $G/stop.elf
cmdline = ud2
[case disk-copy]
kernel = $D/dev_disk.elf
disk = blank.img
expect-line = dev_disk passed
[case disk-fresh]
kernel = $D/dev_disk.elf
disk-size = 1M
expect-line = dev_disk passed
[case disk-fails]
kernel = $D/dev_disk.elf
disk = blank.img
expect = this is not printed
[case weird]
input-file = weird.txt
exit = 0
EOF
    grade ends.spec --out res
    status_is 1
    stderr_empty
    check res --pass limit,stop,disk-copy,disk-fresh --fail limit-unexpected,stop-unexpected,disk-fails,weird --score 4/8
    out_has '^  FAIL  limit-unexpected +0/1 +instruction limit reached: 100000 instructions'
    out_has 'FAIL end = halted: expected the guest halts \(space_halt\); actual machine stop after [0-9]+ instructions: trap 6 \(INVALID_OPCODE\)'
    cmp -s blank.img blank.orig || fail "grading wrote into the spec's disk image"
    [ -f res/disks/disk-fails.img ] || fail "the failing case's disk image is not kept"
    [ ! -e res/disks/disk-copy.img ] && [ ! -e res/disks/disk-fresh.img ] ||
        fail "a passing case's disk image is kept"
    cmp -s res/disks/disk-fails.img blank.orig && fail "the kept disk image is not the one the run wrote"
    py res '
w = case("weird")
assert "\ufffd" in w["output"] and "<&>" in w["output"], w["output"]
assert case("disk-fails")["disk_image"] == "res/disks/disk-fails.img"
'
    for c in limit-unexpected stop-unexpected disk-fails weird; do
        "$SPACE" replay -q "res/traces/$c.trc" 2> replay.err
        grep -q '^space: replay matches the recording' replay.err || fail "$c does not replay: $(cat replay.err)"
    done

    # the submission is missing, or not a kernel: every case fails, results are written
    grade ends.spec --out missing --kernel "$tmp/no-such.elf" --case limit --case weird
    status_is 1
    stderr_empty
    out_has "^  FAIL  limit +0/1 +did not run$"
    out_has "no-such.elf: cannot open kernel image"
    check missing --fail limit,weird --score 0/2
    [ -z "$(ls missing/traces)" ] || fail "a case that did not run has a trace"
    echo 'not an ELF' > garbage.elf
    grade ends.spec --out garbage --kernel garbage.elf --case limit
    status_is 1
    check garbage --fail limit --score 0/1
    py garbage 'assert case("limit")["end"] is None and "garbage.elf" in case("limit")["error"]'
}

# Bad specs: one line "space: FILE:LINE: ..." and exit status 3, nothing run;
# bad command lines: exit status 2.
case_errors() {
    spec_error() { # spec_error 'TEXT' LINE 'MESSAGE REGEX'
        printf '%b' "$1" > bad.spec
        grade bad.spec --out never
        status_is 3
        [ "$(wc -l < "$ERR")" = 1 ] || fail "not one line on stderr"
        grep -Eq "^space: bad\\.spec:$2: $3" "$ERR" || fail "stderr is not 'space: bad.spec:$2: $3'"
        [ ! -s "$OUT" ] || fail "a bad spec printed a table"
        [ ! -e never ] || fail "a bad spec created the results directory"
    }
    spec_error '[case a]\ncolour = red\n' 2 "unknown key 'colour'"
    # a measure of blanks only, a tab last (found by fuzzing: the parser read
    # past the value's end)
    spec_error '\tmetric\tm = lines \t\n[case a]\n' 1 "metric: expected a pattern$"
    spec_error '[case a]\nleaderboard b = line-time \t \n' 2 "leaderboard: expected a pattern$"
    # control characters of a spec reach the terminal escaped, never raw
    spec_error '[case a]\ncol\033[2Jour = red\n' 2 "expected 'key = value', .*, not 'col\\\\e\\[2Jour = red'$"
    ! grep -q $'\033' "$ERR" || fail "an escape character reached stderr raw"
    printf 'title = t\033]0;x\007y\n[case a]\ninput = exit\\n\nexpect-line = \\tno\001\n' > ctl.spec
    grade ctl.spec --out ctl
    status_is 1
    ! grep -q $'[\001\007\t\033]' "$OUT" || fail "a control character reached stdout raw"
    out_has '^space grade ctl\.spec: t\\e\]0;x\\x07y, kernel'
    out_has 'FAIL expect-line = "\\tno\\x01": expected'
    spec_error '# c\n[case a]\nmax-insns = 12x\n' 3 "max-insns: expected a positive instruction count, not '12x'"
    spec_error '[case a]\ncpus = 33\n' 2 "cpus: expected a CPU count, 1\\.\\.32, not '33'"
    spec_error '[case a]\nseed = x\n' 2 "seed: expected a number, not 'x'"
    spec_error '[case a]\nstat instructions < lots\n' 2 "stat: expected a number"
    spec_error '[case a]\npoints = two\n' 2 "points: expected a number of points"
    spec_error '[case a]\ninput-file = missing.txt\n' 2 "input-file: cannot read 'missing.txt': No such file"
    mkdir -p sub
    printf '[case a]\ninput-file = in.txt\n' > sub/rel.spec
    grade sub/rel.spec
    status_is 3
    grep -q "^space: sub/rel.spec:2: input-file: cannot read 'in.txt' (sub/in.txt): No such file" "$ERR" ||
        fail "a relative file is not looked for next to the spec"
    spec_error 'kernel = nowhere.elf\n[case a]\n' 1 "kernel: cannot read 'nowhere.elf'"
    spec_error '[case a]\ndisk = none.img\n' 2 "disk: cannot read 'none.img'"
    spec_error '[case a]\nstat cpus[0].by_mode[4] < 1\n' 2 "stat: 'cpus\\[0\\].by_mode\\[4\\]' is not a statistic: segment 4 should be a MODE"
    spec_error '[case a]\nstat instructions ~ 1\n' 2 "stat: expected an operator"
    spec_error '[case a]\nstat nonsense > 1\n' 2 "stat: 'nonsense' is not a statistic"
    spec_error '[case a]\nexit = 0\nexit = 1\n' 3 "exit: given twice in one section \\(first at line 2\\)"
    spec_error '[case a]\nexit = 0\nend = limit\n' 3 "end: cannot be given with exit \\(line 2\\)"
    spec_error '[case a]\ninput = x\ninput-file = y\n' 3 "input-file: cannot be given with input"
    spec_error '[case a]\ntitle = late\n' 2 "title: expected before the first \\[case\\]"
    spec_error '[case a]\n[case a]\n' 2 "case 'a' is defined twice \\(first at line 1\\)"
    spec_error '[case a/b]\n' 1 "expected a case name of letters"
    spec_error '[test a]\n' 1 "expected a section '\\[case NAME\\]'"
    spec_error '[case a]\ninput = "open\n' 2 "expected a closing"
    spec_error '[case a]\nexpect = a\\qb\n' 2 "expected an escape .* not '.q'"
    spec_error '[case a]\ninput <<END\nhello\n' 2 "input <<END: expected a line 'END'"
    spec_error '[case a]\nend = crashed\n' 2 "end: expected halted, stopped or limit"
    spec_error '[case a]\nmem = 3\n' 2 "mem: expected a RAM size"
    spec_error '[case a]\nvisibility = public\n' 2 "visibility: expected hidden"
    spec_error '[case a]\nexpect\n' 2 "expect: expected 'expect = value'"
    spec_error '# only defaults\nmax-insns = 5\n' 3 "expected at least one '\\[case NAME\\]' section"
    grade no-such.spec
    status_is 3
    grep -q "^space: no-such.spec: cannot open grade spec" "$ERR" || fail "missing spec"
    for args in "" "a.spec b.spec" "--out" "x.spec --frobnicate"; do
        # shellcheck disable=SC2086 # (split on purpose)
        grade $args
        status_is 2
    done
    spec_error '[case a]\ninput-file = .\n' 2 "input-file: cannot read '.': Is a directory"
    printf '[case a]\n' > ok.spec
    grade ok.spec --case b
    status_is 2
    grep -q "^space: --case b: ok.spec has no such case" "$ERR" || fail "--case of no case"
    # the results cannot be written: exit status 4
    touch a-file
    grade ok.spec --out a-file
    status_is 4
    grep -q "^space: a-file: cannot create the directory" "$ERR" || fail "--out on a file"
}

# --keep-traces, --case, all passing (exit 0), and the usage text.
case_options() {
    cat > two.spec <<'EOF'
[case one]
input = exit\n
[case two]
input = exit 0\n
points = 0.5
EOF
    grade two.spec --out res --keep-traces
    status_is 0
    check res --kept --pass one,two --score 1.5/1.5
    grade two.spec --out only --case two
    status_is 0
    check only --pass two --score 0.5/0.5
    py only 'assert [c["name"] for c in g["cases"]] == ["two"]'
    "$SPACE" --help | grep -q '^       space grade SPEC' || fail "space --help does not show grade"
}

# Grading never removes or overwrites an input: a disk image, an input
# file or the spec where grading would write one of its files is refused
# (exit 4, one line) before anything is written.
case_inputs() {
    local D=$TESTS/devices
    mkdir -p disks input
    head -c 1048576 /dev/zero > disks/a.img
    cp disks/a.img a.orig
    cat > disk.spec <<EOF
[case a]
kernel = $D/dev_disk.elf
disk = disks/a.img
expect-line = dev_disk passed
EOF
    grade disk.spec --out .
    status_is 4
    [ "$(wc -l < "$ERR")" = 1 ] || fail "not one line on stderr"
    grep -Eq "^space: \./disks/a\.img: grading would overwrite it, but it is a case's disk image .*disks/a\.img \(choose another --out\)$" "$ERR" ||
        fail "no line naming the disk image"
    cmp -s disks/a.img a.orig || fail "the spec's disk image was changed or removed"
    [ ! -e results.json ] || fail "results were written"
    # the same image under another name (a hard link) is the same input
    ln disks/a.img linked.img
    sed 's|disks/a.img|linked.img|' disk.spec > linked.spec
    grade linked.spec --out .
    status_is 4
    grep -q "^space: \./disks/a\.img: grading would overwrite it" "$ERR" || fail "the link was not seen"
    cmp -s disks/a.img a.orig || fail "the linked disk image was changed"
    # an input file where another case's inline input would be written
    printf 'exit\n' > input/b.txt
    printf '[case a]\ninput-file = input/b.txt\n[case b]\ninput = exit 1\\n\n' > input.spec
    grade input.spec --out .
    status_is 4
    grep -q "^space: \./input/b\.txt: grading would overwrite it, but it is a case's input file" "$ERR" ||
        fail "no line naming the input file"
    [ "$(cat input/b.txt)" = exit ] || fail "the input file was overwritten"
    # the spec itself where a report goes
    cp input.spec results.json
    grade results.json --out .
    status_is 4
    grep -q "^space: \./results\.json: grading would overwrite it, but it is the spec" "$ERR" ||
        fail "no line naming the spec"
    # another results directory: graded, the image untouched
    grade disk.spec --out res
    status_is 0
    check res --pass a --score 1/1
    cmp -s disks/a.img a.orig || fail "grading into another directory changed the image"
}

# The scheduler project's spec (basicoz/projects/grade-sched.spec) on the
# BasicOZ built into space, round robin, which is also its reference kernel:
# the required cases pass; of the scored ones exactly the checks that ask
# for a fraction of the reference's value fail, each saying its bound, the
# reference's value and what to do; the leaderboard has the headline
# metrics, lowest first.
case_sched() {
    grade "$SPEC_DIR/grade-sched.spec" --out res
    status_is 1
    check res --pass unloaded,mixed,batch,turnaround --fail response,wakeup --score 4/7
    export SPEC_DIR
    out_has "^ +FAIL stat console.response_mean <= 0.6 \* ref: expected console.response_mean <= 0.6 \* ref = [0-9]+ \(ref [0-9]+, the reference kernel on this case\); actual [0-9]+$"
    py res '
import re
assert g["description"].startswith("Project (a)"), g["description"]
failed = []
for c in g["cases"]:
    assert c["description"], c["name"]
    refs = [k for k in c["checks"] if k["ref"] is not None]
    assert (c["reference"] is None) == (not refs), c["name"]
    assert c["reference"] is None or c["reference"]["kernel"] == "built-in BasicOZ", c["reference"]
    for k in refs:
        # the reference is this very kernel: the same value, and the check
        # fails exactly when its bound is a fraction of it
        assert k["ref"] == int(k["actual"]), k
        m = re.search(r"<= ([0-9.]+) \* ref$", k["check"])
        assert m and k["bound"] == int(float(m.group(1)) * k["ref"]), k
        assert k["passed"] == (float(m.group(1)) >= 1), k
        assert k["description"], k
        if not k["passed"]:
            failed.append((c["name"], k["check"]))
    assert all(k["passed"] for k in c["checks"] if k["ref"] is None), c["name"]
assert failed == [("response", "stat console.response_mean <= 0.6 * ref"),
                  ("wakeup", "stat console.wakeup_mean <= 0.1 * ref")], failed
t = {x["name"]: x for x in r["tests"]}
k = check("response", "stat console.response_mean <= 0.6 * ref")
out = t["response"]["output"]
assert out.startswith(case("response")["description"]), out
assert "expected: console.response_mean <= 0.6 * ref = %d (ref %d, the reference kernel on this case)" % (k["bound"], k["ref"]) in out, out
assert "why:      " + k["description"] in out, out
# docs/grading.md shows this failure as the example of a ref bound
block = out[out.index("  FAIL  stat console.response_mean"):out.index("        why:")]
doc = open(os.path.join(os.environ["SPEC_DIR"], "../../docs/grading.md"), encoding="utf-8").read()
assert block in doc, "docs/grading.md does not show:\n" + block
# only a case that passed posts its entries: round robin fails response
# and wakeup, so of the three only turnaround ranks
posts = [("response", "response_mean"), ("wakeup", "wakeup_mean"), ("turnaround", "turnaround")]
assert [(b["name"], b["order"]) for b in r["leaderboard"]] == [
    (label, "asc") for name, label in posts if case(name)["passed"]], r["leaderboard"]
assert [b["name"] for b in r["leaderboard"]] == ["turnaround"], r["leaderboard"]
assert r["leaderboard"][0]["value"] == case("batch")["metrics"]["turnaround"]
'
}

# The SMP project's spec (basicoz/projects/grade-smp.spec): BasicOZ as
# shipped passes every case, on one CPU, on four and under seeded jitter.
case_smp() {
    grade "$SPEC_DIR/grade-smp.spec" --out res
    status_is 0
    check res --pass one,boot4,race4,hog4,jitter1,jitter2,speedup,balance,kernel --score 12/12
    py res '
assert [(b["name"], b["order"]) for b in r["leaderboard"]] == [("time_4cpus", "asc")], r["leaderboard"]
# when the fourth job ended, on the clock of the CPU that wrote the line
# (not the sum of all clocks): after that CPU ran the work of its job,
# before its clock stopped, so at most virtual_time
s = case("speedup")["stats"]
v = r["leaderboard"][0]["value"]
assert v <= s["virtual_time"] == max(c["time"] for c in s["cpus"]), (v, s["cpus"])
assert any(max(n for x, n in c["by_context"].items() if x not in ("0", "1")) <= v <= c["time"]
           for c in s["cpus"]), (v, s["cpus"])
k = case("kernel")
assert k["metrics"]["kernel_cpu0"] == k["stats"]["cpus"][0]["by_mode"][0], k["metrics"]
assert all(c["description"] for c in g["cases"]) and g["workload_version"] == 2
'
}

# The distributed project's spec (basicoz/projects/grade-dist.spec): cases
# on a multicomputer (nodes, net); BasicOZ's rlog passes every one. Then
# what a spec with nodes may not say.
case_dist() {
    grade "$SPEC_DIR/grade-dist.spec" --out res
    status_is 0
    check res --pass calm,loss,loss2,mess,partition,minority,three --score 8/8
    py res '
c = case("partition")
assert c["stats"] is None and c["trace"] is None, c
assert c["end"]["state"] == "halted" and c["end"]["exit_code"] == 0, c["end"]
assert c["end"]["message"].startswith("node 0 of 5: guest halted with code 0"), c["end"]
out = open(c["console_output"], encoding="utf-8").read()
assert "[2] basicoz$ rlog 20" in out and "[4] basicoz$ basicoz: init exited" in out, out[:300]
assert c["metrics"]["elections"] >= 2 and c["metrics"]["agreed"] == 5, c["metrics"]
assert "leaderboard" not in r   # line counts only: no fair ranking (grade-dist.spec)
assert all(c["description"] for c in g["cases"]) and g["workload_version"] == 1
'
    spec_error() { # spec_error 'TEXT' LINE 'MESSAGE REGEX'
        printf '%b' "$1" > bad.spec
        grade bad.spec --out never
        status_is 3
        grep -Eq "^space: bad\\.spec:$2: $3" "$ERR" || fail "stderr is not 'space: bad.spec:$2: $3': $(cat "$ERR")"
    }
    spec_error '[case a]\nnodes = 0\n' 2 "nodes: expected a node count, 1\\.\\.256, not '0'"
    spec_error 'net = loss=0.1\n[case a]\n' 2 "case 'a': net needs nodes = N"
    spec_error 'nodes = 2\n[case a]\nnet = loss=2\n' 2 "case 'a': --net: loss needs a probability"
    spec_error 'nodes = 2\n[case a]\ndisk-size = 1M\n' 2 "case 'a': a case with nodes cannot have a disk"
    spec_error 'nodes = 2\n[case a]\nstat instructions > 1\n' 2 "case 'a': stat, line-time and ref checks are not available with nodes \\(yet; line 3\\)"
}

# The specs of projects (b)-(e) on the BasicOZ built into space, which lacks
# their programs and kills a program bigger than RAM: every case fails but
# paging's `small` (it needs no paging), and the report a student sees
# begins with the case's description and says why with the failing check's
# (which program to add, or that a pager must evict). Then a kernel with the
# test programs built in, as docs/projects.md tells students to add them:
# vmwork runs and publishes guest.vmwork_time from MODE 3 (projsys.h's
# publish_metric), the very time it prints, as the case's metric; what
# fails now is the project's own check, explained, and a failed case posts
# no leaderboard entry.
case_projects() {
    for p in paging:small:1/11:vmwork shm::0/9:shmping threads::0/10:tcount fs::0/7:put; do
        name=${p%%:*} rest=${p#*:}
        pass=${rest%%:*} rest=${rest#*:}
        score=${rest%%:*} prog=${rest#*:}
        grade "$SPEC_DIR/grade-$name.spec" --out "res-$name"
        status_is 1
        check "res-$name" ${pass:+--pass "$pass"} --score "$score"
        py "res-$name" "prog = '$prog'"'
assert g["workload_version"] == 1 and g["description"].startswith("Project ("), g["description"]
for c, t in zip(g["cases"], r["tests"]):
    assert c["description"], c["name"]
    assert t["output"].startswith(c["description"]), (c["name"], t["output"][:200])
    if c["passed"]:
        continue
    out = open(c["console_output"], encoding="utf-8").read()
    assert ": no such program" in out or "killed: out of memory" in out, (c["name"], out[-300:])
    # why it failed, in words the student can act on
    assert "why:      " in t["output"], (c["name"], t["output"])
    assert " " + prog + " " in t["output"] or "frame_alloc must choose a victim" in t["output"], (c["name"], t["output"])
assert "leaderboard" not in r, r.get("leaderboard")   # no test program ran: no entry
'
    done
    # every word a spec expects of a test program's line is in its source
    # (or the input it echoes)
    python3 - "$SPEC_DIR" <<'PYEND' || fail "a project spec expects a line its programs never print"
import glob, os, re, sys
d = sys.argv[1]
progs = ("shmping", "shmiso", "tcount", "tread", "tbench", "fsbench", "vmwork")
n = 0
for name in ("shm", "threads", "fs", "paging"):
    src = "".join(open(f).read() for f in glob.glob(os.path.join(d, name, "*.c")))
    src += "".join(open(f).read() for f in glob.glob(os.path.join(d, "..", "workloads", name, "*.txt")))
    spec = open(os.path.join(d, f"grade-{name}.spec")).read().splitlines()
    for line in spec:
        m = re.match(r'(?:expect-line = |lines "?)\*(\w+): (.*?)"?(?: == \d+)?$', line.strip())
        if not m or m.group(1) not in progs:
            continue
        n += 1
        missing = [w for w in re.findall(r"[A-Za-z]{3,}", m.group(2)) if w not in src]
        assert not missing, (name, line, missing)
assert n >= 12, n
PYEND
    # a kernel with the projects' test programs (docs/projects.md, How the
    # projects work), built as the Gradescope kit builds a submission
    local cc
    cc=$(dirname "$SPACE")/space-cc
    if [ ! -x "$cc" ]; then
        echo "no space-cc next to $SPACE: the kernel with the test programs is not tried"
        return
    fi
    mkdir oz
    cp -r "$SPEC_DIR/../CMakeLists.txt" "$SPEC_DIR/../kernel" "$SPEC_DIR/../user" "$SPEC_DIR/../include" \
        "$SPEC_DIR/../runtime" oz/ || fail "copy BasicOZ"
    cp "$SPEC_DIR/projsys.h" "$SPEC_DIR"/paging/*.c "$SPEC_DIR"/shm/*.c oz/user/ || fail "copy the test programs"
    sed -i 's/^set(BASICOZ_PROGRAMS \(.*\))/set(BASICOZ_PROGRAMS \1 vmwork shmping shmpong)/' oz/CMakeLists.txt
    sh "$SPEC_DIR/gradescope/build-basicoz.sh" "$cc" oz progs.elf > build.log 2>&1 ||
        { cat build.log; fail "the kernel with the test programs does not build"; }
    # the other test programs compile too (they publish their metrics alike)
    cp "$SPEC_DIR"/threads/*.c "$SPEC_DIR"/fs/*.c oz/user/
    for prog in tbench tcount tkill tread fsbench put; do
        prog=oz/user/$prog.c
        sh oz/user/build-user.sh "$(dirname "$cc")" "$prog.elf" "$prog" -Werror > build.log 2>&1 ||
            { cat build.log; fail "$prog does not compile"; }
    done
    grade "$SPEC_DIR/grade-paging.spec" --kernel progs.elf --case frames256 --case frames128 --out res-progs
    status_is 1
    check res-progs --fail frames256,frames128 --score 0/4
    py res-progs '
import re
# both cases fail (no pager writes to the disk): only a case that passed
# posts its entries, so vmwork_time_256 and _128 are not on the board
assert "leaderboard" not in r, r.get("leaderboard")
for c in g["cases"]:
    out = open(c["console_output"], encoding="utf-8").read()
    printed = int(re.search(r"vmwork: time (\d+) instructions", out).group(1))
    assert c["stats"]["guest"]["vmwork_time"] == printed == c["metrics"]["vmwork_time"], (c["name"], printed, c["metrics"])
    assert not c["passed"], c["name"]
    failed = [k["check"] for k in c["checks"] if not k["passed"]]
    assert failed == ["stat dma_bytes > 0"], failed
    assert "why:      Nothing went to the disk: read frames=N" in c["output"], c["output"]
'
    grade "$SPEC_DIR/grade-shm.spec" --kernel progs.elf --case ping1 --out res-shm-progs
    status_is 1
    py res-shm-progs '
t = r["tests"][0]
assert "why:      shm_map (system call 20) returned -1" in t["output"], t["output"]
assert "leaderboard" not in r
'
}

# Every workload of basicoz/workloads loads (a case of no name: exit status
# 2, not 3) and has a row in its README; the numbers the README quotes for
# the built-in BasicOZ are what it gives on the cheap cases.
case_workloads() {
    local W=$SPEC_DIR/../workloads n=0 w b v
    local readme=$W/README.md
    for w in "$W"/*.spec; do
        n=$((n + 1))
        runs=$((runs + 1))
        OUT=$tmp/out$runs ERR=$tmp/err$runs
        run_space bench-kernel "$w" --case NONEXISTENT
        status_is 2
        grep -q "^space: --case NONEXISTENT: no workload has such a case" "$ERR" ||
            fail "$w does not load: $(cat "$ERR")"
        v=$(sed -n 's/^version = \([0-9][0-9]*\)$/\1/p' "$w")
        [ -n "$v" ] || fail "$w has no version = N"
        b=$(basename "$w")
        grep -q "^| \[\`$b\`\]($b) | $v |" "$readme" ||
            fail "workloads/README.md has no row for $b at version $v"
    done
    [ "$n" = 7 ] || fail "expected 7 workloads, found $n"
    # quoted SPEC CASE: each metric's value on the built-in kernel appears in
    # the README's table as "CASE VALUE"
    quoted() {
        runs=$((runs + 1))
        OUT=$tmp/out$runs ERR=$tmp/err$runs
        run_space bench-kernel "$W/$1" --case "$2" --out "bench-$1"
        status_is 0
        awk -v c="$2" '$1 == c { print $2, $NF; next } NF == 2 || $2 == "(higher)" { print $1, $NF }' "$OUT" > quoted.txt
        [ -s quoted.txt ] || fail "bench-kernel $1 --case $2 printed no metric"
        while read -r m v; do
            grep -q "^| [^|]*\`$m\`[^|]*|.* $2 $v[,| ]" "$readme" ||
                fail "workloads/README.md does not quote $1's $m on $2 as $v"
        done < quoted.txt
    }
    quoted paging.spec small
    quoted smp.spec four
    quoted dist.spec calm
}

# Bounds relative to a reference kernel (hello.elf, not the built-in BasicOZ
# the cases run on), the measures, descriptions, metrics, a leaderboard,
# and grade.json byte for byte the same on a regrade.
case_refs() {
    G=$TESTS/guest
    cat > refs.spec <<EOF
title = refs
description = Bounds against a reference kernel.
version = 3
reference = $G/hello.elf
max-insns = 50000000
metric session = stat virtual_time
metric prompts = lines "basicoz\$ *" higher-better

[case longer]
description = BasicOZ's session is longer than hello's whole run.
input = hello\nexit\n
stat virtual_time >= ref
stat virtual_time > 2 * ref + 5
stat virtual_time <= 0.001 * ref
description = It must take at most a thousandth of the reference's time.
line-time "*hello, world" <= ref
line-time "*hello, world" #2 > 0
leaderboard hello_at = line-time "*hello, world"
leaderboard lines = lines "*" desc

[case ref-ends-wrong]
exit = 0
input = exit\n
stat virtual_time <= 1.5 * ref - 10

[case no-ref]
input = exit\n
lines "basicoz\$ *" == 1
leaderboard exit_at = line-time "basicoz\$ exit"
leaderboard prompts_no_ref = lines "basicoz\$ *"
EOF
    grade refs.spec --out res
    status_is 1
    check res --pass no-ref --fail longer,ref-ends-wrong
    out_has "metrics: session [0-9]+, prompts 2"
    cp res/grade.json first.json
    [ -f res/reference/console/longer.txt ] && [ -f res/reference/console/ref-ends-wrong.txt ] ||
        fail "no reference runs"
    [ ! -e res/reference/console/no-ref.txt ] || fail "a case without ref bounds ran the reference"
    py res '
import re
assert g["version"] == 2 and g["workload_version"] == 3, g["version"]
assert g["description"] == "Bounds against a reference kernel."
c = case("longer")
assert c["description"].startswith("BasicOZ"), c
assert c["reference"]["kernel"].endswith("hello.elf"), c["reference"]
ref = c["reference"]["end"]["virtual_time"]
k = check("longer", "stat virtual_time >= ref")
assert k["passed"] and k["ref"] == ref and k["bound"] == ref, k
k = check("longer", "stat virtual_time > 2 * ref + 5")
assert k["passed"] and k["bound"] == 2 * ref + 5, k
assert re.fullmatch(r"virtual_time > 2 \* ref \+ 5 = \d+ \(ref \d+, the reference kernel on this case\)", k["expected"]), k
k = check("longer", "stat virtual_time <= 0.001 * ref")
assert not k["passed"] and k["bound"] == ref // 1000, k
assert k["description"] == "It must take at most a thousandth of the reference\x27s time.", k
# hello.elf prints no "hello, world": no reference value, and the check says so
k = check("longer", "line-time *hello, world <= ref")
assert not k["passed"] and k["ref"] is None and "gave no value: 0 lines match" in k["expected"], k
k = check("longer", "line-time *hello, world #2 > 0")
assert not k["passed"] and "1 line matches" in k["actual"], k
assert c["metrics"]["session"] == c["end"]["virtual_time"] and c["metrics"]["prompts"] == 2, c["metrics"]
k = check("ref-ends-wrong", "stat virtual_time <= 1.5 * ref - 10")
assert not k["passed"] and "did not end as the case requires" in k["expected"], k
assert case("ref-ends-wrong")["reference"]["unusable"], case("ref-ends-wrong")["reference"]
assert case("no-ref")["reference"] is None
# only a case that passed posts its entries: longer failed, so hello_at
# and lines are absent; no-ref passed. A line-time is on the clock of
# virtual_time (one CPU here): the line was written before the run ended.
board = r["leaderboard"]
assert [b["name"] for b in board] == ["exit_at", "prompts_no_ref"], board
assert all(b["order"] == "desc" for b in board), board
assert 0 < board[0]["value"] <= case("no-ref")["end"]["virtual_time"], (board, case("no-ref")["end"])
assert board[1]["value"] == 1, board
t = next(t for t in r["tests"] if t["name"] == "longer")
assert t["output"].startswith("BasicOZ\x27s session is longer"), t["output"]
assert "why:      It must take at most a thousandth" in t["output"], t["output"]
assert "reference/" not in t["output"] and "Metric" not in t["output"], t["output"]
assert t["extra_data"]["metrics"]["prompts"] == 2 and t["extra_data"]["reference"]["values"], t
assert "Bounds against a reference kernel." in r["output"], r["output"]
assert r["extra_data"]["version"] == 3
'
    # a regrade writes the same grade.json, byte for byte
    grade refs.spec --out res
    status_is 1
    cmp -s first.json res/grade.json || fail "grade.json differs on a regrade"
    # the submission as its own reference: every ref bound holds
    cat > same.spec <<EOF
reference = $G/hello.elf
[case same]
kernel = $G/hello.elf
end = halted
stat virtual_time == ref
stat instructions <= 1.05 * ref
lines "hello*" == ref
EOF
    grade same.spec --out same
    status_is 0
    check same --pass same
    # --reference replaces the spec's reference: metric.elf's run is not
    # hello.elf's, so "== ref" fails against it
    grade same.spec --out sameref --reference "$G/metric.elf"
    status_is 1
    check sameref --fail same
    out_has "reference kernel of ref bounds: $G/metric.elf"
    py sameref '
c = case("same")
assert c["reference"]["kernel"] == "'"$G/metric.elf"'", c["reference"]
assert not check("same", "stat virtual_time == ref")["passed"]
'
    grade same.spec --out sameref --reference "$tmp/no-such.elf"
    status_is 2
    grep -q "^space: --reference $tmp/no-such.elf: cannot read the reference kernel: " "$ERR" ||
        fail "no one-line error for a missing --reference"
    # no --kernel and no reference: the built-in kernel bounded by itself, said once
    printf '[case self]\ninput = exit\\n\nstat virtual_time <= ref\n' > self.spec
    grade self.spec --out self
    status_is 0
    out_has "note: the kernel graded is the reference kernel, the BasicOZ built into this"
    # descriptions of several lines; a default check's goes with it into every case
    cat > desc.spec <<'EOF'
description <<END
Line one.
Line two.
END
reject = nothing here
description = Nobody prints that.
[case a]
input = exit\n
expect = nothing here
description <<END
Why it matters.
END
EOF
    grade desc.spec --out desc
    status_is 1
    check desc --fail a
    py desc '
assert g["description"] == "Line one.\nLine two.", g["description"]
assert check("a", "reject = nothing here")["description"] == "Nobody prints that."
assert "        why:      Why it matters.\nThe run: " in r["tests"][0]["output"], r["tests"][0]["output"]
'
}

# space bench-kernel: two kernels side by side as text, JSON (the same bytes
# twice) and a PNG; a kernel that fails a case is marked with the reason.
case_bench() {
    G=$TESTS/guest
    cat > w.spec <<'EOF'
title = tiny workload
version = 2
max-insns = 50000000
end = halted
metric time = stat virtual_time
metric said = lines "*" higher-better
[case one]
input = hello\nexit\n
expect = hello, world
[case two]
input = exit\n
EOF
    bench() {
        runs=$((runs + 1))
        OUT=$tmp/out$runs ERR=$tmp/err$runs
        run_space bench-kernel "$@"
    }
    bench w.spec --kernel builtin --kernel hi="$G/hello.elf" --json b.json --png b.png --out bout
    status_is 0
    out_has "^w.spec: tiny workload, version 2$"
    out_has "^  case +metric +builtin +hi$"
    out_has "^  one +time +[0-9]+ +[0-9]+ \(x0\.[0-9]+\) !$"
    out_has "^  ! hi on case one failed its checks: expect = hello, world: expected the console output contains \"hello, world\"; actual not found$"
    ! grep -q "! builtin" "$OUT" || fail "builtin marked as failing"
    head -c 8 b.png | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || fail "b.png is not a PNG"
    [ "$(wc -c < b.png)" -gt 1000 ] || fail "b.png is too small"
    python3 - b.json <<'EOF' || fail "the bench-kernel JSON is wrong"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["format"] == "space-bench-kernel" and j["version"] == 1, j
assert [k["label"] for k in j["kernels"]] == ["builtin", "hi"] and j["kernels"][0]["file"] is None
w = j["workloads"][0]
assert w["version"] == 2 and [c["name"] for c in w["cases"]] == ["one", "two"]
one = w["cases"][0]
assert [r["passed"] for r in one["runs"]] == [True, False], one["runs"]
assert "expect = hello, world" in one["runs"][1]["failure"], one["runs"]
m = {x["label"]: x for x in one["metrics"]}
assert m["said"]["better"] == "higher" and m["time"]["better"] == "lower"
assert all(isinstance(v, int) for v in m["time"]["values"]) and m["time"]["values"][0] > m["time"]["values"][1]
EOF
    cp b.json b1.json
    bench w.spec --kernel builtin --kernel hi="$G/hello.elf" --json b.json --out bout
    status_is 0
    cmp -s b.json b1.json || fail "the JSON differs on a second run"
    bench w.spec --kernel builtin --kernel hi="$G/hello.elf" --case two --out bout
    status_is 0
    ! grep -q "^  one" "$OUT" || fail "--case two ran case one"
    bench w.spec --kernel a=x --kernel a=y
    status_is 2
    bench w.spec --case nothing
    status_is 2
    bench
    status_is 2
    # the scheduler's workload runs and measures the batch's turnaround
    bench "$SPEC_DIR/../workloads/sched.spec" --case batch --out sched
    status_is 0
    out_has "^  batch +response_mean +[0-9]+$"
    out_has "^ +turnaround +[0-9]+$"
    # basicoz/workloads/README.md quotes what the built-in kernel gives
    readme="$SPEC_DIR/../workloads/README.md"
    t=$(awk '$1 == "turnaround" { print $2 }' "$OUT")
    s=$(awk '$1 == "session" { print $2 }' "$OUT")
    k=$(awk '$1 == "kernel_time" { print $2 }' "$OUT")
    grep -q "| $t |$" "$readme" || fail "workloads/README.md does not quote the turnaround $t"
    grep -q "batch $s |" "$readme" || fail "workloads/README.md does not quote the batch session $s"
    grep -q "batch $k |" "$readme" || fail "workloads/README.md does not quote the batch kernel_time $k"
    for m in response_mean wakeup_mean context_switches; do
        v=$(awk -v m=$m '$1 == m { print $2 } $2 == m { print $3 }' "$OUT")
        grep -q "batch $v |" "$readme" || fail "workloads/README.md does not quote the batch $m $v"
    done
}

"case_$CASE"
echo "grade.$CASE: passed ($runs runs of space grade)"
