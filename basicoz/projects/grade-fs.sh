#!/bin/sh
# grade-fs.sh - project (c), a file system on the disk (docs/projects.md).
#
#     basicoz/projects/grade-fs.sh build/space [KERNEL.elf]
#
# Needs the programs put, cat, ls, rm and fsbench (basicoz/projects/fs/)
# in the kernel. Every run starts from a fresh, all-zero 8 MiB disk image,
# which the kernel must format by itself, and some runs boot a second time
# from the image the first one left: what was written must still be there.
# Metrics: fsbench's own virtual time, writing (40 files + 200 KiB) and
# reading back after a reboot (cold caches).
set -u
. "$(dirname "$0")/grade-lib.sh"
grade_init "$@"

missing() { # the first program the kernel lacks, as a WHY
    for p in put cat ls rm fsbench; do
        need_program "$1" $p fs || return 0
    done
    grep -q ': cannot create$\|: cannot list files$\|: creating f0 failed$' "$W/$1.out" &&
        WHY="not implemented: open/flist (system calls 13-16) fail"
    return 0
}

echo "== put, cat, ls, rm in one boot"
cat >"$W/basic.in" <<'EOF'
put a hello world
put b second file
cat a
cat b
ls
put a replaced
cat a b
rm b
cat b
ls
exit
EOF
run basic --disk "$W/fs1.img" --disk-size 8M
basic_rw() { has basic "hello world" && has basic "second file" || { missing basic; return 1; }; }
check required "put then cat gives back the words" basic_rw
basic_ls() { has basic "a 12" && has basic "b 12" && has basic "2 files"; }
check required "ls lists both files with their sizes" basic_ls
basic_trunc() { has basic "replaced" && has_n basic 1 "hello world" && has basic "a 9"; }
check required "writing a file again replaces its contents" basic_trunc
basic_rm() { has basic "cat: b: cannot open" && has_n basic 1 "b 12" && has basic "1 files" && halted_ok basic; }
check required "rm removes a file (cat fails, ls no longer lists it)" basic_rm

echo "== reboot from the same disk"
printf 'cat a\nls\nexit\n' >"$W/again.in"
run again --disk "$W/fs1.img"
again_ok() { has again "replaced" && has again "a 9" && has again "1 files" && halted_ok again; }
check required "files survive a reboot" again_ok

echo "== fsbench: 40 small files and a 200 KiB file, then a reboot"
printf 'fsbench 40 200\nexit\n' >"$W/bench.in"
run bench --disk "$W/fs2.img" --disk-size 8M
T_W=$(sed -n 's/^fsbench: time \([0-9]*\) instructions$/\1/p' "$W/bench.out")
bench_ok() {
    has bench "fsbench: 40 files and 200 KiB written and read back, ok" && halted_ok bench ||
        { missing bench; [ -n "$WHY" ] || WHY=$(grep '^fsbench: ' "$W/bench.out" | head -1); return 1; }
}
check required "fsbench: create, read back, remove, re-create, big file" bench_ok
printf 'fsbench -c 40 200\nls\nexit\n' >"$W/cold.in"
run cold --disk "$W/fs2.img"
T_R=$(sed -n 's/^fsbench: time \([0-9]*\) instructions$/\1/p' "$W/cold.out")
cold_ok() {
    has cold "fsbench: 40 files and 200 KiB still there, ok" && has cold "big 204800" &&
        has cold "41 files" && halted_ok cold
}
check required "after a reboot all 41 files are intact" cold_ok

echo "== a full disk (256 KiB image, 1 MiB file)"
printf 'fsbench 10 1000\necho alive\nexit\n' >"$W/full.in"
run full --disk "$W/fs3.img" --disk-size 256K
full_ok() {
    has full "fsbench: writing big failed" && has full alive && halted_ok full ||
        { WHY="expected 'fsbench: writing big failed', then a working shell"; return 1; }
}
check scored "a full disk makes write() fail; nothing crashes" full_ok

echo "== metrics (virtual instructions; lower is better)"
metric "fsbench 40 200 (write and read)" "${T_W:-none}"
metric "fsbench -c 40 200 after reboot (read)" "${T_R:-none}"
finish
