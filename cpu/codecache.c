#include "codecache.h"

#include <stdlib.h>
#include <string.h>

struct codecache *codecache_create(uint32_t phys_pages)
{
    struct codecache *cc = calloc(1, sizeof *cc);
    if (!cc)
        return NULL;
    cc->pages = phys_pages;
    cc->code_page = calloc((phys_pages + 7) / 8, 1);
    cc->stale = calloc((phys_pages + 7) / 8, 1);
    if (!cc->code_page || !cc->stale) {
        codecache_destroy(cc);
        return NULL;
    }
    return cc;
}

void codecache_destroy(struct codecache *cc)
{
    if (!cc)
        return;
    free(cc->code_page);
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
    uint32_t page = paddr >> 12;
    if (page >= cc->pages)
        return false;
    uint8_t bit = (uint8_t)(1u << (page & 7));
    if (cc->code_page[page >> 3] & bit)
        return false;
    cc->code_page[page >> 3] |= bit;
    return true;
}

bool codecache_take_stale(struct codecache *cc, uint32_t paddr)
{
    uint32_t page = paddr >> 12;
    uint8_t bit = (uint8_t)(1u << (page & 7));
    if (page >= cc->pages || !(cc->stale[page >> 3] & bit))
        return false;
    cc->stale[page >> 3] &= (uint8_t)~bit;
    return true;
}

void codecache_clear_stale(struct codecache *cc)
{
    memset(cc->stale, 0, (cc->pages + 7) / 8);
}

bool codecache_is_code(const struct codecache *cc, uint32_t paddr)
{
    uint32_t page = paddr >> 12;
    return page < cc->pages && (cc->code_page[page >> 3] & (1u << (page & 7)));
}

bool codecache_write(struct codecache *cc, uint32_t paddr, uint32_t len)
{
    if (!len)
        return false;
    bool hit = false;
    uint64_t last = ((uint64_t)paddr + len - 1) >> 12;
    for (uint64_t page = paddr >> 12; page <= last && page < cc->pages; page++) {
        uint8_t bit = (uint8_t)(1u << (page & 7));
        if (cc->code_page[page >> 3] & bit) {
            cc->code_page[page >> 3] &= (uint8_t)~bit;
            cc->stale[page >> 3] |= bit;
            hit = true;
        }
    }
    if (hit)
        codecache_invalidate(cc);
    return hit;
}
