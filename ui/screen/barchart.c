#include "barchart.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "font.h"
#include "png.h"

#define MARGIN       12
#define LINE         (FONT_H + 4)
#define PLOT_H       280 /* pixels from 0 to the top of the axis */
#define SWATCH       11  /* a legend entry's square */
#define LABEL_CHARS  12  /* the most of a value's label shown */
#define LEGEND_CHARS 32  /* the most of a series' name shown */
#define GROUP_LINES  3   /* the most lines of a group's label */
#define GROUP_GAP    24  /* between groups, when there is room */
#define GROUP_MIN                                                                                  \
    (12 * FONT_W + 8) /* a group's width, when there is room: 12 characters of label */
#define CLIP_OVER 8   /* how far a cut bar rises above the axis */
#define BAR_MAX   48  /* a bar's width with room to spare */

struct rgb {
    uint8_t r, g, b;
};

/* Okabe & Ito, "Color Universal Design" (2008): told apart with every
 * common colour-vision deficiency. The first series (the baseline) blue. */
static const struct rgb palette[8] = {
    {0x00, 0x72, 0xb2}, {0xe6, 0x9f, 0x00}, {0x00, 0x9e, 0x73}, {0xd5, 0x5e, 0x00},
    {0x56, 0xb4, 0xe9}, {0xcc, 0x79, 0xa7}, {0xf0, 0xe4, 0x42}, {0x00, 0x00, 0x00},
};
static const struct rgb white = {0xff, 0xff, 0xff}, ink = {0x20, 0x20, 0x20},
                        grey = {0x80, 0x80, 0x80}, grid = {0xe0, 0xe0, 0xe0},
                        outline = {0x40, 0x40, 0x40};

/* A one-cell "...", which the font lacks. */
static const uint8_t ellipsis[FONT_H] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x54, 0, 0};

struct image {
    uint8_t *px;
    int w, h;
};

static void put(struct image *im, int x, int y, struct rgb c)
{
    if (x < 0 || y < 0 || x >= im->w || y >= im->h)
        return;
    uint8_t *p = &im->px[((size_t)y * (size_t)im->w + (size_t)x) * 3];
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
}

static void fill(struct image *im, int x, int y, int w, int h, struct rgb c)
{
    for (int j = y; j < y + h; j++)
        for (int i = x; i < x + w; i++)
            put(im, i, j, c);
}

/* A bar or legend square in series s's colour; series from 8 on have white
 * stripes, since the palette has only 8 colours. */
static void swatch(struct image *im, int x, int y, int w, int h, unsigned s)
{
    struct rgb c = palette[s % 8];
    if (w >= 3 && h >= 3) {
        fill(im, x, y, w, h, outline);
        x++, y++, w -= 2, h -= 2;
    }
    for (int j = y; j < y + h; j++)
        for (int i = x; i < x + w; i++)
            put(im, i, j, s >= 8 && (i + j) % 6 < 2 ? white : c);
}

/* Draws n characters of s from (x, y), the top left, the last one as an
 * ellipsis if dots. upright: reading upwards from (x, y), the bottom left. */
static void glyphs(struct image *im, int x, int y, const char *s, unsigned n, bool dots,
                   struct rgb c, bool upright)
{
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *rows = dots && i == n - 1 ? ellipsis : font_glyph((unsigned char)s[i]);
        for (int r = 0; r < FONT_H; r++)
            for (int b = 0; b < FONT_W; b++)
                if (rows[r] & (0x80 >> b)) {
                    int gx = (int)i * FONT_W + b;
                    if (upright)
                        put(im, x + r, y - gx, c);
                    else
                        put(im, x + gx, y + r, c);
                }
    }
}

/* Draws at most max characters of s (nothing if s is NULL); a longer s
 * ends in an ellipsis. */
static void text(struct image *im, int x, int y, const char *s, unsigned max, struct rgb c,
                 bool upright)
{
    size_t len = s ? strlen(s) : 0;
    glyphs(im, x, y, s, len > max ? max : (unsigned)len, len > max, c, upright);
}

static unsigned text_len(const char *s, unsigned max)
{
    size_t len = s ? strlen(s) : 0;
    return len > max ? max : (unsigned)len;
}

/* A value in at most 7 characters: 4 significant digits, thousands as k,
 * M, G, ... (171801 is 171.8k, 0.043 stays 0.043). */
