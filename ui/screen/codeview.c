#include "codeview.h"

#include <stdio.h>
#include <string.h>

#define LINES_BEFORE_PC 4    /* shown above the pc when placing the view */
#define SYMBOL_NEAR     1024 /* decode from a symbol's start at most this far back */
#define SYMBOL_WIDTH    24   /* " <name+off>" longer than this is cut */

static uint32_t pc_of(struct debugger *d)
{
    struct cpu_regs r;
    cpu_get_regs(d->cpu, &r);
    return r.eip;
}

static unsigned insn_len(struct codeview *v, uint32_t addr)
{
    char text[160];
    return dbg_disassemble(v->d, v->ctx, addr, text, sizeof text);
}

/* Decodes from `from` towards `to`; if an instruction starts exactly at
 * `to`, returns how many came before it, the last n of them in ring. */
static unsigned decode_to(struct codeview *v, uint32_t from, uint32_t to, uint32_t *ring,
                          unsigned n)
{
    unsigned k = 0;
    uint32_t a = from;
    while (a < to) {
        unsigned len = insn_len(v, a);
        if (!len)
            return 0;
        ring[k++ % n] = a;
        a += len;
    }
    return a == to ? k : 0;
}

/* Up to n addresses of the instructions before addr, oldest first: x86 code
 * cannot be decoded backwards, so decode forwards from the start of the
 * symbol covering addr if it is near, else from the farthest of the bytes
 * before addr that decodes in step onto it. */
static unsigned before(struct codeview *v, uint32_t addr, unsigned n, uint32_t *out)
{
    uint32_t ring[LINES_BEFORE_PC * 4];
    if (n > sizeof ring / sizeof ring[0])
        n = sizeof ring / sizeof ring[0];
    struct symbol_hit h;
    unsigned k = 0;
    if (symbols_lookup(v->sym, v->ctx, addr, &h) && h.addr < addr && addr - h.addr <= SYMBOL_NEAR)
        k = decode_to(v, h.addr, addr, ring, n);
    for (uint32_t back = 4 * n + 8; !k && back > 0; back--)
        if (back <= addr)
            k = decode_to(v, addr - back, addr, ring, n);
    unsigned got = k < n ? k : n;
    for (unsigned i = 0; i < got; i++)
        out[i] = ring[(k - got + i) % n];
    return got;
}

void codeview_init(struct codeview *v, struct debugger *d, struct symbols *sym)
{
    memset(v, 0, sizeof *v);
    v->d = d;
    v->sym = sym;
}

void codeview_follow(struct codeview *v)
{
    uint32_t pc = pc_of(v->d), ctx = cpu_context(v->d->cpu);
    v->sel = pc;
    if (v->placed && v->ctx == ctx)
        for (unsigned i = 0; i + 1 < v->nlines; i++)
            if (v->addr[i] == pc)
                return; /* on screen, and not on the last line: the view stays */
    v->ctx = ctx;
    uint32_t prev[LINES_BEFORE_PC];
    unsigned n = before(v, pc, LINES_BEFORE_PC, prev);
    v->top = n ? prev[0] : pc;
    v->placed = true;
    v->nlines = 0;
}

void codeview_move(struct codeview *v, int delta)
{
    if (!v->placed || !v->nlines)
        return;
    for (; delta; delta += delta > 0 ? -1 : 1) {
        unsigned i = 0;
        while (i < v->nlines && v->addr[i] != v->sel)
            i++;
        if (i == v->nlines) { /* not on screen: start at the top */
            v->sel = v->top;
            continue;
        }
        if (delta > 0 && i + 1 < v->nlines) {
            v->sel = v->addr[i + 1];
        } else if (delta > 0) { /* scroll down one line */
            unsigned len = insn_len(v, v->sel);
            if (!len || v->nlines < 2)
                return;
            memmove(v->addr, v->addr + 1, (v->nlines - 1) * sizeof v->addr[0]);
            v->addr[v->nlines - 1] = v->sel += len;
            v->top = v->addr[0];
        } else if (i > 0) {
            v->sel = v->addr[i - 1];
        } else { /* scroll up one line */
            uint32_t prev;
            if (!before(v, v->top, 1, &prev))
                return;
            if (v->nlines < CODEVIEW_MAX_LINES)
                v->nlines++;
            memmove(v->addr + 1, v->addr, (v->nlines - 1) * sizeof v->addr[0]);
            v->addr[0] = v->top = v->sel = prev;
        }
    }
}

bool codeview_click(struct codeview *v, unsigned col, unsigned row)
{
    const struct tg_rect *r = &v->lines;
    if (col < r->col || col >= r->col + r->cols || row < r->row || row - r->row >= v->nlines)
        return false;
    v->sel = v->addr[row - r->row];
    return true;
}

