/* travel_io on backends in memory and a clock the test moves: input taken
 * is given back at its times after going back (not read again), then live
 * input resumes; output is written once; disk writes are undone going
 * back, made again going forward, and a write off the logged path drops
 * the logged future. */
#include <string.h>

#include "sim/replay/travel_io.h"
#include "unit.h"

static uint64_t clock_now;
static uint64_t get_clock(void *arg)
{
    (void)arg;
    return clock_now;
}

/* ---- Backends in memory ---- */

static const char *lines[] = {"a\n", "b\n", "c\n"};
static unsigned reads;
static long take(void *opaque, bool wait, const char **line)
{
    (void)opaque;
    (void)wait;
    if (reads == 3)
        return -1;
    *line = lines[reads++];
    return 2;
}
static struct char_source source = {.take_line = take};

static char out[64];
static size_t out_len;
static void put(void *opaque, const char *buf, unsigned long len)
{
    (void)opaque;
    memcpy(out + out_len, buf, len);
    out_len += len;
}
static struct char_sink sink = {.write = put};

static uint8_t image[8][BLOCK_SECTOR_SIZE];
static int rd(void *opaque, uint32_t sector, uint32_t count, void *buf)
{
    (void)opaque;
    memcpy(buf, image[sector], count * BLOCK_SECTOR_SIZE);
    return 0;
}
static int wr(void *opaque, uint32_t sector, uint32_t count, const void *buf)
{
    (void)opaque;
    memcpy(image[sector], buf, count * BLOCK_SECTOR_SIZE);
    return 0;
}
static int sync_(void *opaque)
{
    (void)opaque;
    return 0;
}
static struct block_store store = {.sectors = 8, .read = rd, .write = wr, .sync = sync_};

static struct char_source *give_source(void *arg, unsigned device, char *err, unsigned errlen)
{
    (void)arg, (void)device, (void)err, (void)errlen;
    return &source;
}
static struct char_sink *give_sink(void *arg, unsigned device, char *err, unsigned errlen)
{
    (void)arg, (void)device, (void)err, (void)errlen;
    return &sink;
}
static struct block_store *give_store(void *arg, unsigned device, const char *name, uint64_t size,
                                      bool readonly, char *err, unsigned errlen)
{
    (void)arg, (void)device, (void)name, (void)size, (void)readonly, (void)err, (void)errlen;
    return &store;
}

/* ---- Helpers ---- */

static void write_sector(struct block_store *st, uint32_t sector, char fill)
{
    uint8_t buf[BLOCK_SECTOR_SIZE];
    memset(buf, fill, sizeof buf);
    EXPECT(st->write(st->opaque, sector, 1, buf) == 0);
}

static char sector_is(uint32_t sector)
{
    for (unsigned i = 1; i < BLOCK_SECTOR_SIZE; i++)
        EXPECT(image[sector][i] == image[sector][0]);
    return (char)image[sector][0];
}

static long take_at(struct char_source *s, uint64_t t, bool wait, const char **line)
{
    clock_now = t;
    return s->take_line(s->opaque, wait, line);
}

static void write_at(struct char_sink *s, uint64_t t, const char *text)
{
    clock_now = t;
    s->write(s->opaque, text, strlen(text));
}

int main(void)
{
    struct travel_io *io = travel_io_create();
    EXPECT(io);
    struct backend_provider p = travel_io_wrap(
        io, (struct backend_provider){
                .char_source = give_source, .char_sink = give_sink, .block_store = give_store});
    travel_io_set_clock(io, get_clock, NULL);
    char err[128];
    struct char_source *src = p.char_source(p.arg, 0, err, sizeof err);
    struct char_sink *snk = p.char_sink(p.arg, 1, err, sizeof err);
    struct block_store *st = p.block_store(p.arg, 2, "disk", 0, false, err, sizeof err);
    EXPECT(src && snk && st);
    const char *line;

    /* The first time through. */
    EXPECT(take_at(src, 10, false, &line) == 2 && !memcmp(line, "a\n", 2));
    write_at(snk, 10, "X");
    clock_now = 15;
    write_sector(st, 1, 'A');
    EXPECT(take_at(src, 20, false, &line) == 2 && !memcmp(line, "b\n", 2));
    write_at(snk, 20, "YY");
    clock_now = 25;
    write_sector(st, 1, 'B');
    clock_now = 30;
    write_sector(st, 2, 'C');
    EXPECT(reads == 2 && out_len == 3);
    EXPECT(travel_io_bytes(io) > 4 * BLOCK_SECTOR_SIZE);

    /* Back to 12: the disk as it was then; input from the log. */
    travel_io_rewound(io, 12);
    EXPECT(sector_is(1) == 0 && sector_is(2) == 0);
    EXPECT(take_at(src, 15, false, &line) == 0); /* "b" came at 20 */
    EXPECT(take_at(src, 20, false, &line) == 2 && !memcmp(line, "b\n", 2));
    EXPECT(reads == 2);
    write_at(snk, 20, "YY"); /* seen already */
    EXPECT(out_len == 3);
    /* Forward to 27: the writes before it are made again. */
    travel_io_rewound(io, 27);
    EXPECT(sector_is(1) == 'B' && sector_is(2) == 0);
    /* The log's end: live input again, and new output shown. */
    EXPECT(take_at(src, 35, false, &line) == 2 && !memcmp(line, "c\n", 2));
    EXPECT(reads == 3);
    write_at(snk, 40, "ZZ");
    EXPECT(out_len == 5 && !memcmp(out, "XYYZZ", 5));
    EXPECT(take_at(src, 41, false, &line) == -1);
    EXPECT(take_at(src, 42, false, &line) == -1);

    /* Back to 26 and the same write at 30 again: it is the logged one. */
    travel_io_rewound(io, 26);
    EXPECT(sector_is(2) == 0);
    clock_now = 30;
    write_sector(st, 2, 'C');
    /* Back to 26, and another path: a write at 28 drops the logged 'C'. */
    travel_io_rewound(io, 26);
    clock_now = 28;
    write_sector(st, 3, 'D');
    travel_io_rewound(io, 100);
    EXPECT(sector_is(1) == 'B' && sector_is(2) == 0 && sector_is(3) == 'D');
    /* Back to the start: nothing written. */
    travel_io_rewound(io, 0);
    EXPECT(sector_is(1) == 0 && sector_is(2) == 0 && sector_is(3) == 0);
    /* Input is given back from the start, at once when the guest waits. */
    EXPECT(take_at(src, 1, true, &line) == 2 && !memcmp(line, "a\n", 2));

    src->close(src->opaque);
    snk->close(snk->opaque);
    st->close(st->opaque);
    travel_io_free(io);
    printf("travel_io passed\n");
    return 0;
}
