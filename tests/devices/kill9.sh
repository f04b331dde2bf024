#!/usr/bin/env bash
# kill9.sh SPACE DISKKILL_ELF DIR: SIGKILL in the middle of a run.
#  - disk: a guest writes and flushes sector after sector; killed mid-run,
#    the image keeps its size and every sector the guest saw flushed.
#  - recording: the same run recorded and killed; `space replay` must say
#    the trace is truncated (status 3), never crash.
set -u
space=$1 elf=$2 dir=$3
mkdir -p "$dir"
img="$dir/kill9.img" out="$dir/kill9.out" trc="$dir/kill9.trc"
fail() { echo "kill9: $*"; exit 1; }

# Waits until the guest said it flushed at least $1 sectors, then kills.
run_and_kill() {
  local want=$1
  shift
  rm -f "$out"
  "$space" run "$elf" --disk "$img" "$@" >"$out" 2>&1 </dev/null &
  local pid=$! waited=0
  until [ "$(grep -ac '^flushed ' "$out" 2>/dev/null)" -ge "$want" ]; do
    kill -0 "$pid" 2>/dev/null || fail "space ended before it was killed: $(tail -3 "$out")"
    sleep 0.05
    waited=$((waited + 1))
    [ "$waited" -lt 1200 ] || { kill -9 "$pid"; fail "the guest flushed too little in 60 s"; }
  done
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
}

for trial in 1 2 3; do
  rm -f "$img"
  "$space" run "$elf" --disk "$img" --disk-size 1M --max-insns 1 >/dev/null 2>&1 </dev/null
  [ "$(stat -c %s "$img")" = 1048576 ] || fail "the fresh image is not 1 MiB"
  run_and_kill $((trial * 20))
  [ "$(stat -c %s "$img")" = 1048576 ] || fail "the image changed size: $(stat -c %s "$img")"
  flushed=$(grep -a '^flushed ' "$out" | tail -1 | cut -d' ' -f2)
  python3 - "$img" "$flushed" <<'PY' || fail "trial $trial: a flushed sector was lost"
import struct, sys
img, last = sys.argv[1], int(sys.argv[2])
data = open(img, "rb").read()
for s in range(last + 1):
    want = struct.pack("<I", s ^ 0x5a5a0000) * 128
    if data[s * 512:(s + 1) * 512] != want:
        sys.exit(f"sector {s} of {last + 1} flushed is not on the image")
PY
  echo "kill9: trial $trial: killed after $((flushed + 1)) flushed sectors; all on the image"
done

rm -f "$img" "$trc"
"$space" run "$elf" --disk "$img" --disk-size 1M --max-insns 1 >/dev/null 2>&1 </dev/null
run_and_kill 10 --record "$trc"
"$space" replay -q "$trc" >"$dir/kill9.replay" 2>&1
status=$?
[ "$status" = 3 ] || fail "replay of a killed recording: status $status, not 3: $(cat "$dir/kill9.replay")"
grep -aq 'truncated' "$dir/kill9.replay" || fail "replay does not say truncated: $(cat "$dir/kill9.replay")"
echo "kill9: the killed recording: $(cat "$dir/kill9.replay")"
