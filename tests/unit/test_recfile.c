/* Unit tests for the recording file format (sim/replay/recfile.h): records
 * written and read back; the file cut at every length reads as
 * "truncated" (never a crash); a flipped byte fails a checksum; a last
 * frame of 8..11 bytes (issue 18, defect 1: the length check wrapped).
 * usage: unit_recfile DIR (for its files) */
#include "unit.h"

#include <stdint.h>
#include <string.h>

#include "sim/replay/recfile.h"

static char dir_path[400];

static const char *path_of(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", dir_path, name);
    return p;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void write_bytes(const char *path, const uint8_t *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    EXPECT(f && fwrite(data, 1, n, f) == n && fclose(f) == 0);
}

static size_t read_bytes(const char *path, uint8_t *data, size_t cap)
{
    FILE *f = fopen(path, "rb");
    EXPECT(f);
    size_t n = fread(data, 1, cap, f);
    fclose(f);
    return n;
}

/* The records of the test file. */
static const struct {
    uint32_t type;
    const char *payload;
    uint32_t len;
} recs[] = {
    {1, "hello", 5},
    {2, "", 0},
    {0xdeadbeef, "\0\1\2\3\4\5\6\7\x80\xff", 10},
    {7, "the last one", 12},
};
#define NRECS (sizeof recs / sizeof recs[0])

/* Reads a file to its end: how many records, and the last result. */
static int read_all(const char *path, unsigned *n, char *err, unsigned errlen)
{
    struct recfile_reader r;
    *n = 0;
    if (recfile_open(&r, path, err, errlen) != 0)
        return -2;
    uint32_t type, len;
    const uint8_t *payload;
    int got;
    while ((got = recfile_next(&r, &type, &payload, &len, err, errlen)) == 1)
        (*n)++;
    recfile_close(&r);
    return got;
}

static void round_trip(void)
{
    struct recfile_writer w;
    char err[600];
    EXPECT(recfile_create(&w, path_of("rt.trc"), err, sizeof err) == 0);
    for (size_t i = 0; i < NRECS; i++)
        recfile_write(&w, recs[i].type, recs[i].payload, recs[i].len);
    recfile_flush(&w);
    EXPECT(recfile_close_writer(&w, err, sizeof err) == 0);

    struct recfile_reader r;
    EXPECT(recfile_open(&r, path_of("rt.trc"), err, sizeof err) == 0);
    /* 16-byte header, then each record framed in 12 bytes */
    size_t want = 16;
    for (size_t i = 0; i < NRECS; i++)
        want += 12 + recs[i].len;
    EXPECT(r.size == want && r.pos == 16);
    EXPECT(!memcmp(r.data, "SPACETRC", 8) && r.data[8] == TRACE_VERSION &&
           !memcmp(r.data + 9, "\0\0\0\0\0\0\0", 7));
    for (size_t i = 0; i < NRECS; i++) {
        uint32_t type = 0, len = 99;
        const uint8_t *payload = NULL;
        EXPECT(recfile_next(&r, &type, &payload, &len, err, sizeof err) == 1);
        EXPECT(type == recs[i].type && len == recs[i].len);
        EXPECT(!memcmp(payload, recs[i].payload, len));
        EXPECT(r.record == i + 1);
    }
    uint32_t type, len;
    const uint8_t *payload;
    EXPECT(recfile_next(&r, &type, &payload, &len, err, sizeof err) == 0);
    recfile_close(&r);
}

/* Every prefix: the header alone or whole records read cleanly; anything
 * else is "truncated" at the record it cuts. */
static void cut_everywhere(void)
{
    static uint8_t full[1024];
    size_t size = read_bytes(path_of("rt.trc"), full, sizeof full);
    size_t bounds[NRECS + 1];
    bounds[0] = 16;
    for (size_t i = 0; i < NRECS; i++)
        bounds[i + 1] = bounds[i] + 12 + recs[i].len;
    EXPECT(bounds[NRECS] == size);
    for (size_t cut = 0; cut < size; cut++) {
        write_bytes(path_of("cut.trc"), full, cut);
        char err[600] = "";
        unsigned n;
        int got = read_all(path_of("cut.trc"), &n, err, sizeof err);
        if (cut < 16) {
            EXPECT(got == -2 && strstr(err, "not a SPACE trace"));
            continue;
        }
        size_t whole = 0;
        while (whole < NRECS && bounds[whole + 1] <= cut)
            whole++;
        if (n != whole)
            fprintf(stderr, "cut at %zu: %u records, expected %zu (%s)\n", cut, n, whole, err);
        EXPECT(n == whole);
        if (bounds[whole] == cut) {
            EXPECT(got == 0);
        } else {
            char want[200];
            snprintf(want, sizeof want,
                     ": truncated: record %zu at byte %zu is cut off (the file "
                     "ends %zu bytes into it)",
                     whole + 1, bounds[whole], cut - bounds[whole]);
            EXPECT(got == -1 && strstr(err, want));
        }
    }
}

/* Any flipped byte after the header: a record fails its checksum or
 * (a flipped length) is cut off; never all records read. */
static void flipped(void)
{
    static uint8_t full[1024], bad[1024];
    size_t size = read_bytes(path_of("rt.trc"), full, sizeof full);
    for (size_t at = 16; at < size; at++) {
        memcpy(bad, full, size);
        bad[at] ^= 0x04;
        write_bytes(path_of("flip.trc"), bad, size);
        char err[600] = "";
        unsigned n;
        int got = read_all(path_of("flip.trc"), &n, err, sizeof err);
        EXPECT(got == -1 && n < NRECS);
        size_t rec_start = 16;
        for (unsigned i = 0; i < n; i++)
            rec_start += 12 + recs[i].len;
        bool in_length = at >= rec_start + 4 && at < rec_start + 8;
        if (!in_length) {
            char want[100];
            snprintf(want, sizeof want, ": corrupt: record %u at byte %zu fails its checksum",
                     n + 1, rec_start);
            EXPECT(strstr(err, want));
        } else {
            EXPECT(strstr(err, ": corrupt: ") || strstr(err, ": truncated: "));
        }
    }
}

/* A last frame of 8..11 bytes - type and length, then less than the CRC -
 * whatever length it claims, is truncated (issue 18, defect 1). */
static void short_last_frame(void)
{
    static const uint32_t lengths[] = {0, 1, 3, 4, 0x1000, 0x7ffffff0u, 0xfffffff4u, UINT32_MAX};
    for (size_t extra = 0; extra < 4; extra++) {
        for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
            uint8_t file[16 + 12];
            memset(file, 0, sizeof file);
            memcpy(file, "SPACETRC", 8);
            put32(file + 8, TRACE_VERSION);
            put32(file + 16, 3);
            put32(file + 20, lengths[k]);
            write_bytes(path_of("short.trc"), file, 16 + 8 + extra);
            char err[600] = "";
            unsigned n;
            int got = read_all(path_of("short.trc"), &n, err, sizeof err);
            char want[200];
            snprintf(want, sizeof want,
                     ": truncated: record 1 at byte 16 is cut off (the file ends %zu bytes into "
                     "it)",
                     8 + extra);
            if (got != -1 || n != 0 || !strstr(err, want))
                fprintf(stderr, "frame of %zu bytes, length %#x: %s\n", 8 + extra, lengths[k], err);
            EXPECT(got == -1 && n == 0 && strstr(err, want));
        }
    }
}

