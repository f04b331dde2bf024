#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine_internal.h"

#define PAGE 4096u

/* A piece of state several snapshots may hold (a RAM page, a mapping-table
 * leaf, a portal table, a suspended chain): freed with its last holder. */
struct blob {
    unsigned refs;
    size_t len;
    unsigned char data[];
};

static struct blob *blob_ref(struct blob *b)
{
    if (b)
        b->refs++;
    return b;
}

static void blob_drop(struct blob *b)
{
    if (b && --b->refs == 0)
        free(b);
}

/* What the snapshot alone holds of b. */
static size_t blob_own(const struct blob *b)
{
    return b && b->refs == 1 ? sizeof *b + b->len : 0;
}

/* prev's blob if it holds the same bytes, else a new copy. *fail is set if
 * the host has no memory. */
static struct blob *blob_share(const void *src, size_t len, struct blob *prev, bool *fail)
{
    if (prev && prev->len == len && memcmp(prev->data, src, len) == 0)
        return blob_ref(prev);
    struct blob *b = malloc(sizeof *b + len);
    if (!b) {
        *fail = true;
        return NULL;
    }
    b->refs = 1;
    b->len = len;
    memcpy(b->data, src, len);
    return b;
}

/* RAM pages in chunks, so that a snapshot costs a small table when few
 * pages changed: a chunk none of whose pages changed is shared whole. */
#define CHUNK_PAGES 512
struct ram_chunk {
    unsigned refs;
    struct blob *page[CHUNK_PAGES]; /* NULL: a page of zeros */
};

static void chunk_drop(struct ram_chunk *c)
{
    if (!c || --c->refs)
        return;
    for (unsigned i = 0; i < CHUNK_PAGES; i++)
        blob_drop(c->page[i]);
    free(c);
}

struct snap_cpu {
    struct cpu_saved *cpu;
    bool ie, waiting, halted;
    uint32_t ipi;
    uint64_t devs, slice, chain_since;
    struct machine_stats stats;
    struct blob *chain; /* a struct pcb_chain */
};

struct snap_suspended {
    uint32_t slot;
    struct blob *chain; /* a struct pcb_chain */
};

struct snap_leaf {
    uint16_t ctx, dir;
    struct blob *leaf;
};

struct snap_device {
    uint64_t interrupts;
    struct blob *state; /* NULL: the kind cannot save */
};

struct machine_snapshot {
    const struct machine *m;
    uint64_t id;
    uint64_t time;
    /* RAM */
    uint32_t pages, chunks;
    struct ram_chunk **ram;
    /* MMU */
    struct snap_leaf *leaves;
    unsigned nleaves;
    uint32_t mapped[MMU_CONTEXTS], mapped_max[MMU_CONTEXTS];
    uint64_t unmaps[MMU_CONTEXTS];
    struct tlb_stats tlb[MMU_CONTEXTS];
    uint64_t map_ops;
    /* portals: NULL where the CONTEXT has no table */
    struct blob *portals[SPACE_CONTEXTS];
    /* PCB chains: every CPU's, and the suspended ones */
    struct blob *generations;         /* uint32_t per suspended slot */
    struct snap_suspended *suspended; /* in slot order */
    unsigned nsuspended;
    uint32_t live;
    /* CPUs */
    unsigned cur, ncpus;
    struct snap_cpu *cpus;
    struct machine_sched sched;
    /* the bus */
    uint64_t pending;
    struct event *events;
    uint32_t nevents;
    uint64_t next_seq;
    struct bus_stats bus_stats;
    struct snap_device dev[BUS_MAX_DEVICES];
    /* the machine */
    enum machine_state state;
    uint32_t exit_code;
    char reason[sizeof((struct machine *)0)->reason];
    struct machine_stats stats;
    enum machine_pause pause;
    uint32_t pause_addr, pause_access, pause_watch;
    bool awaiting_input;
    struct blob *names; /* the CONTEXTs' names (SPACE_OP_CTX_NAME) */
    struct machine_metrics metrics;
};

