#!/usr/bin/env python3
"""png_check.py DIR: decodes what test_png wrote (ui/screen/png.c) with zlib and
checks sizes and pixels, and that the screen-sized picture was compressed."""
import os
import struct
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

path = os.path.join(d, "screen.png")
w, h, rows = pngread.read(path)
assert (w, h) == (1152, 754), (w, h)
for y in range(h):
    for x in (0, 99, 100, 101, 102, 399, 400, 1151):
        lit = 100 <= x < 400 and 50 <= y < 63 and (x ^ y) % 3 == 0
        want = (0xE0,) * 3 if lit else (0x10,) * 3
        got = tuple(rows[y][3 * x : 3 * x + 3])
        assert got == want, ((x, y), got, want)
# deflated: the IDAT data is a small part of the picture, and not in
# stored blocks (BTYPE 00 after the two-byte zlib header)
data = open(path, "rb").read()
size, raw = len(data), (1 + 3 * w) * h
assert size * 50 < raw, (size, raw)
(ihdr_len,) = struct.unpack(">I", data[8:12])
idat = 8 + 12 + ihdr_len
assert data[idat + 4 : idat + 8] == b"IDAT", data[idat + 4 : idat + 8]
assert (data[idat + 10] >> 1) & 3 != 0, "the first deflate block is stored"

w, h, rows = pngread.read(os.path.join(d, "tiny.png"))
assert (w, h) == (1, 1) and rows[0] == b"\x12\x34\x56", (w, h, rows)
print(f"png_check: big.png 300x250, screen.png 1152x754 ({size} bytes, {raw} raw) "
      "and tiny.png 1x1 decode with the right pixels")
