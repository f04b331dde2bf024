#!/usr/bin/env python3
"""check_window.py PNG DUMP [options]: checks a screenshot of the SPACE
window (space run --gui --screenshot PNG --gui-dump) by reading its pixels.

Text is found in the picture by drawing it with the font the window uses
(ui/screen/font.c, parsed here) and searching the picture's pixels for it, at any
position: nothing but the PNG says where it is.

  --text TEXT        TEXT is drawn somewhere in the console (left of the
                     inspector), e.g. the shell's prompt
  --sdb TRANSCRIPT   the inspector's registers, CONTEXT, MODE and virtual
                     time (read from DUMP, the text the window drew) equal
                     what sdb's `regs` printed last in TRANSCRIPT; and each
                     register's line is in the picture exactly where DUMP
                     has it
  --dump-only        check DUMP alone (--sdb), not the picture: for a series
                     of stops whose drawing another check has looked at
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pngread  # noqa: E402

REGS = ["EAX", "EBX", "ECX", "EDX", "ESI", "EDI", "EBP", "ESP", "EIP", "EFLAGS"]


def fail(msg):
    sys.exit("check_window: FAIL: " + msg)


def load_font(path):
    w = h = None
    glyphs = []
    for line in open(path):
        m = re.match(r"#define FONT_([WH])\s+(\d+)", line)
        if m:
            if m.group(1) == "W":
                w = int(m.group(2))
            else:
                h = int(m.group(2))
        m = re.match(r"\s*\{(0x[^}]*)\},", line)
        if m:
            glyphs.append([int(v, 16) for v in m.group(1).split(",")])
    return w, h, glyphs


class Picture:
    def __init__(self, path, font):
        self.w, self.h, rows = pngread.read(path)
        self.fw, self.fh, self.glyphs = font
        # ink: a pixel brighter than any background the window uses
        self.ink = []
        for row in rows:
            bits = bytearray(b"0" * self.w)
            for x in range(self.w):
                r, g, b = row[3 * x], row[3 * x + 1], row[3 * x + 2]
                if 299 * r + 587 * g + 114 * b > 96000:
                    bits[x] = ord("1")
            self.ink.append(bits.decode())

    def pattern(self, text, scale):
        rows = []
        for gy in range(self.fh):
            s = ""
            for ch in text:
                bits = self.glyphs[ord(ch) - 32][gy]
                s += "".join(("1" if bits & (0x80 >> x) else "0") * scale for x in range(self.fw))
            rows += [s] * scale
        return rows

    def find(self, text, scale):
        """Every (x, y) where text is drawn (its cells' top left corner)."""
        pat = self.pattern(text, scale)
        k = max(range(len(pat)), key=lambda i: pat[i].count("1"))
        found = []
        for y in range(k, self.h - len(pat) + k + 1):
            x = self.ink[y].find(pat[k])
            while x >= 0:
                top = y - k
                if all(self.ink[top + i][x : x + len(pat[i])] == pat[i] for i in range(len(pat))):
                    found.append((x, top))
                x = self.ink[y].find(pat[k], x + 1)
        return found


def registers(text):
    regs = {}
    for name, val in re.findall(r"\b(EAX|EBX|ECX|EDX|ESI|EDI|EBP|ESP|EIP|EFLAGS) +0x([0-9a-f]{8})",
                                text):
        regs[name] = val
    return regs


def same_as_sdb(transcript, dump):
    """The dump's registers, CONTEXT, MODE and virtual time are those of
    the last regs output in the sdb transcript; returns the registers."""
    sdb = open(transcript).read()
    last = sdb[sdb.rfind("EAX ") :]  # the last regs output
    want, got = registers(last), registers("\n".join(dump))
    if set(want) != set(REGS):
        fail("the sdb transcript has no full regs output: %r" % want)
    for r in REGS:
        if got.get(r) != want[r]:
            fail("%s: the window shows %s, sdb 0x%s" % (r, got.get(r), want[r]))
    for what in (r"CONTEXT (\d+)  MODE (\d+)", r"virtual time (\d+)"):
        w1, g1 = re.findall(what, last), re.findall(what, "\n".join(dump))
        if not w1 or w1[0] not in g1:
            fail("%s: sdb says %s, the window %s" % (what, w1, g1))
    print("registers, CONTEXT, MODE and virtual time equal sdb's: %s"
          % " ".join("%s=0x%s" % (r, want[r]) for r in REGS))
    return want


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("png")
    ap.add_argument("dump")
    ap.add_argument("--text", action="append", default=[])
    ap.add_argument("--sdb")
    ap.add_argument("--dump-only", action="store_true")
    ap.add_argument("--font", default=os.path.join(HERE, "..", "..", "ui", "screen", "font.h"))
    a = ap.parse_args()
    font_h = load_font(a.font)
    font_c = load_font(a.font[:-2] + ".c")
    font = (font_h[0], font_h[1], font_c[2])
    dump = open(a.dump).read().split("\n")[:-1]
    if a.dump_only:
        if a.text or not a.sdb:
            fail("--dump-only checks --sdb against the dump, nothing else")
        same_as_sdb(a.sdb, dump)
        return
    pic = Picture(a.png, font)
    # The grid: as many rows as the dump, cells FONT_W x FONT_H times a scale.
    rows = len(dump)
    scale = pic.h // (rows * font[1]) if rows else 0
    if scale < 1 or not rows * font[1] * scale <= pic.h < (rows + 1) * font[1] * scale:
        fail("a %dx%d picture does not hold the %d rows of the dump" % (pic.w, pic.h, rows))
    widest = max(len(line) for line in dump)
    if widest * font[0] * scale > pic.w:
        fail("the dump is %d columns wide, the picture %d pixels" % (widest, pic.w))
    cols = pic.w // (font[0] * scale)
    print("picture %dx%d: %d x %d cells at glyph scale %d" % (pic.w, pic.h, cols, rows, scale))
    # Where the inspector begins: the column of "CPU 0" in the dump.
    insp = min(line.find("CPU 0") for line in dump if "CPU 0" in line) if any(
        "CPU 0" in line for line in dump) else None
    if insp is None:
        fail("the dump has no inspector (no 'CPU 0')")
    for t in a.text:
        where = [p for p in pic.find(t, scale) if p[0] < insp * font[0] * scale]
        if not where:
            fail("%r is not drawn in the console part of the picture" % t)
        print("%r drawn in the console at %s" % (t, where[-1]))
    if a.sdb:
        want = same_as_sdb(a.sdb, dump)
        # each register's name and value are drawn where the dump has them
        for r in REGS:
            text = "%s 0x%s" % (r, want[r])
            cell = next(((line.find(text), y) for y, line in enumerate(dump) if text in line), None)
            if cell is None:
                fail("%r is not in the dump" % text)
            at = (cell[0] * font[0] * scale, cell[1] * font[1] * scale)
            if at not in pic.find(text, scale):
                fail("%r is not drawn at %s (cell %s)" % (text, at, cell))
        print("each register's value is drawn in the picture where the window put it")


main()