static uint64_t next_id = 1;

static bool page_is_zero(const uint8_t *p)
{
    static const uint8_t zeros[PAGE];
    return memcmp(p, zeros, PAGE) == 0;
}

/* Was any of pages [first, first + n) written since the tracking forgot? */
static bool any_written(const struct physmem *pm, uint32_t first, uint32_t n)
{
    for (uint32_t p = first; p < first + n; p++)
        if (physmem_written_for(pm, PHYSMEM_FOR_SNAPSHOTS, p * PAGE))
            return true;
    return false;
}

/* One chunk of RAM: pages not written since prev (when prev is what the
 * tracking is relative to) or equal to prev's are shared. */
static struct ram_chunk *take_chunk(struct physmem *pm, uint32_t first, uint32_t n,
                                    struct ram_chunk *was, bool tracked)
{
    if (tracked && was && !any_written(pm, first, n)) {
        was->refs++;
        return was;
    }
    struct ram_chunk *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->refs = 1;
    bool fail = false, same = was != NULL;
    for (uint32_t i = 0; i < n && !fail; i++) {
        const uint8_t *bytes = pm->bytes + (size_t)(first + i) * PAGE;
        struct blob *old = was ? was->page[i] : NULL;
        if (tracked && !physmem_written_for(pm, PHYSMEM_FOR_SNAPSHOTS, (first + i) * PAGE))
            c->page[i] = blob_ref(old);
        else if (!page_is_zero(bytes))
            c->page[i] = blob_share(bytes, PAGE, old, &fail);
        same = same && c->page[i] == old;
    }
    if (fail || same) {
        chunk_drop(c);
        if (fail)
            return NULL;
        was->refs++;
        return was;
    }
    return c;
}

static bool take_ram(struct machine *m, struct machine_snapshot *s,
                     const struct machine_snapshot *prev)
{
    struct physmem *pm = &m->pm;
    if (!pm->written[PHYSMEM_FOR_SNAPSHOTS]) {
        if (physmem_track_writes(pm, PHYSMEM_FOR_SNAPSHOTS) != 0)
            return false;
        m->snap_base = 0; /* (writes until now were not seen) */
    }
    s->pages = pm->ram_size / PAGE;
    s->chunks = (s->pages + CHUNK_PAGES - 1) / CHUNK_PAGES;
    if (prev && prev->pages != s->pages)
        prev = NULL;
    bool tracked = prev && m->snap_base == prev->id;
    if (!(s->ram = calloc(s->chunks, sizeof *s->ram)))
        return false;
    for (uint32_t c = 0; c < s->chunks; c++) {
        uint32_t first = c * CHUNK_PAGES;
        uint32_t n = s->pages - first < CHUNK_PAGES ? s->pages - first : CHUNK_PAGES;
        if (!(s->ram[c] = take_chunk(pm, first, n, prev ? prev->ram[c] : NULL, tracked)))
            return false;
    }
    physmem_forget_writes(pm, PHYSMEM_FOR_SNAPSHOTS);
    for (unsigned i = 0; i < m->ncpus; i++)
        cpu_forget_writes(m->cpus[i].cpu);
    m->snap_base = s->id;
    return true;
}

static struct blob *prev_leaf(const struct machine_snapshot *prev, unsigned *at, uint16_t ctx,
                              uint16_t dir)
{
    if (!prev)
        return NULL;
    /* (both lists are in (ctx, dir) order: walk prev's alongside) */
    while (*at < prev->nleaves && (prev->leaves[*at].ctx < ctx ||
                                   (prev->leaves[*at].ctx == ctx && prev->leaves[*at].dir < dir)))
        (*at)++;
    if (*at < prev->nleaves && prev->leaves[*at].ctx == ctx && prev->leaves[*at].dir == dir)
        return prev->leaves[*at].leaf;
    return NULL;
}

