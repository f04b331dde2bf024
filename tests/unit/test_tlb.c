/* Unit tests for the software TLB: hits, misses, capacity, eviction,
 * invalidation and flush, and that it is consistent with the table. */
#include "unit.h"
#include <stdio.h>
#include <string.h>

#include "basicoz/include/space.h"
#include "mmu/mmu.h"

int main(void)
{
    struct tlb t;
    map_entry e;
    uint32_t evicted = 0;
    unsigned reported = 0;
    tlb_init(&t);
    EXPECT(!tlb_lookup(&t, 0x1000, &e) && t.stats.misses == 1);
    EXPECT(!tlb_insert(&t, 0x1000, MAP_ENTRY(0x8000, 1), false, &evicted));
    EXPECT(tlb_lookup(&t, 0x1fff, &e) && e == MAP_ENTRY(0x8000, 1) && t.stats.hits == 1);
    /* fill far beyond capacity: evictions happen, capacity is respected */
    for (uint32_t i = 0; i < 4 * TLB_CAPACITY; i++)
        if (tlb_insert(&t, 0x100000 + i * 0x1000, MAP_ENTRY(i << 12, 1), false, &evicted)) {
            /* what went is a page of the same set (the set hash of tlb.c) */
            uint32_t vp = 0x100u + i;
            EXPECT((evicted ^ (evicted >> 4)) % TLB_SETS == (vp ^ (vp >> 4)) % TLB_SETS);
            reported++;
        }
    unsigned valid = 0;
    for (int s = 0; s < TLB_SETS; s++)
        for (int w = 0; w < TLB_WAYS; w++)
            valid += t.slot[s][w].valid;
    EXPECT(valid == TLB_CAPACITY);
    EXPECT(t.stats.evictions >= 3 * TLB_CAPACITY && reported == t.stats.evictions);
    /* the most recent insert is present */
    uint32_t last = 0x100000 + (4 * TLB_CAPACITY - 1) * 0x1000;
    EXPECT(tlb_lookup(&t, last, &e) && e == MAP_ENTRY((4 * TLB_CAPACITY - 1) << 12, 1));
    tlb_invalidate(&t, last);
    EXPECT(!tlb_lookup(&t, last, &e) && t.stats.invalidations == 1);
    tlb_flush(&t);
    EXPECT(t.stats.flushes == 1);
    for (uint32_t i = 0; i < 4 * TLB_CAPACITY; i++)
        EXPECT(!tlb_lookup(&t, 0x100000 + i * 0x1000, &e));

    /* Through the MMU: a remap is seen immediately even if cached. */
    struct physmem pm;
    struct mmu m;
    map_entry old;
    EXPECT(physmem_init(&pm, 1u << 20) == 0);
    mmu_init(&m, &pm);
    EXPECT(mmu_map(&m, 3, 0x400000, 0x2000, 0x7, &old) == 0 && old == 0);
    EXPECT(mmu_lookup(&m, 3, 0x400010) == MAP_ENTRY(0x2000, 7));
    EXPECT(mmu_lookup(&m, 3, 0x400010) == MAP_ENTRY(0x2000, 7));
    EXPECT(m.ctx[3].tlb.stats.hits == 1 && m.ctx[3].tlb.stats.misses == 1);
    EXPECT(mmu_map(&m, 3, 0x400000, 0x3000, 0x1, &old) == 0 && old == MAP_ENTRY(0x2000, 7));
    EXPECT(mmu_lookup(&m, 3, 0x400010) == MAP_ENTRY(0x3000, 1));
    /* other contexts are separate */
    EXPECT(mmu_lookup(&m, 4, 0x400010) == 0);
    /* argument errors */
    EXPECT(mmu_map(&m, 256, 0, 0, 1, &old) == -1);
    EXPECT(mmu_map(&m, 0, 0x10, 0, 1, &old) == -2);
    EXPECT(mmu_map(&m, 0, 0, 0x10, 1, &old) == -2);
    EXPECT(mmu_map(&m, 0, 0, 1u << 20, 1, &old) == -3);
    EXPECT(mmu_map(&m, 0, 0, 0, 0x2000, &old) == -9);
    EXPECT(mmu_map(&m, 0, 0, 0, 0x2000 | SPACE_MAP_64K, &old) == -9);
    /* permission-checked translation and copies */
    uint32_t pa;
    EXPECT(mmu_translate(&m, 3, 0, 0x400123, MMU_READ, &pa) && pa == 0x3123);
    EXPECT(!mmu_translate(&m, 3, 0, 0x400123, MMU_WRITE, &pa));
    EXPECT(!mmu_translate(&m, 3, 1, 0x400123, MMU_READ, &pa));
    EXPECT(mmu_map(&m, 3, 0x401000, 0x5000, 0x3, &old) == 0);
    EXPECT(mmu_map(&m, 3, 0x402000, 0x9000, 0x3, &old) == 0);
    const char msg[] = "straddles two pages";
    memcpy(&pm.bytes[0x5ffa], msg, 6);
    memcpy(&pm.bytes[0x9000], msg + 6, sizeof msg - 6);
    char back[sizeof msg];
    EXPECT(mmu_copy_from(&m, 3, 0, 0x401ffa, back, sizeof back, MMU_READ) == 0);
    for (unsigned i = 0; i < sizeof msg; i++)
        EXPECT(back[i] == msg[i]);
    EXPECT(mmu_access_bits(&m, 3, 0x401000) == MAP_REF &&
           mmu_access_bits(&m, 3, 0x402000) == MAP_REF);
    /* a copy from a page this MODE may not read stops there */
    EXPECT(mmu_copy_from(&m, 3, 1, 0x400ff0, back, sizeof back, MMU_READ) == -1);

    /* A 64 KiB page: one slot answers for its 16 pages, each with its frame. */
    tlb_flush(&t);
    EXPECT(!tlb_insert(&t, 0x20000, MAP_ENTRY(0x50000, 3), true, &evicted));
    for (uint32_t k = 0; k < 16; k++)
        EXPECT(tlb_lookup(&t, 0x20000 + k * 0x1000 + 0x123, &e) &&
               e == MAP_ENTRY(0x50000 + k * 0x1000, 3));
    EXPECT(!tlb_lookup(&t, 0x30000, &e) && !tlb_lookup(&t, 0x1f000, &e));
    valid = 0;
    for (int s = 0; s < TLB_SETS; s++)
        for (int w = 0; w < TLB_WAYS; w++)
            valid += t.slot[s][w].valid;
    EXPECT(valid == 1);
    uint64_t inval = t.stats.invalidations;
    tlb_invalidate(&t, 0x2f000); /* any page of it drops the whole */
    EXPECT(t.stats.invalidations == inval + 1 && !tlb_lookup(&t, 0x20000, &e));

    /* Through the MMU: one miss for the whole 64 KiB page, the rest hits. */
    EXPECT(mmu_map(&m, 5, 0x800000, 0x40000, 0x3 | SPACE_MAP_64K, &old) == 0 && old == 0);
    for (uint32_t k = 0; k < 16; k++)
        EXPECT(mmu_lookup(&m, 5, 0x800000 + k * 0x1000) == MAP_ENTRY(0x40000 + k * 0x1000, 3));
    EXPECT(m.ctx[5].tlb.stats.misses == 1 && m.ctx[5].tlb.stats.hits == 15);
    /* alignment of both addresses, 16 frames of RAM */
    EXPECT(mmu_map(&m, 5, 0x801000, 0x40000, 0x3 | SPACE_MAP_64K, &old) == SPACE_ERR_ALIGN);
    EXPECT(mmu_map(&m, 5, 0x810000, 0x41000, 0x3 | SPACE_MAP_64K, &old) == SPACE_ERR_ALIGN);
    EXPECT(mmu_map(&m, 5, 0x810000, 0xf0000, 0x3 | SPACE_MAP_64K, &old) == 0);
    EXPECT(mmu_map(&m, 5, 0x820000, 0x100000, 0x3 | SPACE_MAP_64K, &old) == SPACE_ERR_PADDR);
    pm.device_base = 0xf0000000u;
    pm.device_pages = 16;
    EXPECT(mmu_map(&m, 5, 0x820000, 0xf0000000u, 0x3 | SPACE_MAP_64K, &old) == SPACE_ERR_PADDR);
    EXPECT(mmu_map(&m, 5, 0x820000, 0xf0000000u, 0x3, &old) == 0);
    /* no mixing, either way; a 64 KiB unmap over 4 KiB pages is refused too */
    EXPECT(mmu_map(&m, 5, 0x820000, 0x60000, 0x3 | SPACE_MAP_64K, &old) == SPACE_ERR_MIXED);
    EXPECT(mmu_map(&m, 5, 0x820000, 0, SPACE_MAP_64K, &old) == SPACE_ERR_MIXED);
    EXPECT(mmu_map(&m, 5, 0x805000, 0x9000, 0x3, &old) == SPACE_ERR_MIXED);
    EXPECT(mmu_map(&m, 5, 0x805000, 0, 0, &old) == SPACE_ERR_MIXED);
    EXPECT(mmu_lookup(&m, 5, 0x805000) == MAP_ENTRY(0x45000, 3));
    /* one pair of bits, through any address */
    EXPECT(mmu_note_access(&m, 5, 0x80f004, MMU_WRITE) == (MAP_REF | MAP_DIRTY));
    EXPECT(mmu_access_bits(&m, 5, 0x800000) == (MAP_REF | MAP_DIRTY));
    EXPECT(mmu_clear_access_bits(&m, 5, 0x803000, MAP_DIRTY) == (MAP_REF | MAP_DIRTY));
    EXPECT(mmu_access_bits(&m, 5, 0x80f000) == MAP_REF);
    /* new permissions keep them, a new frame clears them */
    EXPECT(mmu_map(&m, 5, 0x800000, 0x40000, 0x1 | SPACE_MAP_64K, &old) == 0 &&
           old == MAP_ENTRY(0x40000, 3));
    EXPECT(mmu_access_bits(&m, 5, 0x808000) == MAP_REF && mmu_is_64k(&m, 5, 0x808000));
    EXPECT(mmu_lookup(&m, 5, 0x808000) == MAP_ENTRY(0x48000, 1));
    EXPECT(mmu_map(&m, 5, 0x800000, 0x30000, 0x1 | SPACE_MAP_64K, &old) == 0);
    EXPECT(mmu_access_bits(&m, 5, 0x808000) == 0);
    /* unmapped as one; then the region takes 4 KiB pages again */
    uint32_t before = m.ctx[5].table.mapped;
    EXPECT(mmu_map(&m, 5, 0x800000, 0, SPACE_MAP_64K, &old) == 0 && old == MAP_ENTRY(0x30000, 1));
    EXPECT(m.ctx[5].table.mapped == before - 16 && !mmu_is_64k(&m, 5, 0x80f000));
    EXPECT(mmu_lookup(&m, 5, 0x80f000) == 0 && mmu_peek(&m, 5, 0x800000) == 0);
    EXPECT(mmu_map(&m, 5, 0x805000, 0x9000, 0x3, &old) == 0);
    EXPECT(mmu_map(&m, 5, 0x800000, 0, SPACE_MAP_64K, &old) == SPACE_ERR_MIXED);
    mmu_free(&m);
    physmem_free(&pm);
    puts("tlb: ok");
    return 0;
}
