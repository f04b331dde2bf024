/* maptable: one CONTEXT's mapping table, as MapMemory fills it.
 *
 * A two-level table over the 32-bit virtual space (1024 directories of 1024
 * pages, second levels allocated on first use). Each entry is a map_entry:
 * the physical page address in the upper 20 bits and the 12-bit modeaccess
 * (3 bits per MODE) in the lower bits; 0 means unmapped.
 *
 * Beside each entry the table keeps the mapping's reference and dirty bits
 * (MAP_REF, MAP_DIRTY) in a parallel byte array, so that the entry stays
 * exactly what MapMemory set. The bits belong to the translation virtual page
 * -> physical page: they start clear, survive a change of permissions only,
 * and are cleared when the page is unmapped or mapped to another page.
 *
 * A 64 KiB page (16 aligned pages mapped to 16 aligned frames as one
 * mapping) fills its 16 entries, each with its own frame, so that a lookup
 * of any address is one read as for a 4 KiB page; MAP_LARGE in each of the
 * 16 bytes of bits marks them, and the page's one pair of reference and
 * dirty bits is kept in the first one's byte. A 64 KiB-aligned group of 16
 * entries always lies in one second level. */
#ifndef SPACE_MAPTABLE_H
#define SPACE_MAPTABLE_H

#include <stdbool.h>
#include <stdint.h>

typedef uint32_t map_entry;

#define MAP_ENTRY(paddr, modeaccess) (((paddr) & ~0xfffu) | ((modeaccess)&0xfffu))
#define MAP_PADDR(e)                 ((e) & ~0xfffu)
#define MAP_ACCESS(e)                ((e)&0xfffu)
#define MAP_MODE_BITS(e, mode)       (((e) >> (3u * (mode))) & 7u)

#define MAP_REF   1u /* accessed (fetch, read or write) through this mapping */
#define MAP_DIRTY 2u /* written through this mapping */
#define MAP_LARGE 4u /* (in bits[] only) one of a 64 KiB page's 16 entries */

#define MAP_LARGE_PAGES 16u
#define MAP_LARGE_MASK  0xffffu

/* One second level: 1024 pages and their bits. */
struct maptable_leaf {
    map_entry entry[1024];
    uint8_t bits[1024];
};

struct maptable {
    struct maptable_leaf *dir[1024];
    uint32_t mapped;     /* pages currently mapped */
    uint32_t mapped_max; /* the most mapped at once */
    uint64_t unmaps;     /* mapped pages unmapped or mapped to another frame */
};

void maptable_init(struct maptable *t);
void maptable_free(struct maptable *t);

map_entry maptable_get(const struct maptable *t, uint32_t vaddr);

/* Sets the entry for vaddr's page (0 unmaps). Returns the previous entry
 * through *old. Returns 0, or -1 when the host is out of memory. */
int maptable_set(struct maptable *t, uint32_t vaddr, map_entry e, map_entry *old);

/* Maps the 64 KiB page at vaddr (64 KiB-aligned) as one: e is the entry of
 * its first 4 KiB (a 64 KiB-aligned frame), 0 unmaps it. The caller has
 * made sure that none of the 16 pages is mapped as a 4 KiB page. *old is
 * the first page's previous entry. The reference and dirty bits start
 * clear unless only the modeaccess changed. 0, or -1 when out of memory. */
int maptable_set_large(struct maptable *t, uint32_t vaddr, map_entry e, map_entry *old);

/* Is vaddr's page part of a 64 KiB page? */
static inline bool maptable_large(const struct maptable *t, uint32_t vaddr)
{
    const struct maptable_leaf *leaf = t->dir[vaddr >> 22];
    return leaf && (leaf->bits[(vaddr >> 12) & 1023u] & MAP_LARGE);
}

/* The MAP_REF/MAP_DIRTY bits of vaddr's page (0 if unmapped); those of the
 * whole 64 KiB page for an address inside one (so also for mark and clear). */
unsigned maptable_bits(const struct maptable *t, uint32_t vaddr);
/* Sets `bits` on vaddr's page if it is mapped; returns its bits after. */
unsigned maptable_mark(struct maptable *t, uint32_t vaddr, unsigned bits);
/* Clears `bits` on vaddr's page; returns its bits before. */
unsigned maptable_clear(struct maptable *t, uint32_t vaddr, unsigned bits);

/* Calls fn for every mapped page in ascending virtual order; stops early
 * when fn returns non-zero. */
typedef int (*maptable_visit_fn)(uint32_t vaddr, map_entry e, void *arg);
int maptable_each(const struct maptable *t, maptable_visit_fn fn, void *arg);

#endif
