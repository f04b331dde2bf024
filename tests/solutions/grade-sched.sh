#!/usr/bin/env bash
# grade-sched.sh SPACE PROJECTS_DIR solution KERNEL.elf
# grade-sched.sh SPACE PROJECTS_DIR reference
# Project (a)'s two graders, basicoz/projects/grade-sched.sh and
# grade-sched.spec, on a kernel. "solution": KERNEL (the MLFQ reference
# solution, tests/solutions/sched-mlfq) scores full marks on both.
# "reference": the BasicOZ built into SPACE (round robin, as shipped) passes
# every required check and fails a scored one on both.
set -u
SPACE=$1 PROJECTS=$2 MODE=$3 KERNEL=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# grade-sched.sh: 0 when every required check passed; "SCORE: P/T" last
sh "$PROJECTS/grade-sched.sh" "$SPACE" ${KERNEL:+"$KERNEL"} > "$tmp/script.out" 2>&1
status=$?
cat "$tmp/script.out"
[ "$status" = 0 ] || fail "grade-sched.sh exited $status: a required check failed"
score=$(sed -n 's/^SCORE: \([0-9]*\/[0-9]*\)$/\1/p' "$tmp/script.out")
[ -n "$score" ] || fail "grade-sched.sh printed no SCORE line"
got=${score%/*} total=${score#*/}

# the spec: 0 when every case passed, 1 when one failed; "score P/T: ..."
"$SPACE" grade "$PROJECTS/grade-sched.spec" ${KERNEL:+--kernel "$KERNEL"} --out "$tmp/res" \
    > "$tmp/spec.out" 2>&1
spec_status=$?
cat "$tmp/spec.out"
spec=$(sed -n 's/^score \([0-9]*\/[0-9]*\): .*/\1/p' "$tmp/spec.out")
[ -n "$spec" ] || fail "space grade printed no score line"
spec_got=${spec%/*} spec_total=${spec#*/}

case $MODE in
solution)
    [ "$got" = "$total" ] || fail "grade-sched.sh: the solution scored $score, expected full marks"
    [ "$spec_status" = 0 ] && [ "$spec_got" = "$spec_total" ] ||
        fail "grade-sched.spec: the solution scored $spec (status $spec_status), expected full marks"
    ;;
reference)
    [ "$got" -lt "$total" ] || fail "grade-sched.sh: round robin scored $score, expected a scored check to fail"
    grep -q '^  FAIL  interactive wait' "$tmp/script.out" ||
        fail "grade-sched.sh: round robin passed the interactive-wait check"
    [ "$spec_status" = 1 ] && [ "$spec_got" -lt "$spec_total" ] ||
        fail "grade-sched.spec: round robin scored $spec (status $spec_status), expected a failed case"
    ;;
*) fail "unknown mode '$MODE' (solution or reference)" ;;
esac
echo "grade-sched ($MODE): grade-sched.sh $score, grade-sched.spec $spec"
