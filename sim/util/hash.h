/* hash: the checksums SPACE writes into files - CRC-32 (as in PNG, zlib
 * and Ethernet, for detecting corruption) and a fast 64-bit hash of bytes
 * (for comparing machine states and images; not cryptographic). Both give
 * the same value on every host. */
#ifndef SPACE_HASH_H
#define SPACE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 (polynomial 0xEDB88320): crc32_update(0, buf, len) for one
 * buffer; pass the previous result to continue over several. */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);

/* 64-bit hash of a buffer. Chain by passing a previous hash as seed. */
uint64_t hash64(const void *buf, size_t len, uint64_t seed);

#endif
