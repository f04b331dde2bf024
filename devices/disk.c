/* disk: a block device backed by a block store (backend.h; --disk FILE
 * names it: an image file, as far as the disk knows).
 *
 * The guest sets SECTOR, COUNT and ADDR (a physical address) and writes a
 * command; the transfer completes after a modelled latency, in virtual
 * time: the data moves by DMA at that moment, STATUS says how it went, and
 * an interrupt follows if enabled. A write reaches the store when it
 * completes (so it survives any way the simulator ends); FLUSH also makes
 * it durable on the host's disk. A read-only store accepts reads; writes
 * fail with ERR_READONLY. Registers: docs/devices.md. */
#include <stdlib.h>

#include "device.h"
#include "sim/util/parse.h"

#define SECTOR_SIZE        SPACE_DISK_SECTOR_SIZE
#define MAX_COUNT          256u  /* sectors per command */
#define LATENCY_BASE       2000u /* instructions per command ... */
#define LATENCY_PER_SECTOR 200u  /* ... plus per sector */
#define LATENCY_FLUSH      20000u

static const struct device_reg disk_registers[] = {
    {SPACE_DISK_SECTORS, "SECTORS", "capacity in sectors of 512 bytes"},
    {SPACE_DISK_SECTOR, "SECTOR", "first sector of the transfer"},
    {SPACE_DISK_COUNT, "COUNT", "sectors to transfer (1..256)"},
    {SPACE_DISK_ADDR, "ADDR", "physical address of the buffer (DMA)"},
    {SPACE_DISK_COMMAND, "COMMAND", "READ (1), WRITE (2), FLUSH (3): a write starts it"},
    {SPACE_DISK_STATUS, "STATUS", "OK (0), BUSY (1) or an error (2..6)"},
    {SPACE_DISK_CONTROL, "CONTROL", "INTERRUPT (1): interrupt when a command completes"},
    {SPACE_DISK_COMPLETED, "COMPLETED", "commands completed"},
    {0, NULL, NULL},
};

static const struct device_option disk_options[] = {
    {"disk", "FILE", "attach a disk backed by the image FILE (a multiple of 512 bytes)"},
    {"disk-size", "SIZE", "create the --disk image with SIZE bytes if it does not exist"},
    {"disk-readonly", NULL, "attach the image read-only (writes fail with a device error)"},
    {0},
};

enum { DONE = 0 };

/* The registers: the disk's whole state (buf only carries one transfer,
 * within its event). */
struct disk_regs {
    uint32_t sector, count, addr, command, status, control, completed;
};

struct disk {
    struct block_store *store;
    struct disk_regs r;
    uint8_t buf[MAX_COUNT * SECTOR_SIZE];
};

/* --disk-size, if given and valid (else 0). */
static bool create_size(const struct device_config *c, uint64_t *size)
{
    const char *s = device_config_get(c, "disk-size");
    uint32_t n = 0;
    bool ok = !s || (parse_size(s, &n) == 0 && n && n % SECTOR_SIZE == 0);
    *size = ok ? n : 0;
    return ok;
}

static int disk_check(const struct device_config *c, char *err, unsigned errlen)
{
    uint64_t size;
    bool readonly = device_config_get(c, "disk-readonly") != NULL;
    if (!create_size(c, &size))
        snprintf(err, errlen,
                 "--disk-size needs a size that is a multiple of 512, such as 16M, not '%s'",
                 device_config_get(c, "disk-size"));
    else if ((size || readonly) && !device_config_get(c, "disk"))
        snprintf(err, errlen, "--disk-size and --disk-readonly need --disk FILE");
    else if (size && readonly)
        snprintf(err, errlen, "--disk-size cannot create an image attached --disk-readonly");
    else
        return 0;
    return -1;
}

static unsigned disk_units(const struct device_config *c, unsigned ncpus)
{
    (void)ncpus;
    return device_config_get(c, "disk") ? 1 : 0;
}

static int disk_create(struct device *d, const struct device_config *c,
                       const struct device_backends *b, char *err, unsigned errlen)
{
    if (disk_check(c, err, errlen) != 0)
        return -1;
    uint64_t size;
    create_size(c, &size);
    struct disk *k = calloc(1, sizeof *k);
    if (!k) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    k->store = b->block_store(b->opaque, device_config_get(c, "disk"), size,
                              device_config_get(c, "disk-readonly") != NULL, err, errlen);
    if (!k->store) {
        free(k);
        return -1;
    }
    d->state = k;
    return 0;
}

static void disk_destroy(struct device *d)
{
    free(d->state);
}

