#!/usr/bin/env python3
"""Compares two space-bench --json files, or checks the shape of one.

    bench/compare.py OLD.json NEW.json   # per workload and variant: NEW / OLD
    bench/compare.py --check FILE.json   # exit 1 (and say why) if malformed

The ratios are of speed (OLD seconds / NEW seconds: above 1 means NEW is
faster; by wall time, then by CPU time), of cost per operation (NEW ns / OLD
ns: below 1 means cheaper; wall, then CPU) and of peak resident memory
(NEW / OLD). Differences under ~5-10% are noise on a
shared machine; compare runs made with the same SCALE.
"""
import json
import sys

RESULT_KEYS = {
    "workload": str, "variant": str, "seconds": (int, float), "spread": (int, float),
    "cpu_seconds": (int, float), "instructions": int, "guest_instructions": int,
    "mips": (int, float), "mips_cpu": (int, float), "events": int, "op": (str, type(None)),
    "ns_per_op": (int, float), "ns_per_op_cpu": (int, float), "tlb_fills": int,
    "peak_rss_kb": int,
    "vs_bare": (int, float, type(None)),
}
TARGET_KEYS = {"name": str, "value": (int, float), "value_cpu": (int, float),
               "limit": (int, float), "unit": str,
               "below": bool, "reached": bool}
LOOPS = ["alu", "mem", "sys", "switch", "tlb", "fault", "timer"]
PROGRAMS = ["boot", "spin", "grade", "record", "replay"]


def check(doc, complete=True):
    """The problems with a space-bench JSON document (empty: none);
    complete: every workload must be there (a whole suite's run)."""
    errs = []
    if doc.get("format") != "space-bench" or doc.get("version") != 1:
        errs.append("format/version: expected 'space-bench' version 1")
    for key, typ in (("scale", (int, float)), ("repeat", int), ("unicorn", str),
                     ("host", dict), ("results", list), ("ratios", dict), ("targets", list)):
        if not isinstance(doc.get(key), typ):
            errs.append(f"top-level '{key}': missing or of the wrong type")
    results = doc.get("results") or []
    for i, r in enumerate(results):
        for key, typ in RESULT_KEYS.items():
            if not isinstance(r.get(key), typ):
                errs.append(f"results[{i}].{key}: missing or of the wrong type")
        if isinstance(r.get("seconds"), (int, float)) and not r["seconds"] > 0:
            errs.append(f"results[{i}].seconds: expected > 0")
        if isinstance(r.get("peak_rss_kb"), int) and not r["peak_rss_kb"] > 0:
            errs.append(f"results[{i}].peak_rss_kb: expected > 0")
    have = {(r.get("workload"), r.get("variant")) for r in results}
    for w in LOOPS + PROGRAMS if complete else []:
        if (w, "space") not in have:
            errs.append(f"results: no '{w}' on 'space'")
    for w in ("alu", "mem", "sys", "tlb") if complete else []:
        if (w, "bare") not in have:
            errs.append(f"results: no '{w}' on 'bare'")
    for r in results:
        if r.get("variant") == "space" and r.get("workload") in ("sys", "switch", "fault", "timer"):
            if not r.get("events", 0) > 0 or not r.get("ns_per_op", 0) > 0:
                errs.append(f"{r['workload']}: expected events and ns_per_op > 0")
    for w, rs in (doc.get("ratios") or {}).items():
        if w not in LOOPS or not isinstance(rs, dict) or not all(
                k.startswith("space_vs_") and isinstance(v, (int, float)) for k, v in rs.items()):
            errs.append(f"ratios.{w}: expected space_vs_* numbers of a loop")
    for i, t in enumerate(doc.get("targets") or []):
        for key, typ in TARGET_KEYS.items():
            if not isinstance(t.get(key), typ):
                errs.append(f"targets[{i}].{key}: missing or of the wrong type")
    return errs


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def ns(v):
    return f"{v:.0f}" if v else ""


def ratio(a, b):
    return f"{a / b:6.2f}" if a and b else ""


def compare(old, new):
    o = {(r["workload"], r["variant"]): r for r in old["results"]}
    print(f"{'load':7} {'variant':12} {'old s':>8} {'new s':>8} {'speed':>6} {'cpu':>6} "
          f"{'old ns':>9} {'new ns':>9} {'cost':>6} {'cpu':>6} {'RSS':>6}")
    for r in new["results"]:
        k = (r["workload"], r["variant"])
        if k not in o:
            continue
        a = o[k]
        print(f"{k[0]:7} {k[1]:12} {a['seconds']:8.3f} {r['seconds']:8.3f} "
              f"{ratio(a['seconds'], r['seconds']):>6} "
              f"{ratio(a['cpu_seconds'], r['cpu_seconds']):>6} "
              f"{ns(a['ns_per_op']):>9} {ns(r['ns_per_op']):>9} "
              f"{ratio(r['ns_per_op'], a['ns_per_op']):>6} "
              f"{ratio(r['ns_per_op_cpu'], a['ns_per_op_cpu']):>6} "
              f"{ratio(r['peak_rss_kb'], a['peak_rss_kb']):>6}")
    if old.get("scale") != new.get("scale"):
        print(f"note: different SCALE ({old.get('scale')} and {new.get('scale')})")


def main(argv):
    if len(argv) == 3 and argv[1] == "--check":
        errs = check(load(argv[2]))
        for e in errs:
            print(f"{argv[2]}: {e}", file=sys.stderr)
        return 1 if errs else 0
    if len(argv) == 3:
        old, new = load(argv[1]), load(argv[2])
        for path, doc in ((argv[1], old), (argv[2], new)):
            errs = check(doc, complete=False)
            if errs:
                print(f"{path}: {errs[0]}", file=sys.stderr)
                return 1
        compare(old, new)
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
