#!/usr/bin/env python3
"""check_stats.py STATS.json [EXPECT...] [--text REPORT.txt]

Checks a `space run --stats json` report: that it is valid JSON of format
space-stats version 1, every invariant of docs/instrumentation.md
("Statistics"), and each EXPECT, one of

    PATH=N   PATH>N   PATH>=N   PATH=STRING   PATH=null   PATH=@PATH2

where PATH (and PATH2, whose value is then the one expected) is dotted keys and list indices (cpus.0.by_mode.3,
traps.by_number.14.count, devices.1.interrupts_delivered). A key missing
under a by_number, by_context or by_context_mode object reads as 0 (those
objects list only what is non-zero); any other missing key is an error.
With --text, REPORT.txt (the same run's --stats text) must agree with the
JSON on the numbers both show. Exits 1 with one line per failure."""
import json
import re
import sys

failures = []


def fail(msg):
    failures.append(msg)


def check(cond, msg):
    if not cond:
        fail(msg)


SPARSE = ("by_number", "by_context", "by_context_mode", "contexts")


def lookup(d, path):
    cur = d
    parts = path.split(".")
    for i, p in enumerate(parts):
        if isinstance(cur, list):
            try:
                cur = cur[int(p)]
            except (ValueError, IndexError):
                raise KeyError(path)
        elif isinstance(cur, dict):
            if p in cur:
                cur = cur[p]
            elif i > 0 and parts[i - 1] in SPARSE:
                return 0
            else:
                raise KeyError(path)
        else:
            raise KeyError(path)
    return cur


