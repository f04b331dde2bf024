#include "travel_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/machine.h"

/* ---- The wrappers ---- */

struct logged_line {
    uint64_t time;
    long n; /* < 0: the end of input */
    char *bytes;
};

struct tio_source {
    struct char_source src;
    struct char_source *inner;
    struct travel_io *io;
    struct logged_line *log;
    size_t n, cap;
    size_t next; /* the next logged input to give back (n: read live) */
};

/* Where a sink's output stood when time first reached `time`. The marks
 * are the history of the one path the machine takes (going over it again
 * writes the same), so they are kept when it goes back. */
struct output_mark {
    uint64_t time, before;
};

struct tio_sink {
    struct char_sink sink;
    struct char_sink *inner;
    struct travel_io *io;
    uint64_t present; /* bytes the machine has written, as of its present */
    uint64_t high;    /* bytes written to the inner sink */
    struct output_mark *marks;
    size_t n, cap;
};

/* One write: the sectors' contents before and after, so that it can be
 * undone (going back) and made again (going forward past it). */
struct sector_undo {
    uint64_t time;
    uint32_t sector, count;
    uint8_t *old, *new;
};

struct tio_store {
    struct block_store store;
    struct block_store *inner;
    struct travel_io *io;
    struct sector_undo *log; /* in time order */
    size_t n, cap;
    size_t applied; /* log[0, applied) is on the image: the machine's present */
};

enum { MAX_WRAPPED = 64 };

struct travel_io {
    uint64_t (*clock)(void *arg);
    void *clock_arg;
    struct backend_provider inner;
    struct tio_source *sources[MAX_WRAPPED];
    struct tio_sink *sinks[MAX_WRAPPED];
    struct tio_store *stores[MAX_WRAPPED];
    size_t bytes; /* held by the logs */
};

static uint64_t now(const struct travel_io *io)
{
    return io->clock ? io->clock(io->clock_arg) : 0;
}

static uint64_t machine_clock_now(void *arg)
{
    return machine_now(arg);
}

/* Room for one more element in *v (of `size` bytes each). */
static bool grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = realloc(*v, c * size);
    if (!p)
        return false;
    *v = p;
    *cap = c;
    return true;
}

/* Removes w from one of io's lists (it was closed). */
static void forget(void **list, const void *w)
{
    for (unsigned i = 0; i < MAX_WRAPPED; i++)
        if (list[i] == w)
            list[i] = NULL;
}

static bool remember(void **list, void *w)
{
    for (unsigned i = 0; i < MAX_WRAPPED; i++)
        if (!list[i]) {
            list[i] = w;
            return true;
        }
    return false;
}

/* ---- Character source ---- */

static long tio_take_line(void *opaque, bool wait, const char **line)
{
    struct tio_source *s = opaque;
    uint64_t t = now(s->io);
    if (s->next < s->n) {
        /* Going over ground already covered: what came then comes again,
         * at its time (or now, if the guest waits for it). */
        const struct logged_line *e = &s->log[s->next];
        if (e->time > t && !wait)
            return 0;
        s->next++;
        *line = e->bytes;
        return e->n;
    }
    if (s->n && s->log[s->n - 1].n < 0)
        return -1; /* the end was reached and logged */
    long n = s->inner->take_line(s->inner->opaque, wait, line);
    if (n == 0)
        return 0;
    char *copy = n > 0 ? malloc((size_t)n) : NULL;
    if ((n > 0 && !copy) || !grow((void **)&s->log, &s->cap, s->n, sizeof *s->log)) {
        free(copy);
        return n; /* (out of host memory: this input cannot be given back) */
    }
    if (copy)
        memcpy(copy, *line, (size_t)n);
    s->log[s->n++] = (struct logged_line){t, n, copy};
    s->next = s->n;
    s->io->bytes += sizeof *s->log + (n > 0 ? (size_t)n : 0);
    return n;
}

/* Back or forward: what the log has from t on is given again. */
static void tio_source_rewound(struct tio_source *s, uint64_t t)
{
    size_t i = s->n;
    while (i > 0 && s->log[i - 1].time >= t)
        i--;
    s->next = i;
}

static void tio_source_close(void *opaque)
{
    struct tio_source *s = opaque;
    if (s->inner->close)
        s->inner->close(s->inner->opaque);
    for (size_t i = 0; i < s->n; i++)
        free(s->log[i].bytes);
    free(s->log);
    forget((void **)s->io->sources, s);
    free(s);
}

