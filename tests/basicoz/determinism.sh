#!/usr/bin/env bash
# determinism.sh TEST_DETERMINISM BASICOZ.elf: BasicOZ with a background job
# (timer preemption, console input interrupts, a process switch on every
# quantum, a killed program) reaches identical CPU states at every
# instruction whether it runs free, single-stepped, or stopped at
# pseudo-random points (tests/host/test_determinism.c). The script is kept
# small: the single-stepped run records a state for every instruction.
set -eu
harness=$1 elf=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'hello\ntick a 3 &\ntick b 3\ncrash\nexit 5\n' > "$dir/input"
start=$(date +%s)
"$harness" "$elf" --input "$dir/input" | tee "$dir/log"
echo "took $(($(date +%s) - start)) s"
# the shell's exit status is the guest's halt code
grep -Eq '^free run: halted with 5 after [0-9]+ instructions$' "$dir/log" ||
    { echo "FAIL: the free run did not halt with the shell's status 5"; exit 1; }
