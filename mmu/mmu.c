#include "mmu.h"

#include <string.h>

#include "basicoz/include/space.h"

_Static_assert(MAP_REF == SPACE_REF && MAP_DIRTY == SPACE_DIRTY, "space.h bits are the table's");

void mmu_init(struct mmu *m, struct physmem *pm)
{
    m->pm = pm;
    m->map_ops = 0;
    for (int c = 0; c < MMU_CONTEXTS; c++) {
        maptable_init(&m->ctx[c].table);
        tlb_init(&m->ctx[c].tlb);
    }
}

void mmu_free(struct mmu *m)
{
    for (int c = 0; c < MMU_CONTEXTS; c++)
        maptable_free(&m->ctx[c].table);
}

/* A 64 KiB page's frames must all be RAM: a device register page is
 * never part of one. */
static bool large_frames_ok(const struct physmem *pm, uint32_t paddr)
{
    return physmem_is_ram(pm, paddr) && physmem_is_ram(pm, paddr + MAP_LARGE_MASK);
}

/* Would mapping vaddr (4 KiB, or with `large` its 64 KiB region) mix a
 * 4 KiB page and a 64 KiB page in one 64 KiB region? */
static bool mixes(const struct maptable *t, uint32_t vaddr, bool large)
{
    if (!large)
        return maptable_large(t, vaddr);
    for (uint32_t k = 0; k < MAP_LARGE_PAGES; k++) {
        uint32_t va = vaddr + (k << 12);
        if (maptable_get(t, va) && !maptable_large(t, va))
            return true;
    }
    return false;
}

int mmu_map(struct mmu *m, uint32_t ctx, uint32_t vaddr, uint32_t paddr, uint32_t modeaccess,
            map_entry *old_out)
{
    *old_out = 0;
    if (ctx >= MMU_CONTEXTS)
        return SPACE_ERR_CONTEXT;
    bool large = modeaccess & SPACE_MAP_64K;
    if ((vaddr | paddr) & (large ? MAP_LARGE_MASK : 0xfffu))
        return SPACE_ERR_ALIGN;
    modeaccess &= ~(uint32_t)SPACE_MAP_64K;
    if (modeaccess & ~0xfffu)
        return SPACE_ERR_ACCESS;
    if (modeaccess && (large ? !large_frames_ok(m->pm, paddr)
                             : !physmem_is_ram(m->pm, paddr) && !physmem_is_device(m->pm, paddr)))
        return SPACE_ERR_PADDR;
    struct maptable *t = &m->ctx[ctx].table;
    if (mixes(t, vaddr, large))
        return SPACE_ERR_MIXED;
    map_entry e = modeaccess ? MAP_ENTRY(paddr, modeaccess) : 0, old;
    if ((large ? maptable_set_large(t, vaddr, e, &old) : maptable_set(t, vaddr, e, &old)) != 0)
        return SPACE_ERR_FULL;
    if (old != e) {
        m->map_ops++;
        tlb_invalidate(&m->ctx[ctx].tlb, vaddr);
        if (m->trace)
            m->trace(m->trace_arg, "invalidate", ctx, vaddr, e);
    }
    *old_out = old;
    return SPACE_OK;
}

map_entry mmu_lookup(struct mmu *m, uint32_t ctx, uint32_t vaddr)
{
    struct mmu_context *c = &m->ctx[ctx];
    map_entry e;
    if (tlb_lookup(&c->tlb, vaddr, &e))
        return e;
    e = maptable_get(&c->table, vaddr);
    /* A 64 KiB page is cached as one entry, that of its first 4 KiB. */
    bool large = maptable_large(&c->table, vaddr);
    uint32_t first = large ? vaddr & ~MAP_LARGE_MASK : vaddr, evicted;
    map_entry cached = large ? maptable_get(&c->table, first) : e;
    if (e && tlb_insert(&c->tlb, first, cached, large, &evicted) && m->trace)
        m->trace(m->trace_arg, "evict", ctx, evicted << 12, 0);
    if (m->trace)
        m->trace(m->trace_arg,
                 !e      ? "miss (not mapped)"
                 : large ? "fill 64K"
                         : "fill",
                 ctx, first, cached);
    return e;
}

map_entry mmu_peek(const struct mmu *m, uint32_t ctx, uint32_t vaddr)
{
    return ctx < MMU_CONTEXTS ? maptable_get(&m->ctx[ctx].table, vaddr) : 0;
}

bool mmu_is_64k(const struct mmu *m, uint32_t ctx, uint32_t vaddr)
{
    return ctx < MMU_CONTEXTS && maptable_large(&m->ctx[ctx].table, vaddr);
}

