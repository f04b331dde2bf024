#!/usr/bin/env python3
"""terminal.py SPACE INPUT: drives `space run --debug --input INPUT` on a
pseudo-terminal, as a person would: line editing (backspace, arrows,
Ctrl-A/Ctrl-E), the history, Ctrl-C cancelling a line, Ctrl-C stopping a
running machine, Ctrl-D on an empty line quitting. Prints "NAME: ok" or
"NAME: FAILED" for each, then the transcript; exits 0 if all passed.
INPUT should keep the guest busy for a while (BasicOZ: spin 1000000)."""
import os
import pty
import select
import sys
import time

space, script = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(space, [space, "run", "--debug", "--input", script])

out = b""
pos = 0
results = []


def read_until(pattern, timeout=30.0):
    """Reads until pattern appears after what earlier calls consumed; True
    if it did (and consumes up to its end)."""
    global out, pos
    end = time.time() + timeout
    while True:
        at = out.find(pattern.encode(), pos)
        if at >= 0:
            pos = at + len(pattern)
            return True
        if time.time() >= end:
            return False
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return False
            if not data:
                return False
            out += data


def send(text):
    os.write(fd, text.encode())


def check(name, ok):
    results.append((name, ok))


check("prompt", read_until("(sdb) "))

# backspace: "stepx" + BS + " 2" is "step 2"
send("stepx\x7f 2\r")
read_until("(sdb) ")
send("time\r")
check("edit", read_until("virtual time 2\r\n"))
read_until("(sdb) ")

# arrows and Ctrl-A/Ctrl-E: "me" Ctrl-A "t" Ctrl-E ... left left "i" -> "time"
send("me\x01t\x05\x1b[D\x1b[Di\r")
check("arrows", read_until("virtual time 2\r\n"))
read_until("(sdb) ")

# up arrow: the last command again
send("\x1b[A\r")
check("history", read_until("virtual time 2\r\n"))
read_until("(sdb) ")

# Ctrl-C on a line being typed: cancelled, not run
send("garbage\x03")
ok = read_until("(sdb) ")
check("cancel", ok and b"unknown command 'garbage'" not in out)

# Ctrl-C while the machine runs: back at the prompt
send("continue\r")
time.sleep(1.0)
send("\x03")
check("ctrl-c", read_until("interrupted") and read_until("(sdb) "))

# Ctrl-D on an empty line: the debugger ends (the machine still running: status 0)
send("\x04")
_, status = os.waitpid(pid, 0)
check("ctrl-d", os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0)
try:
    while True:
        data = os.read(fd, 4096)
        if not data:
            break
        out += data
except OSError:
    pass

for name, ok in results:
    print("%s: %s" % (name, "ok" if ok else "FAILED"))
print("--- transcript")
sys.stdout.write(out.decode(errors="replace"))
sys.exit(0 if all(ok for _, ok in results) else 1)
