#!/usr/bin/env python3
"""console_metrics.py TRACE: the console and CONTEXT-switch metrics of a run,
computed by hand from its `space run --trace trap,reg,irq` (one CPU), as
docs/instrumentation.md defines them - independently of the simulator's own
counting. Prints `name value` lines, one per metric, for tests/basicoz/
metrics.sh to compare with the run's --stats json.

A trace line is `TIME cpuN ctx=C mode=M KIND TEXT`. The CPU goes into user
code (MODE != 0) of CONTEXT X at a `resume -> CONTEXT X MODE M` or a trap's
`-> portal P: CONTEXT X MODE M`; it has begun running it once a later line
of that CPU shows a later time while it is still there (only retired
instructions move a CPU's time on in user code). A console line is an
`irq raise ... (console0)` after which the guest's next STATUS read (+0x004)
shows RX_READY (the end of input shows RX_EOF instead); the guest asks for
input when it writes CONTROL (+0x008) with RX_INTERRUPT (bit 0) set while
the received line has been read (a STATUS read without RX_READY since the
line came)."""
import re
import sys

LINE = re.compile(r"^(\d+) cpu(\d+) ctx=(\d+) mode=(\d+) (\S+) (.*)$")


def main(path):
    events = []
    for text in open(path):
        m = LINE.match(text.rstrip("\n"))
        if m:
            events.append((int(m[1]), int(m[2]), m[5], m[6]))

    last_user = {}   # cpu -> the CONTEXT whose user code it ran last
    entered = {}     # cpu -> (ctx, time): went into user code, not begun yet
    switches = 0
    dispatches = {}
    lines = response_total = response_max = wakeup_total = wakeup_max = 0
    asker = None
    response_open = wakeup_open = False
    wakeup_ctx = delivered = None
    unread = eof = False

    def settle(cpu, t):
        nonlocal switches, wakeup_open, wakeup_total, wakeup_max
        e = entered.get(cpu)
        if not e or t <= e[1]:
            return
        del entered[cpu]
        ctx, at = e
        if last_user.get(cpu) != ctx:
            switches += 1
            dispatches[ctx] = dispatches.get(ctx, 0) + 1
            last_user[cpu] = ctx
        if wakeup_open and ctx == wakeup_ctx and at >= delivered:
            wakeup_total += at - delivered
            wakeup_max = max(wakeup_max, at - delivered)
            wakeup_open = False

    for i, (t, cpu, kind, text) in enumerate(events):
        settle(cpu, t)
        if kind in ("resume", "trap"):
            m = re.search(r"-> (?:portal \d+: )?CONTEXT (\d+) MODE (\d+)", text)
            if m:
                entered.pop(cpu, None)
                if int(m[2]) != 0:
                    entered[cpu] = (int(m[1]), t)
        elif kind == "irq" and text.startswith("raise") and "(console0)" in text:
            status = next((int(x[3].split("-> ")[1], 16) for x in events[i + 1:]
                           if x[2] == "reg" and x[3].startswith("console0 +0x004 read")), 0)
            if status & 1:
                lines += 1
                delivered = t
                response_open = True
                unread = True
                wakeup_open = asker is not None
                wakeup_ctx = asker
            elif status & 2:
                eof = True
        elif kind == "reg" and text.startswith("console0 +0x004 read"):
            if not int(text.split("-> ")[1], 16) & 1:
                unread = False
        elif kind == "reg" and text.startswith("console0 +0x008 write"):
            if int(text.split()[-1], 16) & 1 and not unread and not eof:
                asker = last_user.get(cpu)
                if response_open:
                    response_total += t - delivered
                    response_max = max(response_max, t - delivered)
                    response_open = False

    print("console.lines", lines)
    print("console.response_total", response_total)
    print("console.response_max", response_max)
    print("console.response_mean", response_total // lines if lines else 0)
    print("console.wakeup_total", wakeup_total)
    print("console.wakeup_max", wakeup_max)
    print("console.wakeup_mean", wakeup_total // lines if lines else 0)
    print("context_switches", switches)
    for ctx, n in sorted(dispatches.items()):
        print(f"contexts.{ctx}.dispatches", n)


if __name__ == "__main__":
    main(sys.argv[1])
