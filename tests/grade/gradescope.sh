#!/usr/bin/env bash
# gradescope.sh BUILD_DIR SOURCE_DIR WORK_DIR: the Gradescope kit
# (basicoz/projects/gradescope, docs/grading.md) on this machine. make-kit.sh
# installs space and space-cc from the build into a kit with a two-case
# spec; a fake /autograder (GRADESCOPE_ROOT) gets the reference BasicOZ tree
# as the submission; run_autograder builds it outside the source tree with
# the installed space-cc and grades it: results.json has Gradescope's fields
# only (check_grade.py), one case passes and one fails, the student's output
# names no file of the grader's, and the whole run's peak memory is far
# below Gradescope's 768 MB. A submission that does not compile gets a
# results.json with score 0 and the compiler's message.
set -u
BUILD=$1 SRC=$2 WORK=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK" || fail "cannot create $WORK"
cd "$WORK" || fail "cd $WORK"
KITSRC=$SRC/basicoz/projects/gradescope

cat > kit.spec <<'EOF'
title = kit
max-insns = 100000000
[case hello]
input = hello\nexit\n
expect-line = *hello, world
exit = 0
[case never]
input = crash\nexit\n
expect = this line is never printed
EOF
sh "$KITSRC/make-kit.sh" "$BUILD" kit.spec kit > make-kit.log 2>&1 || { cat make-kit.log; fail "make-kit.sh"; }
for f in setup.sh run_autograder build-basicoz.sh project.spec space/bin/space space/bin/space-cc; do
    [ -f "kit/$f" ] || fail "the kit has no $f"
done
sh -n kit/setup.sh && sh -n kit/run_autograder && sh -n kit/build-basicoz.sh || fail "a kit script does not parse"

grade_root() { # grade_root DIR: run_autograder on DIR/submission, peak memory in DIR/maxrss
    python3 - "$WORK/kit/run_autograder" "$1" <<'EOF'
import os, resource, subprocess, sys
env = dict(os.environ, GRADESCOPE_ROOT=sys.argv[2])
with open(os.path.join(sys.argv[2], "run.log"), "w") as log:
    rc = subprocess.call([sys.argv[1]], env=env, stdout=log, stderr=subprocess.STDOUT)
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(os.path.join(sys.argv[2], "maxrss"), "w").write(str(kb))
sys.exit(rc)
EOF
}

# the reference kernel's tree, outside SPACE's tree
mkdir -p good/submission && cp -r "$SRC/basicoz" good/submission/ || fail "copy the submission"
rm -rf good/submission/basicoz/projects
grade_root "$WORK/good" || { cat good/run.log; fail "run_autograder exited $?"; }
[ -f good/results/kernel.elf ] || { cat good/results/build.log; fail "no kernel built"; }
python3 "$SRC/tests/grade/check_grade.py" good/results --pass hello --fail never --score 1/2 ||
    { cat good/run.log; fail "results.json"; }
kb=$(cat good/maxrss)
[ "$kb" -lt $((256 * 1024)) ] || fail "run_autograder's peak memory is $kb KiB"
python3 - good/results/results.json <<'EOF' || fail "results.json's texts"
import json, sys
r = json.load(open(sys.argv[1]))
t = {x["name"]: x for x in r["tests"]}
assert "max_score" not in r and r["extra_data"]["max_score"] == 2
assert "/results/" not in t["never"]["output"] and "space replay" not in t["never"]["output"]
assert t["never"]["extra_data"]["replay"].startswith("space replay "), t["never"]["extra_data"]
EOF

# a submission that does not compile
mkdir -p bad/submission && cp -r good/submission/basicoz bad/submission/ || fail "copy"
echo 'this is not C;' >> bad/submission/basicoz/kernel/main.c
grade_root "$WORK/bad" || { cat bad/run.log; fail "run_autograder on a broken kernel exited $?"; }
python3 - bad/results/results.json <<'EOF' || fail "the broken kernel's results.json"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["score"] == 0 and r["output"].startswith("The kernel did not build:"), r
assert "main.c" in r["output"], r["output"]
EOF
echo "gradescope kit: built the submission outside the tree, graded 1/2 in $kb KiB; a broken one scores 0"
