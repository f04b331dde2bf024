/* The checksums recordings hold: a record's CRC-32 (zlib's, the
 * polynomial docs/trace-format.md names) and hash64, whose values are in
 * every recording (a kernel image's hash, checkpoints): a change to either
 * makes every recording unreadable, so their values are pinned here. */
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "sim/util/hash.h"
#include "sim/replay/recfile.h"
#include "tests/unit/unit.h"

/* CRC-32 bit by bit, as the format describes it (reflected, 0xEDB88320). */
static uint32_t crc_reference(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    return ~c;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_crc(void)
{
    EXPECT(crc32(0, (const Bytef *)"123456789", 9) == 0xcbf43926u);
    EXPECT(crc_reference((const uint8_t *)"123456789", 9) == 0xcbf43926u);
}

/* The records recfile writes carry the CRC of type, length and payload,
 * an empty payload included; reading finds a flipped byte. */
static void test_record_crc(const char *dir)
{
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/unit-hash.trc", dir);
    struct recfile_writer w;
    EXPECT(recfile_create(&w, path, err, sizeof err) == 0);
    recfile_write(&w, 7, "123456789", 9);
    recfile_write(&w, 8, NULL, 0);
    EXPECT(recfile_close_writer(&w, err, sizeof err) == 0);

    uint8_t file[64];
    FILE *f = fopen(path, "rb");
    EXPECT(f != NULL);
    size_t n = fread(file, 1, sizeof file, f);
    fclose(f);
    EXPECT(n == 16 + (12 + 9) + 12);
    const uint8_t *rec = file + 16;
    EXPECT(get32(rec) == 7 && get32(rec + 4) == 9);
    EXPECT(get32(rec + 8 + 9) == crc_reference(rec, 8 + 9));
    rec += 12 + 9;
    EXPECT(get32(rec) == 8 && get32(rec + 4) == 0);
    EXPECT(get32(rec + 8) == crc_reference(rec, 8));

    struct recfile_reader r;
    uint32_t type, len;
    const uint8_t *payload;
    EXPECT(recfile_open(&r, path, err, sizeof err) == 0);
    EXPECT(recfile_next(&r, &type, &payload, &len, err, sizeof err) == 1);
    EXPECT(type == 7 && len == 9 && !memcmp(payload, "123456789", 9));
    EXPECT(recfile_next(&r, &type, &payload, &len, err, sizeof err) == 1);
    EXPECT(type == 8 && len == 0);
    EXPECT(recfile_next(&r, &type, &payload, &len, err, sizeof err) == 0);
    recfile_close(&r);

    file[16 + 8 + 4] ^= 1; /* a payload byte */
    f = fopen(path, "wb");
    EXPECT(f != NULL && fwrite(file, 1, n, f) == n);
    fclose(f);
    EXPECT(recfile_open(&r, path, err, sizeof err) == 0);
    EXPECT(recfile_next(&r, &type, &payload, &len, err, sizeof err) == -1);
    EXPECT(strstr(err, "fails its checksum") != NULL);
    recfile_close(&r);
    remove(path);
}

static void test_hash64(void)
{
    uint8_t b[100];
    for (int i = 0; i < 100; i++)
        b[i] = (uint8_t)i;
    EXPECT(hash64("", 0, 0) == 0xb1b6a2946d646c1dull);
    EXPECT(hash64("123456789", 9, 0) == 0x5f0c9a56f9558231ull);
    EXPECT(hash64(b, 100, 7) == 0xd36c5b4c0125fd1full); /* lanes, words and a tail */
    EXPECT(hash64(b + 1, 64, 0) == 0xfcf7a8b15b912744ull);
    EXPECT(hash64(b, 3, hash64(b + 3, 97, 0)) == 0xaf3ee32b2212e057ull); /* chained */
    EXPECT(hash64(b, 100, 7) != hash64(b, 100, 8));
    EXPECT(hash64(b, 99, 7) != hash64(b, 100, 7));
}

int main(int argc, char **argv)
{
    EXPECT(argc == 2);
    test_crc();
    test_record_crc(argv[1]);
    test_hash64();
    return 0;
}