def invariants(s):
    check(s.get("format") == "space-stats", "format is not space-stats")
    check(s.get("version") == 1, "version is not 1")
    state = s["state"]
    check(state in ("running", "halted", "stopped", "limit", "interrupted"), f"state {state!r}")
    if state == "halted":
        check(isinstance(s["exit_code"], int), "halted without an exit code")
    else:
        check(s["exit_code"] is None, "exit_code not null though not halted")

    # CPUs: instructions by MODE, by CONTEXT and by (CONTEXT, MODE) agree,
    # and with idle time make up each CPU's virtual time.
    cpus = s["cpus"]
    check(len(cpus) >= 1, "no CPUs")
    for i, c in enumerate(cpus):
        check(c["cpu"] == i, f"cpus[{i}].cpu is {c['cpu']}")
        n = c["instructions"]
        check(len(c["by_mode"]) == 4, f"cpu {i}: by_mode has {len(c['by_mode'])} entries")
        check(sum(c["by_mode"]) == n, f"cpu {i}: sum(by_mode) {sum(c['by_mode'])} != instructions {n}")
        byc = c["by_context"]
        check(sum(byc.values()) == n, f"cpu {i}: sum(by_context) {sum(byc.values())} != instructions {n}")
        for k, v in byc.items():
            check(0 <= int(k) < 256 and v > 0, f"cpu {i}: by_context[{k}] = {v}")
        bcm = c["by_context_mode"]
        check(sorted(bcm) == sorted(byc), f"cpu {i}: by_context_mode and by_context list other CONTEXTs")
        for k, v in bcm.items():
            check(len(v) == 4 and sum(v) == byc.get(k), f"cpu {i}: by_context_mode[{k}] {v} != by_context {byc.get(k)}")
        for m in range(4):
            col = sum(v[m] for v in bcm.values())
            check(col == c["by_mode"][m], f"cpu {i}: MODE {m}: by_context_mode sums to {col}, by_mode says {c['by_mode'][m]}")
        check(n + c["idle"] == c["time"], f"cpu {i}: instructions {n} + idle {c['idle']} != time {c['time']}")
    if len(cpus) == 1:
        check(cpus[0]["time"] == s["virtual_time"], "cpus[0].time != virtual_time")
    else:
        check(s["virtual_time"] in [c["time"] for c in cpus], "virtual_time is no CPU's time")
    check(s["instructions"] == sum(c["instructions"] for c in cpus), "instructions != sum over CPUs")
    check(s["idle"] == sum(c["idle"] for c in cpus), "idle != sum over CPUs")

    # Traps, traversals, memory faults, operations.
    traps = s["traps"]
    bn = traps["by_number"]
    check(traps["total"] == sum(t["count"] for t in bn.values()),
          f"traps.total {traps['total']} != sum(by_number)")
    for k, t in bn.items():
        check(0 <= int(k) < 256 and t["count"] > 0 and t["name"], f"traps.by_number[{k}] = {t}")
    check(bn.get("14", {}).get("name", "MEMORY_FAULT") == "MEMORY_FAULT", "trap 14 is not MEMORY_FAULT")
    untraversed = traps["total"] - s["portal_traversals"]
    check(untraversed in (0, 1), f"{untraversed} traps neither traversed nor stopped the machine")
    check(untraversed == 0 or state == "stopped", "a trap did not traverse, yet the machine did not stop")
    mf = s["memory_faults"]
    check(mf["total"] == mf["unmapped"] + mf["protection"] + mf["device"],
          "memory_faults.total != unmapped + protection + device")
    check(mf["total"] == mf["read"] + mf["write"] + mf["exec"], "memory_faults.total != read + write + exec")
    check(mf["total"] == bn.get("14", {}).get("count", 0),
          f"memory_faults.total {mf['total']} != traps 14 (MEMORY_FAULT) {bn.get('14', {}).get('count', 0)}")
    ops = s["operations"]
    check(ops["total"] == sum(ops["by_kind"].values()), "operations.total != sum(by_kind)")
    kinds = set(ops["by_kind"])
    check({"MAP_MEMORY", "RESUME", "WAIT", "TRACE"} <= kinds and
          all(k.replace("_", "").isalpha() and k.isupper() for k in kinds),
          f"operations.by_kind has unexpected kinds: {sorted(kinds)}")

    # The metrics: switches are the CPUs' and the dispatches', faults
    # those of the CONTEXTs, a mean is its total over the lines.
    ctxs = s["contexts"]
    check(s["context_switches"] == sum(c["context_switches"] for c in cpus), "context_switches != sum over CPUs")
    check(s["context_switches"] == sum(c["dispatches"] for c in ctxs.values()),
          "context_switches != sum of contexts.X.dispatches")
    check(mf["total"] == sum(c["faults"] for c in ctxs.values()), "memory_faults.total != sum of contexts.X.faults")
    for k, c in ctxs.items():
        check(0 <= int(k) < 256 and any(c.values()), f"contexts[{k}] = {c}")
        check(c["pages_mapped"] <= c["pages_mapped_max"], f"contexts[{k}]: pages_mapped > pages_mapped_max")
    con = s["console"]
    for f in ("response", "wakeup"):
        n = con["lines"]
        check(con[f + "_mean"] == (con[f + "_total"] // n if n else 0), f"console.{f}_mean is not total / lines")
        check(con[f + "_max"] <= con[f + "_total"] and (n or con[f + "_total"] == 0), f"console.{f}: max > total")
    for k, v in s["guest"].items():
        check(0 < len(k) < 32 and all(ch in "abcdefghijklmnopqrstuvwxyz0123456789_" for ch in k) and
              isinstance(v, int), f"guest[{k!r}] = {v!r}")

    # TLBs: totals are the sums over CONTEXTs.
    tlb = s["tlb"]
    for f in ("hits", "misses", "flushes", "evictions", "invalidations"):
        total = sum(c[f] for c in tlb["by_context"].values())
        check(tlb[f] == total, f"tlb.{f} {tlb[f]} != sum over CONTEXTs {total}")

    # Devices: bus totals are the sums over devices.
    # Traps follow the bus order, one each, except that a timer after the
    # first (one per CPU) shares the first timer's.
    devs = s["devices"]
    trap = 31
    delivered_by_trap = {}
    for i, d in enumerate(devs):
        trap += 0 if d["name"] == "timer" and d["unit"] > 0 else 1
        check(d["index"] == i and d["trap"] == trap, f"device {i}: index {d['index']} trap {d['trap']}")
        check(d["interrupts_delivered"] <= d["interrupts_raised"], f"device {i}: more delivered than raised")
        delivered_by_trap[trap] = delivered_by_trap.get(trap, 0) + d["interrupts_delivered"]
    for t, n in delivered_by_trap.items():
        got = bn.get(str(t), {}).get("count", 0)
        check(got >= n, f"trap {t}: {n} delivered by its devices, counted {got} times")
    for f in ("interrupts_raised", "interrupts_delivered", "register_reads", "register_writes", "dma_bytes"):
        total = sum(d[f] for d in devs)
        check(s[f] == total, f"{f} {s[f]} != sum over devices {total}")
    acc = sum(c["register_accesses"] for c in cpus)
    check(acc == s["register_reads"] + s["register_writes"],
          f"CPUs' register accesses {acc} != register reads + writes {s['register_reads'] + s['register_writes']}")
    for f in ("blocks_learned", "code_invalidations", "tlb_fills", "uc_flushes", "steps"):
        check(isinstance(s["engine"][f], int), f"engine.{f} missing")


def expectation(s, e):
    m = re.fullmatch(r"([A-Za-z0-9_.]+)(>=|>|=)(.*)", e)
    if not m:
        fail(f"bad expectation {e!r}")
        return
    path, op, want = m.groups()
    try:
        got = lookup(s, path)
    except KeyError:
        fail(f"{path}: no such key")
        return
    if want.startswith("@"):
        try:
            other = lookup(s, want[1:])
        except KeyError:
            fail(f"{want[1:]}: no such key")
            return
        check(op == "=" and got == other, f"{path} is {got!r}, {want[1:]} is {other!r}")
    elif want == "null":
        check(got is None, f"{path} is {got!r}, expected null")
    elif re.fullmatch(r"-?[0-9]+", want):
        w = int(want)
        ok = {"=": got == w, ">": isinstance(got, int) and got > w, ">=": isinstance(got, int) and got >= w}[op]
        check(ok, f"{path} is {got!r}, expected {op} {w}")
    else:
        check(op == "=" and got == want, f"{path} is {got!r}, expected {want!r}")


def text_agrees(s, path):
    text = open(path).read()

    def has(line):
        check(re.search("^" + re.escape(line) + "$", text, re.M) is not None, f"text report: no line {line!r}")

    head = f"statistics: {s['state']}"
    if s["state"] == "halted":
        head += f" (exit code {s['exit_code']})"
    has(f"{head} at virtual time {s['virtual_time']}")
    # every CPU, in order, each with its MODE and CONTEXT lines
    cpu_lines = []
    for c in s["cpus"]:
        cpu_lines += [f"CPU {c['cpu']}: instructions {c['instructions']}, idle {c['idle']}, "
                      f"register accesses {c['register_accesses']}, context switches {c['context_switches']}",
                      "  by MODE: " + " ".join(f"{m}: {n}" for m, n in enumerate(c["by_mode"])),
                      "  by CONTEXT:" + "".join(f" {k}: {v}" for k, v in
                                               sorted(c["by_context"].items(), key=lambda kv: int(kv[0])))]
    got = [ln for ln in text.splitlines() if re.match(r"(CPU [0-9]+:|  by MODE:|  by CONTEXT:)", ln)]
    check(got == cpu_lines, f"text report: the CPU lines are {got!r}, expected {cpu_lines!r}")
    has(f"portal traversals {s['portal_traversals']}")
    has(f"context switches {s['context_switches']}")
    con = s["console"]
    has("console: " + ", ".join(f"{k} {con[k]}" for k in ("lines", "response_total", "response_mean", "response_max",
                                                          "wakeup_total", "wakeup_mean", "wakeup_max")))
    mf = s["memory_faults"]
    has(f"memory faults {mf['total']}: unmapped {mf['unmapped']}, protection {mf['protection']}, "
        f"device {mf['device']}; read {mf['read']}, write {mf['write']}, exec {mf['exec']}")
    t = s["tlb"]
    has(f"TLBs: hits {t['hits']}, misses {t['misses']}, flushes {t['flushes']}, "
        f"evictions {t['evictions']}, invalidations {t['invalidations']}")
    check(re.search(rf"^traps {s['traps']['total']}(:|$)", text, re.M) is not None, "text report: traps total")
    check(re.search(rf"^operations {s['operations']['total']}(:|$)", text, re.M) is not None, "text report: operations total")
    for d in s["devices"]:
        has(f"  {d['index']} {d['name']} unit {d['unit']} (trap {d['trap']}): interrupts raised "
            f"{d['interrupts_raised']}, delivered {d['interrupts_delivered']}; register reads "
            f"{d['register_reads']}, writes {d['register_writes']}; DMA bytes {d['dma_bytes']}")


def main(argv):
    args = argv[1:]
    text = None
    if "--text" in args:
        i = args.index("--text")
        text = args[i + 1]
        del args[i:i + 2]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        s = json.load(open(args[0]))
    except (OSError, ValueError) as e:
        print(f"FAIL: {args[0]}: not a JSON report: {e}")
        return 1
    invariants(s)
    for e in args[1:]:
        expectation(s, e)
    if text:
        text_agrees(s, text)
    for f in failures:
        print(f"FAIL: {args[0]}: {f}")
    if not failures:
        print(f"{args[0]}: every invariant holds, {len(args) - 1} expectations met")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
