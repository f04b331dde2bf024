#include "checkpoint.h"

#include <stdlib.h>
#include <string.h>

#include "machine_internal.h"
#include "sim/util/hash.h"

static const char *const reg_names[10] = {"eax", "ebx", "ecx", "edx", "esi",
                                          "edi", "ebp", "esp", "eip", "eflags"};

static uint64_t hash_u32s(const uint32_t *v, unsigned n, uint64_t seed)
{
    uint8_t buf[64];
    uint64_t h = seed;
    while (n) {
        unsigned k = n < 16 ? n : 16;
        for (unsigned i = 0; i < k; i++)
            for (unsigned j = 0; j < 4; j++)
                buf[i * 4 + j] = (uint8_t)(v[i] >> (8 * j));
        h = hash64(buf, k * 4u, h);
        v += k;
        n -= k;
    }
    return h;
}

static int by_firing_order(const void *a, const void *b)
{
    const struct event *x = a, *y = b;
    if (x->due != y->due)
        return x->due < y->due ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Registers as the guest would read them, pending interrupts, and what is
 * scheduled: due time, device and tag, in the order the events will fire
 * (not the heap's layout, nor the sequence numbers themselves: a device
 * that schedules the same event again while the machine waits at one
 * virtual time - as often as a window redraws - changes neither). */
static uint64_t hash_devices(struct machine *m)
{
    uint32_t pending[2] = {(uint32_t)m->bus.pending, (uint32_t)(m->bus.pending >> 32)};
    uint64_t h = hash_u32s(pending, m->bus.ndev > 32 ? 2 : 1, 0);
    for (unsigned i = 0; i < m->bus.ndev; i++) {
        struct device *d = &m->bus.dev[i];
        uint32_t regs[1024];
        for (uint32_t r = 0; r < 1024; r++)
            regs[r] = d->kind->peek ? d->kind->peek(d, r * 4) : d->kind->read(d, r * 4);
        h = hash_u32s(regs, 1024, h);
    }
    uint32_t n = m->bus.events.count;
    struct event *sorted = n ? malloc(n * sizeof *sorted) : NULL;
    if (n && !sorted)
        return h ^ n; /* (out of host memory: a weaker fingerprint, same on both sides) */
    if (n) {
        memcpy(sorted, m->bus.events.heap, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, by_firing_order);
    }
    for (uint32_t i = 0; i < n; i++) {
        const struct event *e = &sorted[i];
        uint32_t v[4] = {(uint32_t)e->due, (uint32_t)(e->due >> 32), e->dev->index, e->tag};
        h = hash_u32s(v, 4, h);
    }
    free(sorted);
    return h;
}

struct map_hash {
    const struct mmu *mmu;
    uint32_t ctx;
    uint64_t h;
};

static int hash_mapping(uint32_t vaddr, map_entry e, void *arg)
{
    struct map_hash *mh = arg;
    /* (A 64 KiB page differs from 16 pages mapped alike.) */
    uint32_t bits = mmu_access_bits(mh->mmu, mh->ctx, vaddr) |
                    (mmu_is_64k(mh->mmu, mh->ctx, vaddr) ? MAP_LARGE : 0);
    uint32_t v[4] = {mh->ctx, vaddr, e, bits};
    mh->h = hash_u32s(v, 4, mh->h);
    return 0;
}

/* Mappings with their reference/dirty bits, portals, and PCB chains
 * (current and suspended, with their virtual times). */
static uint64_t hash_other_cpus(struct machine *m, uint64_t h);

static uint64_t hash_space(struct machine *m)
{
    struct map_hash mh = {&m->mmu, 0, 0};
    for (mh.ctx = 0; mh.ctx < MMU_CONTEXTS; mh.ctx++)
        if (m->mmu.ctx[mh.ctx].table.mapped)
            maptable_each(&m->mmu.ctx[mh.ctx].table, hash_mapping, &mh);
    uint64_t h = mh.h;
    for (uint32_t c = 0; c < SPACE_CONTEXTS; c++) {
        const struct portal *t = m->portals.table[c];
        for (uint32_t trap = 0; t && trap < SPACE_TRAPS; trap++)
            if (t[trap].valid) {
                uint32_t v[6] = {
                    c, trap, t[trap].ctx, t[trap].mode, t[trap].pc, t[trap].modeaccess};
                h = hash_u32s(v, 6, h);
            }
    }
    const struct pcb_chain *cur = machine_cpu_chain(m, 0);
    h = hash64(cur->pcb, cur->depth * sizeof cur->pcb[0], h ^ cur->depth ^ cur->vtime);
    if (m->ncpus > 1)
        h = hash_other_cpus(m, h);
    for (uint32_t s = 0; s < SPACE_SUSPENDED_MAX; s++) {
        const struct suspended *sl = &m->pcbs.slot[s];
        if (!sl->chain)
            continue;
        uint32_t v[5] = {s, sl->generation, sl->chain->depth, (uint32_t)sl->chain->vtime,
                         (uint32_t)(sl->chain->vtime >> 32)};
        h = hash_u32s(v, 5, h);
        h = hash64(sl->chain->pcb, sl->chain->depth * sizeof sl->chain->pcb[0], h);
    }
    return h;
}

/* With several CPUs: the interleaving's state, and every CPU but CPU 0
 * (whose state is in the checkpoint's own fields) - its time, registers,
 * CONTEXT, MODE, interrupt enable, waiting and halted, IPIs and chain. */
static uint64_t hash_other_cpus(struct machine *m, uint64_t h)
{
    const struct machine_sched *s = &m->sched;
    uint32_t v[9] = {m->cur,
                     s->in_round,
                     s->pass,
                     (uint32_t)s->round_end,
                     (uint32_t)(s->round_end >> 32),
                     (uint32_t)s->prng,
                     (uint32_t)(s->prng >> 32),
                     (uint32_t)(m->cur == 0 ? m->pcbs.since : m->cpus[0].chain_since),
                     (uint32_t)m->cpus[0].slice};
    h = hash_u32s(v, 9, h);
    for (unsigned i = 1; i < m->ncpus; i++) {
        const struct machine_cpu *c = &m->cpus[i];
        struct cpu_regs r;
        cpu_get_regs(c->cpu, &r);
        uint64_t t = cpu_time(c->cpu);
        uint32_t w[20] = {r.eax,
                          r.ebx,
                          r.ecx,
                          r.edx,
                          r.esi,
                          r.edi,
                          r.ebp,
                          r.esp,
                          r.eip,
                          r.eflags,
                          cpu_context(c->cpu),
                          cpu_mode(c->cpu),
                          c->ie | c->waiting << 1 | c->halted << 2,
                          c->ipi,
                          (uint32_t)t,
                          (uint32_t)(t >> 32),
                          (uint32_t)c->slice,
                          (uint32_t)(c->slice >> 32),
                          (uint32_t)(i == m->cur ? m->pcbs.since : c->chain_since),
                          i};
        h = hash_u32s(w, 20, h);
        const struct pcb_chain *ch = machine_cpu_chain(m, i);
        h = hash64(ch->pcb, ch->depth * sizeof ch->pcb[0], h ^ ch->depth ^ ch->vtime);
    }
    return h;
}

int ram_hasher_init(struct ram_hasher *h, struct machine *m)
{
    h->pages = m->pm.ram_size / 4096u;
    h->page = calloc(h->pages, sizeof *h->page);
    h->primed = false;
    const char *v = getenv("SPACE_VERIFY_CHECKPOINTS");
    h->verify = v && *v == '1';
    return h->page && physmem_track_writes(&m->pm, PHYSMEM_FOR_CHECKPOINTS) == 0 ? 0 : -1;
}

void ram_hasher_free(struct ram_hasher *h)
{
    free(h->page);
    h->page = NULL;
}

/* Rehashes the pages written since the last time (all, the first time),
 * then region i's hash is the hash of its pages' hashes. */
static void hash_ram(struct machine *m, struct ram_hasher *h, uint64_t *regions)
{
    struct physmem *pm = &m->pm;
    const uint8_t *ram = physmem_ptr(pm, 0, pm->ram_size);
    for (uint32_t p = 0; p < h->pages; p++) {
        bool written = physmem_written_for(pm, PHYSMEM_FOR_CHECKPOINTS, p * 4096u);
        if (h->primed && !written && !h->verify)
            continue;
        uint64_t now = hash64(ram + (size_t)p * 4096u, 4096u, p);
        if (h->primed && !written && now != h->page[p])
            machine_stop(m, "internal error: physical page %#x changed without a tracked write",
                         p * 4096u);
        h->page[p] = now;
    }
    physmem_forget_writes(pm, PHYSMEM_FOR_CHECKPOINTS);
    for (unsigned i = 0; i < m->ncpus; i++)
        cpu_forget_writes(m->cpus[i].cpu);
    h->primed = true;
    for (uint32_t i = 0; i < CHECKPOINT_RAM_REGIONS; i++) {
        uint32_t first = (uint32_t)((uint64_t)i * h->pages / CHECKPOINT_RAM_REGIONS);
        uint32_t end = (uint32_t)((uint64_t)(i + 1) * h->pages / CHECKPOINT_RAM_REGIONS);
        regions[i] = hash64(h->page + first, (size_t)(end - first) * sizeof *h->page, i);
    }
}

void checkpoint_take(struct machine *m, struct ram_hasher *h, struct checkpoint *cp)
{
    memset(cp, 0, sizeof *cp);
    struct cpu *c0 = m->cpus[0].cpu;
    cp->time = machine_now(m);
    struct cpu_regs r;
    cpu_get_regs(c0, &r);
    uint32_t regs[10] = {r.eax, r.ebx, r.ecx, r.edx, r.esi, r.edi, r.ebp, r.esp, r.eip, r.eflags};
    memcpy(cp->regs, regs, sizeof regs);
    cp->ctx = cpu_context(c0);
    cp->mode = cpu_mode(c0);
    cp->ie = m->cpus[0].ie;
    cp->waiting = m->cpus[0].waiting;
    cp->pending = 0; /* by line, on any CPU (the devices' hash has which CPU) */
    for (unsigned i = 0; i < m->bus.ndev; i++)
        if (m->bus.pending & (1ull << i))
            cp->pending |= 1u << m->bus.dev[i].line;
    cp->ram_regions = CHECKPOINT_RAM_REGIONS;
    hash_ram(m, h, cp->ram);
    cp->devices = hash_devices(m);
    cp->space = hash_space(m);
}

/* Appends one clause to out. */
static void clause(char *out, unsigned outlen, unsigned *n, const char *text)
{
    size_t used = strlen(out);
    if (used + 1 < outlen)
        snprintf(out + used, outlen - used, "%s%s", *n ? "; " : "", text);
    (*n)++;
}

#define CLAUSE(...)                                                                                \
    do {                                                                                           \
        char text_[128];                                                                           \
        snprintf(text_, sizeof text_, __VA_ARGS__);                                                \
        clause(out, outlen, &n, text_);                                                            \
    } while (0)

unsigned checkpoint_diff(const struct checkpoint *rec, const struct checkpoint *now,
                         uint32_t ram_size, char *out, unsigned outlen)
{
    unsigned n = 0;
    out[0] = 0;
    if (rec->time != now->time)
        CLAUSE("virtual time %llu recorded, %llu replayed", (unsigned long long)rec->time,
               (unsigned long long)now->time);
    for (unsigned i = 0; i < 10; i++)
        if (rec->regs[i] != now->regs[i])
            CLAUSE("%s 0x%x recorded, 0x%x replayed", reg_names[i], rec->regs[i], now->regs[i]);
    if (rec->ctx != now->ctx || rec->mode != now->mode)
        CLAUSE("CONTEXT %u MODE %u recorded, CONTEXT %u MODE %u replayed", rec->ctx, rec->mode,
               now->ctx, now->mode);
    if (rec->ie != now->ie)
        CLAUSE("interrupt enable %u recorded, %u replayed", rec->ie, now->ie);
    if (rec->waiting != now->waiting)
        CLAUSE("waiting %u recorded, %u replayed", rec->waiting, now->waiting);
    if (rec->pending != now->pending)
        CLAUSE("pending interrupt lines 0x%x recorded, 0x%x replayed", rec->pending, now->pending);
    uint64_t pages = ram_size / 4096u;
    for (unsigned i = 0; i < CHECKPOINT_RAM_REGIONS; i++)
        if (rec->ram[i] != now->ram[i])
            CLAUSE("RAM 0x%08llx..0x%08llx differs",
                   (unsigned long long)(i * pages / CHECKPOINT_RAM_REGIONS * 4096u),
                   (unsigned long long)((i + 1) * pages / CHECKPOINT_RAM_REGIONS * 4096u - 1));
    if (rec->devices != now->devices)
        CLAUSE("device state differs (registers, pending interrupts or scheduled events)");
    if (rec->space != now->space)
        CLAUSE("SPACE state differs (mappings, portals or PCB chains)");
    return n;
}
