#include "strip.h"

#include <stdio.h>
#include <string.h>

#define MAX_ROWS 4 /* CPUs drawn */
#define LABEL    6 /* "cpu0  " */
#define MIN_SPAN 100u

/* What a cell shows: the slice that covers most of it. */
struct cell {
    uint64_t cover;
    uint32_t ctx;
    bool idle;
    bool start; /* a different CONTEXT than the cell before */
};

uint8_t strip_color(uint32_t ctx)
{
    return (uint8_t)(TG_CTX0 + ctx % TG_CTX_COLORS);
}

static uint64_t span_of(const struct timeline_strip *s)
{
    return s->span ? s->span : STRIP_SPAN;
}

unsigned strip_rows(const struct timeline_strip *s)
{
    if (!s->tl)
        return 0;
    unsigned n = timeline_cpus(s->tl);
    return 1 + (n < MAX_ROWS ? n : MAX_ROWS);
}

/* The time axis of n cells: [left, left + span), the present in the cell
 * `mark` (n - n/8 - 1 when not scrolled: the rest is the near future). */
static void axis(const struct timeline_strip *s, unsigned n, uint64_t *left, unsigned *mark)
{
    uint64_t span = span_of(s), now = timeline_now(s->tl, 0);
    *mark = n - n / 8 - 1;
    uint64_t before = span * *mark / n + s->back; /* time left of the present */
    *left = now > before ? now - before : 0;
}

static void fill_cells(const struct timeline_strip *s, unsigned cpu, uint64_t left, unsigned n,
                       struct cell *cells)
{
    uint64_t span = span_of(s), right = left + span;
    memset(cells, 0, n * sizeof *cells);
    struct timeline_slice sl;
    for (unsigned i = 0; timeline_slice(s->tl, cpu, i, &sl) && sl.end > left; i++) {
        if (sl.start >= right)
            continue;
        uint64_t a = sl.start > left ? sl.start : left, b = sl.end < right ? sl.end : right;
        unsigned c0 = (unsigned)((a - left) * n / span), c1 = (unsigned)((b - 1 - left) * n / span);
        for (unsigned c = c0; c <= c1 && c < n; c++) {
            uint64_t lo = left + span * c / n, hi = left + span * (c + 1) / n;
            uint64_t cover = (b < hi ? b : hi) - (a > lo ? a : lo);
            if (cover > cells[c].cover)
                cells[c] = (struct cell){cover, sl.ctx, sl.idle, false};
        }
    }
    for (unsigned c = 0; c < n; c++)
        cells[c].start = cells[c].cover && !cells[c].idle &&
                         (c == 0 || !cells[c - 1].cover || cells[c - 1].idle ||
                          cells[c - 1].ctx != cells[c].ctx);
}

void strip_draw(const struct timeline_strip *s, struct textgrid *t, struct tg_rect r)
{
    if (!s->tl || r.rows < 2 || r.cols <= LABEL + 8)
        return;
    textgrid_fill(t, r, TG_PANEL);
    char title[160];
    snprintf(title, sizeof title,
             "timeline: %llu instructions across  Ctrl+Left/Right scroll  Ctrl+Up/Down zoom  "
             "click: go there",
             (unsigned long long)span_of(s));
    textgrid_put(t, r.col, r.row, title, r.cols, TG_HEAD);
    unsigned n = r.cols - LABEL, mark;
    uint64_t left;
    axis(s, n, &left, &mark);
    struct cell cells[512];
    if (n > 512)
        n = 512;
    unsigned rows = strip_rows(s) - 1;
    for (unsigned cpu = 0; cpu < rows && cpu + 1 < r.rows; cpu++) {
        unsigned row = r.row + 1 + cpu;
        char label[16];
        snprintf(label, sizeof label, "cpu%u", cpu);
        textgrid_put(t, r.col, row, label, LABEL, TG_DIM);
        fill_cells(s, cpu, left, n, cells);
        for (unsigned c = 0; c < n; c++)
            if (cells[c].cover)
                textgrid_paint(t, r.col + LABEL + c, row, 1,
                               cells[c].idle ? TG_IDLE : strip_color(cells[c].ctx));
        /* each run's name where it starts, as far as the run goes */
        for (unsigned c = 0; c < n; c++) {
            if (!cells[c].start)
                continue;
            unsigned len = 1;
            while (c + len < n && cells[c + len].cover && !cells[c + len].idle &&
                   cells[c + len].ctx == cells[c].ctx)
                len++;
            char name[40];
            timeline_context_label(s->tl, cells[c].ctx, name, sizeof name);
            textgrid_put(t, r.col + LABEL + c, row, name, len, TG_BG);
        }
        /* the present: the colour of what runs now, whatever ran longest */
        struct timeline_slice now;
        if (mark < n && s->back == 0 && timeline_slice(s->tl, cpu, 0, &now))
            textgrid_paint(t, r.col + LABEL + mark, row, 1,
                           now.idle ? TG_IDLE : strip_color(now.ctx));
        if (mark < n)
            textgrid_put(t, r.col + LABEL + mark, row, "|", 1, TG_TEXT);
    }
}

void strip_zoom(struct timeline_strip *s, int dir)
{
    uint64_t span = span_of(s);
    if (dir > 0 && span / 2 >= MIN_SPAN)
        s->span = span / 2;
    else if (dir < 0 && span < (UINT64_MAX >> 2))
        s->span = span * 2;
}

void strip_scroll(struct timeline_strip *s, int dir)
{
    uint64_t step = span_of(s) / 4;
    if (dir > 0)
        s->back += step;
    else
        s->back = s->back > step ? s->back - step : 0;
}

bool strip_time_at(const struct timeline_strip *s, struct tg_rect r, unsigned col, unsigned row,
                   uint64_t *time)
{
    if (!s->tl || row <= r.row || row >= r.row + strip_rows(s) || col < r.col + LABEL ||
        col >= r.col + r.cols)
        return false;
    unsigned n = r.cols - LABEL, mark;
    uint64_t left;
    axis(s, n, &left, &mark);
    *time = left + span_of(s) * (col - r.col - LABEL) / n;
    return true;
}
