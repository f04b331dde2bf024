#!/bin/sh
# grade-sched.sh - project (a), a better scheduler (docs/projects.md).
#
#     basicoz/projects/grade-sched.sh build/space [KERNEL.elf]
#
# A front end of grade-sched.spec: it runs `space grade` on that spec (the
# same cases, checks, bounds and metrics; docs/grading.md) and prints the
# result in the graders' format (grade-lib.sh): one line per case, ok or
# FAIL with the failing checks, their bounds and what they mean; the
# metrics as METRIC lines; "SCORE: points/total" (the spec's points). The
# baselines are not numbers in this file: every `ref` bound of the spec is
# measured by running the reference kernel (the BasicOZ built into SPACE,
# round robin) on the same input at grading time.
#
# Required: the cases without a `ref` bound (the workload runs correctly);
# scored: the cases judged against the reference kernel. Exit 0 when every
# required case passed, 1 otherwise, 2 on a bad command line or when
# space grade could not grade (a bad spec, an unwritable directory).
# GRADE_KEEP=1 keeps the results (traces of failing cases, console output,
# grade.json); the instruction limit is the spec's max-insns.
set -u
. "$(dirname "$0")/grade-lib.sh"
grade_init "$@"
SPEC=$(dirname "$0")/grade-sched.spec
OUT=$W/results

echo "== space grade $SPEC"
echo "   (required: the workload runs correctly; scored: bounds relative to the reference"
echo "   kernel, the BasicOZ built into space (round robin), run on the same input now)"
[ -n "$KERNEL" ] || echo "   (no KERNEL: the built-in BasicOZ is graded against itself; its scored cases fail)"
_t=
command -v timeout >/dev/null 2>&1 && _t="timeout 3600"
$_t "$SPACE" grade "$SPEC" ${KERNEL:+--kernel "$KERNEL"} --out "$OUT" >"$W/grade.out" 2>"$W/grade.err"
status=$?
case $status in
0 | 1) ;;
130) exit 130 ;;
*)
    cat "$W/grade.err" >&2
    echo "$0: space grade could not grade (status $status)" >&2
    exit 2
    ;;
esac

# grade.json (format space-grade 2, one key a line) as tab-separated
# records (a field a null leaves empty is "-": read's tabs would merge):
# C case passed points max_points has_ref error description;
# K case passed check expected actual ref bound description;
# M case label value.
awk '
function str(s) { # the JSON string value of a "key": "value" line, on one line
    sub(/^ *"[a-z_]*": "/, "", s)
    sub(/",?$/, "", s)
    gsub(/\\\\/, "\001", s)
    gsub(/\\"/, "\"", s)
    gsub(/\\[nt]/, " ", s)
    gsub(/\001/, "\\", s)
    return s
}
function val(s) { sub(/^ *"[^"]*": /, "", s); sub(/,$/, "", s); return s == "null" ? "-" : s }
function key(s) { sub(/^ *"/, "", s); sub(/".*/, "", s); return s }
function flush_case() {
    if (name != "")
        printf "C\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, passed, points, maxp, hasref, err, desc
    name = ""
}
/^    \{$/ { flush_case(); sect = ""; next }
/^      "[a-z_]*": [\[{]$/ { sect = key($0); next }
/^      "reference": null/ { hasref = 0; next }
/^      [\]}],?$/ { if (sect == "reference") hasref = 1; sect = ""; next }
sect == "" && /^      "name": / { name = str($0); hasref = 0; err = desc = "-"; next }
sect == "" && /^      "error": / { err = val($0) == "-" ? "-" : str($0); next }
sect == "" && /^      "passed": / { passed = val($0); next }
sect == "" && /^      "points": / { points = val($0); next }
sect == "" && /^      "max_points": / { maxp = val($0); next }
sect == "" && /^      "description": / { desc = val($0) == "-" ? "-" : str($0); next }
sect == "checks" && /^          "check": / { kc = str($0); next }
sect == "checks" && /^          "passed": / { kp = val($0); next }
sect == "checks" && /^          "expected": / { ke = str($0); next }
sect == "checks" && /^          "actual": / { ka = str($0); next }
sect == "checks" && /^          "description": / { kd = val($0) == "-" ? "-" : str($0); next }
sect == "checks" && /^          "ref": / { kr = val($0); next }
sect == "checks" && /^          "bound": / {
    printf "K\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, kp, kc, ke, ka, kr, val($0), kd
    next
}
sect == "metrics" && /^        "/ { printf "M\t%s\t%s\t%s\n", name, key($0), val($0); next }
END { flush_case() }
' "$OUT/grade.json" >"$W/records" || {
    echo "$0: cannot read $OUT/grade.json" >&2
    exit 2
}

TAB=$(printf '\t')
# the cases: one line each, with the failing checks under a failed one
while IFS=$TAB read -r kind c passed points maxp hasref err desc; do
    [ "$kind" = C ] || continue
    kindof=required
    [ "$hasref" = 1 ] && kindof=scored
    TOTAL=$((TOTAL + 1))
    if [ "$passed" = true ]; then
        PASS=$((PASS + 1))
        echo "  ok    $c ($kindof, $points/$maxp): $desc"
        continue
    fi
    [ "$hasref" = 1 ] || REQFAIL=$((REQFAIL + 1))
    echo "  FAIL  $c ($kindof, 0/$maxp): $desc"
    [ "$err" = - ] || echo "          -- could not run: $err"
    while IFS=$TAB read -r k kc kp check expected actual _ _ kd; do
        [ "$k" = K ] && [ "$kc" = "$c" ] && [ "$kp" = false ] || continue
        echo "          -- $check: expected $expected; actual $actual"
        [ "$kd" = - ] || echo "             why: $kd"
    done <"$W/records"
done <"$W/records"
[ -s "$W/grade.err" ] && sed 's/^/  /' "$W/grade.err"

echo "== metrics (virtual instructions or counts, lower is better)"
# the metrics of the required cases (a scored case reruns one of their
# inputs: its metrics are the same), as CASE.LABEL
awk -F "$TAB" '$1 == "C" && $6 == 0 { print $2 }' "$W/records" >"$W/required"
while IFS=$TAB read -r kind c label value; do
    [ "$kind" = M ] && grep -qx "$c" "$W/required" || continue
    [ "$value" = - ] && value=n/a
    metric "$c.$label" "$value"
done <"$W/records"
# each ref bound: the run's value, the reference kernel's, the bound
while IFS=$TAB read -r k c _ check _ actual ref bound _; do
    [ "$k" = K ] && [ "$bound" != - ] || continue
    # "MEASURE OP FORMULA": the operator is the last word that is one
    measure=$(printf '%s\n' "$check" | sed 's/^\(.*\) [<>=!]=\{0,1\} .*$/\1/')
    formula=${check#"$measure "}
    metric "$c: $measure" "$actual" "reference kernel $ref; bound $formula = $bound"
done <"$W/records"
if [ -n "${GRADE_KEEP:-}" ]; then
    echo "(results of space grade: $OUT; replay a failing case with space replay $OUT/traces/CASE.trc)"
fi
score=$(sed -n 's/^score \([0-9.]*\/[0-9.]*\): .*/\1/p' "$W/grade.out")
echo "SCORE: ${score:-0/0}"
if [ "$REQFAIL" -eq 0 ]; then exit 0; fi
echo "($REQFAIL required case(s) failed)"
exit 1