unsigned mmu_note_access(struct mmu *m, uint32_t ctx, uint32_t vaddr, unsigned access)
{
    unsigned bits = MAP_REF | (access & MMU_WRITE ? MAP_DIRTY : 0);
    return maptable_mark(&m->ctx[ctx].table, vaddr, bits);
}

enum mmu_outcome mmu_decide(struct mmu *m, uint32_t ctx, uint32_t mode, uint32_t vaddr,
                            unsigned access, struct mmu_decision *d)
{
    map_entry e = mmu_lookup(m, ctx, vaddr);
    *d = (struct mmu_decision){.paddr = MAP_PADDR(e), .perms = MAP_MODE_BITS(e, mode)};
    if (!e)
        d->outcome = MMU_UNMAPPED;
    else if (!(d->perms & access))
        d->outcome = MMU_PROTECTION;
    else if (physmem_is_ram(m->pm, d->paddr))
        d->outcome = MMU_PERMITTED;
    else
        d->outcome = access == MMU_EXEC ? MMU_PROTECTION : MMU_DEVICE;
    return d->outcome;
}

unsigned mmu_grant(struct mmu *m, uint32_t ctx, const struct mmu_decision *d, uint32_t vaddr,
                   unsigned access, unsigned perms)
{
    if (!(mmu_note_access(m, ctx, vaddr, access) & MAP_DIRTY))
        perms &= ~(unsigned)MMU_WRITE;
    if (m->pm->tracking && (perms & MMU_WRITE)) {
        if (access == MMU_WRITE)
            physmem_note_write(m->pm, d->paddr, 1);
        else if (!physmem_page_written(m->pm, d->paddr))
            perms &= ~(unsigned)MMU_WRITE;
    }
    return perms;
}

unsigned mmu_access_bits(const struct mmu *m, uint32_t ctx, uint32_t vaddr)
{
    return ctx < MMU_CONTEXTS ? maptable_bits(&m->ctx[ctx].table, vaddr) : 0;
}

int mmu_clear_access_bits(struct mmu *m, uint32_t ctx, uint32_t vaddr, uint32_t mask)
{
    if (ctx >= MMU_CONTEXTS)
        return SPACE_ERR_CONTEXT;
    if (mask & ~(uint32_t)(MAP_REF | MAP_DIRTY))
        return SPACE_ERR_ACCESS;
    if (!mmu_peek(m, ctx, vaddr))
        return SPACE_ERR_ARG;
    return (int)maptable_clear(&m->ctx[ctx].table, vaddr, mask);
}

bool mmu_translate(const struct mmu *m, uint32_t ctx, uint32_t mode, uint32_t vaddr,
                   unsigned access, uint32_t *paddr)
{
    if (mode >= MMU_MODES)
        return false;
    map_entry e = mmu_peek(m, ctx, vaddr);
    if (!e || (MAP_MODE_BITS(e, mode) & access) != access)
        return false;
    *paddr = MAP_PADDR(e) | (vaddr & 0xfffu);
    return true;
}

uint32_t mmu_read(const struct mmu *m, uint32_t ctx, uint32_t vaddr, void *dst, uint32_t len)
{
    uint32_t got = 0;
    while (got < len) {
        uint32_t va = vaddr + got, pa;
        uint32_t n = mmu_page_span(va, len - got);
        const void *p;
        if (!mmu_translate(m, ctx, 0, va, 0, &pa) || !(p = physmem_ptr(m->pm, pa, n)))
            break;
        memcpy((uint8_t *)dst + got, p, n);
        got += n;
    }
    return got;
}

int mmu_copy_from(struct mmu *m, uint32_t ctx, uint32_t mode, uint32_t vaddr, void *dst,
                  uint32_t len, unsigned access)
{
    /* Every page first (permitted, and RAM): a failing copy sets no bit. */
    for (uint32_t done = 0; done < len;) {
        uint32_t va = vaddr + done, pa;
        uint32_t n = mmu_page_span(va, len - done);
        if (!mmu_translate(m, ctx, mode, va, access, &pa) || !physmem_ptr(m->pm, pa, n))
            return -1;
        done += n;
    }
    for (uint32_t done = 0; done < len;) {
        uint32_t va = vaddr + done, pa;
        uint32_t n = mmu_page_span(va, len - done);
        const uint8_t *host;
        if (!mmu_translate(m, ctx, mode, va, access, &pa) || !(host = physmem_ptr(m->pm, pa, n)))
            return -1;
        memcpy((uint8_t *)dst + done, host, n);
        mmu_note_access(m, ctx, va, access);
        done += n;
    }
    return 0;
}
