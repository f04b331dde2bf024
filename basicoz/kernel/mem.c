/* mem.c - physical page frames.
 *
 * The kernel sees physical memory only through mappings: at boot it maps all
 * of RAM at PHYS_WINDOW for MODE 0, so frame F is at phys(F), in 64 KiB
 * pages (one MapMemory and one TLB entry for 16 frames; a tail of RAM
 * smaller than 64 KiB in 4 KiB pages). The window never changes afterwards,
 * so nothing ever needs to unmap or protect 4 KiB of it. Free frames
 * are kept in a bitmap; allocation is first-fit from a moving cursor. The
 * bitmap and the counts are mem_lock's; nothing here takes another lock.
 * (A student project: replace this with something smarter, or add page
 * replacement using the disk.) */
#include "kernel.h"

#define MAX_FRAMES (1u << 18) /* 1 GiB of RAM */

static uint8_t used[MAX_FRAMES / 8];
static uint32_t nframes, nfree, cursor;
static struct spinlock mem_lock = {.name = "mem"};

static void mark(uint32_t f, int in_use)
{
    if (in_use)
        used[f / 8] |= (uint8_t)(1u << (f % 8));
    else
        used[f / 8] &= (uint8_t) ~(1u << (f % 8));
}

static int is_used(uint32_t f)
{
    return used[f / 8] & (1u << (f % 8));
}

/* Takes frame f out of the free ones for good (at boot). */
static void reserve(uint32_t f)
{
    if (f < nframes && !is_used(f)) {
        mark(f, 1);
        nfree--;
    }
}

/* The bitmap starts all free (it is in .bss): only the frames in use at
 * boot are marked, rather than every frame visited. */
void mem_init(const struct space_bootinfo *boot)
{
    nframes = boot->ram_size / SPACE_PAGE_SIZE;
    if (nframes > MAX_FRAMES)
        nframes = MAX_FRAMES;
    nfree = nframes;
    reserve(0);
    reserve(boot->bootinfo_paddr / SPACE_PAGE_SIZE);
    for (uint32_t pa = boot->kernel_start & ~(SPACE_PAGE_SIZE - 1); pa < boot->kernel_end;
         pa += SPACE_PAGE_SIZE)
        reserve(pa / SPACE_PAGE_SIZE);
    uint32_t ram = nframes * SPACE_PAGE_SIZE, pa = 0;
    for (; ram - pa >= SPACE_PAGE64_SIZE; pa += SPACE_PAGE64_SIZE)
        if (space_map_memory(0, PHYS_WINDOW + pa, pa, SPACE_ACCESS(0, SPACE_RW) | SPACE_MAP_64K) !=
            SPACE_OK)
            panic("cannot map the 64 KiB of physical memory at %p", pa);
    for (; pa < ram; pa += SPACE_PAGE_SIZE)
        if (space_map_memory(0, PHYS_WINDOW + pa, pa, SPACE_ACCESS(0, SPACE_RW)) != SPACE_OK)
            panic("cannot map physical page %p", pa);
}

/* The frame is zeroed after the lock is released: it is this CPU's by
 * then, and other CPUs need not wait for the 4 KiB of stores. */
uint32_t frame_alloc(void)
{
    acquire(&mem_lock);
    for (uint32_t i = 0; i < nframes; i++) {
        uint32_t f = (cursor + i) % nframes;
        if (!is_used(f)) {
            mark(f, 1);
            nfree--;
            cursor = f + 1;
            release(&mem_lock);
            memset(phys(f * SPACE_PAGE_SIZE), 0, SPACE_PAGE_SIZE);
            return f * SPACE_PAGE_SIZE;
        }
    }
    release(&mem_lock);
    return 0;
}

void frame_free(uint32_t paddr)
{
    uint32_t f = paddr / SPACE_PAGE_SIZE;
    acquire(&mem_lock);
    if (f >= nframes || !is_used(f))
        panic("freeing frame %p that is not in use", paddr);
    mark(f, 0);
    nfree++;
    release(&mem_lock);
}

uint32_t frames_free(void)
{
    acquire(&mem_lock);
    uint32_t n = nfree;
    release(&mem_lock);
    return n;
}

/* Maps the register page of device `unit` of `type` for MODE 0 and
 * returns its kernel address (and its interrupt trap), or NULL. */
volatile uint32_t *device_map(const struct space_bootinfo *boot, uint32_t type, uint32_t unit,
                              uint32_t *trap)
{
    for (uint32_t i = 0; i < boot->ndevices; i++) {
        const struct space_device_info *d = space_boot_device(boot, i);
        if (d->type != type || d->unit != unit)
            continue;
        uint32_t va = DEVICE_WINDOW + i * SPACE_PAGE_SIZE;
        if (space_map_memory(0, va, d->regs, SPACE_ACCESS(0, SPACE_RW)) != SPACE_OK)
            panic("cannot map the registers of device %u", i);
        *trap = d->trap;
        return (volatile uint32_t *)va;
    }
    return NULL;
}
