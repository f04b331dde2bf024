#include "hash.h"

#include <string.h>

#define PRIME1 0x9e3779b185ebca87ull
#define PRIME2 0xc2b2ae3d27d4eb4full

static uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static uint64_t load64(const uint8_t *p)
{
    /* little-endian on every host, so hashes match across machines */
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

static uint64_t mix(uint64_t acc, uint64_t word)
{
    return rotl(acc + word * PRIME2, 31) * PRIME1;
}

uint64_t hash64(const void *buf, size_t len, uint64_t seed)
{
    const uint8_t *p = buf;
    /* Four independent lanes keep the multiplier busy: RAM is hashed at
     * every checkpoint. */
    uint64_t a = seed + PRIME1 + PRIME2, b = seed + PRIME2, c = seed, d = seed - PRIME1;
    size_t n = len;
    while (n >= 32) {
        a = mix(a, load64(p));
        b = mix(b, load64(p + 8));
        c = mix(c, load64(p + 16));
        d = mix(d, load64(p + 24));
        p += 32;
        n -= 32;
    }
    uint64_t h = rotl(a, 1) + rotl(b, 7) + rotl(c, 12) + rotl(d, 18) + (uint64_t)len;
    while (n >= 8) {
        h = mix(h, load64(p));
        p += 8;
        n -= 8;
    }
    uint8_t tail[8] = {0};
    memcpy(tail, p, n);
    if (n)
        h = mix(h, load64(tail) ^ (uint64_t)n << 59);
    h ^= h >> 33;
    h *= PRIME2;
    h ^= h >> 29;
    return h;
}
