#include "image_store.h"

#include <stdio.h>
#include <stdlib.h>

#include "platform.h"

struct image_store {
    struct block_store store;
    struct platform_file *file;
};

static int image_read(void *opaque, uint32_t sector, uint32_t count, void *buf)
{
    struct image_store *s = opaque;
    return platform_file_read_at(s->file, (uint64_t)sector * BLOCK_SECTOR_SIZE, buf,
                                 count * BLOCK_SECTOR_SIZE);
}

static int image_write(void *opaque, uint32_t sector, uint32_t count, const void *buf)
{
    struct image_store *s = opaque;
    return platform_file_write_at(s->file, (uint64_t)sector * BLOCK_SECTOR_SIZE, buf,
                                  count * BLOCK_SECTOR_SIZE);
}

static int image_sync(void *opaque)
{
    struct image_store *s = opaque;
    return platform_file_sync(s->file);
}

static void image_close(void *opaque)
{
    struct image_store *s = opaque;
    platform_file_close(s->file);
    free(s);
}

struct block_store *image_store_open(const char *path, uint64_t create_size, bool readonly,
                                     char *err, unsigned errlen)
{
    struct image_store *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    s->file = platform_file_open(path, create_size, &readonly, err, errlen);
    if (!s->file) {
        free(s);
        return NULL;
    }
    uint64_t size = platform_file_size(s->file);
    if (size == 0 || size % BLOCK_SECTOR_SIZE || size / BLOCK_SECTOR_SIZE > UINT32_MAX) {
        snprintf(err, errlen,
                 "%s: a disk image must be a non-empty multiple of %u bytes (this one has %llu)",
                 path, BLOCK_SECTOR_SIZE, (unsigned long long)size);
        image_close(s);
        return NULL;
    }
    s->store = (struct block_store){.opaque = s,
                                    .sectors = (uint32_t)(size / BLOCK_SECTOR_SIZE),
                                    .readonly = readonly,
                                    .read = image_read,
                                    .write = image_write,
                                    .sync = image_sync,
                                    .close = image_close};
    return &s->store;
}
