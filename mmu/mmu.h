/* mmu: the SPACE MMU - every CONTEXT's mapping table and software TLB, and
 * the MODE permission decision.
 *
 * The CPU asks mmu_decide on each Unicorn TLB fill (may this MODE make
 * this access, and where does it go?) and reports a granted access with
 * mmu_grant; the SPACE operations change mappings with mmu_map; the
 * simulator and debugger read guest virtual memory with mmu_copy_from and
 * mmu_read, and write it with sim/core's machine_write_virtual (which
 * translates here and also tells the CPU).
 *
 * The MMU also keeps each mapping's reference and dirty bits (MAP_REF,
 * MAP_DIRTY, stored beside the mapping table's entries): mmu_grant sets
 * them for the guest's accesses; operations that copy to or from guest
 * memory on the guest's behalf set them too (mmu_note_access); debugger
 * and DMA accesses set nothing.
 *
 * A 64 KiB page (SPACE_MAP_64K) is one mapping: one TLB entry, one pair of
 * bits, whatever 4 KiB of it an access or an operation names. */
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
 * drop cached translations (Unicorn's, the CPU's code cache). With
 * SPACE_MAP_64K in modeaccess it maps (or with no access bits unmaps) the
 * 64 KiB page at vaddr as one (docs/space-architecture.md §3 states the
 * rules); *old is then its first 4 KiB's entry. */
int mmu_map(struct mmu *m, uint32_t ctx, uint32_t vaddr, uint32_t paddr, uint32_t modeaccess,
            map_entry *old);

/* What mmu_decide says about one access of the guest's. */
enum mmu_outcome {
    MMU_PERMITTED,  /* RAM this MODE may access this way */
    MMU_DEVICE,     /* a device register this MODE may read or write: the
                     * simulator carries the access out (it never enters
                     * Unicorn's TLB) */
    MMU_UNMAPPED,   /* the page is not mapped in the CONTEXT */
    MMU_PROTECTION, /* mapped, but not for this access in this MODE (and
                     * device registers are never executed) */
};

struct mmu_decision {
    enum mmu_outcome outcome;
    uint32_t paddr; /* the page's physical address (0 if unmapped) */
    unsigned perms; /* MMU_READ | MMU_WRITE | MMU_EXEC: what the MODE may do there */
};

/* The MODE permission decision for a guest access (one of MMU_READ,
 * MMU_WRITE, MMU_EXEC) of vaddr in ctx by `mode` (< MMU_MODES), looked up
 * through ctx's TLB (counted in its statistics, traced). Fills *d and
 * returns its outcome; changes no reference or dirty bit. */
enum mmu_outcome mmu_decide(struct mmu *m, uint32_t ctx, uint32_t mode, uint32_t vaddr,
                            unsigned access, struct mmu_decision *d);

/* The guest makes a permitted access: it references the page, and a store
 * dirties it (mmu_note_access), and the frame's write is noted while
 * physmem tracks writes. Returns what a cache of translations (Unicorn's
 * TLB) may let through without asking again: `perms` without MMU_WRITE
 * until both the mapping and the tracked frame are dirty, so that the
 * first store comes back to set the bits. */
unsigned mmu_grant(struct mmu *m, uint32_t ctx, const struct mmu_decision *d, uint32_t vaddr,
                   unsigned access, unsigned perms);

/* The entry for vaddr in ctx through that context's TLB (0 if unmapped). */
map_entry mmu_lookup(struct mmu *m, uint32_t ctx, uint32_t vaddr);

/* The entry straight from the table, without touching TLB or statistics
 * (inside a 64 KiB page: vaddr's own 4 KiB, with its frame). */
map_entry mmu_peek(const struct mmu *m, uint32_t ctx, uint32_t vaddr);

/* Is vaddr's page in ctx part of a 64 KiB page? */
bool mmu_is_64k(const struct mmu *m, uint32_t ctx, uint32_t vaddr);

/* A guest access (MMU_READ, MMU_WRITE or MMU_EXEC) through ctx's mapping
 * of vaddr: sets MAP_REF, and MAP_DIRTY for a write. Returns the page's
 * bits after it (0 if the page is not mapped). */
unsigned mmu_note_access(struct mmu *m, uint32_t ctx, uint32_t vaddr, unsigned access);

/* The MAP_REF/MAP_DIRTY bits of ctx's mapping of vaddr (0 if unmapped). */
unsigned mmu_access_bits(const struct mmu *m, uint32_t ctx, uint32_t vaddr);

/* SPACE_OP_REFDIRTY: clears the bits of `mask` and returns the bits as they
 * were, or SPACE_ERR_CONTEXT, SPACE_ERR_ACCESS (mask has other bits) or
 * SPACE_ERR_ARG (the page is not mapped). If it cleared a bit, callers must
 * drop cached translations so that the next access is seen again. */
int mmu_clear_access_bits(struct mmu *m, uint32_t ctx, uint32_t vaddr, uint32_t mask);

/* How many of the `left` bytes from addr lie on addr's page: copies walk
 * guest memory (virtual or physical) a page at a time with it. */
static inline uint32_t mmu_page_span(uint32_t addr, uint32_t left)
{
    uint32_t n = 4096u - (addr & 0xfffu);
    return n < left ? n : left;
}

/* Translate for an access by `mode`; returns true and the physical address
 * if the MODE has every bit of `access` on the page. Does not count in the
 * TLB statistics (used by the simulator and debugger, not the guest). */
bool mmu_translate(const struct mmu *m, uint32_t ctx, uint32_t mode, uint32_t vaddr,
                   unsigned access, uint32_t *paddr);

/* Reads up to len bytes at vaddr in ctx, whatever the MODE permissions,
 * stopping at the first page that is not mapped RAM; returns the count. */
uint32_t mmu_read(const struct mmu *m, uint32_t ctx, uint32_t vaddr, void *dst, uint32_t len);

/* Copies from guest virtual memory as `mode` in `ctx` would read it
 * (access checked per page, pages may straddle), as an access of the
 * guest's: each page read gets MAP_REF. Returns 0, or -1 if a page is not
 * accessible RAM (a device register page is not): then nothing is read
 * and no bit is set. The machine writes guest
 * memory itself (machine_write_virtual): it must tell the CPU too. */
int mmu_copy_from(struct mmu *m, uint32_t ctx, uint32_t mode, uint32_t vaddr, void *dst,
                  uint32_t len, unsigned access);

#endif
