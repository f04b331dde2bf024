#!/usr/bin/env bash
# Interrupt determinism: the devices guest (timer ticks, disk DMA, console
# input) gives identical CPU state at every instruction whether it runs
# free, single-stepped, or stopped at random points.
set -eu
harness=$1 elf=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'first line\nsecond\n\nlast line without newline' > "$dir/input"
head -c 1048576 /dev/zero > "$dir/disk.img"
"$harness" "$elf" --input "$dir/input" --disk "$dir/disk.img" --cmdline write
