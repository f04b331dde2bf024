#include "inputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPACE_HOST
#include "basicoz/include/space.h"

#define SECTOR_RECORD (4 + BLOCK_SECTOR_SIZE)

/* Sectors seen (read or written), a bit each. */
static uint8_t *bitmap_new(uint32_t sectors)
{
    return calloc(sectors / 8 + 1, 1);
}

static bool bit(const uint8_t *map, uint32_t s)
{
    return map[s / 8] & (1u << (s % 8));
}

static void set_bit(uint8_t *map, uint32_t s)
{
    map[s / 8] |= (uint8_t)(1u << (s % 8));
}

/* ---- Recording ---- */

struct rec_source {
    struct char_source src;
    struct char_source *inner;
    unsigned device;
    struct input_report report;
};

static long rec_take_line(void *opaque, bool wait, const char **line)
{
    struct rec_source *r = opaque;
    long n = r->inner->take_line(r->inner->opaque, wait, line);
    if (n > 0)
        r->report.taken(r->report.arg, r->device, INPUT_LINE, *line, (uint32_t)n);
    else if (n < 0)
        r->report.taken(r->report.arg, r->device, INPUT_END, NULL, 0);
    return n;
}

static void rec_source_close(void *opaque)
{
    struct rec_source *r = opaque;
    if (r->inner->close)
        r->inner->close(r->inner->opaque);
    free(r);
}

struct char_source *record_char_source(struct char_source *inner, unsigned device,
                                       const struct input_report *report)
{
    struct rec_source *r = calloc(1, sizeof *r);
    if (!r) {
        if (inner->close)
            inner->close(inner->opaque);
        return NULL;
    }
    r->inner = inner;
    r->device = device;
    r->report = *report;
    r->src = *inner;
    r->src.opaque = r;
    r->src.take_line = rec_take_line;
    r->src.close = rec_source_close;
    return &r->src;
}

struct rec_store {
    struct block_store store;
    struct block_store *inner;
    unsigned device;
    struct input_report report;
    uint8_t *seen;
};

static int rec_read(void *opaque, uint32_t sector, uint32_t count, void *buf)
{
    struct rec_store *r = opaque;
    if (r->inner->read(r->inner->opaque, sector, count, buf) != 0)
        return -1;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t s = sector + i;
        if (bit(r->seen, s))
            continue;
        uint8_t rec[SECTOR_RECORD] = {(uint8_t)s, (uint8_t)(s >> 8), (uint8_t)(s >> 16),
                                      (uint8_t)(s >> 24)};
        memcpy(rec + 4, (const uint8_t *)buf + (size_t)i * BLOCK_SECTOR_SIZE, BLOCK_SECTOR_SIZE);
        r->report.taken(r->report.arg, r->device, INPUT_SECTOR, rec, sizeof rec);
        set_bit(r->seen, s);
    }
    return 0;
}

static int rec_write(void *opaque, uint32_t sector, uint32_t count, const void *buf)
{
    struct rec_store *r = opaque;
    for (uint32_t i = 0; i < count; i++)
        set_bit(r->seen, sector + i); /* the run's own data from now on */
    return r->inner->write(r->inner->opaque, sector, count, buf);
}

static int rec_sync(void *opaque)
{
    struct rec_store *r = opaque;
    return r->inner->sync(r->inner->opaque);
}

static void rec_store_close(void *opaque)
{
    struct rec_store *r = opaque;
    if (r->inner->close)
        r->inner->close(r->inner->opaque);
    free(r->seen);
    free(r);
}

struct block_store *record_block_store(struct block_store *inner, unsigned device,
                                       const struct input_report *report)
{
    struct rec_store *r = calloc(1, sizeof *r);
    if (!r || !(r->seen = bitmap_new(inner->sectors))) {
        free(r);
        if (inner->close)
            inner->close(inner->opaque);
        return NULL;
    }
    r->inner = inner;
    r->device = device;
    r->report = *report;
    r->store = *inner;
    r->store.opaque = r;
    r->store.read = rec_read;
    r->store.write = rec_write;
    r->store.sync = rec_sync;
    r->store.close = rec_store_close;
    return &r->store;
}

/* ---- Replaying ---- */

struct rep_source {
    struct char_source src;
    unsigned device;
    struct input_feed feed;
};

