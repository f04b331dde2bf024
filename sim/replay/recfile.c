#include "recfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/util/hash.h"
#include "sim/core/loader.h"

#define HEADER_SIZE 16u
#define FRAME_SIZE  12u /* type, length, CRC */

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int recfile_create(struct recfile_writer *w, const char *path, char *err, unsigned errlen)
{
    memset(w, 0, sizeof *w);
    snprintf(w->path, sizeof w->path, "%s", path);
    w->f = fopen(path, "wb");
    if (!w->f) {
        snprintf(err, errlen, "%s: cannot create the trace file: %s", path, strerror(errno));
        return -1;
    }
    uint8_t h[HEADER_SIZE] = {0};
    memcpy(h, TRACE_MAGIC, 8);
    put32(h + 8, TRACE_VERSION);
    if (fwrite(h, 1, sizeof h, w->f) != sizeof h)
        w->failed = true;
    return 0;
}

void recfile_write(struct recfile_writer *w, uint32_t type, const void *payload, uint32_t len)
{
    if (!w->f)
        return;
    uint8_t head[8];
    put32(head, type);
    put32(head + 4, len);
    uint8_t tail[4];
    put32(tail, crc32_update(crc32_update(0, head, 8), payload, len));
    if (fwrite(head, 1, 8, w->f) != 8 || (len && fwrite(payload, 1, len, w->f) != len) ||
        fwrite(tail, 1, 4, w->f) != 4)
        w->failed = true;
}

void recfile_flush(struct recfile_writer *w)
{
    if (w->f && fflush(w->f) != 0)
        w->failed = true;
}

int recfile_close_writer(struct recfile_writer *w, char *err, unsigned errlen)
{
    if (!w->f)
        return 0;
    if (fclose(w->f) != 0)
        w->failed = true;
    w->f = NULL;
    if (w->failed) {
        snprintf(err, errlen, "%s: writing the trace failed (disk full?): the trace is incomplete",
                 w->path);
        return -1;
    }
    return 0;
}

int recfile_open(struct recfile_reader *r, const char *path, char *err, unsigned errlen)
{
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s", path);
    if (loader_read_file(path, "trace", &r->data, &r->size, err, errlen) != 0)
        return -1;
    if (r->size < HEADER_SIZE || memcmp(r->data, TRACE_MAGIC, 8) != 0) {
        snprintf(err, errlen, "%s: not a SPACE trace (expected a file starting with \"%s\")", path,
                 TRACE_MAGIC);
        recfile_close(r);
        return -1;
    }
    uint32_t version = get32(r->data + 8);
    if (version != TRACE_VERSION) {
        snprintf(err, errlen,
                 "%s: trace format version %u, but this space reads version %u only "
                 "(replay it with the space that recorded it)",
                 path, version, TRACE_VERSION);
        recfile_close(r);
        return -1;
    }
    r->pos = HEADER_SIZE;
    return 0;
}

void recfile_close(struct recfile_reader *r)
{
    free(r->data);
    r->data = NULL;
}

int recfile_next(struct recfile_reader *r, uint32_t *type, const uint8_t **payload, uint32_t *len,
                 char *err, unsigned errlen)
{
    size_t left = r->size - r->pos;
    if (left == 0)
        return 0;
    unsigned n = r->record + 1;
    if (left < 8 || get32(r->data + r->pos + 4) > left - FRAME_SIZE) {
        snprintf(err, errlen,
                 "%s: truncated: record %u at byte %zu is cut off (the file ends %zu bytes "
                 "into it)",
                 r->path, n, r->pos, left);
        return -1;
    }
    const uint8_t *rec = r->data + r->pos;
    *type = get32(rec);
    *len = get32(rec + 4);
    *payload = rec + 8;
    uint32_t want = get32(rec + 8 + *len);
    if (crc32_update(0, rec, 8 + (size_t)*len) != want) {
        snprintf(err, errlen, "%s: corrupt: record %u at byte %zu fails its checksum", r->path, n,
                 r->pos);
        return -1;
    }
    r->pos += FRAME_SIZE + (size_t)*len;
    r->record = n;
    return 1;
}

/* ---- Payloads ---- */

static bool tbuf_room(struct tbuf *b, size_t n)
{
    if (b->failed)
        return false;
    if (b->len + n <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n)
        cap *= 2;
    uint8_t *d = realloc(b->data, cap);
    if (!d) {
        b->failed = true;
        return false;
    }
    b->data = d;
    b->cap = cap;
    return true;
}

void tbuf_bytes(struct tbuf *b, const void *p, size_t n)
{
    if (n && tbuf_room(b, n)) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
    }
}

void tbuf_u8(struct tbuf *b, uint8_t v)
{
    tbuf_bytes(b, &v, 1);
}

void tbuf_u32(struct tbuf *b, uint32_t v)
{
    uint8_t p[4];
    put32(p, v);
    tbuf_bytes(b, p, 4);
}

void tbuf_u64(struct tbuf *b, uint64_t v)
{
    tbuf_u32(b, (uint32_t)v);
    tbuf_u32(b, (uint32_t)(v >> 32));
}

void tbuf_str(struct tbuf *b, const char *s)
{
    if (!s) {
        tbuf_u32(b, UINT32_MAX);
        return;
    }
    size_t n = strlen(s);
    tbuf_u32(b, (uint32_t)n);
    tbuf_bytes(b, s, n);
}

void tbuf_free(struct tbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

const uint8_t *tcur_bytes(struct tcur *c, uint32_t n)
{
    if (c->short_read || n > c->left) {
        c->short_read = true;
        return NULL;
    }
    const uint8_t *p = c->p;
    c->p += n;
    c->left -= n;
    return p;
}

uint8_t tcur_u8(struct tcur *c)
{
    const uint8_t *p = tcur_bytes(c, 1);
    return p ? *p : 0;
}

uint32_t tcur_u32(struct tcur *c)
{
    const uint8_t *p = tcur_bytes(c, 4);
    return p ? get32(p) : 0;
}

uint64_t tcur_u64(struct tcur *c)
{
    uint64_t lo = tcur_u32(c);
    return lo | (uint64_t)tcur_u32(c) << 32;
}

char *tcur_str(struct tcur *c, bool *is_null)
{
    uint32_t n = tcur_u32(c);
    *is_null = n == UINT32_MAX && !c->short_read;
    if (*is_null)
        return NULL;
    const uint8_t *p = tcur_bytes(c, n);
    char *s = malloc(p ? (size_t)n + 1 : 1);
    if (!s)
        return NULL;
    if (p)
        memcpy(s, p, n);
    s[p ? n : 0] = 0;
    return s;
}