bool codeview_selected(const struct codeview *v, uint32_t *ctx, uint32_t *addr)
{
    if (!v->placed)
        return false;
    *ctx = v->ctx;
    *addr = v->sel;
    return true;
}

/* " <name+off>", cut to SYMBOL_WIDTH. */
static void short_symbol(struct codeview *v, uint32_t addr, char *buf, unsigned len)
{
    symbols_format(v->sym, v->ctx, addr, buf, len);
    if (strlen(buf) > SYMBOL_WIDTH && len > SYMBOL_WIDTH)
        strcpy(buf + SYMBOL_WIDTH - 2, "~>");
}

static unsigned draw_breakpoints(struct codeview *v, struct textgrid *g, struct tg_rect r,
                                 unsigned row)
{
    unsigned used = 0;
    for (int i = 0; i < DBG_MAX_BREAKS && row + used < r.row + r.rows; i++) {
        const struct dbg_break *b = &v->d->brk[i];
        if (!b->used)
            continue;
        char s[160], line[200], where[32] = "any CONTEXT";
        uint32_t ctx = b->ctx == DBG_ANY_CONTEXT ? v->ctx : (uint32_t)b->ctx;
        if (b->ctx != DBG_ANY_CONTEXT)
            snprintf(where, sizeof where, "CONTEXT %d", b->ctx);
        snprintf(line, sizeof line, "* break %d: 0x%08x%s in %s", i + 1, b->addr,
                 symbols_format(v->sym, ctx, b->addr, s, sizeof s), where);
        unsigned n = textgrid_put(g, r.col, row + used, line, r.cols, TG_DIM);
        if (n)
            g->cell[(size_t)(row + used) * g->cols + r.col].fg = TG_BREAK;
        used++;
    }
    return used;
}

unsigned codeview_draw(struct codeview *v, struct textgrid *g, struct tg_rect r, bool selecting)
{
    if (!r.rows || !r.cols)
        return 0;
    if (!v->placed)
        codeview_follow(v);
    uint32_t pc = pc_of(v->d), cpu_ctx = cpu_context(v->d->cpu);
    char title[96];
    const char *prog = symbols_program_in(v->sym, v->ctx);
    snprintf(title, sizeof title, "code  CONTEXT %u%s%s", v->ctx, prog ? "  program " : "",
             prog ? prog : "");
    textgrid_put(g, r.col, r.row, title, r.cols, TG_HEAD);
    unsigned nbreaks = 0;
    for (int i = 0; i < DBG_MAX_BREAKS; i++)
        nbreaks += v->d->brk[i].used;
    unsigned room = r.rows - 1;
    unsigned blines = nbreaks < room / 3 ? nbreaks : room / 3;
    room -= blines;
    if (room > CODEVIEW_MAX_LINES)
        room = CODEVIEW_MAX_LINES;
    v->lines = (struct tg_rect){r.col, r.row + 1, r.cols, room};
    v->nlines = 0;
    uint32_t a = v->top;
    for (unsigned i = 0; i < room; i++) {
        unsigned y = r.row + 1 + i;
        char text[160], s[64], line[256];
        unsigned len = dbg_disassemble(v->d, v->ctx, a, text, sizeof text);
        if (!len) {
            snprintf(line, sizeof line, "   0x%08x: (not mapped in CONTEXT %u)", a, v->ctx);
            textgrid_put(g, r.col, y, line, r.cols, TG_DIM);
            break;
        }
        bool at_pc = a == pc && v->ctx == cpu_ctx;
        bool brk = dbg_break_at(v->d, a, v->ctx) != 0;
        short_symbol(v, a, s, sizeof s);
        bool selected = selecting && a == v->sel;
        if (selected)
            textgrid_paint(g, r.col, y, r.cols, TG_SELECT);
        unsigned x = textgrid_put(g, r.col, y,
                                  at_pc      ? "=>"
                                  : selected ? " >"
                                             : "  ",
                                  r.cols, at_pc ? TG_PC : TG_HEAD);
        x += textgrid_put(g, r.col + x, y, brk ? "*" : " ", r.cols - x, TG_BREAK);
        snprintf(line, sizeof line, "0x%08x", a);
        x += textgrid_put(g, r.col + x, y, line, r.cols - x, at_pc ? TG_PC : TG_TEXT);
        x += textgrid_put(g, r.col + x, y, s, r.cols - x, TG_DIM);
        snprintf(line, sizeof line, ": %s", text);
        textgrid_put(g, r.col + x, y, line, r.cols - x, at_pc ? TG_PC : TG_TEXT);
        v->addr[v->nlines++] = a;
        a += len;
    }
    unsigned used = 1 + room;
    return used + draw_breakpoints(v, g, r, r.row + used);
}
