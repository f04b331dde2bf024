#!/usr/bin/env bash
# toppage.sh SPACE TOPPAGE_ELF CASE: code in the last page of the address
# space ends the documented way, within seconds.
#  spin  toppage.elf spinning at 0xfffffff0 is stopped by --max-insns
#        (exit 124) and by Ctrl-C (SIGINT: exit 130)
#  boot  an ELF whose only segment is the page 0xfffff000 (ending at 2^32)
#        loads; spinning at its entry 0xfffffff0 stops at --max-insns; and
#        code running off its last byte wraps to page 0, which is not
#        mapped: a machine stop (exit 125), no portals yet
set -u
space=$1 elf=$2 case=$3
fail() { echo "toppage.sh: $*" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/toppage.XXXXXX")
trap 'rm -rf "$dir"' EXIT

# expect STATUS REGEX COMMAND...: bounded by a 20 s timeout
expect() {
    local want=$1 re=$2 out status
    shift 2
    out=$(timeout 20 "$@" 2>&1)
    status=$?
    printf '%s\n' "$out"
    [ "$status" = "$want" ] || fail "$*: exit status $status, expected $want"
    printf '%s\n' "$out" | grep -Eq -- "$re" || fail "$*: output does not match /$re/"
}

# top_elf FILE CODE_HEX: one PT_LOAD segment, virtual 0xfffff000 (physical
# 0x100000), 4 KiB RWX, entry 0xfffffff0, CODE_HEX at the entry.
top_elf() {
    python3 - "$1" "$2" <<'PY'
import struct, sys
code = bytes.fromhex(sys.argv[2])
eh = b"\x7fELF\x01\x01\x01" + bytes(9) + struct.pack("<HHIIIIIHHHHHH",
    2, 3, 1, 0xfffffff0, 52, 0, 0, 52, 32, 1, 40, 0, 0)
ph = struct.pack("<IIIIIIII", 1, 0x1000, 0xfffff000, 0x100000, 0x1000, 0x1000, 7, 0x1000)
page = bytearray(4096)
page[0xff0:0xff0 + len(code)] = code
open(sys.argv[1], "wb").write((eh + ph).ljust(0x1000, b"\0") + page)
PY
}

case "$case" in
spin)
    expect 124 "^space: instruction limit reached: 200000 instructions, CONTEXT 0 MODE 0 pc 0xfffffff0" \
        "$space" run "$elf" --cmdline spin --max-insns 200000
    log=$dir/log
    "$space" run "$elf" --cmdline spin >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do
        grep -q spinning "$log" && break
        sleep 0.1
    done
    sleep 0.3
    kill -INT "$pid"
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"
        fail "Ctrl-C did not stop the run within 10 s"
    fi
    wait "$pid"
    status=$?
    cat "$log"
    [ "$status" = 130 ] || fail "Ctrl-C: exit status $status, expected 130"
    ;;
boot)
    command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
    top_elf "$dir/spin.elf" ebfe # jmp .
    expect 124 "^space: instruction limit reached: 100000 instructions, CONTEXT 0 MODE 0 pc 0xfffffff0" \
        "$space" run "$dir/spin.elf" --max-insns 100000
    top_elf "$dir/runoff.elf" "$(printf '40%.0s' $(seq 16))" # 16 x inc %eax, to the last byte
    expect 125 "^space: machine stop after 16 instructions: .*" \
        "$space" run "$dir/runoff.elf" --max-insns 100000
    ;;
*) fail "unknown case '$case'" ;;
esac
echo "toppage $case passed"
