/* watch.c - breakpoints and watchpoints: which translated blocks must be
 * single-stepped, and which pages Unicorn's TLB must not give full access
 * to. The run loop (cpu.c) acts on them. */
#include "cpu_internal.h"

/* The kinds of access (MMU_READ, MMU_WRITE) watched on a page of the
 * current CONTEXT. */
unsigned cpu_watched_access(const struct cpu *c, uint32_t page)
{
    unsigned kinds = 0;
    for (unsigned i = 0; i < c->nwatches; i++) {
        const struct cpu_watch *w = &c->watches[i];
        if (w->ctx != c->ctx || !w->len)
            continue;
        uint64_t end = (uint64_t)w->addr + w->len;
        if (w->addr < (uint64_t)page + 4096 && end > page)
            kinds |= (w->read ? MMU_READ : 0) | (w->write ? MMU_WRITE : 0);
    }
    return kinds;
}

int cpu_set_breakpoints(struct cpu *c, const uint32_t *addrs, unsigned n)
{
    uint32_t *copy = n ? malloc(n * sizeof *copy) : NULL;
    if (n && !copy)
        return -1;
    if (n)
        memcpy(copy, addrs, n * sizeof *copy);
    free(c->breaks);
    c->breaks = copy;
    c->nbreaks = n;
    codecache_invalidate(c->code); /* blocks are flagged when learned */
    return 0;
}

/* The watchpoint an access of [addr, addr+size) hits, or NULL. */
const struct cpu_watch *cpu_watch_hit(const struct cpu *c, uint32_t addr, uint32_t size,
                                      unsigned access)
{
    for (unsigned i = 0; i < c->nwatches; i++) {
        const struct cpu_watch *w = &c->watches[i];
        bool kind = access == MMU_WRITE ? w->write : w->read;
        if (kind && w->ctx == c->ctx && addr < (uint64_t)w->addr + w->len &&
            (uint64_t)addr + size > w->addr)
            return w;
    }
    return NULL;
}

int cpu_set_watches(struct cpu *c, const struct cpu_watch *w, unsigned n)
{
    struct cpu_watch *copy = n ? malloc(n * sizeof *copy) : NULL;
    if (n && !copy)
        return -1;
    if (n)
        memcpy(copy, w, n * sizeof *copy);
    free(c->watches);
    c->watches = copy;
    c->nwatches = n;
    uc_ctl_flush_tlb(c->uc); /* entries must be filled again, with watches in mind */
    return 0;
}

void cpu_skip_watch_once(struct cpu *c)
{
    c->watch_skip = true;
}

void cpu_skip_breakpoint_once(struct cpu *c)
{
    uc_reg_read(c->uc, UC_X86_REG_EIP, &c->break_skip_pc);
    c->break_skip = true;
}
