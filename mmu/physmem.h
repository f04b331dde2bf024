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

struct physmem {
    uint8_t *bytes;                     /* ram_size + one hidden page */
    uint32_t ram_size;                  /* a multiple of the page size */
    uint32_t host_size;                 /* ram_size + hidden page */
    uint32_t device_base, device_pages; /* device register pages (no host memory) */
    uint8_t *written;                   /* physmem_track_writes: a bit per RAM page */
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

/* Write tracking, for checkpoints that hash only what changed: from now
 * on every write to a RAM page sets its bit (the CPU withholds write
 * permission from Unicorn until it is set; host writes go through
 * physmem_note_write). 0, or -1 if the host has no memory. */
int physmem_track_writes(struct physmem *pm);
void physmem_note_write(struct physmem *pm, uint32_t paddr, uint32_t len);
static inline bool physmem_page_written(const struct physmem *pm, uint32_t paddr)
{
    return pm->written[paddr >> 15] & (1u << ((paddr >> 12) & 7));
}

/* The hidden page just past RAM. */
uint32_t physmem_hidden_page(const struct physmem *pm);

#endif
