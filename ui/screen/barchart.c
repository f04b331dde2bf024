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
/* A group's width when there is room: 12 characters of its label. */
#define GROUP_MIN (12 * FONT_W + 8)
#define CLIP_OVER 8  /* how far a cut bar rises above the axis */
#define BAR_MAX   48 /* a bar's width with room to spare */

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
    if (a >= 9999.5) { /* (what %.4g would write as 1e+04) */
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
    double pos[BARCHART_MAX_GROUPS * BARCHART_MAX_SERIES];
    unsigned npos = 0;
    for (unsigned i = 0; i < n; i++)
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

enum label_mode { NO_LABELS, ACROSS, UPRIGHT };

/* A chart to draw: what the caller gave, the text over each bar, the axis,
 * and where everything goes. */
struct plan {
    const struct barchart *c;
    char (*labels)[LABEL_CHARS * 4];
    int label_w; /* pixels: the widest label over a bar */
    struct axis ax;
    int w, h;
    int left, plot_top, plot_bottom; /* the axis */
    int pitch, gap;                  /* a group's width, the least space between groups */
    int bar_pitch, bar_w, pad;       /* a bar's width, its filled part, the space beside it */
    enum label_mode mode;
    unsigned group_cpl; /* characters per line of a group's label */
    int legend_y;
};

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

static unsigned group_lines(const struct barchart *c, unsigned g, unsigned cpl, const char *start[],
                            unsigned len[], bool dots[])
{
    return wrap(c->group_labels ? c->group_labels[g] : NULL, cpl, start, len, dots);
}

/* Bars with their labels across if that fits in BARCHART_MAX_W, else
 * narrower bars with upright labels, else as wide as fits without. */
static void plan_widths(struct plan *p)
{
    unsigned tick_w = 0;
    for (unsigned i = 0; i <= p->ax.ticks; i++) {
        char t[32];
        format_value(p->ax.step * i, t, sizeof t);
        if (strlen(t) > tick_w)
            tick_w = (unsigned)strlen(t);
    }
    p->left = MARGIN + (int)tick_w * FONT_W + 8;
    int avail = BARCHART_MAX_W - p->left - MARGIN, ng = (int)p->c->ngroups, ns = (int)p->c->nseries;
    p->gap = GROUP_GAP;
    p->bar_pitch = p->label_w + 4 > 20 ? p->label_w + 4 : 20;
    p->mode = ACROSS;
    if (ng * (ns * p->bar_pitch + p->gap) > avail) {
        p->gap = GROUP_GAP / 2;
        p->bar_pitch = FONT_H + 2;
        p->mode = UPRIGHT;
    }
    if (ng * (ns * p->bar_pitch + p->gap) > avail) {
        p->gap = avail / ng / 8 > 1 ? avail / ng / 8 : 1;
        p->bar_pitch = (avail / ng - p->gap) / ns;
        p->mode = NO_LABELS;
    }
    /* Groups get room for their labels, and the picture its least width,
     * when there is room; then the bars widen, up to a point. */
    p->pitch = ns * p->bar_pitch + p->gap;
    int roomy = avail / ng < GROUP_MIN ? avail / ng : GROUP_MIN;
    int narrowest = (BARCHART_MIN_W - p->left - MARGIN) / ng;
    p->pitch = p->pitch > roomy ? p->pitch : roomy;
    p->pitch = p->pitch > narrowest ? p->pitch : narrowest;
    int wide = (p->pitch - p->gap) / ns < BAR_MAX ? (p->pitch - p->gap) / ns : BAR_MAX;
    if (p->mode != NO_LABELS && p->bar_pitch < wide)
        p->bar_pitch = wide;
    p->pad = p->bar_pitch >= 10 ? 4 : p->bar_pitch >= 3 ? 1 : 0;
    p->bar_w = p->bar_pitch - p->pad;
    p->w = p->left + ng * p->pitch + MARGIN;
    p->w = p->w > BARCHART_MIN_W ? p->w : BARCHART_MIN_W; /* (the rest of a division) */
    p->group_cpl = p->pitch > 8 ? (unsigned)(p->pitch - 8) / FONT_W : 0;
}

/* From the top: title, note, legend, the labels over the tallest bars,
 * the plot, the groups' labels. */
static void plan_heights(struct plan *p)
{
    const struct barchart *c = p->c;
    unsigned lines = 0;
    for (unsigned g = 0; g < c->ngroups; g++) {
        const char *st[GROUP_LINES];
        unsigned ln[GROUP_LINES];
        bool dots[GROUP_LINES];
        unsigned n = group_lines(c, g, p->group_cpl, st, ln, dots);
        lines = n > lines ? n : lines;
    }
    int lx;
    p->legend_y = MARGIN + LINE + (c->note ? LINE : 0) + 4;
    int legend_rows = legend_place(c, c->nseries - 1, p->w, &lx) + 1;
    int headroom = p->mode == UPRIGHT ? p->label_w + 6 : LINE;
    p->plot_top = p->legend_y + legend_rows * LINE + 8 + CLIP_OVER + headroom;
    p->plot_bottom = p->plot_top + PLOT_H;
    p->h = p->plot_bottom + 8 + (int)lines * (FONT_H + 2) + MARGIN;
}

static void draw_header(const struct plan *p, struct image *im)
{
    const struct barchart *c = p->c;
    unsigned cpl = (unsigned)(p->w - 2 * MARGIN) / FONT_W;
    text(im, MARGIN, MARGIN, c->title, cpl, ink, false); /* bold: twice, a pixel apart */
    text(im, MARGIN + 1, MARGIN, c->title, cpl, ink, false);
    text(im, MARGIN, MARGIN + LINE, c->note, cpl, grey, false);
    for (unsigned s = 0; s < c->nseries; s++) {
        int lx, ly = p->legend_y + legend_place(c, s, p->w, &lx) * LINE;
        swatch(im, lx, ly + 1, SWATCH, SWATCH, s);
        text(im, lx + SWATCH + 6, ly, c->series_labels ? c->series_labels[s] : NULL, LEGEND_CHARS,
             ink, false);
    }
}

/* Gridlines and their values; the axes go over the bars, at the end. */
static void draw_grid(const struct plan *p, struct image *im)
{
    int right = p->left + (int)p->c->ngroups * p->pitch;
    for (unsigned i = 0; i <= p->ax.ticks; i++) {
        int ty = p->plot_bottom - (int)(p->ax.step * i / p->ax.top * PLOT_H + 0.5);
        fill(im, p->left, ty, right - p->left, 1, grid);
        fill(im, p->left - 4, ty, 4, 1, outline);
        char t[32];
        format_value(p->ax.step * i, t, sizeof t);
        text(im, p->left - 6 - (int)strlen(t) * FONT_W, ty - FONT_H / 2, t, 32, ink, false);
    }
}

static void draw_axes(const struct plan *p, struct image *im)
{
    int right = p->left + (int)p->c->ngroups * p->pitch;
    fill(im, p->left - 1, p->plot_top - CLIP_OVER, 1, PLOT_H + CLIP_OVER + 1, outline);
    fill(im, p->left - 1, p->plot_bottom, right - p->left + 1, 1, outline);
}

/* Bar s of group g (its left at bx) and the label over it. */
static void draw_bar(const struct plan *p, struct image *im, unsigned g, unsigned s, int bx)
{
    unsigned i = g * p->c->nseries + s;
    double v = p->c->values[i];
    bool cut = v > p->ax.clip_above;
    int bh = 0;
    if (cut)
        bh = PLOT_H + CLIP_OVER;
    else if (v > 0) {
        bh = (int)(v / p->ax.top * PLOT_H + 0.5);
        bh = bh < 1 ? 1 : bh > PLOT_H ? PLOT_H : bh;
    }
    int top = p->plot_bottom - bh;
    if (bh)
        swatch(im, bx, top, p->bar_w, bh, s);
    if (cut) /* a zigzag band across the bar: the bar goes on */
        for (int x = bx; x < bx + p->bar_w; x++)
            fill(im, x, top + CLIP_OVER + abs(x % 6 - 3), 1, 3, white);
    struct rgb lc = isnan(v) ? grey : ink;
    int n = (int)text_len(p->labels[i], LABEL_CHARS);
    if (p->mode == ACROSS)
        text(im, bx + (p->bar_w - n * FONT_W) / 2, top - 2 - FONT_H, p->labels[i], LABEL_CHARS, lc,
             false);
    else if (p->mode == UPRIGHT)
        text(im, bx + (p->bar_w - FONT_H) / 2, top - 3, p->labels[i], LABEL_CHARS, lc, true);
}

static void draw_group(const struct plan *p, struct image *im, unsigned g)
{
    int ns = (int)p->c->nseries, gx = p->left + (int)g * p->pitch;
    int bx = gx + (p->pitch - ns * p->bar_pitch) / 2 + p->pad / 2;
    for (unsigned s = 0; s < p->c->nseries; s++)
        draw_bar(p, im, g, s, bx + (int)s * p->bar_pitch);
    const char *st[GROUP_LINES];
    unsigned ln[GROUP_LINES];
    bool dots[GROUP_LINES];
    unsigned n = group_lines(p->c, g, p->group_cpl, st, ln, dots);
    for (unsigned k = 0; k < n; k++)
        glyphs(im, gx + (p->pitch - (int)ln[k] * FONT_W) / 2,
               p->plot_bottom + 8 + (int)k * (FONT_H + 2), st[k], ln[k], dots[k], ink, false);
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
    struct plan p = {.c = c, .labels = calloc(nbars, sizeof *p.labels)};
    if (!p.labels)
        return fail(err, errlen, "bar chart: out of memory");
    for (unsigned i = 0; i < nbars; i++) {
        const char *given = c->value_labels ? c->value_labels[i] : NULL;
        if (given && !isnan(c->values[i]))
            snprintf(p.labels[i], sizeof p.labels[i], "%s", given);
        else
            format_value(c->values[i], p.labels[i], sizeof p.labels[i]);
        int n = (int)text_len(p.labels[i], LABEL_CHARS) * FONT_W;
        p.label_w = n > p.label_w ? n : p.label_w;
    }
    make_axis(c->values, nbars, &p.ax);
    plan_widths(&p);
    plan_heights(&p);

    struct image im = {malloc((size_t)p.w * (size_t)p.h * 3), p.w, p.h};
    if (!im.px) {
        free(p.labels);
        return fail(err, errlen, "bar chart: out of memory for a %dx%d picture", p.w, p.h);
    }
    memset(im.px, 0xff, (size_t)p.w * (size_t)p.h * 3);
    draw_header(&p, &im);
    draw_grid(&p, &im);
    for (unsigned g = 0; g < c->ngroups; g++)
        draw_group(&p, &im, g);
    draw_axes(&p, &im);
    int rc = png_write(path, im.px, (uint32_t)p.w, (uint32_t)p.h, (uint32_t)p.w * 3, err, errlen);
    free(im.px);
    free(p.labels);
    return rc;
}
