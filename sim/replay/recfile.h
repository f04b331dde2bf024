/* recfile: the file format of a recording - what `space run --record`
 * writes and `space replay` reads (the docs call it a trace:
 * docs/trace-format.md; --trace lines are sim/core/tracer.h's).
 *
 * A 16-byte header (magic "SPACETRC", format version, reserved) and then
 * records: type, payload length, payload, and a CRC-32 of all three, all
 * integers little-endian. Reading checks everything, so a truncated,
 * corrupt or wrong-version file is reported precisely, never acted on.
 * What the records hold is recorder.c's and replayer.c's business (the
 * types are below); this module also gives the little serializer both
 * sides use. */
#ifndef SPACE_RECFILE_H
#define SPACE_RECFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TRACE_MAGIC   "SPACETRC"
#define TRACE_VERSION 3u

/* Record types (docs/trace-format.md). */
enum {
    REC_CONFIG = 1,     /* how the machine was built */
    REC_IMAGE = 2,      /* the kernel image */
    REC_DISK = 3,       /* a disk image's size and hash */
    REC_INPUT = 4,      /* one input from outside, at a virtual time */
    REC_CHECKPOINT = 5, /* the machine's state at a virtual time */
    REC_END = 6,        /* how the run ended, and its final checkpoint */
};

/* ---- Writing ---- */

struct recfile_writer {
    FILE *f;
    char path[512];
    bool failed; /* a write failed: reported at close */
};

int recfile_create(struct recfile_writer *w, const char *path, char *err, unsigned errlen);
void recfile_write(struct recfile_writer *w, uint32_t type, const void *payload, uint32_t len);
/* Pushes what was written to the host (so a crash leaves a usable prefix). */
void recfile_flush(struct recfile_writer *w);
/* 0, or -1 with a reason if any write failed. */
int recfile_close_writer(struct recfile_writer *w, char *err, unsigned errlen);

/* ---- Reading ---- */

struct recfile_reader {
    uint8_t *data;
    size_t size, pos;
    unsigned record; /* records read so far */
    char path[512];
};

/* Reads the whole file and checks its header. */
int recfile_open(struct recfile_reader *r, const char *path, char *err, unsigned errlen);
void recfile_close(struct recfile_reader *r);
/* The next record: 1, 0 at the end of the file, -1 with a reason (a
 * truncated or corrupt record). The payload points into the reader. */
int recfile_next(struct recfile_reader *r, uint32_t *type, const uint8_t **payload, uint32_t *len,
                 char *err, unsigned errlen);

/* ---- Payloads ---- */

/* A growing byte buffer; `failed` is set if the host ran out of memory. */
struct tbuf {
    uint8_t *data;
    size_t len, cap;
    bool failed;
};
void tbuf_u8(struct tbuf *b, uint8_t v);
void tbuf_u32(struct tbuf *b, uint32_t v);
void tbuf_u64(struct tbuf *b, uint64_t v);
void tbuf_bytes(struct tbuf *b, const void *p, size_t n);
void tbuf_str(struct tbuf *b, const char *s); /* u32 length, bytes (NULL: 0xffffffff) */
void tbuf_free(struct tbuf *b);

/* Reads a payload; any read past its end sets `short_read` and yields 0. */
struct tcur {
    const uint8_t *p;
    uint32_t left;
    bool short_read;
};
uint8_t tcur_u8(struct tcur *c);
uint32_t tcur_u32(struct tcur *c);
uint64_t tcur_u64(struct tcur *c);
const uint8_t *tcur_bytes(struct tcur *c, uint32_t n);
/* A string as tbuf_str wrote it, copied into a new heap string (NULL for
 * a NULL string; "" after a short read). *is_null tells them apart. */
char *tcur_str(struct tcur *c, bool *is_null);

#endif
