"""pngread: decodes the PNG files SPACE writes (8-bit RGB or RGBA, not
interlaced) with nothing but zlib, checking every chunk's CRC on the way."""
import struct
import zlib


class PNGError(Exception):
    pass


def read(path):
    """Returns (width, height, rows): rows[y] is a bytes of width*3 RGB."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise PNGError(path + ": no PNG signature")
    pos, idat, ihdr, chunks = 8, b"", None, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        ctype = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        if zlib.crc32(ctype + body) != crc:
            raise PNGError("%s: bad CRC in chunk %r" % (path, ctype))
        chunks.append(ctype)
        if ctype == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat += body
        pos += 12 + length
    if chunks[0] != b"IHDR" or chunks[-1] != b"IEND" or ihdr is None:
        raise PNGError("%s: chunks %r" % (path, chunks))
    w, h, depth, ctype, _comp, _filt, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise PNGError("%s: not 8-bit RGB(A), or interlaced" % path)
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)  # (checks the Adler-32 too)
    stride = 1 + w * bpp
    if len(raw) != h * stride:
        raise PNGError("%s: %d bytes of pixels for %dx%d" % (path, len(raw), w, h))
    rows = []
    for y in range(h):
        if raw[y * stride] != 0:
            raise PNGError("%s: row %d uses filter %d" % (path, y, raw[y * stride]))
        row = raw[y * stride + 1 : (y + 1) * stride]
        if bpp == 4:
            row = bytes(b for i, b in enumerate(row) if i % 4 != 3)
        rows.append(row)
    return w, h, rows
