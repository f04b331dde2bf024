/* physmem: the machine's physical memory.
 *
 * Owns one host buffer: RAM at physical 0..ram_size, followed by one hidden
 * page the CPU module uses once at power-on (guests can never map it).
 * Everything that touches physical memory (Unicorn, the loader, DMA, the
 * debugger) goes through the pointers handed out here. */
#ifndef SPACE_PHYSMEM_H
#define SPACE_PHYSMEM_H

#include <stdbool.h>
#include <stdint.h>

/* Who follows writes (each has its own bits, cleared on its own). */
enum physmem_tracker {
    PHYSMEM_FOR_CHECKPOINTS, /* sim/core/checkpoint.c's ram_hasher */
    PHYSMEM_FOR_SNAPSHOTS,   /* sim/core/snapshot.c */
    PHYSMEM_TRACKERS,
};

struct physmem {
    uint8_t *bytes;                     /* ram_size + one hidden page */
    uint32_t ram_size;                  /* a multiple of the page size */
    uint32_t host_size;                 /* ram_size + hidden page */
    uint32_t device_base, device_pages; /* device register pages (no host memory) */
    /* physmem_track_writes: a bit per RAM page for each tracker (NULL: that
     * one does not track), and whether any does. */
    uint8_t *written[PHYSMEM_TRACKERS];
    bool tracking;
};

#define PHYSMEM_MIN_SIZE (1u << 20)
#define PHYSMEM_MAX_SIZE (3072u << 20)

/* Returns 0, or -1 if the size is out of range or not page-aligned, or the
 * host has no memory. */
int physmem_init(struct physmem *pm, uint32_t ram_size);
void physmem_free(struct physmem *pm);

/* RAM? */
bool physmem_is_ram(const struct physmem *pm, uint32_t paddr);
/* A device register page? */
bool physmem_is_device(const struct physmem *pm, uint32_t paddr);

/* Host pointer to [paddr, paddr+len) within RAM, or NULL. */
void *physmem_ptr(struct physmem *pm, uint32_t paddr, uint32_t len);

/* Write tracking, for checkpoints that hash only what changed and
 * snapshots that copy only what changed: from now on every write to a RAM
 * page sets its bit in each tracker's bitmap (the CPU withholds write
 * permission from Unicorn until every tracker's bit is set; host writes go
 * through physmem_note_write). 0, or -1 if the host has no memory. */
int physmem_track_writes(struct physmem *pm, enum physmem_tracker t);
void physmem_note_write(struct physmem *pm, uint32_t paddr, uint32_t len);
/* Tracker t's bit of the page: written since t last forgot. */
static inline bool physmem_written_for(const struct physmem *pm, enum physmem_tracker t,
                                       uint32_t paddr)
{
    return pm->written[t][paddr >> 15] & (1u << ((paddr >> 12) & 7));
}
/* Every tracker has seen a write to the page since it last forgot: a
 * cache of translations may let stores through unseen. */
static inline bool physmem_page_written(const struct physmem *pm, uint32_t paddr)
{
    for (unsigned t = 0; t < PHYSMEM_TRACKERS; t++)
        if (pm->written[t] && !physmem_written_for(pm, (enum physmem_tracker)t, paddr))
            return false;
    return true;
}
/* Clears tracker t's bits; then the CPUs must forget the writes they let
 * through (cpu_forget_writes), so that the next store is seen again. */
void physmem_forget_writes(struct physmem *pm, enum physmem_tracker t);

/* The hidden page just past RAM. */
uint32_t physmem_hidden_page(const struct physmem *pm);

#endif
