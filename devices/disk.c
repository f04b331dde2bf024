/* disk: a block device backed by an image file (--disk FILE).
 *
 * The guest sets SECTOR, COUNT and ADDR (a physical address) and writes a
 * command; the transfer completes after a modelled latency, in virtual
 * time: the data moves by DMA at that moment, STATUS says how it went, and
 * an interrupt follows if enabled. A write reaches the image file when it
 * completes (so it survives any way the simulator ends); FLUSH also makes
 * it durable on the host's disk. A read-only image accepts reads; writes
 * fail with STATUS_ERR_READONLY. Registers: docs/devices.md.
 *
 * The image is input from outside: a recording keeps each sector the run
 * read before writing it, and a replay runs from those alone, never
 * touching an image file. */
#include <stdlib.h>
#include <string.h>

#include "sim/host/platform.h"
#include "device.h"

#define SECTOR_SIZE        512u
#define MAX_COUNT          256u  /* sectors per command */
#define LATENCY_BASE       2000u /* instructions per command ... */
#define LATENCY_PER_SECTOR 200u  /* ... plus per sector */
#define LATENCY_FLUSH      20000u

enum {
    DISK_SECTORS = 0x00,
    DISK_SECTOR = 0x04,
    DISK_COUNT = 0x08,
    DISK_ADDR = 0x0c,
    DISK_COMMAND = 0x10,
    DISK_STATUS = 0x14,
    DISK_CONTROL = 0x18,
    DISK_COMPLETED = 0x1c,
};
enum { CMD_READ = 1, CMD_WRITE = 2, CMD_FLUSH = 3 };
enum {
    STATUS_OK = 0,
    STATUS_BUSY = 1,
    STATUS_ERR_RANGE = 2,
    STATUS_ERR_DMA = 3,
    STATUS_ERR_READONLY = 4,
    STATUS_ERR_IO = 5,
    STATUS_ERR_COMMAND = 6,
};
enum { CONTROL_INTERRUPT = 1 };
enum { DONE = 0 };

/* Recorded inputs (docs/trace-format.md): the contents of a sector the run
 * read from the image before writing it - all a replay needs of the image. */
enum { DISK_INPUT_SECTOR = 1 };
#define SECTOR_RECORD (4 + SECTOR_SIZE) /* little-endian sector number, data */

/* Sectors the run has seen (read or written), a bit each; and in a replay,
 * their contents, in chunks allocated on first use. */
#define CHUNK_SECTORS 256u
struct sector_store {
    uint8_t *known;
    uint8_t **chunk;
};

struct disk {
    struct platform_file *file; /* NULL in a replay */
    bool readonly;
    uint32_t sectors;
    struct sector_store seen;
    uint32_t sector, count, addr, command, status, control, completed;
    uint8_t buf[MAX_COUNT * SECTOR_SIZE];
};

static unsigned disk_units(const struct device_options *opt)
{
    return (opt->replaying ? opt->disk_replay_sectors != 0 : opt->disk_path != NULL) ? 1 : 0;
}

static bool store_init(struct sector_store *st, uint32_t sectors, bool contents)
{
    st->known = calloc(sectors / 8 + 1, 1);
    st->chunk = contents ? calloc(sectors / CHUNK_SECTORS + 1, sizeof *st->chunk) : NULL;
    return st->known && (!contents || st->chunk);
}

static void store_free(struct sector_store *st, uint32_t sectors)
{
    if (st->chunk)
        for (uint32_t i = 0; i <= sectors / CHUNK_SECTORS; i++)
            free(st->chunk[i]);
    free(st->chunk);
    free(st->known);
}

static bool store_known(const struct sector_store *st, uint32_t s)
{
    return st->known[s / 8] & (1u << (s % 8));
}

static void store_mark(struct sector_store *st, uint32_t s)
{
    st->known[s / 8] |= (uint8_t)(1u << (s % 8));
}

/* Where a replay keeps sector s (NULL: out of host memory). */
static uint8_t *store_sector(struct sector_store *st, uint32_t s)
{
    uint8_t **c = &st->chunk[s / CHUNK_SECTORS];
    if (!*c && !(*c = calloc(CHUNK_SECTORS, SECTOR_SIZE)))
        return NULL;
    return *c + (size_t)(s % CHUNK_SECTORS) * SECTOR_SIZE;
}

