#!/usr/bin/env bash
# flush.sh SPACE SPIN_GUEST: while a run is recorded, its trace file holds
# every checkpoint taken so far, whole (docs/trace-format.md: checkpoints
# are flushed as they are written): read while the guest spins, the file
# ends exactly at a record boundary after at least 3 checkpoints, and
# `space replay` of that copy says truncated (no end record), not cut off.
# SPIN_GUEST is tests/guest/toppage.elf (--cmdline spin).
set -u
space=$1 elf=$2
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$space" run "$elf" --cmdline spin --record "$dir/t.trc" --checkpoint-interval 1000000 \
    > "$dir/out" 2>&1 &
pid=$!
for _ in $(seq 100); do
    grep -q spinning "$dir/out" && break
    sleep 0.1
done
sleep 1
# whole_records FILE: the file is whole records after the header, ending at
# EOF, with at least 3 checkpoints
whole_records() {
    python3 - "$1" <<'PY'
import struct, sys
t = open(sys.argv[1], "rb").read()
pos, cps = 16, 0
while pos + 12 <= len(t):
    ty, ln = struct.unpack_from("<II", t, pos)
    if pos + 12 + ln > len(t):
        break
    cps += ty == 5
    pos += 12 + ln
print(f"{len(t)} bytes, whole records up to byte {pos}, {cps} checkpoints")
sys.exit(0 if pos == len(t) and cps >= 3 else 1)
PY
}
# (up to three copies: one taken during the very write of a record may
# see part of it)
ok=
for _ in 1 2 3; do
    cp "$dir/t.trc" "$dir/copy.trc"
    whole_records "$dir/copy.trc" && { ok=1; break; }
    sleep 0.2
done
kill -INT "$pid"
wait "$pid"
pid=
[ -n "$ok" ] || fail "the trace read during the run is not whole records"
out=$("$space" replay -q "$dir/copy.trc" 2>&1)
st=$?
printf '%s\n' "$out"
[ "$st" = 3 ] || fail "replay of the copy: exit status $st, expected 3"
printf '%s\n' "$out" | grep -q "truncated: the trace has no end record" ||
    fail "replay of the copy does not say it has no end record"
echo "record flush passed"
