#!/usr/bin/env bash
# nodes.sh SPACE NET.elf: timelines of a multicomputer
# (docs/instrumentation.md#multicomputer-timelines). Three nodes of the
# test guest, two flooding the third over a lossy, duplicating, reordering
# network: one file with a process "node K" per node; per node, slices never
# overlap and add up to its instructions and idle time in --stats json;
# every frame delivered has exactly one arrow, from its sending to its
# delivery, at least the latency later; sent, lost, cut and duplicated
# events match the network's counts. The recording gives the same events
# (tracks, frames' fates and arrows), and the same bytes twice.
set -u
SPACE=$1 NET=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
LATENCY=3000

timeout 120 "$SPACE" run "$NET" --nodes 3 --cmdline "flood 150 1000" \
    --net latency=$LATENCY,loss=0.1,dup=0.1,reorder=0.2,cut=0-2@100000,heal=0-2@200000 \
    --seed 5 --stats json --stats-file "$tmp/stats.json" --timeline "$tmp/live.json" \
    --record "$tmp/run" > "$tmp/out" 2> "$tmp/err" || { cat "$tmp/err"; fail "space run failed"; }

python3 - "$tmp/live.json" "$tmp/stats.json" $LATENCY <<'PY' || fail "the live timeline is wrong"
import json, sys
from collections import Counter, defaultdict
events = json.load(open(sys.argv[1]))["traceEvents"]
stats = json.load(open(sys.argv[2]))
latency = int(sys.argv[3])
net, nodes = stats["network"], stats["nodes"]
def bad(what):
    print("nodes.sh:", what); sys.exit(1)
for e in events:
    for key in ("ph", "name", "pid", "tid"):
        if key not in e: bad("an event without %s: %r" % (key, e))
    if e["ph"] != "M" and not isinstance(e.get("ts"), int): bad("no ts: %r" % e)
names = {e["pid"]: e["args"]["name"] for e in events if e["name"] == "process_name"}
if names != {k: "node %d" % k for k in range(len(nodes))}: bad("process names %r" % names)
slices = defaultdict(list)
for e in events:
    if e["ph"] == "X" and e["cat"] in ("run", "idle"):
        slices[e["pid"]].append(e)
for k, node in enumerate(nodes):
    s = sorted(slices[k], key=lambda e: e["ts"])
    for a, b in zip(s, s[1:]):
        if a["ts"] + a["dur"] > b["ts"]: bad("node %d: slices overlap at %d" % (k, b["ts"]))
    run = sum(e["dur"] for e in s if e["cat"] == "run")
    idle = sum(e["dur"] for e in s if e["cat"] == "idle")
    if (run, idle) != (node["instructions"], node["idle"]):
        bad("node %d: run %d idle %d, stats %d %d" % (k, run, idle, node["instructions"], node["idle"]))
frames = Counter(e["name"] for e in events if e.get("cat") == "net")
want = {"frame sent": net["sent"] - net["lost"] - net["cut"], "frame lost": net["lost"],
        "frame cut off": net["cut"], "frame duplicated": net["duplicated"],
        "frame delivered": net["delivered"]}
for name, n in want.items():
    if frames[name] != n: bad("%d %s events, the network counts %d" % (frames[name], name, n))
if not (net["lost"] and net["cut"] and net["duplicated"]): bad("no fault to see: %r" % net)
for e in events:
    if e.get("cat") == "net" and not all(k in e["args"] for k in ("src", "dst", "bytes", "seq")):
        bad("a frame event without src, dst, bytes, seq: %r" % e)
starts, ends = {}, {}
for e in events:
    if e.get("cat") == "flow" and e["name"].startswith("frame"):
        side = starts if e["ph"] == "s" else ends
        if e["id"] in side: bad("arrow %d drawn twice" % e["id"])
        side[e["id"]] = e
if len(ends) != net["delivered"]: bad("%d arrows end, %d delivered" % (len(ends), net["delivered"]))
for i, f in ends.items():
    s = starts.get(i)
    if not s: bad("arrow %d ends without a start" % i)
    if f["ts"] - s["ts"] < latency: bad("arrow %d: %d to %d, sooner than the latency" % (i, s["ts"], f["ts"]))
    if s["pid"] == f["pid"]: bad("arrow %d stays on node %d" % (i, s["pid"]))
PY

timeout 120 "$SPACE" timeline "$tmp/run" -o "$tmp/a.json" || fail "space timeline failed"
timeout 120 "$SPACE" timeline "$tmp/run" -o "$tmp/b.json" || fail "space timeline failed"
cmp "$tmp/a.json" "$tmp/b.json" || fail "two timelines of one recording differ"
timeout 120 "$SPACE" timeline "$tmp/run" || fail "space timeline (default name) failed"
cmp "$tmp/a.json" "$tmp/run.json" || fail "the default output differs"
python3 - "$tmp/live.json" "$tmp/a.json" <<'PY' || fail "the recording's timeline differs from the live run's"
import json, sys
# (the live file has the nodes' events interleaved, window by window):
# the same events, frames' fates and arrows too, in another order
def events(path):
    return sorted(json.dumps(e, sort_keys=True) for e in json.load(open(path))["traceEvents"])
live, replayed = events(sys.argv[1]), events(sys.argv[2])
net = [e for e in replayed if '"cat": "net"' in e or '"name": "frame ' in e]
if not net: print("nodes.sh: the replay draws no frames"); sys.exit(1)
if live != replayed:
    a, b = set(live), set(replayed)
    print("nodes.sh: the live and replayed timelines differ: only live %r, only replayed %r"
          % (sorted(a - b)[:3], sorted(b - a)[:3])); sys.exit(1)
PY
echo "nodes.sh: ok"