static bool take_mmu(struct machine *m, struct machine_snapshot *s,
                     const struct machine_snapshot *prev)
{
    unsigned n = 0, cap = 0, at = 0;
    bool fail = false;
    for (uint16_t c = 0; c < MMU_CONTEXTS; c++) {
        const struct mmu_context *mc = &m->mmu.ctx[c];
        s->mapped[c] = mc->table.mapped;
        s->mapped_max[c] = mc->table.mapped_max;
        s->unmaps[c] = mc->table.unmaps;
        s->tlb[c] = mc->tlb.stats;
        for (uint16_t d = 0; d < 1024; d++) {
            if (!mc->table.dir[d])
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                struct snap_leaf *l = realloc(s->leaves, cap * sizeof *l);
                if (!l)
                    return false;
                s->leaves = l;
            }
            s->leaves[n] = (struct snap_leaf){c, d, NULL};
            s->leaves[n].leaf = blob_share(mc->table.dir[d], sizeof *mc->table.dir[d],
                                           prev_leaf(prev, &at, c, d), &fail);
            s->nleaves = ++n;
            if (fail)
                return false;
        }
    }
    s->map_ops = m->mmu.map_ops;
    return true;
}

static bool take_portals_and_chains(struct machine *m, struct machine_snapshot *s,
                                    const struct machine_snapshot *prev)
{
    bool fail = false;
    for (uint32_t c = 0; c < SPACE_CONTEXTS && !fail; c++)
        if (m->portals.table[c])
            s->portals[c] = blob_share(m->portals.table[c], SPACE_TRAPS * sizeof(struct portal),
                                       prev ? prev->portals[c] : NULL, &fail);
    uint32_t gen[SPACE_SUSPENDED_MAX];
    if (m->pcbs.live && !(s->suspended = calloc(m->pcbs.live, sizeof *s->suspended)))
        return false;
    unsigned at = 0;
    for (uint32_t i = 0; i < SPACE_SUSPENDED_MAX; i++) {
        const struct suspended *sl = &m->pcbs.slot[i];
        gen[i] = sl->generation;
        if (!sl->chain || fail || s->nsuspended == m->pcbs.live)
            continue;
        while (prev && at < prev->nsuspended && prev->suspended[at].slot < i)
            at++;
        struct blob *was = prev && at < prev->nsuspended && prev->suspended[at].slot == i
                               ? prev->suspended[at].chain
                               : NULL;
        struct snap_suspended *ss = &s->suspended[s->nsuspended++];
        ss->slot = i;
        ss->chain = blob_share(sl->chain, sizeof *sl->chain, was, &fail);
    }
    s->generations = blob_share(gen, sizeof gen, prev ? prev->generations : NULL, &fail);
    s->live = m->pcbs.live;
    return !fail;
}

static bool take_cpus(struct machine *m, struct machine_snapshot *s,
                      const struct machine_snapshot *prev)
{
    s->cur = m->cur;
    if (!(s->cpus = calloc(m->ncpus, sizeof *s->cpus)))
        return false;
    s->ncpus = m->ncpus;
    bool fail = false;
    for (unsigned i = 0; i < m->ncpus; i++) {
        const struct machine_cpu *c = &m->cpus[i];
        struct snap_cpu *sc = &s->cpus[i];
        if (!(sc->cpu = cpu_save(c->cpu)))
            return false;
        sc->ie = c->ie;
        sc->waiting = c->waiting;
        sc->halted = c->halted;
        sc->ipi = c->ipi;
        sc->devs = c->devs;
        sc->slice = c->slice;
        sc->stats = c->stats;
        sc->chain = blob_share(machine_cpu_chain(m, i), sizeof(struct pcb_chain),
                               prev && prev->ncpus == m->ncpus ? prev->cpus[i].chain : NULL, &fail);
        sc->chain_since = i == m->cur ? m->pcbs.since : c->chain_since;
    }
    s->sched = m->sched;
    return !fail;
}

