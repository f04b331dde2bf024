#include "recorder.h"

#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "sim/util/hash.h"
#include "inputs.h"
#include "recfile.h"

#define MAX_DEVICES BUS_MAX_DEVICES

/* A block store the recorded machine opened: what its replay needs, and
 * the image's fingerprint (the DISK record). */
struct recorded_store {
    bool present;
    char *name;
    uint32_t sectors;
    bool readonly;
    uint64_t hash;
};

struct recorder {
    char *path;
    uint64_t interval;
    struct backend_provider host, backends;
    struct recorded_store store[MAX_DEVICES];
    struct machine *m; /* from recorder_start */
    struct ram_hasher hasher;
    struct recfile_writer w;
};

static void write_tbuf(struct recorder *r, uint32_t type, struct tbuf *b)
{
    if (b->failed)
        r->w.failed = true;
    else
        recfile_write(&r->w, type, b->data, (uint32_t)b->len);
    tbuf_free(b);
}

static void record_input(void *arg, unsigned device, uint32_t kind, const void *data, uint32_t len)
{
    struct recorder *r = arg;
    if (!r->m)
        return; /* (the machine takes no input before it runs) */
    struct tbuf b = {0};
    tbuf_u64(&b, machine_now(r->m));
    tbuf_u32(&b, device);
    tbuf_u32(&b, kind);
    tbuf_bytes(&b, data, len);
    write_tbuf(r, REC_INPUT, &b);
    recfile_flush(&r->w); /* a person's input must survive a crash */
}

static struct char_source *rec_char_source(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct recorder *r = arg;
    struct char_source *in = r->host.char_source(r->host.arg, device, err, errlen);
    struct input_report rep = {r, record_input};
    struct char_source *out = in ? record_char_source(in, device, &rep) : NULL;
    if (in && !out)
        snprintf(err, errlen, "out of host memory");
    return out;
}

static struct char_sink *rec_char_sink(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct recorder *r = arg;
    return r->host.char_sink(r->host.arg, device, err, errlen);
}

static struct frame_port *rec_frame_port(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct recorder *r = arg;
    struct frame_port *in = r->host.frame_port(r->host.arg, device, err, errlen);
    struct input_report rep = {r, record_input};
    struct frame_port *out = in ? record_frame_port(in, device, &rep) : NULL;
    if (in && !out)
        snprintf(err, errlen, "out of host memory");
    return out;
}

/* The store's contents before the run, hashed. */
static int hash_store(struct block_store *st, const char *name, uint64_t *hash, char *err,
                      unsigned errlen)
{
    static uint8_t buf[256 * BLOCK_SECTOR_SIZE];
    *hash = 0;
    for (uint32_t s = 0; s < st->sectors; s += 256) {
        uint32_t n = st->sectors - s < 256 ? st->sectors - s : 256;
        if (st->read(st->opaque, s, n, buf) != 0) {
            snprintf(err, errlen, "%s: reading the disk image to record its hash failed", name);
            return -1;
        }
        *hash = hash64(buf, (size_t)n * BLOCK_SECTOR_SIZE, *hash);
    }
    return 0;
}

static struct block_store *rec_block_store(void *arg, unsigned device, const char *name,
                                           uint64_t create_size, bool readonly, char *err,
                                           unsigned errlen)
{
    struct recorder *r = arg;
    struct recorded_store *rs = &r->store[device];
    struct block_store *in =
        r->host.block_store(r->host.arg, device, name, create_size, readonly, err, errlen);
    if (!in)
        return NULL;
    if (hash_store(in, name, &rs->hash, err, errlen) != 0) {
        if (in->close)
            in->close(in->opaque);
        return NULL;
    }
    struct input_report rep = {r, record_input};
    struct block_store *out = record_block_store(in, device, &rep);
    if (!out) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    free(rs->name);
    rs->name = malloc(strlen(name) + 1);
    if (rs->name)
        strcpy(rs->name, name);
    rs->present = true;
    rs->sectors = out->sectors;
    rs->readonly = out->readonly;
    return out;
}

struct recorder *recorder_open(const char *path, uint64_t interval,
                               const struct backend_provider *host)
{
    struct recorder *r = calloc(1, sizeof *r);
    if (!r || !(r->path = malloc(strlen(path) + 1))) {
        free(r);
        return NULL;
    }
    strcpy(r->path, path);
    r->interval = interval ? interval : RECORD_DEFAULT_INTERVAL;
    r->host = *host;
    r->backends = (struct backend_provider){
        .arg = r,
        .char_source = host->char_source ? rec_char_source : NULL,
        .char_sink = host->char_sink ? rec_char_sink : NULL,
        .block_store = host->block_store ? rec_block_store : NULL,
        .frame_port = host->frame_port ? rec_frame_port : NULL,
    };
    return r;
}

const struct backend_provider *recorder_backends(struct recorder *r)
{
    return &r->backends;
}

void recorder_discard(struct recorder *r)
{
    if (!r)
        return;
    for (unsigned i = 0; i < MAX_DEVICES; i++)
        free(r->store[i].name);
    ram_hasher_free(&r->hasher);
    free(r->path);
    free(r);
}