static long rep_take_line(void *opaque, bool wait, const char **line)
{
    struct rep_source *r = opaque;
    uint32_t kind, len;
    const void *data;
    (void)wait; /* (nothing now: the recorded run had nothing either) */
    if (!r->feed.next(r->feed.arg, r->device, &kind, &data, &len))
        return 0;
    if (kind == INPUT_END)
        return -1;
    if (kind != INPUT_LINE || len == 0) {
        r->feed.diverged(r->feed.arg, r->device, "has a recorded input it does not understand");
        return 0;
    }
    *line = data;
    return (long)len;
}

struct char_source *replay_char_source(unsigned device, const struct input_feed *feed)
{
    struct rep_source *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->device = device;
    r->feed = *feed;
    r->src = (struct char_source){.opaque = r, .take_line = rep_take_line, .close = free};
    return &r->src;
}

/* The sectors the recording read and the guest wrote, in chunks
 * allocated on first use. */
#define CHUNK_SECTORS 256u

struct rep_store {
    struct block_store store;
    unsigned device;
    struct input_feed feed;
    uint8_t *known;
    uint8_t **chunk;
};

/* Where sector s is kept (NULL: out of host memory). */
static uint8_t *sector_at(struct rep_store *r, uint32_t s)
{
    uint8_t **c = &r->chunk[s / CHUNK_SECTORS];
    if (!*c && !(*c = calloc(CHUNK_SECTORS, BLOCK_SECTOR_SIZE)))
        return NULL;
    return *c + (size_t)(s % CHUNK_SECTORS) * BLOCK_SECTOR_SIZE;
}

static int rep_read(void *opaque, uint32_t sector, uint32_t count, void *buf)
{
    struct rep_store *r = opaque;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t s = sector + i;
        uint8_t *mine = sector_at(r, s);
        if (!mine)
            return -1;
        if (!bit(r->known, s)) {
            uint32_t kind, len;
            const uint8_t *rec;
            if (!r->feed.next(r->feed.arg, r->device, &kind, (const void **)&rec, &len) ||
                kind != INPUT_SECTOR || len != SECTOR_RECORD ||
                (uint32_t)(rec[0] | rec[1] << 8 | rec[2] << 16 | (uint32_t)rec[3] << 24) != s) {
                char what[96];
                snprintf(what, sizeof what, "read sector %u, which the recording did not read then",
                         s);
                r->feed.diverged(r->feed.arg, r->device, what);
                return -1;
            }
            memcpy(mine, rec + 4, BLOCK_SECTOR_SIZE);
            set_bit(r->known, s);
        }
        memcpy((uint8_t *)buf + (size_t)i * BLOCK_SECTOR_SIZE, mine, BLOCK_SECTOR_SIZE);
    }
    return 0;
}

static int rep_write(void *opaque, uint32_t sector, uint32_t count, const void *buf)
{
    struct rep_store *r = opaque;
    for (uint32_t i = 0; i < count; i++) {
        uint8_t *mine = sector_at(r, sector + i);
        if (!mine)
            return -1;
        memcpy(mine, (const uint8_t *)buf + (size_t)i * BLOCK_SECTOR_SIZE, BLOCK_SECTOR_SIZE);
        set_bit(r->known, sector + i);
    }
    return 0;
}

static int rep_sync(void *opaque)
{
    (void)opaque;
    return 0;
}

static void rep_store_close(void *opaque)
{
    struct rep_store *r = opaque;
    if (r->chunk)
        for (uint32_t i = 0; i <= r->store.sectors / CHUNK_SECTORS; i++)
            free(r->chunk[i]);
    free(r->chunk);
    free(r->known);
    free(r);
}

struct block_store *replay_block_store(unsigned device, uint32_t sectors, bool readonly,
                                       const struct input_feed *feed)
{
    struct rep_store *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->store = (struct block_store){.opaque = r,
                                    .sectors = sectors,
                                    .readonly = readonly,
                                    .read = rep_read,
                                    .write = rep_write,
                                    .sync = rep_sync,
                                    .close = rep_store_close};
    r->device = device;
    r->feed = *feed;
    r->known = bitmap_new(sectors);
    r->chunk = calloc(sectors / CHUNK_SECTORS + 1, sizeof *r->chunk);
    if (!r->known || !r->chunk) {
        rep_store_close(r);
        return NULL;
    }
    return &r->store;
}

/* ---- A node's network port ---- */

