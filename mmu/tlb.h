/* tlb: one CONTEXT's software TLB.
 *
 * A small set-associative cache of map_entries (TLB_SETS sets of TLB_WAYS
 * ways, round-robin replacement) in front of the mapping table. Unicorn's own
 * TLB caches what this one answers, so this is consulted on every Unicorn
 * TLB fill; its counters are what the statistics and the inspector show.
 *
 * A 64 KiB page takes one slot (`large`, keyed by its first page, in that
 * page's set) that answers for all 16 of its pages: a lookup tries the
 * page's own set for a 4 KiB slot, then its 64 KiB page's set for a large
 * one. The two never both match, as a 64 KiB region is mapped one way. */
#ifndef SPACE_TLB_H
#define SPACE_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "maptable.h"

#define TLB_SETS     16
#define TLB_WAYS     4
#define TLB_CAPACITY (TLB_SETS * TLB_WAYS)

struct tlb_slot {
    uint32_t vpage;  /* virtual address >> 12 (a 64 KiB page's first) */
    map_entry entry; /* a 64 KiB page's: that of its first 4 KiB */
    bool valid;
    bool large; /* a 64 KiB page */
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
/* Looks vaddr's page up; counts a hit or a miss. *out is the entry for
 * vaddr's own 4 KiB (its frame, inside a 64 KiB page too). */
bool tlb_lookup(struct tlb *t, uint32_t vaddr, map_entry *out);
/* Caches an entry (after a miss): vaddr's 4 KiB page's, or with `large`
 * the 64 KiB page's (e that of its first 4 KiB); counts an eviction if a
 * valid one goes. Returns true if one went (its page number is then in
 * *evicted). */
bool tlb_insert(struct tlb *t, uint32_t vaddr, map_entry e, bool large, uint32_t *evicted);
/* Drops what is cached for vaddr's page, 4 KiB or 64 KiB (a mapping changed). */
void tlb_invalidate(struct tlb *t, uint32_t vaddr);
void tlb_flush(struct tlb *t);

#endif