static struct char_source *wrap_source(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct travel_io *io = arg;
    struct char_source *in = io->inner.char_source(io->inner.arg, device, err, errlen);
    if (!in)
        return NULL;
    struct tio_source *s = calloc(1, sizeof *s);
    if (!s || !remember((void **)io->sources, s)) {
        free(s);
        if (in->close)
            in->close(in->opaque);
        snprintf(err, errlen, "time travel: out of host memory wrapping a character source");
        return NULL;
    }
    s->inner = in;
    s->io = io;
    s->src = *in;
    s->src.opaque = s;
    s->src.take_line = tio_take_line;
    s->src.close = tio_source_close;
    return &s->src;
}

/* ---- Character sink ---- */

static void tio_write(void *opaque, const char *buf, unsigned long len)
{
    struct tio_sink *s = opaque;
    uint64_t t = now(s->io);
    if ((!s->n || s->marks[s->n - 1].time < t) &&
        grow((void **)&s->marks, &s->cap, s->n, sizeof *s->marks)) {
        s->marks[s->n++] = (struct output_mark){t, s->present};
        s->io->bytes += sizeof *s->marks;
    }
    /* What the outside has seen already is not shown again. */
    uint64_t seen = s->high > s->present ? s->high - s->present : 0;
    if (seen < len)
        s->inner->write(s->inner->opaque, buf + seen, len - (unsigned long)seen);
    s->present += len;
    if (s->present > s->high)
        s->high = s->present;
}

static void tio_flush(void *opaque)
{
    struct tio_sink *s = opaque;
    if (s->inner->flush)
        s->inner->flush(s->inner->opaque);
}

static void tio_sink_rewound(struct tio_sink *s, uint64_t t)
{
    size_t i = s->n;
    while (i > 0 && s->marks[i - 1].time >= t)
        i--;
    s->present = i < s->n ? s->marks[i].before : s->high;
}

static void tio_sink_close(void *opaque)
{
    struct tio_sink *s = opaque;
    if (s->inner->close)
        s->inner->close(s->inner->opaque);
    free(s->marks);
    forget((void **)s->io->sinks, s);
    free(s);
}

static struct char_sink *wrap_sink(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct travel_io *io = arg;
    struct char_sink *in = io->inner.char_sink(io->inner.arg, device, err, errlen);
    if (!in)
        return NULL;
    struct tio_sink *s = calloc(1, sizeof *s);
    if (!s || !remember((void **)io->sinks, s)) {
        free(s);
        if (in->close)
            in->close(in->opaque);
        snprintf(err, errlen, "time travel: out of host memory wrapping a character sink");
        return NULL;
    }
    s->inner = in;
    s->io = io;
    s->sink = *in;
    s->sink.opaque = s;
    s->sink.write = tio_write;
    s->sink.flush = tio_flush;
    s->sink.close = tio_sink_close;
    return &s->sink;
}

/* ---- Block store ---- */

static int tio_read(void *opaque, uint32_t sector, uint32_t count, void *buf)
{
    struct tio_store *s = opaque;
    return s->inner->read(s->inner->opaque, sector, count, buf);
}

static void drop_entry(struct tio_store *s, struct sector_undo *u)
{
    s->io->bytes -= sizeof *u + 2 * (size_t)u->count * BLOCK_SECTOR_SIZE;
    free(u->old);
    free(u->new);
}

static int tio_store_write(void *opaque, uint32_t sector, uint32_t count, const void *buf)
{
    struct tio_store *s = opaque;
    size_t bytes = (size_t)count * BLOCK_SECTOR_SIZE;
    uint64_t t = now(s->io);
    struct sector_undo *again = s->applied < s->n ? &s->log[s->applied] : NULL;
    if (again && again->time == t && again->sector == sector && again->count == count &&
        !memcmp(again->new, buf, bytes)) {
        /* The machine makes again a write it made before it went back. */
        int rc = s->inner->write(s->inner->opaque, sector, count, buf);
        if (rc == 0)
            s->applied++;
        return rc;
    }
    /* Another path than the one logged: its future is no more. */
    while (s->n > s->applied)
        drop_entry(s, &s->log[--s->n]);
    uint8_t *old = malloc(bytes), *new = malloc(bytes);
    /* A write that could not be undone is refused (an I/O error to the
     * guest) rather than made. */
    if (!old || !new || !grow((void **)&s->log, &s->cap, s->n, sizeof *s->log) ||
        s->inner->read(s->inner->opaque, sector, count, old) != 0) {
        free(old);
        free(new);
        return -1;
    }
    int rc = s->inner->write(s->inner->opaque, sector, count, buf);
    if (rc != 0) {
        free(old);
        free(new);
        return rc;
    }
    memcpy(new, buf, bytes);
    s->log[s->n++] = (struct sector_undo){t, sector, count, old, new};
    s->applied = s->n;
    s->io->bytes += sizeof *s->log + 2 * bytes;
    return 0;
}

