#include "physmem.h"

#include <stdlib.h>
#include <string.h>

#define PAGE 4096u

int physmem_init(struct physmem *pm, uint32_t ram_size)
{
    if (ram_size < PHYSMEM_MIN_SIZE || ram_size > PHYSMEM_MAX_SIZE || ram_size % PAGE)
        return -1;
    pm->bytes = calloc(1, (size_t)ram_size + PAGE);
    if (!pm->bytes)
        return -1;
    pm->ram_size = ram_size;
    pm->host_size = ram_size + PAGE;
    return 0;
}

void physmem_free(struct physmem *pm)
{
    free(pm->bytes);
    pm->bytes = NULL;
    for (unsigned t = 0; t < PHYSMEM_TRACKERS; t++) {
        free(pm->written[t]);
        pm->written[t] = NULL;
    }
    pm->tracking = false;
}

static size_t bitmap_bytes(const struct physmem *pm)
{
    return pm->ram_size / PAGE / 8 + 1;
}

int physmem_track_writes(struct physmem *pm, enum physmem_tracker t)
{
    if (!pm->written[t])
        pm->written[t] = calloc(bitmap_bytes(pm), 1);
    if (!pm->written[t])
        return -1;
    pm->tracking = true;
    return 0;
}

void physmem_forget_writes(struct physmem *pm, enum physmem_tracker t)
{
    if (pm->written[t])
        memset(pm->written[t], 0, bitmap_bytes(pm));
}

void physmem_note_write(struct physmem *pm, uint32_t paddr, uint32_t len)
{
    if (!pm->tracking || !len || paddr >= pm->ram_size)
        return;
    uint32_t last = paddr + len - 1 < pm->ram_size ? paddr + len - 1 : pm->ram_size - 1;
    for (unsigned t = 0; t < PHYSMEM_TRACKERS; t++)
        for (uint32_t p = paddr / PAGE; pm->written[t] && p <= last / PAGE; p++)
            pm->written[t][p / 8] |= (uint8_t)(1u << (p % 8));
}

bool physmem_is_ram(const struct physmem *pm, uint32_t paddr)
{
    return paddr < pm->ram_size;
}

bool physmem_is_device(const struct physmem *pm, uint32_t paddr)
{
    return paddr >= pm->device_base && (paddr - pm->device_base) / PAGE < pm->device_pages;
}

void *physmem_ptr(struct physmem *pm, uint32_t paddr, uint32_t len)
{
    if (paddr >= pm->ram_size || len > pm->ram_size - paddr)
        return NULL;
    return pm->bytes + paddr;
}

uint32_t physmem_hidden_page(const struct physmem *pm)
{
    return pm->ram_size;
}
