/* mmu: the SPACE MMU - every CONTEXT's mapping table and software TLB, and
 * the MODE permission check.
 *
 * The CPU asks mmu_lookup on each Unicorn TLB fill; the SPACE operations
 * change mappings with mmu_map; the simulator and debugger read and write
 * guest virtual memory with mmu_copy_from/to. */
#ifndef SPACE_MMU_H
#define SPACE_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "maptable.h"
#include "physmem.h"
#include "tlb.h"

#define MMU_CONTEXTS 256
#define MMU_MODES    4

enum mmu_access { MMU_READ = 1, MMU_WRITE = 2, MMU_EXEC = 4 };

struct mmu_context {
    struct maptable table;
    struct tlb tlb;
};

/* Told of what the TLBs do, for --trace tlb: "fill", "evict",
 * "invalidate" (e is the new entry, or for evict the page that went). */
typedef void (*mmu_trace_fn)(void *arg, const char *what, uint32_t ctx, uint32_t vaddr,
                             map_entry e);

struct mmu {
    struct physmem *pm;
    mmu_trace_fn trace; /* NULL: not tracing */
    void *trace_arg;
    struct mmu_context ctx[MMU_CONTEXTS];
    uint64_t map_ops; /* MapMemory calls that changed something */
};

void mmu_init(struct mmu *m, struct physmem *pm);
void mmu_free(struct mmu *m);

/* MapMemory. Returns 0 or a negative SPACE_ERR_* code. *old receives the
 * entry the page had; if it was mapped and is now different, callers must
 * drop cached translations (Unicorn's, the CPU's code cache). */
int mmu_map(struct mmu *m, uint32_t ctx, uint32_t vaddr, uint32_t paddr, uint32_t modeaccess,
            map_entry *old);

/* The entry for vaddr in ctx through that context's TLB (0 if unmapped). */
map_entry mmu_lookup(struct mmu *m, uint32_t ctx, uint32_t vaddr);

/* The entry straight from the table, without touching TLB or statistics. */
map_entry mmu_peek(const struct mmu *m, uint32_t ctx, uint32_t vaddr);

/* Translate for an access by `mode`; returns true and the physical address
 * if the MODE has every bit of `access` on the page. Does not count in the
 * TLB statistics (used by the simulator and debugger, not the guest). */
bool mmu_translate(const struct mmu *m, uint32_t ctx, uint32_t mode, uint32_t vaddr,
                   unsigned access, uint32_t *paddr);

/* Reads up to len bytes at vaddr in ctx, whatever the MODE permissions,
 * stopping at the first page that is not mapped RAM; returns the count. */
uint32_t mmu_read(const struct mmu *m, uint32_t ctx, uint32_t vaddr, void *dst, uint32_t len);

/* Copy between host and guest virtual memory as `mode` in `ctx` would see
 * it (access checked per page, pages may straddle). Returns 0 or -1 if any
 * page is not accessible. */
int mmu_copy_from(struct mmu *m, uint32_t ctx, uint32_t mode, uint32_t vaddr, void *dst,
                  uint32_t len, unsigned access);
int mmu_copy_to(struct mmu *m, uint32_t ctx, uint32_t mode, uint32_t vaddr, const void *src,
                uint32_t len);

#endif
