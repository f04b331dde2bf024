/* codecache: what the CPU knows about the guest code it has translated.
 *
 * For each translated block (by CONTEXT, start address and size) the
 * number of instructions it holds and whether it contains an x86 I/O
 * instruction, so that the block hook counts virtual time with one table
 * lookup. The whole cache is emptied whenever guest code may have changed: a store into a physical
 * page that holds translated code (such pages are write-protected in
 * Unicorn's TLB, so the first store is seen), a host write into one (DMA,
 * the simulator), or the remapping of an executable page. Such a written
 * page is also marked stale, for the CPU that wrote it, until it drops
 * Unicorn's translations of it, just before code from it runs again
 * (cpu.c's HALT_STALE_CODE). */
#ifndef SPACE_CODECACHE_H
#define SPACE_CODECACHE_H

#include <stdbool.h>
#include <stdint.h>

#define CODECACHE_BITS 14

/* A slot's key: the block's pc (bits 0-31), size (32-47), CONTEXT
 * (48-55) and flags (56-63), so that the block hook's common case is one
 * 64-bit comparison against a key with no flags set. */
#define BLOCK_KEY(pc, size, ctx) ((uint64_t)(pc) | (uint64_t)(size) << 32 | (uint64_t)(ctx) << 48)
#define BLOCK_HAS_IO             (1ull << 56) /* holds an in/out/ins/outs */
#define BLOCK_HAS_BREAK          (1ull << 57) /* holds a breakpoint */
#define BLOCK_NEVER              (1ull << 63) /* set in a wanted key: never matches (forces the slow path) */
#define BLOCK_FLAGS              (0xffull << 56)

struct block_info {
    uint64_t key; /* 0: empty */
    uint32_t icount;
    uint32_t pc;
};

/* What the CPUs on one physical memory share: which pages hold code some
 * CPU translated, and counters that tell every CPU what another changed
 * (only one CPU runs at a time, so each looks at them before it runs). */
struct code_pages {
    uint8_t *code_page; /* one bit per physical page: holds translated code */
    uint32_t pages;
    unsigned users;
    uint64_t code_epoch; /* bumped when code some CPU translated was written */
    uint64_t tlb_epoch;  /* bumped when a page became code: writable entries must go */
};

struct codecache {
    struct block_info slot[1u << CODECACHE_BITS];
    uint8_t *stale; /* one bit per physical page: this CPU wrote code it translated there */
    struct code_pages *shared;
    uint64_t code_seen, tlb_seen; /* the epochs this CPU has acted on */
    uint64_t misses, invalidations;
};

/* Returns NULL if the host has no memory. With `sibling`, the new cache
 * shares its code pages (another CPU on the same memory). */
struct codecache *codecache_create(uint32_t phys_pages, struct codecache *sibling);
void codecache_destroy(struct codecache *cc);

/* The slot for a block; valid when codecache_hit says so. */
static inline struct block_info *codecache_slot(struct codecache *cc, uint32_t ctx, uint32_t pc)
{
    uint32_t h = (pc ^ (pc >> CODECACHE_BITS) ^ (ctx << 5)) & ((1u << CODECACHE_BITS) - 1);
    return &cc->slot[h];
}

/* The slot for a one-instruction block translated while single-stepping:
 * another than the whole block's at the same pc, so that stepping up to a
 * deadline does not evict the blocks running free uses (and each would be
 * learnt again, decoding it, at every deadline). */
static inline struct block_info *codecache_step_slot(struct codecache *cc, struct block_info *b)
{
    return &cc->slot[(uint32_t)(b - cc->slot) ^ (1u << (CODECACHE_BITS - 1))];
}

/* The block's size, recovered from its key. */
static inline uint32_t block_size(const struct block_info *b)
{
    return (uint32_t)(b->key >> 32) & 0xffffu;
}

/* Every entry becomes invalid (guest code may have changed). */
void codecache_invalidate(struct codecache *cc);

/* Was this physical page written by this CPU since its Unicorn translated
 * code from it? Clears the mark: the caller drops those translations. */
bool codecache_take_stale(struct codecache *cc, uint32_t paddr);
/* No page is stale any more (all translations were dropped). */
void codecache_clear_stale(struct codecache *cc);

/* Marks a physical page as holding translated code; true if it was not
 * (and then every other CPU must flush its writable TLB entries). */
bool codecache_mark_code(struct codecache *cc, uint32_t paddr);
bool codecache_is_code(const struct codecache *cc, uint32_t paddr);

/* Physical [paddr, paddr+len) is about to change: true (and every entry
 * invalidated, and every other CPU told) if any of it held translated
 * code. */
bool codecache_write(struct codecache *cc, uint32_t paddr, uint32_t len);

#endif
