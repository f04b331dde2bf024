#!/usr/bin/env bash
# grade-sched.sh SPACE PROJECTS_DIR solution KERNEL.elf
# grade-sched.sh SPACE PROJECTS_DIR reference
# Project (a)'s two graders, basicoz/projects/grade-sched.spec and its front
# end grade-sched.sh, on a kernel. "solution": KERNEL (the MLFQ reference
# solution, tests/solutions/sched-mlfq) passes every case of both, and a
# regrade writes the same grade.json byte for byte. "reference": the BasicOZ
# built into SPACE (round robin, as shipped, the spec's reference kernel)
# passes every required case and fails exactly the scored cases response
# and wakeup, on both, each failing check with its bound, the reference's
# value and its description. Both: the script's SCORE and METRIC lines are
# the spec's score and metrics. Skipped (77) without python3.
set -u
SPACE=$1 PROJECTS=$2 MODE=$3 KERNEL=${4:-}
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# grade-sched.sh: 0 when every required case passed; "SCORE: P/T" last
GRADE_KEEP='' sh "$PROJECTS/grade-sched.sh" "$SPACE" ${KERNEL:+"$KERNEL"} > "$tmp/script.out" 2>&1
status=$?
cat "$tmp/script.out"
[ "$status" = 0 ] || fail "grade-sched.sh exited $status: a required case failed"
score=$(sed -n 's/^SCORE: \([0-9]*\/[0-9]*\)$/\1/p' "$tmp/script.out")
[ -n "$score" ] || fail "grade-sched.sh printed no SCORE line"

# the spec: 0 when every case passed, 1 when one failed; "score P/T: ..."
grade() { # grade DIR: sets spec_status, spec (P/T)
    "$SPACE" grade "$PROJECTS/grade-sched.spec" ${KERNEL:+--kernel "$KERNEL"} --out "$1" \
        > "$tmp/spec.out" 2>&1
    spec_status=$?
    cat "$tmp/spec.out"
    spec=$(sed -n 's/^score \([0-9]*\/[0-9]*\): .*/\1/p' "$tmp/spec.out")
    [ -n "$spec" ] || fail "space grade printed no score line"
}
grade "$tmp/res"
[ "$score" = "$spec" ] || fail "grade-sched.sh scored $score, grade-sched.spec $spec"

# the script reports what the spec measured: every metric of the required
# cases, and each ref bound with the reference's value
python3 - "$tmp/res/grade.json" "$tmp/script.out" <<'EOF' || fail "grade-sched.sh's lines are not grade.json's"
import json, sys
g = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().splitlines()
want = []
for c in g["cases"]:
    if c["reference"] is None:
        want += ["METRIC: %s.%s = %s" % (c["name"], k, v) for k, v in c["metrics"].items()]
for c in g["cases"]:
    for k in c["checks"]:
        if k["ref"] is not None:
            measure, formula = k["check"].split(" <= ")
            want.append("METRIC: %s: %s = %s   (reference kernel %d; bound <= %s = %d)"
                        % (c["name"], measure, k["actual"], k["ref"], formula, k["bound"]))
got = [l for l in lines if l.startswith("METRIC: ")]
assert got == want, "\n".join(["got:"] + got + ["wanted:"] + want)
for c in g["cases"]:
    head = "  %s  %s (%s, %s/%s): %s" % ("ok  " if c["passed"] else "FAIL", c["name"],
        "required" if c["reference"] is None else "scored", c["points"], c["max_points"], c["description"])
    assert head in lines, head
EOF

case $MODE in
solution)
    [ "$spec_status" = 0 ] && [ "${spec%/*}" = "${spec#*/}" ] ||
        fail "grade-sched.spec: the solution scored $spec (status $spec_status), expected full marks"
    # a regrade (into the same directory: grade.json names its files) is
    # the same, byte for byte
    cp "$tmp/res/grade.json" "$tmp/first.json"
    grade "$tmp/res"
    cmp "$tmp/first.json" "$tmp/res/grade.json" || fail "grade.json differs on a regrade"
    ;;
reference)
    [ "$spec_status" = 1 ] || fail "grade-sched.spec: round robin exited $spec_status, expected 1"
    python3 - "$tmp/res/grade.json" "$tmp/script.out" <<'EOF' || fail "round robin did not fail exactly the scored checks, with explanations"
import json, sys
g = json.load(open(sys.argv[1]))
out = open(sys.argv[2]).read()
failed = [(c["name"], k["check"]) for c in g["cases"] for k in c["checks"] if not k["passed"]]
assert failed == [("response", "stat console.response_mean <= 0.6 * ref"),
                  ("wakeup", "stat console.wakeup_mean <= 0.1 * ref")], failed
for c in g["cases"]:
    for k in c["checks"]:
        if not k["passed"]:
            line = "          -- %s: expected %s; actual %s\n             why: %s\n" % (
                k["check"], k["expected"], k["actual"], k["description"])
            assert line in out, line
            assert "= %d (ref %d, the reference kernel on this case)" % (k["bound"], k["ref"]) in k["expected"], k
EOF
    ;;
*) fail "unknown mode '$MODE' (solution or reference)" ;;
esac
echo "grade-sched ($MODE): grade-sched.sh $score, grade-sched.spec $spec"
