#!/usr/bin/env bash
# dev_determinism.sh HARNESS ELF CASE: runs a device test guest through
# test_determinism (free run, single-stepped, random stops: identical CPU
# state at every instruction) and checks it halted with 0.
#   plain   no options (dev_timer)
#   disk    a fresh zero 1 MiB disk image (dev_disk, dev_dmacode)
#   prio    a 64 KiB disk image and the input line "line\n" (dev_prio)
#   delay   console input without waits, after INPUT_DELAY (dev_console delay)
set -eu
harness=$1 elf=$2 case=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
case $case in
plain) args=() ;;
disk) head -c 1048576 /dev/zero > "$dir/disk.img"; args=(--disk "$dir/disk.img") ;;
prio) head -c 65536 /dev/zero > "$dir/disk.img"; printf 'line\n' > "$dir/in"
      args=(--disk "$dir/disk.img" --input "$dir/in") ;;
delay) printf 'ab\ncd\nef\ngh\n' > "$dir/in"; args=(--input "$dir/in" --cmdline delay) ;;
*) echo "unknown case $case"; exit 2 ;;
esac
"$harness" "$elf" "${args[@]}" | tee "$dir/log"
grep -q '^free run: halted with 0 after' "$dir/log" || { echo "FAIL: the guest did not halt with 0"; exit 1; }
