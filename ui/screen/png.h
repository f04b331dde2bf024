/* png: writes an RGB picture as a PNG file, with no image library: the
 * pixels go into zlib "stored" (uncompressed) deflate blocks, so the file
 * is about as big as the picture (3 bytes a pixel) - simple, exact and
 * fast, which is what screenshots of the window need. */
#ifndef SPACE_PNG_H
#define SPACE_PNG_H

#include <stdint.h>

/* Writes w x h pixels, rows `stride` bytes apart, each pixel 3 bytes (red,
 * green, blue), as an 8-bit RGB PNG at path. Returns 0, or -1 with a
 * one-line reason in err. */
int png_write(const char *path, const uint8_t *rgb, uint32_t w, uint32_t h, uint32_t stride,
              char *err, unsigned errlen);

#endif
