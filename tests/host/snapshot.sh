#!/usr/bin/env bash
# snapshot.sh HARNESS GUEST INPUT [ARGS...]: runs test_snapshot (HARNESS) on
# GUEST (an ELF, or --basicoz) with INPUT (printf %b text) as console input
# and a fresh 1 MiB disk, in a directory of its own.
set -eu
harness=$1 guest=$2 text=$3
shift 3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '%b' "$text" > "$dir/input"
head -c 1048576 /dev/zero > "$dir/disk.img"
TMPDIR=$dir "$harness" "$guest" --input "$dir/input" --disk "$dir/disk.img" "$@"
