/* image_store: a block store over a disk image file (the disk's backend in
 * a live run), through the platform_file_* calls. */
#ifndef SPACE_IMAGE_STORE_H
#define SPACE_IMAGE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/backend.h"

/* Opens the image `path` (read-only if asked, or if the host refuses
 * writing), creating it zero-filled with create_size bytes if it does not
 * exist and create_size is not 0. Its size must be a non-empty multiple of
 * the sector size. NULL with a one-line reason in err. */
struct block_store *image_store_open(const char *path, uint64_t create_size, bool readonly,
                                     char *err, unsigned errlen);

#endif