static void format_value(double v, char *out, size_t n)
{
    static const char suffix[] = " kMGTPE";
    if (isnan(v)) {
        snprintf(out, n, "n/a");
        return;
    }
    if (isinf(v)) {
        snprintf(out, n, v > 0 ? "inf" : "-inf");
        return;
    }
    double a = v < 0 ? -v : v, scale = 1;
    unsigned k = 0;
    if (a >= 1e4) {
        while (k + 1 < sizeof suffix - 1 && a / scale >= 999.95) {
            scale *= 1000;
            k++;
        }
        if (a / scale >= 999.95) {
            snprintf(out, n, "%.3g", v);
            return;
        }
    }
    if (k)
        snprintf(out, n, "%.4g%c", v / scale, suffix[k]);
    else
        snprintf(out, n, "%.4g", v);
}

/* The axis: 0 to top in ticks of step; values above clip_above are cut. */
struct axis {
    double top, step, clip_above;
    unsigned ticks;
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Ends the axis at a round number over the largest value that is not an
 * outlier (BARCHART_OUTLIER times the median of the positive values). */
static void make_axis(const double *v, unsigned n, struct axis *ax)
{
    double *pos = malloc(n * sizeof *pos);
    unsigned npos = 0;
    for (unsigned i = 0; pos && i < n; i++)
        if (isfinite(v[i]) && v[i] > 0)
            pos[npos++] = v[i];
    double vmax = 0;
    if (npos) {
        qsort(pos, npos, sizeof *pos, cmp_double);
        double cap = pos[npos / 2] * BARCHART_OUTLIER;
        for (unsigned i = 0; i < npos; i++)
            if (pos[i] <= cap)
                vmax = pos[i];
    }
    free(pos);
    if (!(vmax > 0))
        vmax = 1;
    ax->clip_above = vmax; /* (so +inf is cut too) */
    /* (powers of ten by hand: no libm to link on any host) */
    double rough = vmax / 5, mag = 1;
    if (!(rough > 1e-300) || !(rough < 1e300)) {
        ax->top = ax->step = vmax;
        ax->ticks = 1;
        return;
    }
    while (mag * 10 <= rough)
        mag *= 10;
    while (mag > rough)
        mag /= 10;
    static const double nice[] = {1, 2, 2.5, 5, 10};
    double norm = rough / mag, step = 10 * mag;
    for (unsigned i = 0; i < sizeof nice / sizeof nice[0]; i++)
        if (norm <= nice[i] * (1 + 1e-9)) {
            step = nice[i] * mag;
            break;
        }
    double q = vmax / step - 1e-9;
    unsigned ticks = (unsigned)q;
    if (ticks < q || !ticks)
        ticks++;
    ax->step = step;
    ax->ticks = ticks;
    ax->top = ticks * step;
    if (!isfinite(ax->top)) {
        ax->top = ax->step = vmax;
        ax->ticks = 1;
    }
}

/* Splits s into at most GROUP_LINES lines of at most cpl characters,
 * breaking after a space or punctuation where it can; the last line ends
 * in an ellipsis if s goes on. Returns the lines; start[i] and len[i] are
 * each line's, drawn with dots[i] set on the one cut. */
static unsigned wrap(const char *s, unsigned cpl, const char *start[], unsigned len[], bool dots[])
{
    unsigned n = 0;
    if (!s || !cpl)
        return 0;
    while (*s && n < GROUP_LINES) {
        size_t rest = strlen(s);
        start[n] = s;
        dots[n] = false;
        if (rest <= cpl) {
            len[n++] = (unsigned)rest;
            break;
        }
        if (n == GROUP_LINES - 1) {
            len[n] = cpl;
            dots[n++] = true;
            break;
        }
        unsigned cut = cpl;
        for (unsigned i = cpl; i > cpl / 2; i--)
            if (strchr(" ._-/", s[i - 1])) {
                cut = i;
                break;
            }
        len[n++] = cut;
        s += cut;
        while (*s == ' ')
            s++;
    }
    return n;
}

static int fail(char *err, unsigned errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* How the bars are laid out across the picture. */
struct layout {
    int left, plot_top, plot_bottom; /* the axis */
    int pitch, bar_pitch, bar_w;     /* a group's width, a bar's, a bar's filled part */
    int label_mode;                  /* 0: no value labels; 1: across; 2: upright */
    unsigned group_cpl, group_lines; /* characters per line of group labels, lines */
    int legend_y, legend_rows;
};

enum { NO_LABELS, ACROSS, UPRIGHT };

/* Where legend entry s goes, wrapping to a new row when the picture's
 * width is used up. Returns its row. */
static int legend_place(const struct barchart *c, unsigned s, int w, int *x)
{
    int row = 0, cx = MARGIN;
    for (unsigned i = 0; i <= s; i++) {
        const char *l = c->series_labels ? c->series_labels[i] : NULL;
        int ew = SWATCH + 6 + (int)text_len(l, LEGEND_CHARS) * FONT_W + 18;
        if (cx > MARGIN && cx + ew > w - MARGIN) {
            row++;
            cx = MARGIN;
        }
        *x = cx;
        cx += ew;
    }
    return row;
}

int barchart_write_png(const struct barchart *c, const char *path, char *err, unsigned errlen)
{
    if (!c || !c->ngroups)
        return fail(err, errlen, "bar chart: no groups (metrics) to draw");
    if (c->ngroups > BARCHART_MAX_GROUPS)
        return fail(err, errlen, "bar chart: %u groups, at most %u", c->ngroups,
                    BARCHART_MAX_GROUPS);
    if (!c->nseries)
        return fail(err, errlen, "bar chart: no series (kernels) to draw");
    if (c->nseries > BARCHART_MAX_SERIES)
        return fail(err, errlen, "bar chart: %u series, at most %u", c->nseries,
                    BARCHART_MAX_SERIES);
    if (!c->values)
        return fail(err, errlen, "bar chart: no values");
    if (!path)
        return fail(err, errlen, "bar chart: no file to write");

    unsigned nbars = c->ngroups * c->nseries;
    char(*labels)[LABEL_CHARS * 4] = calloc(nbars, sizeof *labels);
    if (!labels)
        return fail(err, errlen, "bar chart: out of memory");
    unsigned label_w = 0;
    for (unsigned i = 0; i < nbars; i++) {
        const char *given = c->value_labels ? c->value_labels[i] : NULL;
        if (given && !isnan(c->values[i]))
            snprintf(labels[i], sizeof labels[i], "%s", given);
        else
            format_value(c->values[i], labels[i], sizeof labels[i]);
        unsigned n = text_len(labels[i], LABEL_CHARS);
        if (n > label_w)
            label_w = n;
    }
    label_w *= FONT_W;

    struct axis ax;
    make_axis(c->values, nbars, &ax);
    unsigned tick_w = 0;
    for (unsigned i = 0; i <= ax.ticks; i++) {
        char t[32];
        format_value(ax.step * i, t, sizeof t);
        if (strlen(t) > tick_w)
            tick_w = (unsigned)strlen(t);
    }

    /* Across if the labels fit over the bars, else upright, else none. */
    struct layout L;
    L.left = MARGIN + (int)tick_w * FONT_W + 8;
    int avail = BARCHART_MAX_W - L.left - MARGIN, gap = GROUP_GAP, ng = (int)c->ngroups,
        ns = (int)c->nseries;
    L.bar_pitch = (int)label_w + 4 > 20 ? (int)label_w + 4 : 20;
    L.label_mode = ACROSS;
    if (ng * (ns * L.bar_pitch + gap) > avail) {
        L.bar_pitch = FONT_H + 5;
        L.label_mode = UPRIGHT;
    }
    if (ng * (ns * L.bar_pitch + gap) > avail) {
        gap = avail / ng / 8 > 1 ? avail / ng / 8 : 1;
        L.bar_pitch = (avail / ng - gap) / ns;
        L.label_mode = NO_LABELS;
    }
    L.pitch = ns * L.bar_pitch + gap;
    int roomy = avail / ng < GROUP_MIN ? avail / ng : GROUP_MIN;
    if (L.pitch < roomy)
        L.pitch = roomy;
    int narrowest = (BARCHART_MIN_W - L.left - MARGIN + ng - 1) / ng;
    if (L.pitch < narrowest)
        L.pitch = narrowest;
    /* a roomy picture's bars widen, up to a point */
    int wide = (L.pitch - GROUP_GAP) / ns < BAR_MAX ? (L.pitch - GROUP_GAP) / ns : BAR_MAX;
    if (L.label_mode != NO_LABELS && L.bar_pitch < wide)
        L.bar_pitch = wide;
    int pad = L.bar_pitch >= 10 ? 4 : L.bar_pitch >= 3 ? 1 : 0;
    L.bar_w = L.bar_pitch - pad;
    int w = L.left + ng * L.pitch + MARGIN;

    L.group_cpl = L.pitch > 4 ? (unsigned)(L.pitch - 4) / FONT_W : 0;
    L.group_lines = 0;
    for (unsigned g = 0; g < c->ngroups; g++) {
        const char *st[GROUP_LINES];
        unsigned ln[GROUP_LINES];
        bool dots[GROUP_LINES];
        unsigned n = wrap(c->group_labels ? c->group_labels[g] : NULL, L.group_cpl, st, ln, dots);
        if (n > L.group_lines)
            L.group_lines = n;
    }

    int y = MARGIN + LINE + (c->note ? LINE : 0) + 4, lx;
    L.legend_y = y;
    L.legend_rows = legend_place(c, c->nseries - 1, w, &lx) + 1;
    y += L.legend_rows * LINE + 8;
    int headroom = L.label_mode == UPRIGHT ? (int)label_w + 6 : LINE;
    L.plot_top = y + CLIP_OVER + headroom;
    L.plot_bottom = L.plot_top + PLOT_H;
    int h = L.plot_bottom + 8 + (int)L.group_lines * (FONT_H + 2) + MARGIN;

    struct image im = {malloc((size_t)w * (size_t)h * 3), w, h};
    if (!im.px) {
        free(labels);
        return fail(err, errlen, "bar chart: out of memory for a %dx%d picture", w, h);
    }
    memset(im.px, 0xff, (size_t)w * (size_t)h * 3);

    unsigned cpl = (unsigned)(w - 2 * MARGIN) / FONT_W;
    text(&im, MARGIN, MARGIN, c->title, cpl, ink, false); /* bold: twice, a pixel apart */
    text(&im, MARGIN + 1, MARGIN, c->title, cpl, ink, false);
    text(&im, MARGIN, MARGIN + LINE, c->note, cpl, grey, false);
    for (unsigned s = 0; s < c->nseries; s++) {
        int row = legend_place(c, s, w, &lx), ly = L.legend_y + row * LINE;
        swatch(&im, lx, ly + 1, SWATCH, SWATCH, s);
        text(&im, lx + SWATCH + 6, ly, c->series_labels ? c->series_labels[s] : NULL, LEGEND_CHARS,
             ink, false);
    }

    int plot_right = L.left + ng * L.pitch;
    for (unsigned i = 0; i <= ax.ticks; i++) {
        int ty = L.plot_bottom - (int)(ax.step * i / ax.top * PLOT_H + 0.5);
        fill(&im, L.left, ty, plot_right - L.left, 1, grid);
        fill(&im, L.left - 4, ty, 4, 1, outline);
        char t[32];
        format_value(ax.step * i, t, sizeof t);
        text(&im, L.left - 6 - (int)strlen(t) * FONT_W, ty - FONT_H / 2, t, 32, ink, false);
    }

    for (unsigned g = 0; g < c->ngroups; g++) {
        int gx = L.left + (int)g * L.pitch, bx0 = gx + (L.pitch - ns * L.bar_pitch) / 2;
        for (unsigned s = 0; s < c->nseries; s++) {
            unsigned i = g * c->nseries + s;
            double v = c->values[i];
            int bx = bx0 + (int)s * L.bar_pitch + pad / 2, bh = 0;
            bool cut = v > ax.clip_above;
            if (cut)
                bh = PLOT_H + CLIP_OVER;
            else if (v > 0) {
                bh = (int)(v / ax.top * PLOT_H + 0.5);
                bh = bh < 1 ? 1 : bh > PLOT_H ? PLOT_H : bh;
            }
            int top = L.plot_bottom - bh;
            if (bh)
                swatch(&im, bx, top, L.bar_w, bh, s);
            if (cut) /* a zigzag band across the bar: the bar goes on */
                for (int x = bx; x < bx + L.bar_w; x++) {
                    int zy = top + CLIP_OVER + abs(x % 6 - 3);
                    fill(&im, x, zy, 1, 3, white);
                }
            struct rgb lc = isnan(v) ? grey : ink;
            unsigned n = text_len(labels[i], LABEL_CHARS);
            if (L.label_mode == ACROSS)
                text(&im, bx + (L.bar_w - (int)n * FONT_W) / 2, top - 2 - FONT_H, labels[i],
                     LABEL_CHARS, lc, false);
            else if (L.label_mode == UPRIGHT)
                text(&im, bx + (L.bar_w - FONT_H) / 2, top - 3, labels[i], LABEL_CHARS, lc, true);
        }
        const char *st[GROUP_LINES];
        unsigned ln[GROUP_LINES];
        bool dots[GROUP_LINES];
        unsigned n = wrap(c->group_labels ? c->group_labels[g] : NULL, L.group_cpl, st, ln, dots);
        for (unsigned k = 0; k < n; k++)
            glyphs(&im, gx + (L.pitch - (int)ln[k] * FONT_W) / 2,
                   L.plot_bottom + 8 + (int)k * (FONT_H + 2), st[k], ln[k], dots[k], ink, false);
    }
    fill(&im, L.left - 1, L.plot_top - CLIP_OVER, 1, PLOT_H + CLIP_OVER + 1, outline);
    fill(&im, L.left - 1, L.plot_bottom, plot_right - L.left + 1, 1, outline);

    int rc = png_write(path, im.px, (uint32_t)w, (uint32_t)h, (uint32_t)w * 3, err, errlen);
    free(im.px);
    free(labels);
    return rc;
}