struct rec_port {
    struct frame_port port;
    struct frame_port *inner;
    unsigned device;
    struct input_report report;
    void (*arrived)(void *arg); /* the device's */
    void *arrived_arg;
    struct net_event taken; /* the fate of the frame being taken */
    bool got;
    uint8_t *sent; /* the fates of the frame being sent */
    uint32_t nsent, maxsent;
    uint8_t record[FRAME_RECORD_HEAD + SPACE_NET_MTU];
};

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The network tells a fate: of the frame taken, or of a copy sent. */
static void rec_fate(void *opaque, const struct net_event *e)
{
    struct rec_port *r = opaque;
    if (e->kind == NET_DELIVERED) {
        r->taken = *e;
        r->got = true;
        return;
    }
    if (r->nsent == r->maxsent)
        return; /* (a send makes at most two copies per destination) */
    uint8_t *p = r->sent + (size_t)r->nsent++ * FATE_RECORD;
    put_le(p, (uint32_t)e->kind, 4);
    put_le(p + 4, e->dst, 4);
    put_le(p + 8, e->copy, 4);
    put_le(p + 12, e->len, 4);
    put_le(p + 16, e->sent, 8);
    put_le(p + 24, e->at, 8);
    put_le(p + 32, e->seq, 8);
}

static int rec_send(void *opaque, uint64_t at, uint32_t peer, const void *data, uint32_t len)
{
    struct rec_port *r = opaque;
    r->nsent = 0;
    int st = r->inner->send(r->inner->opaque, at, peer, data, len);
    if (st == 0)
        r->report.taken(r->report.arg, r->device, INPUT_SENT, r->sent, r->nsent * FATE_RECORD);
    return st;
}

static uint64_t rec_next(void *opaque)
{
    struct rec_port *r = opaque;
    uint64_t t = r->inner->next(r->inner->opaque);
    put_le(r->record, t, 8);
    r->report.taken(r->report.arg, r->device, INPUT_NEXT, r->record, 8);
    return t;
}

static long rec_take(void *opaque, uint64_t now, uint32_t *peer, void *buf)
{
    struct rec_port *r = opaque;
    long n = r->inner->take(r->inner->opaque, now, peer, buf);
    if (n < 0) {
        r->report.taken(r->report.arg, r->device, INPUT_NO_FRAME, NULL, 0);
        return n;
    }
    put_le(r->record, *peer, 4);
    put_le(r->record + 4, r->got ? r->taken.seq : 0, 8);
    put_le(r->record + 12, r->got ? r->taken.copy : 0, 4);
    put_le(r->record + 16, r->got ? r->taken.at : now, 8);
    r->got = false;
    memcpy(r->record + FRAME_RECORD_HEAD, buf, (size_t)n);
    r->report.taken(r->report.arg, r->device, INPUT_FRAME, r->record,
                    FRAME_RECORD_HEAD + (uint32_t)n);
    return n;
}

/* Frames were handed over: that it happened, and when, is an input. */
static void rec_arrived(void *opaque)
{
    struct rec_port *r = opaque;
    r->report.taken(r->report.arg, r->device, INPUT_ARRIVAL, NULL, 0);
    r->arrived(r->arrived_arg);
}

static void rec_on_arrival(void *opaque, void (*fn)(void *arg), void *arg)
{
    struct rec_port *r = opaque;
    r->arrived = fn;
    r->arrived_arg = arg;
    r->inner->on_arrival(r->inner->opaque, rec_arrived, r);
}

static void rec_port_close(void *opaque)
{
    struct rec_port *r = opaque;
    if (r->inner->fates)
        r->inner->fates(r->inner->opaque, NULL, NULL);
    free(r->sent);
    free(r);
}

static void rep_port_close(void *opaque)
{
    free(opaque);
}

struct frame_port *record_frame_port(struct frame_port *inner, unsigned device,
                                     const struct input_report *report)
{
    struct rec_port *r = calloc(1, sizeof *r);
    if (!r || !(r->sent = calloc(2 * (inner->nodes + 1), FATE_RECORD))) {
        free(r);
        return NULL;
    }
    r->maxsent = 2 * (inner->nodes + 1);
    r->inner = inner;
    r->device = device;
    r->report = *report;
    r->port = (struct frame_port){.opaque = r,
                                  .node = inner->node,
                                  .nodes = inner->nodes,
                                  .send = rec_send,
                                  .next = rec_next,
                                  .take = rec_take,
                                  .on_arrival = rec_on_arrival,
                                  .close = rec_port_close};
    if (inner->fates)
        inner->fates(inner->opaque, rec_fate, r);
    return &r->port;
}

struct rep_port {
    struct frame_port port;
    unsigned device;
    struct input_feed feed;
};

