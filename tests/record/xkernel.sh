#!/usr/bin/env bash
# space replay --kernel (docs/trace-format.md, "Another kernel"): a BasicOZ
# session recorded with the built-in kernel, replayed with (a) the same
# kernel's file: the exact replay; (b) BasicOZ built with another QUANTUM
# (other RAM, other timing, the same console): no departure, the
# statistics side by side, exit 0; (c) a kernel whose greeting differs: the
# first departing line with both texts, exit 1; (d) a guest that reads no
# input: the lines it left unread; (e) a person who left at the prompt: the
# same end as a kernel waiting for more input. And a divergence numbers its
# checkpoint as a clean replay counts them.
# usage: xkernel.sh SPACE BUILD_DIR QUANTUM_VARIANT.elf HELLO_GUEST.elf
set -u
space=$1 build=$2 qelf=$3 hello=$4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/expect.sh"
[ -f "$qelf" ] ||
    { echo "no $qelf (a prebuilt BasicOZ, or kernel.h has no QUANTUM): skipped"; exit 77; }

printf 'hello\necho one two\necho done\nexit\n' > "$dir/in"
"$space" run --input "$dir/in" --record "$dir/s.trc" --checkpoint-interval 100000 \
    > "$dir/rec.out" 2> "$dir/rec.err" || fail "recording: $(cat "$dir/rec.err")"
n=$("$space" replay -q "$dir/s.trc" 2>&1 | sed -n 's/.*: \([0-9]*\) checkpoints verified.*/\1/p')
[ "${n:-0}" -gt 3 ] || fail "expected more than 3 checkpoints, got '$n'"

# (a) the recorded kernel's own bytes: the exact replay, every checkpoint
expect 0 "^space: replay matches the recording: $n checkpoints verified" \
    "$space" replay -q --kernel "$build/basicoz/basicoz.elf" "$dir/s.trc"
grep -q 'another kernel' <<<"$out" && fail "the same kernel was compared as another: $out"

# (b) BasicOZ with a timer interrupt every 10,000 instructions, not 20,000
cp "$qelf" "$dir/q.elf"
expect 0 '^space: the new kernel matches the recording: the same console output and end$' \
    "$space" replay -q --kernel "$dir/q.elf" "$dir/s.trc"
grep -q '^space: note: .*q.elf differs from the recorded kernel image' <<<"$out" || fail "no note: $out"
[ "$(grep -c 'checkpoints are not compared' <<<"$out")" = 1 ] || fail "not said once: $out"
grep -q '^space: input: the new kernel read the 4 recorded lines, in order$' <<<"$out" ||
    fail "input: $out"
bytes=$(wc -c < "$dir/rec.out")
grep -Eq "^space: console output: the same $bytes bytes \\($(wc -l < "$dir/rec.out") lines\\)$" <<<"$out" ||
    fail "console output ($bytes bytes): $out"
grep -Eq '^space: end: recorded halted, code 0, at virtual time [0-9]+; new kernel halted, code 0, at virtual time [0-9]+$' <<<"$out" ||
    fail "end: $out"
# the table: each run's virtual time, the recorded one from the exact replay
rec_t=$("$space" replay -q "$dir/s.trc" 2>&1 | sed -n 's/.*ended at virtual time \([0-9]*\)$/\1/p')
new_t=$("$space" run --input "$dir/in" "$dir/q.elf" --stats text 2>&1 >/dev/null |
    grep -o 'at virtual time [0-9]*' | head -1 | grep -o '[0-9]*$')
grep -Eq "^  virtual_time +$rec_t +$new_t +[-+][0-9.]+%$" <<<"$out" ||
    fail "virtual_time row (recorded $rec_t, new $new_t): $out"
grep -Eq '^  instructions +[0-9]+ +[0-9]+ ' <<<"$out" || fail "instructions row: $out"
grep -Eq '^  context_switches +([0-9]+|n/a) +([0-9]+|n/a)' <<<"$out" || fail "context_switches row: $out"
# the console output is the new kernel's (-q aside)
"$space" replay --kernel "$dir/q.elf" "$dir/s.trc" > "$dir/new.out" 2> /dev/null
cmp "$dir/rec.out" "$dir/new.out" || fail "the new kernel's console output is not on stdout"