/* In a replay there is no image: only sectors the recording read. */
static int disk_create_replay(struct device *d, const struct device_options *opt, char *err,
                              unsigned errlen)
{
    struct disk *k = calloc(1, sizeof *k);
    if (!k || !store_init(&k->seen, opt->disk_replay_sectors, true)) {
        if (k)
            store_free(&k->seen, opt->disk_replay_sectors);
        free(k);
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    k->sectors = opt->disk_replay_sectors;
    k->readonly = opt->disk_readonly;
    d->state = k;
    return 0;
}

static int disk_create(struct device *d, const struct device_options *opt, char *err,
                       unsigned errlen)
{
    if (opt->replaying)
        return disk_create_replay(d, opt, err, errlen);
    if (opt->disk_create_size % SECTOR_SIZE) {
        snprintf(err, errlen, "--disk-size must be a multiple of %u bytes", SECTOR_SIZE);
        return -1;
    }
    struct disk *k = calloc(1, sizeof *k);
    if (!k) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    k->readonly = opt->disk_readonly;
    k->file = platform_file_open(opt->disk_path, opt->disk_create_size, &k->readonly, err, errlen);
    if (!k->file) {
        free(k);
        return -1;
    }
    uint64_t size = platform_file_size(k->file);
    if (size == 0 || size % SECTOR_SIZE || size / SECTOR_SIZE > UINT32_MAX) {
        snprintf(err, errlen,
                 "%s: a disk image must be a non-empty multiple of %u bytes (this one has %llu)",
                 opt->disk_path, SECTOR_SIZE, (unsigned long long)size);
        platform_file_close(k->file);
        free(k);
        return -1;
    }
    k->sectors = (uint32_t)(size / SECTOR_SIZE);
    if (!store_init(&k->seen, k->sectors, false)) {
        snprintf(err, errlen, "out of host memory");
        platform_file_close(k->file);
        store_free(&k->seen, 0);
        free(k);
        return -1;
    }
    d->state = k;
    return 0;
}

static void disk_destroy(struct device *d)
{
    struct disk *k = d->state;
    if (!k)
        return;
    if (k->file)
        platform_file_close(k->file);
    store_free(&k->seen, k->sectors);
    free(k);
}

static uint32_t disk_read(struct device *d, uint32_t reg)
{
    struct disk *k = d->state;
    switch (reg) {
    case DISK_SECTORS: return k->sectors;
    case DISK_SECTOR: return k->sector;
    case DISK_COUNT: return k->count;
    case DISK_ADDR: return k->addr;
    case DISK_COMMAND: return k->command;
    case DISK_STATUS: return k->status;
    case DISK_CONTROL: return k->control;
    case DISK_COMPLETED: return k->completed;
    default: return 0;
    }
}

static void start(struct device *d, struct disk *k, uint32_t command)
{
    k->command = command;
    uint64_t latency;
    switch (command) {
    case CMD_READ:
    case CMD_WRITE:
        /* (an out-of-range COUNT fails at completion, after the base latency) */
        latency =
            LATENCY_BASE + (uint64_t)LATENCY_PER_SECTOR * (k->count <= MAX_COUNT ? k->count : 0);
        break;
    case CMD_FLUSH: latency = LATENCY_FLUSH; break;
    default: latency = 1; break;
    }
    k->status = STATUS_BUSY;
    device_schedule(d, latency, DONE);
}

static void disk_write(struct device *d, uint32_t reg, uint32_t value)
{
    struct disk *k = d->state;
    if (k->status == STATUS_BUSY && reg != DISK_CONTROL)
        return; /* registers are frozen while a command runs */
    switch (reg) {
    case DISK_SECTOR: k->sector = value; break;
    case DISK_COUNT: k->count = value; break;
    case DISK_ADDR: k->addr = value; break;
    case DISK_COMMAND: start(d, k, value); break;
    case DISK_CONTROL: k->control = value & CONTROL_INTERRUPT; break;
    default: break;
    }
}

/* A replay's sector: written by the guest, or given by the recording. */
static int replay_sector(struct device *d, struct disk *k, uint32_t s, uint8_t *dst)
{
    uint8_t *mine = store_sector(&k->seen, s);
    if (!mine)
        return -1;
    if (!store_known(&k->seen, s)) {
        uint32_t kind, len;
        const uint8_t *rec;
        if (!device_input_replay(d, &kind, (const void **)&rec, &len) ||
            kind != DISK_INPUT_SECTOR || len != SECTOR_RECORD ||
            (uint32_t)(rec[0] | rec[1] << 8 | rec[2] << 16 | (uint32_t)rec[3] << 24) != s) {
            char what[96];
            snprintf(what, sizeof what, "read sector %u, which the recording did not read then", s);
            device_input_diverged(d, what);
            return -1;
        }
        memcpy(mine, rec + 4, SECTOR_SIZE);
        store_mark(&k->seen, s);
    }
    memcpy(dst, mine, SECTOR_SIZE);
    return 0;
}

/* Reads [off, off+bytes) into k->buf. The first read of a sector the run
 * has not written is input from outside: it is reported for a recording. */
static int read_sectors(struct device *d, struct disk *k, uint64_t off, uint32_t bytes)
{
    uint32_t first = (uint32_t)(off / SECTOR_SIZE);
    if (!k->file) {
        for (uint32_t i = 0; i < bytes / SECTOR_SIZE; i++)
            if (replay_sector(d, k, first + i, k->buf + i * SECTOR_SIZE) != 0)
                return -1;
        return 0;
    }
    if (platform_file_read_at(k->file, off, k->buf, bytes) != 0)
        return -1;
    for (uint32_t i = 0; i < bytes / SECTOR_SIZE; i++) {
        uint32_t s = first + i;
        if (store_known(&k->seen, s))
            continue;
        uint8_t rec[SECTOR_RECORD] = {(uint8_t)s, (uint8_t)(s >> 8), (uint8_t)(s >> 16),
                                      (uint8_t)(s >> 24)};
        memcpy(rec + 4, k->buf + i * SECTOR_SIZE, SECTOR_SIZE);
        device_input_taken(d, DISK_INPUT_SECTOR, rec, sizeof rec);
        store_mark(&k->seen, s);
    }
    return 0;
}

static int write_sectors(struct disk *k, uint64_t off, uint32_t bytes)
{
    uint32_t first = (uint32_t)(off / SECTOR_SIZE);
    for (uint32_t i = 0; i < bytes / SECTOR_SIZE; i++) {
        uint32_t s = first + i;
        if (!k->file) {
            uint8_t *mine = store_sector(&k->seen, s);
            if (!mine)
                return -1;
            memcpy(mine, k->buf + i * SECTOR_SIZE, SECTOR_SIZE);
        }
        store_mark(&k->seen, s);
    }
    return k->file ? platform_file_write_at(k->file, off, k->buf, bytes) : 0;
}

static uint32_t transfer(struct device *d, struct disk *k)
{
    if (k->command == CMD_FLUSH)
        return !k->file || platform_file_sync(k->file) == 0 || k->readonly ? STATUS_OK
                                                                           : STATUS_ERR_IO;
    if (k->command != CMD_READ && k->command != CMD_WRITE)
        return STATUS_ERR_COMMAND;
    if (k->count == 0 || k->count > MAX_COUNT || k->sector >= k->sectors ||
        k->count > k->sectors - k->sector)
        return STATUS_ERR_RANGE;
    uint32_t bytes = k->count * SECTOR_SIZE;
    uint64_t off = (uint64_t)k->sector * SECTOR_SIZE;
    if (k->command == CMD_READ) {
        if (read_sectors(d, k, off, bytes) != 0)
            return STATUS_ERR_IO;
        return device_dma_write(d, k->addr, k->buf, bytes) == 0 ? STATUS_OK : STATUS_ERR_DMA;
    }
    if (k->readonly)
        return STATUS_ERR_READONLY;
    if (device_dma_read(d, k->addr, k->buf, bytes) != 0)
        return STATUS_ERR_DMA;
    return write_sectors(k, off, bytes) == 0 ? STATUS_OK : STATUS_ERR_IO;
}

static void disk_event(struct device *d, uint32_t tag)
{
    struct disk *k = d->state;
    (void)tag;
    k->status = transfer(d, k);
    k->completed++;
    if (k->control & CONTROL_INTERRUPT)
        device_interrupt(d);
}

static void disk_shutdown(struct device *d)
{
    struct disk *k = d->state;
    if (k->file && !k->readonly)
        platform_file_sync(k->file);
}

const struct device_kind disk_device = {
    .name = "disk",
    .type = DEVICE_DISK,
    .units = disk_units,
    .create = disk_create,
    .destroy = disk_destroy,
    .read = disk_read,
    .write = disk_write,
    .event = disk_event,
    .shutdown = disk_shutdown,
};
