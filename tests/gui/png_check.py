#!/usr/bin/env python3
"""png_check.py DIR: decodes what test_png wrote (ui/screen/png.c) with zlib and
checks sizes and pixels."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pngread  # noqa: E402

d = sys.argv[1]
w, h, rows = pngread.read(os.path.join(d, "big.png"))
assert (w, h) == (300, 250), (w, h)
for x, y in ((0, 0), (299, 0), (0, 249), (123, 45), (299, 249), (200, 200)):
    got = tuple(rows[y][3 * x : 3 * x + 3])
    want = (x & 255, y & 255, (x * y) & 255)
    assert got == want, ((x, y), got, want)
w, h, rows = pngread.read(os.path.join(d, "tiny.png"))
assert (w, h) == (1, 1) and rows[0] == b"\x12\x34\x56", (w, h, rows)
print("png_check: big.png 300x250 and tiny.png 1x1 decode with the right pixels")
