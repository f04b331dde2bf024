#include "codecache.h"

#include <stdlib.h>
#include <string.h>

struct codecache *codecache_create(uint32_t phys_pages, struct codecache *sibling)
{
    struct codecache *cc = calloc(1, sizeof *cc);
    if (!cc)
        return NULL;
    if (sibling) {
        cc->shared = sibling->shared;
    } else if ((cc->shared = calloc(1, sizeof *cc->shared))) {
        cc->shared->pages = phys_pages;
        cc->shared->code_page = calloc((phys_pages + 7) / 8, 1);
        if (!cc->shared->code_page) {
            free(cc->shared);
            cc->shared = NULL;
        }
    }
    if (!cc->shared) {
        free(cc);
        return NULL;
    }
    if (!(cc->stale = calloc((phys_pages + 7) / 8, 1))) {
        if (!sibling) {
            free(cc->shared->code_page);
            free(cc->shared);
        }
        free(cc);
        return NULL;
    }
    cc->shared->users++;
    cc->code_seen = cc->shared->code_epoch;
    cc->tlb_seen = cc->shared->tlb_epoch;
    return cc;
}

void codecache_destroy(struct codecache *cc)
{
    if (!cc)
        return;
    if (--cc->shared->users == 0) {
        free(cc->shared->code_page);
        free(cc->shared);
    }
    free(cc->stale);
    free(cc);
}

void codecache_invalidate(struct codecache *cc)
{
    memset(cc->slot, 0, sizeof cc->slot);
    cc->invalidations++;
}

bool codecache_mark_code(struct codecache *cc, uint32_t paddr)
{
    struct code_pages *sh = cc->shared;
    uint32_t page = paddr >> 12;
    if (page >= sh->pages)
        return false;
    uint8_t bit = (uint8_t)(1u << (page & 7));
    if (sh->code_page[page >> 3] & bit)
        return false;
    sh->code_page[page >> 3] |= bit;
    cc->tlb_seen = ++sh->tlb_epoch;
    return true;
}

bool codecache_take_stale(struct codecache *cc, uint32_t paddr)
{
    uint32_t page = paddr >> 12;
    uint8_t bit = (uint8_t)(1u << (page & 7));
    if (page >= cc->shared->pages || !(cc->stale[page >> 3] & bit))
        return false;
    cc->stale[page >> 3] &= (uint8_t)~bit;
    return true;
}

void codecache_clear_stale(struct codecache *cc)
{
    memset(cc->stale, 0, (cc->shared->pages + 7) / 8);
}

bool codecache_is_code(const struct codecache *cc, uint32_t paddr)
{
    const struct code_pages *sh = cc->shared;
    uint32_t page = paddr >> 12;
    return page < sh->pages && (sh->code_page[page >> 3] & (1u << (page & 7)));
}

bool codecache_write(struct codecache *cc, uint32_t paddr, uint32_t len)
{
    if (!len)
        return false;
    struct code_pages *sh = cc->shared;
    bool hit = false;
    uint64_t last = ((uint64_t)paddr + len - 1) >> 12;
    for (uint64_t page = paddr >> 12; page <= last && page < sh->pages; page++) {
        uint8_t bit = (uint8_t)(1u << (page & 7));
        if (sh->code_page[page >> 3] & bit) {
            sh->code_page[page >> 3] &= (uint8_t)~bit;
            cc->stale[page >> 3] |= bit;
            hit = true;
        }
    }
    if (hit) {
        codecache_invalidate(cc);
        cc->code_seen = ++sh->code_epoch;
    }
    return hit;
}