/* The serializer both sides use. */
static void payloads(void)
{
    struct tbuf b = {0};
    tbuf_u8(&b, 0xab);
    tbuf_u32(&b, 0x01020304);
    tbuf_u64(&b, 0x1122334455667788ull);
    tbuf_str(&b, "disk");
    tbuf_str(&b, NULL);
    tbuf_str(&b, "");
    tbuf_bytes(&b, "xyz", 3);
    EXPECT(!b.failed && b.len == 1 + 4 + 8 + 8 + 4 + 4 + 3);
    EXPECT(b.data[1] == 0x04 && b.data[4] == 0x01); /* little-endian */
    struct tcur c = {.p = b.data, .left = (uint32_t)b.len};
    bool is_null;
    EXPECT(tcur_u8(&c) == 0xab && tcur_u32(&c) == 0x01020304);
    EXPECT(tcur_u64(&c) == 0x1122334455667788ull);
    char *s = tcur_str(&c, &is_null);
    EXPECT(s && !is_null && !strcmp(s, "disk"));
    free(s);
    EXPECT(tcur_str(&c, &is_null) == NULL && is_null);
    s = tcur_str(&c, &is_null);
    EXPECT(s && !is_null && !strcmp(s, ""));
    free(s);
    const uint8_t *p = tcur_bytes(&c, 3);
    EXPECT(p && !memcmp(p, "xyz", 3) && c.left == 0 && !c.short_read);
    /* past the end: zeros, and short_read stays set */
    EXPECT(tcur_u32(&c) == 0 && c.short_read);
    EXPECT(tcur_u8(&c) == 0 && tcur_bytes(&c, 0) == NULL);
    /* a string longer than what is left */
    struct tcur d = {.p = b.data + 13, .left = 6}; /* "disk"'s length, then 2 of its bytes */
    s = tcur_str(&d, &is_null);
    EXPECT(s && !strcmp(s, "") && !is_null && d.short_read);
    free(s);
    tbuf_free(&b);
    EXPECT(b.data == NULL && b.len == 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: unit_recfile DIR\n");
        return 2;
    }
    snprintf(dir_path, sizeof dir_path, "%s", argv[1]);
    round_trip();
    cut_everywhere();
    flipped();
    short_last_frame();
    payloads();
    puts("recfile: ok");
    return 0;
}