static uint32_t disk_read(struct device *d, uint32_t reg)
{
    struct disk *k = d->state;
    switch (reg) {
    case SPACE_DISK_SECTORS: return k->store->sectors;
    case SPACE_DISK_SECTOR: return k->r.sector;
    case SPACE_DISK_COUNT: return k->r.count;
    case SPACE_DISK_ADDR: return k->r.addr;
    case SPACE_DISK_COMMAND: return k->r.command;
    case SPACE_DISK_STATUS: return k->r.status;
    case SPACE_DISK_CONTROL: return k->r.control;
    case SPACE_DISK_COMPLETED: return k->r.completed;
    default: return 0;
    }
}

static void start(struct device *d, struct disk *k, uint32_t command)
{
    k->r.command = command;
    uint64_t latency;
    switch (command) {
    case SPACE_DISK_READ:
    case SPACE_DISK_WRITE:
        /* (an out-of-range COUNT fails at completion, after the base latency) */
        latency = LATENCY_BASE +
                  (uint64_t)LATENCY_PER_SECTOR * (k->r.count <= MAX_COUNT ? k->r.count : 0);
        break;
    case SPACE_DISK_FLUSH: latency = LATENCY_FLUSH; break;
    default: latency = 1; break;
    }
    k->r.status = SPACE_DISK_BUSY;
    device_schedule(d, latency, DONE);
}

static void disk_write(struct device *d, uint32_t reg, uint32_t value)
{
    struct disk *k = d->state;
    if (k->r.status == SPACE_DISK_BUSY && reg != SPACE_DISK_CONTROL)
        return; /* registers are frozen while a command runs */
    switch (reg) {
    case SPACE_DISK_SECTOR: k->r.sector = value; break;
    case SPACE_DISK_COUNT: k->r.count = value; break;
    case SPACE_DISK_ADDR: k->r.addr = value; break;
    case SPACE_DISK_COMMAND: start(d, k, value); break;
    case SPACE_DISK_CONTROL: k->r.control = value & SPACE_DISK_INTERRUPT; break;
    default: break;
    }
}

static uint32_t transfer(struct device *d, struct disk *k)
{
    struct block_store *st = k->store;
    if (k->r.command == SPACE_DISK_FLUSH)
        return st->sync(st->opaque) == 0 || st->readonly ? SPACE_DISK_OK : SPACE_DISK_ERR_IO;
    if (k->r.command != SPACE_DISK_READ && k->r.command != SPACE_DISK_WRITE)
        return SPACE_DISK_ERR_COMMAND;
    if (k->r.count == 0 || k->r.count > MAX_COUNT || k->r.sector >= st->sectors ||
        k->r.count > st->sectors - k->r.sector)
        return SPACE_DISK_ERR_RANGE;
    uint32_t bytes = k->r.count * SECTOR_SIZE;
    if (k->r.command == SPACE_DISK_READ) {
        if (st->read(st->opaque, k->r.sector, k->r.count, k->buf) != 0)
            return SPACE_DISK_ERR_IO;
        return device_dma_write(d, k->r.addr, k->buf, bytes) == 0 ? SPACE_DISK_OK
                                                                  : SPACE_DISK_ERR_DMA;
    }
    if (st->readonly)
        return SPACE_DISK_ERR_READONLY;
    if (device_dma_read(d, k->r.addr, k->buf, bytes) != 0)
        return SPACE_DISK_ERR_DMA;
    return st->write(st->opaque, k->r.sector, k->r.count, k->buf) == 0 ? SPACE_DISK_OK
                                                                       : SPACE_DISK_ERR_IO;
}

static void disk_event(struct device *d, uint32_t tag)
{
    struct disk *k = d->state;
    (void)tag;
    k->r.status = transfer(d, k);
    k->r.completed++;
    if (k->r.control & SPACE_DISK_INTERRUPT)
        device_interrupt(d);
}

static void disk_shutdown(struct device *d)
{
    struct disk *k = d->state;
    if (!k->store->readonly)
        k->store->sync(k->store->opaque);
}

static size_t disk_save(struct device *d, void *buf, size_t cap)
{
    struct disk *k = d->state;
    return device_save_plain(&k->r, sizeof k->r, buf, cap);
}

static int disk_load(struct device *d, const void *buf, size_t len)
{
    struct disk *k = d->state;
    return device_load_plain(&k->r, sizeof k->r, buf, len);
}

const struct device_kind disk_device = {
    .name = "disk",
    .type = SPACE_DEVICE_DISK,
    .registers = disk_registers,
    .options = disk_options,
    .check = disk_check,
    .units = disk_units,
    .create = disk_create,
    .destroy = disk_destroy,
    .read = disk_read,
    .write = disk_write,
    .event = disk_event,
    .shutdown = disk_shutdown,
    .save = disk_save,
    .load = disk_load,
};
