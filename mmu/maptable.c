#include "maptable.h"

#include <stdlib.h>

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
    const map_entry *second = t->dir[vaddr >> 22];
    return second ? second[(vaddr >> 12) & 1023] : 0;
}

int maptable_set(struct maptable *t, uint32_t vaddr, map_entry e, map_entry *old)
{
    map_entry **second = &t->dir[vaddr >> 22];
    if (!*second) {
        if (!e) {
            *old = 0;
            return 0;
        }
        *second = calloc(1024, sizeof(map_entry));
        if (!*second)
            return -1;
    }
    map_entry *slot = &(*second)[(vaddr >> 12) & 1023];
    *old = *slot;
    if (*old && !e)
        t->mapped--;
    else if (!*old && e)
        t->mapped++;
    *slot = e;
    return 0;
}

int maptable_each(const struct maptable *t, maptable_visit_fn fn, void *arg)
{
    for (uint32_t d = 0; d < 1024; d++) {
        if (!t->dir[d])
            continue;
        for (uint32_t p = 0; p < 1024; p++) {
            map_entry e = t->dir[d][p];
            if (e) {
                int r = fn((d << 22) | (p << 12), e, arg);
                if (r)
                    return r;
            }
        }
    }
    return 0;
}