static bool take_bus(struct machine *m, struct machine_snapshot *s)
{
    struct bus *b = &m->bus;
    s->pending = b->pending;
    s->nevents = b->events.count;
    s->next_seq = b->events.next_seq;
    if (s->nevents && !(s->events = malloc(s->nevents * sizeof *s->events)))
        return false;
    if (s->nevents)
        memcpy(s->events, b->events.heap, s->nevents * sizeof *s->events);
    s->bus_stats = b->stats;
    for (unsigned i = 0; i < b->ndev; i++) {
        struct device *d = &b->dev[i];
        s->dev[i].interrupts = d->interrupts;
        if (!d->kind->save)
            continue;
        size_t len = d->kind->save(d, NULL, 0);
        struct blob *blob = malloc(sizeof *blob + len);
        if (!blob)
            return false;
        blob->refs = 1;
        blob->len = len;
        d->kind->save(d, blob->data, len);
        s->dev[i].state = blob;
    }
    return true;
}

struct machine_snapshot *machine_snapshot_take(struct machine *m,
                                               const struct machine_snapshot *prev)
{
    struct machine_snapshot *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->m = m;
    s->id = next_id++;
    s->time = machine_now(m);
    if (prev && prev->m != m)
        prev = NULL;
    if (!take_ram(m, s, prev) || !take_mmu(m, s, prev) || !take_portals_and_chains(m, s, prev) ||
        !take_cpus(m, s, prev) || !take_bus(m, s)) {
        machine_snapshot_free(s);
        return NULL;
    }
    s->state = m->state;
    s->exit_code = m->exit_code;
    memcpy(s->reason, m->reason, sizeof s->reason);
    s->stats = m->stats;
    s->metrics = m->metrics;
    s->pause = m->pause;
    s->pause_addr = m->pause_addr;
    s->pause_access = m->pause_access;
    s->pause_watch = m->pause_watch;
    s->awaiting_input = m->awaiting_input;
    bool fail = false;
    s->names = blob_share(m->ctx_name, sizeof m->ctx_name, prev ? prev->names : NULL, &fail);
    if (fail) {
        machine_snapshot_free(s);
        return NULL;
    }
    return s;
}

/* ---- Restoring ---- */

static void restore_ram(struct machine *m, const struct machine_snapshot *s)
{
    struct physmem *pm = &m->pm;
    static const uint8_t zeros[PAGE];
    bool tracked = m->snap_base == s->id && pm->written[PHYSMEM_FOR_SNAPSHOTS];
    for (uint32_t p = 0; p < s->pages; p++) {
        if (tracked && !physmem_written_for(pm, PHYSMEM_FOR_SNAPSHOTS, p * PAGE))
            continue; /* RAM was s's at the last snapshot or restore, and this page kept it */
        uint8_t *bytes = pm->bytes + (size_t)p * PAGE;
        const struct blob *b = s->ram[p / CHUNK_PAGES]->page[p % CHUNK_PAGES];
        const uint8_t *want = b ? b->data : zeros;
        if (memcmp(bytes, want, PAGE) == 0)
            continue;
        memcpy(bytes, want, PAGE);
        /* (the checkpoints' tracking must see it; the CPUs drop all
         * their translations in cpu_restore) */
        physmem_note_write(pm, p * PAGE, PAGE);
    }
    physmem_forget_writes(pm, PHYSMEM_FOR_SNAPSHOTS);
    m->snap_base = s->id;
}

