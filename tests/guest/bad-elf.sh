#!/usr/bin/env bash
# bad-elf.sh KIND SPACE GOOD.elf: makes a bad kernel image of the given
# KIND from GOOD.elf in a temporary directory, runs "SPACE run" on it and
# exits with its status (its output passes through). The image is named
# KIND.elf so the message can be matched.
set -u
kind=$1 space=$2 good=$3
dir=$(mktemp -d "${TMPDIR:-/tmp}/bad-elf.XXXXXX")
trap 'rm -rf "$dir"' EXIT
f=$dir/$kind.elf
patch() { printf "$2" | dd of="$f" bs=1 seek="$1" conv=notrunc status=none; }
case "$kind" in
    empty) : >"$f" ;;
    text) printf 'this is a text file, not an ELF executable at all, honest\n' >"$f" ;;
    trunc100) head -c 100 "$good" >"$f" ;;
    trunc3000) head -c 3000 "$good" >"$f" ;;
    elf64) cp /bin/true "$f" ;;
    bigendian) cp "$good" "$f"; patch 5 '\002' ;;
    dyn) cp "$good" "$f"; patch 16 '\003' ;;
    machine) cp "$good" "$f"; patch 18 '\076' ;;
    entry) cp "$good" "$f"; patch 24 '\000\000\000\100' ;;                   # e_entry = 0x40000000
    bootpage) cp "$good" "$f"; patch 60 '\000\020\000\000\000\020\000\000' ;; # phdr 0 vaddr = paddr = 0x1000
    offset) cp "$good" "$f"; patch 64 '\020' ;;                            # phdr 0 paddr low byte = 0x10
    past4g) cp "$good" "$f"; patch 124 '\000\360\377\377' ;;              # phdr 2 (16 KiB) vaddr = 0xfffff000
    dir) mkdir "$f" ;;
    *) echo "bad-elf.sh: unknown kind '$kind'" >&2; exit 99 ;;
esac
"$space" run "$f"