# (c) the greeting changed: "hello, world" -> "hellO, world", line 3
python3 - "$dir" <<'PY'
import sys
d = sys.argv[1]
elf = bytearray(open(d + '/q.elf', 'rb').read())
i = elf.index(b'hello, world')
elf[i + 4] = ord('O')
open(d + '/o.elf', 'wb').write(elf)
PY
col=$(( $(sed -n 3p "$dir/rec.out" | grep -bo 'o, world' | cut -d: -f1) + 1 ))
off=$(( $(head -n 2 "$dir/rec.out" | wc -c) + col - 1 ))
expect 1 "^space: console output: departs at line 3, byte $off \\(column $col\\):$" \
    "$space" replay -q --kernel "$dir/o.elf" "$dir/s.trc"
grep -Eq '^  recorded \(virtual time [0-9]+\): "hello, world\\n"$' <<<"$out" || fail "recorded text: $out"
grep -Eq '^  new      \(virtual time [0-9]+\): "hellO, world\\n"$' <<<"$out" || fail "new text: $out"
grep -q '^space: the new kernel departs from the recording: its console output$' <<<"$out" ||
    fail "verdict: $out"

# (d) a guest that prints one line and halts: no line read, another end
expect 1 '^space: input: the new kernel read 0 of the 4 recorded lines \(in order\) and never asked for line 1: it ended with 4 unread$' \
    "$space" replay -q --kernel "$hello" "$dir/s.trc"
grep -q '^space: the new kernel departs from the recording: its console output and how it ended$' <<<"$out" ||
    fail "verdict: $out"
grep -Eq '^  recorded \(virtual time [0-9]+\): "BasicOZ on SPACE' <<<"$out" || fail "line 1: $out"
# under the debugger: refused, with what to do instead
expect 2 '^space: --debug replays the recorded kernel only' \
    "$space" replay --debug --kernel "$dir/q.elf" "$dir/s.trc"

# (e) a person typed one line and left with Ctrl-C at the prompt: the new
# kernel reads it, then waits for more - the same end
python3 - "$space" "$dir/p.trc" <<'PY' || fail "the terminal session"
import os, pty, select, sys, time
space, trace = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(space, [space, 'run', '--record', trace])
seen = b''
def wait_for(text, times=1):
    global seen
    end = time.time() + 60
    while seen.count(text) < times:
        if time.time() > end:
            sys.exit('timed out waiting for %r: %r' % (text, seen[-200:]))
        if select.select([fd], [], [], 0.2)[0]:
            seen += os.read(fd, 4096)
wait_for(b'basicoz$ ')
os.write(fd, b'hello\n')
wait_for(b'basicoz$ ', 2)  # (the prompt after hello's output: the guest waits)
os.write(fd, b'\x03')
os.waitpid(pid, 0)
PY
expect 0 '^space: end: recorded interrupted at virtual time [0-9]+; new kernel waiting for more input than the recording has, at virtual time [0-9]+$' \
    "$space" replay -q --kernel "$dir/q.elf" "$dir/p.trc"
grep -q '^space: input: the new kernel read the 1 recorded line, in order; then it asked for more than the recording has$' <<<"$out" ||
    fail "input: $out"

# Checkpoint numbering: a divergence at checkpoint K says "K of N", N the
# count a clean replay of the same trace verifies; the final one is N of N.
python3 - "$dir" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
t = open(d + '/s.trc', 'rb').read()
def tamper(which, out):  # flip eax of the which-th CHECKPOINT (0: the END's)
    b = bytearray(t)
    pos, k = 16, 0
    while pos < len(b):
        ty, ln = struct.unpack_from('<II', b, pos)
        if ty == 5:
            k += 1
        if (ty == 5 and k == which) or (ty == 6 and which == 0):
            p = pos + 8 + 8  # a CHECKPOINT: time, then eax
            if ty == 6:  # END: time, how, code, reason, then the checkpoint
                rl = struct.unpack_from('<I', b, pos + 8 + 16)[0]
                p = pos + 8 + 20 + rl + 8
            b[p] ^= 1
            struct.pack_into('<I', b, pos + 8 + ln, zlib.crc32(bytes(b[pos:pos + 8 + ln])))
        pos += 12 + ln
    open(d + '/' + out, 'wb').write(b)
tamper(3, 'k3.trc')
tamper(0, 'kend.trc')
PY
expect 1 "diverged: checkpoint 3 of $n \\(virtual time 200000\\): eax " "$space" replay -q "$dir/k3.trc"
expect 1 "diverged: the final checkpoint, $n of $n \\(virtual time [0-9]+\\): eax " \
    "$space" replay -q "$dir/kend.trc"
echo "record xkernel passed"
