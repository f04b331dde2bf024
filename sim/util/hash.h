/* hash: a fast 64-bit hash of bytes, for comparing machine states and
 * images (checkpoints, the recorded kernel image); not cryptographic, and
 * not a check against corruption (files use zlib's CRC-32 for that). It
 * gives the same value on every host: recordings store it. */
#ifndef SPACE_HASH_H
#define SPACE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* 64-bit hash of a buffer. Chain by passing a previous hash as seed. */
uint64_t hash64(const void *buf, size_t len, uint64_t seed);

#endif
