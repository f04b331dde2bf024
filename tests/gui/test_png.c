/* Writes PNGs with ui/screen/png.c for tests/gui/png_check.py to decode: a
 * gradient whose compressed data spans several IDAT chunks, with rows
 * `stride` bytes apart and padding between them; a screen-sized picture
 * that is mostly one colour, which must come out compressed (a fraction of
 * its raw size); and a 1x1 one.
 *
 * usage: test_png DIR   (writes DIR/big.png, DIR/screen.png and DIR/tiny.png) */
#include <stdio.h>
#include <stdlib.h>

#include "ui/screen/png.h"
#include "tests/unit/unit.h"

#define W      300
#define H      250
#define STRIDE (W * 3 + 7)

#define SCREEN_W 1152
#define SCREEN_H 754

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    EXPECT(f != NULL);
    EXPECT(fseek(f, 0, SEEK_END) == 0);
    long n = ftell(f);
    fclose(f);
    return n;
}

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

    /* a dark screen with a light box of "text" (a pattern) in it */
    static uint8_t screen[SCREEN_W * SCREEN_H * 3];
    for (int y = 0; y < SCREEN_H; y++)
        for (int x = 0; x < SCREEN_W; x++) {
            uint8_t *p = &screen[(y * SCREEN_W + x) * 3];
            uint8_t v = x >= 100 && x < 400 && y >= 50 && y < 63 && (x ^ y) % 3 == 0 ? 0xe0 : 0x10;
            p[0] = p[1] = p[2] = v;
        }
    snprintf(path, sizeof path, "%s/screen.png", argv[1]);
    EXPECT(png_write(path, screen, SCREEN_W, SCREEN_H, SCREEN_W * 3, err, sizeof err) == 0);
    long raw = (1 + SCREEN_W * 3L) * SCREEN_H, size = file_size(path);
    printf("test_png: screen.png %dx%d is %ld bytes (%ld raw)\n", SCREEN_W, SCREEN_H, size, raw);
    EXPECT(size < raw / 50); /* deflated, not stored */

    const uint8_t tiny[3] = {0x12, 0x34, 0x56};
    snprintf(path, sizeof path, "%s/tiny.png", argv[1]);
    EXPECT(png_write(path, tiny, 1, 1, 3, err, sizeof err) == 0);
    /* errors are one line naming the file */
    EXPECT(png_write("/nonexistent-dir/x.png", tiny, 1, 1, 3, err, sizeof err) == -1);
    EXPECT(err[0] == '/');
    EXPECT(png_write(path, tiny, 0, 1, 3, err, sizeof err) == -1);
    return 0;
}
