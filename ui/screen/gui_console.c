#include "gui_console.h"

#include <stdlib.h>
#include <string.h>

#include "font.h"

#define LINE_MAX_BYTES 4096 /* a longer line is cut (the guest never sent '\n') */
#define TAB            8

struct line {
    char *s;
    unsigned len, cap;
};

struct gui_console {
    struct line *lines; /* a ring: the oldest at head; the last one is being written */
    unsigned max, head, count;
    unsigned col; /* where the next byte goes in the last line ('\r', '\b') */
    char *queue;  /* typed lines the guest has not taken, each with its '\n' */
    size_t qlen, qcap;
    char edit[LINE_MAX_BYTES]; /* the line being typed */
    unsigned elen;
    bool ended;                     /* Ctrl-D: no more input after the queue */
    unsigned scroll;                /* rows scrolled back */
    char taken[LINE_MAX_BYTES + 1]; /* the line the guest took last */
    struct char_source source;
    struct char_sink sink;
};

static struct line *last(struct gui_console *c)
{
    return &c->lines[(c->head + c->count - 1) % c->max];
}

static void new_line(struct gui_console *c)
{
    if (c->count == c->max) { /* the oldest line's buffer is reused */
        c->head = (c->head + 1) % c->max;
        c->count--;
    }
    c->count++;
    last(c)->len = 0;
    c->col = 0;
    if (c->scroll)
        c->scroll++; /* a view scrolled back stays on what it shows */
}

static void put_char(struct gui_console *c, char ch)
{
    struct line *l = last(c);
    if (c->col >= LINE_MAX_BYTES) {
        new_line(c);
        l = last(c);
    }
    if (c->col >= l->cap) {
        unsigned cap = l->cap ? l->cap * 2 : 128;
        char *s = realloc(l->s, cap);
        if (!s)
            return; /* (out of host memory: the byte is not shown) */
        l->s = s;
        l->cap = cap;
    }
    while (l->len < c->col) /* (after '\b' or '\r' the line is overwritten) */
        l->s[l->len++] = ' ';
    l->s[c->col++] = ch;
    if (c->col > l->len)
        l->len = c->col;
}

static void output(void *arg, const char *buf, unsigned long len)
{
    struct gui_console *c = arg;
    for (unsigned long i = 0; i < len; i++) {
        char ch = buf[i];
        if (ch == '\n')
            new_line(c);
        else if (ch == '\r')
            c->col = 0;
        else if (ch == '\b')
            c->col -= c->col > 0;
        else if (ch == '\t')
            do
                put_char(c, ' ');
            while (c->col % TAB);
        else
            put_char(c, ch);
    }
}

static long take_line(void *arg, bool wait, const char **line)
{
    struct gui_console *c = arg;
    (void)wait; /* (never blocks: the machine pauses until a person types) */
    if (!c->qlen)
        return c->ended ? -1 : 0;
    const char *nl = memchr(c->queue, '\n', c->qlen);
    size_t n = (size_t)(nl - c->queue) + 1; /* (the queue holds whole lines) */
    memcpy(c->taken, c->queue, n);
    memmove(c->queue, c->queue + n, c->qlen - n);
    c->qlen -= n;
    *line = c->taken;
    return (long)n;
}

struct gui_console *gui_console_create(unsigned scrollback)
{
    struct gui_console *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->max = scrollback < 2 ? 2 : scrollback;
    c->lines = calloc(c->max, sizeof *c->lines);
    if (!c->lines) {
        free(c);
        return NULL;
    }
    c->count = 1;
    c->source = (struct char_source){.opaque = c, .take_line = take_line, .nonblocking = true};
    c->sink = (struct char_sink){.opaque = c, .write = output};
    return c;
}

void gui_console_destroy(struct gui_console *c)
{
    if (!c)
        return;
    for (unsigned i = 0; i < c->max; i++)
        free(c->lines[i].s);
    free(c->lines);
    free(c->queue);
    free(c);
}

struct char_source *gui_console_source(struct gui_console *c)
{
    return &c->source;
}

const struct char_sink *gui_console_sink(struct gui_console *c)
{
    return &c->sink;
}

/* ---- Typing ---- */

void gui_console_type(struct gui_console *c, const char *text)
{
    if (c->ended)
        return;
    c->scroll = 0;
    for (; *text; text++) {
        if (*text == '\n')
            gui_console_enter(c);
        else if (*text >= 32 && *text < 127 && c->elen < sizeof c->edit - 1)
            c->edit[c->elen++] = *text;
    }
}

void gui_console_backspace(struct gui_console *c)
{
    c->scroll = 0;
    c->elen -= c->elen > 0;
}

void gui_console_kill_line(struct gui_console *c)
{
    c->scroll = 0;
    c->elen = 0;
}

void gui_console_enter(struct gui_console *c)
{
    if (c->ended)
        return;
    c->scroll = 0;
    if (c->qlen + c->elen + 1 > c->qcap) {
        size_t cap = c->qcap ? c->qcap : 256;
        while (cap < c->qlen + c->elen + 1)
            cap *= 2;
        char *q = realloc(c->queue, cap);
        if (!q)
            return;
        c->queue = q;
        c->qcap = cap;
    }
    memcpy(c->queue + c->qlen, c->edit, c->elen);
    c->qlen += c->elen;
    c->queue[c->qlen++] = '\n';
    c->elen = 0;
}

