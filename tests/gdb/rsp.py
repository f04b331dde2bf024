#!/usr/bin/env python3
"""rsp.py SPACE COUNTER.elf: the GDB stub of `space run --gdb` at the packet
level, without gdb: framing, checksums and acks, QStartNoAckMode, every
packet the stub serves and its errors, stop replies (swbreak, hwbreak,
watch, rwatch, awatch, SIGINT), W at the end, detach, kill and a closed
connection; and CPUs as threads on cpus.elf (beside COUNTER.elf) with
--cpus 4. Exit 0 if all hold, 1 at the first that does not."""
import os
import re
import socket
import subprocess
import sys
import time

SPACE, ELF = sys.argv[1], sys.argv[2]
REGS = "eax ecx edx ebx esp ebp esi edi eip eflags cs ss ds es fs gs".split()


def fail(msg):
    print("rsp.py: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def symbols(elf=ELF):
    out = subprocess.run(["nm", elf], check=True, capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    return syms


SYM = symbols()


def le32(v):
    return v.to_bytes(4, "little").hex()


class Stub:
    def __init__(self, *args, elf=ELF):
        self.proc = subprocess.Popen([SPACE, "run", elf, *args, "--gdb", "0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline().rstrip("\n")
        m = re.fullmatch(r"space: waiting for gdb on 127\.0\.0\.1:(\d+)", line)
        check(m, "no 'waiting for gdb' line: %r" % line)
        self.sock = socket.create_connection(("127.0.0.1", int(m.group(1))), timeout=120)
        self.buf = b""
        self.ack = True

    def byte(self):
        while not self.buf:
            data = self.sock.recv(4096)
            if not data:
                fail("the stub closed the connection")
            self.buf += data
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def send_raw(self, data):
        self.sock.sendall(data)

    @staticmethod
    def frame(data):
        return b"$" + data + b"#%02x" % (sum(data) & 0xFF)

    def recv_packet(self):
        while self.byte() != b"$":
            pass
        data = b""
        while True:
            c = self.byte()
            if c == b"#":
                break
            data += c
        cs = self.byte() + self.byte()
        check(int(cs, 16) == sum(data) & 0xFF, "bad checksum from the stub: %r" % data)
        check(b"*" not in data or data.startswith(b"l") or data.startswith(b"m"),
              "an unescaped '*' (run-length encoding) in %r" % data)
        if self.ack:
            self.send_raw(b"+")
        return data

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.send_raw(self.frame(data))
        if self.ack:
            c = self.byte()
            check(c == b"+", "no ack for %r: %r" % (data, c))

    def cmd(self, data):
        self.send(data)
        return self.recv_packet().decode("latin-1")

    def expect(self, data, want):
        got = self.cmd(data)
        if isinstance(want, str):
            check(got == want, "%s -> %r, expected %r" % (data, got, want))
        else:
            check(want.fullmatch(got), "%s -> %r, expected /%s/" % (data, got, want.pattern))
        return got

    def regs(self):
        g = self.cmd("g")
        check(len(g) == 16 * 8, "g: %d hex digits" % len(g))
        return {r: int.from_bytes(bytes.fromhex(g[8 * i:8 * i + 8]), "little")
                for i, r in enumerate(REGS)}

    def read(self, addr, n):
        return bytes.fromhex(self.expect("m%x,%x" % (addr, n), re.compile("[0-9a-f]*")))

    def finish(self, status, stderr_re=None):
        try:
            out, err = self.proc.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("space did not exit")
        check(self.proc.returncode == status,
              "space exited with %d, expected %d; stderr: %s" % (self.proc.returncode, status, err))
        if stderr_re:
            check(re.search(stderr_re, err, re.M), "stderr %r does not match /%s/" % (err, stderr_re))
        self.sock.close()


def session_packets():
    s = Stub()
    # a bad checksum is refused with '-', then the packet is sent again
    s.send_raw(b"$g#00")
    check(s.byte() == b"-", "a bad checksum was not refused")
    s.send_raw(b"+")  # (a stray ack is ignored)

    sup = s.expect("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386",
                   re.compile(".*"))
    for f in ["PacketSize=4000", "QStartNoAckMode+", "swbreak+", "hwbreak+",
              "qXfer:features:read+"]:
        check(f in sup.split(";"), "qSupported: no %s in %r" % (f, sup))

    # the target description, read in small pieces
    xml, off = "", 0
    while True:
        part = s.cmd("qXfer:features:read:target.xml:%x,40" % off)
        check(part[:1] in ("m", "l"), "qXfer: %r" % part)
        body = re.sub(r"\}(.)", lambda m: chr(ord(m.group(1)) ^ 0x20), part[1:])
        xml += body
        off += len(body)
        if part[0] == "l":
            break
    check("<architecture>i386</architecture>" in xml, "no architecture i386 in the description")
    check('<feature name="org.gnu.gdb.i386.core">' in xml, "no i386 core feature")
    names = re.findall(r'<reg name="(\w+)"', xml)
    check(names[:16] == REGS, "registers %s" % names[:16])
    s.expect("qXfer:features:read:target.xml:%x,40" % (off + 100), "l")
    s.expect("qXfer:features:read:other.xml:0,40", "E00")

    s.expect("?", "T05thread:01;")
    r = s.regs()
    check(r["eip"] == SYM["_start"], "eip %#x at the start, expected _start" % r["eip"])
    check(r["cs"] == 0x0B and all(r[x] == 0x13 for x in "ss ds es fs gs".split()),
          "segment registers %s" % r)
    s.expect("p8", le32(SYM["_start"]))
    s.expect("pa", le32(0x0B))
    s.expect("pf", le32(0x13))
    s.expect("p10", "x" * 20)  # st0: unavailable
    s.expect("p1f", "x" * 8)   # fop
    s.expect("p20", "E01")
    s.expect("P0=78563412", "OK")
    s.expect("p0", "78563412")
    s.expect("Pa=00000000", "E01")  # cs is read-only
    s.expect("Pa=0b000000", "OK")
    g = s.cmd("g")
    s.expect("G" + le32(0xCAFE) + g[8:], "OK")
    check(s.regs()["eax"] == 0xCAFE, "G did not set eax")
    s.expect("G" + g, "OK")
    s.expect("G12", "E01")

    # memory, in the CPU's CONTEXT
    table = b"".join(v.to_bytes(4, "little") for v in (0x11223344, 0x55667788, 0x99AABBCC, 0xDDEEFF00))
    check(s.read(SYM["table"], 16) == table, "m of table")
    s.expect("mfffff000,4", "E14")
    s.expect("Mfffff000,1:00", "E14")
    s.expect("M%x,4:2a000000" % SYM["counter"], "OK")
    check(s.read(SYM["counter"], 4) == b"\x2a\0\0\0", "M did not write")
    special = bytes([0x7D, 0x23, 0x24, 0x2A])  # '}', '#', '$', '*': escaped
    esc = b"".join(b"}" + bytes([c ^ 0x20]) for c in special)
    s.send(b"X%x,4:" % SYM["counter"] + esc)
    check(s.recv_packet() == b"OK", "X")
    check(s.read(SYM["counter"], 4) == special, "X wrote %r" % s.read(SYM["counter"], 4))
    s.expect("X%x,0:" % SYM["counter"], "OK")
    s.expect("M%x,4:00000000" % SYM["counter"], "OK")
    s.expect("M%x,4:0000" % SYM["counter"], "E01")

    # threads: one per CPU
    s.expect("qC", "QC01")
    s.expect("qfThreadInfo", "m01")
    s.expect("qsThreadInfo", "l")
    s.expect("qAttached", "0")
    s.expect("qAttached:1", "0")
    s.expect("Hg1", "OK")
    s.expect("Hg0", "OK")
    s.expect("Hc-1", "OK")
    s.expect("Hg2", "E01")
    s.expect("T1", "OK")
    s.expect("T2", "E01")
    s.expect("qThreadExtraInfo,1", b"CPU 0, CONTEXT 0 MODE 0".hex())
    s.expect("vCont?", "vCont;c;C;s;S")

    # unknown packets: an empty reply
    for p in ["qFooBar", "vMustReplyEmpty", "Z5,0,0", "!", "QFoo", "qTStatus", "jThreads"]:
        s.expect(p, "")

    # no more acks
    s.expect("QStartNoAckMode", "OK")
    s.ack = False

    # a software breakpoint (idempotent: twice is one), hit and removed
    s.expect("Z0,%x,1" % SYM["bump"], "OK")
    s.expect("Z0,%x,1" % SYM["bump"], "OK")
    s.expect("vCont;c", "T05swbreak:;thread:01;")
    check(s.regs()["eip"] == SYM["bump"], "not stopped at bump")
    s.expect("?", "T05swbreak:;thread:01;")
    s.expect("z0,%x,1" % SYM["bump"], "OK")
    s.expect("z0,%x,1" % SYM["bump"], "OK")
    # steps
    s.expect("s", "T05thread:01;")
    pc1 = s.regs()["eip"]
    check(SYM["bump"] < pc1 < SYM["bump"] + 16, "s: eip %#x" % pc1)
    s.expect("vCont;s:1", "T05thread:01;")
    check(s.regs()["eip"] > pc1, "vCont;s did not advance")
    # watchpoints: write, read, access (reported at the watched address)
    s.expect("Z2,%x,4" % SYM["counter"], "OK")
    s.expect("c", "T05watch:%x;thread:01;" % SYM["counter"])
    s.expect("z2,%x,4" % SYM["counter"], "OK")
    s.expect("Z3,%x,4" % SYM["reads_of"], "OK")
    s.expect("vCont;c:1", "T05rwatch:%x;thread:01;" % SYM["reads_of"])
    s.expect("z3,%x,4" % SYM["reads_of"], "OK")
    s.expect("Z4,%x,1" % (SYM["counter"] + 1), "OK")  # a byte in the middle
    s.expect("c", "T05awatch:%x;thread:01;" % (SYM["counter"] + 1))
    s.expect("z4,%x,1" % (SYM["counter"] + 1), "OK")
    # a "hardware" breakpoint
    s.expect("Z1,%x,1" % SYM["bump"], "OK")
    s.expect("C05", "T05hwbreak:;thread:01;")
    s.expect("z1,%x,1" % SYM["bump"], "OK")
    # detach: everything removed, the guest runs to its end undisturbed
    s.expect("Z0,%x,1" % SYM["bump"], "OK")
    s.expect("Z2,%x,4" % SYM["counter"], "OK")
    s.expect("D", "OK")
    s.finish(7)


def session_interrupt():
    s = Stub("--cmdline", "spin")
    s.send("c")
    time.sleep(0.5)
    s.send_raw(b"\x03")
    check(s.recv_packet() == b"T02thread:01;", "Ctrl-C: no T02")
    eip = s.regs()["eip"]
    check(SYM["bump"] <= eip < SYM["kmain"] + 64 or SYM["kmain"] <= eip, "eip %#x" % eip)
    s.send("c")  # and once more
    time.sleep(0.2)
    s.send_raw(b"\x03")
    check(s.recv_packet() == b"T02thread:01;", "second Ctrl-C: no T02")
    s.send("k")
    s.finish(130, r"^space: killed by gdb after \d+ instructions")


def session_end():
    s = Stub()
    s.expect("c", "W07")
    s.finish(7)
    s = Stub("--cmdline", "spin", "--max-insns", "1000")
    s.send("c")
    out = s.recv_packet().decode()
    check(out.startswith("O") and bytes.fromhex(out[1:]).startswith(b"space: instruction limit"),
          "no O line for the limit: %r" % out)
    check(s.recv_packet() == b"W7c", "no W7c")
    s.finish(124, r"^space: instruction limit reached")


def session_hangup():
    s = Stub()
    s.expect("Z0,%x,1" % SYM["bump"], "OK")
    s.sock.close()
    s.finish(130, r"^space: gdb closed the connection after 0 instructions")


def session_cpus():
    """Four CPUs: four threads; a stop names the thread of the CPU that
    stopped and makes it the Hg thread; Hg selects whose registers g reads."""
    elf = os.path.join(os.path.dirname(ELF), "cpus.elf")
    sym = symbols(elf)
    s = Stub("--cpus", "4", elf=elf)
    s.expect("qfThreadInfo", "m01,02,03,04")
    s.expect("qsThreadInfo", "l")
    s.expect("T4", "OK")
    s.expect("T5", "E01")
    s.expect("Hg5", "E01")
    s.expect("qThreadExtraInfo,2", b"CPU 1, CONTEXT 0 MODE 0, halted".hex())
    s.expect("Hg2", "OK")
    check(s.regs()["eip"] == 0, "a halted CPU's eip is not 0")
    s.expect("Hg1", "OK")
    check(s.regs()["eip"] == sym["_start"], "thread 1's eip is not _start")
    s.expect("Z0,%x,1" % sym["cpu1_work"], "OK")
    s.expect("vCont;c", "T05thread:02;")
    s.expect("qC", "QC02")
    check(s.regs()["eip"] == sym["cpu1_work"], "the stop did not make thread 2 the Hg thread")
    s.expect("s", "T05thread:02;")  # the CPU that stopped goes on
    check(s.regs()["eip"] > sym["cpu1_work"], "s did not step CPU 1")
    s.expect("Hg1", "OK")
    check(s.regs()["eip"] != sym["cpu1_work"], "Hg1 still reads CPU 1")
    s.expect("qThreadExtraInfo,2", b"CPU 1, CONTEXT 0 MODE 0".hex())
    s.expect("z0,%x,1" % sym["cpu1_work"], "OK")
    s.expect("Z0,%x,1" % sym["all_started"], "OK")
    s.expect("c", "T05thread:01;")
    s.expect("Hg4", "OK")
    check(s.regs()["ebx"] == 0xC0DE0003, "thread 4's ebx is not CPU 3's")
    s.send("k")
    s.finish(130, r"^space: killed by gdb after \d+ instructions")


session_packets()
session_cpus()
session_interrupt()
session_end()
session_hangup()
print("rsp.py: passed")
