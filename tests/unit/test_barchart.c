/* Bar charts (ui/screen/barchart.c) written as PNGs and decoded back here
 * with zlib: the picture's size, bar heights in proportion to the values
 * (measured in the series' own colour), the gap of a NaN, the legend's
 * colours, cut outliers that do not flatten the other bars, the same
 * bytes for the same chart, and the errors.
 *
 * usage: test_barchart DIR   (writes DIR/barchart-*.png) */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "tests/unit/unit.h"
#include "ui/screen/barchart.h"

/* The first three colours of the palette barchart.c draws series in. */
static const uint8_t series_rgb[3][3] = {
    {0x00, 0x72, 0xb2}, {0xe6, 0x9f, 0x00}, {0x00, 0x9e, 0x73}};

struct picture {
    uint32_t w, h;
    uint8_t *rgb;
};

static uint8_t *slurp(const char *path, long *size)
{
    FILE *f = fopen(path, "rb");
    EXPECT(f != NULL);
    EXPECT(fseek(f, 0, SEEK_END) == 0);
    *size = ftell(f);
    rewind(f);
    uint8_t *b = malloc((size_t)*size + 1);
    EXPECT(b && fread(b, 1, (size_t)*size, f) == (size_t)*size);
    fclose(f);
    return b;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Decodes an 8-bit RGB PNG whose rows are unfiltered (what png.c writes). */
static struct picture decode(const char *path)
{
    long size;
    uint8_t *b = slurp(path, &size);
    EXPECT(size > 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0);
    struct picture p = {0, 0, NULL};
    uint8_t *z = malloc((size_t)size);
    size_t zlen = 0;
    for (long at = 8; at + 12 <= size;) {
        uint32_t len = get32(b + at);
        const uint8_t *type = b + at + 4, *data = b + at + 8;
        EXPECT(at + 12 + (long)len <= size);
        if (!memcmp(type, "IHDR", 4)) {
            p.w = get32(data);
            p.h = get32(data + 4);
            EXPECT(data[8] == 8 && data[9] == 2); /* 8-bit RGB */
        } else if (!memcmp(type, "IDAT", 4)) {
            memcpy(z + zlen, data, len);
            zlen += len;
        }
        at += 12 + (long)len;
    }
    EXPECT(p.w && p.h);
    uLongf rowlen = 1 + 3 * (uLongf)p.w, rawlen = rowlen * p.h;
    uint8_t *raw = malloc(rawlen);
    EXPECT(uncompress(raw, &rawlen, z, (uLong)zlen) == Z_OK);
    EXPECT(rawlen == rowlen * p.h);
    p.rgb = malloc(3 * (size_t)p.w * p.h);
    for (uint32_t y = 0; y < p.h; y++) {
        EXPECT(raw[y * rowlen] == 0); /* filter: none */
        memcpy(p.rgb + 3 * (size_t)p.w * y, raw + y * rowlen + 1, 3 * (size_t)p.w);
    }
    free(raw);
    free(z);
    free(b);
    return p;
}

static bool is(const struct picture *p, uint32_t x, uint32_t y, const uint8_t c[3])
{
    return !memcmp(p->rgb + 3 * ((size_t)y * p->w + x), c, 3);
}

/* For colour c: the longest run down one column, how many columns have a
 * run longer than a legend square (bars), and whether c appears above row
 * `above` (the legend). */
struct colour_use {
    uint32_t longest, bar_columns;
    bool in_legend;
};

static struct colour_use measure(const struct picture *p, const uint8_t c[3], uint32_t above)
{
    struct colour_use u = {0, 0, false};
    for (uint32_t x = 0; x < p->w; x++) {
        uint32_t run = 0, best = 0;
        for (uint32_t y = 0; y < p->h; y++) {
            run = is(p, x, y, c) ? run + 1 : 0;
            best = run > best ? run : best;
            if (run && y < above)
                u.in_legend = true;
        }
        u.longest = best > u.longest ? best : u.longest;
        u.bar_columns += best > 12;
    }
    return u;
}

static bool same_file(const char *a, const char *b)
{
    long na, nb;
    uint8_t *x = slurp(a, &na), *y = slurp(b, &nb);
    bool same = na == nb && !memcmp(x, y, (size_t)na);
    free(x);
    free(y);
    return same;
}

static char dir[900];

static const char *file(const char *name)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/barchart-%s.png", dir, name);
    return path;
}

static const char *const kernels[3] = {"builtin", "mlfq", "nothing"};

/* Two metrics, three kernels: the baseline at 1, the second at 2 and
 * then NaN, the third NaN throughout (only in the legend). */
static void proportions(void)
{
    const char *const metrics[2] = {"console.response_mean", "context_switches"};
    const double v[6] = {1.0, 2.0, NAN, 1.0, NAN, NAN};
    struct barchart c = {"sched workload",
                         "relative to builtin = 1.00; lower is better",
                         2,
                         metrics,
                         3,
                         kernels,
                         v,
                         NULL};
    char err[256];
    EXPECT(barchart_write_png(&c, file("proportions"), err, sizeof err) == 0);
    struct picture p = decode(file("proportions"));
    EXPECT(p.w == BARCHART_MIN_W);
    EXPECT(p.h > 300 && p.h < 600);
    struct colour_use one = measure(&p, series_rgb[0], 80), two = measure(&p, series_rgb[1], 80),
                      none = measure(&p, series_rgb[2], 80);
    printf("test_barchart: %ux%u, bar of 1.0 %u px, of 2.0 %u px, %u and %u columns\n", p.w, p.h,
           one.longest, two.longest, one.bar_columns, two.bar_columns);
    /* (a bar's colour is inside a 1-pixel outline) */
    EXPECT(one.longest > 50);
    EXPECT(abs((int)(two.longest + 2) - 2 * (int)(one.longest + 2)) <= 2);
    /* the NaN is a gap: one bar of series 1 where series 0 has two */
    EXPECT(one.bar_columns > 4 && two.bar_columns * 2 == one.bar_columns);
    EXPECT(none.bar_columns == 0);
    EXPECT(one.in_legend && two.in_legend && none.in_legend);
    /* each NaN says n/a in grey, the only grey under the note */
    static const uint8_t grey[3] = {0x80, 0x80, 0x80};
    unsigned grey_px = 0;
    for (uint32_t y = 80; y < p.h; y++)
        for (uint32_t x = 0; x < p.w; x++)
            grey_px += is(&p, x, y, grey);
    EXPECT(grey_px > 3 * 20);
    free(p.rgb);

    /* the same chart, the same bytes */
    EXPECT(barchart_write_png(&c, file("proportions2"), err, sizeof err) == 0);
    EXPECT(same_file(file("proportions"), file("proportions2")));
}

