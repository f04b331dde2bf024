/* textgrid: the window's picture as character cells - what every part of
 * the window draws into (console, inspector, bars) and what gui_draw.c
 * turns into pixels with the built-in font. Holding the picture as text
 * makes it testable without pixels (--gui-dump writes exactly these
 * cells) and lets the renderer redraw only the cells that changed. */
#ifndef SPACE_TEXTGRID_H
#define SPACE_TEXTGRID_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Colours, by what they mean (gui_draw.c has the palette). */
enum tg_color {
    TG_BG,       /* window background */
    TG_TEXT,     /* ordinary text */
    TG_DIM,      /* labels, secondary text */
    TG_HEAD,     /* section titles */
    TG_BAR,      /* status and key bars: background */
    TG_BAR_TEXT, /* ... and text */
    TG_CHANGED,  /* a value that changed at the last stop */
    TG_PC,       /* the instruction at the pc */
    TG_BREAK,    /* breakpoint marks */
    TG_SELECT,   /* background of the selected line */
    TG_TYPED,    /* console: typed, not yet taken by the guest */
    TG_PANEL,    /* background of the inspector */
    TG_ALERT,    /* a machine stop, an error */
    TG_IDLE,     /* timeline strip: a CPU waiting */
    TG_CTX0,     /* timeline strip: CONTEXTs, by number modulo TG_CTX_COLORS */
    TG_CTX_LAST = TG_CTX0 + 7,
    TG_COLORS
};

#define TG_CTX_COLORS 8

struct tg_cell {
    uint8_t ch; /* a byte: font_glyph draws it (a box if the font has none) */
    uint8_t fg, bg;
};

struct textgrid {
    unsigned cols, rows;
    struct tg_cell *cell; /* rows * cols, row by row */
};

/* A rectangle of cells. */
struct tg_rect {
    unsigned col, row, cols, rows;
};

/* Sizes the grid (contents cleared to blanks on TG_BG). 0, or -1 if out of
 * host memory (the grid is then empty). */
int textgrid_resize(struct textgrid *g, unsigned cols, unsigned rows);
void textgrid_free(struct textgrid *g);

/* Fills a rectangle with blanks of background bg (clipped to the grid). */
void textgrid_fill(struct textgrid *g, struct tg_rect r, uint8_t bg);
/* Writes text at (col, row), keeping each cell's background, stopping at
 * the grid's edge or after max cells. Returns the cells written. */
unsigned textgrid_put(struct textgrid *g, unsigned col, unsigned row, const char *text,
                      unsigned max, uint8_t fg);
/* Sets the background of cells [col, col+n) of a row. */
void textgrid_paint(struct textgrid *g, unsigned col, unsigned row, unsigned n, uint8_t bg);

/* Writes the grid as text, one line per row (trailing blanks dropped). */
void textgrid_write(const struct textgrid *g, FILE *out);

#endif
