#include "maptable.h"

#include <stdlib.h>

#define LEAF_INDEX(vaddr) (((vaddr) >> 12) & 1023u)

/* Where vaddr's reference and dirty bits live: its own byte, or the first
 * of its 64 KiB page's. */
static uint32_t bits_index(const struct maptable_leaf *leaf, uint32_t vaddr)
{
    uint32_t i = LEAF_INDEX(vaddr);
    return leaf->bits[i] & MAP_LARGE ? i & ~(MAP_LARGE_PAGES - 1) : i;
}

void maptable_init(struct maptable *t)
{
    for (int i = 0; i < 1024; i++)
        t->dir[i] = NULL;
    t->mapped = t->mapped_max = 0;
    t->unmaps = 0;
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

/* vaddr's leaf into *leaf, made first if e sets a mapping there (NULL: there
 * is none and e is 0, so none is needed). 0, or -1 out of host memory. */
static int leaf_for(struct maptable *t, uint32_t vaddr, map_entry e, struct maptable_leaf **leaf)
{
    struct maptable_leaf **slot = &t->dir[vaddr >> 22];
    if (!*slot && e && !(*slot = calloc(1, sizeof **slot)))
        return -1;
    *leaf = *slot;
    return 0;
}

/* One entry goes from `was` to `now`: the counts of mapped pages follow
 * (a change of permissions only is no unmap). */
static void count_mapped(struct maptable *t, map_entry was, map_entry now)
{
    if (was && !now)
        t->mapped--;
    else if (!was && now && ++t->mapped > t->mapped_max)
        t->mapped_max = t->mapped;
    if (was && (!now || MAP_PADDR(was) != MAP_PADDR(now)))
        t->unmaps++;
}

int maptable_set(struct maptable *t, uint32_t vaddr, map_entry e, map_entry *old)
{
    struct maptable_leaf *leaf;
    if (leaf_for(t, vaddr, e, &leaf) != 0)
        return -1;
    if (!leaf) {
        *old = 0;
        return 0;
    }
    uint32_t i = LEAF_INDEX(vaddr);
    *old = leaf->entry[i];
    count_mapped(t, *old, e);
    /* The bits describe what happened to one physical page through this
     * address: a new page (or none) starts afresh; new permissions on the
     * same page do not undo its having been written. */
    if (!e || !*old || MAP_PADDR(e) != MAP_PADDR(*old))
        leaf->bits[i] = 0;
    leaf->entry[i] = e;
    return 0;
}

int maptable_set_large(struct maptable *t, uint32_t vaddr, map_entry e, map_entry *old)
{
    struct maptable_leaf *leaf;
    if (leaf_for(t, vaddr, e, &leaf) != 0)
        return -1;
    if (!leaf) {
        *old = 0;
        return 0;
    }
    uint32_t first = LEAF_INDEX(vaddr);
    *old = leaf->entry[first];
    /* As for one page: the bits follow the physical page, not the permissions. */
    bool keep = e && *old && MAP_PADDR(e) == MAP_PADDR(*old);
    uint8_t kept = keep ? (uint8_t)(leaf->bits[first] & (MAP_REF | MAP_DIRTY)) : 0;
    for (uint32_t k = 0; k < MAP_LARGE_PAGES; k++) {
        uint32_t i = first + k;
        map_entry now = e ? e + (k << 12) : 0;
        count_mapped(t, leaf->entry[i], now);
        leaf->entry[i] = now;
        leaf->bits[i] = e ? MAP_LARGE : 0;
    }
    leaf->bits[first] |= kept;
    return 0;
}

unsigned maptable_bits(const struct maptable *t, uint32_t vaddr)
{
    const struct maptable_leaf *leaf = t->dir[vaddr >> 22];
    return leaf ? leaf->bits[bits_index(leaf, vaddr)] & (MAP_REF | MAP_DIRTY) : 0;
}

unsigned maptable_mark(struct maptable *t, uint32_t vaddr, unsigned bits)
{
    struct maptable_leaf *leaf = t->dir[vaddr >> 22];
    if (!leaf || !leaf->entry[LEAF_INDEX(vaddr)])
        return 0;
    uint32_t i = bits_index(leaf, vaddr);
    leaf->bits[i] |= (uint8_t)(bits & (MAP_REF | MAP_DIRTY));
    return leaf->bits[i] & (MAP_REF | MAP_DIRTY);
}

unsigned maptable_clear(struct maptable *t, uint32_t vaddr, unsigned bits)
{
    struct maptable_leaf *leaf = t->dir[vaddr >> 22];
    if (!leaf)
        return 0;
    uint32_t i = bits_index(leaf, vaddr);
    unsigned before = leaf->bits[i] & (MAP_REF | MAP_DIRTY);
    leaf->bits[i] = (uint8_t)(leaf->bits[i] & ~(bits & (MAP_REF | MAP_DIRTY)));
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
