#include "png.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define IDAT_MAX 65536u /* compressed bytes in one IDAT chunk (any size is valid) */

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* One chunk: its length, type, data and the CRC-32 of type and data. */
static void write_chunk(FILE *f, const char *type, const uint8_t *data, uint32_t len)
{
    uint8_t n[4];
    put32(n, len);
    fwrite(n, 1, 4, f);
    fwrite(type, 1, 4, f);
    uLong crc = crc32(0, (const Bytef *)type, 4);
    if (len) { /* (crc32 of a NULL buffer is its initial value, not crc) */
        fwrite(data, 1, len, f);
        crc = crc32_z(crc, data, len);
    }
    put32(n, (uint32_t)crc);
    fwrite(n, 1, 4, f);
}

/* The zlib stream of the scanlines, cut into IDAT chunks as it comes. */
struct idat {
    FILE *f;
    z_stream z;
    uint8_t out[IDAT_MAX];
};

/* Deflates len bytes (flush: Z_NO_FLUSH, or Z_FINISH for the last),
 * writing each IDAT chunk that fills. 0, or -1 if zlib fails. */
static int deflate_bytes(struct idat *d, const void *in, size_t len, int flush)
{
    d->z.next_in = (Bytef *)in;
    d->z.avail_in = (uInt)len;
    for (;;) {
        int rc = deflate(&d->z, flush);
        if (rc == Z_STREAM_ERROR)
            return -1;
        if (!d->z.avail_out || rc == Z_STREAM_END) {
            write_chunk(d->f, "IDAT", d->out, IDAT_MAX - d->z.avail_out);
            d->z.next_out = d->out;
            d->z.avail_out = IDAT_MAX;
        }
        if (rc == Z_STREAM_END || (flush == Z_NO_FLUSH && !d->z.avail_in))
            return 0;
    }
}

/* Every row as a filter byte 0 (none) and its pixels. */
static int write_idat(FILE *f, const uint8_t *rgb, uint32_t w, uint32_t h, uint32_t stride)
{
    struct idat *d = malloc(sizeof *d);
    if (!d)
        return -1;
    memset(&d->z, 0, sizeof d->z);
    d->f = f;
    if (deflateInit(&d->z, Z_DEFAULT_COMPRESSION) != Z_OK) {
        free(d);
        return -1;
    }
    d->z.next_out = d->out;
    d->z.avail_out = IDAT_MAX;
    static const uint8_t filter_none = 0;
    int rc = 0;
    for (uint32_t y = 0; y < h && rc == 0; y++) {
        rc = deflate_bytes(d, &filter_none, 1, Z_NO_FLUSH);
        if (rc == 0)
            rc = deflate_bytes(d, rgb + (size_t)y * stride, (size_t)w * 3, Z_NO_FLUSH);
    }
    if (rc == 0)
        rc = deflate_bytes(d, NULL, 0, Z_FINISH);
    deflateEnd(&d->z);
    free(d);
    return rc;
}

int png_write(const char *path, const uint8_t *rgb, uint32_t w, uint32_t h, uint32_t stride,
              char *err, unsigned errlen)
{
    /* (PNG's sizes are 31-bit; a row goes to zlib in one piece) */
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
    uint8_t ihdr[13];
    put32(ihdr, w);
    put32(ihdr + 4, h);
    ihdr[8] = 8;  /* bits per sample */
    ihdr[9] = 2;  /* RGB */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering (every row: none) */
    ihdr[12] = 0; /* not interlaced */
    write_chunk(f, "IHDR", ihdr, 13);
    if (write_idat(f, rgb, w, h, stride) != 0) {
        fclose(f);
        remove(path);
        snprintf(err, errlen, "%s: out of host memory for compressing the picture", path);
        return -1;
    }
    write_chunk(f, "IEND", NULL, 0);
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    if (!ok) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}