static int tio_sync(void *opaque)
{
    struct tio_store *s = opaque;
    return s->inner->sync(s->inner->opaque);
}

/* Undoes the writes made at t or later, newest first, and makes again
 * those made before t that were undone: the image is the machine's at t. */
static void tio_store_rewound(struct tio_store *s, uint64_t t)
{
    bool changed = false;
    while (s->applied && s->log[s->applied - 1].time >= t) {
        const struct sector_undo *u = &s->log[--s->applied];
        s->inner->write(s->inner->opaque, u->sector, u->count, u->old);
        changed = true;
    }
    while (s->applied < s->n && s->log[s->applied].time < t) {
        const struct sector_undo *u = &s->log[s->applied++];
        s->inner->write(s->inner->opaque, u->sector, u->count, u->new);
        changed = true;
    }
    if (changed)
        s->inner->sync(s->inner->opaque);
}

static void tio_store_close(void *opaque)
{
    struct tio_store *s = opaque;
    if (s->inner->close)
        s->inner->close(s->inner->opaque);
    while (s->n)
        drop_entry(s, &s->log[--s->n]);
    free(s->log);
    forget((void **)s->io->stores, s);
    free(s);
}

static struct block_store *wrap_store(void *arg, unsigned device, const char *name,
                                      uint64_t create_size, bool readonly, char *err,
                                      unsigned errlen)
{
    struct travel_io *io = arg;
    struct block_store *in =
        io->inner.block_store(io->inner.arg, device, name, create_size, readonly, err, errlen);
    if (!in)
        return NULL;
    struct tio_store *s = calloc(1, sizeof *s);
    if (!s || !remember((void **)io->stores, s)) {
        free(s);
        if (in->close)
            in->close(in->opaque);
        snprintf(err, errlen, "time travel: out of host memory wrapping a block store");
        return NULL;
    }
    s->inner = in;
    s->io = io;
    s->store = *in;
    s->store.opaque = s;
    s->store.read = tio_read;
    s->store.write = tio_store_write;
    s->store.sync = tio_sync;
    s->store.close = tio_store_close;
    return &s->store;
}

/* A network port passes through: going back in time does not undo frames
 * (docs/multicomputer.md: time travel is one machine's). */
static struct frame_port *wrap_port(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct travel_io *io = arg;
    return io->inner.frame_port(io->inner.arg, device, err, errlen);
}

/* ---- The whole ---- */

struct travel_io *travel_io_create(void)
{
    return calloc(1, sizeof(struct travel_io));
}

struct backend_provider travel_io_wrap(struct travel_io *io, struct backend_provider inner)
{
    io->inner = inner;
    return (struct backend_provider){
        .arg = io,
        .char_source = inner.char_source ? wrap_source : NULL,
        .char_sink = inner.char_sink ? wrap_sink : NULL,
        .block_store = inner.block_store ? wrap_store : NULL,
        .frame_port = inner.frame_port ? wrap_port : NULL,
    };
}

void travel_io_attach(struct travel_io *io, const struct machine *m)
{
    travel_io_set_clock(io, machine_clock_now, (void *)m);
}

void travel_io_set_clock(struct travel_io *io, uint64_t (*now)(void *arg), void *arg)
{
    io->clock = now;
    io->clock_arg = arg;
}

void travel_io_rewound(struct travel_io *io, uint64_t t)
{
    for (unsigned i = 0; i < MAX_WRAPPED; i++) {
        if (io->sources[i])
            tio_source_rewound(io->sources[i], t);
        if (io->sinks[i])
            tio_sink_rewound(io->sinks[i], t);
        if (io->stores[i])
            tio_store_rewound(io->stores[i], t);
    }
}

size_t travel_io_bytes(const struct travel_io *io)
{
    return sizeof *io + io->bytes;
}

void travel_io_free(struct travel_io *io)
{
    free(io);
}
