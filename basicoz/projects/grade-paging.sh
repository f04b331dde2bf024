#!/bin/sh
# grade-paging.sh - project (b), page replacement with the disk as backing
# store (docs/projects.md).
#
#     basicoz/projects/grade-paging.sh build/space [KERNEL.elf]
#
# Needs the program vmwork (basicoz/projects/paging/vmwork.c) in the kernel.
# Required behaviour:
#   - programs bigger than RAM run: hog 8 (8 MiB) with --mem 4M, and two
#     hog 5 at the same time, with a fresh disk (--disk) as backing store;
#   - the pages really go to the disk (the image is not all zeros after);
#   - the kernel limits itself to N frames for user pages with
#     --cmdline frames=N, and vmwork still verifies every page.
# Metrics: vmwork's virtual time with 256 and with 128 frames, and the
# kernel's own count, printed when the shell exits as
#     basicoz: paging: F faults, R pages read, W pages written
set -u
. "$(dirname "$0")/grade-lib.sh"
grade_init "$@"

HOG8="hog: 2048 pages touched, all zero-filled, verified"
HOG5="hog: 1280 pages touched, all zero-filled, verified"
VMWORK="vmwork: 1024 pages, 200000 accesses, verified, checksum e454e69c"
nonzero() { [ "$(tr -d '\000' <"$1" | head -c 1 | wc -c)" -gt 0 ]; }
why_killed() { # the kernel's kill line (today: out of frames looks like this)
    k=$(killed "$1")
    WHY="not implemented: ${2}${k:+ -- $k}"
}
blanks() { i=0; while [ $i -lt "$1" ]; do echo; i=$((i + 1)); done; }

echo "== 2 MiB program in 4 MiB of RAM (no paging needed)"
printf 'hog 2\nexit\n' >"$W/small.in"
run small --mem 4M
small_ok() { halted_ok small && has small "hog: 512 pages touched, all zero-filled, verified"; }
check required "hog 2 runs in 4 MiB" small_ok

echo "== 8 MiB program in 4 MiB of RAM, disk as backing store"
printf 'hog 8\necho after\nexit\n' >"$W/hog8.in"
run hog8 --mem 4M --disk "$W/swap1.img" --disk-size 32M
T_HOG8=
has hog8 "$HOG8" && T_HOG8=$T
hog8_ok() {
    has hog8 "$HOG8" || { why_killed hog8 "hog 8 did not finish in 4 MiB of RAM"; return 1; }
    halted_ok hog8 && has hog8 after
}
check required "hog 8 runs in 4 MiB of RAM" hog8_ok
check required "the pages went to the disk (its image is not all zeros)" nonzero "$W/swap1.img"

echo "== two 5 MiB programs at once in 4 MiB"
{ printf 'hog 5 &\nhog 5\n'; blanks 1000; echo exit; } >"$W/two.in"
run two --mem 4M --disk "$W/swap2.img" --disk-size 32M
two_ok() {
    has_n two 2 "$HOG5" || { why_killed two "two hog 5 did not both finish"; return 1; }
    halted_ok two && [ "$(grep -c 'done (status 0)$' "$W/two.out")" -eq 1 ]
}
check required "two hog 5 run side by side" two_ok

echo "== vmwork with a pool of 256 and of 128 frames"
printf 'vmwork\nexit\n' >"$W/vm.in"
cp "$W/vm.in" "$W/vm128.in"
run vm --cmdline frames=256 --disk "$W/swap3.img" --disk-size 32M
T_VM=$(sed -n 's/^vmwork: time \([0-9]*\) instructions$/\1/p' "$W/vm.out")
STATS=$(grep '^basicoz: paging: ' "$W/vm.out")
run vm128 --cmdline frames=128 --disk "$W/swap4.img" --disk-size 32M
T_VM128=$(sed -n 's/^vmwork: time \([0-9]*\) instructions$/\1/p' "$W/vm128.out")
STATS128=$(grep '^basicoz: paging: ' "$W/vm128.out")
vm_ok() {
    need_program vm vmwork paging || return 1
    has vm "$VMWORK" && has vm128 "$VMWORK" && halted_ok vm && halted_ok vm128 ||
        { why_killed vm "vmwork did not verify its pages"; return 1; }
}
check required "vmwork verifies every page with 256 and 128 frames" vm_ok
frames_ok() {
    need_program vm vmwork paging || return 1
    nonzero "$W/swap3.img" || { WHY="not implemented: frames=256 ignored (nothing was paged out)"; return 1; }
}
check required "--cmdline frames=256 bounds the pool (vmwork pages to the disk)" frames_ok
stats_ok() {
    echo "$STATS" | grep -q '^basicoz: paging: [0-9]* faults, [0-9]* pages read, [0-9]* pages written$' ||
        { WHY="not implemented: no 'basicoz: paging: ...' line when the shell exits"; return 1; }
}
check scored "the kernel reports its paging counts" stats_ok

echo "== metrics (virtual instructions; lower is better)"
metric "vmwork time, 256 frames" "${T_VM:-none}" "${STATS#basicoz: paging: }"
metric "vmwork time, 128 frames" "${T_VM128:-none}" "${STATS128#basicoz: paging: }"
metric "hog 8 in 4 MiB, whole run" "${T_HOG8:-none}"
finish