void gui_console_end_input(struct gui_console *c)
{
    if (!c->elen)
        c->ended = true;
}

bool gui_console_input_ready(const struct gui_console *c)
{
    return c->qlen || c->ended;
}

bool gui_console_input_ended(const struct gui_console *c)
{
    return c->ended;
}

/* ---- Scrolling and drawing ---- */

void gui_console_scroll(struct gui_console *c, int rows)
{
    if (rows < 0 && (unsigned)-rows >= c->scroll)
        c->scroll = 0;
    else
        c->scroll += (unsigned)rows; /* (draw clamps it) */
}

void gui_console_scroll_end(struct gui_console *c)
{
    c->scroll = 0;
}

unsigned gui_console_scrolled(const struct gui_console *c)
{
    return c->scroll;
}

/* The text to show, as lines of (byte, colour): the output's lines, and
 * the typed text continuing the last of them. */
struct view {
    struct gui_console *c;
    char *tail;      /* the last output line and the typed text after it */
    uint8_t *tcolor; /* (a colour per byte of tail) */
    size_t tlen;
    unsigned width;
};

static unsigned rows_of(unsigned len, unsigned width)
{
    return len ? (len + width - 1) / width : 1;
}

/* Calls fn for each line of the view: bytes, colours (NULL: all output). */
static void each_line(struct view *v,
                      void (*fn)(void *arg, const char *s, const uint8_t *color, unsigned len),
                      void *arg)
{
    struct gui_console *c = v->c;
    for (unsigned i = 0; i + 1 < c->count; i++) {
        const struct line *l = &c->lines[(c->head + i) % c->max];
        fn(arg, l->s, NULL, l->len);
    }
    size_t start = 0;
    for (size_t i = 0; i <= v->tlen; i++)
        if (i == v->tlen || v->tail[i] == '\n') {
            fn(arg, v->tail + start, v->tcolor + start, (unsigned)(i - start));
            start = i + 1;
        }
}

static void count_rows(void *arg, const char *s, const uint8_t *color, unsigned len)
{
    (void)s;
    (void)color;
    unsigned *acc = arg; /* acc[0]: width, acc[1]: rows */
    acc[1] += rows_of(len, acc[0]);
}

struct painter {
    struct textgrid *g;
    struct tg_rect r;
    unsigned first, row; /* the first row shown; the row reached */
};

static void paint_line(void *arg, const char *s, const uint8_t *color, unsigned len)
{
    struct painter *p = arg;
    unsigned n = rows_of(len, p->r.cols);
    for (unsigned k = 0; k < n; k++, p->row++) {
        if (p->row < p->first || p->row >= p->first + p->r.rows)
            continue;
        unsigned y = p->r.row + (p->row - p->first);
        for (unsigned x = 0; x < p->r.cols && k * p->r.cols + x < len; x++) {
            unsigned i = k * p->r.cols + x;
            uint8_t ch = (uint8_t)s[i];
            if (!color || color[i] != TG_TYPED || ch != FONT_CURSOR)
                ch = ch < 32 || ch >= 127 ? FONT_BOX : ch;
            struct tg_cell *cell = &p->g->cell[(size_t)y * p->g->cols + p->r.col + x];
            cell->ch = ch;
            cell->fg = color ? color[i] : TG_TEXT;
        }
    }
}

void gui_console_draw(struct gui_console *c, struct textgrid *g, struct tg_rect r, bool typing)
{
    if (!r.cols || !r.rows || r.col + r.cols > g->cols || r.row + r.rows > g->rows)
        return;
    const struct line *l = last(c);
    size_t cap = l->len + (typing ? c->qlen + c->elen + 1 : 0) + 1;
    struct view v = {.c = c, .tail = malloc(cap), .tcolor = malloc(cap), .width = r.cols};
    if (!v.tail || !v.tcolor) {
        free(v.tail);
        free(v.tcolor);
        return;
    }
    if (l->len)
        memcpy(v.tail, l->s, l->len);
    memset(v.tcolor, TG_TEXT, l->len);
    v.tlen = l->len;
    if (typing) {
        if (c->qlen) /* (no queue yet: NULL) */
            memcpy(v.tail + v.tlen, c->queue, c->qlen);
        memcpy(v.tail + v.tlen + c->qlen, c->edit, c->elen);
        memset(v.tcolor + v.tlen, TG_TYPED, c->qlen + c->elen);
        v.tlen += c->qlen + c->elen;
        if (!c->ended) {
            v.tail[v.tlen] = (char)FONT_CURSOR;
            v.tcolor[v.tlen++] = TG_TYPED;
        }
    }
    unsigned acc[2] = {r.cols, 0};
    each_line(&v, count_rows, acc);
    unsigned total = acc[1];
    unsigned most = total > r.rows ? total - r.rows : 0;
    if (c->scroll > most)
        c->scroll = most;
    struct painter p = {.g = g, .r = r, .first = most - c->scroll};
    each_line(&v, paint_line, &p);
    free(v.tail);
    free(v.tcolor);
}
