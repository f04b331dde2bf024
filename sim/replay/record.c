#include "record.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "hash.h"
#include "inputs.h"
#include "sim/core/loader.h"
#include "sim/host/stdio_console.h"
#include "recfile.h"

/* Record types (docs/trace-format.md). */
enum {
    REC_CONFIG = 1,     /* how the machine was built */
    REC_IMAGE = 2,      /* the kernel image */
    REC_DISK = 3,       /* a disk image's size and hash */
    REC_INPUT = 4,      /* one input from outside, at a virtual time */
    REC_CHECKPOINT = 5, /* the machine's state at a virtual time */
    REC_END = 6,        /* how the run ended, and its final checkpoint */
};

#define MAX_DEVICES BUS_MAX_DEVICES

static const char *state_name(uint32_t state)
{
    static const char *const names[] = {[MACHINE_RUNNING] = "running",
                                        [MACHINE_HALTED] = "halted",
                                        [MACHINE_STOPPED] = "machine stop",
                                        [MACHINE_LIMIT] = "instruction limit",
                                        [MACHINE_INTERRUPTED] = "interrupted"};
    return state < sizeof names / sizeof names[0] ? names[state] : "unknown";
}

/* ---- Recording ---- */

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
    tbuf_u64(&b, cpu_time(r->m->cpu));
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
    m->alarm.at = (cp.time / r->interval + 1) * r->interval;
}

/* The machine: its size, and each device with the options it was given
 * and what its backend needs to be rebuilt without the host's. */
