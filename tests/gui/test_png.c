/* Writes PNGs with ui/screen/png.c for tests/gui/png_check.py to decode: a picture
 * bigger than one stored deflate block (so the data spans several), with
 * rows `stride` bytes apart and padding between them, and a 1x1 one.
 *
 * usage: test_png DIR   (writes DIR/big.png and DIR/tiny.png) */
#include <stdio.h>
#include <stdlib.h>

#include "ui/screen/png.h"
#include "tests/unit/unit.h"

#define W      300
#define H      250
#define STRIDE (W * 3 + 7)

int main(int argc, char **argv)
{
    EXPECT(argc == 2);
    static uint8_t big[STRIDE * H];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = &big[y * STRIDE + x * 3];
            p[0] = (uint8_t)x;
            p[1] = (uint8_t)y;
            p[2] = (uint8_t)(x * y);
        }
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/big.png", argv[1]);
    EXPECT(png_write(path, big, W, H, STRIDE, err, sizeof err) == 0);
    const uint8_t tiny[3] = {0x12, 0x34, 0x56};
    snprintf(path, sizeof path, "%s/tiny.png", argv[1]);
    EXPECT(png_write(path, tiny, 1, 1, 3, err, sizeof err) == 0);
    /* errors are one line naming the file */
    EXPECT(png_write("/nonexistent-dir/x.png", tiny, 1, 1, 3, err, sizeof err) == -1);
    EXPECT(err[0] == '/');
    EXPECT(png_write(path, tiny, 0, 1, 3, err, sizeof err) == -1);
    return 0;
}
