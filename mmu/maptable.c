#include "maptable.h"

#include <stdlib.h>

#define LEAF_INDEX(vaddr) (((vaddr) >> 12) & 1023u)

void maptable_init(struct maptable *t)
{
    for (int i = 0; i < 1024; i++)
        t->dir[i] = NULL;
    t->mapped = 0;
}

void maptable_free(struct maptable *t)
{
    for (int i = 0; i < 1024; i++) {
        free(t->dir[i]);
        t->dir[i] = NULL;
    }
    t->mapped = 0;
}

map_entry maptable_get(const struct maptable *t, uint32_t vaddr)
{
    const struct maptable_leaf *leaf = t->dir[vaddr >> 22];
    return leaf ? leaf->entry[LEAF_INDEX(vaddr)] : 0;
}

int maptable_set(struct maptable *t, uint32_t vaddr, map_entry e, map_entry *old)
{
    struct maptable_leaf **leaf = &t->dir[vaddr >> 22];
    if (!*leaf) {
        if (!e) {
            *old = 0;
            return 0;
        }
        *leaf = calloc(1, sizeof **leaf);
        if (!*leaf)
            return -1;
    }
    uint32_t i = LEAF_INDEX(vaddr);
    *old = (*leaf)->entry[i];
    if (*old && !e)
        t->mapped--;
    else if (!*old && e)
        t->mapped++;
    /* The bits describe what happened to one physical page through this
     * address: a new page (or none) starts afresh; new permissions on the
     * same page do not undo its having been written. */
    if (!e || !*old || MAP_PADDR(e) != MAP_PADDR(*old))
        (*leaf)->bits[i] = 0;
    (*leaf)->entry[i] = e;
    return 0;
}

unsigned maptable_bits(const struct maptable *t, uint32_t vaddr)
{
    const struct maptable_leaf *leaf = t->dir[vaddr >> 22];
    return leaf ? leaf->bits[LEAF_INDEX(vaddr)] : 0;
}

unsigned maptable_mark(struct maptable *t, uint32_t vaddr, unsigned bits)
{
    struct maptable_leaf *leaf = t->dir[vaddr >> 22];
    uint32_t i = LEAF_INDEX(vaddr);
    if (!leaf || !leaf->entry[i])
        return 0;
    leaf->bits[i] |= (uint8_t)bits;
    return leaf->bits[i];
}

unsigned maptable_clear(struct maptable *t, uint32_t vaddr, unsigned bits)
{
    struct maptable_leaf *leaf = t->dir[vaddr >> 22];
    if (!leaf)
        return 0;
    uint32_t i = LEAF_INDEX(vaddr);
    unsigned before = leaf->bits[i];
    leaf->bits[i] = (uint8_t)(before & ~bits);
    return before;
}

int maptable_each(const struct maptable *t, maptable_visit_fn fn, void *arg)
{
    for (uint32_t d = 0; d < 1024; d++) {
        if (!t->dir[d])
            continue;
        for (uint32_t p = 0; p < 1024; p++) {
            map_entry e = t->dir[d]->entry[p];
            if (e) {
                int r = fn((d << 22) | (p << 12), e, arg);
                if (r)
                    return r;
            }
        }
    }
    return 0;
}