static void record_checkpoint(struct machine *m, void *arg)
{
    struct recorder *r = arg;
    struct checkpoint cp;
    checkpoint_take(m, &r->hasher, &cp);
    struct tbuf b = {0};
    checkpoint_encode(&cp, &b);
    write_tbuf(r, REC_CHECKPOINT, &b);
    /* Whole in the file at once, like inputs: a crash loses no checkpoint.
     * (One write per checkpoint; taking it costs far more.) */
    recfile_flush(&r->w);
    machine_set_alarm(m, (cp.time / r->interval + 1) * r->interval, record_checkpoint, r);
}

/* The machine: its size, and each device with the options it was given
 * and what its backend needs to be rebuilt without the host's. */
static void encode_config(struct recorder *r, struct machine *m, struct tbuf *b)
{
    const struct machine_config *cfg = machine_config(m);
    const struct bus *bus = machine_bus(m);
    tbuf_str(b, SPACE_VERSION);
    tbuf_u32(b, cfg->ram_size);
    tbuf_u64(b, cfg->max_insns);
    tbuf_str(b, cfg->cmdline);
    tbuf_u32(b, cfg->ncpus);
    tbuf_u64(b, r->interval);
    tbuf_u32(b, bus->ndev);
    for (unsigned i = 0; i < bus->ndev; i++) {
        const struct device_kind *kind = bus->dev[i].kind;
        tbuf_str(b, kind->name);
        uint32_t n = 0;
        for (const struct device_option *o = kind->options; o && o->name; o++)
            n += device_config_get(cfg->devices, o->name) != NULL;
        tbuf_u32(b, n);
        for (const struct device_option *o = kind->options; o && o->name; o++) {
            const char *v = device_config_get(cfg->devices, o->name);
            if (v) {
                tbuf_str(b, o->name);
                tbuf_str(b, o->metavar ? v : NULL);
            }
        }
        const struct recorded_store *rs = &r->store[i];
        tbuf_u8(b, rs->present);
        if (rs->present) {
            tbuf_u32(b, rs->sectors);
            tbuf_u8(b, rs->readonly);
        }
    }
    /* Several CPUs: how they interleave (a one-CPU trace has no such
     * fields, and reads as it always did). */
    if (cfg->ncpus > 1) {
        tbuf_u64(b, cfg->quantum);
        tbuf_u8(b, cfg->jitter);
        tbuf_u64(b, cfg->seed);
    }
    /* A node of a multicomputer: which (a lone machine's trace has no
     * such fields). */
    if (cfg->nodes) {
        tbuf_u32(b, cfg->node);
        tbuf_u32(b, cfg->nodes);
    }
}

int recorder_start(struct recorder *r, struct machine *m, const struct record_setup *setup,
                   char *err, unsigned errlen)
{
    if (ram_hasher_init(&r->hasher, m) != 0) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    if (recfile_create(&r->w, r->path, err, errlen) != 0)
        return -1;
    r->m = m;
    struct tbuf b = {0};
    encode_config(r, m, &b);
    write_tbuf(r, REC_CONFIG, &b);
    tbuf_str(&b, setup->image_name);
    tbuf_u64(&b, hash64(setup->image, setup->image_size, 0));
    tbuf_bytes(&b, setup->image, setup->image_size);
    write_tbuf(r, REC_IMAGE, &b);
    for (unsigned i = 0; i < MAX_DEVICES; i++)
        if (r->store[i].present) {
            tbuf_u32(&b, i);
            tbuf_str(&b, r->store[i].name);
            tbuf_u64(&b, (uint64_t)r->store[i].sectors * BLOCK_SECTOR_SIZE);
            tbuf_u64(&b, r->store[i].hash);
            write_tbuf(r, REC_DISK, &b);
        }
    recfile_flush(&r->w);
    machine_set_recording(m, true);
    machine_set_alarm(m, machine_now(m), record_checkpoint, r);
    return 0;
}

int recorder_finish(struct recorder *r, char *err, unsigned errlen)
{
    struct machine *m = r->m;
    /* A debugger or the window may have let go of the machine where it
     * stood: it ends at the next instruction boundary, where a replay can
     * stop too. */
    machine_end_at_boundary(m);
    struct checkpoint cp;
    checkpoint_take(m, &r->hasher, &cp);
    struct tbuf b = {0};
    tbuf_u64(&b, cp.time);
    enum machine_state st = machine_state(m);
    tbuf_u32(&b, (uint32_t)st);
    tbuf_u32(&b, machine_exit_code(m));
    tbuf_str(&b, st == MACHINE_STOPPED ? machine_stop_reason(m) : "");
    checkpoint_encode(&cp, &b);
    write_tbuf(r, REC_END, &b);
    machine_set_recording(m, false);
    machine_set_alarm(m, UINT64_MAX, NULL, r);
    int rc = recfile_close_writer(&r->w, err, errlen);
    recorder_discard(r);
    return rc;
}
