#!/usr/bin/env python3
"""check_grade.py DIR [--pass A,B] [--fail C] [--score S/M] [--kept]

Checks what `space grade --out DIR` wrote (docs/grading.md):

* DIR/results.json has only the fields of Gradescope's specification
  (GRADESCOPE_TOP, GRADESCOPE_TEST below, with their types), score and
  tests with name, number, score, max_score, status and output; the
  scores add up; the output a student sees names no file of the grader's
  (DIR, traces, console files), which extra_data holds;
* DIR/junit.xml parses (xml.etree), has one testcase per case, a <failure>
  exactly for the failed ones, the counts in its attributes, and a time
  (seconds) on each testcase, the suite's their sum;
* DIR/grade.json (format space-grade, version 2) agrees with both, and
  every stat check's "actual" is the value at that path in the case's own
  statistics (the JSON of docs/instrumentation.md), judged correctly; a
  check bounded by ref has bound = F * ref + N rounded down, judged with it;
* a failing case that ran has its trace in DIR/traces/CASE.trc, and its
  text in JUnit, grade.json and results.json's extra_data says
  `space replay DIR/traces/CASE.trc`; a
  passing case has no trace (unless --kept).

--pass / --fail: the cases that must have passed / failed; --score: the
total. Exit status 0 if everything holds, 1 otherwise (with the reasons).
"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

problems = []

# Gradescope's results.json fields and their JSON types
# (https://gradescope-autograders.readthedocs.io/en/latest/specs/).
NUMBER = (int, float)
GRADESCOPE_TOP = {"score": NUMBER, "execution_time": NUMBER, "output": str,
                  "output_format": str, "test_output_format": str, "test_name_format": str,
                  "visibility": str, "stdout_visibility": str, "extra_data": dict,
                  "tests": list, "leaderboard": list}
GRADESCOPE_TEST = {"score": NUMBER, "max_score": NUMBER, "status": str, "name": str,
                   "name_format": str, "number": str, "output": str, "output_format": str,
                   "tags": list, "visibility": str, "extra_data": dict}
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


def bad(msg):
    problems.append(msg)


def stat_value(stats, path):
    """The value at a statistic's path ("cpus[0].by_mode[3]", "traps.by_number.14.count");
    a key the JSON leaves out because it is 0 reads as 0."""
    node = stats
    for seg in path.replace("[", ".").replace("]", "").split("."):
        if isinstance(node, list):
            node = node[int(seg)]
        elif isinstance(node, dict):
            if seg not in node:
                return 0
            node = node[seg]
        else:
            return None
    return node


OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    out = args[0]
    want_pass, want_fail, want_score, kept = set(), set(), None, False
    i = 1
    while i < len(args):
        a = args[i]
        if a == "--kept":
            kept = True
            i += 1
            continue
        v = args[i + 1]
        if a == "--pass":
            want_pass = set(v.split(","))
        elif a == "--fail":
            want_fail = set(v.split(","))
        elif a == "--score":
            want_score = v
        i += 2

    with open(os.path.join(out, "results.json"), encoding="utf-8") as f:
        gs = json.load(f)
    with open(os.path.join(out, "grade.json"), encoding="utf-8") as f:
        gj = json.load(f)
    junit = ET.parse(os.path.join(out, "junit.xml")).getroot()

    # results.json: Gradescope's fields, their types, and the sums
    def fields(what, obj, spec):
        for k, v in obj.items():
            if k not in spec:
                bad(f"results.json: {what} has '{k}', not a field of Gradescope's specification")
            elif not isinstance(v, spec[k]) or isinstance(v, bool):
                bad(f"results.json: {what} '{k}' is {type(v).__name__}")
        for k in ("visibility", "stdout_visibility"):
            if k in obj and obj[k] not in VISIBILITIES:
                bad(f"results.json: {what} {k} {obj[k]!r}")
    fields("the top level", gs, GRADESCOPE_TOP)
    for k in ("score", "tests"):
        if k not in gs:
            bad(f"results.json has no '{k}'")
    tests = gs["tests"]
    max_score = sum(t.get("max_score", 0) for t in tests)
    for i, t in enumerate(tests):
        fields(f"test {t.get('name')}", t, GRADESCOPE_TEST)
        for k in ("name", "number", "score", "max_score", "status", "output"):
            if k not in t:
                bad(f"results.json test {t.get('name')} has no '{k}'")
        if t.get("number") != str(i + 1):
            bad(f"results.json test {t['name']}: number {t.get('number')!r}")
        if t["status"] not in ("passed", "failed"):
            bad(f"results.json test {t['name']}: status {t['status']!r}")
        if t["status"] == "passed" and t["score"] != t["max_score"]:
            bad(f"results.json test {t['name']} passed with {t['score']}/{t['max_score']}")
        if t["status"] == "failed" and t["score"] != 0:
            bad(f"results.json test {t['name']} failed with score {t['score']}")
        if re.search(r"(traces|console|timelines|disks)/", t["output"]):
            bad(f"results.json test {t['name']}: the student's output names the grader's files")
    if abs(sum(t["score"] for t in tests) - gs["score"]) > 1e-9:
        bad("results.json: the tests' scores do not add up to score")
    if gs.get("extra_data", {}).get("max_score") != max_score:
        bad("results.json: extra_data's max_score is not the tests' sum")
    if want_score is not None and f"{gs['score']:g}/{max_score:g}" != want_score:
        bad(f"score {gs['score']:g}/{max_score:g}, expected {want_score}")

    # junit.xml
    if junit.tag != "testsuites":
        bad(f"junit.xml root is <{junit.tag}>")
    suites = junit.findall("testsuite")
    cases = [c for s in suites for c in s.findall("testcase")]
    if [c.get("name") for c in cases] != [t["name"] for t in tests]:
        bad("junit.xml testcases differ from results.json tests")
    failures = 0
    for c, t in zip(cases, tests):
        f = c.find("failure")
        failures += f is not None
        if (f is not None) != (t["status"] == "failed"):
            bad(f"junit.xml testcase {t['name']}: <failure> does not match status {t['status']}")
    if suites and int(suites[0].get("failures")) != failures:
        bad("junit.xml: the failures attribute does not count the <failure>s")
    if suites and int(suites[0].get("tests")) != len(cases):
        bad("junit.xml: the tests attribute does not count the testcases")
    try:
        times = [float(c.get("time")) for c in cases]
        if any(x < 0 for x in times) or (suites and abs(float(suites[0].get("time")) - sum(times)) > 0.01 * len(times) + 0.001):
            bad("junit.xml: the testcases' times do not add up to the suite's")
    except (TypeError, ValueError):
        bad("junit.xml: a testcase or the suite has no time in seconds")

    # grade.json
    if gj.get("format") != "space-grade" or gj.get("version") != 2:
        bad("grade.json: not format space-grade version 2")
    gcases = gj["cases"]
    if [c["name"] for c in gcases] != [t["name"] for t in tests]:
        bad("grade.json cases differ from results.json tests")
    if gj["score"] != gs["score"] or gj["max_score"] != max_score:
        bad("grade.json and results.json disagree on the score")
    for c, t, jc in zip(gcases, tests, cases):
        name = c["name"]
        if c["passed"] != (t["status"] == "passed"):
            bad(f"grade.json case {name}: passed {c['passed']}, results.json {t['status']}")
        if c["passed"] and not all(k["passed"] for k in c["checks"]):
            bad(f"grade.json case {name} passed with a failed check")
        if c["end"] is not None and not c["passed"] and all(k["passed"] for k in c["checks"]) \
                and c["error"] is None:
            bad(f"grade.json case {name} failed with every check passed and no error")
        for k in c["checks"]:
            for f in ("check", "passed", "expected", "actual"):
                if f not in k:
                    bad(f"grade.json case {name}: a check without '{f}'")
            ref = re.fullmatch(r".* (<|<=|>|>=|==|!=) (?:([\d.]+) \* )?ref(?: ([+-]) (\d+))?",
                               k["check"])
            if ref and k.get("ref") is not None:
                # F * ref + N, rounded down, exactly (F a decimal)
                f = ref.group(2) or "1"
                num, den = int(f.replace(".", "")), 10 ** (len(f.split(".")[1]) if "." in f else 0)
                want = k["ref"] * num // den
                n = int(ref.group(4) or 0)
                want = max(0, want - n) if ref.group(3) == "-" else want + n
                if k.get("bound") != want:
                    bad(f"{name}: {k['check']}: bound {k.get('bound')}, expected {want}")
                actual = re.match(r"\d+", k["actual"])
                if actual and OPS[ref.group(1)](int(actual.group()), want) != k["passed"]:
                    bad(f"{name}: {k['check']} judged {k['passed']} with bound {want}")
            m = re.fullmatch(r"stat (\S+) (<|<=|>|>=|==|!=) (\d+)", k["check"])
            if m and c["stats"] is not None and re.fullmatch(r"\d+", k["actual"]):
                v = stat_value(c["stats"], m.group(1))
                if v != int(k["actual"]):
                    bad(f"{name}: {k['check']}: actual {k['actual']}, the statistics say {v}")
                if OPS[m.group(2)](v, int(m.group(3))) != k["passed"]:
                    bad(f"{name}: {k['check']} judged {k['passed']} with value {v}")
        trace = os.path.join(out, "traces", name + ".trc")
        if not c["passed"] and c["end"] is not None:
            replay = "space replay " + c["trace"] if c["trace"] else None
            if not c["trace"] or not os.path.isfile(c["trace"]):
                bad(f"failing case {name} has no trace file ({c['trace']})")
            elif os.path.abspath(c["trace"]) != os.path.abspath(trace):
                bad(f"failing case {name}: trace {c['trace']}, expected {trace}")
            if c["replay"] != replay:
                bad(f"failing case {name}: replay {c['replay']!r}")
            failure = jc.find("failure")
            extra = t.get("extra_data", {})
            if extra.get("replay") != replay or extra.get("trace") != c["trace"]:
                bad(f"failing case {name}: results.json extra_data does not say '{replay}'")
            for where, text in (("results.json extra_data", extra.get("report")),
                                ("grade.json", c["output"]),
                                ("junit.xml", failure.text if failure is not None else "")):
                if replay and replay not in (text or ""):
                    bad(f"failing case {name}: {where} does not say '{replay}'")
        if c["passed"] and not kept and (c["trace"] is not None or os.path.exists(trace)):
            bad(f"passing case {name} kept a trace")
        if c["passed"] and kept and not os.path.isfile(trace):
            bad(f"passing case {name} has no trace, with --keep-traces")
        if c["console_output"] and not os.path.isfile(c["console_output"]):
            bad(f"case {name}: no console output file {c['console_output']}")

    for n in want_pass:
        if not any(c["name"] == n and c["passed"] for c in gcases):
            bad(f"case {n} should have passed")
    for n in want_fail:
        if not any(c["name"] == n and not c["passed"] for c in gcases):
            bad(f"case {n} should have failed")

    for p in problems:
        print("check_grade:", p)
    if not problems:
        print(f"check_grade: {out}: {len(tests)} cases, score {gs['score']:g}/{max_score:g},"
              " all three formats consistent")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
