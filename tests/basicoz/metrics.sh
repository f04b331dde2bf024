#!/usr/bin/env bash
# metrics.sh SPACE: the metrics the simulator measures on a BasicOZ console
# session (docs/instrumentation.md) against a hand computation from the
# same run's --trace (console_metrics.py), a crash's fault counted for its
# CONTEXT, and BasicOZ's own published metrics (docs/basicoz.md).
# Skipped (77) without python3.
set -u
SPACE=$1
HERE=$(dirname "$0")
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
. "$HERE/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# stat FILE PATH: a number of the --stats json report (0 for a CONTEXT the
# report leaves out)
stat() {
    python3 - "$1" "$2" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v[int(k)] if isinstance(v, list) else v.get(k, 0) if isinstance(v, dict) else 0
print(v)
PY
}

# A console session of 6 lines with a CPU-bound job in the background:
# every line waits for the shell behind spin's quantum.
printf 'spin 3 &\necho one\necho two three\nhello\nps\nexit\n' > "$tmp/in"
timeout -s KILL 60 "$SPACE" run --input "$tmp/in" --trace trap,reg,irq --trace-file "$tmp/trace" \
    --stats json --stats-file "$tmp/stats.json" > "$tmp/out" 2> "$tmp/err"
status=$?
[ "$status" = 0 ] || { cat "$tmp/out" "$tmp/err"; fail "the session ended with status $status"; }
python3 "$HERE/console_metrics.py" "$tmp/trace" > "$tmp/hand" || fail "console_metrics.py failed"
echo "--- by hand from the trace:"
cat "$tmp/hand"
[ "$(stat "$tmp/stats.json" console.lines)" = 6 ] || fail "console.lines is not the 6 input lines"
while read -r name want; do
    got=$(stat "$tmp/stats.json" "$name")
    [ "$got" = "$want" ] || fail "$name is $got in --stats, $want by hand from --trace"
done < "$tmp/hand"
switches=$(stat "$tmp/stats.json" context_switches)
lines=$(stat "$tmp/stats.json" console.lines)
traversals=$(stat "$tmp/stats.json" portal_traversals)
# every line takes the shell from spin and back; no more switches than Resumes
[ "$switches" -ge $((2 * lines)) ] && [ "$switches" -le "$traversals" ] ||
    fail "context_switches $switches: not between 2 * lines ($lines) and the traversals ($traversals)"
for f in response wakeup; do
    max=$(stat "$tmp/stats.json" console.${f}_max)
    [ "$max" -gt 0 ] || fail "console.${f}_max is 0"
done
# the response includes the wakeup: the asker must run to ask again
[ "$(stat "$tmp/stats.json" console.response_total)" -gt "$(stat "$tmp/stats.json" console.wakeup_total)" ] ||
    fail "console.response_total is not above console.wakeup_total"
# BasicOZ's own: a dispatch of a process is at least every switch to it
dispatches=$(stat "$tmp/stats.json" guest.dispatches)
[ "$dispatches" -ge "$switches" ] || fail "guest.dispatches $dispatches < context_switches $switches"
[ "$(stat "$tmp/stats.json" guest.ready_wait)" -ge "$(stat "$tmp/stats.json" guest.ready_wait_max)" ] &&
    [ "$(stat "$tmp/stats.json" guest.ready_wait_max)" -gt 0 ] || fail "guest.ready_wait(_max) implausible"

# crash: its memory fault counts for its CONTEXT (the shell's is 1; crash
# runs in the next free one), none for the kernel's
printf 'crash\nexit\n' > "$tmp/in2"
timeout -s KILL 60 "$SPACE" run --input "$tmp/in2" --stats json --stats-file "$tmp/crash.json" > "$tmp/out2" 2>&1 ||
    fail "the crash session failed"
python3 - "$tmp/crash.json" <<'PY' || fail "crash's fault is not counted for its CONTEXT"
import json, sys
s = json.load(open(sys.argv[1]))
faults = {k: c["faults"] for k, c in s["contexts"].items() if c["faults"]}
print("faults by CONTEXT:", faults)
sys.exit(not (s["memory_faults"]["total"] >= 1 and "0" not in faults and "1" not in faults
              and sum(faults.values()) == s["memory_faults"]["total"]))
PY
# time travel: after going on to 900000 and back to 500000, the metrics
# are those of a run that stopped at 500000 (machine snapshots keep them)
sdb() {
    printf '%s\nstats json\nquit\n' "$1" | timeout -s KILL 60 "$SPACE" run --debug --input "$tmp/in" > "$2" 2>&1 ||
        fail "sdb failed: $(cat "$2")"
}
sdb $'until-time 900000\ngoto 500000' "$tmp/back"
sdb $'until-time 500000' "$tmp/forward"
sdb $'until-time 900000' "$tmp/later"
python3 - "$tmp/back" "$tmp/forward" "$tmp/later" <<'PY' || fail "the metrics after goto are not those at that time"
import json, sys
def metrics(path):
    text = open(path).read()
    s = json.loads(text[text.index("\n{") + 1:text.rindex("\n}") + 2])
    return {k: s[k] for k in ("virtual_time", "context_switches", "contexts", "console", "guest")}
back, forward, later = (metrics(p) for p in sys.argv[1:])
print("after goto:", back)
sys.exit(not (back == forward and back["context_switches"] > 0 and later["context_switches"] > back["context_switches"]
              and later["console"]["lines"] > back["console"]["lines"]))
PY
echo "metrics passed"
