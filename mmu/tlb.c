#include "tlb.h"

#include <string.h>

static unsigned set_of(uint32_t vpage)
{
    return (vpage ^ (vpage >> 4)) % TLB_SETS;
}

void tlb_init(struct tlb *t)
{
    memset(t, 0, sizeof *t);
}

bool tlb_lookup(struct tlb *t, uint32_t vaddr, map_entry *out)
{
    uint32_t vpage = vaddr >> 12;
    struct tlb_slot *set = t->slot[set_of(vpage)];
    for (int w = 0; w < TLB_WAYS; w++) {
        if (set[w].valid && set[w].vpage == vpage) {
            t->stats.hits++;
            *out = set[w].entry;
            return true;
        }
    }
    t->stats.misses++;
    return false;
}

bool tlb_insert(struct tlb *t, uint32_t vaddr, map_entry e, uint32_t *evicted)
{
    uint32_t vpage = vaddr >> 12;
    unsigned s = set_of(vpage);
    struct tlb_slot *set = t->slot[s];
    int way = -1;
    for (int w = 0; w < TLB_WAYS; w++) {
        if (set[w].valid && set[w].vpage == vpage) {
            way = w;
            break;
        }
        if (!set[w].valid && way < 0)
            way = w;
    }
    if (way < 0) {
        way = t->next_victim[s];
        t->next_victim[s] = (uint8_t)((way + 1) % TLB_WAYS);
        t->stats.evictions++;
        *evicted = set[way].vpage;
        set[way] = (struct tlb_slot){.vpage = vpage, .entry = e, .valid = true};
        return true;
    }
    set[way] = (struct tlb_slot){.vpage = vpage, .entry = e, .valid = true};
    return false;
}

void tlb_invalidate(struct tlb *t, uint32_t vaddr)
{
    uint32_t vpage = vaddr >> 12;
    struct tlb_slot *set = t->slot[set_of(vpage)];
    for (int w = 0; w < TLB_WAYS; w++) {
        if (set[w].valid && set[w].vpage == vpage) {
            set[w].valid = false;
            t->stats.invalidations++;
        }
    }
}

void tlb_flush(struct tlb *t)
{
    for (int s = 0; s < TLB_SETS; s++)
        for (int w = 0; w < TLB_WAYS; w++)
            t->slot[s][w].valid = false;
    t->stats.flushes++;
}
