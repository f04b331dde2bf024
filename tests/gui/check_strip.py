#!/usr/bin/env python3
"""check_strip.py PNG DUMP: the window's timeline strip (ui/screen/strip.c)
is drawn: under its title, CPU 0's row has the present marked '|', and that
cell's background in the picture is the colour of the CONTEXT the
inspector shows running (its palette entry in ui/gui/gui_draw.c)."""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pngread  # noqa: E402

ROOT = os.path.join(HERE, "..", "..")


def fail(msg):
    sys.exit("check_strip: FAIL: " + msg)


def ctx_colours():
    src = open(os.path.join(ROOT, "ui", "gui", "gui_draw.c")).read()
    found = dict(re.findall(r"\[TG_CTX0 \+ (\d)\] = 0x([0-9a-fA-F]{6})", src))
    return [int(found[str(i)], 16) for i in range(8)]


def font_size():
    src = open(os.path.join(ROOT, "ui", "screen", "font.h")).read()
    w = int(re.search(r"#define FONT_W\s+(\d+)", src).group(1))
    h = int(re.search(r"#define FONT_H\s+(\d+)", src).group(1))
    return w, h


png, dump = sys.argv[1], sys.argv[2]
lines = open(dump).read().split("\n")
title = next((i for i, l in enumerate(lines) if " timeline: " in " " + l), None)
if title is None:
    fail("no strip title in " + dump)
row = title + 1
line = lines[row]
if not line.lstrip().startswith("cpu0") or "|" not in line:
    fail("no cpu0 row with the present marked under the title: %r" % line)
col = line.index("|")
m = re.search(r"CONTEXT (\d+)  MODE (\d+)", "\n".join(lines))
if not m:
    fail("the inspector shows no CONTEXT")
ctx = int(m.group(1))
want = ctx_colours()[ctx % 8]
fw, fh = font_size()
w, h, rows = pngread.read(png)
x, y = col * fw, row * fh  # the cell's top-left pixel: background, not glyph
got = rows[y][3 * x : 3 * x + 3]
got = got[0] << 16 | got[1] << 8 | got[2]
if got != want:
    fail("the present's cell at (%d, %d) is #%06x, CONTEXT %d's colour is #%06x" % (col, row, got, ctx, want))
# the run before the present is drawn too (several cells of colour)
left = sum(1 for c in range(col - 8, col) if (lambda p: p[0] << 16 | p[1] << 8 | p[2])(rows[y][3 * c * fw : 3 * c * fw + 3]) in ctx_colours())
if left < 4:
    fail("the strip left of the present is not drawn in CONTEXT colours")
print("check_strip: CPU 0's present at cell (%d, %d) in CONTEXT %d's colour #%06x" % (col, row, ctx, want))
