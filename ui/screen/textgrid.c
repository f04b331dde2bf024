#include "textgrid.h"

#include <stdlib.h>
#include <string.h>

int textgrid_resize(struct textgrid *g, unsigned cols, unsigned rows)
{
    struct tg_cell *cell = cols && rows ? calloc((size_t)cols * rows, sizeof *cell) : NULL;
    free(g->cell);
    g->cell = cell;
    if (!cell) {
        g->cols = g->rows = 0;
        return cols && rows ? -1 : 0;
    }
    g->cols = cols;
    g->rows = rows;
    textgrid_fill(g, (struct tg_rect){0, 0, cols, rows}, TG_BG);
    return 0;
}

void textgrid_free(struct textgrid *g)
{
    free(g->cell);
    *g = (struct textgrid){0};
}

void textgrid_fill(struct textgrid *g, struct tg_rect r, uint8_t bg)
{
    for (unsigned y = r.row; y < r.row + r.rows && y < g->rows; y++)
        for (unsigned x = r.col; x < r.col + r.cols && x < g->cols; x++)
            g->cell[(size_t)y * g->cols + x] = (struct tg_cell){' ', TG_TEXT, bg};
}

unsigned textgrid_put(struct textgrid *g, unsigned col, unsigned row, const char *text,
                      unsigned max, uint8_t fg)
{
    if (row >= g->rows)
        return 0;
    unsigned n = 0;
    for (; text[n] && n < max && col + n < g->cols; n++) {
        struct tg_cell *c = &g->cell[(size_t)row * g->cols + col + n];
        c->ch = (uint8_t)text[n];
        c->fg = fg;
    }
    return n;
}

void textgrid_paint(struct textgrid *g, unsigned col, unsigned row, unsigned n, uint8_t bg)
{
    if (row >= g->rows)
        return;
    for (unsigned x = col; x < col + n && x < g->cols; x++)
        g->cell[(size_t)row * g->cols + x].bg = bg;
}

void textgrid_write(const struct textgrid *g, FILE *out)
{
    for (unsigned y = 0; y < g->rows; y++) {
        const struct tg_cell *row = &g->cell[(size_t)y * g->cols];
        unsigned n = g->cols;
        while (n && row[n - 1].ch == ' ')
            n--;
        for (unsigned x = 0; x < n; x++)
            fputc(row[x].ch >= 32 && row[x].ch < 127 ? row[x].ch : '?', out);
        fputc('\n', out);
    }
}
