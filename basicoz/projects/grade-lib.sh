# grade-lib.sh - what the BasicOZ project graders share. Sourced, not run.
#
# A grader is used as
#     grade-NAME.sh SPACE [KERNEL.elf]
# SPACE is the simulator binary (build/space); KERNEL.elf is the student's
# kernel (default: the BasicOZ built into SPACE). The grader builds nothing:
# it writes console scripts, runs `SPACE run [KERNEL] --input SCRIPT -v`,
# compares output lines exactly, prints one line per check, the metrics,
# and "SCORE: passed/total". It exits 0 when every required check passed,
# 1 otherwise, 2 on a bad command line. Everything is deterministic: the
# same kernel gives the same numbers on every host.
#
# Environment: GRADE_KEEP=1 keeps the work directory (scripts and outputs);
# GRADE_MAX_INSNS overrides the instruction limit of each run.

# grade_init "$@": checks the arguments, makes the work directory $W.
grade_init() {
    SPACE=${1:-}
    KERNEL=${2:-}
    if [ -z "$SPACE" ] || [ $# -gt 2 ] || [ ! -x "$SPACE" ]; then
        echo "usage: $0 SPACE [KERNEL.elf]   (SPACE: the space binary, e.g. build/space)" >&2
        exit 2
    fi
    if [ -n "$KERNEL" ] && [ ! -f "$KERNEL" ]; then
        echo "$0: no kernel image '$KERNEL'" >&2
        exit 2
    fi
    W=$(mktemp -d "${TMPDIR:-/tmp}/grade.XXXXXX") || exit 2
    if [ -n "${GRADE_KEEP:-}" ]; then
        echo "(work directory: $W)"
    else
        trap 'rm -rf "$W"' EXIT
    fi
    trap 'exit 130' INT TERM
    LIMIT=${GRADE_MAX_INSNS:-3000000000}
    PASS=0 TOTAL=0 REQFAIL=0 WHY=
    echo "kernel: ${KERNEL:-built into $SPACE}"
}

# run NAME [space options...]: boots with console input $W/NAME.in.
# Output in $W/NAME.out (console) and $W/NAME.err (the simulator's lines);
# sets RC (exit status) and T (virtual time at the halt, empty if the
# machine did not halt).
run() {
    _n=$1
    shift
    # A wall-clock limit too, in case a broken kernel is very slow.
    _t=
    command -v timeout >/dev/null 2>&1 && _t="timeout 600"
    $_t "$SPACE" run ${KERNEL:+"$KERNEL"} --input "$W/$_n.in" --max-insns "$LIMIT" -v "$@" \
        >"$W/$_n.out" 2>"$W/$_n.err"
    RC=$?
    T=$(sed -n 's/^space: guest halted with code [0-9]* after \([0-9]*\) instructions$/\1/p' "$W/$_n.err")
    if [ -z "$T" ]; then
        echo "  note: run '$_n' did not halt normally (status $RC):"
        grep '^space:' "$W/$_n.err" | head -3 | sed 's/^/        /'
    fi
}

# Line tests on $W/NAME.out. A line matches TEXT if it is TEXT, or the
# shell's prompt followed by TEXT (output of a background job may follow a
# prompt on the same line).
count() { awk -v t="$2" '$0 == t || $0 == "basicoz$ " t { n++ } END { print n + 0 }' "$W/$1.out"; }
has() { [ "$(count "$1" "$2")" -gt 0 ]; }
# has_n NAME N TEXT: TEXT appears exactly N times.
has_n() { [ "$(count "$1" "$3")" -eq "$2" ]; }
# halted_ok NAME: the shell exited with status 0 and the machine halted.
halted_ok() { [ -n "$T" ] && [ "$RC" -eq 0 ] && has "$1" "basicoz: init exited with status 0, halting"; }
# no_program NAME PROG: the shell could not start PROG.
no_program() { has "$1" "sh: $2: no such program"; }
# killed NAME: the first line where the kernel killed a process.
killed() { grep 'basicoz: pid [0-9]* (.*) killed' "$W/$1.out" | head -1 | sed 's/^basicoz\$ //'; }

# check required|scored "what" COMMAND...: runs COMMAND (a test); prints
# ok/FAIL and counts. A test may set WHY to explain a failure.
check() {
    _k=$1 _what=$2
    shift 2
    TOTAL=$((TOTAL + 1))
    WHY=
    if "$@"; then
        PASS=$((PASS + 1))
        echo "  ok    $_what"
    else
        [ "$_k" = required ] && REQFAIL=$((REQFAIL + 1))
        echo "  FAIL  $_what${WHY:+ -- $WHY}"
    fi
}

# A test that fails because a program from basicoz/projects/DIR is missing.
need_program() { # need_program RUN PROG DIR
    if no_program "$1" "$2"; then
        WHY="not implemented: program '$2' is not in the kernel (copy basicoz/projects/$3/$2.c into basicoz/user and add $2 to BASICOZ_PROGRAMS)"
        return 1
    fi
    return 0
}

# metric NAME VALUE [COMMENT]: one line a TA can collect with grep METRIC.
metric() { echo "METRIC: $1 = $2${3:+   ($3)}"; }

# finish: the score line; exit 0 iff no required check failed.
finish() {
    echo "SCORE: $PASS/$TOTAL"
    if [ "$REQFAIL" -eq 0 ]; then exit 0; fi
    echo "($REQFAIL required check(s) failed)"
    exit 1
}
