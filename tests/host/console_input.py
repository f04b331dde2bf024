#!/usr/bin/env python3
"""Console input typed at a terminal (a pseudo-terminal), both ways space
learns that a line is there (docs/building.md, "Console input on every
host"): select() on the terminal, and the reader thread Windows uses
(SPACE_CONSOLE_READER=1 forces it here). For each: BasicOZ runs `tick` in
the background while the shell waits for input, and tick's output must
finish with nothing typed (a read that blocked would freeze the machine
until Enter); a line typed while tick runs is taken by polling; Ctrl-C
while the machine waits for input ends the run with status 130, and two
quick presses while it runs do too (never a death by signal).
usage: console_input.py SPACE"""
import os, pty, select, sys, time

space = sys.argv[1]


def fail(mode, msg):
    print('FAIL [%s]: %s' % (mode, msg))
    sys.exit(1)


class Session:
    def __init__(self, mode):
        self.mode, self.seen = mode, b''
        env = dict(os.environ, SPACE_CONSOLE_READER='1' if mode == 'reader' else '0')
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(space, [space, 'run'], env)

    def pump(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if r:
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                return False
            if not data:
                return False
            self.seen += data
        return True

    def wait_for(self, text, timeout=30):
        end = time.time() + timeout
        while text.encode() not in self.seen:
            if time.time() > end or not self.pump(0.1):
                fail(self.mode, 'no %r within %ds; got %r' % (text, timeout, self.seen[-400:]))

    def wait_count(self, ch, n, timeout=30):
        end = time.time() + timeout
        while self.seen.count(ch.encode()) < n:
            if time.time() > end or not self.pump(0.1):
                fail(self.mode, '%d %r within %ds; got %r' % (n, ch, timeout, self.seen[-400:]))

    def type(self, text):
        os.write(self.fd, text.encode())

    def exit_status(self, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                while self.pump(0.05):
                    pass
                os.close(self.fd)
                if os.WIFSIGNALED(status):
                    fail(self.mode, 'space was killed by signal %d' % os.WTERMSIG(status))
                return os.WEXITSTATUS(status)
            self.pump(0.05)
        os.kill(self.pid, 9)
        fail(self.mode, 'space did not end; got %r' % self.seen[-400:])


for mode in ('select', 'reader'):
    s = Session(mode)
    s.wait_for('basicoz$ ')
    s.type('tick q 12 &\n')  # (q, j: letters no message has)
    s.wait_count('q', 13)  # the command's echo and 12: nothing typed meanwhile, no freeze
    s.type('tick j 40 &\n')
    s.wait_count('j', 3)
    s.type('hello\n')  # typed while tick runs: taken by polling
    s.wait_for('hello, world')
    s.wait_count('j', 41)
    time.sleep(0.3)
    s.type('\x03')  # Ctrl-C while the shell waits (the machine may be idle)
    status = s.exit_status()
    if status != 130:
        fail(mode, 'Ctrl-C at the prompt: status %d, expected 130' % status)

    s = Session(mode)
    s.wait_for('basicoz$ ')
    s.type('spin 1000\n')
    time.sleep(0.5)
    s.type('\x03')
    s.type('\x03')  # a second press: still an orderly end
    status = s.exit_status()
    if status != 130:
        fail(mode, 'two Ctrl-C while running: status %d, expected 130' % status)
    print('%s: input while busy, no freeze, Ctrl-C: ok' % mode)
