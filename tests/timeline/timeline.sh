#!/usr/bin/env bash
# timeline.sh SPACE CHECK CPUS: space run --timeline and space timeline
# (docs/instrumentation.md#timelines) on BasicOZ with CPUS CPUs running a
# few programs: the live file and the one made from the recording are
# byte-identical, so are two made from it, and check_timeline finds every
# promise of the format kept against --stats json. --from/--to cut it.
set -u
SPACE=$1 CHECK=$2 CPUS=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

printf 'hello\nhog 3 &\nspin 2\nps\n' > "$tmp/in"
timeout 120 "$SPACE" run --cpus "$CPUS" --input "$tmp/in" --max-insns 30000000 \
    --timeline "$tmp/live.json" --stats json --stats-file "$tmp/stats.json" \
    --record "$tmp/run.trc" > "$tmp/out" 2> "$tmp/err"
st=$?
[ $st -eq 0 ] || [ $st -eq 124 ] || { cat "$tmp/err"; fail "space run exited $st"; }
"$CHECK" "$tmp/live.json" "$tmp/stats.json" || fail "the live timeline is wrong"
grep -q '"name":"sh MODE 3"' "$tmp/live.json" || fail "no slice named after the shell"

timeout 120 "$SPACE" timeline "$tmp/run.trc" -o "$tmp/a.json" || fail "space timeline failed"
timeout 120 "$SPACE" timeline "$tmp/run.trc" -o "$tmp/b.json" || fail "space timeline failed"
cmp "$tmp/a.json" "$tmp/b.json" || fail "two timelines of one recording differ"
cmp "$tmp/live.json" "$tmp/a.json" || fail "the live timeline and the replayed one differ"
cp "$tmp/run.trc" "$tmp/copy.trc"
timeout 120 "$SPACE" timeline "$tmp/copy.trc" || fail "space timeline (default name) failed"
cmp "$tmp/a.json" "$tmp/copy.json" || fail "the default output differs"

timeout 120 "$SPACE" timeline "$tmp/run.trc" -o "$tmp/cut.json" --from 1000000 --to 2000000 ||
    fail "space timeline --from --to failed"
python3 - "$tmp/cut.json" <<'PY' 2>/dev/null || [ $? -ne 1 ] || fail "--from/--to left events outside"
import json, sys
for e in json.load(open(sys.argv[1]))["traceEvents"]:
    if e["ph"] != "M" and not (1000000 <= e["ts"] < 2000000):
        sys.exit(1)
    if e["ph"] == "X" and e["ts"] + e["dur"] > 2000000:
        sys.exit(1)
PY
"$SPACE" timeline "$tmp/run.trc" --from 5 --to 5 2> "$tmp/usage"
[ $? -eq 2 ] || fail "--to before --from was taken"
"$SPACE" timeline "$tmp/missing.trc" 2> /dev/null
[ $? -eq 3 ] || fail "a missing trace did not exit 3"
echo "timeline.sh $CPUS CPU(s): ok"
