/* tlb: one CONTEXT's software TLB.
 *
 * A small set-associative cache of map_entries (TLB_SETS sets of TLB_WAYS
 * ways, round-robin replacement) in front of the mapping table. Unicorn's own
 * TLB caches what this one answers, so this is consulted on every Unicorn
 * TLB fill; its counters are what the statistics and the inspector show. */
#ifndef SPACE_TLB_H
#define SPACE_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "maptable.h"

#define TLB_SETS     16
#define TLB_WAYS     4
#define TLB_CAPACITY (TLB_SETS * TLB_WAYS)

struct tlb_slot {
    uint32_t vpage; /* virtual address >> 12 */
    map_entry entry;
    bool valid;
};

struct tlb_stats {
    uint64_t hits, misses, flushes, evictions, invalidations;
};

struct tlb {
    struct tlb_slot slot[TLB_SETS][TLB_WAYS];
    uint8_t next_victim[TLB_SETS];
    struct tlb_stats stats;
};

void tlb_init(struct tlb *t);
/* Looks vaddr's page up; counts a hit or a miss. */
bool tlb_lookup(struct tlb *t, uint32_t vaddr, map_entry *out);
/* Caches an entry (after a miss); counts an eviction if a valid one goes.
 * Returns true if one went (its page number is then in *evicted). */
bool tlb_insert(struct tlb *t, uint32_t vaddr, map_entry e, uint32_t *evicted);
/* Drops vaddr's page if cached (a mapping changed). */
void tlb_invalidate(struct tlb *t, uint32_t vaddr);
void tlb_flush(struct tlb *t);

#endif