/* inf and a value far above the rest are cut, not the scale of the others;
 * a negative value, NULL labels and a NULL note draw nothing. */
static void odd_values(void)
{
    const char *const metrics[2] = {NULL, "a metric whose label goes on and on and on and on"};
    const double v[6] = {1.0, INFINITY, 1.2, 1e300, 1.0, -5};
    const char *const raw[6] = {"1234567", NULL, "a label longer than twelve", "x", NULL, "-5"};
    struct barchart c = {NULL, NULL, 2, metrics, 3, NULL, v, raw};
    char err[256];
    EXPECT(barchart_write_png(&c, file("odd"), err, sizeof err) == 0);
    struct picture p = decode(file("odd"));
    struct colour_use base = measure(&p, series_rgb[0], 0);
    EXPECT(base.longest > 150); /* 1.0 of an axis to 1.25, not of 1e300 */
    free(p.rgb);
    c.group_labels = NULL;
    c.value_labels = NULL;
    EXPECT(barchart_write_png(&c, file("odd"), err, sizeof err) == 0);
}

/* The picture grows with the bars, up to BARCHART_MAX_W. */
static void sizes(void)
{
    static double v[BARCHART_MAX_GROUPS * BARCHART_MAX_SERIES];
    static char names[BARCHART_MAX_GROUPS][40], snames[BARCHART_MAX_SERIES][40];
    static const char *gl[BARCHART_MAX_GROUPS], *sl[BARCHART_MAX_SERIES];
    for (unsigned i = 0; i < BARCHART_MAX_GROUPS * BARCHART_MAX_SERIES; i++)
        v[i] = (i % 7 + 1) * 12345.678;
    for (unsigned g = 0; g < BARCHART_MAX_GROUPS; g++) {
        snprintf(names[g], sizeof names[g], "contexts.%u.pages_mapped_max", g);
        gl[g] = names[g];
    }
    for (unsigned s = 0; s < BARCHART_MAX_SERIES; s++) {
        snprintf(snames[s], sizeof snames[s], "kernel-%u.elf", s);
        sl[s] = snames[s];
    }
    struct barchart c = {"many", NULL, 6, gl, 2, sl, v, NULL};
    char err[256];
    uint32_t last = 0;
    const unsigned shapes[][2] = {
        {6, 2}, {12, 4}, {30, 8}, {BARCHART_MAX_GROUPS, BARCHART_MAX_SERIES}};
    for (unsigned i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        c.ngroups = shapes[i][0];
        c.nseries = shapes[i][1];
        EXPECT(barchart_write_png(&c, file("many"), err, sizeof err) == 0);
        struct picture p = decode(file("many"));
        printf("test_barchart: %u groups of %u: %ux%u\n", c.ngroups, c.nseries, p.w, p.h);
        EXPECT(p.w > last && p.w >= BARCHART_MIN_W && p.w <= BARCHART_MAX_W);
        last = p.w;
        free(p.rgb);
    }
    EXPECT(last == BARCHART_MAX_W || last > BARCHART_MAX_W - 64);
}

static void errors(void)
{
    const double v[2] = {1, 2};
    struct barchart c = {"t", NULL, 1, NULL, 2, kernels, v, NULL};
    char err[256];
    c.ngroups = 0;
    EXPECT(barchart_write_png(&c, file("e"), err, sizeof err) == -1 && strstr(err, "no groups"));
    c.ngroups = BARCHART_MAX_GROUPS + 1;
    EXPECT(barchart_write_png(&c, file("e"), err, sizeof err) == -1 && strstr(err, "at most 64"));
    c.ngroups = 1;
    c.nseries = 0;
    EXPECT(barchart_write_png(&c, file("e"), err, sizeof err) == -1 && strstr(err, "no series"));
    c.nseries = BARCHART_MAX_SERIES + 1;
    EXPECT(barchart_write_png(&c, file("e"), err, sizeof err) == -1 && strstr(err, "at most 16"));
    c.nseries = 2;
    c.values = NULL;
    EXPECT(barchart_write_png(&c, file("e"), err, sizeof err) == -1 && strstr(err, "no values"));
    c.values = v;
    EXPECT(barchart_write_png(NULL, file("e"), err, sizeof err) == -1);
    EXPECT(barchart_write_png(&c, "/nonexistent-dir/x.png", err, sizeof err) == -1);
    EXPECT(strstr(err, "/nonexistent-dir/x.png") && !strchr(err, '\n'));
    EXPECT(barchart_write_png(&c, "/nonexistent-dir/x.png", NULL, 0) == -1);
}

int main(int argc, char **argv)
{
    EXPECT(argc == 2);
    snprintf(dir, sizeof dir, "%s", argv[1]);
    proportions();
    odd_values();
    sizes();
    errors();
    return 0;
}