static int restore_mmu(struct machine *m, const struct machine_snapshot *s)
{
    unsigned at = 0;
    for (uint16_t c = 0; c < MMU_CONTEXTS; c++) {
        struct mmu_context *mc = &m->mmu.ctx[c];
        for (uint16_t d = 0; d < 1024; d++) {
            struct blob *want = prev_leaf(s, &at, c, d);
            struct maptable_leaf **leaf = &mc->table.dir[d];
            if (!want) {
                free(*leaf);
                *leaf = NULL;
                continue;
            }
            if (!*leaf && !(*leaf = malloc(sizeof **leaf)))
                return -1;
            memcpy(*leaf, want->data, sizeof **leaf);
        }
        mc->table.mapped = s->mapped[c];
        mc->table.mapped_max = s->mapped_max[c];
        mc->table.unmaps = s->unmaps[c];
        tlb_flush(&mc->tlb);
        mc->tlb.stats = s->tlb[c];
    }
    m->mmu.map_ops = s->map_ops;
    return 0;
}

static int restore_portals_and_chains(struct machine *m, const struct machine_snapshot *s)
{
    for (uint32_t c = 0; c < SPACE_CONTEXTS; c++) {
        struct portal **t = &m->portals.table[c];
        if (!s->portals[c]) {
            free(*t);
            *t = NULL;
            continue;
        }
        if (!*t && !(*t = malloc(SPACE_TRAPS * sizeof **t)))
            return -1;
        memcpy(*t, s->portals[c]->data, SPACE_TRAPS * sizeof **t);
    }
    const uint32_t *gen = (const uint32_t *)s->generations->data;
    unsigned at = 0;
    for (uint32_t i = 0; i < SPACE_SUSPENDED_MAX; i++) {
        struct suspended *sl = &m->pcbs.slot[i];
        sl->generation = gen[i];
        if (at == s->nsuspended || s->suspended[at].slot != i) {
            free(sl->chain);
            sl->chain = NULL;
            continue;
        }
        if (!sl->chain && !(sl->chain = malloc(sizeof *sl->chain)))
            return -1;
        memcpy(sl->chain, s->suspended[at++].chain->data, sizeof *sl->chain);
    }
    m->pcbs.live = s->live;
    return 0;
}

static void restore_cpus(struct machine *m, const struct machine_snapshot *s)
{
    machine_switch_cpu(m, s->cur);
    for (unsigned i = 0; i < m->ncpus; i++) {
        struct machine_cpu *c = &m->cpus[i];
        const struct snap_cpu *sc = &s->cpus[i];
        cpu_restore(c->cpu, sc->cpu);
        c->ie = sc->ie;
        c->waiting = sc->waiting;
        c->halted = sc->halted;
        c->ipi = sc->ipi;
        c->devs = sc->devs;
        c->slice = sc->slice;
        c->stats = sc->stats;
        memcpy(i == m->cur ? m->pcbs.current : c->chain, sc->chain->data, sizeof(struct pcb_chain));
        if (i == m->cur)
            m->pcbs.since = sc->chain_since;
        else
            c->chain_since = sc->chain_since;
    }
    m->sched = s->sched;
}

static int restore_bus(struct machine *m, const struct machine_snapshot *s, char *err,
                       unsigned errlen)
{
    struct bus *b = &m->bus;
    if (s->nevents > b->events.cap) {
        struct event *h = realloc(b->events.heap, s->nevents * sizeof *h);
        if (!h) {
            snprintf(err, errlen, "snapshot: out of host memory restoring the event queue");
            return -1;
        }
        b->events.heap = h;
        b->events.cap = s->nevents;
    }
    if (s->nevents)
        memcpy(b->events.heap, s->events, s->nevents * sizeof *s->events);
    b->events.count = s->nevents;
    b->events.next_seq = s->next_seq;
    b->pending = s->pending;
    b->stats = s->bus_stats;
    for (unsigned i = 0; i < b->ndev; i++) {
        struct device *d = &b->dev[i];
        d->interrupts = s->dev[i].interrupts;
        const struct blob *st = s->dev[i].state;
        if (!st || d->kind->load(d, st->data, st->len) != 0) {
            snprintf(err, errlen, "snapshot: %s%u %s", d->kind->name, d->unit,
                     st ? "refused its saved state (a state of the wrong size)"
                        : "cannot save and restore its state (its kind has no save/load)");
            return -1;
        }
    }
    return 0;
}

