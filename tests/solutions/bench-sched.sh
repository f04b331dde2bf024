#!/usr/bin/env bash
# bench-sched.sh SPACE SOURCE_DIR MLFQ.elf: project (a)'s workload on the
# shipped round robin (the BasicOZ built into SPACE) and the MLFQ solution
# with space bench-kernel, as docs/projects.md section (a) shows it:
#  - the JSON is the same, byte for byte, on a second run;
#  - every number of docs/projects.md's side-by-side table (and its ratios)
#    is the measured one, and so is every round-robin number that
#    basicoz/workloads/README.md quotes; the grade spec and script quote none;
#  - the bar chart's pixels are docs/images/bench-sched.png's;
#  - on both kernels, the unloaded and mixed cases' console metrics and
#    context switches equal a hand computation from the run's --trace
#    (tests/basicoz/console_metrics.py).
# Skipped (77) without python3.
set -u
SPACE=$1 SRC=$2 MLFQ=$3
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
WORKLOAD=$SRC/basicoz/workloads/sched.spec

bench() { # bench JSON [more options]
    local json=$1
    shift
    timeout -s KILL 300 "$SPACE" bench-kernel "$WORKLOAD" --kernel builtin --kernel "mlfq=$MLFQ" \
        --json "$json" --out "$tmp/runs" "$@" > "$tmp/bench.out" 2>&1
    local status=$?
    cat "$tmp/bench.out"
    [ "$status" = 0 ] || fail "space bench-kernel exited $status"
    ! grep -q '^  ! ' "$tmp/bench.out" || fail "a kernel failed a case's checks"
}
bench "$tmp/1.json" --png "$tmp/bench.png"
bench "$tmp/2.json"
cmp "$tmp/1.json" "$tmp/2.json" || fail "the bench-kernel JSON differs on a second run"

python3 - "$tmp/1.json" "$SRC" "$tmp/bench.png" <<'EOF' || fail "the docs do not quote what was measured (above)"
import json, os, re, struct, sys, zlib
j = json.load(open(sys.argv[1]))
src = sys.argv[2]
assert [k["label"] for k in j["kernels"]] == ["builtin", "mlfq"], j["kernels"]
measured = {}  # (case, metric) -> [round robin, mlfq]
for c in j["workloads"][0]["cases"]:
    for m in c["metrics"]:
        measured[(c["name"], m["label"])] = m["values"]

# docs/projects.md, section (a): the table under "| case | metric | round robin"
doc = open(os.path.join(src, "docs/projects.md"), encoding="utf-8").read()
a = doc[doc.index("\n## (a) "):]
a = a[:a.index("\n## ", 1)]
rows = [l for l in a.split("\n| case | metric | round robin", 1)[1].splitlines()[2:]]
rows = rows[:next(i for i, l in enumerate(rows) if not l.startswith("|"))]
quoted = {}
for l in rows:
    case, metric, rr, ml, ratio = [x.strip().strip("`") for x in l.strip("|").split("|")]
    quoted[(case, metric)] = ([int(rr), int(ml)], ratio)
assert set(quoted) == set(measured), (sorted(quoted), sorted(measured))
for k, (values, ratio) in quoted.items():
    assert values == measured[k], (k, "docs", values, "measured", measured[k])
    want = "x%.2f" % (measured[k][1] / measured[k][0])
    assert ratio == want, (k, "docs", ratio, "measured", want)
print(f"docs/projects.md: {len(quoted)} rows of (a)'s table as measured")

# basicoz/workloads/README.md: sched.spec's metrics, the built-in kernel's
# column: "case N, case N" or one N (a metric of one case)
readme = open(os.path.join(src, "basicoz/workloads/README.md"), encoding="utf-8").read()
part = readme[readme.index("## sched.spec's metrics"):]
part = part[:part.index("\n## ", 1)]   # the other workloads' tables follow
n = 0
for l in part.splitlines():
    m = re.match(r"\| `(\w+)` \| ([^|]*) \|.*\| ([^|]*) \|$", l)
    if not m or m.group(1) == "metric":
        continue
    label, cell = m.group(1), m.group(3).strip()
    pairs = re.findall(r"(\w+) (\d+)", cell) or [(c, cell) for (c, x) in measured if x == label]
    for case, v in pairs:
        assert int(v) == measured[(case, label)][0], (label, case, "README", v, "measured", measured[(case, label)][0])
        n += 1
assert n == sum(1 for k in measured), (n, len(measured))
print(f"basicoz/workloads/README.md: {n} round-robin numbers as measured")

# the grade spec and script bound by ref: they quote no measured number
for f in ("basicoz/projects/grade-sched.spec", "basicoz/projects/grade-sched.sh",
          "basicoz/workloads/sched.spec"):
    text = open(os.path.join(src, f)).read()
    for k, vs in measured.items():
        for v in vs:
            assert v < 1000 or str(v) not in text, (f, "quotes", k, v)

# the chart: the same image as docs/images/bench-sched.png (compared as
# pixels, which do not depend on zlib's version)
def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, head, idat = 8, None, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            head = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    return head, zlib.decompress(idat)
assert pixels(sys.argv[3]) == pixels(os.path.join(src, "docs/images/bench-sched.png")), \
    "docs/images/bench-sched.png is not the chart space bench-kernel draws now"
print("docs/images/bench-sched.png: the same pixels")
EOF

# by hand from the trace, on both kernels: the console metrics and the
# context switches of the unloaded and mixed cases
for kernel in builtin mlfq; do
    for c in unloaded:ref mixed:mixed; do
        case=${c%%:*} input=${c#*:}
        k=
        [ "$kernel" = mlfq ] && k=$MLFQ
        timeout -s KILL 120 "$SPACE" run ${k:+"$k"} --input "$SRC/basicoz/workloads/sched/$input.txt" \
            --max-insns 3000000000 --trace trap,reg,irq --trace-file "$tmp/trace" \
            > "$tmp/run.out" 2> "$tmp/run.err" || { cat "$tmp/run.err"; fail "$kernel: the $case run failed"; }
        python3 "$SRC/tests/basicoz/console_metrics.py" "$tmp/trace" > "$tmp/hand" ||
            fail "console_metrics.py failed"
        python3 - "$tmp/1.json" "$tmp/hand" "$kernel" "$case" <<'EOF' || fail "$kernel, $case: bench-kernel's metrics are not the trace's"
import json, sys
j = json.load(open(sys.argv[1]))
hand = dict(l.split() for l in open(sys.argv[2]))
kernel, case = sys.argv[3], sys.argv[4]
i = [k["label"] for k in j["kernels"]].index(kernel)
c = next(c for c in j["workloads"][0]["cases"] if c["name"] == case)
m = {x["label"]: x["values"][i] for x in c["metrics"]}
for label, stat in (("response_mean", "console.response_mean"), ("wakeup_mean", "console.wakeup_mean"),
                    ("context_switches", "context_switches")):
    assert m[label] == int(hand[stat]), (label, "bench-kernel", m[label], "by hand", hand[stat])
print(f"{kernel} {case}: response_mean {m['response_mean']}, wakeup_mean {m['wakeup_mean']}, "
      f"context_switches {m['context_switches']}: the same by hand from --trace")
EOF
    done
done
echo "bench-sched: passed"
