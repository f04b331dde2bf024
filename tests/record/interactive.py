#!/usr/bin/env python3
"""A person at a terminal: BasicOZ runs on a pseudo-terminal while lines
are typed at moments the guest cannot predict (some while it is busy, so
they arrive through polling). The recording must replay exactly, with no
terminal and no input. usage: interactive.py SPACE WORKDIR"""
import os, pty, select, subprocess, sys, time

space, work = sys.argv[1], sys.argv[2]
trace = os.path.join(work, 'interactive.trc')


def fail(msg):
    print('FAIL:', msg)
    sys.exit(1)


pid, fd = pty.fork()
if pid == 0:
    os.execv(space, [space, 'run', '--record', trace, '--checkpoint-interval', '200000'])
seen = b''


def wait_for(text, timeout=60):
    global seen
    end = time.time() + timeout
    while text.encode() not in seen:
        if time.time() > end:
            fail('timed out waiting for %r; got %r' % (text, seen[-300:]))
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break


def type_line(line):
    os.write(fd, line.encode() + b'\n')


wait_for('basicoz$ ')
type_line('hello')
wait_for('hello, world')
type_line('tick a 30 &')
time.sleep(0.05)
type_line('ps')  # typed while the shell and tick are busy
wait_for('PID')
type_line('exit')
wait_for('halting')
_, status = os.waitpid(pid, 0)
if os.waitstatus_to_exitcode(status) != 0:
    fail('the recorded run exited with %d' % os.waitstatus_to_exitcode(status))
os.close(fd)

rep = subprocess.run([space, 'replay', trace], stdin=subprocess.DEVNULL,
                     capture_output=True, timeout=120)
err = rep.stderr.decode()
out = rep.stdout.decode()
print(err.strip())
if rep.returncode != 0 or 'replay matches the recording' not in err:
    fail('replay: status %d: %s' % (rep.returncode, err))
for text in ('hello, world', 'PID', 'aaaaa', 'halting'):  # (tick's letters)
    if text not in out:
        fail('the replay did not show %r:\n%s' % (text, out))
# The replay shows the typed lines (ECHO) where the terminal showed them.
if 'basicoz$ hello' not in out:
    fail('typed line not echoed in the replay:\n' + out)
print('interactive passed')
