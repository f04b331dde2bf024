/* loader: reads a guest ELF image (32-bit x86 executable), checks it
 * thoroughly, copies its segments into physical memory at their physical
 * addresses and maps them into a CONTEXT for MODE 0 with the segment's
 * permissions. */
#ifndef SPACE_LOADER_H
#define SPACE_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "mmu/mmu.h"

struct loaded_image {
    uint32_t entry;
    uint32_t phys_start; /* first page used */
    uint32_t phys_end;   /* page-aligned end */
};

/* Physical [reserved_start, reserved_end) must stay free (boot info).
 * Returns 0, or -1 with a one-line reason in err naming the file. */
int loader_load(const char *path, struct mmu *mmu, uint32_t ctx, uint32_t reserved_start,
                uint32_t reserved_end, struct loaded_image *out, char *err, unsigned errlen);

/* Reads a whole file (at most 256 MiB) into a malloc'ed buffer. Errors
 * name the file and say what it was meant to be (`what`). */
int loader_read_file(const char *path, const char *what, uint8_t **data, size_t *size, char *err,
                     unsigned errlen);

/* The same for an image already in memory; `name` names it in errors. */
int loader_load_image(const char *name, const uint8_t *data, size_t size, struct mmu *mmu,
                      uint32_t ctx, uint32_t reserved_start, uint32_t reserved_end,
                      struct loaded_image *out, char *err, unsigned errlen);

#endif
