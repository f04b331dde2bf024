#include "png.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sim/replay/hash.h"

#define STORED_MAX 65535u /* bytes in one stored deflate block */

/* Streams one chunk's data: the CRC covers the type and the data. */
struct chunk_out {
    FILE *f;
    uint32_t crc;
    uint32_t adler_a, adler_b; /* Adler-32 of the zlib data */
};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void emit(struct chunk_out *c, const void *buf, size_t len)
{
    fwrite(buf, 1, len, c->f);
    c->crc = crc32_update(c->crc, buf, len);
}

/* Pixel bytes: also counted in the Adler-32 of the uncompressed data
 * (the sums reduced every 5552 bytes, before they could overflow). */
static void emit_data(struct chunk_out *c, const uint8_t *buf, size_t len)
{
    emit(c, buf, len);
    while (len) {
        size_t n = len < 5552 ? len : 5552;
        for (size_t i = 0; i < n; i++) {
            c->adler_a += buf[i];
            c->adler_b += c->adler_a;
        }
        c->adler_a %= 65521u;
        c->adler_b %= 65521u;
        buf += n;
        len -= n;
    }
}

static void chunk_begin(struct chunk_out *c, const char *type, uint32_t len)
{
    uint8_t n[4];
    put32(n, len);
    fwrite(n, 1, 4, c->f);
    c->crc = 0;
    emit(c, type, 4);
}

static void chunk_end(struct chunk_out *c)
{
    uint8_t n[4];
    put32(n, c->crc);
    fwrite(n, 1, 4, c->f);
}

/* The uncompressed data cut into stored blocks. */
struct stored {
    struct chunk_out *c;
    uint64_t left;     /* bytes still to come */
    uint32_t in_block; /* of them, in the current block */
};

static void feed(struct stored *z, const uint8_t *p, size_t len)
{
    while (len) {
        if (!z->in_block) {
            uint32_t n = z->left < STORED_MAX ? (uint32_t)z->left : STORED_MAX;
            uint8_t hdr[5] = {z->left <= STORED_MAX, (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)~n,
                              (uint8_t)(~n >> 8)}; /* BFINAL, BTYPE 00; LEN, NLEN */
            emit(z->c, hdr, 5);
            z->in_block = n;
        }
        uint32_t k = len < z->in_block ? (uint32_t)len : z->in_block;
        emit_data(z->c, p, k);
        p += k;
        len -= k;
        z->in_block -= k;
        z->left -= k;
    }
}

/* The zlib stream: a header, the scanlines (each a filter byte 0 and the
 * row) in stored blocks, the Adler-32. */
static void write_idat(struct chunk_out *c, const uint8_t *rgb, uint32_t w, uint32_t h,
                       uint32_t stride)
{
    uint64_t raw = (1 + (uint64_t)w * 3) * h;
    uint64_t blocks = (raw + STORED_MAX - 1) / STORED_MAX;
    chunk_begin(c, "IDAT", (uint32_t)(2 + raw + 5 * blocks + 4));
    static const uint8_t zlib_header[2] = {0x78, 0x01}; /* deflate, 32K window, no dictionary */
    emit(c, zlib_header, 2);
    c->adler_a = 1;
    c->adler_b = 0;
    struct stored z = {.c = c, .left = raw};
    static const uint8_t filter_none = 0;
    for (uint32_t y = 0; y < h; y++) {
        feed(&z, &filter_none, 1);
        feed(&z, rgb + (size_t)y * stride, (size_t)w * 3);
    }
    uint8_t adler[4];
    put32(adler, c->adler_b << 16 | c->adler_a);
    emit(c, adler, 4);
    chunk_end(c);
}

int png_write(const char *path, const uint8_t *rgb, uint32_t w, uint32_t h, uint32_t stride,
              char *err, unsigned errlen)
{
    /* (a PNG chunk holds less than 2^31 bytes) */
    if (!w || !h || (uint64_t)(1 + (uint64_t)w * 3) * h > 0x7f000000u) {
        snprintf(err, errlen, "%s: cannot write a %ux%u picture", path, w, h);
        return -1;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    fwrite(signature, 1, 8, f);
    struct chunk_out c = {.f = f};
    uint8_t ihdr[13];
    put32(ihdr, w);
    put32(ihdr + 4, h);
    ihdr[8] = 8;  /* bits per sample */
    ihdr[9] = 2;  /* RGB */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering (every row: none) */
    ihdr[12] = 0; /* not interlaced */
    chunk_begin(&c, "IHDR", 13);
    emit(&c, ihdr, 13);
    chunk_end(&c);
    write_idat(&c, rgb, w, h, stride);
    chunk_begin(&c, "IEND", 0);
    chunk_end(&c);
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    if (!ok) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}
