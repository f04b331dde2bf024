#include "inspector.h"

#include "sim/core/ops.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/core/ops.h"
#include "sim/core/trap.h"

#define COLUMN_MIN   38 /* two columns when each gets at least this */
#define CHAIN_SHOWN  4  /* PCBs listed (newest first) */
#define CODE_ONE_COL 12 /* rows of code in a one-column inspector */

/* Writes sections top to bottom in a rectangle; items flow onto new lines. */
struct pen {
    struct textgrid *g;
    struct tg_rect r;
    unsigned x, y; /* y: the row (absolute), x: the column within r */
};

static bool room(const struct pen *p)
{
    return p->y < p->r.row + p->r.rows;
}

static void newline(struct pen *p)
{
    p->y++;
    p->x = 0;
}

static void text(struct pen *p, uint8_t fg, const char *s)
{
    if (room(p) && p->x < p->r.cols)
        p->x += textgrid_put(p->g, p->r.col + p->x, p->y, s, p->r.cols - p->x, fg);
}

static void textf(struct pen *p, uint8_t fg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void textf(struct pen *p, uint8_t fg, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    text(p, fg, buf);
}

/* An item of a list that wraps: on this line if it fits, else the next. */
static void flow(struct pen *p, uint8_t fg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void flow(struct pen *p, uint8_t fg, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    size_t need = strlen(buf) + (p->x > 1 ? 2 : 0);
    if (p->x > 1 && p->x + need > p->r.cols) {
        newline(p);
        p->x = 1; /* continuation lines are indented */
    }
    if (p->x > 1)
        text(p, fg, "  ");
    text(p, fg, buf);
}

static void title(struct pen *p, const char *name)
{
    if (p->x)
        newline(p);
    text(p, TG_HEAD, name);
    text(p, TG_DIM, " ");
    while (room(p) && p->x < p->r.cols)
        text(p, TG_DIM, "-");
    newline(p);
}

/* The pen's rectangle from its row on (for the next section). */
static struct tg_rect rest(const struct pen *p)
{
    unsigned used = p->y - p->r.row;
    return (struct tg_rect){p->r.col, p->y, p->r.cols, used < p->r.rows ? p->r.rows - used : 0};
}

/* ---- Sections ---- */

static void reg(struct pen *p, struct inspector *in, const char *name, uint32_t now, uint32_t was)
{
    text(p, TG_DIM, name);
    textf(p, in->stopped && now != was ? TG_CHANGED : TG_TEXT, " 0x%08x", now);
}

static void sec_cpu(struct inspector *in, struct pen *p)
{
    struct machine *m = in->d->m;
    struct cpu *c = in->d->cpu;
    unsigned i = in->d->cpu_idx, n = machine_ncpus(m);
    struct cpu_regs r, b = in->stopped ? in->before : in->now;
    cpu_get_regs(c, &r);
    uint32_t ctx = cpu_context(c);
    char name[48];
    if (n > 1)
        snprintf(name, sizeof name, "CPU %u of %u (F6 next)", i, n);
    else
        snprintf(name, sizeof name, "CPU %u", i);
    title(p, name);
    const char *names[8] = {"EAX", "ESI", "EBX", "EDI", "ECX", "EBP", "EDX", "ESP"};
    const uint32_t now[8] = {r.eax, r.esi, r.ebx, r.edi, r.ecx, r.ebp, r.edx, r.esp};
    const uint32_t was[8] = {b.eax, b.esi, b.ebx, b.edi, b.ecx, b.ebp, b.edx, b.esp};
    for (int i = 0; i < 8; i += 2) {
        reg(p, in, names[i], now[i], was[i]);
        text(p, TG_TEXT, "  ");
        reg(p, in, names[i + 1], now[i + 1], was[i + 1]);
        newline(p);
    }
    char s[160];
    reg(p, in, "EIP", r.eip, b.eip);
    text(p, TG_DIM, symbols_format(in->sym, ctx, r.eip, s, sizeof s));
    newline(p);
    reg(p, in, "EFLAGS", r.eflags, b.eflags);
    static const struct {
        uint32_t bit;
        const char *name;
    } flags[] = {{0x1, "CF"},  {0x4, "PF"},   {0x10, "AF"},  {0x40, "ZF"},
                 {0x80, "SF"}, {0x100, "TF"}, {0x400, "DF"}, {0x800, "OF"}};
    text(p, TG_DIM, "  [");
    for (unsigned i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (r.eflags & flags[i].bit)
            textf(p, TG_TEXT, " %s", flags[i].name);
    text(p, TG_DIM, " ]");
    newline(p);
    const char *prog = symbols_program_in(in->sym, ctx);
    text(p, TG_DIM, "CONTEXT");
    textf(p, TG_TEXT, " %u", ctx);
    text(p, TG_DIM, "  MODE");
    textf(p, TG_TEXT, " %u", cpu_mode(c));
    if (prog) {
        text(p, TG_DIM, "  program ");
        text(p, TG_TEXT, prog);
    }
    newline(p);
    text(p, TG_DIM, "interrupts ");
    text(p, TG_TEXT, machine_cpu_interrupts_enabled(m, i) ? "enabled" : "disabled");
    if (machine_cpu_halted(m, i))
        text(p, TG_CHANGED, "  halted: not started");
    else if (machine_cpu_waiting(m, i))
        text(p, TG_CHANGED, "  waiting for an interrupt");
    newline(p);
    text(p, TG_DIM, "virtual time ");
    textf(p, TG_TEXT, "%llu", (unsigned long long)machine_now(m));
    if (n > 1) {
        textf(p, TG_DIM, "  CPU %u's ", i);
        textf(p, TG_TEXT, "%llu", (unsigned long long)cpu_time(c));
    }
    newline(p);
}

static void sec_chain(struct inspector *in, struct pen *p)
{
    struct machine *m = in->d->m;
    const struct pcb_chain *ch = machine_cpu_chain(m, in->d->cpu_idx);
    char t[64], s[160];
    if (machine_ncpus(m) > 1)
        snprintf(t, sizeof t, "PCB chain of CPU %u (%u, newest first)", in->d->cpu_idx, ch->depth);
    else
        snprintf(t, sizeof t, "PCB chain (%u, newest first)", ch->depth);
    title(p, t);
    if (!ch->depth) {
        text(p, TG_DIM, "empty");
        newline(p);
    }
    for (uint32_t k = 0; k < ch->depth && k < CHAIN_SHOWN; k++) {
        const struct space_pcb *pc = &ch->pcb[ch->depth - 1 - k];
        textf(p, TG_TEXT, "#%u trap %u %s", k, pc->trap, trap_describe(pc->trap));
        if (pc->cause != pc->trap)
            textf(p, TG_DIM, " (cause %u)", pc->cause);
        textf(p, TG_DIM, " from CONTEXT %u MODE %u ie %u", pc->ctx, pc->mode, pc->ie);
        newline(p);
        textf(p, TG_DIM, "   pc 0x%08x%s", pc->pc, symbols_format(in->sym, pc->ctx, pc->pc, s, 64));
        flow(p, TG_DIM, "esp 0x%08x", pc->esp);
        if (pc->cause == SPACE_TRAP_MEMORY_FAULT || pc->trap == SPACE_TRAP_MEMORY_FAULT)
            flow(p, TG_DIM, "fault: %s of 0x%x, %s",
                 pc->access & SPACE_FAULT_EXECUTE ? "execute"
                 : pc->access & SPACE_FAULT_WRITE ? "write"
                                                  : "read",
                 pc->addr, pc->access & SPACE_FAULT_PROTECTION ? "not permitted" : "not mapped");
        newline(p);
    }
    if (ch->depth > CHAIN_SHOWN) {
        textf(p, TG_DIM, "... %u more", ch->depth - CHAIN_SHOWN);
        newline(p);
    }
    textf(p, TG_DIM, "suspended chains: %u", machine_pcbs(m)->live);
    newline(p);
}

static void sec_devices(struct inspector *in, struct pen *p)
{
    struct bus *b = machine_bus(in->d->m);
    title(p, "devices");
    for (unsigned i = 0; i < b->ndev; i++) {
        struct device *dev = &b->dev[i];
        textf(p, TG_TEXT, "%s%u", dev->kind->name, dev->unit);
        flow(p, TG_DIM, "at 0x%08x", dev->regs);
        flow(p, TG_DIM, "trap %u", dev->trap);
        flow(p, TG_DIM, "raised %llu", (unsigned long long)dev->interrupts);
        flow(p, TG_DIM, "delivered %llu", (unsigned long long)b->stats.dev_interrupts[dev->index]);
        if (b->pending & (1ull << dev->index))
            flow(p, TG_CHANGED, "pending");
        newline(p);
        p->x = 1;
        for (const struct device_reg *r = dev->kind->registers; r && r->name; r++)
            flow(p, TG_TEXT, "%s 0x%08x", r->name, dbg_device_peek(dev, r->offset));
        newline(p);
    }
}

static void sec_stats(struct inspector *in, struct pen *p)
{
    struct machine *m = in->d->m;
    const struct cpu_stats *cs = cpu_stats(in->d->cpu); /* (the CPU shown) */
    title(p, "statistics");
    flow(p, TG_TEXT, "instructions by MODE:");
    for (int i = 0; i < 4; i++)
        flow(p, TG_TEXT, "%d: %llu", i, (unsigned long long)cs->insns_by_mode[i]);
    flow(p, TG_TEXT, "idle %llu", (unsigned long long)cs->idle);
    newline(p);
    flow(p, TG_TEXT, "portal traversals %llu", (unsigned long long)machine_stats(m)->traversals);
    newline(p);
    flow(p, TG_DIM, "traps:");
    for (unsigned t = 0; t < SPACE_TRAPS; t++)
        if (machine_stats(m)->traps[t])
            flow(p, TG_TEXT, "%u %s %llu", t, trap_describe(t),
                 (unsigned long long)machine_stats(m)->traps[t]);
    newline(p);
    flow(p, TG_DIM, "operations:");
    for (unsigned op = 1; op < SPACE_OP_COUNT; op++)
        if (machine_stats(m)->ops[op])
            flow(p, TG_TEXT, "%s %llu", ops_name(op),
                 (unsigned long long)machine_stats(m)->ops[op]);
    newline(p);
    struct tlb_stats all = {0};
    for (int i = 0; i < MMU_CONTEXTS; i++) {
        const struct tlb_stats *t = &machine_mmu(m)->ctx[i].tlb.stats;
        all.hits += t->hits;
        all.misses += t->misses;
        all.evictions += t->evictions;
    }
    flow(p, TG_DIM, "TLBs:");
    flow(p, TG_TEXT, "hits %llu", (unsigned long long)all.hits);
    flow(p, TG_TEXT, "misses %llu", (unsigned long long)all.misses);
    flow(p, TG_TEXT, "evictions %llu", (unsigned long long)all.evictions);
    flow(p, TG_TEXT, "mapping changes %llu", (unsigned long long)machine_mmu(m)->map_ops);
    newline(p);
    flow(p, TG_DIM, "CPU:");
    flow(p, TG_TEXT, "blocks learned %llu", (unsigned long long)cs->blocks_learned);
    flow(p, TG_TEXT, "code invalidations %llu", (unsigned long long)cs->code_invalidations);
    flow(p, TG_TEXT, "Unicorn TLB fills %llu", (unsigned long long)cs->tlb_fills);
    flow(p, TG_TEXT, "flushes %llu", (unsigned long long)cs->uc_flushes);
    flow(p, TG_TEXT, "single steps %llu", (unsigned long long)cs->steps);
    newline(p);
    const struct bus_stats *bs = &machine_bus(m)->stats;
    flow(p, TG_DIM, "devices:");
    flow(p, TG_TEXT, "register reads %llu", (unsigned long long)bs->register_reads);
    flow(p, TG_TEXT, "writes %llu", (unsigned long long)bs->register_writes);
    flow(p, TG_TEXT, "DMA bytes %llu", (unsigned long long)bs->dma_bytes);
    newline(p);
}

static void sec_tlb(struct inspector *in, struct pen *p)
{
    uint32_t ctx = cpu_context(in->d->cpu);
    const struct tlb *t = &machine_mmu(in->d->m)->ctx[ctx].tlb;
    unsigned valid = 0;
    for (int s = 0; s < TLB_SETS; s++)
        for (int w = 0; w < TLB_WAYS; w++)
            valid += t->slot[s][w].valid;
    char name[48];
    snprintf(name, sizeof name, "TLB of CONTEXT %u", ctx);
    title(p, name);
    const struct tlb_stats *st = &t->stats;
    flow(p, TG_TEXT, "%u of %d valid", valid, TLB_CAPACITY);
    flow(p, TG_TEXT, "hits %llu", (unsigned long long)st->hits);
    flow(p, TG_TEXT, "misses %llu", (unsigned long long)st->misses);
    flow(p, TG_TEXT, "flushes %llu", (unsigned long long)st->flushes);
    flow(p, TG_TEXT, "evictions %llu", (unsigned long long)st->evictions);
    flow(p, TG_TEXT, "invalidations %llu", (unsigned long long)st->invalidations);
    newline(p);
    if (valid) {
        text(p, TG_DIM, "set.way virtual     physical  M0  M1  M2  M3");
        newline(p);
    }
    unsigned shown = 0;
    for (int s = 0; s < TLB_SETS; s++)
        for (int w = 0; w < TLB_WAYS; w++) {
            const struct tlb_slot *sl = &t->slot[s][w];
            if (!sl->valid)
                continue;
            if (p->y + 1 == p->r.row + p->r.rows && valid - shown > 1) {
                textf(p, TG_DIM, "... %u more", valid - shown);
                newline(p);
                return;
            }
            textf(p, TG_DIM, "%4d.%d  ", s, w);
            textf(p, TG_TEXT, "%08x -> %08x", sl->vpage << 12, MAP_PADDR(sl->entry));
            for (uint32_t mode = 0; mode < SPACE_MODES; mode++) {
                uint32_t bits = SPACE_ACCESS_BITS(MAP_ACCESS(sl->entry), mode);
                textf(p, bits ? TG_TEXT : TG_DIM, " %c%c%c", bits & SPACE_R ? 'r' : '-',
                      bits & SPACE_W ? 'w' : '-', bits & SPACE_X ? 'x' : '-');
            }
            newline(p);
            shown++;
        }
}

/* ---- The whole ---- */

void inspector_init(struct inspector *in, struct debugger *d, struct symbols *sym)
{
    memset(in, 0, sizeof *in);
    in->d = d;
    in->sym = sym;
    codeview_init(&in->code, d, sym);
    cpu_get_regs(d->cpu, &in->now);
    in->before = in->now;
}

void inspector_stopped(struct inspector *in)
{
    in->before = in->now;
    cpu_get_regs(in->d->cpu, &in->now);
    in->stopped = true;
    codeview_follow(&in->code);
}

void inspector_cpu_changed(struct inspector *in)
{
    cpu_get_regs(in->d->cpu, &in->now);
    in->before = in->now;
    codeview_follow(&in->code);
}

void inspector_running(struct inspector *in)
{
    in->stopped = false;
    codeview_follow(&in->code);
}

static struct pen pen_at(struct textgrid *g, struct tg_rect r)
{
    return (struct pen){.g = g, .r = r, .y = r.row};
}

/* Leaves a blank row after a section, if there is room. */
static struct pen next_section(struct pen *p)
{
    if (p->x)
        newline(p);
    if (room(p))
        newline(p);
    return pen_at(p->g, rest(p));
}

void inspector_draw(struct inspector *in, struct textgrid *g, struct tg_rect area, bool selecting)
{
    textgrid_fill(g, area, TG_PANEL);
    /* two columns if they fit: the CPU, its PCB chain and the code (which
     * takes what is left) on the left; devices, statistics and the TLB on
     * the right. One column: the same, with less code. */
    unsigned w = area.cols * 11 / 20;
    bool two = w >= COLUMN_MIN && area.cols - w - 1 >= COLUMN_MIN;
    if (!two)
        w = area.cols;
    struct pen p = pen_at(g, (struct tg_rect){area.col, area.row, w, area.rows});
    sec_cpu(in, &p);
    p = next_section(&p);
    sec_chain(in, &p);
    p = next_section(&p);
    struct tg_rect code = p.r;
    if (!two && code.rows > CODE_ONE_COL)
        code.rows = CODE_ONE_COL;
    p.y += codeview_draw(&in->code, g, code, selecting);
    if (two)
        p = pen_at(g, (struct tg_rect){area.col + w + 1, area.row, area.cols - w - 1, area.rows});
    else
        p = next_section(&p);
    sec_devices(in, &p);
    p = next_section(&p);
    sec_stats(in, &p);
    p = next_section(&p);
    sec_tlb(in, &p);
}
