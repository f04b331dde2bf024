#!/usr/bin/env bash
# Record and replay (docs/trace-format.md): a BasicOZ session replays with
# the same console output and every checkpoint matching, also one
# instruction at a time; a disk run replays without its image; damaged
# traces and a changed kernel are reported precisely.
# usage: record.sh SPACE DEVICES_GUEST.elf
set -u
space=$1 devguest=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/expect.sh"

# A session: commands, a background job, a crash, exit.
printf 'hello\ntick a 4 &\ntick b 4\nps\ncrash\necho done\nexit\n' > "$dir/in"
"$space" run --input "$dir/in" --record "$dir/s.trc" --checkpoint-interval 100000 \
    > "$dir/rec.out" 2> "$dir/rec.err" || fail "recording run failed: $(cat "$dir/rec.err")"
grep -q 'hello, world' "$dir/rec.out" || fail "the recorded session did not run"
# the replay needs no input: feed it none
expect 0 '^space: replay matches the recording: [0-9]+ checkpoints verified' \
    "$space" replay "$dir/s.trc" < /dev/null
"$space" replay "$dir/s.trc" < /dev/null > "$dir/rep.out" 2> /dev/null
cmp "$dir/rec.out" "$dir/rep.out" || fail "the replay's console output differs"
n=$("$space" replay -q "$dir/s.trc" 2>&1 | sed -n 's/.*: \([0-9]*\) checkpoints verified.*/\1/p')
[ "${n:-0}" -gt 10 ] || fail "expected more than 10 checkpoints, got '$n'"
expect 0 "replay matches the recording: $n checkpoints verified" \
    env SPACE_VERIFY_CHECKPOINTS=1 "$space" replay -q --single-step "$dir/s.trc"
# the same run recorded twice gives the same trace
"$space" run --input "$dir/in" --record "$dir/s2.trc" --checkpoint-interval 100000 \
    > /dev/null 2>&1
cmp "$dir/s.trc" "$dir/s2.trc" || fail "two recordings of one run differ"

# A disk run replays from the trace alone (the image is gone).
printf 'x\n' > "$dir/din"
"$space" run "$devguest" --input "$dir/din" --disk "$dir/d.img" --disk-size 64K \
    --cmdline write > /dev/null || fail "disk write run"
expect 0 'read back as written' "$space" run "$devguest" --input "$dir/din" \
    --disk "$dir/d.img" --cmdline check --record "$dir/d.trc"
rm "$dir/d.img"
expect 0 'replay matches the recording' env SPACE_VERIFY_CHECKPOINTS=1 "$space" replay -q "$dir/d.trc"

# Damaged traces: one flipped byte, cut short, cut at a record boundary,
# another version, not a trace at all.
python3 - "$dir" <<'PY'
import struct, sys
d = sys.argv[1]
t = bytearray(open(d + '/s.trc', 'rb').read())
f = bytearray(t); f[len(t) // 2] ^= 0x40; open(d + '/flip.trc', 'wb').write(f)
open(d + '/cut.trc', 'wb').write(t[:len(t) - 7])
# walk the records; drop the last (END) one whole
pos, last = 16, 16
while pos < len(t):
    ln = struct.unpack_from('<I', t, pos + 4)[0]
    last, pos = pos, pos + 12 + ln
open(d + '/noend.trc', 'wb').write(t[:last])
v = bytearray(t); v[8] = 9; open(d + '/v9.trc', 'wb').write(v)
# a trace of format version 1 (before CONFIG recorded each device's options)
v[8] = 1; open(d + '/v1.trc', 'wb').write(v)
# and of version 2 (before frame ports recorded sequence numbers and fates)
v[8] = 2; open(d + '/v2.trc', 'wb').write(v)
# the CONFIG (type 1) or IMAGE (type 2) record twice, right after itself
pos, recs = 16, []
while pos < len(t):
    ty, ln = struct.unpack_from('<II', t, pos)
    recs.append((ty, t[pos:pos + 12 + ln]))
    pos += 12 + ln
for ty, name in ((1, 'dupconfig'), (2, 'dupimage')):
    out = bytearray(t[:16])
    for rty, raw in recs:
        out += raw + (raw if rty == ty else b'')
    open(d + '/' + name + '.trc', 'wb').write(out)
PY
expect 3 '^space: .*/flip.trc: corrupt: record [0-9]+ at byte [0-9]+ fails its checksum$' \
    "$space" replay "$dir/flip.trc"
expect 3 '^space: .*/cut.trc: truncated: record [0-9]+ at byte [0-9]+ is cut off' \
    "$space" replay "$dir/cut.trc"
expect 3 '^space: .*/noend.trc: truncated: the trace has no end record' \
    "$space" replay "$dir/noend.trc"
expect 3 'trace format version 9, but this space reads version 3' \
    "$space" replay "$dir/v9.trc"
expect 3 '^space: .*/v1.trc: trace format version 1, but this space reads version 3 only' \
    "$space" replay "$dir/v1.trc"
expect 3 '^space: .*/v2.trc: trace format version 2, but this space reads version 3 only' \
    "$space" replay "$dir/v2.trc"
# a second configuration or kernel image: corrupt, and nothing leaks (under
# LeakSanitizer a leak would make this exit 1)
expect 3 '^space: .*/dupconfig.trc: corrupt: record 2 is a second configuration record$' \
    "$space" replay "$dir/dupconfig.trc"
expect 3 '^space: .*/dupimage.trc: corrupt: record 3 is a second kernel image record$' \
    "$space" replay "$dir/dupimage.trc"
expect 3 'not a SPACE trace' "$space" replay "$dir/in"
expect 3 'cannot open trace' "$space" replay "$dir/missing.trc"
expect 2 'replay needs a trace file' "$space" replay

# A kernel with one byte changed: the note, then where its console output
# departs (tests/record/xkernel.sh has the rest of --kernel).
"$space" run --input "$dir/in" --record "$dir/k.trc" > /dev/null 2>&1
python3 - "$dir" <<'PY'
import sys
d = sys.argv[1]
t = open(d + '/k.trc', 'rb').read()
start = t.index(b'\x7fELF')
elf = bytearray(t[start:])
i = elf.index(b'hello, world')
elf[i] ^= 0x01
open(d + '/k.elf', 'wb').write(elf[:len(elf)])
PY
expect 1 '^  new      \(virtual time [0-9]+\): "iello, world\\n"$' \
    "$space" replay -q --kernel "$dir/k.elf" "$dir/k.trc"
grep -q 'differs from the recorded kernel image' <<<"$out" || fail "no note about the kernel"
# errors in a --kernel file name that file, not the recorded image
head -c 100 "$dir/k.elf" > "$dir/short.elf"
expect 3 "^space: $dir/short.elf: ELF program headers lie outside the file \(truncated or corrupt\)$" \
    "$space" replay -q --kernel "$dir/short.elf" "$dir/k.trc"
expect 3 "^space: $dir/in: file too short to be an ELF executable$" "$space" replay -q --kernel "$dir/in" "$dir/k.trc"

# A changed input script does not matter to a replay: it uses the trace.
printf 'echo other\nexit\n' > "$dir/in"
expect 0 'replay matches' "$space" replay -q "$dir/s.trc"

# Bad options.
expect 2 'needs --record' "$space" run --checkpoint-interval 5
expect 4 'cannot create the trace file' "$space" run --input "$dir/in" --record "$dir/no/such/dir/t.trc"
echo "record passed"
