#!/usr/bin/env bash
# The devices guest through the command line: console echo, timer, masked
# interrupts, disk round trip; persistence across two runs; a read-only
# image; bad device set-ups.
set -u
space=$1 elf=$2
dir=$(mktemp -d)
trap 'chmod -R u+w "$dir"; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect STATUS REGEX command...
    local want=$1 re=$2; shift 2
    out=$("$@" 2>&1); st=$?
    printf '%s\n' "$out"
    [ "$st" = "$want" ] || fail "exit status $st, expected $want: $*"
    printf '%s\n' "$out" | grep -Eq -- "$re" || fail "output does not match /$re/: $*"
}
printf 'hello\nWorld 42\n' > "$dir/in"

# console echo through interrupts, with and without a disk
expect 0 'HELLO' "$space" run "$elf" --input "$dir/in"
expect 0 'echoed 2 lines, 3 input interrupts' "$space" run "$elf" --input "$dir/in"
expect 0 'WORLD 42' "$space" run "$elf" < "$dir/in"
# closed standard input: end of input, not a hang
expect 0 'echoed 0 lines' "$space" run "$elf" < /dev/null

# disk: created on demand, written, then read back by a second run
expect 0 'wrote sectors 3-4 and flushed' "$space" run "$elf" --input "$dir/in" --disk "$dir/d.img" --disk-size 64K --cmdline write
[ "$(stat -c %s "$dir/d.img")" = 65536 ] || fail "image size"
[ "$(od -A n -t u1 -j 1536 -N 4 "$dir/d.img" | tr -s ' ')" = " 3 10 17 24" ] || fail "image contents"
expect 0 'sectors 3-4 read back as written' "$space" run "$elf" --input "$dir/in" --disk "$dir/d.img" --cmdline check
# the data is in the file even when the run ends by the instruction limit
rm -f "$dir/e.img"
"$space" run "$elf" --input "$dir/in" --disk "$dir/e.img" --disk-size 64K --cmdline write --max-insns 60000 > /dev/null
[ "$(od -A n -t u1 -j 1536 -N 4 "$dir/e.img" | tr -s ' ')" = " 3 10 17 24" ] || fail "data lost at the instruction limit"

# ... and when the run is interrupted (Ctrl-C) while the guest waits for a
# person to type: the blocked read is interrupted, the status is 130
rm -f "$dir/f.img"
mkfifo "$dir/fifo"
( exec 3<>"$dir/fifo"; "$space" run "$elf" --disk "$dir/f.img" --disk-size 64K --cmdline write \
      < "$dir/fifo" > "$dir/f.out" 2>&1 & echo $! > "$dir/f.pid"; wait $!; echo $? > "$dir/f.status" ) &
for _ in $(seq 100); do grep -q "disk: range and DMA errors" "$dir/f.out" 2>/dev/null && break; sleep 0.1; done
sleep 0.2
# (this simulator only: a pattern could hit other runs on the machine)
kill -INT "$(cat "$dir/f.pid")" || fail "no simulator to interrupt"
wait
cat "$dir/f.out"
[ "$(cat "$dir/f.status")" = 130 ] || fail "exit status after Ctrl-C: $(cat "$dir/f.status")"
grep -q "^space: interrupted after" "$dir/f.out" || fail "no interruption message"
[ "$(od -A n -t u1 -j 1536 -N 4 "$dir/f.img" | tr -s ' ')" = " 3 10 17 24" ] || fail "data lost on Ctrl-C"

# read-only image: writes fail with a device status, the run goes on
cp "$dir/d.img" "$dir/ro.img"
before=$(cksum < "$dir/ro.img")
expect 0 'write refused, image is read-only' "$space" run "$elf" --input "$dir/in" --disk "$dir/ro.img" --disk-readonly --cmdline write
chmod a-w "$dir/ro.img"
if [ "$(id -u)" != 0 ]; then # (root may write anyway)
    expect 0 'write refused, image is read-only' "$space" run "$elf" --input "$dir/in" --disk "$dir/ro.img" --cmdline write
fi
[ "$(cksum < "$dir/ro.img")" = "$before" ] || fail "a read-only image changed"

# bad set-ups: clear one-line errors, status 4
expect 4 "^space: $dir/none.img: no such disk image \(give --disk-size SIZE to create it\)" "$space" run "$elf" --disk "$dir/none.img"
head -c 1000 /dev/zero > "$dir/odd.img"
expect 4 "odd.img: a disk image must be a non-empty multiple of 512 bytes \(this one has 1000\)" "$space" run "$elf" --disk "$dir/odd.img"
expect 4 "^space: $dir/no/such/dir/x.img: cannot create disk image: No such file or directory$" "$space" run "$elf" --disk "$dir/no/such/dir/x.img" --disk-size 1M
expect 4 "nothere: cannot open console input script" "$space" run "$elf" --input "$dir/nothere"
expect 2 "disk-size and --disk-readonly need --disk FILE" "$space" run "$elf" --disk-size 1M
echo "devices: all checks passed"
