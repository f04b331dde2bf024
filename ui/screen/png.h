/* png: writes an RGB picture as a PNG file (the window's screenshots),
 * compressed with zlib's deflate - a screen of text is mostly one colour,
 * so a 1152x754 picture of 2.6 MB becomes some tens of kB. Rows are not
 * filtered (filter type 0), which keeps the file exact and simple to
 * decode (tests/gui/pngread.py). */
#ifndef SPACE_PNG_H
#define SPACE_PNG_H

#include <stdint.h>

/* Writes w x h pixels, rows `stride` bytes apart, each pixel 3 bytes (red,
 * green, blue), as an 8-bit RGB PNG at path. Returns 0, or -1 with a
 * one-line reason in err. */
int png_write(const char *path, const uint8_t *rgb, uint32_t w, uint32_t h, uint32_t stride,
              char *err, unsigned errlen);

#endif
