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

#define LARGE_FIRST(vpage) ((vpage) & ~15u)

static struct tlb_slot *find(struct tlb *t, uint32_t vpage, bool large)
{
    struct tlb_slot *set = t->slot[set_of(vpage)];
    for (int w = 0; w < TLB_WAYS; w++)
        if (set[w].valid && set[w].vpage == vpage && set[w].large == large)
            return &set[w];
    return NULL;
}

bool tlb_lookup(struct tlb *t, uint32_t vaddr, map_entry *out)
{
    uint32_t vpage = vaddr >> 12;
    struct tlb_slot *s = find(t, vpage, false);
    if (s)
        *out = s->entry;
    else if ((s = find(t, LARGE_FIRST(vpage), true)))
        *out = s->entry + ((vpage & 15u) << 12);
    if (!s) {
        t->stats.misses++;
        return false;
    }
    t->stats.hits++;
    return true;
}

bool tlb_insert(struct tlb *t, uint32_t vaddr, map_entry e, bool large, uint32_t *evicted)
{
    uint32_t vpage = large ? LARGE_FIRST(vaddr >> 12) : vaddr >> 12;
    unsigned s = set_of(vpage);
    struct tlb_slot *set = t->slot[s];
    int way = -1;
    for (int w = 0; w < TLB_WAYS; w++) {
        if (set[w].valid && set[w].vpage == vpage && set[w].large == large) {
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
        set[way] = (struct tlb_slot){.vpage = vpage, .entry = e, .valid = true, .large = large};
        return true;
    }
    set[way] = (struct tlb_slot){.vpage = vpage, .entry = e, .valid = true, .large = large};
    return false;
}

void tlb_invalidate(struct tlb *t, uint32_t vaddr)
{
    uint32_t vpage = vaddr >> 12;
    struct tlb_slot *s[2] = {find(t, vpage, false), find(t, LARGE_FIRST(vpage), true)};
    for (int k = 0; k < 2; k++) {
        if (s[k]) {
            s[k]->valid = false;
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