static void encode_config(struct recorder *r, struct machine *m, struct tbuf *b)
{
    tbuf_str(b, SPACE_VERSION);
    tbuf_u32(b, m->cfg.ram_size);
    tbuf_u64(b, m->cfg.max_insns);
    tbuf_str(b, m->cfg.cmdline);
    tbuf_u32(b, m->cfg.ncpus);
    tbuf_u64(b, r->interval);
    tbuf_u32(b, m->bus.ndev);
    for (unsigned i = 0; i < m->bus.ndev; i++) {
        const struct device_kind *kind = m->bus.dev[i].kind;
        tbuf_str(b, kind->name);
        uint32_t n = 0;
        for (const struct device_option *o = kind->options; o && o->name; o++)
            n += device_config_get(m->cfg.devices, o->name) != NULL;
        tbuf_u32(b, n);
        for (const struct device_option *o = kind->options; o && o->name; o++) {
            const char *v = device_config_get(m->cfg.devices, o->name);
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
    m->recording = true;
    m->alarm = (struct machine_alarm){.at = cpu_time(m->cpu), .fn = record_checkpoint, .arg = r};
    return 0;
}

int recorder_finish(struct recorder *r, char *err, unsigned errlen)
{
    struct machine *m = r->m;
    if (m->state == MACHINE_RUNNING || (m->state == MACHINE_INTERRUPTED && !m->interrupt_clean)) {
        /* A debugger or the window let go of a machine where it stood,
         * maybe after a device had its look at this time: end it at the
         * first look at the next instruction boundary, where a replay can
         * stop too (see machine_interrupt). */
        m->state = MACHINE_RUNNING;
        m->interrupt_at = 0;
        cpu_set_breakpoints(m->cpu, NULL, 0);
        cpu_set_watches(m->cpu, NULL, 0);
        m->observer = (struct machine_observer){0};
        machine_interrupt(m);
        while (m->state == MACHINE_RUNNING)
            machine_run_until(m, UINT64_MAX);
    }
    struct checkpoint cp;
    checkpoint_take(m, &r->hasher, &cp);
    struct tbuf b = {0};
    tbuf_u64(&b, cp.time);
    tbuf_u32(&b, (uint32_t)m->state);
    tbuf_u32(&b, m->exit_code);
    tbuf_str(&b, m->state == MACHINE_STOPPED ? m->reason : "");
    checkpoint_encode(&cp, &b);
    write_tbuf(r, REC_END, &b);
    m->recording = false;
    m->alarm = (struct machine_alarm){.at = UINT64_MAX};
    int rc = recfile_close_writer(&r->w, err, errlen);
    recorder_discard(r);
    return rc;
}

/* ---- Replaying ---- */

struct recorded_input {
    uint64_t time;
    uint32_t device, kind, len;
    const uint8_t *data;
};

struct replay {
    struct recfile_reader tr;
    struct machine *m;
    struct ram_hasher hasher;
    char note[256];
    /* from the trace */
    char *image_name;
    const uint8_t *image;
    size_t image_size;
    uint8_t *own_image; /* a --kernel replacement */
    struct recorded_input *in;
    unsigned nin;
    unsigned next_in[MAX_DEVICES]; /* each device's next input */
    struct checkpoint *cp;
    unsigned ncp, next_cp;
    bool ended; /* the END record */
    uint64_t end_time;
    uint32_t end_state, end_code;
    char *end_reason;
    struct checkpoint end_cp;
    char *cmdline;
    struct device_config *devices;
    struct {
        bool present;
        uint32_t sectors;
        bool readonly;
    } store[MAX_DEVICES]; /* each device's block store */
    FILE *console_output;
    /* what the replay found */
    bool diverged;
    char report[1024];
};

static void diverge(struct replay *rp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diverge(struct replay *rp, const char *fmt, ...)
{
    if (rp->diverged)
        return;
    rp->diverged = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rp->report, sizeof rp->report, fmt, ap);
    va_end(ap);
    machine_stop(rp->m, "replay diverged: %s", rp->report);
}

/* The next recorded input of `device` at or after index i. */
static unsigned input_from(const struct replay *rp, unsigned device, unsigned i)
{
    while (i < rp->nin && rp->in[i].device != device)
        i++;
    return i;
}

static const char *device_label(const struct replay *rp, unsigned device, char *buf, unsigned len)
{
    if (device < rp->m->bus.ndev)
        snprintf(buf, len, "%s%u", rp->m->bus.dev[device].kind->name, rp->m->bus.dev[device].unit);
    else
        snprintf(buf, len, "device %u", device);
    return buf;
}

static bool replay_input(void *arg, unsigned device, uint32_t *kind, const void **data,
                         uint32_t *len)
{
    struct replay *rp = arg;
    if (device >= MAX_DEVICES)
        return false;
    unsigned i = rp->next_in[device];
    if (i >= rp->nin)
        return false;
    uint64_t now = cpu_time(rp->m->cpu);
    const struct recorded_input *in = &rp->in[i];
    if (in->time > now)
        return false;
    if (in->time < now) {
        char label[48];
        diverge(rp, "%s took a recorded input of virtual time %llu only at %llu",
                device_label(rp, device, label, sizeof label), (unsigned long long)in->time,
                (unsigned long long)now);
        return false;
    }
    *kind = in->kind;
    *data = in->data;
    *len = in->len;
    rp->next_in[device] = input_from(rp, device, i + 1);
    return true;
}

static void replay_diverged(void *arg, unsigned device, const char *what)
{
    struct replay *rp = arg;
    char label[48];
    diverge(rp, "%s %s (virtual time %llu)", device_label(rp, device, label, sizeof label), what,
            (unsigned long long)cpu_time(rp->m->cpu));
}

/* ---- The replayed machine's backends: the recording's ---- */

static struct char_source *rep_char_source(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct input_feed feed = {arg, replay_input, replay_diverged};
    struct char_source *s = replay_char_source(device, &feed);
    if (!s)
        snprintf(err, errlen, "out of host memory");
    return s;
}

static struct char_sink *rep_char_sink(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct replay *rp = arg;
    (void)device;
    struct char_sink *s = stdio_sink_open(rp->console_output, NULL);
    if (!s)
        snprintf(err, errlen, "out of host memory");
    return s;
}

static struct block_store *rep_block_store(void *arg, unsigned device, const char *name,
                                           uint64_t create_size, bool readonly, char *err,
                                           unsigned errlen)
{
    struct replay *rp = arg;
    struct input_feed feed = {arg, replay_input, replay_diverged};
    (void)name; /* (no image: the recording has what the run read) */
    (void)create_size;
    (void)readonly;
    if (device >= MAX_DEVICES || !rp->store[device].present) {
        snprintf(err, errlen, "%s: the recording has no block store for device %u", rp->tr.path,
                 device);
        return NULL;
    }
    struct block_store *s =
        replay_block_store(device, rp->store[device].sectors, rp->store[device].readonly, &feed);
    if (!s)
        snprintf(err, errlen, "out of host memory");
    return s;
}

/* Inputs the recording took before `now` that the replay has not. */
static void check_missed_inputs(struct replay *rp, uint64_t now)
{
    for (unsigned d = 0; d < MAX_DEVICES; d++) {
        unsigned i = rp->next_in[d];
        if (i < rp->nin && rp->in[i].time < now) {
            char label[48];
            diverge(rp,
                    "the recording gave %s an input at virtual time %llu that the replay "
                    "never asked for",
                    device_label(rp, d, label, sizeof label), (unsigned long long)rp->in[i].time);
            return;
        }
    }
}

static void compare(struct replay *rp, const struct checkpoint *want, const char *which)
{
    struct checkpoint now;
    checkpoint_take(rp->m, &rp->hasher, &now);
    char diff[768];
    if (checkpoint_diff(want, &now, rp->m->pm.ram_size, diff, sizeof diff))
        diverge(rp, "%s (virtual time %llu): %s", which, (unsigned long long)want->time, diff);
}

static void replay_alarm(struct machine *m, void *arg)
{
    struct replay *rp = arg;
    uint64_t now = cpu_time(m->cpu);
    check_missed_inputs(rp, now);
    while (!rp->diverged && rp->next_cp < rp->ncp && rp->cp[rp->next_cp].time <= now) {
        char which[48];
        snprintf(which, sizeof which, "checkpoint %u of %u", rp->next_cp + 1, rp->ncp);
        compare(rp, &rp->cp[rp->next_cp], which);
        rp->next_cp++;
    }
    if (rp->diverged)
        return;
    if (now >= rp->end_time) {
        if (rp->end_state == MACHINE_INTERRUPTED) {
            m->state = MACHINE_INTERRUPTED; /* where the recorded run was stopped */
        } else if (rp->end_state != MACHINE_LIMIT && now > rp->end_time) {
            diverge(rp, "the recorded run ended at virtual time %llu (%s); the replay runs on",
                    (unsigned long long)rp->end_time, state_name(rp->end_state));
        }
    }
    uint64_t at = rp->next_cp < rp->ncp ? rp->cp[rp->next_cp].time : UINT64_MAX;
    uint64_t end = rp->end_state == MACHINE_INTERRUPTED ? rp->end_time : rp->end_time + 1;
    if (end > now && end < at)
        at = end;
    m->alarm.at = at;
}

/* A device of the CONFIG record: its options, and its backend. */
static int load_device(struct replay *rp, uint32_t i, struct tcur *c, char *err, unsigned errlen)
{
    uint32_t n = tcur_u32(c);
    for (uint32_t k = 0; k < n && !c->short_read; k++) {
        bool null;
        char *name = tcur_str(c, &null);
        char *value = tcur_str(c, &null);
        char why[200];
        int rc = name ? device_config_set(rp->devices, name, value, why, sizeof why) : 0;
        free(name);
        free(value);
        if (rc != 0) {
            snprintf(err, errlen, "%s: the recorded machine cannot be built here: %s", rp->tr.path,
                     why);
            return -1;
        }
    }
    rp->store[i].present = tcur_u8(c);
    if (rp->store[i].present) {
        rp->store[i].sectors = tcur_u32(c);
        rp->store[i].readonly = tcur_u8(c);
    }
    return 0;
}

/* Reads every record; fills rp's tables. */
static int load(struct replay *rp, struct machine_config *cfg, char *dev_names[MAX_DEVICES],
                uint32_t *ndev, char *err, unsigned errlen)
{
    uint32_t type, len;
    const uint8_t *p;
    int got;
    bool have_config = false;
    unsigned cap_in = 0, cap_cp = 0;
    while ((got = recfile_next(&rp->tr, &type, &p, &len, err, errlen)) == 1) {
        struct tcur c = {p, len, false};
        bool null;
        if (rp->ended) {
            snprintf(err, errlen, "%s: corrupt: record %u follows the end record", rp->tr.path,
                     rp->tr.record);
            return -1;
        }
        switch (type) {
        case REC_CONFIG: {
            free(tcur_str(&c, &null)); /* the recording space's version */
            cfg->ram_size = tcur_u32(&c);
            cfg->max_insns = tcur_u64(&c);
            free(rp->cmdline);
            rp->cmdline = tcur_str(&c, &null);
            cfg->cmdline = rp->cmdline;
            cfg->ncpus = tcur_u32(&c);
            tcur_u64(&c); /* the interval: the checkpoints carry their times */
            *ndev = tcur_u32(&c);
            for (uint32_t i = 0; i < *ndev && i < MAX_DEVICES && !c.short_read; i++) {
                dev_names[i] = tcur_str(&c, &null);
                if (load_device(rp, i, &c, err, errlen) != 0)
                    return -1;
            }
            have_config = *ndev <= MAX_DEVICES;
            break;
        }
        case REC_IMAGE:
            rp->image_name = tcur_str(&c, &null);
            tcur_u64(&c);
            rp->image_size = c.left;
            rp->image = tcur_bytes(&c, c.left);
            break;
        case REC_DISK:    /* (the sectors the run read are among its inputs) */
            tcur_u32(&c); /* device */
            free(tcur_str(&c, &null));
            tcur_u64(&c); /* size */
            tcur_u64(&c); /* hash */
            break;
        case REC_INPUT: {
            if (rp->nin == cap_in) {
                cap_in = cap_in ? cap_in * 2 : 64;
                void *n = realloc(rp->in, cap_in * sizeof *rp->in);
                if (!n) {
                    snprintf(err, errlen, "out of host memory");
                    return -1;
                }
                rp->in = n;
            }
            struct recorded_input *in = &rp->in[rp->nin];
            in->time = tcur_u64(&c);
            in->device = tcur_u32(&c);
            in->kind = tcur_u32(&c);
            in->len = c.left;
            in->data = tcur_bytes(&c, c.left);
            if (rp->nin && in->time < rp->in[rp->nin - 1].time)
                c.short_read = true; /* inputs are in time order */
            rp->nin++;
            break;
        }
        case REC_CHECKPOINT:
            if (rp->ncp == cap_cp) {
                cap_cp = cap_cp ? cap_cp * 2 : 64;
                void *n = realloc(rp->cp, cap_cp * sizeof *rp->cp);
                if (!n) {
                    snprintf(err, errlen, "out of host memory");
                    return -1;
                }
                rp->cp = n;
            }
            if (checkpoint_decode(p, len, &rp->cp[rp->ncp]) != 0)
                c.short_read = true;
            rp->ncp++;
            break;
        case REC_END:
            rp->end_time = tcur_u64(&c);
            rp->end_state = tcur_u32(&c);
            rp->end_code = tcur_u32(&c);
            rp->end_reason = tcur_str(&c, &null);
            if (!c.short_read && checkpoint_decode(c.p, c.left, &rp->end_cp) != 0)
                c.short_read = true;
            c.left = 0;
            rp->ended = true;
            break;
        default:
            snprintf(err, errlen, "%s: corrupt: record %u has unknown type %u", rp->tr.path,
                     rp->tr.record, type);
            return -1;
        }
        if (c.short_read || (type != REC_END && type != REC_CHECKPOINT && c.left)) {
            snprintf(err, errlen, "%s: corrupt: record %u (type %u) is malformed", rp->tr.path,
                     rp->tr.record, type);
            return -1;
        }
    }
    if (got < 0)
        return -1;
    if (!have_config || !rp->image) {
        snprintf(err, errlen, "%s: corrupt: the trace has no %s record", rp->tr.path,
                 have_config ? "kernel image" : "configuration");
        return -1;
    }
    if (!rp->ended) {
        snprintf(err, errlen,
                 "%s: truncated: the trace has no end record (the recording was cut short "
                 "after %u records)",
                 rp->tr.path, rp->tr.record);
        return -1;
    }
    return 0;
}

struct replay *replay_open(const char *path, const struct replay_options *opt, char *err,
                           unsigned errlen)
{
    struct replay *rp = calloc(1, sizeof *rp);
    if (!rp) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    struct machine_config cfg = {0};
    char *dev_names[MAX_DEVICES] = {0};
    uint32_t ndev = 0;
    rp->console_output = opt->console_output ? opt->console_output : stdout;
    if (!(rp->devices = device_config_new())) {
        snprintf(err, errlen, "out of host memory");
        free(rp);
        return NULL;
    }
    if (recfile_open(&rp->tr, path, err, errlen) != 0) {
        device_config_free(rp->devices);
        free(rp);
        return NULL;
    }
    int ok = load(rp, &cfg, dev_names, &ndev, err, errlen) == 0;
    if (ok && opt->kernel_path) {
        size_t size;
        ok = loader_read_file(opt->kernel_path, "kernel", &rp->own_image, &size, err, errlen) == 0;
        if (ok && (size != rp->image_size || memcmp(rp->own_image, rp->image, size) != 0))
            snprintf(rp->note, sizeof rp->note,
                     "%s differs from the recorded kernel image '%s' (hash %016llx, recorded "
                     "%016llx)",
                     opt->kernel_path, rp->image_name ? rp->image_name : "",
                     (unsigned long long)hash64(rp->own_image, size, 0),
                     (unsigned long long)hash64(rp->image, rp->image_size, 0));
        if (ok) {
            rp->image = rp->own_image;
            rp->image_size = size;
        }
    }
    if (ok) {
        cfg.devices = rp->devices;
        cfg.backends = (struct backend_provider){.arg = rp,
                                                 .char_source = rep_char_source,
                                                 .char_sink = rep_char_sink,
                                                 .block_store = rep_block_store};
        rp->m = machine_create(&cfg, err, errlen);
        ok = rp->m != NULL;
    }
    for (uint32_t i = 0; ok && i < ndev; i++)
        if (i >= rp->m->bus.ndev || !dev_names[i] ||
            strcmp(rp->m->bus.dev[i].kind->name, dev_names[i])) {
            snprintf(err, errlen,
                     "%s: the recorded machine's device %u is '%s', this space has '%s'", path, i,
                     dev_names[i] ? dev_names[i] : "?",
                     i < rp->m->bus.ndev ? rp->m->bus.dev[i].kind->name : "none");
            ok = false;
        }
    if (ok && rp->m->bus.ndev != ndev) {
        snprintf(err, errlen, "%s: the recorded machine had %u devices, this space builds %u", path,
                 ndev, rp->m->bus.ndev);
        ok = false;
    }
    for (uint32_t i = 0; i < MAX_DEVICES; i++)
        free(dev_names[i]);
    if (ok && ram_hasher_init(&rp->hasher, rp->m) != 0) {
        snprintf(err, errlen, "out of host memory");
        ok = false;
    }
    if (ok)
        ok = machine_boot_image(rp->m, rp->image_name ? rp->image_name : "recorded kernel",
                                rp->image, rp->image_size, err, errlen) == 0;
    if (!ok) {
        replay_close(rp);
        return NULL;
    }
    for (unsigned d = 0; d < MAX_DEVICES; d++)
        rp->next_in[d] = input_from(rp, d, 0);
    rp->m->debug_out = rp->console_output;
    rp->m->alarm = (struct machine_alarm){.at = 0, .fn = replay_alarm, .arg = rp};
    return rp;
}

struct machine *replay_machine(struct replay *rp)
{
    return rp->m;
}

const char *replay_note(const struct replay *rp)
{
    return rp->note;
}

void replay_image(const struct replay *rp, const char **name, const uint8_t **image, size_t *size)
{
    *name = rp->image_name ? rp->image_name : "recorded kernel";
    *image = rp->image;
    *size = rp->image_size;
}

void replay_run(struct replay *rp, bool single_step)
{
    struct machine *m = rp->m;
    while (m->state == MACHINE_RUNNING) {
        machine_run_until(m, single_step ? cpu_time(m->cpu) + 1 : UINT64_MAX);
        if (m->state == MACHINE_RUNNING && m->pause == PAUSE_INPUT)
            break; /* (a replay never waits for a person) */
    }
}

bool replay_verdict(struct replay *rp, char *report, unsigned len)
{
    struct machine *m = rp->m;
    if (!rp->diverged) {
        uint64_t now = cpu_time(m->cpu);
        if (m->state != rp->end_state || now != rp->end_time ||
            (m->state == MACHINE_HALTED && m->exit_code != rp->end_code) ||
            (m->state == MACHINE_STOPPED &&
             strcmp(m->reason, rp->end_reason ? rp->end_reason : "")))
            diverge(rp,
                    "the recorded run ended at virtual time %llu (%s, code %u%s%s), the replay at "
                    "%llu (%s, code %u%s%s)",
                    (unsigned long long)rp->end_time, state_name(rp->end_state), rp->end_code,
                    rp->end_state == MACHINE_STOPPED ? ": " : "",
                    rp->end_state == MACHINE_STOPPED && rp->end_reason ? rp->end_reason : "",
                    (unsigned long long)now, state_name(m->state), m->exit_code,
                    m->state == MACHINE_STOPPED ? ": " : "",
                    m->state == MACHINE_STOPPED ? m->reason : "");
        else
            compare(rp, &rp->end_cp, "the final checkpoint");
        if (!rp->diverged)
            check_missed_inputs(rp, UINT64_MAX);
    }
    snprintf(report, len, "%s", rp->diverged ? rp->report : "");
    return !rp->diverged;
}

void replay_progress(const struct replay *rp, unsigned *checked, unsigned *total)
{
    *checked = rp->next_cp;
    *total = rp->ncp;
}

void replay_close(struct replay *rp)
{
    if (!rp)
        return;
    machine_destroy(rp->m);
    ram_hasher_free(&rp->hasher);
    recfile_close(&rp->tr);
    free(rp->own_image);
    free(rp->image_name);
    free(rp->end_reason);
    free(rp->cmdline);
    device_config_free(rp->devices);
    free(rp->in);
    free(rp->cp);
    free(rp);
}