int machine_snapshot_restore(struct machine *m, const struct machine_snapshot *s, char *err,
                             unsigned errlen)
{
    if (s->m != m) {
        snprintf(err, errlen, "snapshot: taken of another machine");
        return -1;
    }
    restore_ram(m, s);
    if (restore_mmu(m, s) != 0 || restore_portals_and_chains(m, s) != 0) {
        snprintf(err, errlen, "snapshot: out of host memory restoring mappings or PCB chains");
        return -1;
    }
    restore_cpus(m, s);
    if (restore_bus(m, s, err, errlen) != 0)
        return -1;
    m->state = s->state;
    m->exit_code = s->exit_code;
    memcpy(m->reason, s->reason, sizeof m->reason);
    m->stats = s->stats;
    m->metrics = s->metrics;
    m->pause = s->pause;
    m->pause_addr = s->pause_addr;
    m->pause_access = s->pause_access;
    m->pause_watch = s->pause_watch;
    m->awaiting_input = s->awaiting_input;
    memcpy(m->ctx_name, s->names->data, sizeof m->ctx_name);
    return 0;
}

uint64_t machine_snapshot_time(const struct machine_snapshot *s)
{
    return s->time;
}

size_t machine_snapshot_bytes(const struct machine_snapshot *s)
{
    size_t n = sizeof *s + (size_t)s->chunks * sizeof *s->ram + s->nleaves * sizeof *s->leaves +
               s->nevents * sizeof *s->events;
    for (uint32_t c = 0; c < s->chunks; c++) {
        if (s->ram[c]->refs > 1)
            continue;
        n += sizeof *s->ram[c];
        for (unsigned i = 0; i < CHUNK_PAGES; i++)
            n += blob_own(s->ram[c]->page[i]);
    }
    for (unsigned i = 0; i < s->nleaves; i++)
        n += blob_own(s->leaves[i].leaf);
    for (uint32_t c = 0; c < SPACE_CONTEXTS; c++)
        n += blob_own(s->portals[c]);
    for (unsigned i = 0; i < s->nsuspended; i++)
        n += blob_own(s->suspended[i].chain);
    n += blob_own(s->generations) + s->nsuspended * sizeof *s->suspended + blob_own(s->names);
    n += s->ncpus * sizeof *s->cpus;
    for (unsigned i = 0; i < s->ncpus; i++)
        n += cpu_saved_bytes(s->cpus[i].cpu) + blob_own(s->cpus[i].chain);
    for (unsigned i = 0; i < BUS_MAX_DEVICES; i++)
        n += blob_own(s->dev[i].state);
    return n;
}

void machine_snapshot_free(struct machine_snapshot *s)
{
    if (!s)
        return;
    for (uint32_t c = 0; s->ram && c < s->chunks; c++)
        chunk_drop(s->ram[c]);
    free(s->ram);
    for (unsigned i = 0; i < s->nleaves; i++)
        blob_drop(s->leaves[i].leaf);
    free(s->leaves);
    for (uint32_t c = 0; c < SPACE_CONTEXTS; c++)
        blob_drop(s->portals[c]);
    for (unsigned i = 0; i < s->nsuspended; i++)
        blob_drop(s->suspended[i].chain);
    free(s->suspended);
    blob_drop(s->generations);
    blob_drop(s->names);
    for (unsigned i = 0; i < s->ncpus; i++) {
        cpu_saved_free(s->cpus[i].cpu);
        blob_drop(s->cpus[i].chain);
    }
    free(s->cpus);
    free(s->events);
    for (unsigned i = 0; i < BUS_MAX_DEVICES; i++)
        blob_drop(s->dev[i].state);
    free(s);
}