/* The fates the recording kept of a frame sent are told. */
static int rep_send(void *opaque, uint64_t at, uint32_t peer, const void *data, uint32_t len)
{
    struct rep_port *r = opaque;
    (void)at, (void)data, (void)len;
    if (peer >= r->port.nodes && peer != SPACE_NET_BROADCAST)
        return -1;
    uint32_t kind, n;
    const void *d;
    if (!r->feed.next(r->feed.arg, r->device, &kind, &d, &n))
        return 0; /* (before the recording started) */
    if (kind != INPUT_SENT || n % FATE_RECORD) {
        r->feed.diverged(r->feed.arg, r->device, "sent a frame, which the recording did not");
        return 0;
    }
    for (const uint8_t *p = d; r->feed.fate && p < (const uint8_t *)d + n; p += FATE_RECORD) {
        struct net_event e = {.kind = (enum net_event_kind)get_le(p, 4),
                              .sent = get_le(p + 16, 8),
                              .at = get_le(p + 24, 8),
                              .seq = get_le(p + 32, 8),
                              .src = r->port.node,
                              .dst = (uint32_t)get_le(p + 4, 4),
                              .copy = (uint32_t)get_le(p + 8, 4),
                              .len = (uint32_t)get_le(p + 12, 4)};
        if (e.kind <= NET_DUPLICATED)
            r->feed.fate(r->feed.arg, &e);
    }
    return 0;
}

/* The answer recorded for this call, which must be of kind `want`
 * (INPUT_FRAME also matches INPUT_NO_FRAME). False: none at this time
 * (the device asked before the recording started: at its creation), or
 * the replay diverged. */
static bool rep_answer(struct rep_port *r, uint32_t want, uint32_t *kind, const uint8_t **data,
                       uint32_t *len)
{
    const void *d;
    if (!r->feed.next(r->feed.arg, r->device, kind, &d, len))
        return false;
    *data = d;
    bool ok = want == INPUT_NEXT ? *kind == INPUT_NEXT && *len == 8
                                 : (*kind == INPUT_FRAME && *len >= FRAME_RECORD_HEAD &&
                                    *len <= FRAME_RECORD_HEAD + SPACE_NET_MTU) ||
                                       *kind == INPUT_NO_FRAME;
    if (!ok)
        r->feed.diverged(r->feed.arg, r->device,
                         want == INPUT_NEXT ? "asked when the next frame arrives, which the "
                                              "recording did not"
                                            : "took a frame, which the recording did not");
    return ok;
}

static uint64_t rep_next(void *opaque)
{
    uint32_t kind, len;
    const uint8_t *data;
    return rep_answer(opaque, INPUT_NEXT, &kind, &data, &len) ? get_le(data, 8) : FRAME_PORT_NONE;
}

static long rep_take(void *opaque, uint64_t now, uint32_t *peer, void *buf)
{
    uint32_t kind, len;
    const uint8_t *data;
    (void)now;
    if (!rep_answer(opaque, INPUT_FRAME, &kind, &data, &len) || kind == INPUT_NO_FRAME)
        return -1;
    struct rep_port *r = opaque;
    *peer = (uint32_t)get_le(data, 4);
    uint32_t n = len - FRAME_RECORD_HEAD;
    memcpy(buf, data + FRAME_RECORD_HEAD, n);
    if (r->feed.fate)
        r->feed.fate(r->feed.arg, &(struct net_event){.kind = NET_DELIVERED,
                                                      .at = get_le(data + 16, 8),
                                                      .seq = get_le(data + 4, 8),
                                                      .src = *peer,
                                                      .dst = r->port.node,
                                                      .copy = (uint32_t)get_le(data + 12, 4),
                                                      .len = n});
    return (long)n;
}

static void rep_on_arrival(void *opaque, void (*fn)(void *arg), void *arg)
{
    struct rep_port *r = opaque;
    r->feed.listen(r->feed.arg, r->device, fn, arg);
}

struct frame_port *replay_frame_port(unsigned device, uint32_t node, uint32_t nodes,
                                     const struct input_feed *feed)
{
    struct rep_port *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->device = device;
    r->feed = *feed;
    r->port = (struct frame_port){.opaque = r,
                                  .node = node,
                                  .nodes = nodes,
                                  .send = rep_send,
                                  .next = rep_next,
                                  .take = rep_take,
                                  .on_arrival = rep_on_arrival,
                                  .close = rep_port_close};
    return &r->port;
}
